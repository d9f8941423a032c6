#!/usr/bin/env bash
# Installs OpenStack Swift (with its s3api middleware) and memcached from Debian: the S3-compatible server the
# replication tests run on 127.0.0.1. Idempotent. Needs root (CI and dev machines here run as root).
set -euo pipefail
if command -v swift-proxy-server >/dev/null && command -v swift-object-server >/dev/null && command -v memcached >/dev/null; then
  echo "swift already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# memcached: tempauth keeps its tokens there; without it every authenticated request is a 503.
apt-get install -y -qq --no-install-recommends swift swift-proxy swift-account swift-container swift-object memcached >/dev/null
echo "swift installed"
