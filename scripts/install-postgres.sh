#!/usr/bin/env bash
# Installs PostgreSQL 15 from Debian (server and client binaries only; no cluster is created or started here:
# scripts/postgres.sh runs one in a folder of its own). Idempotent. Needs root (CI and dev machines here run as root).
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/postgres ]; then
  echo "postgresql 15 already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Without this policy file Debian's package would create and start a system-wide cluster on port 5432.
mkdir -p /usr/sbin && printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-client-15 >/dev/null
rm -f /usr/sbin/policy-rc.d
echo "postgresql 15 installed"
