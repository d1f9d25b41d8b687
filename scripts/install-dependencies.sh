#!/usr/bin/env bash
# Installs what FineTune needs and this machine lacks, and skips what is there. Idempotent.
#   apt: OpenBLAS (the engine), RabbitMQ and Redis (real servers for the suite and its tests),
#        ICU (curation's Unicode normalization), WordNet (curation's synonym augmentation),
#        Chromium (the monitoring dashboard's Playwright tests drive /usr/bin/chromium)
#   npm: Azurite (the Azure Blob emulator), project-local under .tools/
# Usage: scripts/install-dependencies.sh [--with-torch]   (--with-torch: PyTorch for reference tests)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[36m[deps]\033[0m %s\n' "$*"; }

apt_packages=(libopenblas0-pthread rabbitmq-server redis-server libicu72 wordnet-base chromium)
[[ " $* " == *" --with-torch "* ]] && apt_packages+=(python3-torch)

source "$root/scripts/lib/apt-ensure.sh"
apt_ensure "${apt_packages[@]}"

azurite="$root/.tools/node_modules/.bin/azurite-blob"
if [[ -x "$azurite" ]]; then
  say "npm: azurite is installed ($("$azurite" --version 2>/dev/null || echo '?'))"
else
  command -v npm >/dev/null || { echo "npm is required to install Azurite (apt-get install nodejs npm)" >&2; exit 1; }
  say "npm: installing azurite into .tools/ (versions from .tools/package-lock.json)"
  (cd "$root/.tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
