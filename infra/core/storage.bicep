// Artifacts (datasets, checkpoints, adapters, reports) in one blob container, as the services use
// Azurite locally; and an Azure Files share that keeps RabbitMQ's queues across restarts.
@description('Storage account name: 3–24 lowercase letters and digits.')
param name string
param location string
param tags object
param artifactsContainerName string = 'artifacts'
param rabbitMqShareName string = 'rabbitmq'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    // The artifact store signs requests with the account key (SharedKey), and Container Apps mounts
    // Azure Files with it; both stop working if a policy turns shared keys off.
    allowSharedKeyAccess: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource artifacts 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: artifactsContainerName
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource rabbitMqShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: fileService
  name: rabbitMqShareName
  properties: { shareQuota: 5 } // GiB; queues hold job commands and events, never artifact bytes
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output artifactsContainerName string = artifacts.name
output rabbitMqShareName string = rabbitMqShare.name
