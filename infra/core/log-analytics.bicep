// Where every container's stdout (the services' JSON logs with trace ids) and the environment's
// system logs land.
@description('Workspace name.')
param name string
param location string
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

output id string = workspace.id
output name string = workspace.name
