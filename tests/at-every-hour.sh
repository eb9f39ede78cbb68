#!/bin/sh
# make test-hours: runs the API tests as if it were each hour of the day (UTC),
# to prove that no test depends on the hour CI happens to run at. PostgreSQL,
# the server and the tests all run under libfaketime with one clock offset
# (Debian's faketime package), so now() in SQL, in C and in Python agree.
# Usage: tests/at-every-hour.sh [HOUR ...]   (default 0..23; TEST_ONLY filters
# the tests as for make test, TEST_SKIP leaves some out). Prints one line per
# hour and ends with "N passed, N failed" over the hours.
# Under libfaketime PostgreSQL's own timers never fire: no statement_timeout and
# no deadlock detection. A lock-order deadlock therefore hangs a test here where
# in production it costs a retry (so this run also finds them); tests that need
# a statement timeout are left out with TEST_SKIP.
set -u
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/.."
dpkg-query -W -f='${Status}' libfaketime 2>/dev/null | grep -q "install ok installed" ||
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; } || exit 1
lib=$(dpkg -L libfaketime | grep 'libfaketimeMT.so.1$' | head -n 1)
make -s all || exit 1
sh tests/npm-tools.sh || exit 1
# A snapshot of the binary and the tests: editing or rebuilding meanwhile changes nothing here.
snap=$(mktemp -d /tmp/cadence-hours.XXXXXX)
chmod 755 "$snap"
trap 'rm -rf "$snap"' EXIT
mkdir -p "$snap/tests" "$snap/service"
cp -r tests/api tests/fakes tests/vendor-specs tests/renderings "$snap/tests/" && cp -r scripts openapi.yaml "$snap/" &&
  mkdir -p "$snap/service" && cp -r service/sql "$snap/service/"
ln -s "$(pwd)/tests/node_modules" "$snap/tests/node_modules"
cp build/cadence "$snap/cadence"
hours=${*:-$(seq 0 23)}
passed=0 failed=0
for hour in $hours; do
  # The offset that moves now to HOUR:MM (the current minute), today or tomorrow.
  offset=$(( (hour - $(date -u +%-H) + 24) % 24 * 3600 ))
  tmp=$(mktemp -d /tmp/cadence-hours.XXXXXX)
  chmod 755 "$tmp"
  port=$(sh scripts/free-port.sh)
  export LD_PRELOAD="$lib" FAKETIME="+${offset}s" FAKETIME_NO_CACHE=1
  sh scripts/pg-local.sh init "$tmp/pg" && sh scripts/pg-local.sh start "$tmp/pg" "$port" || exit 1
  (cd "$snap" && PGDATA_DIR="$tmp/pg" PGPORT=$port CADENCE_BIN="$snap/cadence" /usr/bin/python3 tests/api/run.py) \
    > "$tmp/api.out" 2>&1
  rc=$?
  sh scripts/pg-local.sh stop "$tmp/pg"
  unset LD_PRELOAD FAKETIME
  line=$(grep -E '^api: [0-9]+ passed' "$tmp/api.out" | tail -n 1)
  if [ "$rc" -eq 0 ] && [ -n "$line" ]; then
    passed=$((passed + 1))
    echo "hour $hour UTC: $line"
  else
    failed=$((failed + 1))
    echo "hour $hour UTC: ${line:-no result}"
    grep -A 12 '^FAIL' "$tmp/api.out" | head -n 60
  fi
  rm -rf "$tmp"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
