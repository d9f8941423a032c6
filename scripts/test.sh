#!/usr/bin/env bash
# Builds everything and runs every test project (unit, actor specs on real SQLite, kill -9, replication and
# CLI end-to-end) one project at a time: the end-to-end tests start real processes and time real work, and
# share two cores badly with the others.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-litestream.sh
bash scripts/install-swift.sh   # S3-compatible server for the replication tests (apt, needs root)
bash scripts/install-postgres.sh  # PostgreSQL 15 for the PostgreSQL storage specs (apt, needs root; scripts/postgres.sh runs it)
dotnet build Actors.sln -c Release -nologo -v quiet
status=0
for project in tests/Runtime.Tests tests/Actors.Tests tests/Host.Tests tests/EndToEnd.Tests; do
  dotnet test "$project" -c Release --no-build -nologo "$@" || status=1
done
exit $status
