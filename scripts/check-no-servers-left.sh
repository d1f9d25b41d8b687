#!/usr/bin/env bash
# Fails (and cleans up) if any server started by the launcher is still running: every such process
# has the test data folder (…/finetune-test-servers/…) in its command line or environment.
set -uo pipefail
left=()
for proc in /proc/[0-9]*; do
  pid=${proc#/proc/}
  [[ $pid == "$$" ]] && continue
  if grep -qs "finetune-test-servers" "$proc/cmdline" "$proc/environ" 2>/dev/null; then
    left+=("$pid $(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | cut -c1-120)")
  fi
done
if ((${#left[@]})); then
  echo "Servers left running after the tests (killing them):" >&2
  printf '  %s\n' "${left[@]}" >&2
  for entry in "${left[@]}"; do kill -9 "${entry%% *}" 2>/dev/null; done
  exit 1
fi
echo "No test server left running."
