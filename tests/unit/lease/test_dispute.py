"""Disputes: the renter disputes the lease's remaining escrow during the window after the end; the arbiter (an
AccessManager role) resolves with a split that must add up; undisputed funds finalize after the window."""

import ape
import pytest
from lease_helpers import DISPUTE_WINDOW, PRICE_PER_HOUR, LeaseStatus

DAY_PRICE = 24 * PRICE_PER_HOUR


@pytest.fixture
def ended(market, asset_id, stranger, clock, book, attest_range):
    """A 48-hour lease, fully attested, its first day settled, now just past its end: the last day is held."""
    lease_id = book(hours=48)
    lease = market.leaseOf(lease_id)
    attest_range(asset_id, lease.startEpoch, lease.endEpoch)
    market.settle(lease_id, sender=stranger)
    clock.goto(clock.start_of(lease.endEpoch))
    return lease_id


def test_dispute__in_the_window__holds_the_rest_of_the_escrow(market, asset_id, renter, stranger, ended):
    tx = market.dispute(ended, sender=renter)

    disputed = tx.events.filter(market.LeaseDisputed)[0]
    assert (disputed.leaseId, disputed.amount) == (ended, DAY_PRICE)
    assert market.leaseOf(ended).status == LeaseStatus.DISPUTED
    assert market.isBound(asset_id)
    with ape.reverts(market.LeaseMarketInvalidLeaseStatus, leaseId=ended, status=LeaseStatus.DISPUTED):
        market.settle(ended, sender=stranger)


def test_resolve__splits_between_renter_and_rent(
    market, asset_id, renter, arbiter, stranger, ended, clock, check_solvency
):
    market.dispute(ended, sender=renter)
    renter_part = DAY_PRICE // 3
    clock.goto(clock.chain.pending_timestamp + 10 * DISPUTE_WINDOW)  # the arbiter has no deadline

    tx = market.resolveDispute(ended, renter_part, DAY_PRICE - renter_part, sender=arbiter)

    resolved = tx.events.filter(market.DisputeResolved)[0]
    assert (resolved.leaseId, resolved.renterAmount, resolved.operatorAmount) == (
        ended,
        renter_part,
        DAY_PRICE - renter_part,
    )
    assert tx.events.filter(market.LeaseFinalized)[0].leaseId == ended
    assert tx.events.filter(market.RentReleased)[0].amount == DAY_PRICE - renter_part
    lease = market.leaseOf(ended)
    assert (lease.status, lease.unsettled, lease.settledEpoch) == (LeaseStatus.FINALIZED, 0, lease.endEpoch)
    assert market.refundableOf(renter) == renter_part
    assert market.unroutedRentOf(asset_id) == 2 * DAY_PRICE - renter_part
    assert market.totalEscrowed() == 0
    assert not market.isBound(asset_id)
    check_solvency()


@pytest.mark.parametrize("renter_part", [0, DAY_PRICE])
def test_resolve__all_to_one_side(market, renter, arbiter, ended, renter_part):
    market.dispute(ended, sender=renter)
    market.resolveDispute(ended, renter_part, DAY_PRICE - renter_part, sender=arbiter)
    assert market.refundableOf(renter) == renter_part


def test_dispute__covers_periods_not_yet_settled(market, asset_id, renter, arbiter, clock, book, attest_range):
    lease_id = book(hours=48)
    lease = market.leaseOf(lease_id)
    attest_range(asset_id, lease.startEpoch, lease.endEpoch)  # no keeper settled the first day
    tx = market.dispute(lease_id, sender=renter)
    assert tx.events.filter(market.LeaseDisputed)[0].amount == 2 * DAY_PRICE
    market.resolveDispute(lease_id, DAY_PRICE, DAY_PRICE, sender=arbiter)
    assert market.refundableOf(renter) == DAY_PRICE


def test_dispute__before_the_end__reverts(market, renter, clock, book):
    epoch = clock.fresh_epoch()
    lease_id = book(hours=2)
    with ape.reverts(market.LeaseMarketLeaseNotEnded, leaseId=lease_id, endsAt=clock.start_of(epoch + 2)):
        market.dispute(lease_id, sender=renter)
    assert market.leaseOf(lease_id).status == LeaseStatus.BOOKED


def test_dispute__after_the_window__reverts(market, renter, stranger, clock, ended):
    closes_at = clock.start_of(market.leaseOf(ended).endEpoch) + DISPUTE_WINDOW
    clock.goto(closes_at)
    with ape.reverts(market.LeaseMarketDisputeWindowClosed, leaseId=ended, closedAt=closes_at):
        market.dispute(ended, sender=renter)
    assert market.leaseOf(ended).status == LeaseStatus.BOOKED
    market.settle(ended, sender=stranger)  # undisputed: the held day finalizes
    assert market.leaseOf(ended).status == LeaseStatus.FINALIZED


def test_dispute__twice__reverts(market, renter, ended):
    market.dispute(ended, sender=renter)
    with ape.reverts(market.LeaseMarketAlreadyDisputed, leaseId=ended):
        market.dispute(ended, sender=renter)


def test_dispute__by_someone_else__reverts(market, operator, stranger, ended):
    for caller in (operator, stranger):
        with ape.reverts(market.LeaseMarketNotRenter, caller=caller, leaseId=ended):
            market.dispute(ended, sender=caller)
    assert market.leaseOf(ended).status == LeaseStatus.BOOKED


def test_dispute__a_finalized_lease__reverts(market, renter, stranger, clock, ended):
    clock.goto(clock.start_of(market.leaseOf(ended).endEpoch) + DISPUTE_WINDOW)
    market.settle(ended, sender=stranger)
    with ape.reverts(market.LeaseMarketInvalidLeaseStatus, leaseId=ended, status=LeaseStatus.FINALIZED):
        market.dispute(ended, sender=renter)


def test_dispute__a_cancelled_lease__reverts(market, operator, renter, clock, book):
    lease_id = book(hours=2, start=clock.start_of(clock.fresh_epoch() + 2))
    market.cancelLease(lease_id, sender=operator)
    clock.goto(clock.start_of(market.leaseOf(lease_id).endEpoch))
    with ape.reverts(market.LeaseMarketInvalidLeaseStatus, leaseId=lease_id, status=LeaseStatus.CANCELLED):
        market.dispute(lease_id, sender=renter)


@pytest.mark.parametrize("caller_name", ["stranger", "operator", "renter", "gov"])
def test_resolve__by_a_non_arbiter__reverts(market, renter, ended, escrow_state, request, caller_name):
    caller = request.getfixturevalue(caller_name)
    market.dispute(ended, sender=renter)
    before = (escrow_state(renter), market.leaseOf(ended))
    with ape.reverts(market.AccessManagedUnauthorized, caller=caller):
        market.resolveDispute(ended, 0, DAY_PRICE, sender=caller)
    assert (escrow_state(renter), market.leaseOf(ended)) == before


@pytest.mark.parametrize(
    "renter_part, operator_part",
    [(1, DAY_PRICE), (0, DAY_PRICE - 1), (DAY_PRICE + 1, 0), (DAY_PRICE, 1), (2**256 - 1, 1)],
)
def test_resolve__with_a_split_that_does_not_add_up__reverts(
    market, renter, arbiter, ended, escrow_state, renter_part, operator_part
):
    market.dispute(ended, sender=renter)
    before = (escrow_state(renter), market.leaseOf(ended))
    with ape.reverts(
        market.LeaseMarketInvalidSplit,
        renterAmount=renter_part,
        operatorAmount=operator_part,
        disputedAmount=DAY_PRICE,
    ):
        market.resolveDispute(ended, renter_part, operator_part, sender=arbiter)
    assert (escrow_state(renter), market.leaseOf(ended)) == before


def test_resolve__an_undisputed_lease__reverts(market, arbiter, ended):
    with ape.reverts(market.LeaseMarketNotDisputed, leaseId=ended):
        market.resolveDispute(ended, 0, DAY_PRICE, sender=arbiter)


def test_resolve__twice__reverts(market, renter, arbiter, ended):
    market.dispute(ended, sender=renter)
    market.resolveDispute(ended, 0, DAY_PRICE, sender=arbiter)
    with ape.reverts(market.LeaseMarketNotDisputed, leaseId=ended):
        market.resolveDispute(ended, 0, 0, sender=arbiter)
