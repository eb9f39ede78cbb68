#!/bin/sh
# A private PostgreSQL cluster in a folder, on loopback, for `make run` and the tests.
# Usage: pg-local.sh init|start|stop DIR [PORT]
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# "postgres" system user that Debian's package creates.
set -eu
cmd=$1 dir=$2 port=${3:-}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL server programs not found (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
  init)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir" -U cadence --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    ;;
  start)
    as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1 && exit 0
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" start >/dev/null
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 init|start|stop DIR [PORT]" >&2; exit 2 ;;
esac
