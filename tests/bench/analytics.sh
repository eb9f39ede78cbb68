#!/bin/sh
# make bench, analytics: the endpoints timed on one practice with 200,000
# clients and about 1,000,000 visits over three years (analytics_data.sql).
# The data is generated once into a PostgreSQL data directory kept under
# BENCH_CACHE (default /var/tmp/cadence-bench) and reused while the generator
# and the analytics migration are unchanged. Figures only; nothing asserts a time.
set -eu
BENCH_SECRETS_KEY=be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c  # fixed: a cached database opens again
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/../.."
RUNS=${BENCH_ANALYTICS_RUNS:-5}
cache=${BENCH_CACHE:-/var/tmp/cadence-bench}
stamp=$(cat tests/bench/analytics_data.sql service/sql/migrations/0016_analytics.sql | sha256sum | cut -c1-16)
dir="$cache/analytics-$stamp"
pgport=$(sh scripts/free-port.sh)
port=$(sh scripts/free-port.sh)
mkdir -p "$cache"
chmod 755 "$cache"
if [ ! -f "$dir/ready" ]; then
  rm -rf "$cache"/analytics-*
  sh scripts/pg-local.sh init "$dir/pg"
fi
sh scripts/pg-local.sh start "$dir/pg" "$pgport"
admin="bench-admin-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/postgres" PORT=$port CADENCE_ADMIN_KEY=$admin SECRETS_KEY=$BENCH_SECRETS_KEY \
  HTTP_THREADS=4 DB_POOL_SIZE=8 DISPATCH_WORKERS=0 REPORT_CHECK_INTERVAL_S=86400 build/cadence 2>"$dir/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; sh scripts/pg-local.sh stop "$dir/pg"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
sql() { psql -h 127.0.0.1 -p "$pgport" -U cadence -d postgres -qAtc "$1"; }
api() { curl -fs -X "$1" "$base$2" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

key=$admin
if [ ! -f "$dir/ready" ]; then
  practice=$(api POST /v1/practices '{"name":"Large practice","time_zone":"America/New_York"}' | field id)
  echo "generating the analytics data (once; kept in $dir)..."
  t0=$(date +%s)
  psql -h 127.0.0.1 -p "$pgport" -U cadence -d postgres -q -v p="$practice" -f tests/bench/analytics_data.sql
  echo "generated in $(( $(date +%s) - t0 )) s"
  echo "$practice" > "$dir/ready"
fi
practice=$(cat "$dir/ready")
key=$(api POST "/v1/practices/$practice/api-keys" '{"role":"staff"}' | field key)

time_it() { # label, then curl arguments: prints min / median / max seconds of RUNS requests, and failures
  label=$1
  shift
  : > "$dir/times"
  for _ in $(seq "$RUNS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $key" "$@" >> "$dir/times" || true
  done
  sort -k2 -n "$dir/times" | awk -v l="$label" '$1 !~ /^2/ {bad++} {t[NR]=$2}
    END {printf "%-46s %8.3f %8.3f %8.3f%s\n", l, t[1], t[int((NR+1)/2)], t[NR], bad ? "  (" bad " failed)" : ""}'
}
year_from=$(date -d '-365 days' +%Y-%m-%d)
year_to=$(date -d '-1 day' +%Y-%m-%d)
last_monday=$(date -d "$(date +%Y-%m-%d) -$(( $(date +%u) - 1 + 7 )) days" +%Y-%m-%d)
echo "Analytics on $(sql "SELECT count(*) FROM clients") clients, $(sql "SELECT count(*) FROM treatments") visits," \
  "$(sql "SELECT count(*) FROM retention_visits") retention rows; $RUNS requests each, seconds"
printf '%-46s %8s %8s %8s\n' request min median max
time_it "GET retention, one year" "$base/v1/analytics/retention?from=$year_from&to=$year_to"
time_it "GET retention, one year, group_by=type" "$base/v1/analytics/retention?from=$year_from&to=$year_to&group_by=type"
time_it "GET retention, one year, group_by=month" "$base/v1/analytics/retention?from=$year_from&to=$year_to&group_by=month"
time_it "GET retention, one year, CSV by month" -H 'Accept: text/csv' \
  "$base/v1/analytics/retention?from=$year_from&to=$year_to&group_by=month"
time_it "GET retention, three years" "$base/v1/analytics/retention?from=$(date -d '-1100 days' +%Y-%m-%d)"
time_it "GET loyalty, one year" "$base/v1/analytics/loyalty"
time_it "POST report (week of $last_monday)" -X POST -H 'Content-Type: application/json' \
  -d "{\"week_start\":\"$last_monday\"}" "$base/v1/analytics/reports"
echo "one year's figures: $(curl -fs -H "Authorization: Bearer $key" \
  "$base/v1/analytics/retention?from=$year_from&to=$year_to" | python3 -c '
import json, sys
r = json.load(sys.stdin)["rows"][0]
print(", ".join(f"{k} {r[k]}" for k in ("cohort_size", "rebook_rate_90d", "on_time_return_rate",
      "avg_days_to_rebook", "median_days_to_rebook", "step1_response_rate", "lapsed_clients", "reactivated_clients")))')"
