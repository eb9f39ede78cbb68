#!/bin/sh
# `make run`: starts Cadence on an embedded default. Without DATABASE_URL it
# creates (once) and starts a PostgreSQL cluster in .data/, then runs the
# service in the foreground. Ctrl-C stops both and keeps the data.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ]; then
  data=$(pwd)/.data/pg
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "creating a local PostgreSQL cluster in .data/pg"
    sh scripts/pg-local.sh init "$data"
  fi
  port=$(cat .data/pg-port 2>/dev/null || sh scripts/free-port.sh)
  echo "$port" > .data/pg-port
  sh scripts/pg-local.sh start "$data" "$port"
  trap 'sh scripts/pg-local.sh stop "$data"' EXIT INT TERM
  admin="psql -h 127.0.0.1 -p $port -U cadence -d postgres -X -q -At"
  if [ "$($admin -c "SELECT count(*) FROM pg_database WHERE datname = 'cadence'")" = 1 ]; then
    : # made by an earlier run
  elif [ "$($admin -c "SELECT to_regclass('schema_migrations') IS NOT NULL")" = t ]; then
    legacy=1 # a .data/pg from before separate roles: its data is in "postgres", owned by the superuser
  else
    $admin -c "CREATE DATABASE cadence OWNER cadence_owner"
  fi
  if [ -n "${legacy:-}" ]; then
    echo "note: .data/pg predates separate database roles, so Cadence serves as its superuser; move .data away to start afresh"
    export DATABASE_URL="postgresql://cadence@127.0.0.1:$port/postgres"
  else
    # The schema's owner migrates; the service serves as a role with row access only.
    export MIGRATION_DATABASE_URL="postgresql://cadence_owner@127.0.0.1:$port/cadence"
    export DATABASE_URL="postgresql://cadence_app@127.0.0.1:$port/cadence"
  fi
fi
# The key that seals the secrets kept in the database: made once, kept beside the data (back both up).
if [ -z "${SECRETS_KEY:-}" ]; then
  mkdir -p .data
  [ -s .data/secrets-key ] || (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > .data/secrets-key)
  SECRETS_KEY=$(cat .data/secrets-key)
  export SECRETS_KEY
fi
echo "Cadence on http://${BIND_ADDRESS:-127.0.0.1}:${PORT:-8080}  (messages: console provider unless Twilio/SendGrid are configured)"
echo "The console: http://${BIND_ADDRESS:-127.0.0.1}:${PORT:-8080}/app  (sign in with the admin key printed at the first start)"
build/cadence &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; [ -n "${data:-}" ] && sh scripts/pg-local.sh stop "$data"; exit 0' INT TERM
wait $pid
