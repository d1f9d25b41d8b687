#!/usr/bin/env bash
# The main job: starts the whole suite with the AppHost — RabbitMQ, Redis and Azurite, every service
# (inference twice) and the gateway — then walks the bundled sample through it: upload → curate →
# LoRA training with live progress → evaluation and the ship gate → registry and promotion → answers
# through the gateway, beside the base model's. Then it keeps serving until Ctrl+C.
#   ./run.sh [--once] [walkthrough options: --data FILE --method lora|qlora|dora|full|hft --max-steps N …]
#   --once: stop the suite after the walkthrough (exit status: the walkthrough's)
# Without servers: dotnet src/FineTune.Cli/bin/Release/net10.0/finetune.dll run (the suite in one process).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

once=false
walkthrough=()
for arg in "$@"; do
  if [[ "$arg" == "--once" ]]; then once=true; else walkthrough+=("$arg"); fi
done

scripts/install-dependencies.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say() { printf '\033[36m[run]\033[0m %s\n' "$*"; }

say "building the suite"
dotnet build FineTune.sln -c Release -nologo -v quiet -clp:NoSummary

mkdir -p .artifacts
log="$root/.artifacts/apphost.log"
say "starting the suite (every process's output: $log)"
dotnet FineTune.AppHost/bin/Release/net10.0/FineTune.AppHost.dll >"$log" 2>&1 &
apphost=$!
stop_suite() {
  if kill -0 "$apphost" 2>/dev/null; then
    say "stopping the suite"
    kill -TERM "$apphost" 2>/dev/null || true
    wait "$apphost" 2>/dev/null || true
  fi
}
trap stop_suite EXIT
trap 'exit 130' INT TERM

# The AppHost prints one line once every resource is healthy:
#   FineTune is ready: gateway=URL dashboard=URL api-key=file:PATH resources=URL
ready=""
for _ in $(seq 1 600); do
  ready="$(grep -m1 '^FineTune is ready:' "$log" || true)"
  [[ -n "$ready" ]] && break
  if ! kill -0 "$apphost" 2>/dev/null; then
    echo "the AppHost stopped before the suite was ready; its output:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
[[ -n "$ready" ]] || { echo "the suite was not ready after 5 minutes; see $log" >&2; exit 1; }

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$ready"; }
gateway="$(field gateway)"
resources="$(field resources)"
key_file="$(field api-key)"; key_file="${key_file#file:}"
FINETUNE_API_KEY="$(cat "$key_file")"
export FINETUNE_API_KEY FINETUNE_GATEWAY="$gateway"
say "suite ready: gateway $gateway, resources page $resources"

status=0
dotnet src/FineTune.Cli/bin/Release/net10.0/finetune.dll demo "${walkthrough[@]}" || status=$?

echo
say "gateway:   $gateway   (OpenAI-compatible: /v1/chat/completions, /v1/models, /v1/files, /v1/fine_tuning/jobs)"
say "resources: $resources"
say "API key:   in $key_file — export FINETUNE_API_KEY=\$(cat $key_file) FINETUNE_GATEWAY=$gateway"
say "then e.g.: dotnet src/FineTune.Cli/bin/Release/net10.0/finetune.dll chat --model support-chat \"How do I reset my password?\""
if $once; then exit $status; fi
say "serving until Ctrl+C"
wait "$apphost"
