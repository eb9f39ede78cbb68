#!/bin/sh
# make bench: the service under wrk next to pgbench running the same SQL on the
# same database, printed side by side with their ratio (service / pgbench).
# Figures only; nothing here asserts a time.
set -eu
cd "$(dirname "$0")/../.."
root=$(pwd)
DURATION=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNECTIONS:-16}
tmp=$(mktemp -d /tmp/cadence-bench.XXXXXX)
chmod 755 "$tmp"
pgport=$(sh scripts/free-port.sh)
port=$(sh scripts/free-port.sh)
sh scripts/pg-local.sh init "$tmp/pg"
sh scripts/pg-local.sh start "$tmp/pg" "$pgport"
admin="bench-admin-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/postgres" PORT=$port CADENCE_ADMIN_KEY=$admin \
  HTTP_THREADS=4 DB_POOL_SIZE=16 build/cadence 2>"$tmp/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; sh scripts/pg-local.sh stop "$tmp/pg"; rm -rf "$tmp"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
practice=$(curl -fs -X POST "$base/v1/practices" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"name":"Bench","time_zone":"America/New_York"}' | json id)
staff=$(curl -fs -X POST "$base/v1/practices/$practice/api-keys" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"role":"staff"}' | json key)
client=$(curl -fs -X POST "$base/v1/clients" -H "Authorization: Bearer $staff" -H 'Content-Type: application/json' \
  -d '{"first_name":"Ana","last_name":"Bench","phone":"+15551230000","consents":{"sms":true}}' | json id)
key_id=$(echo "$staff" | cut -d_ -f2 | sed -E 's/(.{8})(.{4})(.{4})(.{4})(.{12})/\1-\2-\3-\4-\5/')

cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $staff"
wrk.body = '{"first_name":"Bench","last_name":"Client","phone":"+15551239999","consents":{"sms":true,"email":true}}'
LUA
cat > "$tmp/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $staff"
LUA

# The same statements the endpoints run: the key lookup, then the endpoint's own SQL.
# (A space follows every ':' in JSON literals: pgbench would read ':name' as a variable.)
cat > "$tmp/get.sql" <<SQL
SELECT coalesce(practice_id::text, ''), role, secret_hash, revoked_at IS NOT NULL FROM api_keys WHERE id = '$key_id';
SELECT client_json(c) FROM clients c WHERE c.practice_id = '$practice' AND c.id = '$client';
SQL
cat > "$tmp/post.sql" <<SQL
SELECT coalesce(practice_id::text, ''), role, secret_hash, revoked_at IS NOT NULL FROM api_keys WHERE id = '$key_id';
BEGIN;
INSERT INTO clients(practice_id, first_name, last_name, phone, email, time_zone, channel_preference, consent_sms, consent_email, consent_photo, away_periods) SELECT '$practice', j->>'first_name', coalesce(j->>'last_name', ''), j->>'phone', j->>'email', j->>'time_zone', coalesce(j->>'channel_preference', 'any'), coalesce((j->'consents'->>'sms')::boolean, false), coalesce((j->'consents'->>'email')::boolean, false), coalesce((j->'consents'->>'photo')::boolean, false), coalesce(j->'away_periods', '[]') FROM (SELECT '{"first_name": "Bench", "last_name": "Client", "phone": "+15551239999", "consents": {"sms": true, "email": true}}'::jsonb AS j) s RETURNING id \gset
SELECT client_json(c) FROM clients c WHERE c.practice_id = '$practice' AND c.id = :id;
COMMIT;
SQL

wrk_run() { # prints "rps p50 p99" for a wrk run
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" > "$tmp/wrk.out" 2>&1
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.out")
  errs=$(awk '/Non-2xx/ {print $5}' "$tmp/wrk.out")
  echo "$rps $p50 $p99 ${errs:-0}"
}
pgbench_run() { # prints transactions per second for a pgbench script
  pgbench -n -M prepared -c "$CONNS" -j 2 -T "$DURATION" -h 127.0.0.1 -p "$pgport" -U cadence -f "$1" postgres 2>"$tmp/pgbench.err" \
    | awk '/^tps/ {print $3; exit}'
}

row() { # name, wrk figures, pgbench tps
  set -- "$1" $2 "$3"
  ratio=$(python3 -c "print(f'{$2/$6:.2f}')")
  printf '%-28s %10s %9s %9s %8s %12s %8s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$ratio"
}

echo "Cadence benchmark: ${DURATION}s per run, $CONNS connections, $(nproc) cores"
printf '%-28s %10s %9s %9s %8s %12s %8s\n' endpoint "req/s" p50 p99 non2xx "pgbench tps" ratio
row "GET /v1/clients/{id}" "$(wrk_run -s "$tmp/get.lua" "$base/v1/clients/$client")" "$(pgbench_run "$tmp/get.sql")"
row "POST /v1/clients" "$(wrk_run -s "$tmp/post.lua" "$base/v1/clients")" "$(pgbench_run "$tmp/post.sql")"
echo "server RSS after the runs: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"
