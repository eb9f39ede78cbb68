#!/bin/sh
# Visits (POST /v1/treatments, two items) under wrk, in two cases: fresh clients (each request a client
# with no visit yet, as a new clinic's first weeks) and clients with 50 visits of history (sequences,
# steps, points and retention rows, loaded by visits_history.sql and analysed as a live database is).
# For each: requests/s, latency, CPU milliseconds per visit of PostgreSQL and of Cadence read from
# /proc, and the analytics lag (write to relink, from cadence_analytics_lag_seconds) at the 99th
# percentile. Figures only; nothing here asserts a time. BENCH_PROFILE=1: also the statements
# PostgreSQL spent each case on (pg_stat_statements).
set -eu
BENCH_SECRETS_KEY=be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c  # fixed: a cached database opens again
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/../.."
DURATION=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNECTIONS:-16}
FRESH=${BENCH_VISITS_FRESH:-40000}     # more than a run can use: every request a new client
HISTORY=${BENCH_VISITS_HISTORY:-2000}  # clients with 50 visits each (100,000 visits)
tmp=$(mktemp -d /tmp/cadence-visits.XXXXXX)
chmod 755 "$tmp"
pgport=$(sh scripts/free-port.sh); port=$(sh scripts/free-port.sh); mport=$(sh scripts/free-port.sh)
[ -z "${BENCH_PROFILE:-}" ] || export PG_LOCAL_OPTIONS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
sh scripts/pg-local.sh init "$tmp/pg"
sh scripts/pg-local.sh start "$tmp/pg" "$pgport"
admin="bench-admin-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/postgres" PORT=$port METRICS_ADDRESS="127.0.0.1:$mport" \
  CADENCE_ADMIN_KEY=$admin SECRETS_KEY=$BENCH_SECRETS_KEY HTTP_THREADS=4 DB_POOL_SIZE=16 DISPATCH_WORKERS=0 \
  build/cadence 2>"$tmp/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; sh scripts/pg-local.sh stop "$tmp/pg"; rm -rf "$tmp"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
sql() { psql -h 127.0.0.1 -p "$pgport" -U cadence -d postgres -qAtc "$1"; }
api() { curl -fs -X "$1" "$base$2" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
key=$admin
practice=$(api POST /v1/practices '{"name":"Bench","time_zone":"America/New_York"}' | field id)
key=$(api POST "/v1/practices/$practice/api-keys" '{"role":"staff"}' | field key)
sql "INSERT INTO clients (practice_id, first_name, phone, consent_sms, consent_email)
     SELECT '$practice', 'Fresh', '+1555' || lpad(g::text, 7, '0'), true, true FROM generate_series(1, $FRESH) g"
psql -h 127.0.0.1 -p "$pgport" -U cadence -d postgres -q -v p="$practice" -v n="$HISTORY" \
  -f tests/bench/visits_history.sql >/dev/null
visit=$(date -u -d '-3 days' +%Y-%m-%dT15:00:00Z)
# One wrk script per case: "fresh" hands each thread its own run of clients in order; "history" picks one
# at random.
script() { # name first_name order
  sql "SELECT id FROM clients WHERE practice_id = '$practice' AND first_name = '$2' ORDER BY random()" \
    | sed 's/.*/"&"/' | paste -sd, - > "$tmp/$1.ids"
  cat > "$tmp/$1.lua" <<LUA
ids = {$(cat "$tmp/$1.ids")}
wrk.headers["Authorization"] = "Bearer $key"
wrk.headers["Content-Type"] = "application/json"
local next_thread = 0
function setup(thread) thread:set("first", next_thread * 100000); next_thread = next_thread + 1 end
local n = 0
request = function()
  n = n + 1
  local id = "$3" == "order" and ids[((first or 0) + n) % #ids + 1] or ids[math.random(#ids)]
  return wrk.format("POST", "/v1/treatments", nil, '{"client_id":"' .. id .. '","performed_at":"$visit",'
    .. '"items":[{"type":"botox","units":20,"price_cents":30000},{"type":"lip_filler","volume_ml":1,"price_cents":65000}]}')
end
LUA
}
script fresh Fresh order
script history History random
lag_buckets() { curl -fs "http://127.0.0.1:$mport/metrics" | grep '^cadence_analytics_lag_seconds_bucket'; }
pending() { sql "SELECT count(*) FROM retention_pending"; }
# Warm-up (the server's connections prepare their statements), then statistics as a live database has them.
wrk -t2 -c"$CONNS" -d2s -s "$tmp/history.lua" "$base" >/dev/null
sql "VACUUM ANALYZE" >/dev/null

echo "Visits benchmark: POST /v1/treatments (2 items), ${DURATION}s per case, $CONNS connections, $(nproc) cores"
printf '  %-26s %9s %9s %9s %7s %13s %13s %12s\n' case "req/s" p50 p99 non2xx "PG ms/visit" "Cadence ms" "lag p99 s"
[ -z "${BENCH_PROFILE:-}" ] || sql "CREATE EXTENSION pg_stat_statements" >/dev/null
run() { # case
  [ -z "${BENCH_PROFILE:-}" ] || sql "SELECT pg_stat_statements_reset()" >/dev/null
  lag_buckets > "$tmp/lag0"
  pg0=$(python3 tests/bench/cpu.py pg "$tmp/pg"); s0=$(python3 tests/bench/cpu.py pid $server)
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$tmp/$1.lua" "$base" > "$tmp/wrk.out" 2>&1
  pg1=$(python3 tests/bench/cpu.py pg "$tmp/pg"); s1=$(python3 tests/bench/cpu.py pid $server)
  for _ in $(seq 100); do [ "$(pending)" = 0 ] && break; sleep 0.1; done  # every write's lag observed
  lag_buckets > "$tmp/lag1"
  python3 - "$tmp" "$1" "$pg0" "$pg1" "$s0" "$s1" <<'PY'
import re, sys
tmp, case, pg0, pg1, s0, s1 = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
out = open(f"{tmp}/wrk.out").read()
n = int(re.search(r"(\d+) requests in", out).group(1))
rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
p50 = re.search(r"\s50%\s+(\S+)", out).group(1)
p99 = re.search(r"\s99%\s+(\S+)", out).group(1)
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
def buckets(path):
    return [(float(m.group(1)), int(m.group(2)))
            for m in re.finditer(r'le="([^"+]+)"\} (\d+)', open(path).read())]
before, after = buckets(f"{tmp}/lag0"), buckets(f"{tmp}/lag1")
observed = [(le, a - b) for (le, a), (_, b) in zip(after, before)]
total = int(re.search(r'le="\+Inf"\} (\d+)', open(f"{tmp}/lag1").read()).group(1)) - \
        int(re.search(r'le="\+Inf"\} (\d+)', open(f"{tmp}/lag0").read()).group(1))
lag = next((f"<= {le:g}" for le, c in observed if total and c >= 0.99 * total), "> 60" if total else "-")
print(f"  {case:<26} {rps:>9} {p50:>9} {p99:>9} {errs.group(1) if errs else 0:>7} "
      f"{(pg1 - pg0) / n:>13.2f} {(s1 - s0) / n:>13.2f} {lag:>12}")
PY
  [ -z "${BENCH_PROFILE:-}" ] || sql "SELECT lpad(round(total_exec_time)::text, 7) || ' ms ' || lpad(calls::text, 7)
    || ' calls  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 100) FROM pg_stat_statements
    ORDER BY total_exec_time DESC LIMIT 15"
}
run fresh
run history
echo "  (lag: from a visit's write to its visits relinked for the figures, bucket bound of the 99th percentile)"
