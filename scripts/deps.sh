#!/bin/sh
# Installs the Debian packages Cadence needs, only when some are missing.
# Usage: deps.sh [test]   ("test" adds what the test suite and benchmarks use)
set -eu
pkgs="make gcc libc6-dev pkg-config libmicrohttpd-dev libjansson-dev libpq-dev libcurl4-openssl-dev libssl-dev postgresql curl ca-certificates"
if [ "${1:-}" = test ]; then
  pkgs="$pkgs python3 python3-jsonschema python3-yaml python3-psycopg2 wrk postgresql-contrib cppcheck clang libclang-rt-dev chromium"
  command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs npm"
fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
