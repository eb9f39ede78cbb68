#!/bin/sh
# make bench: each endpoint under wrk next to pgbench running the very SQL the
# endpoint runs (captured from PostgreSQL's statement log for one request),
# printed side by side with the ratio service / pgbench. The server runs no
# dispatcher here, so the captured SQL is the request's alone (dispatch.sh
# measures dispatch). Figures only; nothing here asserts a time.
set -eu
BENCH_SECRETS_KEY=be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c  # fixed: a cached database opens again
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/../.."
DURATION=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNECTIONS:-16}
NCLIENTS=16
tmp=$(mktemp -d /tmp/cadence-bench.XXXXXX)
chmod 755 "$tmp"
pgport=$(sh scripts/free-port.sh)
port=$(sh scripts/free-port.sh)
sh scripts/pg-local.sh init "$tmp/pg"
sh scripts/pg-local.sh start "$tmp/pg" "$pgport"
chmod 644 "$tmp/pg/server.log" 2>/dev/null || true
admin="bench-admin-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/postgres" PORT=$port CADENCE_ADMIN_KEY=$admin SECRETS_KEY=$BENCH_SECRETS_KEY \
  HTTP_THREADS=4 DB_POOL_SIZE=16 DISPATCH_WORKERS=0 build/cadence 2>"$tmp/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; sh scripts/pg-local.sh stop "$tmp/pg"; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$tmp"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
sql() { psql -h 127.0.0.1 -p "$pgport" -U cadence -d postgres -qAtc "$1"; }
api() { # method path body -> reply body
  curl -fs -X "$1" "$base$2" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' ${3:+-d "$3"}
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

key=$admin
webhook_secret=bench-webhook-secret-0123456789
practice=$(api POST /v1/practices "{\"name\":\"Bench\",\"time_zone\":\"America/New_York\",\"webhook_secret\":\"$webhook_secret\"}" | field id)
key=$(api POST "/v1/practices/$practice/api-keys" '{"role":"staff"}' | field key)
visit=$(date -u -d '-3 days' +%Y-%m-%dT15:00:00Z)
client_body='{"first_name":"Bench","last_name":"Client","phone":"+15551239999","consents":{"sms":true,"email":true}}'
treatment_body() {
  echo "{\"client_id\":\"$1\",\"performed_at\":\"$visit\",\"items\":[{\"type\":\"botox\",\"units\":20,\"price_cents\":30000},{\"type\":\"lip_filler\",\"volume_ml\":1,\"price_cents\":65000}]}"
}
: > "$tmp/clients"
for i in $(seq $NCLIENTS); do api POST /v1/clients "$client_body" | field id >> "$tmp/clients"; done

# capture NAME METHOD PATH BODY: the SQL of one request, as a pgbench script.
# (each of NCLIENTS clients exists; the one captured stands for all of them)
sql "ALTER SYSTEM SET log_line_prefix = '%m [%p] %a '" >/dev/null
capture() {
  sql "ALTER SYSTEM SET log_statement = 'all'; " >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null; sleep 0.3
  offset=$(stat -c %s "$tmp/pg/server.log")
  api "$2" "$3" "${4:-}" >/dev/null
  sleep 0.2
  sql "ALTER SYSTEM RESET log_statement" >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null
  python3 tests/bench/capture_sql.py "$tmp/pg/server.log" "$offset" > "$tmp/$1.sql"
}
first=$(head -n 1 "$tmp/clients")
# One injector working weekdays 09:00-17:00 with a 10-minute buffer, and a booked week ahead.
injector=$(api POST /v1/injectors '{"name":"Dr. Bench"}' | field id)
api PUT "/v1/injectors/$injector/schedule" "{\"buffer_minutes\":10,\"hours\":[$(for d in mon tue wed thu fri; do
  printf '{"weekday":"%s","start":"09:00","end":"17:00"},' $d; done | sed 's/,$//')]}" >/dev/null
for day in 1 2 3 4 5 6 7; do
  for hour in 10 13 15; do
    api POST /v1/bookings "{\"client_id\":\"$first\",\"injector_id\":\"$injector\",\"duration_minutes\":45,\"override_hours\":true,\"starts_at\":\"$(date -u -d "+$day days" +%Y-%m-%dT)$hour:00:00Z\"}" >/dev/null || true
  done
done
booking_body() { echo "{\"client_id\":\"$1\",\"starts_at\":\"$(date -u -d '+20 days' +%Y-%m-%dT15:00:00Z)\",\"duration_minutes\":30,\"services\":[\"botox\"]}"; }
# A loyalty member with 500 ledger entries (adjustments: cheap to make, 500,000 points to spend).
member=$(sed -n 2p "$tmp/clients")
for _ in $(seq 500); do
  api POST "/v1/clients/$member/loyalty/adjustments" '{"points":1000,"reason":"bench"}' >/dev/null
done
redeem_body='{"points":1,"ticket_cents":10000}'
capture get GET "/v1/clients/$first"
capture loyalty GET "/v1/clients/$member/loyalty"
capture redeem POST "/v1/clients/$member/loyalty/redemptions" "$redeem_body"
capture slots GET "/v1/slots?injector_id=$injector"
capture book POST /v1/bookings "$(booking_body "$first")"
# The visit captured is the client's second, so that its SQL ends the open cycles as every replay's must.
api POST /v1/treatments "$(treatment_body "$first")" >/dev/null
capture treat POST /v1/treatments "$(treatment_body "$first")"
capture post POST /v1/clients "$client_body"
# pgbench picks one of the same clients per transaction, as wrk does: the
# captured client id becomes :cid, looked up in a small table (one indexed
# read per transaction that the service does not make).
sql "CREATE TABLE bench_clients (n int PRIMARY KEY, id uuid)" >/dev/null
awk '{print NR "," $0}' "$tmp/clients" | sql "COPY bench_clients FROM STDIN WITH (FORMAT csv)" >/dev/null
for f in get treat book; do
  { printf '\\set n random(1, %d)\nSELECT id AS cid FROM bench_clients WHERE n = :n \\gset\n' "$NCLIENTS"
    sed "s/'$first'/:cid/g" "$tmp/$f.sql"; } > "$tmp/$f.pgb"
done
# A visit's sequence ids are chosen by Cadence (its steps name them): each replay draws new ones.
python3 - "$tmp/treat.pgb" <<'PY'
import re, sys
path = sys.argv[1]
s = open(path).read()
m = re.search(r"INSERT INTO sequences.*?unnest\('(\{[^']*\})'", s)
ids = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", m.group(1)) if m else []
def drawn(lit):  # '{"a","b"}' (every element a drawn id) -> ARRAY[:seq0,:seq1]::text, as prepared
    elems = [e.strip('"') for e in lit.group(0)[2:-2].split(",")]
    if not ids or any(e not in ids for e in elems) or not elems:
        return lit.group(0)
    return "ARRAY[" + ",".join(f":seq{ids.index(e)}" for e in elems) + "]::text"
s = re.sub(r"'\{[^']*\}'", drawn, s)
lines = s.split("\n", 2)
draw = "".join(f"SELECT gen_random_uuid() AS seq{i} \\gset\n" for i in range(len(ids)))
open(path, "w").write("\n".join(lines[:2]) + "\n" + draw + lines[2])
PY
cp "$tmp/post.sql" "$tmp/post.pgb"
cp "$tmp/slots.sql" "$tmp/slots.pgb"
cp "$tmp/loyalty.sql" "$tmp/loyalty.pgb"
cp "$tmp/redeem.sql" "$tmp/redeem.pgb"

# wrk scripts: the same NCLIENTS clients, chosen at random per request.
ids=$(sed 's/.*/"&"/' "$tmp/clients" | paste -sd, -)
cat > "$tmp/common.lua" <<LUA
ids = {$ids}
wrk.headers["Authorization"] = "Bearer $key"
wrk.headers["Content-Type"] = "application/json"
LUA
cat "$tmp/common.lua" - > "$tmp/get.lua" <<'LUA'
request = function() return wrk.format("GET", "/v1/clients/" .. ids[math.random(#ids)]) end
LUA
cat "$tmp/common.lua" - > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$client_body'
LUA
cat "$tmp/common.lua" - > "$tmp/slots.lua" <<LUA
request = function() return wrk.format("GET", "/v1/slots?injector_id=$injector") end
LUA
cat "$tmp/common.lua" - > "$tmp/loyalty.lua" <<LUA
request = function() return wrk.format("GET", "/v1/clients/$member/loyalty") end
LUA
cat "$tmp/common.lua" - > "$tmp/redeem.lua" <<LUA
request = function() return wrk.format("POST", "/v1/clients/$member/loyalty/redemptions", nil, '$redeem_body') end
LUA
cat "$tmp/common.lua" - > "$tmp/book.lua" <<LUA
request = function()
  local body = '$(booking_body CLIENT)'
  return wrk.format("POST", "/v1/bookings", nil, (body:gsub("CLIENT", ids[math.random(#ids)])))
end
LUA
cat "$tmp/common.lua" - > "$tmp/treat.lua" <<LUA
request = function()
  local body = '$(treatment_body CLIENT)'
  return wrk.format("POST", "/v1/treatments", nil, (body:gsub("CLIENT", ids[math.random(#ids)])))
end
LUA

python3 tests/bench/zenoti_requests.py "$practice" "$webhook_secret" 40000 > "$tmp/zenoti.lua"

wrk_run() { # prints "rps p50 p99 non2xx"
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" > "$tmp/wrk.out" 2>&1
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.out")
  errs=$(awk '/Non-2xx/ {print $5}' "$tmp/wrk.out")
  echo "$rps $p50 $p99 ${errs:-0}"
}
pgbench_run() { # script -> transactions per second
  pgbench -n -M prepared -c "$CONNS" -j 2 -T "$DURATION" -h 127.0.0.1 -p "$pgport" -U cadence -f "$1" postgres \
    2>"$tmp/pgbench.err" | awk '/^tps/ {printf "%.0f", $3; exit}'
}
row() { # name, wrk figures, pgbench tps
  set -- "$1" $2 "$3"
  ratio=$(python3 -c "print(f'{$2/$6:.2f}')" 2>/dev/null || echo "?")
  printf '%-24s %9s %9s %9s %7s %12s %7s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$ratio"
}

echo "Cadence benchmark: ${DURATION}s per run, $CONNS connections, $(nproc) cores; pgbench runs the captured SQL"
printf '%-24s %9s %9s %9s %7s %12s %7s\n' endpoint "req/s" p50 p99 non2xx "pgbench tps" ratio
row "GET /v1/clients/{id}" "$(wrk_run -s "$tmp/get.lua" "$base")" "$(pgbench_run "$tmp/get.pgb")"
row "POST /v1/clients" "$(wrk_run -s "$tmp/post.lua" "$base/v1/clients")" "$(pgbench_run "$tmp/post.pgb")"
row "POST /v1/treatments (2)" "$(wrk_run -s "$tmp/treat.lua" "$base")" "$(pgbench_run "$tmp/treat.pgb")"
treat_rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out")
zenoti=$(wrk_run -s "$tmp/zenoti.lua" "$base")
printf '%-24s %9s %9s %9s %7s %12s %7s\n' "Zenoti Invoice.Closed (2)" $zenoti "-" \
  "$(python3 -c "print(f'{${zenoti%% *}/$treat_rps:.2f}')")"
echo "  (Zenoti ratio: to POST /v1/treatments, the same visit through the API)"
row "GET /v1/slots (14 days)" "$(wrk_run -s "$tmp/slots.lua" "$base")" "$(pgbench_run "$tmp/slots.pgb")"
row "POST /v1/bookings" "$(wrk_run -s "$tmp/book.lua" "$base")" "$(pgbench_run "$tmp/book.pgb")"
row "GET loyalty (500 entries)" "$(wrk_run -s "$tmp/loyalty.lua" "$base")" "$(pgbench_run "$tmp/loyalty.pgb")"
row "POST redemptions" "$(wrk_run -s "$tmp/redeem.lua" "$base")" "$(pgbench_run "$tmp/redeem.pgb")"
echo "server RSS after the runs: $(ps -o rss= -p $server | awk '{printf "%.1f MiB", $1/1024}')"
python3 tests/bench/slow_clients.py "$port"
kill $server 2>/dev/null; wait $server 2>/dev/null || true
sh tests/bench/visits.sh
sh tests/bench/imports.sh
sh tests/bench/dispatch.sh
sh tests/bench/analytics.sh
