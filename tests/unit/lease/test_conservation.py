"""Conservation across whole leases (invariants 1 and 2 of the spec): every unit a renter prepays ends up, to the
unit, either back with the renter (refunds and SLA credits, withdrawn) or deposited into the RevenueRouter as rent;
the market's balance always equals what it still owes. The expected figures come from a Python model of the rules.
"""

from lease_helpers import DEFAULT_TIERS, DISPUTE_WINDOW, SLA_UPTIME_BPS, offer

PRICE_PER_HOUR = 16_333_337  # does not split evenly: exercises the rounding


def credit_bps(shortfall_bps: int) -> int:
    return next(credit for max_shortfall, credit in DEFAULT_TIERS if shortfall_bps <= max_shortfall)


def settle_model(unsettled: int, from_epoch: int, to_epoch: int, end_epoch: int, uptimes: dict[int, int]):
    """(earned, credit) of the period `[from_epoch, to_epoch)`: missing epochs count as 0 uptime."""
    epochs = to_epoch - from_epoch
    earned = unsettled if to_epoch == end_epoch else unsettled * epochs // (end_epoch - from_epoch)
    uptime_sum = sum(uptimes.get(epoch, 0) for epoch in range(from_epoch, to_epoch))
    target_sum = SLA_UPTIME_BPS * epochs
    shortfall = 0 if uptime_sum >= target_sum else (target_sum - uptime_sum) // epochs
    return earned, earned * credit_bps(shortfall) // 10_000


def test_conservation__full_lease_with_partial_outage(
    market, router, stablecoin, asset_id, operator, renter, stranger, clock, book, attest, check_solvency
):
    market.setOffer(asset_id, offer(price_per_hour=PRICE_PER_HOUR), sender=operator)
    paid = 72 * PRICE_PER_HOUR
    lease_id = book(hours=72)
    assert stablecoin.balanceOf(renter) == 0
    check_solvency()
    start = market.leaseOf(lease_id).startEpoch
    end = start + 72

    uptimes = {epoch: 10_000 for epoch in range(start, start + 24)}  # day 1: all up
    uptimes |= {epoch: 10_000 for epoch in range(start + 24, start + 48)}
    uptimes[start + 29] = 0  # day 2: one hour down
    uptimes |= {epoch: 9_850 for epoch in range(start + 48, start + 71)}  # day 3: degraded, last hour never reported

    attest(asset_id, range(start, start + 29))
    attest(asset_id, [start + 29], uptime_bps=0)
    attest(asset_id, range(start + 30, start + 48))
    attest(asset_id, range(start + 48, start + 71), uptime_bps=9_850)

    unsettled = paid
    credits = released = 0
    for from_epoch in (start, start + 24):
        settled = market.settle(lease_id, sender=stranger).events.filter(market.LeaseSettled)[0]
        earned, credit = settle_model(unsettled, from_epoch, from_epoch + 24, end, uptimes)
        assert (settled.earned, settled.credit) == (earned, credit)
        unsettled -= earned
        credits += credit
        released += earned - credit
        check_solvency()
    market.routeRent(asset_id, sender=stranger)  # route part of it mid-lease
    check_solvency()

    clock.goto(clock.start_of(end) + DISPUTE_WINDOW)  # the last period: after the window, the missing hour is down
    settled = market.settle(lease_id, sender=stranger).events.filter(market.LeaseSettled)[0]
    earned, credit = settle_model(unsettled, start + 48, end, end, uptimes)
    assert (settled.earned, settled.credit) == (earned, credit)
    assert settled.creditBps == 2_500  # day 3: 23 * 9_850 / 24 = 9_439 bps, 460 below target
    credits += credit
    released += earned - credit
    check_solvency()

    market.routeRent(asset_id, sender=stranger)
    market.withdraw(sender=renter)
    check_solvency()

    assert credits > 0 and released > 0
    assert stablecoin.balanceOf(renter) == credits
    assert router.totalDeposited() == released
    assert stablecoin.balanceOf(renter) + router.totalDeposited() == paid  # to the unit
    assert stablecoin.balanceOf(market) == 0
    assert (market.totalEscrowed(), market.totalRefundable(), market.totalUnrouted()) == (0, 0, 0)


def test_conservation__termination_dispute_and_cancellation(
    market,
    router,
    stablecoin,
    asset_id,
    operator,
    arbiter,
    renter,
    renter2,
    stranger,
    clock,
    book,
    attest,
    check_solvency,
):
    market.setOffer(asset_id, offer(price_per_hour=PRICE_PER_HOUR), sender=operator)
    epoch = clock.fresh_epoch()
    lease_id = book(hours=72)
    later = book(hours=5, start=clock.start_of(epoch + 72), sender=renter2)
    check_solvency()
    paid = 77 * PRICE_PER_HOUR

    attest(asset_id, range(epoch, epoch + 24), uptime_bps=9_800)
    market.settle(lease_id, sender=stranger)  # day 1: a 10% credit
    check_solvency()

    clock.goto(clock.start_of(epoch + 29) + 1_000)
    market.terminateLease(lease_id, sender=renter)  # ends at epoch + 30; fee on the unused 42 hours
    market.cancelLease(later, sender=operator)  # operator cancels the other renter's booking: full refund
    check_solvency()

    attest(asset_id, range(epoch + 24, epoch + 30))
    clock.goto(clock.start_of(epoch + 30) + 60)
    market.dispute(lease_id, sender=renter)
    held = market.leaseOf(lease_id).unsettled
    market.resolveDispute(lease_id, held // 3, held - held // 3, sender=arbiter)
    check_solvency()

    market.routeRent(asset_id, sender=stranger)
    market.withdraw(sender=renter)
    market.withdraw(sender=renter2)
    check_solvency()

    returned = stablecoin.balanceOf(renter) + stablecoin.balanceOf(renter2)
    assert stablecoin.balanceOf(renter2) == 5 * PRICE_PER_HOUR
    assert returned + router.totalDeposited() == paid  # to the unit
    assert stablecoin.balanceOf(market) == 0
    assert (market.totalEscrowed(), market.totalRefundable(), market.totalUnrouted()) == (0, 0, 0)
    assert not market.isBound(asset_id)
