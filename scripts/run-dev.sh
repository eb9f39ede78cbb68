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
  export DATABASE_URL="postgresql://cadence@127.0.0.1:$port/postgres"
fi
echo "Cadence on http://${BIND_ADDRESS:-127.0.0.1}:${PORT:-8080}  (messages: console provider unless Twilio/SendGrid are configured)"
build/cadence &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; [ -n "${data:-}" ] && sh scripts/pg-local.sh stop "$data"; exit 0' INT TERM
wait $pid
