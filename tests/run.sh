#!/bin/sh
# The test command (make test): installs what the tests use, starts a
# throwaway PostgreSQL, builds, and runs unit tests, the libFuzzer targets for a
# short while, the OpenAPI lint, and the API tests against the server, then
# again against an ASan+UBSan build (with the HTTP attack test), then
# builds the Docker image and runs a smoke flow through it (CADENCE_SKIP_DOCKER=1
# skips that part on a machine without root or Docker's engine).
# Ends with one line "N passed, N failed".
set -u
export PG_LOCAL_FSYNC=off  # throwaway clusters: speed over durability
cd "$(dirname "$0")/.."
root=$(pwd)
sh scripts/deps.sh test || exit 1
sh tests/npm-tools.sh || exit 1

rm -rf tests/.tmp
make -s all || exit 1
make -s sanitize >/dev/null || exit 1

tmp=$(mktemp -d /tmp/cadence-test.XXXXXX)
chmod 755 "$tmp"
export PGDATA_DIR="$tmp/pg" PGPORT=$(sh scripts/free-port.sh)
sh scripts/pg-local.sh init "$PGDATA_DIR" || exit 1
sh scripts/pg-local.sh start "$PGDATA_DIR" "$PGPORT" || exit 1
trap 'sh scripts/pg-local.sh stop "$PGDATA_DIR"; rm -rf "$tmp"' EXIT

passed=0 failed=0
count() { # adds the "N passed, N failed" of the last line of file $1
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
  p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
  [ -n "$line" ] || { p=0; f=1; }
  [ "$2" -eq 0 ] || [ "$f" -gt 0 ] || f=1  # a crash without a count is a failure
  passed=$((passed + p)); failed=$((failed + f))
}

echo "== unit tests"
build/unit_tests > "$tmp/unit.out" 2>&1; rc=$?
cat "$tmp/unit.out"; count "$tmp/unit.out" $rc
build-asan/unit_tests > "$tmp/unit-asan.out" 2>&1; rc=$?
sed 's/^unit:/unit (asan+ubsan):/' "$tmp/unit-asan.out"; count "$tmp/unit-asan.out" $rc

echo "== fuzzing (libFuzzer, ${FUZZ_SECONDS:-10} s a target; make fuzz FUZZ_SECONDS=600 for longer)"
make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-10}" > "$tmp/fuzz.out" 2>&1; rc=$?
grep -v "^make\|^sh \|^clang " "$tmp/fuzz.out"; count "$tmp/fuzz.out" $rc

echo "== openapi lint"
if tests/node_modules/.bin/redocly lint --format=stylish openapi.yaml > "$tmp/lint.out" 2>&1; then
  echo "lint: 1 passed, 0 failed" | tee -a "$tmp/lint.out" >/dev/null; passed=$((passed + 1)); echo "openapi.yaml: valid"
else
  cat "$tmp/lint.out"; failed=$((failed + 1))
fi

echo "== static analysis (cppcheck)"
if cppcheck --quiet --error-exitcode=1 --std=c11 -Iinclude $(for l in include/*/; do printf -- "-I%s " "$l"; done) --suppress=missingIncludeSystem service api > "$tmp/cppcheck.out" 2>&1; then
  echo "cppcheck: clean"; passed=$((passed + 1))
else
  cat "$tmp/cppcheck.out"; failed=$((failed + 1))
fi

echo "== self-contained (nothing reads the steering folder beside the clone)"
up='\.\.'  # the pattern in two parts, so that this file does not match it
if grep -rnE "$up/shared|[\"']shared[\"'] *," tests scripts Makefile .ci docker service api include \
    --exclude-dir=node_modules --exclude-dir=.tmp > "$tmp/shared.out" 2>&1; then
  cat "$tmp/shared.out"; echo "the project reads a folder outside its clone"; failed=$((failed + 1))
else
  echo "self-contained: 1 passed"; passed=$((passed + 1))
fi

echo "== layout (README, Layout: each route's code in the file named after its URL)"
python3 tests/layout.py > "$tmp/layout.out" 2>&1; rc=$?
cat "$tmp/layout.out"; count "$tmp/layout.out" $rc

echo "== API tests"
CADENCE_BIN="$root/build/cadence" /usr/bin/python3 tests/api/run.py > "$tmp/api.out" 2>&1; rc=$?
cat "$tmp/api.out"; count "$tmp/api.out" $rc

echo "== API tests against the ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  CADENCE_BIN="$root/build-asan/cadence" /usr/bin/python3 tests/api/run.py > "$tmp/api-asan.out" 2>&1; rc=$?
cat "$tmp/api-asan.out"; count "$tmp/api-asan.out" $rc
if grep -l "ERROR: AddressSanitizer\|runtime error:\|ERROR: LeakSanitizer" tests/.tmp/*.log 2>/dev/null; then
  echo "sanitizer reports found in the server logs above"; failed=$((failed + 1))
fi

echo "== Docker image (make docker-test)"
if [ -n "${CADENCE_SKIP_DOCKER:-}" ]; then
  echo "skipped: CADENCE_SKIP_DOCKER is set"
else
  sh scripts/docker-test.sh > "$tmp/docker.out" 2>&1; rc=$?
  cat "$tmp/docker.out"; count "$tmp/docker.out" $rc
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
