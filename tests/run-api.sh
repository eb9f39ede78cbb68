#!/bin/sh
# Runs the API tests (TEST_ONLY=<substring>[,...] for some of them) against build/cadence and a throwaway
# PostgreSQL, without the rest of make test: for working on one test. Ends with "api: N passed, N failed".
set -u
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/.."
root=$(pwd)
sh tests/npm-tools.sh || exit 1
tmp=$(mktemp -d /tmp/cadence-api.XXXXXX)
chmod 755 "$tmp"
export PGDATA_DIR="$tmp/pg" PGPORT=$(sh scripts/free-port.sh)
sh scripts/pg-local.sh init "$PGDATA_DIR" && sh scripts/pg-local.sh start "$PGDATA_DIR" "$PGPORT" || exit 1
trap 'sh scripts/pg-local.sh stop "$PGDATA_DIR"; rm -rf "$tmp"' EXIT
CADENCE_BIN="${CADENCE_BIN:-$root/build/cadence}" /usr/bin/python3 tests/api/run.py
