#!/usr/bin/env bash
# Fork tests: a throw-away anvil stands in for a live network (`ethereum:capnet` in ape-config.yaml, chain id 48879),
# `ape run deploy` deploys to it as a team would to theirs (interrupted once, then resumed, then re-run to verify;
# a bad config and a manifest of another chain are refused), and tests/fork runs on an Ape fork of it
# (`ethereum:capnet-fork:foundry`): the manifest against chain state, then a short flow that must leave the upstream
# untouched. The upstream anvil is stopped and the temporary manifests removed however this ends.
# Usage: tools/run_fork_tests.sh [pytest args...]; prints a pytest-style closing line for tools/run_tests.sh.
set -uo pipefail
cd "$(dirname "$0")/.."

CHAIN_ID=48879
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
export CAP_UPSTREAM_URI="http://127.0.0.1:$port" CAP_DEPLOYMENTS="$work/deployments"
anvil --port "$port" --chain-id "$CHAIN_ID" --silent &
upstream=$!
cleanup() { kill "$upstream" 2>/dev/null; wait "$upstream" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

failures=0
fail() { echo "=== fork setup FAILED: $*"; failures=$((failures + 1)); }
rpc_block() { # the upstream's head block number
  python3 - "$CAP_UPSTREAM_URI" <<'PY'
import json, sys, urllib.request
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}).encode()
request = urllib.request.Request(sys.argv[1], body, {"content-type": "application/json"})
print(int(json.load(urllib.request.urlopen(request, timeout=5))["result"], 16))
PY
}
for _ in $(seq 50); do rpc_block >/dev/null 2>&1 && break; sleep 0.2; done

deploy() { ape run deploy --network ethereum:capnet:node --account test:0 "$@" 2>&1 | tee "$work/deploy.log"; return "${PIPESTATUS[0]}"; }

echo "=== upstream anvil at $CAP_UPSTREAM_URI (chain id $CHAIN_ID)"
echo "=== deploy, stopped after 9 transactions"
deploy --stop-after 9; code=$?
[ "$code" -eq 3 ] || fail "an interrupted deploy should exit 3, got $code"
echo "=== deploy again: resumes"
deploy; code=$?
[ "$code" -eq 0 ] || fail "the resumed deploy exited $code"
grep -q " verified$" "$work/deploy.log" || fail "the resumed deploy did not verify the contracts deployed before"
echo "=== deploy a third time: verifies, sends nothing"
deploy; code=$?
[ "$code" -eq 0 ] || fail "the verifying re-run exited $code"
grep -q "^0 transaction(s) sent" "$work/deploy.log" || fail "the verifying re-run sent transactions"

head=$(rpc_block)
echo "=== a config with an unknown key and an out-of-range fee: refused before any transaction"
sed -e 's/^stablecoin: null.*/stablecoin: null\nsurprise: 1/' -e 's/protocol_fee_bps: 400/protocol_fee_bps: 9000/' \
  deployments/config/ethereum-capnet.yaml >"$work/bad.yaml"
deploy --config "$work/bad.yaml"; code=$?
[ "$code" -eq 1 ] || fail "a bad config should exit 1, got $code"
grep -q "surprise: unknown key" "$work/deploy.log" || fail "the unknown key was not named"
grep -q "fees.protocol_fee_bps" "$work/deploy.log" || fail "the out-of-range fee was not named"
echo "=== a manifest of another chain: refused"
cp "$CAP_DEPLOYMENTS/ethereum-capnet.json" "$work/manifest.json"
python3 - "$CAP_DEPLOYMENTS/ethereum-capnet.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1])); data["chain_id"] = 1; json.dump(data, open(sys.argv[1], "w"))
PY
deploy; code=$?
[ "$code" -eq 1 ] || fail "a manifest of another chain should exit 1, got $code"
grep -q "chain id 1, but the network's chain id is $CHAIN_ID" "$work/deploy.log" || fail "the chain id mismatch was not named"
cp "$work/manifest.json" "$CAP_DEPLOYMENTS/ethereum-capnet.json"
echo "=== accounts: an unknown alias and an unfunded account are refused"
ape run deploy --network ethereum:capnet:node --account no-such-deployer 2>&1 | tee "$work/deploy.log"
code=${PIPESTATUS[0]}
[ "$code" -eq 1 ] && grep -q "no Ape account with alias 'no-such-deployer'" "$work/deploy.log" ||
  fail "an unknown account should be refused with exit 1 (got $code)"
ape run deploy --network ethereum:capnet:node --account test:15 2>&1 | tee "$work/deploy.log" # anvil funds 0-9
code=${PIPESTATUS[0]}
[ "$code" -eq 1 ] && grep -q "fund it first" "$work/deploy.log" || fail "an unfunded account should be refused (got $code)"
echo "=== the keeper: two passes, nothing due; then pointed at a network with no deployment"
ape run keeper --network ethereum:capnet:node --account test:9 --loop 1 --passes 2 2>&1 | tee "$work/keeper.log"
code=${PIPESTATUS[0]}
[ "$code" -eq 0 ] || fail "the keeper exited $code"
[ "$(grep -c "keeper pass: nothing due; 0 failed" "$work/keeper.log")" -eq 2 ] || fail "the keeper did not report two passes"
CAP_DEPLOYMENTS="$work/none" ape run keeper --network ethereum:capnet:node --account test:9 2>&1 | tee "$work/keeper.log"
code=${PIPESTATUS[0]}
[ "$code" -eq 1 ] || fail "a keeper without deployment should exit 1, got $code"
grep -q "no deployment for ethereum:capnet" "$work/keeper.log" || fail "the keeper did not say why it refused"
echo "=== an admin command: the delays that apply to the governor"
ape run admin delays --network ethereum:capnet:node --account test:1 2>&1 | tee "$work/admin.log"
grep -q "after 3600 s" "$work/admin.log" || fail "the governor's delay was not shown"
[ "$(rpc_block)" -eq "$head" ] || fail "a refused deploy, the keeper or a read-only command sent transactions"

echo "=== tests on a fork of the upstream"
export CAP_UPSTREAM_HEAD=$(rpc_block)
ape test tests/fork --network ethereum:capnet-fork:foundry -p no:cacheprovider "$@" 2>&1 | tee "$work/test.log"
code=${PIPESTATUS[0]}
[ "$(rpc_block)" -eq "$CAP_UPSTREAM_HEAD" ] || fail "the fork tests changed the upstream"
if [ "$failures" -gt 0 ]; then # one closing line with the setup's failures added
  summary=$(grep -E "[0-9]+ (passed|failed|errors?)\b.* in [0-9.]+s" "$work/test.log" | tail -n 1)
  passed=$(echo "$summary" | grep -oE "[0-9]+ passed" | grep -oE "^[0-9]+" || echo 0)
  failed=$(echo "$summary" | grep -oE "[0-9]+ (failed|errors?)" | awk "{s += \$1} END {print s + 0}")
  echo "$((failed + failures)) failed, ${passed:-0} passed in 0.00s (fork suite and its $failures setup check(s))"
  exit 1
fi
exit "$code"
