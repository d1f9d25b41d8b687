# azd preprovision hook (Windows): as gateway-key.sh — create the gateway's admin API key once, keep
# it and its SHA-256 in the azd environment, send only the hash to Azure.
$ErrorActionPreference = 'Stop'

if ($env:GATEWAY_ADMIN_KEY_SHA256) { exit 0 }

$bytes = [System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)
$key = 'ft-' + [System.Convert]::ToHexString($bytes).ToLowerInvariant()
$hash = [System.Convert]::ToHexString(
    [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($key))).ToLowerInvariant()

azd env set GATEWAY_ADMIN_KEY $key | Out-Null
azd env set GATEWAY_ADMIN_KEY_SHA256 $hash | Out-Null
Write-Host "Created the gateway's admin API key; show it with: azd env get-value GATEWAY_ADMIN_KEY"
