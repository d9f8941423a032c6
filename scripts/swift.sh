#!/usr/bin/env bash
# A single-node Swift with s3api on 127.0.0.1, all state under one folder.
#   scripts/swift.sh start DIR PORT   prints the PIDs it started (one per line) once /healthcheck answers
#   scripts/swift.sh stop DIR         kills the PIDs recorded in DIR/pids
# S3 credentials: access key "test:tester", secret "testing". Ports PORT (proxy), PORT+1..PORT+3
# (account, container, object) and PORT+4 (memcached, where tempauth keeps its tokens).
# workers = 0 keeps each server a single process, so the recorded PIDs are all there is to stop.
set -euo pipefail
cmd=${1:?start|stop}; dir=$(realpath -m "${2:?folder}")

if [ "$cmd" = stop ]; then
  [ -f "$dir/pids" ] && xargs -r kill -9 < "$dir/pids" 2>/dev/null || true
  exit 0
fi

port=${3:?port}
mkdir -p "$dir/etc" "$dir/node/d1" "$dir/log"
: > "$dir/pids"

# Swift reads its hash settings from this fixed path only.
if [ ! -s /etc/swift/swift.conf ]; then
  mkdir -p /etc/swift
  printf '[swift-hash]\nswift_hash_path_suffix = steadfast-tests\nswift_hash_path_prefix = steadfast\n' > /etc/swift/swift.conf
fi

i=1
for ring in account container object; do
  (cd "$dir/etc" && swift-ring-builder $ring.builder create 8 1 1 >/dev/null \
    && swift-ring-builder $ring.builder add "r1z1-127.0.0.1:$((port + i))/d1" 100 >/dev/null \
    && swift-ring-builder $ring.builder rebalance >/dev/null) || true
  cat > "$dir/etc/$ring-server.conf" <<CONF
[DEFAULT]
devices = $dir/node
mount_check = false
bind_ip = 127.0.0.1
bind_port = $((port + i))
workers = 0
user = $(id -un)
swift_dir = $dir/etc
log_level = WARNING

[pipeline:main]
pipeline = $ring-server

[app:$ring-server]
use = egg:swift#$ring
CONF
  i=$((i + 1))
done

cat > "$dir/etc/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
user = $(id -un)
swift_dir = $dir/etc
log_level = WARNING

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:s3api]
use = egg:swift#s3api

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$((port + 4))
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF

nohup memcached -l 127.0.0.1 -p $((port + 4)) -U 0 -u root -m 32 > "$dir/log/memcached.log" 2>&1 &
echo $! >> "$dir/pids"
for server in account container object proxy; do
  nohup "swift-$server-server" "$dir/etc/$server-server.conf" > "$dir/log/$server.log" 2>&1 &
  echo $! >> "$dir/pids"
done

for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/healthcheck" >/dev/null 2>&1; then cat "$dir/pids"; exit 0; fi
  sleep 0.2
done
echo "swift did not answer on 127.0.0.1:$port within 60 s; logs in $dir/log" >&2
xargs -r kill -9 < "$dir/pids" 2>/dev/null || true
exit 1
