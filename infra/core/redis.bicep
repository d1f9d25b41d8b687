// The cache: inference's result cache and the gateway's shared rate-limit buckets. TLS only (6380);
// FineTune.Storage's RESP client speaks TLS with `ssl=true` in its connection string.
param name string
param location string
param tags object

resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'Basic', family: 'C', capacity: 0 } // 250 MB: cached answers and token buckets are small
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    redisVersion: '6'
    publicNetworkAccess: 'Enabled'
  }
}

output name string = redis.name
