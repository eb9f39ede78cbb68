#!/bin/sh
# Runs every libFuzzer target built into build-fuzz/fuzz/ for SECONDS each (default 20), starting from the
# seeds in tests/fuzz/corpus/<target>/ (read only: what the run finds goes to a temporary corpus). A crash,
# sanitizer report, leak or timeout fails the target; its input is kept in tests/fuzz/crashes/ and named in
# the output (reproduce: build-fuzz/fuzz/<target> <that file>). Ends with "fuzz: N passed, N failed".
# Usage: run.sh [SECONDS]
set -u
cd "$(dirname "$0")/../.."
seconds=${1:-20}
work=$(mktemp -d /tmp/cadence-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p tests/fuzz/crashes
passed=0 failed=0
for bin in build-fuzz/fuzz/fuzz_*; do
  name=$(basename "$bin")
  mkdir -p "$work/$name" "tests/fuzz/corpus/$name"
  # Leaks are checked; a single input may take at most 10 s and 2 GB.
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="tests/fuzz/crashes/$name-" "$work/$name" "tests/fuzz/corpus/$name" >"$work/$name.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
    found=$(ls "$work/$name" | wc -l)
    echo "ok   $name: ${runs:-?} executions in ${seconds} s, ${found} new inputs"
    passed=$((passed + 1))
  else
    echo "FAIL $name:"
    grep -E "ERROR|SUMMARY|invariant broken|Test unit written" "$work/$name.log" | head -8 | sed 's/^/     /'
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
