"""LeaseMarket.terminateLease (renter, early termination less the offer's fee) and cancelLease (operator, before the
start, full refund): refunds, fees, the calendar, the ERC-4907 user, and every refused call."""

import ape
import pytest
from lease_helpers import DISPUTE_WINDOW, PRICE_PER_HOUR, LeaseStatus, offer

ZERO = "0x0000000000000000000000000000000000000000"
PRICE_48H = 48 * PRICE_PER_HOUR


# ---------------------------------------------------------------- renter: early termination


def test_terminate__running_lease__refunds_unused_less_fee(
    market, assets, asset_id, renter, clock, book, check_solvency
):
    epoch = clock.fresh_epoch()
    lease_id = book(hours=48)
    clock.goto(clock.start_of(epoch + 5) + 600)  # in the lease's 6th hour: it ends at the next boundary

    tx = market.terminateLease(lease_id, sender=renter)

    unused = PRICE_48H * 42 // 48  # epochs epoch+6 .. epoch+47
    fee = unused // 10  # 10% (exact here)
    terminated = tx.events.filter(market.LeaseTerminated)[0]
    assert (terminated.leaseId, terminated.endEpoch, terminated.refund, terminated.fee) == (
        lease_id,
        epoch + 6,
        unused - fee,
        fee,
    )
    assert tx.events.filter(market.RefundCredited)[0].amount == unused - fee
    assert tx.events.filter(market.RentReleased)[0].amount == fee
    lease = market.leaseOf(lease_id)
    assert (lease.endEpoch, lease.unsettled, lease.status) == (epoch + 6, PRICE_48H - unused, LeaseStatus.BOOKED)
    assert market.refundableOf(renter) == unused - fee
    assert market.unroutedRentOf(asset_id) == fee
    # The renter's use now ends where the lease does; the calendar is free from there.
    assert assets.userExpires(asset_id) == clock.start_of(epoch + 6) - 1
    assert market.ledgerOf(asset_id).bookedUntilEpoch == epoch + 6
    assert market.isBound(asset_id)  # the used hours still have to settle
    check_solvency()


def test_terminate__then_the_rest_settles_and_the_slot_rebooks(
    market, asset_id, renter, renter2, stranger, clock, book, attest_range, check_solvency
):
    epoch = clock.fresh_epoch()
    lease_id = book(hours=48)
    clock.goto(clock.start_of(epoch + 2))
    market.terminateLease(lease_id, sender=renter)
    book(hours=1, start=clock.start_of(epoch + 3), sender=renter2)  # the freed hours can be rented again
    attest_range(asset_id, epoch, epoch + 4)
    clock.goto(clock.start_of(epoch + 3) + DISPUTE_WINDOW)
    settled = market.settle(lease_id, sender=stranger).events.filter(market.LeaseSettled)[0]
    assert (settled.fromEpoch, settled.toEpoch, settled.earned) == (epoch, epoch + 3, PRICE_48H * 3 // 48)
    assert market.leaseOf(lease_id).status == LeaseStatus.FINALIZED
    check_solvency()


def test_terminate__before_start__cancels_less_fee(market, assets, asset_id, renter, clock, book, check_solvency):
    start_epoch = clock.fresh_epoch() + 10
    lease_id = book(hours=48, start=clock.start_of(start_epoch))

    tx = market.terminateLease(lease_id, sender=renter)

    fee = PRICE_48H // 10
    terminated = tx.events.filter(market.LeaseTerminated)[0]
    assert (terminated.endEpoch, terminated.refund, terminated.fee) == (start_epoch, PRICE_48H - fee, fee)
    lease = market.leaseOf(lease_id)
    assert (lease.status, lease.unsettled, lease.endEpoch) == (LeaseStatus.CANCELLED, 0, start_epoch)
    assert market.refundableOf(renter) == PRICE_48H - fee
    assert market.ledgerOf(asset_id).bookedUntilEpoch == lease.bookedUntilBefore  # as before the booking
    assert not market.isBound(asset_id)
    assert assets.userOf(asset_id) == ZERO
    check_solvency()


def test_terminate__fee_is_rounded_up(market, asset_id, operator, renter, clock, book):
    market.setOffer(asset_id, offer(price_per_hour=1_000_001, termination_fee_bps=333), sender=operator)
    start_epoch = clock.fresh_epoch() + 1
    lease_id = book(hours=3, start=clock.start_of(start_epoch))
    terminated = market.terminateLease(lease_id, sender=renter).events.filter(market.LeaseTerminated)[0]
    # 3_000_003 * 333 / 10_000 = 99_900.0999: the protocol's side gets the unit of dust
    assert (terminated.fee, terminated.refund) == (99_901, 3_000_003 - 99_901)


def test_terminate__not_the_latest_booking__keeps_the_calendar(market, asset_id, renter, renter2, clock, book):
    epoch = clock.fresh_epoch()
    first = book(hours=10)
    book(hours=10, start=clock.start_of(epoch + 10), sender=renter2)
    market.terminateLease(first, sender=renter)
    assert market.ledgerOf(asset_id).bookedUntilEpoch == epoch + 20


def test_terminate__on_a_suspended_asset__clears_the_user(market, assets, asset_id, operator, renter, clock, book):
    book(hours=48)
    assets.suspend(asset_id, sender=operator)  # the registry refuses a new user on it: the market clears instead
    market.terminateLease(1, sender=renter)
    assert assets.userOf(asset_id) == ZERO and assets.userExpires(asset_id) == 0


def test_terminate__in_the_last_second_of_an_epoch__clears_the_user(
    chain, market, assets, asset_id, renter, clock, book
):
    epoch = clock.fresh_epoch()
    book(hours=48)
    clock.goto(clock.start_of(epoch + 1) - 1)  # the new end's expiry would be now: nothing left to shorten to
    market.terminateLease(1, sender=renter)
    assert assets.userExpires(asset_id) == 0


def test_terminate__by_someone_else__reverts(market, stranger, operator, book, escrow_state, renter):
    lease_id = book(hours=48)
    before = (escrow_state(renter), market.leaseOf(lease_id))
    for caller in (stranger, operator):
        with ape.reverts(market.LeaseMarketNotRenter, caller=caller, leaseId=lease_id):
            market.terminateLease(lease_id, sender=caller)
    assert (escrow_state(renter), market.leaseOf(lease_id)) == before


def test_terminate__in_the_last_epoch__reverts(market, renter, clock, book, escrow_state):
    epoch = clock.fresh_epoch()
    lease_id = book(hours=2)
    clock.goto(clock.start_of(epoch + 1))
    before = (escrow_state(renter), market.leaseOf(lease_id))
    with ape.reverts(market.LeaseMarketLeaseEnded, leaseId=lease_id, endsAt=clock.start_of(epoch + 2)):
        market.terminateLease(lease_id, sender=renter)
    assert (escrow_state(renter), market.leaseOf(lease_id)) == before


def test_terminate__after_the_end__reverts(market, renter, clock, book):
    epoch = clock.fresh_epoch()
    lease_id = book(hours=2)
    clock.goto(clock.start_of(epoch + 5))
    with ape.reverts(market.LeaseMarketLeaseEnded, leaseId=lease_id):
        market.terminateLease(lease_id, sender=renter)


def test_terminate__a_cancelled_lease__reverts(market, operator, renter, clock, book):
    lease_id = book(hours=2, start=clock.start_of(clock.fresh_epoch() + 3))
    market.cancelLease(lease_id, sender=operator)
    with ape.reverts(market.LeaseMarketInvalidLeaseStatus, leaseId=lease_id, status=LeaseStatus.CANCELLED):
        market.terminateLease(lease_id, sender=renter)


def test_terminate__unknown_lease__reverts(market, renter):
    with ape.reverts(market.LeaseMarketUnknownLease, leaseId=3):
        market.terminateLease(3, sender=renter)


def test_terminate__and_withdraw__while_paused__work(market, stablecoin, pauser, renter, book):
    lease_id = book(hours=48)
    market.pause(sender=pauser)
    market.terminateLease(lease_id, sender=renter)
    refund = market.refundableOf(renter)
    assert refund > 0
    market.withdraw(sender=renter)
    assert stablecoin.balanceOf(renter) == refund


# ---------------------------------------------------------------- operator: cancellation before start


def test_cancel__before_start__refunds_everything(market, assets, asset_id, operator, renter, clock, book):
    start_epoch = clock.fresh_epoch() + 4
    lease_id = book(hours=48, start=clock.start_of(start_epoch))
    clock.goto(clock.start_of(start_epoch) - 1)  # the last second before it starts

    tx = market.cancelLease(lease_id, sender=operator)

    cancelled = tx.events.filter(market.LeaseCancelled)[0]
    assert (cancelled.leaseId, cancelled.refund) == (lease_id, PRICE_48H)
    credited = tx.events.filter(market.RefundCredited)[0]
    assert (credited.account, credited.amount) == (renter, PRICE_48H)
    lease = market.leaseOf(lease_id)
    assert (lease.status, lease.unsettled) == (LeaseStatus.CANCELLED, 0)
    assert market.refundableOf(renter) == PRICE_48H
    assert market.totalEscrowed() == 0
    assert market.ledgerOf(asset_id).bookedUntilEpoch == lease.bookedUntilBefore  # as before the booking
    assert not market.isBound(asset_id) and not assets.isBound(asset_id)


def test_cancel__after_start__reverts(market, operator, renter, clock, book, escrow_state):
    epoch = clock.fresh_epoch()
    lease_id = book(hours=48)
    before = (escrow_state(renter), market.leaseOf(lease_id))
    with ape.reverts(market.LeaseMarketLeaseStarted, leaseId=lease_id, startedAt=clock.start_of(epoch)):
        market.cancelLease(lease_id, sender=operator)
    assert (escrow_state(renter), market.leaseOf(lease_id)) == before


@pytest.mark.parametrize("caller_name", ["stranger", "renter", "gov"])
def test_cancel__by_other_than_the_operator__reverts(market, asset_id, clock, book, escrow_state, request, caller_name):
    caller = request.getfixturevalue(caller_name)
    lease_id = book(hours=48, start=clock.start_of(clock.fresh_epoch() + 4))
    before = (escrow_state(), market.leaseOf(lease_id))
    with ape.reverts(market.LeaseMarketNotOperator, caller=caller, assetId=asset_id):
        market.cancelLease(lease_id, sender=caller)
    assert (escrow_state(), market.leaseOf(lease_id)) == before


def test_cancel__twice__reverts(market, operator, clock, book):
    lease_id = book(hours=48, start=clock.start_of(clock.fresh_epoch() + 4))
    market.cancelLease(lease_id, sender=operator)
    with ape.reverts(market.LeaseMarketInvalidLeaseStatus, leaseId=lease_id, status=LeaseStatus.CANCELLED):
        market.cancelLease(lease_id, sender=operator)


def test_cancel__dust_bookings_far_ahead__free_the_calendar(
    market, asset_id, operator, stranger, renter, clock, book, fund
):
    """Calendar griefing: one-hour bookings far ahead leave the hours before them unbookable (the calendar is
    append-only); the operator cancels them latest-first, the calendar rolls back, and the griefer gets its money
    back, nothing more."""
    epoch = clock.fresh_epoch()
    first_dust = book(hours=1, start=clock.start_of(epoch + 30 * 24), sender=stranger)
    last_dust = book(hours=1, start=clock.start_of(epoch + 89 * 24), sender=stranger)
    fund(renter, 24 * PRICE_PER_HOUR)
    with ape.reverts(market.LeaseMarketOverlap):
        market.rent(asset_id, clock.start_of(epoch + 1), 24, 24 * PRICE_PER_HOUR, sender=renter)

    market.cancelLease(last_dust, sender=operator)
    assert market.ledgerOf(asset_id).bookedUntilEpoch == epoch + 30 * 24 + 1
    market.cancelLease(first_dust, sender=operator)
    assert market.ledgerOf(asset_id).bookedUntilEpoch <= epoch

    market.rent(asset_id, clock.start_of(epoch + 1), 24, 24 * PRICE_PER_HOUR, sender=renter)
    assert market.refundableOf(stranger) == 2 * PRICE_PER_HOUR
