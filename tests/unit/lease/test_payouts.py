"""Pull payments: every refund and credit is withdrawn by its renter; a blacklisted renter blocks nobody else."""

import ape
from lease_helpers import DISPUTE_WINDOW, PRICE_PER_HOUR

DAY_PRICE = 24 * PRICE_PER_HOUR


def test_withdraw__pays_the_refundable_balance(market, stablecoin, operator, renter, clock, book, check_solvency):
    lease_id = book(hours=24, start=clock.start_of(clock.fresh_epoch() + 2))
    market.cancelLease(lease_id, sender=operator)

    tx = market.withdraw(sender=renter)

    withdrawn = tx.events.filter(market.Withdrawn)[0]
    assert (withdrawn.account, withdrawn.amount) == (renter, DAY_PRICE)
    assert stablecoin.balanceOf(renter) == DAY_PRICE
    assert market.refundableOf(renter) == 0 and market.totalRefundable() == 0
    check_solvency()


def test_withdraw__with_nothing_refundable__reverts(market, stranger, escrow_state):
    before = escrow_state(stranger)
    with ape.reverts(market.LeaseMarketNothingToWithdraw, account=stranger):
        market.withdraw(sender=stranger)
    assert escrow_state(stranger) == before


def test_blacklisted_renter__blocks_nobody_else(
    market, stablecoin, gov, asset_id, renter, renter2, stranger, clock, book, attest, check_solvency
):
    """The stablecoin issuer freezes a renter mid-lease: settlement with a credit, termination of another lease,
    routing and the other renter's withdrawal all go on; only the frozen renter's own pull waits."""
    epoch = clock.fresh_epoch()
    frozen_lease = book(hours=24)
    other_lease = book(hours=24, start=clock.start_of(epoch + 24), sender=renter2)
    stablecoin.setBlacklisted(renter, True, sender=gov)

    attest(asset_id, range(epoch, epoch + 24), uptime_bps=9_000)  # an outage: 100% credit
    clock.goto(clock.start_of(epoch + 24) + 60)
    market.terminateLease(other_lease, sender=renter2)
    clock.goto(clock.start_of(epoch + 24) + DISPUTE_WINDOW)
    market.settle(frozen_lease, sender=stranger)
    assert market.refundableOf(renter) == DAY_PRICE

    with ape.reverts(stablecoin.MockStablecoinBlacklisted, account=renter):
        market.withdraw(sender=renter)
    assert market.refundableOf(renter) == DAY_PRICE  # kept for later

    market.withdraw(sender=renter2)
    assert stablecoin.balanceOf(renter2) > 0
    check_solvency()

    stablecoin.setBlacklisted(renter, False, sender=gov)
    market.withdraw(sender=renter)
    assert stablecoin.balanceOf(renter) == DAY_PRICE
    check_solvency()


def test_withdraw__pays_only_the_caller(market, stablecoin, operator, renter, stranger, clock, book):
    lease_id = book(hours=24, start=clock.start_of(clock.fresh_epoch() + 2))
    market.cancelLease(lease_id, sender=operator)
    with ape.reverts(market.LeaseMarketNothingToWithdraw, account=stranger):
        market.withdraw(sender=stranger)
    assert market.refundableOf(renter) == DAY_PRICE
