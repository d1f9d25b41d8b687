// The broker: the official RabbitMQ image with the management plugin, one replica, its message store
// on the Azure Files share so queued jobs survive a restart. Reachable inside the environment only,
// over TCP at rabbitmq:5672 (AMQP) and rabbitmq:15672 (management UI).
param name string = 'rabbitmq'
param location string
param tags object
param environmentId string
param storageName string

@description('Name of the broker\'s user; the services and the KEDA scalers log in as it.')
param user string

@secure()
param password string

param image string = 'rabbitmq:4.1-management'

resource broker 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: false
        transport: 'tcp'
        targetPort: 5672
        exposedPort: 5672
        additionalPortMappings: [
          { external: false, targetPort: 15672, exposedPort: 15672 }
        ]
      }
      secrets: [
        { name: 'rabbitmq-password', value: password }
      ]
    }
    template: {
      containers: [
        {
          name: 'rabbitmq'
          image: image
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: [
            // The store's folder is named after the node; a fixed name lets a new replica (new
            // hostname) find the queues the last one left on the share.
            { name: 'RABBITMQ_NODENAME', value: 'rabbit@localhost' }
            { name: 'RABBITMQ_DEFAULT_USER', value: user }
            { name: 'RABBITMQ_DEFAULT_PASS', secretRef: 'rabbitmq-password' }
          ]
          // Only the store is on the share: the Erlang cookie beside it must be owner-only, which an
          // SMB mount's fixed file mode cannot give.
          volumeMounts: [
            { volumeName: 'data', mountPath: '/var/lib/rabbitmq/mnesia' }
          ]
          probes: [
            { type: 'Startup', tcpSocket: { port: 5672 }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 10 }
            { type: 'Liveness', tcpSocket: { port: 5672 }, periodSeconds: 10, failureThreshold: 3 }
            { type: 'Readiness', tcpSocket: { port: 5672 }, periodSeconds: 5, failureThreshold: 3 }
          ]
        }
      ]
      volumes: [
        {
          name: 'data'
          storageType: 'AzureFile'
          storageName: storageName
          // The image runs RabbitMQ as uid/gid 999; nobrl because SMB byte-range locks are not
          // what the store's file locking expects.
          mountOptions: 'uid=999,gid=999,dir_mode=0700,file_mode=0600,nobrl'
        }
      ]
      // One node: a second would be a separate broker, not a cluster, and both would write the share.
      scale: { minReplicas: 1, maxReplicas: 1 }
    }
  }
}

output host string = broker.name
output port int = 5672
