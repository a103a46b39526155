"""LeaseMarket.settle and routeRent: per-period SLA credits from attested uptime, missing epochs, the last-period
holdback, exact pro-rata rent, rounding, terms versions, and routing released rent to the RevenueRouter."""

import ape
import pytest
from lease_helpers import ATTESTATION_GRACE, DISPUTE_WINDOW, PRICE_PER_HOUR, LeaseStatus, Source, offer, terms

DAY_PRICE = 24 * PRICE_PER_HOUR


@pytest.fixture
def lease(market, book, check_solvency):
    """A 72-hour lease started now: three daily SLA periods."""
    lease_id = book(hours=72)
    check_solvency()
    return market.leaseOf(lease_id), lease_id


def test_settle__attested_period__releases_its_rent(market, asset_id, stranger, attest_range, lease, check_solvency):
    lease, lease_id = lease
    start = lease.startEpoch
    attest_range(asset_id, start, start + 24)

    tx = market.settle(lease_id, sender=stranger)

    settled = tx.events.filter(market.LeaseSettled)[0]
    assert (settled.leaseId, settled.fromEpoch, settled.toEpoch) == (lease_id, start, start + 24)
    assert (settled.shortfallBps, settled.creditBps, settled.earned, settled.credit) == (0, 0, DAY_PRICE, 0)
    released = tx.events.filter(market.RentReleased)[0]
    assert (released.leaseId, released.assetId, released.amount) == (lease_id, asset_id, DAY_PRICE)
    assert not tx.events.filter(market.RefundCredited)
    after = market.leaseOf(lease_id)
    assert (after.settledEpoch, after.unsettled, after.status) == (start + 24, 2 * DAY_PRICE, LeaseStatus.BOOKED)
    assert market.totalEscrowed() == 2 * DAY_PRICE
    assert market.unroutedRentOf(asset_id) == DAY_PRICE == market.ledgerOf(asset_id).rentReleased
    check_solvency()


def test_settle__before_the_period_is_attested__reverts(market, asset_id, stranger, attest_range, lease, escrow_state):
    lease, lease_id = lease
    start = lease.startEpoch
    attest_range(asset_id, start, start + 23)  # one epoch short
    before = (escrow_state(), market.leaseOf(lease_id))
    assert market.nextSettlement(lease_id) == (start, start + 24, False)
    with ape.reverts(market.LeaseMarketNotSettleable, leaseId=lease_id, fromEpoch=start, toEpoch=start + 24):
        market.settle(lease_id, sender=stranger)
    assert (escrow_state(), market.leaseOf(lease_id)) == before
    attest_range(asset_id, start + 23, start + 24)
    assert market.nextSettlement(lease_id) == (start, start + 24, True)


@pytest.mark.parametrize(
    "uptime_bps, shortfall_bps, credit_bps",
    [
        (10_000, 0, 0),
        (9_900, 0, 0),  # at target
        (9_850, 50, 1_000),
        (9_800, 100, 1_000),
        (9_799, 101, 2_500),
        (9_400, 500, 2_500),
        (9_399, 501, 10_000),
        (0, 9_900, 10_000),
    ],
)
def test_settle__shortfall__credits_the_tier(
    market, asset_id, renter, stranger, attest_range, lease, check_solvency, uptime_bps, shortfall_bps, credit_bps
):
    lease, lease_id = lease
    attest_range(asset_id, lease.startEpoch, lease.startEpoch + 24, uptime_bps=uptime_bps)

    tx = market.settle(lease_id, sender=stranger)

    settled = tx.events.filter(market.LeaseSettled)[0]
    credit = DAY_PRICE * credit_bps // 10_000
    assert (settled.shortfallBps, settled.creditBps, settled.credit) == (shortfall_bps, credit_bps, credit)
    assert market.refundableOf(renter) == credit
    assert market.unroutedRentOf(asset_id) == DAY_PRICE - credit
    if credit:
        credited = tx.events.filter(market.RefundCredited)[0]
        assert (credited.account, credited.leaseId, credited.amount) == (renter, lease_id, credit)
    check_solvency()


def test_settle__missing_epochs_count_as_downtime(market, asset_id, renter, stranger, attest, lease):
    lease, lease_id = lease
    start = lease.startEpoch
    attest(asset_id, range(start, start + 12))
    attest(asset_id, [start + 23])  # 11 epochs skipped: they can never be reported now
    tx = market.settle(lease_id, sender=stranger)
    settled = tx.events.filter(market.LeaseSettled)[0]
    # mean uptime 13 * 10_000 / 24 = 5_416 bps: 4_483.3 below target, in whole bps rounded down
    assert (settled.shortfallBps, settled.creditBps) == (4_483, 10_000)
    assert market.refundableOf(renter) == DAY_PRICE


def test_settle__after_the_grace__unattested_periods_settle_as_downtime(
    market, asset_id, renter, stranger, clock, lease, check_solvency
):
    lease, lease_id = lease
    end = clock.start_of(lease.endEpoch)
    clock.goto(end + ATTESTATION_GRACE - 60)
    with ape.reverts(market.LeaseMarketNotSettleable):
        market.settle(lease_id, sender=stranger)
    clock.goto(end + ATTESTATION_GRACE)
    for period in range(2):  # the last period still waits for the dispute window
        tx = market.settle(lease_id, sender=stranger)
        settled = tx.events.filter(market.LeaseSettled)[0]
        assert (settled.fromEpoch, settled.creditBps) == (lease.startEpoch + 24 * period, 10_000)
    assert market.refundableOf(renter) == 2 * DAY_PRICE
    assert market.unroutedRentOf(asset_id) == 0
    check_solvency()


def test_settle__last_period_waits_for_the_dispute_window(
    chain, market, assets, asset_id, stranger, clock, book, attest_range, check_solvency
):
    lease_id = book(hours=24)
    lease = market.leaseOf(lease_id)
    attest_range(asset_id, lease.startEpoch, lease.endEpoch)
    end = clock.start_of(lease.endEpoch)
    assert market.nextSettlement(lease_id) == (lease.startEpoch, lease.endEpoch, False)
    clock.goto(end + DISPUTE_WINDOW - 60)
    with ape.reverts(market.LeaseMarketNotSettleable, fromEpoch=lease.startEpoch, toEpoch=lease.endEpoch):
        market.settle(lease_id, sender=stranger)
    assert market.isBound(asset_id)

    clock.goto(end + DISPUTE_WINDOW)
    tx = market.settle(lease_id, sender=stranger)

    assert tx.events.filter(market.LeaseFinalized)[0].leaseId == lease_id
    after = market.leaseOf(lease_id)
    assert (after.status, after.unsettled, after.settledEpoch) == (LeaseStatus.FINALIZED, 0, lease.endEpoch)
    assert market.ledgerOf(asset_id).openLeases == 0
    assert not market.isBound(asset_id) and not assets.isBound(asset_id)
    assert market.totalEscrowed() == 0
    with ape.reverts(market.LeaseMarketInvalidLeaseStatus, leaseId=lease_id, status=LeaseStatus.FINALIZED):
        market.settle(lease_id, sender=stranger)
    check_solvency()


def test_settle__periods_add_up_to_the_price_to_the_unit(
    market, asset_id, operator, renter, stranger, clock, book, attest_range, check_solvency
):
    market.setOffer(asset_id, offer(price_per_hour=1_000_003), sender=operator)
    lease_id = book(hours=50)  # periods of 24, 24 and 2 hours; the price does not split evenly
    lease = market.leaseOf(lease_id)
    attest_range(asset_id, lease.startEpoch, lease.endEpoch, uptime_bps=9_800)  # 10% credit, rounded down
    clock.goto(clock.start_of(lease.endEpoch) + DISPUTE_WINDOW)
    earned = []
    credits = []
    for _ in range(3):
        settled = market.settle(lease_id, sender=stranger).events.filter(market.LeaseSettled)[0]
        earned.append(settled.earned)
        credits.append(settled.credit)
    price = 1_000_003 * 50
    first = price * 24 // 50  # pro rata of the unsettled rent, rounded down
    second = (price - first) * 24 // 26
    assert earned == [first, second, price - first - second]  # the last period takes the rest
    assert credits == [amount // 10 for amount in earned]  # each credit rounded down
    assert market.refundableOf(renter) + market.unroutedRentOf(asset_id) == price
    check_solvency()


def test_settle__unknown_lease__reverts(market, stranger):
    with ape.reverts(market.LeaseMarketUnknownLease, leaseId=7):
        market.settle(7, sender=stranger)


def test_settle__while_paused__works(market, asset_id, pauser, stranger, attest_range, lease):
    lease, lease_id = lease
    market.pause(sender=pauser)
    attest_range(asset_id, lease.startEpoch, lease.startEpoch + 24)
    market.settle(lease_id, sender=stranger)
    assert market.routeRent(asset_id, sender=stranger).events.filter(market.RentRouted)[0].amount == DAY_PRICE


def test_settle__keeps_the_terms_of_the_booking(market, asset_id, gov, renter, stranger, book, attest_range, lease):
    lease, lease_id = lease
    # New terms: a full credit for any shortfall, and even at target. Only new leases get them.
    market.setTerms(terms(tiers=[(10_000, 10_000)]), sender=gov)
    attest_range(asset_id, lease.startEpoch, lease.startEpoch + 24)
    settled = market.settle(lease_id, sender=stranger).events.filter(market.LeaseSettled)[0]
    assert settled.creditBps == 0
    assert market.leaseOf(lease_id).termsId == 0
    later = book(hours=1, start=_free_start(market, asset_id))
    assert market.leaseOf(later).termsId == 1


def _free_start(market, asset_id) -> int:
    """The first free epoch start of the asset's calendar."""
    return market.GENESIS() + market.ledgerOf(asset_id).bookedUntilEpoch * market.EPOCH_SECONDS()


# ---------------------------------------------------------------- routing


def test_route_rent__deposits_all_released_rent(market, router, asset_id, stranger, attest_range, lease):
    lease, lease_id = lease
    attest_range(asset_id, lease.startEpoch, lease.startEpoch + 48)
    market.settle(lease_id, sender=stranger)
    market.settle(lease_id, sender=stranger)

    tx = market.routeRent(asset_id, sender=stranger)  # anyone (a keeper): two periods in one deposit

    assert tx.events.filter(market.RentRouted)[0].amount == 2 * DAY_PRICE
    deposited = tx.events.filter(router.Deposited)[0]
    assert (deposited.assetId, deposited.amount, deposited.source) == (asset_id, 2 * DAY_PRICE, Source.RENT)
    assert router.depositedOf(asset_id, Source.RENT) == 2 * DAY_PRICE
    assert market.unroutedRentOf(asset_id) == 0 and market.totalUnrouted() == 0
    with ape.reverts(market.LeaseMarketNothingToRoute, assetId=asset_id):
        market.routeRent(asset_id, sender=stranger)


def test_route_rent__with_nothing_released__reverts(market, asset_id, stranger, escrow_state):
    before = escrow_state()
    with ape.reverts(market.LeaseMarketNothingToRoute, assetId=asset_id):
        market.routeRent(asset_id, sender=stranger)
    assert escrow_state() == before
