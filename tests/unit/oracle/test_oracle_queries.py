"""Range queries over the checkpoints, checked against a plain Python model; missing epochs are downtime."""

import random

import ape
import pytest

from cap.reports import EnergyMode

ASSET_ID = 1  # `history` (module-wide); asset 2 is `streak_history`, tests of their own use 3 and up


def model_totals(history: dict, start: int, end: int) -> tuple[int, int, int, int, int]:
    """(uptimeBpsSum, utilizationBpsSum, gpuMilliHours, energyWh, reportedEpochs) over [start, end)."""
    reports = [history[epoch] for epoch in range(start, end) if epoch in history]
    return (
        sum(r.uptime_bps for r in reports),
        sum(r.utilization_bps for r in reports),
        sum(r.gpu_milli_hours for r in reports),
        sum(r.energy_wh for r in reports),
        len(reports),
    )


def model_streak(history: dict, last: int, count: int, min_uptime_bps: int) -> bool:
    epochs = range(last - count + 1, last + 1)
    return all(epoch in history and history[epoch].uptime_bps >= min_uptime_bps for epoch in epochs)


@pytest.fixture(scope="module")
def history(oracle, submit, make_report) -> dict:
    """About 55 reports over epochs 0..89 of asset 1, with random gaps (runs and isolated ones)."""
    rng = random.Random(20_240_601)
    reports = {
        epoch: make_report(
            epoch=epoch,
            uptime_bps=rng.choice([10_000, 9_950, 9_500, 8_000, 0]),
            utilization_bps=rng.randrange(0, 10_001),
            gpu_milli_hours=rng.randrange(0, 8_001),
            energy_wh=rng.randrange(0, 12_001),
            mode=rng.choice(list(EnergyMode)),
        )
        for epoch in range(90)
        if rng.random() < 0.6
    }
    batch = list(reports.values())
    for start in range(0, len(batch), 10):  # small batches: anvil keeps a step trace of each transaction
        submit(*batch[start : start + 10])
    return reports


@pytest.fixture(scope="module")
def streak_history(oracle, submit, make_report) -> dict:
    """Asset 2: epochs 10..14 with mixed uptime, 15 missing, 16..18 perfect."""
    uptimes = {10: 9_600, 11: 9_800, 12: 9_400, 13: 10_000, 14: 9_900, 16: 10_000, 17: 10_000, 18: 10_000}
    reports = {epoch: make_report(epoch=epoch, asset_id=2, uptime_bps=bps) for epoch, bps in uptimes.items()}
    submit(*reports.values())
    return reports


# ---------------------------------------------------------------- usageBetween / uptimeBps


def test_usage_between__every_range_edge__matches_model(oracle, history):
    epochs = sorted(history)
    edges = {0, 1, 89, 90, 95, epochs[0], epochs[0] + 1, epochs[-1], epochs[-1] + 1}
    edges |= {epoch + 1 for epoch in range(90) if epoch not in history}  # just after each gap
    ranges = [(start, end) for start in sorted(edges) for end in sorted(edges) if start < end]

    for start, end in ranges:
        assert tuple(oracle.usageBetween(ASSET_ID, start, end)) == model_totals(history, start, end), (start, end)


def test_usage_between__random_ranges__match_model(oracle, history):
    rng = random.Random(7)
    for _ in range(150):
        start = rng.randrange(0, 95)
        end = rng.randrange(start + 1, 97)
        assert tuple(oracle.usageBetween(ASSET_ID, start, end)) == model_totals(history, start, end), (start, end)


def test_uptime_bps__missing_epochs__count_as_downtime(oracle, submit, make_report):
    submit(*(make_report(epoch=epoch, asset_id=3, uptime_bps=10_000) for epoch in (10, 11, 12, 14)))  # 13 missing

    assert oracle.uptimeBps(3, 10, 13) == 10_000
    assert oracle.uptimeBps(3, 10, 15) == 8_000  # 4 of 5 epochs up
    assert oracle.uptimeBps(3, 0, 20) == 2_000  # nothing before 10 or after 14
    assert oracle.uptimeBps(3, 13, 14) == 0


def test_uptime_bps__rounds_down(oracle, submit, make_report):
    submit(make_report(epoch=0, asset_id=4, uptime_bps=10_000), make_report(epoch=1, asset_id=4, uptime_bps=9_999))

    assert oracle.uptimeBps(4, 0, 3) == (10_000 + 9_999) // 3


def test_usage_between__asset_without_reports__is_zero(oracle):
    assert tuple(oracle.usageBetween(77, 0, 1_000)) == (0, 0, 0, 0, 0)
    assert oracle.uptimeBps(77, 0, 1_000) == 0


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5), (2**32 - 1, 0)])
def test_usage_between__empty_or_reversed_range__reverts(oracle, start, end):
    with ape.reverts(oracle.UsageOracleInvalidRange, fromEpoch=start, toEpoch=end):
        oracle.usageBetween(ASSET_ID, start, end)
    with ape.reverts(oracle.UsageOracleInvalidRange, fromEpoch=start, toEpoch=end):
        oracle.uptimeBps(ASSET_ID, start, end)


# ---------------------------------------------------------------- usageAt


def test_usage_at__each_epoch__matches_report_or_missing(oracle, history):
    for epoch in range(95):
        usage = oracle.usageAt(ASSET_ID, epoch)
        if epoch in history:
            report = history[epoch]
            assert usage == (
                True,
                report.uptime_bps,
                report.utilization_bps,
                report.gpu_milli_hours,
                report.energy_wh,
                report.mode,
            ), epoch
        else:
            assert usage == (False, 0, 0, 0, 0, 0), epoch


def test_usage_at__asset_without_reports__is_missing(oracle):
    assert oracle.usageAt(77, 0) == (False, 0, 0, 0, 0, 0)


# ---------------------------------------------------------------- checkpoints and latest epoch


def test_checkpoints__one_per_report_in_epoch_order(oracle, history):
    epochs = sorted(history)

    assert oracle.checkpointCount(ASSET_ID) == len(epochs)
    assert oracle.latestEpoch(ASSET_ID) == (True, epochs[-1])
    last = oracle.checkpointAt(ASSET_ID, len(epochs) - 1)
    assert (last.epoch, last.mode) == (epochs[-1], history[epochs[-1]].mode)
    assert last.cumUptimeBps == sum(report.uptime_bps for report in history.values())


def test_checkpoint_at__out_of_range__reverts(oracle, history):
    with ape.reverts():
        oracle.checkpointAt(ASSET_ID, len(history))


# ---------------------------------------------------------------- hasStreak


@pytest.mark.parametrize(
    ("last", "count", "min_uptime_bps", "expected"),
    [
        (14, 5, 9_400, True),
        (14, 5, 9_500, False),  # epoch 12 at 9_400
        (14, 2, 9_900, True),
        (18, 3, 10_000, True),
        (18, 4, 0, False),  # epoch 15 missing
        (15, 1, 0, False),  # the last epoch itself missing
        (19, 1, 0, False),  # after the latest report
        (10, 1, 9_600, True),
        (10, 2, 0, False),  # nothing before the first report
        (14, 6, 0, False),  # longer than the history
        (14, 2**256 - 1, 0, False),
        (14, 0, 10_000, True),  # a streak of nothing
    ],
)
def test_has_streak__cases(oracle, streak_history, last, count, min_uptime_bps, expected):
    assert model_streak(streak_history, last, count, min_uptime_bps) is expected
    assert oracle.hasStreak(2, last, count, min_uptime_bps) is expected


def test_has_streak__every_window__matches_model(oracle, history):
    for last in range(0, 92, 3):
        for count in (1, 2, 3, 5):
            for min_uptime_bps in (0, 9_500, 10_000):
                expected = model_streak(history, last, count, min_uptime_bps)
                assert oracle.hasStreak(ASSET_ID, last, count, min_uptime_bps) is expected, (last, count)
