#!/usr/bin/env bash
# Installs PostgreSQL 15 from Debian (server and client binaries; Debian's own cluster is created but not started:
# scripts/postgres.sh runs one in a folder of its own). Idempotent. Needs root (CI and dev machines here run as root).
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/postgres ]; then
  echo "postgresql 15 already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# A policy that refuses service starts keeps Debian's package from starting its cluster on port 5432. Many images
# ship one already; only a policy this script wrote is removed again.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-client-15 >/dev/null
echo "postgresql 15 installed"
