#!/bin/sh
# azd preprovision hook: the first time an environment is provisioned, create the gateway's admin API
# key. The key and its SHA-256 go into the azd environment (.azure/<env>/.env, on this machine only);
# only the hash reaches Azure, as a Container Apps secret the gateway reads as
# Gateway__Keys__admin__Sha256. A hash set beforehand (your own key) is kept.
set -eu

if [ -n "${GATEWAY_ADMIN_KEY_SHA256:-}" ]; then
  exit 0
fi

key="ft-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
if command -v sha256sum >/dev/null 2>&1; then
  hash=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
else
  hash=$(printf %s "$key" | shasum -a 256 | cut -d' ' -f1) # macOS
fi

azd env set GATEWAY_ADMIN_KEY "$key" >/dev/null
azd env set GATEWAY_ADMIN_KEY_SHA256 "$hash" >/dev/null
echo "Created the gateway's admin API key; show it with: azd env get-value GATEWAY_ADMIN_KEY"
