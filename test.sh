#!/usr/bin/env bash
# Runs every FineTune test: installs what is missing, builds with zero warnings, runs each test
# project (real RabbitMQ, Redis and Azurite included), and ends with one line "N passed, N failed".
#   ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Storage]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

scripts/install-dependencies.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "== build"
dotnet build FineTune.sln -c Release -nologo -v quiet -clp:NoSummary

results="$root/.artifacts/test-results"
rm -rf "$results"
echo "== test"
status=0
dotnet test FineTune.sln -c Release --no-build -nologo -v quiet \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" || status=$?

scripts/check-no-servers-left.sh || status=1
scripts/test-summary.sh "$results"
exit $status
