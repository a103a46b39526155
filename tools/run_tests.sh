#!/usr/bin/env bash
# Runs each test area in its own `ape test` session (its own anvil), then prints one closing line for all of them.
#
# Areas share session fixtures (the deployed system) inside a session; Ape's per-test chain snapshots do not undo
# what one area's module fixtures leave behind for the next, so each area gets a fresh chain.
# Then the fork suite (tools/run_fork_tests.sh): an upstream anvil deployed to with `ape run deploy`, tests on an Ape
# fork of it; CAP_FORK_TESTS=0 leaves it out. Last, the static-analysis gate (tools/slither_gate.py), which
# counts as one more check; SKIP_SLITHER=1 skips it.
# Suites run TEST_JOBS at a time (default 2), each printed whole when it ends.
# Usage: [TEST_JOBS=N] [TEST_AREAS="dir ..."] [SKIP_SLITHER=1] [CAP_FORK_TESTS=0] tools/run_tests.sh [pytest args...]
set -uo pipefail
cd "$(dirname "$0")/.."

AREAS=(  # the longest first: two run at a time
  tests/unit/lease
  tests/unit/revenue
  tests/unit/markets
  tests/unit/adversarial
  tests/unit/offering
  tests/fuzz
  tests/unit/trading
  tests/unit/lending
  tests/unit/shares
  tests/unit/ops
  tests/unit/nav
  tests/unit/assets
  tests/unit/oracle
  tests/unit/access
  tests/integration
  tests/snapshot
  tests/unit/attester
  tests/unit/toolchain
  tests/unit/demo
)

[ -n "${TEST_AREAS:-}" ] && read -ra AREAS <<< "$TEST_AREAS"  # a subset, space-separated

# Wall-clock seconds per suite and in all, for `make bench` to report (machine-dependent; never committed).
times=.build/test-times.txt
mkdir -p .build
{ echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "args=$*"; echo "jobs=${TEST_JOBS:-2}"; } >"$times.part"
suite_start=$(date +%s)

passed=0 failed=0 skipped=0 status=0
JOBS=${TEST_JOBS:-2}  # suites run side by side, each with its own anvil; their output is printed as each ends
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
labels=() kinds=() printed=()

# launch KIND LABEL COMMAND...: starts a suite once fewer than JOBS run (KIND: pytest, or gate: one check).
launch() {
  local kind=$1 label=$2 n=${#labels[@]}
  shift 2
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
    wait -n
    report_finished
  done
  labels+=("$label") kinds+=("$kind") printed+=(0)
  (
    start=$(date +%s)
    "$@" > "$workdir/$n.log" 2>&1
    code=$?
    echo "area ${label}=$(($(date +%s) - start))" > "$workdir/$n.time"
    echo $code > "$workdir/$n.code"
  ) &
}

# Prints each suite that has ended and adds its pytest closing line (or its gate result) to the totals.
report_finished() {
  local n code summary
  for n in "${!labels[@]}"; do
    [ "${printed[$n]}" = 0 ] && [ -f "$workdir/$n.code" ] || continue
    printed[$n]=1
    code=$(cat "$workdir/$n.code")
    cat "$workdir/$n.time" >> "$times.part"
    echo "=== ${labels[$n]}"
    cat "$workdir/$n.log"
    if [ "${kinds[$n]}" = gate ]; then
      if [ "$code" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
    else
      summary=$(grep -E "[0-9]+ (passed|failed|errors?)\b.* in [0-9.]+s" "$workdir/$n.log" | tail -n 1)
      passed=$((passed + $(count "$summary" passed)))
      failed=$((failed + $(count "$summary" failed) + $(count "$summary" error)))
      skipped=$((skipped + $(count "$summary" skipped) + $(count "$summary" xfailed)))
      # 5: no test selected in this suite (a marker filter such as -m gas)
      if [ "$code" -ne 0 ] && [ "$code" -ne 5 ]; then status=1; fi
    fi
    if [ "$code" -ne 0 ] && { [ "${kinds[$n]}" = gate ] || [ "$code" -ne 5 ]; }; then
      echo "=== ${labels[$n]} FAILED (exit $code)"
    fi
  done
}
count() { echo "$1" | grep -oE "[0-9]+ $2" | grep -oE "^[0-9]+" || echo 0; }

if [ "${CAP_FORK_TESTS:-1}" != 0 ]; then
  launch pytest "tests/fork (on a fork of an upstream anvil)" tools/run_fork_tests.sh "$@"
fi
for area in "${AREAS[@]}"; do
  [ -d "$area" ] || continue
  launch pytest "$area" ape test "$area" -p no:cacheprovider "$@"
done
if [ "${SKIP_SLITHER:-0}" != 1 ]; then
  launch gate "slither" python tools/slither_gate.py
fi
wait
report_finished
echo
echo "total_seconds=$(($(date +%s) - suite_start))" >>"$times.part"
echo "result=$passed passed, $failed failed, $skipped skipped" >>"$times.part"
mv "$times.part" "$times"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
