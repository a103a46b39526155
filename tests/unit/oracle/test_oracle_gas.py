"""Gas budgets: one report, a batch of ten, and the uptime query over 1 vs 10,000 epochs of a 10,000-epoch history.

Figures are whole-transaction gas (`receipt.gas_used`; `eth_estimateGas` for the view), the 21,000 base included.
They are kept in `GAS` and printed as a table at the end of the module (`ape test -m gas -s`).
"""

import pytest
from eth_abi import encode
from eth_utils import keccak, to_hex

from cap.reports import submit_reports

pytestmark = pytest.mark.gas

SINGLE_REPORT_BUDGET = 110_000
BATCH_REPORT_BUDGET = 70_000  # per report, in a batch of 10
QUERY_SPREAD = 0.10  # uptime over 1 epoch vs over 10,000 epochs
QUERY_EPOCHS = 10_000
HISTORY_EPOCHS = 10_050  # a little more than queried, so that the long range starts inside the history
SUBMITTED_TAIL = 2  # the history's last epochs, submitted for real on top of the written ones

GAS: dict[str, int] = {}


def checkpoint_word(epoch: int, mode: int, uptime: int, utilization: int, gpu_milli_hours: int, energy_wh: int) -> int:
    """A `Checkpoint` as its storage word: Solidity packs the fields from the low bits up, in declaration order."""
    return epoch | mode << 32 | uptime << 40 | utilization << 88 | gpu_milli_hours << 136 | energy_wh << 200


def storage_int(chain, address: str, slot: int) -> int:
    return int.from_bytes(chain.provider.get_storage(address, slot), "big")


@pytest.fixture(scope="module", autouse=True)
def gas_table():
    yield
    print("\nUsageOracle gas (whole transaction)")
    for name, gas in GAS.items():
        print(f"  {name:<48} {gas:>9,}")


@pytest.fixture(scope="module")
def long_history(chain, create_oracle, attesters, make_report, stranger):
    """A second oracle (quorum 1) whose asset 1 has every epoch 0 .. 10,049 accepted.

    Submitting 10,000 reports is not an option on Ape's anvil: it keeps a step trace of every transaction, memory
    included, about 3 MB per report. So the first reports are submitted for real, which shows where the checkpoint
    array lives and checks `checkpoint_word` against what the contract wrote; the same words are written for the
    epochs up to the tail (`anvil_setStorageAt`, in batched RPCs); the tail is submitted for real on top.
    """
    oracle = create_oracle(past_epochs=HISTORY_EPOCHS + 1, signers=attesters[:1], quorum=1)
    signer = attesters[:1]
    head = [make_report(epoch=epoch) for epoch in range(3)]
    for report in head:
        submit_reports(oracle, [report], signer, stranger)

    def word(epoch: int) -> int:
        report, count = head[0], epoch + 1  # every report of the history is alike but for its metrics hash
        return checkpoint_word(
            epoch,
            report.mode,
            count * report.uptime_bps,
            count * report.utilization_bps,
            count * report.gpu_milli_hours,
            count * report.energy_wh,
        )

    length_slot = next(
        slot
        for slot in (int.from_bytes(keccak(encode(["uint256", "uint256"], [1, index])), "big") for index in range(16))
        if storage_int(chain, oracle.address, slot) == len(head)
    )
    first_slot = int.from_bytes(keccak(length_slot.to_bytes(32, "big")), "big")
    assert [storage_int(chain, oracle.address, first_slot + i) for i in range(len(head))] == [word(i) for i in range(3)]

    written = range(len(head), HISTORY_EPOCHS - SUBMITTED_TAIL)
    requests = [("anvil_setStorageAt", [oracle.address, to_hex(first_slot + e), f"0x{word(e):064x}"]) for e in written]
    requests.append(("anvil_setStorageAt", [oracle.address, to_hex(length_slot), f"0x{written.stop:064x}"]))
    for start in range(0, len(requests), 2_000):  # anvil refuses a request body much above 1 MB
        responses = chain.provider.web3.provider.make_batch_request(requests[start : start + 2_000])
        assert isinstance(responses, list) and all("error" not in response for response in responses), responses

    tail = [make_report(epoch=epoch) for epoch in range(written.stop, HISTORY_EPOCHS)]
    submit_reports(oracle, tail, signer, stranger)
    assert oracle.checkpointCount(1) == HISTORY_EPOCHS
    assert oracle.latestEpoch(1) == (True, HISTORY_EPOCHS - 1)
    return oracle


def test_gas__single_report_with_3_of_5__within_budget(oracle, submit, make_report):
    first = submit(make_report(epoch=10)).gas_used
    next_epoch = submit(make_report(epoch=11)).gas_used
    GAS["1 report (3 of 5), asset's first"] = first
    GAS["1 report (3 of 5), asset's next epoch"] = next_epoch

    assert first <= SINGLE_REPORT_BUDGET
    assert next_epoch <= SINGLE_REPORT_BUDGET


def test_gas__batch_of_10_reports__within_budget_per_report(oracle, submit, make_report):
    """The budget is for the steady state: an epoch of 10 assets that already report. An asset's very first report
    costs ~15,000 more (its array length goes from 0 to 1), recorded for information."""
    assets = range(100, 110)
    first = submit(*(make_report(epoch=10, asset_id=asset) for asset in assets)).gas_used
    next_epoch = submit(*(make_report(epoch=11, asset_id=asset) for asset in assets)).gas_used
    catch_up = submit(*(make_report(epoch=epoch, asset_id=200) for epoch in range(20, 30))).gas_used
    GAS["batch of 10, 10 assets' next epoch, per report"] = next_epoch // 10
    GAS["batch of 10, 10 assets' first, per report"] = first // 10
    GAS["batch of 10, 1 asset's 10 epochs, per report"] = catch_up // 10

    assert next_epoch <= 10 * BATCH_REPORT_BUDGET
    assert catch_up <= 10 * BATCH_REPORT_BUDGET


def test_gas__uptime_query__same_for_1_and_10_000_epochs(long_history, stranger):
    """Ranges inside the history cost the same whatever their length: two checkpoint lookups of O(1) each when no
    epoch is missing. A range that starts before the first checkpoint costs one lookup less."""
    oracle, end = long_history, HISTORY_EPOCHS

    def query_gas(start: int, stop: int) -> int:
        return oracle.uptimeBps.estimate_gas_cost(1, start, stop, sender=stranger)

    last_epoch = query_gas(end - 1, end)
    middle_epoch = query_gas(end // 2, end // 2 + 1)
    last_10_000 = query_gas(end - QUERY_EPOCHS, end)
    whole_history = query_gas(0, end)
    GAS["uptimeBps, last epoch (10,050 kept)"] = last_epoch
    GAS["uptimeBps, one middle epoch"] = middle_epoch
    GAS["uptimeBps, last 10,000 epochs"] = last_10_000
    GAS["uptimeBps, whole history (10,050 epochs)"] = whole_history

    assert oracle.uptimeBps(1, end - QUERY_EPOCHS, end) == oracle.uptimeBps(1, end - 1, end) == 9_900
    for one_epoch in (last_epoch, middle_epoch):
        assert abs(one_epoch - last_10_000) <= QUERY_SPREAD * min(one_epoch, last_10_000)
        assert whole_history <= one_epoch
