"""The gas snapshot (benchmarks/gas-snapshot.json): every operation of the benchmark is measured again on a fresh
system, and none may cost more than 2% over its recorded figure. A change that costs more updates the snapshot in
the same change (`make snapshot`), so that the increase is seen in review.

The figures are deterministic (see cap/bench.py), so a change that costs less passes and is printed: update the
snapshot to hold the gain.
"""

import pytest

from cap.bench import SNAPSHOT_TOLERANCE, Bench, compare, load_snapshot

HOW_TO_UPDATE = "if the change is meant, run `make snapshot` and commit benchmarks/gas-snapshot.json"


def test_compare__flags_growth_over_the_tolerance_and_keys_on_one_side_only():
    snapshot = {"a": 100_000, "b": 50_000, "gone": 1}
    assert compare({"a": 102_000, "b": 40_000, "gone": 1}, snapshot) == []
    problems = compare({"a": 102_001, "b": 50_000, "new": 7}, snapshot)
    assert problems == [
        "gone: in the snapshot, not measured any more",
        "new: measured, not in the snapshot",
        "a: 102,001 gas, +2.00% over the snapshot's 100,000",
    ]


def test_gas__no_operation_grew_over_the_snapshot(capsys):
    snapshot = load_snapshot()
    measured = Bench().operations().snapshot()
    cheaper = {key: (snapshot[key], gas) for key, gas in measured.items() if key in snapshot and gas < snapshot[key]}
    problems = compare(measured, snapshot)
    with capsys.disabled():
        for key, (before, now) in cheaper.items():
            print(f"\n  cheaper than the snapshot: {key} {before:,} -> {now:,}", end="")
    if problems:
        pytest.fail(
            f"gas over the snapshot (+{SNAPSHOT_TOLERANCE:.0%} allowed):\n  "
            + "\n  ".join(problems)
            + f"\n{HOW_TO_UPDATE}"
        )
