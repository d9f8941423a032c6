#!/usr/bin/env bash
# Builds everything and runs every test project (unit, actor specs on real SQLite, kill -9 end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-litestream.sh
bash scripts/install-swift.sh   # S3-compatible server for the replication tests (apt, needs root)
dotnet build Actors.sln -c Release -nologo -v quiet
dotnet test Actors.sln -c Release --no-build -nologo "$@"
