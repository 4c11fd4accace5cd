#!/usr/bin/env bash
# `go test -v` with the given arguments, showing what plain `go test` shows
# (results, failures, logs, skip reasons) without the RUN/PASS lines, and
# appending every skipped test to $TEST_SKIPS_LOG (when set) so that the end
# of `make test` can say how many tests were skipped and why. A test that one
# tier skips (an AWS test without its emulators in the unit tier) and a later
# tier runs is not counted: the tests that passed go to $TEST_SKIPS_LOG.ran.
#
#   scripts/gotest.sh [go test flags] packages...
#   scripts/gotest.sh --summary        print the skips of $TEST_SKIPS_LOG
set -uo pipefail

if [ "${1:-}" = "--summary" ]; then
  log="${TEST_SKIPS_LOG:-}"
  skipped=""
  if [ -n "$log" ] && [ -s "$log" ]; then
    # "pkg Test (reason)" lines, minus the tests another tier ran ("pkg Test").
    skipped=$(awk -v ranlog="$log.ran" '
      BEGIN { while ((getline l < ranlog) > 0) { split(l, f, " "); ran[f[1] " " f[2]] = 1 } }
      !(($1 " " $2) in ran)' "$log" | sort -u)
  fi
  n=0
  [ -n "$skipped" ] && n=$(grep -c . <<<"$skipped")
  echo "skipped tests: $n (tests skipped in one tier and run in another are not counted)"
  [ "$n" -gt 0 ] && sed 's/^/  /' <<<"$skipped"
  exit 0
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
go test -v "$@" 2>&1 | tee "$out" | grep --line-buffered -vE '^ *(=== (RUN|PAUSE|CONT|NAME) |--- PASS: )'
status=${PIPESTATUS[0]}
if [ -n "${TEST_SKIPS_LOG:-}" ]; then
  mkdir -p "$(dirname "$TEST_SKIPS_LOG")" # a target run alone, before make test made bin/
  # A skip is its reason (the test's last log line, "    file_test.go:12: ...")
  # then "--- SKIP: TestName (0.00s)"; the package is named on the "ok" line
  # that closes its output.
  awk '
    /^ +[^ ]+\.go:[0-9]+: / { reason = $0; sub(/^ +/, "", reason); next }
    /^ *--- SKIP: / { skips[++n] = $3 " (" reason ")"; reason = ""; next }
    /^ *--- PASS: / { passes[++m] = $3; next }
    /^=== RUN/ { reason = "" }
    /^(ok +|FAIL)\t/ {
      for (i = 1; i <= n; i++) print $2 " " skips[i]
      for (i = 1; i <= m; i++) print $2 " " passes[i] >> ran
      n = 0; m = 0
    }
  ' ran="$TEST_SKIPS_LOG.ran" "$out" >> "$TEST_SKIPS_LOG"
fi
exit "$status"
