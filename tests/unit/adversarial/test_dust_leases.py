"""Dust leases that try to grief an asset's calendar (append-only: a booking far ahead closes the gap before it).
The operator's `minHours`, the booking horizon and the price bound the attack; the operator's cancellation undoes
it at no loss to anyone (the attacker gets a full refund, a legitimate renter books at once)."""

import ape
from conftest import USD

HOUR = 3_600
DAY = 86_400


def far_ahead(clock, days: int = 89) -> int:
    return clock.start_of(clock.fresh_epoch() + days * DAY // clock.epoch_seconds)


def test_dust_lease_far_ahead__blocks_until_the_operator_cancels__nothing_lost(
    leasable, book, market, token, operator, renter, renter2, clock
):
    asset_id = leasable()
    attacker = renter2
    dust = book(asset_id, attacker, hours=1, start=far_ahead(clock))
    price = market.offerOf(asset_id).pricePerHour
    assert price == 16 * USD
    with ape.reverts(market.LeaseMarketOverlap):
        book(asset_id, renter, hours=24)
    market.cancelLease(dust, sender=operator)
    book(asset_id, renter, hours=24)  # the calendar rolled back: bookable now
    assert market.refundableOf(attacker) == price
    before = token.balanceOf(attacker)
    market.withdraw(sender=attacker)
    assert token.balanceOf(attacker) - before == price


def test_dust_lease__self_cancelled_before_start__frees_the_calendar_and_costs_the_fee(
    leasable, book, market, renter, renter2, clock
):
    asset_id = leasable()
    attacker = renter2
    price = market.offerOf(asset_id).pricePerHour
    dust = book(asset_id, attacker, hours=1, start=far_ahead(clock))
    unrouted = market.unroutedRentOf(asset_id)
    market.terminateLease(dust, sender=attacker)
    fee = -(-price * 1_000 // 10_000)  # 10% rounded up
    assert market.refundableOf(attacker) == price - fee
    assert market.unroutedRentOf(asset_id) == unrouted + fee
    book(asset_id, renter, hours=24)


def test_dust_lease__below_the_offer_minimum__refused(leasable, market, mint, renter2, clock):
    asset_id = leasable(min_hours=24)
    price = market.offerOf(asset_id).pricePerHour * 24
    mint(renter2, price, market)
    with ape.reverts(market.LeaseMarketHoursOutOfBounds):
        market.rent(asset_id, far_ahead(clock), 1, price, sender=renter2)
    assert market.ledgerOf(asset_id).bookedUntilEpoch <= clock.epoch()


def test_dust_lease__beyond_the_booking_horizon__refused(leasable, market, mint, renter2, clock):
    asset_id = leasable()
    price = market.offerOf(asset_id).pricePerHour
    mint(renter2, price, market)
    with ape.reverts(market.LeaseMarketStartTooFar):
        market.rent(asset_id, far_ahead(clock, days=91), 1, price, sender=renter2)


def test_dust_leases__back_to_back_from_now__leave_the_calendar_open_after_them(
    leasable, book, market, renter, renter2, clock
):
    asset_id = leasable()
    start = clock.start_of(clock.fresh_epoch())
    for hour in range(3):
        book(asset_id, renter2, hours=1, start=start + hour * HOUR)
    book(asset_id, renter, hours=24, start=start + 3 * HOUR)
    assert market.ledgerOf(asset_id).bookedUntilEpoch == clock.epoch(start + 27 * HOUR)
