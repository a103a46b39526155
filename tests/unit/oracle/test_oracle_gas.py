"""Gas budgets: one report, a batch of ten, and the uptime query over 1 vs 10,000 epochs of a 10,000-epoch history.

Figures are whole-transaction gas (`receipt.gas_used`; `eth_estimateGas` for the view), base cost included. They are
kept in `GAS` and printed as a table at the end of the module (`ape test -m gas -s`).
"""

import pytest
from eth_keys import keys
from eth_utils import keccak, to_bytes

from cap.reports import report_digest

pytestmark = pytest.mark.gas

SINGLE_REPORT_BUDGET = 110_000
BATCH_REPORT_BUDGET = 70_000  # per report, batch of 10
QUERY_SPREAD = 0.10  # uptime over 1 epoch vs over 10,000 epochs
HISTORY_EPOCHS = 10_000
REPORTS_PER_TX = 250
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

GAS: dict[str, int] = {}


class ReusedNonceSigner:
    """Signs a digest in microseconds with a throwaway key, by reusing the nonce of one honest signature.

    WARNING: two ECDSA signatures that share a nonce reveal the private key: never do this with a key anything else
    trusts. Here the key is generated for this test only. Every signature is still a valid low-s ECDSA signature that
    the oracle recovers like any other, so the gas measured is real; only signing is fast (honest signing in pure
    Python takes ~1.5 ms, 15 s for the 10,000-epoch history).
    """

    def __init__(self, account):
        self.address = account.address
        key = keys.PrivateKey(to_bytes(hexstr=account.private_key))
        seed_digest = keccak(text="seed")
        seed = key.sign_msg_hash(seed_digest)  # s = k^-1 (z + r d), with R = k G of y parity v
        self._r = seed.r
        self._r_times_key = seed.r * int.from_bytes(key.to_bytes(), "big") % SECP256K1_N
        z = int.from_bytes(seed_digest, "big")
        self._k_inverse = seed.s * pow(z + self._r_times_key, -1, SECP256K1_N) % SECP256K1_N
        self._parity = seed.v

    def sign(self, digest: bytes) -> bytes:
        s = self._k_inverse * (int.from_bytes(digest, "big") + self._r_times_key) % SECP256K1_N
        parity = self._parity
        if s > SECP256K1_N // 2:  # the oracle (OpenZeppelin ECDSA) takes low s only: use the twin
            s, parity = SECP256K1_N - s, parity ^ 1
        return self._r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([27 + parity])


@pytest.fixture(scope="module", autouse=True)
def gas_table():
    yield
    print("\nUsageOracle gas (whole transaction)")
    for name, gas in GAS.items():
        print(f"  {name:<46} {gas:>9,}")


@pytest.fixture(scope="module")
def long_history(create_oracle, attesters, chain_id, make_report, stranger):
    """A second oracle (quorum 1) whose asset 1 has every epoch 0 .. 9,999 reported, built in batches."""
    oracle = create_oracle(past_epochs=HISTORY_EPOCHS + 1, signers=attesters[:1], quorum=1)
    signer = ReusedNonceSigner(attesters[0])
    for start in range(0, HISTORY_EPOCHS, REPORTS_PER_TX):
        reports = [make_report(epoch=epoch) for epoch in range(start, start + REPORTS_PER_TX)]
        signatures = [[signer.sign(report_digest(report, chain_id, oracle.address))] for report in reports]
        oracle.submitReports([report.as_tuple() for report in reports], signatures, sender=stranger)
    assert oracle.checkpointCount(1) == HISTORY_EPOCHS
    return oracle


def test_gas__single_report_with_3_of_5__within_budget(oracle, submit, make_report):
    first = submit(make_report(epoch=10)).gas_used
    next_epoch = submit(make_report(epoch=11)).gas_used
    GAS["single report, asset's first (3 of 5)"] = first
    GAS["single report, asset's next (3 of 5)"] = next_epoch

    assert first <= SINGLE_REPORT_BUDGET
    assert next_epoch <= SINGLE_REPORT_BUDGET


def test_gas__batch_of_10_reports__within_budget_per_report(oracle, submit, make_report):
    assets = range(100, 110)
    first = submit(*(make_report(epoch=10, asset_id=asset) for asset in assets)).gas_used
    next_epoch = submit(*(make_report(epoch=11, asset_id=asset) for asset in assets)).gas_used
    GAS["batch of 10 (10 assets' first), per report"] = first // 10
    GAS["batch of 10 (10 assets' next), per report"] = next_epoch // 10

    assert first <= 10 * BATCH_REPORT_BUDGET
    assert next_epoch <= 10 * BATCH_REPORT_BUDGET


def test_gas__uptime_query__same_for_1_and_10_000_epochs(long_history):
    oracle = long_history
    last = HISTORY_EPOCHS - 1
    one_epoch = oracle.uptimeBps.estimate_gas_cost(1, last, last + 1)
    all_epochs = oracle.uptimeBps.estimate_gas_cost(1, 0, HISTORY_EPOCHS)
    middle_epoch = oracle.uptimeBps.estimate_gas_cost(1, 5_000, 5_001)
    GAS["uptimeBps over the last epoch (10,000 kept)"] = one_epoch
    GAS["uptimeBps over one middle epoch"] = middle_epoch
    GAS["uptimeBps over 10,000 epochs"] = all_epochs

    assert oracle.uptimeBps(1, 0, HISTORY_EPOCHS) == 9_900
    assert abs(one_epoch - all_epochs) <= QUERY_SPREAD * min(one_epoch, all_epochs)
    assert abs(middle_epoch - all_epochs) <= QUERY_SPREAD * min(middle_epoch, all_epochs)
