#!/usr/bin/env bash
# The soak outside CI: mixed load (starts, signals, durable timers, children, transient failures) for MINUTES with a
# kill -9 of the host every few minutes, Litestream replicating the journal to a local S3 server (Swift + s3api on
# 127.0.0.1, started and stopped here). Prints a row every 30 s (completions/s, host memory, journal and WAL size,
# replication lag every 5 min) and checks every workflow at the end.
#   scripts/soak.sh [--minutes 30] [--rate 100] [--kill-every 4]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=30 rate=100 kill_every=4
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --kill-every) kill_every="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bash scripts/install-litestream.sh >/dev/null
bash scripts/install-swift.sh >/dev/null
dotnet build bench -c Release -nologo -v quiet
dir="$(mktemp -d /tmp/steadfast-soak.XXXXXX)"
cp -r bench/bin/Release/net10.0 "$dir/bin" # a rebuild during the soak must not change the hosts it restarts
port=$((20000 + RANDOM % 20000))
trap 'bash scripts/swift.sh stop "$dir/swift"; rm -rf "$dir/data" "$dir/swift" "$dir/bin"' EXIT
bash scripts/swift.sh start "$dir/swift" "$port" >/dev/null
for _ in $(seq 240); do # the proxy answers before the storage servers listen
  auth="$(curl -si -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "http://127.0.0.1:$port/auth/v1.0" || true)"
  token="$(printf '%s' "$auth" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}')"
  url="$(printf '%s' "$auth" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-storage-url"{print $2}')"
  if [ -n "$token" ] && curl -sf -X PUT -H "X-Auth-Token: $token" "$url/soak" >/dev/null; then break; fi
  sleep 0.5
done
cat > "$dir/steadfast.json" <<JSON
{ "Steadfast": { "DataDirectory": "$dir/data", "Replication": { "Enabled": true,
  "Replicas": [ { "Type": "s3", "Name": "swift", "Bucket": "soak", "Path": "steadfast", "Endpoint": "http://127.0.0.1:$port" } ] } } }
JSON
export LITESTREAM_ACCESS_KEY_ID=test:tester LITESTREAM_SECRET_ACCESS_KEY=testing
status=0
dotnet "$dir/bin/steadfast-bench.dll" --workload soak --minutes "$minutes" --rate "$rate" \
  --kill-every "$kill_every" --soak-config "$dir/steadfast.json" 2> "$dir/host-errors.log" || status=$?
echo "host warnings and errors: $(wc -l < "$dir/host-errors.log") line(s) in $dir/host-errors.log"
exit $status
