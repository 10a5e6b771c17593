#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real clients and baselines:
#   gdal-bin          GDAL's ogrinfo/ogr2ogr/gdalinfo (NGW, WFS, WMS, OAPIF drivers)
#   chromium          headless browser for the web UI tests (driven by playwright-core)
#   python3-owslib    OWSLib, the Python OGC client (run with Debian's /usr/bin/python3)
#   mapserver-bin     MapServer's shp2img/map2img, the WMS rendering baseline
#   postgresql-*-postgis-3  a PostgreSQL + PostGIS server for the PostGIS source tests
# Each is installed only when missing; without root or apt the tests that need a tool say so
# and skip.
set -u
need=()
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
/usr/bin/python3 -c "import owslib" >/dev/null 2>&1 || need+=(python3-owslib)
command -v map2img >/dev/null 2>&1 || command -v shp2img >/dev/null 2>&1 || need+=(mapserver-bin)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
  || need+=(postgresql postgresql-postgis)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-test-deps: cannot install ${need[*]} (need root and apt-get); dependent tests will skip" >&2
  exit 0
fi
echo "setup-test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
for pkg in "${need[@]}"; do
  # one at a time, so one unavailable package does not keep the others out
  apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 \
    || echo "setup-test-deps: apt-get install $pkg failed; dependent tests will skip" >&2
done
exit 0
