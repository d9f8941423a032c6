#!/usr/bin/env bash
# The kill -9 torture run outside CI: the host is SIGKILLed at seeded random moments, CYCLES times, under activities
# (one failing transiently), durable sleeps and children; then every workflow must have its crash-free result, no
# journaled step may have run again, and the file must pass integrity_check.
#   scripts/torture.sh [--cycles N] [--seed S]       (defaults: 100 cycles, a random seed)
# Prints the seed and the totals (kills, workflows checked, lost, duplicated completions, re-executions).
set -euo pipefail
cd "$(dirname "$0")/.."
cycles=100 seed="$RANDOM"
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bash scripts/install-litestream.sh >/dev/null
dotnet build tests/EndToEnd.Tests -c Release -nologo -v quiet
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
STEADFAST_TORTURE_CYCLES="$cycles" STEADFAST_TORTURE_SEED="$seed" \
  dotnet test tests/EndToEnd.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~TortureSpec.Random_kills" \
    --logger "console;verbosity=detailed" > "$log" 2>&1 || status=$?
grep -E "^\s+seed [0-9]+:" "$log" | sort -u || true
if [ "$status" -ne 0 ]; then grep -E "Error Message" -A6 "$log" >&2 || true; echo "torture seed $seed FAILED" >&2; exit 1; fi
echo "torture seed $seed: passed ($cycles cycles)"
