"""The yield record: cumulative revenue per asset and source (gross) and net to holders, one checkpoint per UTC day
(day = timestamp // 86,400); a value read at a timestamp covers the whole day containing it; range queries cover the
days in (day(from), day(to)]."""

import ape
import pytest

USD = 10**6
RENT, INFERENCE, MINING, OTHER = range(4)
HOUR = 3_600
DAY = 86_400


def day_start(chain, days_ahead: int = 1) -> int:
    """The start of a UTC day after the pending block's."""
    return (chain.pending_timestamp // DAY + days_ahead) * DAY


@pytest.fixture
def history(chain, route, asset_id, router, gov, split):
    """Four deposits on four consecutive days (at 01:00), the fees changing before the last:
    [(timestamp, source, amount, net)]."""
    start = day_start(chain) + HOUR
    plan = [(RENT, 1_000 * USD), (INFERENCE, 333 * USD + 3), (RENT, 500 * USD + 1), (MINING, 250 * USD)]
    rows = []
    for i, (source, amount) in enumerate(plan):
        if i == 3:
            router.setFees(1_000, 2_000, sender=gov)
        at = start + i * DAY
        route(asset_id, amount, source, at=at)
        fees = (1_000, 2_000) if i == 3 else (500, 1_500)
        rows.append((at, source, amount, split(amount, *fees)[2]))
    return rows


def test_cumulative__before_any_deposit__zero(router, asset_id, chain):
    now = chain.pending_timestamp
    assert router.cumulativeRevenueAt(asset_id, RENT, now) == 0
    assert router.cumulativeNetRevenueAt(asset_id, now) == 0
    assert router.totalRevenueOf(asset_id, RENT) == 0 and router.totalNetRevenueOf(asset_id) == 0
    assert router.checkpointCount(asset_id, RENT) == 0


def test_cumulative__per_source_on_each_day(router, asset_id, history):
    """The day's value from its first second to its last: a deposit at 01:00 counts at 00:00 of its day."""
    (t0, _, rent0, _), (t1, _, inference1, _), (t2, _, rent2, _), (t3, _, mining3, _) = history
    day0 = t0 - HOUR

    assert router.cumulativeRevenueAt(asset_id, RENT, day0 - 1) == 0
    assert router.cumulativeRevenueAt(asset_id, RENT, day0) == rent0
    assert router.cumulativeRevenueAt(asset_id, RENT, t0) == rent0
    assert router.cumulativeRevenueAt(asset_id, RENT, day0 + DAY - 1) == rent0
    assert router.cumulativeRevenueAt(asset_id, RENT, t2 - HOUR - 1) == rent0
    assert router.cumulativeRevenueAt(asset_id, RENT, t2 - HOUR) == rent0 + rent2
    assert router.cumulativeRevenueAt(asset_id, RENT, t3 + 10 * DAY) == rent0 + rent2
    assert router.cumulativeRevenueAt(asset_id, INFERENCE, t1 - HOUR - 1) == 0
    assert router.cumulativeRevenueAt(asset_id, INFERENCE, t1) == inference1
    assert router.cumulativeRevenueAt(asset_id, MINING, t3) == mining3
    assert router.cumulativeRevenueAt(asset_id, OTHER, t3) == 0
    assert router.totalRevenueOf(asset_id, RENT) == rent0 + rent2
    assert router.checkpointCount(asset_id, RENT) == 2
    assert router.checkpointCount(asset_id, INFERENCE) == 1


def test_cumulative_net__all_sources_at_the_fees_of_each_deposit(router, asset_id, history, shares):
    nets = [net for _, _, _, net in history]
    for i, (at, _, _, _) in enumerate(history):
        assert router.cumulativeNetRevenueAt(asset_id, at - HOUR - 1) == sum(nets[:i])
        assert router.cumulativeNetRevenueAt(asset_id, at - HOUR) == sum(nets[: i + 1])
    assert router.totalNetRevenueOf(asset_id) == sum(nets) == shares.accountedRevenue()


def test_between__days_after_from_through_to(router, asset_id, history):
    (t0, _, rent0, net0), (t1, _, _, net1), (t2, _, rent2, net2), (t3, _, _, net3) = history

    assert router.revenueBetween(asset_id, RENT, t0 - DAY, t0) == rent0
    assert router.revenueBetween(asset_id, RENT, t0, t2) == rent2
    assert router.revenueBetween(asset_id, RENT, t0, t2 - DAY) == 0
    assert router.revenueBetween(asset_id, RENT, 0, t3) == rent0 + rent2
    assert router.revenueBetween(asset_id, RENT, t1, t1) == 0
    assert router.revenueBetween(asset_id, RENT, t0 - HOUR, t0 + HOUR) == 0  # the same day at both ends
    assert router.netRevenueBetween(asset_id, t0, t3) == net1 + net2 + net3
    assert router.netRevenueBetween(asset_id, t0 - DAY, t1) == net0 + net1
    assert router.netRevenueBetween(asset_id, t3, t3 + DAY) == 0


def test_between__far_future_timestamp__reads_the_latest(router, asset_id, history):
    """Timestamps whose day is beyond uint48 read the latest value instead of reverting."""
    total_rent = history[0][2] + history[2][2]
    for far in (2**64, 2**255):
        assert router.cumulativeRevenueAt(asset_id, RENT, far) == total_rent
        assert router.revenueBetween(asset_id, RENT, 0, far) == total_rent
        assert router.netRevenueBetween(asset_id, 0, far) == router.totalNetRevenueOf(asset_id)


def test_between__from_after_to__reverts(router, asset_id):
    with ape.reverts(router.RevenueRouterInvalidRange, **{"from": 10, "to": 9}):
        router.revenueBetween(asset_id, RENT, 10, 9)
    with ape.reverts(router.RevenueRouterInvalidRange, **{"from": 10, "to": 9}):
        router.netRevenueBetween(asset_id, 10, 9)


def test_checkpoints__assets_are_kept_apart(router, route, asset_id, plain_asset_id, chain):
    at = day_start(chain) + HOUR
    route(asset_id, 100 * USD, at=at)
    route(plain_asset_id, 7 * USD, at=at + DAY)
    assert router.cumulativeRevenueAt(asset_id, RENT, at + DAY) == 100 * USD
    assert router.cumulativeRevenueAt(plain_asset_id, RENT, at + DAY) == 7 * USD
    assert router.cumulativeRevenueAt(plain_asset_id, RENT, at) == 0


def test_checkpoints__deposits_of_one_day__one_checkpoint_updated_in_place(
    router, route, asset_id, chain, shares, split
):
    """From the day's first second to its last: one checkpoint; the next day's first second opens another."""
    start = day_start(chain)
    amounts = [(start, 100 * USD), (start + HOUR, 200 * USD), (start + DAY - 1, 300 * USD)]
    for at, amount in amounts:
        route(asset_id, amount, at=at)
    assert router.checkpointCount(asset_id, RENT) == 1
    assert router.cumulativeRevenueAt(asset_id, RENT, start) == 600 * USD
    assert router.cumulativeRevenueAt(asset_id, RENT, start - 1) == 0
    assert router.cumulativeNetRevenueAt(asset_id, start) == sum(split(a)[2] for _, a in amounts)

    route(asset_id, 50 * USD, at=start + DAY)
    assert router.checkpointCount(asset_id, RENT) == 2
    assert router.cumulativeRevenueAt(asset_id, RENT, start + DAY - 1) == 600 * USD
    assert router.cumulativeRevenueAt(asset_id, RENT, start + DAY) == 650 * USD
    assert shares.accountedRevenue() == router.totalNetRevenueOf(asset_id)


def test_checkpoints__two_deposits_in_one_block__one_checkpoint(
    chain, router, fund, asset_id, lease_market, shares, split
):
    """Deposits sharing a block (hence a day) update its checkpoint in place."""
    fund(lease_market, 300 * USD)
    web3 = chain.provider.web3
    chain.provider.make_request("evm_setAutomine", [False])
    try:
        hashes = [
            web3.eth.send_transaction(
                {
                    "from": lease_market.address,
                    "to": router.address,
                    "data": router.deposit.encode_input(asset_id, amount, RENT),
                    "gas": 500_000,
                }
            )
            for amount in (100 * USD, 200 * USD)
        ]
        chain.mine()
    finally:
        chain.provider.make_request("evm_setAutomine", [True])
    receipts = [web3.eth.get_transaction_receipt(h) for h in hashes]
    assert all(r.status == 1 for r in receipts) and receipts[0].blockNumber == receipts[1].blockNumber
    at = chain.blocks[receipts[0].blockNumber].timestamp

    assert router.checkpointCount(asset_id, RENT) == 1
    assert router.cumulativeRevenueAt(asset_id, RENT, at) == 300 * USD
    assert router.cumulativeRevenueAt(asset_id, RENT, at // DAY * DAY - 1) == 0
    assert router.cumulativeNetRevenueAt(asset_id, at) == split(100 * USD)[2] + split(200 * USD)[2]
    assert shares.accountedRevenue() == router.cumulativeNetRevenueAt(asset_id, at)


def test_checkpoints__long_history__every_day_reads_back(router, route, plain_asset_id, chain):
    """Twelve deposit days over a month, some days skipped: each day reads its cumulative value, a skipped day the
    last day before it (the history searched by halving)."""
    start = day_start(chain)
    days = [0, 1, 2, 4, 5, 8, 9, 13, 17, 18, 25, 29]
    for i, day in enumerate(days):
        route(plain_asset_id, (i + 1) * USD, at=start + day * DAY + HOUR)
    assert router.checkpointCount(plain_asset_id, RENT) == len(days)
    expected = 0
    for day in range(31):
        if day in days:
            expected += (days.index(day) + 1) * USD
        at = start + day * DAY + HOUR * (day % 24)
        assert router.cumulativeRevenueAt(plain_asset_id, RENT, at) == expected, day
    assert router.revenueBetween(plain_asset_id, RENT, start + 4 * DAY, start + 13 * DAY) == (5 + 6 + 7 + 8) * USD
    assert router.cumulativeRevenueAt(plain_asset_id, RENT, start - 1) == 0
