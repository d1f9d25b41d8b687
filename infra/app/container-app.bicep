// One FineTune service as a container app — the only app definition every service shares. Wiring
// follows the AppHost's (Aspire's) conventions: ConnectionStrings__<name> from Container Apps secrets
// (secretRef, never a plain value), services__<name>__http__0 for each service it calls, and
// OTEL_SERVICE_NAME. Probes use ServiceDefaults' endpoints: /alive (the process answers) for startup
// and liveness, /health (its dependencies answer) for readiness.
param name string
param location string
param tags object

@description('azd service this app belongs to (azure.yaml); azd finds the app by this tag.')
param serviceName string

param environmentId string
param identityId string
param registryServer string

@description('Image to run: the one azd pushed, or a placeholder before the first `azd deploy`.')
param image string

@allowed(['external', 'internal', 'none'])
param ingress string

@description('Cores, as a decimal string (\'0.5\', \'2.0\').')
param cpu string

@description('Memory, e.g. \'4Gi\'; the Consumption profile allows 2 GiB per core.')
param memory string

param minReplicas int
param maxReplicas int
param scaleRules array = []

@description('Container Apps secrets by name; each is read by an environment variable in envRefs.')
@secure()
param secrets object = {}

@description('Environment variable name → name of the Container Apps secret it reads (secretRef).')
param envRefs object = {}

@description('Plain (non-secret) environment variables, name → value.')
param env object = {}

@description('Services this one calls; each becomes services__<name>__http__0.')
param references array = []

var port = 8080 // the .NET images' ASPNETCORE_HTTP_PORTS; ContainerPort in Directory.Build.targets

var serviceUrls = [for reference in references: {
  name: 'services__${reference}__http__0'
  value: 'http://${reference}' // apps in one environment reach each other by app name
}]
var plainEnv = [for variable in items(env): { name: variable.key, value: variable.value }]
// Exactly the secrets the environment reads (scale rules read the same ones): a name without a value
// fails here at deployment, not in a running container.
var secretNames = union(map(items(envRefs), variable => variable.value), [])
var referencedSecrets = [for variable in items(envRefs): { name: variable.key, secretRef: variable.value }]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: ingress == 'none' ? null : {
        external: ingress == 'external'
        targetPort: port
        transport: 'http'
        // Inside the environment services call each other over plain http://<app>, as locally;
        // the public gateway redirects http to https.
        allowInsecure: ingress == 'internal'
      }
      registries: [
        { server: registryServer, identity: identityId }
      ]
      // The values come from the @secure() object; the linter cannot see through the indexer.
      #disable-next-line use-secure-value-for-secure-inputs
      secrets: [for secret in secretNames: { name: secret, value: secrets[secret] }]
    }
    template: {
      containers: [
        {
          name: serviceName
          image: image
          resources: { cpu: json(cpu), memory: memory }
          env: concat([{ name: 'OTEL_SERVICE_NAME', value: serviceName }], serviceUrls, plainEnv, referencedSecrets)
          probes: [
            {
              // Loading a base model and connecting to the broker take a while on a cold replica.
              type: 'Startup'
              httpGet: { path: '/alive', port: port }
              initialDelaySeconds: 3
              periodSeconds: 5
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: { path: '/alive', port: port }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: '/health', port: port }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: scaleRules
      }
    }
  }
}

output name string = app.name
output uri string = ingress == 'none' ? '' : 'https://${app.properties.configuration.ingress.fqdn}'
