#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real clients: GDAL's command-line tools
# (the NGW, WFS, WMS and OAPIF drivers). Each is installed only when missing; without root or
# apt the tests that need a tool say so and skip.
set -u
need=()
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-test-deps: cannot install ${need[*]} (need root and apt-get); dependent tests will skip" >&2
  exit 0
fi
echo "setup-test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "setup-test-deps: apt-get install ${need[*]} failed; dependent tests will skip" >&2
exit 0
