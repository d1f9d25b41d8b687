// The Container Apps environment: a workload-profiles environment on the Consumption profile (pay per
// use, scale to zero), logs to Log Analytics, and the Azure Files share RabbitMQ mounts.
param name string
param location string
param tags object
param logAnalyticsWorkspaceName string
param storageAccountName string
param rabbitMqShareName string

@description('Name the RabbitMQ app uses for its volume.')
param rabbitMqStorageName string = 'rabbitmq'

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
    ]
  }
}

resource rabbitMqStorage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: rabbitMqStorageName
  properties: {
    azureFile: {
      accountName: storage.name
      accountKey: storage.listKeys().keys[0].value
      shareName: rabbitMqShareName
      accessMode: 'ReadWrite'
    }
  }
}

output id string = environment.id
output name string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output rabbitMqStorageName string = rabbitMqStorage.name
