#!/bin/sh
# Dispatch throughput: N due steps sent to a fast local Twilio-shaped sink by
# Cadence's worker pool, and the same number of jobs doing the same form POST
# to the same sink by Graphile Worker 0.17.3 on the same PostgreSQL, timed as
# its own perfTest does (wall time of --once minus its start-up on an empty
# queue). Prints messages/s of both, the ratio, and Cadence's p99 lateness.
set -eu
BENCH_SECRETS_KEY=be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c  # fixed: a cached database opens again
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/../.."
N=${BENCH_DISPATCH_JOBS:-20000}
WORKERS=${BENCH_DISPATCH_WORKERS:-4}
tmp=$(mktemp -d /tmp/cadence-dispatch.XXXXXX)
chmod 755 "$tmp"
pgport=$(sh scripts/free-port.sh); port=$(sh scripts/free-port.sh); sinkport=$(sh scripts/free-port.sh)
cc -O2 -Wall -Wextra -Werror -o "$tmp/sink" tests/bench/sink.c -lmicrohttpd
"$tmp/sink" "$sinkport" & sink=$!
sh scripts/pg-local.sh init "$tmp/pg"
sh scripts/pg-local.sh start "$tmp/pg" "$pgport"
server=""
trap 'kill $sink $server 2>/dev/null || true; sh scripts/pg-local.sh stop "$tmp/pg"; rm -rf "$tmp"' EXIT
sql() { psql -h 127.0.0.1 -p "$pgport" -U cadence -d "$1" -qAtc "$2"; }
sql postgres "CREATE DATABASE cadence" >/dev/null
sql postgres "CREATE DATABASE graphile" >/dev/null
sink_count() { curl -fs "http://127.0.0.1:$sinkport/count"; }

# --- Cadence
admin="bench-admin-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
sid=AC0123456789abcdef0123456789abcdef
DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/cadence" PORT=$port CADENCE_ADMIN_KEY=$admin SECRETS_KEY=$BENCH_SECRETS_KEY \
  DISPATCH_WORKERS=$WORKERS DISPATCH_BATCH=50 DISPATCH_RATE_PER_SENDER=10000 \
  TWILIO_BASE_URL="http://127.0.0.1:$sinkport" TWILIO_ACCOUNT_SID=$sid TWILIO_AUTH_TOKEN=token \
  build/cadence >/dev/null 2>"$tmp/server.log" & server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
practice=$(curl -fs -X POST "http://127.0.0.1:$port/v1/practices" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"name":"Bench","time_zone":"UTC","sms_from":"+15550001111","quiet_hours":{"start":"08:00","end":"21:00"}}' \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")
# Quiet hours would defer sends at night: the bench client lives where it is midday now.
zone=$(python3 -c "import datetime as d; o=(12-d.datetime.now(d.timezone.utc).hour)%24; o=o-24 if o>14 else o; print('Etc/GMT' if o==0 else 'Etc/GMT'+('-' if o>0 else '+')+str(abs(o)))")
sql cadence "
  INSERT INTO clients(practice_id, first_name, phone, time_zone, consent_sms)
    SELECT '$practice', 'Client' || g, '+1555' || lpad(g::text, 7, '0'), '$zone', true FROM generate_series(1, $N) g;
  INSERT INTO sequences(practice_id, client_id, kind, family, type_code)
    SELECT practice_id, id, 'refill', 'neuromodulator', 'botox' FROM clients WHERE practice_id = '$practice';
  INSERT INTO steps(practice_id, sequence_id, client_id, step_no, step_key, channel, promotional, planned_date, due_at, state)
    SELECT practice_id, id, client_id, 1, 'refill_1', 'sms', true, (now() AT TIME ZONE '$zone')::date, now(), 'paused'
    FROM sequences WHERE practice_id = '$practice';"
start=$(date +%s.%N)
sql cadence "UPDATE steps SET state = 'planned', due_at = now() WHERE practice_id = '$practice'; SELECT pg_notify('cadence_due', '')" >/dev/null
while [ "$(sql cadence "SELECT count(*) FROM messages WHERE state = 'sent'")" -lt "$N" ]; do sleep 0.1; done
end=$(date +%s.%N)
cadence_rate=$(python3 -c "print(f'{$N/($end-$start):.0f}')")
p99=$(sql cadence "SELECT round(1000 * extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY m.sent_at - st.due_at)))
  FROM steps st JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id")
kill "$server"; wait "$server" 2>/dev/null || true; server=""

# --- Graphile Worker
if [ ! -d tests/bench/graphile/node_modules ]; then
  (cd tests/bench/graphile && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
export DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/graphile" NO_LOG_SUCCESS=1 \
  SINK_URL="http://127.0.0.1:$sinkport/2010-04-01/Accounts/$sid/Messages.json" SINK_USER=$sid SINK_PASS=token
gw() { (cd tests/bench/graphile && node_modules/.bin/graphile-worker --once >/dev/null 2>"$tmp/gw.log"); }
gw # installs its schema
t0=$(date +%s.%N); gw; t1=$(date +%s.%N)   # start-up on an empty queue
sql graphile "SELECT graphile_worker.add_jobs(array(SELECT json_populate_record(null::graphile_worker.job_spec,
  json_build_object('identifier', 'send', 'payload', json_build_object('to', '+1555' || lpad(g::text, 7, '0'),
  'from', '+15550001111', 'body', 'Hi Client' || g || ', your Botox is nearing its refresh window.')))
  FROM generate_series(1, $N) g))" >/dev/null
before=$(sink_count)
t2=$(date +%s.%N); gw; t3=$(date +%s.%N)
done_jobs=$(( $(sink_count) - before ))
graphile_rate=$(python3 -c "print(f'{$N/(($t3-$t2)-($t1-$t0)):.0f}')")
ratio=$(python3 -c "print(f'{$cadence_rate/$graphile_rate:.2f}')")
echo "dispatch of $N due steps to a local Twilio-shaped sink, $(nproc) cores:"
printf '  %-44s %8s msg/s  (p99 lateness %s ms)\n' "Cadence ($WORKERS workers, batch 50)" "$cadence_rate" "$p99"
printf '  %-44s %8s msg/s  (%s jobs reached the sink)\n' "Graphile Worker 0.17.3 (32 concurrent, queue 500)" "$graphile_rate" "$done_jobs"
echo "  ratio Cadence / Graphile Worker: $ratio"
