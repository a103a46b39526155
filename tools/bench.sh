#!/usr/bin/env bash
# `make bench`: times a forced compile and the demo (machine-dependent figures), then runs the gas benchmark, which
# writes benchmarks/gas.md, gas.json and gas-snapshot.json. Run from the Makefile (its PATH and compiler settings).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds_of() {  # runs a command quietly, prints its wall-clock seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.1f}')"
}

echo "timing: ape compile --force"
BENCH_COMPILE_SECONDS=$(seconds_of ape compile --force)
rm -rf contracts/.cache
echo "timing: ape run demo"
BENCH_DEMO_SECONDS=$(seconds_of ape run demo)
export BENCH_COMPILE_SECONDS BENCH_DEMO_SECONDS
echo "compile ${BENCH_COMPILE_SECONDS}s, demo ${BENCH_DEMO_SECONDS}s; measuring gas"
ape run bench
