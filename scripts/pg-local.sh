#!/bin/sh
# A private PostgreSQL cluster in a folder, on loopback, for `make run` and the tests.
# Usage: pg-local.sh init|start|stop DIR [PORT]
# Its superuser is "cadence" (for administration and the tests' own checks); start also makes sure of the
# two roles the service uses: cadence_owner owns the schema and runs the migrations, cadence_app serves
# with row access only (see README, Database roles). PG_LOCAL_FSYNC=off (the tests) trades durability
# for speed; `make run` keeps fsync on, its data being real. PG_LOCAL_OPTIONS adds server options
# (the benchmarks' profile: -c shared_preload_libraries=pg_stat_statements).
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
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=${PG_LOCAL_FSYNC:-on} -c max_connections=200 ${PG_LOCAL_OPTIONS:-}" start >/dev/null
    psql -h 127.0.0.1 -p "$port" -U cadence -d postgres -X -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cadence_owner') THEN CREATE ROLE cadence_owner LOGIN; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cadence_app') THEN CREATE ROLE cadence_app LOGIN; END IF;
      END \$\$" >/dev/null
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 init|start|stop DIR [PORT]" >&2; exit 2 ;;
esac
