#!/usr/bin/env bash
# The main job: the FineTune pipeline end to end on the bundled sample, in one process.
#   ./run.sh [finetune run options, e.g. --dataset my-data.jsonl]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
scripts/install-dependencies.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/FineTune.Cli -c Release -nologo -v quiet -clp:NoSummary
exec dotnet src/FineTune.Cli/bin/Release/net10.0/finetune.dll run "$@"
