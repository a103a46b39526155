"""Gas budgets (whole-transaction gas, deterministic on anvil): rent, settle (1-day vs 90-day) and routeRent.

Settling costs one O(log n) oracle range query per SLA period, whatever the period's length: a 90-day lease settled
as one 90-day period costs the same as a 1-day lease (within 5%). Settlement never calls the router: `routeRent`
deposits an asset's released rent (measured here into the MockRevenueRouter, a pull and two counters; the real
router's split and push into the shares come on top, see tests/unit/revenue).
"""

import pytest
from lease_helpers import DISPUTE_WINDOW, PRICE_PER_HOUR, offer, terms

from cap.reports import UsageReport, submit_reports

pytestmark = pytest.mark.gas

RENT_BUDGET = 200_000
SETTLE_BUDGET = 130_000
LENGTH_SPREAD = 0.05
UPTIME_BPS = 9_800  # 1% below the 99% target: a 10% credit, so both the credit and the release are paid
REPORTS_PER_TX = 100  # anvil runs with steps tracing: bigger batches get slower than linear


@pytest.fixture(scope="module")
def new_asset(market, operator, register_asset, activate):
    def new_asset() -> int:
        asset_id = register_asset()
        activate(asset_id)
        market.setOffer(asset_id, offer(), sender=operator)
        return asset_id

    return new_asset


@pytest.fixture(scope="module")
def attest_fast(oracle, oracle_admin, attesters, stranger, clock):
    """Attests `[from_epoch, to_epoch)` with a quorum of one (a 90-day lease is 2,160 reports: one signature each
    keeps the test under a minute); the quorum is restored after each test by the chain snapshot."""

    def attest_fast(asset_id: int, from_epoch: int, to_epoch: int, uptime_bps: int = UPTIME_BPS) -> None:
        oracle.setQuorum(1, sender=oracle_admin)
        for first in range(from_epoch, to_epoch, REPORTS_PER_TX):
            last = min(first + REPORTS_PER_TX, to_epoch)
            clock.goto(clock.start_of(last))
            reports = [
                UsageReport(asset_id, epoch, uptime_bps, 8_000, 8_000, 9_000, 1, bytes(32))
                for epoch in range(first, last)
            ]
            submit_reports(oracle, reports, attesters[:1], stranger)

    return attest_fast


def test_gas__rent(market, renter, renter2, clock, fund, new_asset, book, gas_report):
    book(hours=1, asset=new_asset())  # a live market: its own counters and balance are already non-zero
    asset_id = new_asset()
    epoch = clock.fresh_epoch()
    fund(renter, 24 * PRICE_PER_HOUR)
    first = market.rent(asset_id, clock.start_of(epoch), 24, 24 * PRICE_PER_HOUR, sender=renter).gas_used
    fund(renter2, 24 * PRICE_PER_HOUR)
    clock.goto(clock.start_of(epoch + 24))
    second = market.rent(asset_id, clock.start_of(epoch + 24), 24, 24 * PRICE_PER_HOUR, sender=renter2).gas_used
    gas_report("lease: rent now, the asset's first lease", first, RENT_BUDGET, "prepay + booking + setUser")
    gas_report("lease: rent now, the asset's next lease", second, RENT_BUDGET, "user slots already non-zero")
    assert first <= RENT_BUDGET
    assert second <= RENT_BUDGET


def _settle_last_period(market, clock, attest_fast, asset_id, lease_id, stranger) -> int:
    lease = market.leaseOf(lease_id)
    attest_fast(asset_id, lease.startEpoch, lease.endEpoch)
    clock.goto(clock.start_of(lease.endEpoch) + DISPUTE_WINDOW)
    tx = market.settle(lease_id, sender=stranger)
    settled = tx.events.filter(market.LeaseSettled)[0]
    assert (settled.fromEpoch, settled.toEpoch, settled.creditBps) == (lease.startEpoch, lease.endEpoch, 1_000)
    return tx.gas_used


def test_gas__settle_1_day_vs_90_days(
    market, gov, renter, renter2, stranger, clock, book, attest_fast, new_asset, gas_report
):
    market.setTerms(terms(sla_period_hours=90 * 24), sender=gov)  # one SLA period for the whole 90 days
    # Alike but for the length: each asset rented right after its burn-in (the same oracle history shape), by a
    # renter with nothing refundable yet (each settlement writes a first credit).
    short_asset = new_asset()
    day = book(hours=24, asset=short_asset, sender=renter)
    long_asset = new_asset()
    quarter = book(hours=90 * 24, asset=long_asset, sender=renter2)

    one_day = _settle_last_period(market, clock, attest_fast, short_asset, day, stranger)
    ninety_days = _settle_last_period(market, clock, attest_fast, long_asset, quarter, stranger)

    gas_report("lease: settle a 1-day lease (one 24-epoch period)", one_day, SETTLE_BUDGET, "first credit to renter")
    gas_report("lease: settle a 90-day lease (one 2,160-epoch period)", ninety_days, SETTLE_BUDGET)
    assert one_day <= SETTLE_BUDGET
    assert ninety_days <= SETTLE_BUDGET
    assert abs(ninety_days - one_day) <= LENGTH_SPREAD * one_day


def test_gas__settle_a_daily_period_of_a_running_lease(market, stranger, clock, book, attest_fast, gas_report):
    lease_id = book(hours=90 * 24)
    lease = market.leaseOf(lease_id)
    attest_fast(lease.assetId, lease.startEpoch, lease.startEpoch + 48)
    first = market.settle(lease_id, sender=stranger).gas_used
    second = market.settle(lease_id, sender=stranger).gas_used
    gas_report("lease: settle a daily period of a running 90-day lease", first, SETTLE_BUDGET, "first credit")
    gas_report("lease: settle the next daily period", second, SETTLE_BUDGET)
    assert first <= SETTLE_BUDGET
    assert second <= SETTLE_BUDGET


def test_gas__route_rent(market, stranger, clock, book, attest_fast, gas_report):
    lease_id = book(hours=72)
    lease = market.leaseOf(lease_id)
    attest_fast(lease.assetId, lease.startEpoch, lease.startEpoch + 48)
    market.settle(lease_id, sender=stranger)
    market.routeRent(lease.assetId, sender=stranger)
    market.settle(lease_id, sender=stranger)
    gas = market.routeRent(lease.assetId, sender=stranger).gas_used
    gas_report("lease: routeRent (into the MockRevenueRouter)", gas, None, "router's own cost excluded")
