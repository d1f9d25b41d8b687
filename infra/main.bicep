// FineTune on Azure Container Apps, provisioned by `azd up`: a resource group holding Log Analytics,
// the Container Apps environment, a container registry with a pull identity, Storage (the artifacts
// blob container, RabbitMQ's file share), Azure Cache for Redis, RabbitMQ as a container app, and the
// services (app/services.bicep) with the gateway as the only public endpoint.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Resource group to create; rg-<environment> when empty.')
param resourceGroupName string = ''

@description('RabbitMQ user the services and the scalers log in as.')
param rabbitMqUser string = 'finetune'

// azd generates this once per environment and keeps it in .azure/<env>/config.json, so the broker's
// stored user and the services agree on every later `azd up`. No special characters: it sits in an
// AMQP URI.
@secure()
@metadata({ azd: { type: 'generate', config: { length: 32, noSpecial: true } } })
param rabbitMqPassword string

@secure()
@minLength(64)
@maxLength(64)
@description('SHA-256, in hex, of the gateway\'s admin API key (set by the preprovision hook, infra/hooks/gateway-key.sh).')
param gatewayAdminKeySha256 string

// Images azd pushed on an earlier deploy (SERVICE_<NAME>_IMAGE_NAME), so that provisioning again keeps
// the running images instead of going back to the placeholder.
param curationImage string = ''
param trainingImage string = ''
param trainingWorkerImage string = ''
param evaluationImage string = ''
param registryImage string = ''
param inferenceImage string = ''
param monitoringImage string = ''
param gatewayImage string = ''

var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module logs 'core/log-analytics.bicep' = {
  scope: group
  name: 'log-analytics'
  params: { name: 'log-${token}', location: location, tags: tags }
}

module storage 'core/storage.bicep' = {
  scope: group
  name: 'storage'
  params: { name: 'st${token}', location: location, tags: tags }
}

module redis 'core/redis.bicep' = {
  scope: group
  name: 'redis'
  params: { name: 'redis-${token}', location: location, tags: tags }
}

module identity 'core/identity.bicep' = {
  scope: group
  name: 'identity'
  params: { name: 'id-${token}', location: location, tags: tags }
}

module registry 'core/container-registry.bicep' = {
  scope: group
  name: 'container-registry'
  params: { name: 'cr${token}', location: location, tags: tags, pullPrincipalId: identity.outputs.principalId }
}

module environment 'core/container-apps-environment.bicep' = {
  scope: group
  name: 'container-apps-environment'
  params: {
    name: 'cae-${token}'
    location: location
    tags: tags
    logAnalyticsWorkspaceName: logs.outputs.name
    storageAccountName: storage.outputs.name
    rabbitMqShareName: storage.outputs.rabbitMqShareName
  }
}

module rabbitMq 'app/rabbitmq.bicep' = {
  scope: group
  name: 'rabbitmq'
  params: {
    location: location
    tags: tags
    environmentId: environment.outputs.id
    storageName: environment.outputs.rabbitMqStorageName
    user: rabbitMqUser
    password: rabbitMqPassword
  }
}

module services 'app/services.bicep' = {
  scope: group
  name: 'services'
  params: {
    location: location
    tags: tags
    environmentId: environment.outputs.id
    identityId: identity.outputs.id
    registryServer: registry.outputs.loginServer
    storageAccountName: storage.outputs.name
    artifactsContainerName: storage.outputs.artifactsContainerName
    redisName: redis.outputs.name
    rabbitMqHost: rabbitMq.outputs.host
    rabbitMqUser: rabbitMqUser
    rabbitMqPassword: rabbitMqPassword
    gatewayAdminKeySha256: gatewayAdminKeySha256
    images: {
      curation: curationImage
      training: trainingImage
      'training-worker': trainingWorkerImage
      evaluation: evaluationImage
      registry: registryImage
      inference: inferenceImage
      monitoring: monitoringImage
      gateway: gatewayImage
    }
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.outputs.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = environment.outputs.defaultDomain
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint

@description('The public front door: the OpenAI-compatible API and everything else, behind API keys.')
output GATEWAY_URL string = services.outputs.gatewayUrl

@description('The monitoring dashboard, served by monitoring through the gateway\'s /dashboard route.')
output DASHBOARD_URL string = '${services.outputs.gatewayUrl}/dashboard'

output SERVICE_CURATION_IMAGE_NAME string = services.outputs.images.curation
output SERVICE_TRAINING_IMAGE_NAME string = services.outputs.images.training
output SERVICE_TRAINING_WORKER_IMAGE_NAME string = services.outputs.images['training-worker']
output SERVICE_EVALUATION_IMAGE_NAME string = services.outputs.images.evaluation
output SERVICE_REGISTRY_IMAGE_NAME string = services.outputs.images.registry
output SERVICE_INFERENCE_IMAGE_NAME string = services.outputs.images.inference
output SERVICE_MONITORING_IMAGE_NAME string = services.outputs.images.monitoring
output SERVICE_GATEWAY_IMAGE_NAME string = services.outputs.images.gateway
