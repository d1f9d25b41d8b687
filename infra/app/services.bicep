// The FineTune services, declared once each as data and deployed through the one container-app
// module. Connection strings are assembled here from the resources' keys, so they travel only as
// secure parameters and Container Apps secrets — never as outputs or plain environment values.
param location string
param tags object
param environmentId string
param identityId string
param registryServer string
param storageAccountName string
param artifactsContainerName string
param redisName string
param rabbitMqHost string
param rabbitMqUser string

@secure()
param rabbitMqPassword string

@description('SHA-256 (64 hex digits) of the gateway\'s admin API key; the key itself never reaches Azure.')
@secure()
param gatewayAdminKeySha256 string

@description('azd service name → image pushed by `azd deploy`; a missing or empty entry gets a placeholder.')
param images object

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource redis 'Microsoft.Cache/redis@2024-03-01' existing = {
  name: redisName
}

// The formats FineTune's own clients parse: RabbitMqAddress (vhost "/" from a bare "/"),
// AzureStorageConnectionString (account key only: the artifact store signs with SharedKey, so a SAS
// or managed-identity string would be refused), RedisConnectionString (TLS on 6380 with ssl=true).
var connectionStrings = {
  messaging: 'amqp://${rabbitMqUser}:${rabbitMqPassword}@${rabbitMqHost}:5672/'
  artifacts: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  cache: '${redis.properties.hostName}:${redis.properties.sslPort},password=${redis.listKeys().primaryKey},ssl=true,abortConnect=false'
}
// A placeholder until azd pushes the real image: the app must exist for azd to deploy into it.
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart:latest'
var imageOf = toObject(services, service => service.name, service => empty(images[?service.name] ?? '') ? placeholderImage : images[service.name])

var allSecrets = union(connectionStrings, { 'gateway-admin-key-sha256': gatewayAdminKeySha256 })

// KEDA's RabbitMQ scaler reads the broker from the same secret the service connects with; vhostName
// pins the default vhost, which the trailing "/" of the AMQP URI leaves empty in KEDA's parser.
func queueRule(queue string, messagesPerReplica int) object => {
  name: '${queue}-queue'
  custom: {
    type: 'rabbitmq'
    metadata: {
      queueName: queue
      mode: 'QueueLength'
      value: string(messagesPerReplica)
      protocol: 'amqp'
      vhostName: '/'
    }
    auth: [{ secretRef: 'messaging', triggerParameter: 'host' }]
  }
}

func httpRule(concurrentRequests int) object => {
  name: 'http'
  http: { metadata: { concurrentRequests: string(concurrentRequests) } }
}

func connections(names array) object => toObject(names, name => 'ConnectionStrings__${name}', name => name)

// Sizing, from what the project measured on 2 cores (AMD EPYC Zen 4):
// - Training: a run of the shipped base model peaks at 0.22–0.78 GB (docs/evidence/fine-tuning.md,
//   full/LoRA/QLoRA/DoRA/HFT; DoRA highest), measured with 2 engine threads. A worker gets those
//   2 cores and 4 GiB: the peak plus the runtime and headroom for a larger base model, and
//   Training__MemoryLimitBytes defaults to the container limit, so a job that cannot fit is refused
//   rather than killed. One job per worker (Training__WorkerConcurrency 1), so the queue rule asks for
//   a replica per waiting job; idle workers scale to zero. The training API replica takes no jobs.
// - Inference: bench/README.md "Serving" — on 2 cores, 8 concurrent clients see p95 latency 136 ms
//   and p95 first token 51–65 ms, and batch 16 is where throughput stops growing; so 8 concurrent
//   requests per replica before another starts, 2 cores and 4 GiB (the 2 GB default budget of
//   loaded versions, Inference__LoadedVersionsMegabytes, plus the base and KV cache). One replica
//   always runs: a cold start loads the model while a user waits.
// - Evaluation: one evaluation at a time per replica (ConcurrentMessageLimit 1); the runner takes
//   48–76 s on 2 cores for 300 examples (bench/README.md "Evaluation"), compute-bound, 2 cores.
//   It also serves /api/evaluation, which the gateway probes, so one replica stays; more start when
//   evaluations queue up.
// - Gateway: forwarding adds under 1 ms at p50 (bench "Gateway"); it is I/O-bound, so half a core
//   carries many concurrent streams. The other APIs are light; curation gets a core for uploads of
//   up to 512 MB that it cleans and dedupes in memory.
var services = [
  {
    name: 'curation'
    ingress: 'internal'
    cpu: '1.0'
    memory: '2Gi'
    minReplicas: 1
    maxReplicas: 3
    connections: ['messaging', 'artifacts']
    references: []
    env: {}
    envRefs: {}
    scaleRules: [httpRule(20)]
  }
  {
    name: 'training'
    ingress: 'internal'
    cpu: '0.5'
    memory: '1Gi'
    minReplicas: 1
    maxReplicas: 2
    connections: ['messaging', 'artifacts']
    references: []
    env: { Training__Worker: 'false' } // the jobs API only; jobs run on training-worker
    envRefs: {}
    scaleRules: [httpRule(20)]
  }
  {
    name: 'training-worker'
    ingress: 'none'
    cpu: '2.0'
    memory: '4Gi'
    minReplicas: 0
    maxReplicas: 4
    connections: ['messaging', 'artifacts']
    references: []
    env: { Training__Worker: 'true', Training__WorkerConcurrency: '1' }
    envRefs: {}
    scaleRules: [queueRule('start-training', 1)]
  }
  {
    name: 'evaluation'
    ingress: 'internal'
    cpu: '2.0'
    memory: '4Gi'
    minReplicas: 1
    maxReplicas: 3
    connections: ['messaging', 'artifacts']
    references: []
    env: {}
    envRefs: {}
    scaleRules: [queueRule('evaluate-model', 2)]
  }
  {
    name: 'registry'
    ingress: 'internal'
    cpu: '0.5'
    memory: '1Gi'
    minReplicas: 1
    maxReplicas: 2
    connections: ['messaging', 'artifacts']
    references: []
    env: {}
    envRefs: {}
    scaleRules: [httpRule(50)]
  }
  {
    name: 'inference'
    ingress: 'internal'
    cpu: '2.0'
    memory: '4Gi'
    minReplicas: 1
    maxReplicas: 10
    connections: ['messaging', 'artifacts', 'cache']
    references: []
    env: {}
    envRefs: {}
    scaleRules: [httpRule(8)]
  }
  {
    name: 'monitoring'
    ingress: 'internal'
    cpu: '1.0'
    memory: '2Gi'
    minReplicas: 1
    maxReplicas: 1 // drift windows and alert episodes are evaluated by one instance
    connections: ['messaging', 'artifacts']
    references: ['registry']
    env: {}
    envRefs: {}
    scaleRules: []
  }
  {
    name: 'gateway'
    ingress: 'external'
    cpu: '0.5'
    memory: '1Gi'
    minReplicas: 1
    maxReplicas: 5
    connections: ['cache']
    references: ['curation', 'training', 'evaluation', 'registry', 'inference', 'monitoring']
    env: {
      Gateway__Keys__admin__Scopes__0: 'inference'
      Gateway__Keys__admin__Scopes__1: 'fine-tune'
      Gateway__Keys__admin__Scopes__2: 'admin'
    }
    envRefs: { Gateway__Keys__admin__Sha256: 'gateway-admin-key-sha256' }
    scaleRules: [httpRule(100)]
  }
]

module apps 'container-app.bicep' = [for service in services: {
  name: 'app-${service.name}'
  params: {
    name: service.name
    serviceName: service.name
    location: location
    tags: tags
    environmentId: environmentId
    identityId: identityId
    registryServer: registryServer
    image: imageOf[service.name]
    ingress: service.ingress
    cpu: service.cpu
    memory: service.memory
    minReplicas: service.minReplicas
    maxReplicas: service.maxReplicas
    scaleRules: service.scaleRules
    env: contains(service.connections, 'artifacts') ? union(service.env, { Storage__Container: artifactsContainerName }) : service.env
    references: service.references
    envRefs: union(connections(service.connections), service.envRefs)
    secrets: toObject(concat(service.connections, map(items(service.envRefs), variable => variable.value)), secret => secret, secret => allSecrets[secret])
  }
}]

var gatewayIndex = indexOf(map(services, service => service.name), 'gateway')

output gatewayUrl string = apps[gatewayIndex].outputs.uri
output images object = imageOf
