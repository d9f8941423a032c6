#!/usr/bin/env bash
# Runs the concurrency stress spec with random (or given) seeds and a chosen size, outside CI.
#   scripts/stress.sh [--runs N] [--workflows N] [--seed S]
# Prints each run's seed and figures; exits non-zero on the first failing seed (re-run it with --seed).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 workflows=1000 seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --workflows) workflows="$2"; shift 2 ;;
    --seed) seed="$2"; runs=1; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
dotnet build tests/Actors.Tests -c Release -nologo -v quiet
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for _ in $(seq "$runs"); do
  s="${seed:-$((RANDOM * 32768 + RANDOM))}" # below 2^30: the spec reads an int
  status=0
  STEADFAST_STRESS_SEED="$s" STEADFAST_STRESS_WORKFLOWS="$workflows" \
    dotnet test tests/Actors.Tests -c Release --no-build -nologo --filter ConcurrencyStressSpec \
      --logger "console;verbosity=detailed" > "$log" 2>&1 || status=$?
  grep -E "^\s+(seed [0-9]|[0-9]+ workflows,|[0-9]+ \(step)|never answered|reached no asker|ended wrongly|more than once|terminal event" "$log" | sort -u || true
  if [ "$status" -ne 0 ]; then echo "seed $s FAILED (re-run: scripts/stress.sh --seed $s --workflows $workflows)" >&2; exit 1; fi
  echo "seed $s passed"
done
