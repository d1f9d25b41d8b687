#!/usr/bin/env bash
# Sums the counters of every TRX file under $1 into one line: "N passed, N failed, N skipped",
# naming any test run that aborted (a test host that could not start or crashed) after it.
set -euo pipefail
passed=0 failed=0 skipped=0 aborted=0
shopt -s nullglob globstar
for trx in "$1"/**/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  run_failed=$(($(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  failed=$((failed + run_failed))
  skipped=$((skipped + $(get notExecuted)))
  # A run that failed with no failed test never ran its tests (host could not start, or crashed).
  if [ "$run_failed" -eq 0 ] && ! grep -q '<ResultSummary outcome="Completed"' "$trx"; then aborted=$((aborted + 1)); fi
done
summary="$passed passed, $failed failed, $skipped skipped"
[ "$aborted" -gt 0 ] && summary="$summary, $aborted test runs aborted"
echo "$summary"
