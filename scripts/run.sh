#!/usr/bin/env bash
# Runs the Steadfast host with the sample research agent on ./data/steadfast.db, replicated by
# Litestream to ./replica (config/steadfast.json); installs Litestream into tools/ first.
# Extra arguments go to `steadfast run` (e.g. --workflows 50 --keep-running).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-litestream.sh >/dev/null
dotnet build src/Cli -c Release -nologo -v quiet
exec dotnet src/Cli/bin/Release/net10.0/steadfast.dll run "$@"
