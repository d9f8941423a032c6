#!/usr/bin/env bash
# A PostgreSQL 15 of its own, all state under one folder, listening on 127.0.0.1 only.
#   scripts/postgres.sh start DIR PORT   initializes DIR (once), starts the server, waits until it accepts
#                                         connections, prints its PID (also kept in DIR/pid)
#   scripts/postgres.sh stop DIR         kills the PID kept in DIR/pid and waits for it
# Runs as the "postgres" user (initdb and postgres refuse root); trust authentication on the loopback only;
# fsync and synchronous_commit stay on (initdb's defaults), so an acknowledged commit survives a crash.
set -euo pipefail
cmd=${1:?start|stop}; dir=$(realpath -m "${2:?folder}")
bin=/usr/lib/postgresql/15/bin

if [ "$cmd" = stop ]; then
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    kill -INT "$pid" 2>/dev/null || true        # fast shutdown: ends sessions, checkpoints, exits
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/pid"   # a later stop must not signal a process that reused the PID
  fi
  exit 0
fi

port=${3:?port}
[ -x "$bin/postgres" ] || { echo "PostgreSQL 15 is not installed: run scripts/install-postgres.sh" >&2; exit 1; }
mkdir -p "$dir"
chown postgres "$dir"
if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
  echo "A PostgreSQL already runs on $dir (PID $(cat "$dir/pid")): stop it first" >&2; exit 1
fi
if [ ! -s "$dir/data/PG_VERSION" ]; then
  su postgres -s /bin/sh -c "$bin/initdb -D '$dir/data' --auth=trust --username=postgres -E UTF8 >'$dir/initdb.log' 2>&1" \
    || { echo "initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
fi
su postgres -s /bin/sh -c "$bin/postgres -D '$dir/data' -c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' \
  -c max_connections=200 >'$dir/server.log' 2>&1 & echo \$! > '$dir/pid'"
for _ in $(seq 1 300); do
  kill -0 "$(cat "$dir/pid")" 2>/dev/null || break   # exited (the port taken, a bad setting): see server.log
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then cat "$dir/pid"; exit 0; fi
  sleep 0.1
done
echo "PostgreSQL did not start on 127.0.0.1:$port (or not within 30 s); see $dir/server.log" >&2
tail -5 "$dir/server.log" >&2 || true
exit 1
