#!/bin/sh
# make docker-test: builds the image from a locally made Debian 12 base (no
# image registry is reachable here), runs the smoke flow through a container
# (tests/docker/smoke.py), checks compose.yaml, and reports size, build time
# and start-up. Host networking only: this machine must not use a bridge.
# Ends with "docker: N passed, N failed".
set -eu
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/.."
root=$(pwd)
need=""
command -v dockerd >/dev/null 2>&1 || need="$need docker.io"
command -v debootstrap >/dev/null 2>&1 || need="$need debootstrap"
command -v docker-compose >/dev/null 2>&1 || need="$need docker-compose"
if [ -n "$need" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
tmp=$(mktemp -d /tmp/cadence-docker.XXXXXX)
chmod 755 "$tmp"
dockerd_pid=""
pgport=$(sh scripts/free-port.sh)
cleanup() {
  sh scripts/pg-local.sh stop "$tmp/pg" 2>/dev/null || true
  [ -z "$dockerd_pid" ] || { kill "$dockerd_pid" 2>/dev/null; wait "$dockerd_pid" 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT

# The engine: started here unless one already answers. No bridge, no iptables.
if ! docker info >/dev/null 2>&1; then
  dockerd --bridge=none --iptables=false --ip-masq=false >"$tmp/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
fi

# The base: Debian 12 minbase from the machine's own Debian mirror, made once and kept by the engine.
if ! docker image inspect cadence-base:bookworm >/dev/null 2>&1; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  debootstrap --variant=minbase bookworm "$tmp/rootfs" "${mirror:-http://deb.debian.org/debian}" >"$tmp/debootstrap.log" 2>&1 ||
    { tail -20 "$tmp/debootstrap.log"; exit 1; }
  # Slim as debian:bookworm-slim: no package caches, and dpkg leaves out docs, man pages and locales.
  rm -rf "$tmp/rootfs/var/cache/apt/archives/"*.deb "$tmp/rootfs/var/lib/apt/lists/"* \
    "$tmp/rootfs/usr/share/doc/"* "$tmp/rootfs/usr/share/man/"* "$tmp/rootfs/usr/share/locale/"*
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/info/*' \
    > "$tmp/rootfs/etc/dpkg/dpkg.cfg.d/slim"
  tar -C "$tmp/rootfs" -c . | docker import - cadence-base:bookworm >/dev/null
  rm -rf "$tmp/rootfs"
fi

t0=$(date +%s)
docker build --network host --build-arg BASE_IMAGE=cadence-base:bookworm -f docker/Dockerfile -t cadence:test . \
  >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; exit 1; }
t1=$(date +%s)
docker build --network host --build-arg BASE_IMAGE=cadence-base:bookworm -f tests/docker/postgres.Dockerfile \
  -t cadence-test-postgres:15 . >"$tmp/build-pg.log" 2>&1 || { tail -30 "$tmp/build-pg.log"; exit 1; }
size=$(docker image inspect cadence:test --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1000000}')
echo "image cadence:test: $size, built in $((t1 - t0)) s"

sh scripts/pg-local.sh init "$tmp/pg" >/dev/null
sh scripts/pg-local.sh start "$tmp/pg" "$pgport" >/dev/null
psql -h 127.0.0.1 -p "$pgport" -U cadence -d postgres -qAtc "CREATE DATABASE docker_smoke OWNER cadence_owner" >/dev/null
rc=0
/usr/bin/python3 tests/docker/smoke.py cadence:test "postgresql://cadence_app@127.0.0.1:$pgport/docker_smoke" \
  "postgresql://cadence_owner@127.0.0.1:$pgport/docker_smoke" || rc=$?

exit $rc
