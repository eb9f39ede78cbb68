#!/bin/sh
# Dispatch throughput and cost: N due steps over P practices (a database with one sent message, one
# done step and its opt-out notice of history per client and a few resolved flags, analysed as a live
# one is) sent to a fast local Twilio-shaped
# sink by Cadence's worker pool, and the same number of jobs doing the same form POST to the same
# sink by Graphile Worker 0.17.3 on the same PostgreSQL, timed as its own perfTest does (wall time of
# --once minus its start-up on an empty queue). For each N: messages/s of both and their ratio, and
# CPU milliseconds per message of PostgreSQL and of each one's process, read from /proc (steadier
# than wall time on a shared machine). Cadence's figures include its start-up (about 0.1 s).
set -eu
BENCH_SECRETS_KEY=be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c  # fixed: a cached database opens again
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/../.."
SIZES=${BENCH_DISPATCH_SIZES:-2000 20000 200000}
PRACTICES=${BENCH_DISPATCH_PRACTICES:-50}
WORKERS=${BENCH_DISPATCH_WORKERS:-4}
BATCH=${BENCH_DISPATCH_BATCH:-128}
CONCURRENCY=${BENCH_DISPATCH_CONCURRENCY:-32}
tmp=$(mktemp -d /tmp/cadence-dispatch.XXXXXX)
chmod 755 "$tmp"
pgport=$(sh scripts/free-port.sh); port=$(sh scripts/free-port.sh); sinkport=$(sh scripts/free-port.sh)
cc -O2 -Wall -Wextra -Werror -o "$tmp/sink" tests/bench/sink.c -lmicrohttpd
"$tmp/sink" "$sinkport" & sink=$!
# BENCH_PROFILE=1: also print the statements PostgreSQL spent Cadence's run on (pg_stat_statements, with
# planning time); BENCH_PROFILE_EXPLAIN_MS=N also keeps the plans of statements over N ms (auto_explain)
# in /tmp/dispatch-explain.log.
[ -z "${BENCH_PROFILE:-}" ] || export PG_LOCAL_OPTIONS="-c shared_preload_libraries=pg_stat_statements,auto_explain -c pg_stat_statements.track=all -c pg_stat_statements.track_planning=on -c auto_explain.log_min_duration=${BENCH_PROFILE_EXPLAIN_MS:-100000} -c auto_explain.log_analyze=on"
sh scripts/pg-local.sh init "$tmp/pg"
sh scripts/pg-local.sh start "$tmp/pg" "$pgport"
server=""
trap 'rc=$?; [ $rc = 0 ] || tail -n 5 "$tmp/server.log" >&2; kill $sink $server 2>/dev/null || true; sh scripts/pg-local.sh stop "$tmp/pg"; [ -z "${BENCH_PROFILE_EXPLAIN_MS:-}" ] || cp "$tmp/pg/server.log" /tmp/dispatch-explain.log; rm -rf "$tmp"' EXIT
sql() { psql -h 127.0.0.1 -p "$pgport" -U cadence -d "$1" -qAtc "$2"; }
sink_count() { curl -fs "http://127.0.0.1:$sinkport/count"; }
pg_cpu() { python3 tests/bench/cpu.py pg "$tmp/pg"; }
per() { python3 -c "print(f'{$1/$2:.3f}')"; }
admin="bench-admin-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
sid=AC0123456789abcdef0123456789abcdef
start_server() { # database, workers
  DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/$1" PORT=$port CADENCE_ADMIN_KEY=$admin SECRETS_KEY=$BENCH_SECRETS_KEY \
    DISPATCH_WORKERS=$2 DISPATCH_BATCH=$BATCH DISPATCH_CONCURRENCY=$CONCURRENCY DISPATCH_RATE_PER_SENDER=10000 \
    TWILIO_BASE_URL="http://127.0.0.1:$sinkport" TWILIO_ACCOUNT_SID=$sid TWILIO_AUTH_TOKEN=token \
    build/cadence >/dev/null 2>>"$tmp/server.log" & server=$!
}
wait_ready() { for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return; sleep 0.05; done; }
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }
if [ ! -d tests/bench/graphile/node_modules ]; then
  (cd tests/bench/graphile && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
gw() { (cd tests/bench/graphile && python3 ../cpu.py run node_modules/.bin/graphile-worker --once 2>>"$tmp/gw.log"); }

# Quiet hours would defer sends at night: the bench clients live where it is midday now.
zone=$(python3 -c "import datetime as d; o=(12-d.datetime.now(d.timezone.utc).hour)%24; o=o-24 if o>14 else o; print('Etc/GMT' if o==0 else 'Etc/GMT'+('-' if o>0 else '+')+str(abs(o)))")
echo "dispatch to a local Twilio-shaped sink, $(nproc) cores, $PRACTICES practices; CPU ms per message from /proc:"
printf '  %-9s %-40s %9s %9s %9s %9s\n' steps sender "msg/s" "pg ms" "proc ms" "p99 late"
for n in $SIZES; do
  db=cadence_$n
  sql postgres "CREATE DATABASE $db" >/dev/null
  start_server "$db" 0
  wait_ready
  for i in $(seq "$PRACTICES"); do
    curl -fs -X POST "http://127.0.0.1:$port/v1/practices" -H "Authorization: Bearer $admin" \
      -H 'Content-Type: application/json' \
      -d "{\"name\":\"Bench $i\",\"time_zone\":\"UTC\",\"sms_from\":\"+1555000$(printf %04d "$i")\",\"quiet_hours\":{\"start\":\"08:00\",\"end\":\"21:00\"}}" >/dev/null
  done
  stop_server
  sql "$db" "
    CREATE TEMP TABLE p AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM practices;
    INSERT INTO clients(practice_id, first_name, phone, time_zone, consent_sms)
      SELECT p.id, 'Client' || g, '+1555' || lpad(g::text, 7, '0'), '$zone', true
      FROM generate_series(1, $n) g JOIN p ON p.k = g % $PRACTICES;
    INSERT INTO sequences(practice_id, client_id, kind, family, type_code)
      SELECT practice_id, id, 'refill', 'neuromodulator', 'botox' FROM clients;
    -- History: last cycle's step 1, done with its sent message.
    WITH m AS (INSERT INTO messages(practice_id, client_id, channel, provider, to_address, from_address, body, state,
        attempts, sent_at, created_at)
      SELECT practice_id, id, 'sms', 'twilio', phone, '+15550000001', 'Hi, last year', 'sent', 1,
        now() - interval '300 days', now() - interval '300 days' FROM clients RETURNING practice_id, id, client_id)
    INSERT INTO steps(practice_id, sequence_id, client_id, step_no, step_key, channel, promotional, planned_date,
        due_at, state, message_id)
      SELECT q.practice_id, q.id, q.client_id, 1, 'refill_1', 'sms', true, current_date - 300,
        now() - interval '300 days', 'done', m.id FROM sequences q JOIN m ON m.practice_id = q.practice_id
        AND m.client_id = q.client_id;
    INSERT INTO sms_notices(practice_id, phone) SELECT practice_id, phone FROM clients;  -- told how to opt out then
    INSERT INTO client_flags(practice_id, client_id, kind, note, resolved_at)  -- a few flags, resolved since
      SELECT practice_id, id, 'dissatisfied', 'bench', now() - interval '200 days' FROM clients WHERE first_name LIKE '%00';
    INSERT INTO steps(practice_id, sequence_id, client_id, step_no, step_key, channel, promotional, planned_date,
        due_at, state)
      SELECT practice_id, id, client_id, 2, 'refill_1', 'sms', true, (now() AT TIME ZONE '$zone')::date, now(),
        'planned' FROM sequences;" >/dev/null
  sql "$db" "VACUUM ANALYZE" >/dev/null
  [ -z "${BENCH_PROFILE:-}" ] || sql "$db" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()" >/dev/null
  sent0=$(sink_count)
  pg0=$(pg_cpu)
  t0=$(date +%s.%N)
  start_server "$db" "$WORKERS"
  while [ $(( $(sink_count) - sent0 )) -lt "$n" ]; do sleep 0.1; done  # the sink counts: no query to pay for
  while [ "$(sql "$db" "SELECT count(*) FROM messages WHERE state = 'sending'")" -gt 0 ]; do sleep 0.05; done
  t1=$(date +%s.%N)
  pg1=$(pg_cpu)
  proc=$(python3 tests/bench/cpu.py pid "$server")
  p99=$(sql "$db" "SELECT round(1000 * extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY m.sent_at - st.due_at)))
    FROM steps st JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id WHERE st.step_no = 2")
  stop_server
  [ -z "${BENCH_PROFILE:-}" ] || sql "$db" "SELECT lpad(round(total_exec_time)::text, 7) || ' ms ' || lpad(calls::text, 7) || ' calls ' || lpad(round(total_plan_time)::text, 6) || ' ms planning ' || lpad(plans::text, 5)
    || ' calls  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 90) FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT 15"
  cadence_rate=$(python3 -c "print(f'{$n/($t1-$t0):.0f}')")
  printf '  %-9s %-40s %9s %9s %9s %9s\n' "$n" "Cadence ($WORKERS workers, batch $BATCH, $CONCURRENCY at once)" "$cadence_rate" \
    "$(per $((pg1 - pg0)) "$n")" "$(per "$proc" "$n")" "$p99 ms"

  gdb=graphile_$n
  sql postgres "CREATE DATABASE $gdb" >/dev/null
  export DATABASE_URL="postgresql://cadence@127.0.0.1:$pgport/$gdb" NO_LOG_SUCCESS=1 \
    SINK_URL="http://127.0.0.1:$sinkport/2010-04-01/Accounts/$sid/Messages.json" SINK_USER=$sid SINK_PASS=token
  gw >/dev/null # installs its schema
  t0=$(date +%s.%N); gw >/dev/null; t1=$(date +%s.%N)   # start-up on an empty queue
  sql "$gdb" "SELECT graphile_worker.add_jobs(array(SELECT json_populate_record(null::graphile_worker.job_spec,
    json_build_object('identifier', 'send', 'payload', json_build_object('to', '+1555' || lpad(g::text, 7, '0'),
    'from', '+15550001111', 'body', 'Hi Client' || g || ', your Botox is nearing its refresh window.')))
    FROM generate_series(1, $n) g))" >/dev/null
  sql "$gdb" "VACUUM ANALYZE" >/dev/null
  before=$(sink_count)
  pg0=$(pg_cpu)
  t2=$(date +%s.%N); node=$(gw); t3=$(date +%s.%N)
  pg1=$(pg_cpu)
  done_jobs=$(( $(sink_count) - before ))
  graphile_rate=$(python3 -c "print(f'{$n/(($t3-$t2)-($t1-$t0)):.0f}')")
  printf '  %-9s %-40s %9s %9s %9s %9s\n' "$n" "Graphile Worker 0.17.3 (32 concurrent)" "$graphile_rate" \
    "$(per $((pg1 - pg0)) "$n")" "$(per "$node" "$n")" "($done_jobs sent)"
  echo "  $n: ratio Cadence / Graphile Worker $(python3 -c "print(f'{$cadence_rate/$graphile_rate:.2f}')")"
  sql postgres "DROP DATABASE $db" >/dev/null
  sql postgres "DROP DATABASE $gdb" >/dev/null
done
