#!/bin/sh
# CSV import (POST /v1/imports/treatments) of a history: BENCH_IMPORT_ROWS rows (default 20,000) over
# clients with about five visits each in the past year, two items a visit on half of them. Reports
# rows applied per second (upload to done), and CPU milliseconds per row of PostgreSQL and of Cadence
# read from /proc, next to COPY of the same file into a plain table (the floor). Figures only.
# BENCH_PROFILE=1: also the statements PostgreSQL spent the import on (pg_stat_statements).
set -eu
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/../.."
ROWS=${BENCH_IMPORT_ROWS:-20000}
tmp=$(mktemp -d /tmp/cadence-imports.XXXXXX)
chmod 755 "$tmp"
pgport=$(sh scripts/free-port.sh); port=$(sh scripts/free-port.sh)
[ -z "${BENCH_PROFILE:-}" ] || export PG_LOCAL_OPTIONS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
sh scripts/pg-local.sh init "$tmp/pg"
sh scripts/pg-local.sh start "$tmp/pg" "$pgport"
admin="bench-admin-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/postgres" PORT=$port CADENCE_ADMIN_KEY=$admin \
  SECRETS_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') DISPATCH_WORKERS=0 \
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
python3 - "$ROWS" > "$tmp/history.csv" <<'PY'
import datetime, random, sys
rows, random = int(sys.argv[1]), random.Random(7)
today = datetime.date.today()
names = ["Botox", "Dysport", "Juvederm Voluma XC", "Sculptra Aesthetic", "Xeomin", "Kybella Injection"]
print("client_id,performed_at,treatment,first_name,last_name,phone,email,sms_consent,visit_id,units,price")
n, client = 0, 0
while n < rows:
    client += 1
    for v in range(5):
        day = today - datetime.timedelta(days=random.randint(1, 365))
        for item in range(1 + (v % 2)):
            if n == rows:
                break
            n += 1
            print(f"PN{client},{day.strftime('%m/%d/%Y')} 10:30,{names[(client + v + item) % len(names)]},Client{client},Test,"
                  f"+1555{client:07d},c{client}@example.com,yes,V{client}-{v},20,$350.00")
PY
echo "CSV import benchmark: $ROWS rows, $(nproc) cores"
[ -z "${BENCH_PROFILE:-}" ] || sql "CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
pg0=$(python3 tests/bench/cpu.py pg "$tmp/pg"); s0=$(python3 tests/bench/cpu.py pid $server)
t0=$(date +%s.%N)
id=$(curl -fs -X POST "$base/v1/imports/treatments" -H "Authorization: Bearer $key" -H 'Content-Type: text/csv' \
  --data-binary "@$tmp/history.csv" | field id)
while :; do
  state=$(api GET "/v1/imports/$id" | field state)
  [ "$state" = done ] && break
  sleep 0.2
done
t1=$(date +%s.%N)
pg1=$(python3 tests/bench/cpu.py pg "$tmp/pg"); s1=$(python3 tests/bench/cpu.py pid $server)
api GET "/v1/imports/$id" > "$tmp/import.json"
sql "CREATE TABLE copy_floor (line text)"
c0=$(date +%s.%N)
psql -h 127.0.0.1 -p "$pgport" -U cadence -d postgres -qc "\\copy copy_floor FROM '$tmp/history.csv'"
c1=$(date +%s.%N)
python3 - "$tmp/import.json" "$ROWS" "$t0" "$t1" "$pg0" "$pg1" "$s0" "$s1" "$c0" "$c1" <<'PY'
import json, sys
imp = json.load(open(sys.argv[1]))
rows = int(sys.argv[2]); t0, t1 = float(sys.argv[3]), float(sys.argv[4])
pg0, pg1, s0, s1 = map(int, sys.argv[5:9]); c0, c1 = float(sys.argv[9]), float(sys.argv[10])
secs = t1 - t0
print(f"  rows/s {rows / secs:,.0f} ({secs:.1f} s; created {imp['treatments_created']}, refused {imp['refused']}, "
      f"duplicates {imp['duplicates']})")
print(f"  PG ms/row {(pg1 - pg0) / rows:.3f}  Cadence ms/row {(s1 - s0) / rows:.3f}")
print(f"  COPY of the same file: {rows / (c1 - c0):,.0f} rows/s; import/COPY wall ratio {secs / (c1 - c0):.0f}x")
print(f"  1,000,000 rows at this rate: {1e6 / (rows / secs) / 60:.1f} min")
PY
[ -z "${BENCH_PROFILE:-}" ] || sql "SELECT lpad(round(total_exec_time)::text, 7) || ' ms ' || lpad(calls::text, 7)
  || ' calls  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements
  ORDER BY total_exec_time DESC LIMIT 25"
