#!/usr/bin/env bash
# Installs Debian's MapServer command-line tools (mapserver-bin: map2img, shptree) when missing,
# for scripts/bench/render.ts, which renders the same tiles with the same style through MapServer
# and prints gisd's throughput ratio. Idempotent; needs root only when something is missing.
set -eu
if command -v map2img >/dev/null 2>&1 && command -v shptree >/dev/null 2>&1; then
  echo "mapserver-bin present: $(command -v map2img)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then echo "setup-mapserver: need root to install mapserver-bin" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends mapserver-bin gdal-bin >/dev/null
echo "mapserver-bin installed: $(command -v map2img)"
