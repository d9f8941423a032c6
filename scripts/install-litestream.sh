#!/usr/bin/env bash
# Installs the Litestream binary (v0.3.13, linux-x64) into tools/litestream/ from its npm package.
# Idempotent: does nothing when the right version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
target=tools/litestream/litestream
package="@flydotio/litestream-linux-x64@1.0.1"
if [ -x "$target" ] && "$target" version 2>/dev/null | grep -q "v0.3.13"; then
  echo "litestream $("$target" version) already installed at $target"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed to fetch $package (apt-get install -y npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null && tar -xzf ./*.tgz)
mkdir -p "$(dirname "$target")"
install -m 0755 "$work/package/litestream" "$target"
echo "installed litestream $("$target" version) at $target"
