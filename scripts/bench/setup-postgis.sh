#!/usr/bin/env bash
# Installs Debian's PostgreSQL + PostGIS (when missing) and starts a throwaway cluster on
# loopback for the MVT benchmark (scripts/bench/mvt.ts compares gisd with ST_AsMVT).
# Usage: scripts/bench/setup-postgis.sh [start|stop]   (env: PGBENCH_PORT, default 55432)
# The cluster lives in a temp folder owned by the postgres user, trusts only 127.0.0.1 and is
# removed by `stop`. Prints the connection URL on stdout.
set -eu
PORT="${PGBENCH_PORT:-55432}"
DIR="${PGBENCH_DIR:-/tmp/gisd-bench-pg}"
cmd="${1:-start}"

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$cmd" = "stop" ]; then
  BIN="$(pgbin)"
  [ -n "$BIN" ] && [ -d "$DIR/data" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
  exit 0
fi

if ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  if [ "$(id -u)" != "0" ]; then echo "setup-postgis: need root to install postgis" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  ver="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)"
  pkgs=(postgresql postgis)
  [ -n "$ver" ] && pkgs+=("postgresql-$ver-postgis-3")
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi
BIN="$(pgbin)"
id postgres >/dev/null 2>&1 || useradd -r -M -d "$DIR" postgres
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  [ "$(id -u)" = "0" ] && chown postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c shared_buffers=512MB -c max_parallel_workers_per_gather=2" start >/dev/null
fi
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qAt -c "CREATE EXTENSION IF NOT EXISTS postgis" postgres >/dev/null
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
