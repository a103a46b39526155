"""A stablecoin issuer that blacklists an account or pauses the token, at every payout point that exists: lease
refund, operator fee, protocol fee, holder claim, lender withdrawal, and the push of rent into a share token. The
frozen payout reverts with its balance kept; every other party is paid and every other flow goes on; once the issuer
lifts the freeze, the kept balance is paid in full."""

import ape
import pytest
from conftest import USD
from lease_helpers import offer


@pytest.fixture
def blacklist(token, gov):
    def blacklist(account, value: bool = True) -> None:
        token.setBlacklisted(account, value, sender=gov)

    return blacklist


@pytest.fixture(scope="module")
def refunds(leasable, book, market, operator, renter, renter2, clock):
    """A full refund credit for each renter (a future lease each, cancelled by the operator)."""
    credits = {}
    for account in (renter, renter2):
        asset_id = leasable()
        lease_id = book(asset_id, account, start=clock.start_of(clock.fresh_epoch() + 2))
        market.cancelLease(lease_id, sender=operator)
        credits[account.address] = market.refundableOf(account)
    return credits


@pytest.fixture(scope="module")
def routed(fractionalized, book, market, router, token, operator, investors, renter, clock):
    """A fractionalized asset, half of it with investor 0, which earned rent (a lease terminated early, its fee
    routed) and inference revenue: operator fees, protocol fees and holder revenue are all owed."""
    shares = fractionalized()
    asset_id = shares.assetId()
    shares.transfer(investors[0], shares.totalSupply() // 2, sender=operator)
    market.setOffer(asset_id, offer(), sender=operator)
    lease_id = book(asset_id, renter, start=clock.start_of(clock.fresh_epoch() + 1))
    market.terminateLease(lease_id, sender=renter)
    market.routeRent(asset_id, sender=renter)
    token.mint(operator, 1_000 * USD, sender=operator)
    token.approve(router, 1_000 * USD, sender=operator)
    router.deposit(asset_id, 1_000 * USD, 1, sender=operator)
    return shares, asset_id


def test_lease_refund__blacklisted_renter_keeps_credit_others_paid(refunds, blacklist, market, token, renter, renter2):
    blacklist(renter)
    with ape.reverts(token.MockStablecoinBlacklisted, account=renter.address):
        market.withdraw(sender=renter)
    assert market.refundableOf(renter) == refunds[renter.address]
    before = token.balanceOf(renter2)
    market.withdraw(sender=renter2)
    assert token.balanceOf(renter2) - before == refunds[renter2.address]
    blacklist(renter, False)
    market.withdraw(sender=renter)
    assert market.refundableOf(renter) == 0


def test_lease_refund__blacklisted_renter_does_not_block_cancellation_or_settlement(
    leasable, book, blacklist, market, operator, renter, clock
):
    asset_id = leasable()
    lease_id = book(asset_id, renter, start=clock.start_of(clock.fresh_epoch() + 1))
    blacklist(renter)
    market.cancelLease(lease_id, sender=operator)  # credited, not pushed
    assert market.refundableOf(renter) >= market.offerOf(asset_id).pricePerHour * 24


def test_operator_fee__blacklisted_operator_keeps_fees_holders_and_treasury_paid(
    routed, blacklist, router, token, operator, investors, gov, market, leasable, book, renter, clock
):
    shares, asset_id = routed
    fees = router.operatorFeesOwed(asset_id)
    assert fees > 0
    blacklist(operator)
    with ape.reverts(token.MockStablecoinBlacklisted, account=operator.address):
        router.withdrawOperatorFees(asset_id, sender=operator)
    # Holders claim, the treasury withdraws, and more rent is routed for the same asset.
    owed = shares.claimableOf(investors[0])
    before = token.balanceOf(investors[0])
    shares.claim(sender=investors[0])
    assert token.balanceOf(investors[0]) - before == owed > 0
    router.withdrawProtocolFees(sender=gov)
    lease_id = book(asset_id, renter, start=clock.start_of(clock.fresh_epoch() + 1))
    market.terminateLease(lease_id, sender=renter)
    market.routeRent(asset_id, sender=renter)
    assert router.operatorFeesOwed(asset_id) > fees
    fees = router.operatorFeesOwed(asset_id)
    blacklist(operator, False)
    before = token.balanceOf(operator)
    router.withdrawOperatorFees(asset_id, sender=operator)
    assert token.balanceOf(operator) - before == fees


def test_protocol_fee__blacklisted_treasury__fees_kept_governance_redirects(
    routed, blacklist, router, token, gov, stranger
):
    owed = router.protocolFeesOwed()
    assert owed > 0
    blacklist(gov)
    with ape.reverts(token.MockStablecoinBlacklisted, account=gov.address):
        router.withdrawProtocolFees(sender=stranger)
    assert router.protocolFeesOwed() == owed
    router.setTreasury(stranger, sender=gov)  # GOVERNOR
    before = token.balanceOf(stranger)
    router.withdrawProtocolFees(sender=stranger)
    assert token.balanceOf(stranger) - before == owed


def test_holder_claim__blacklisted_holder_keeps_revenue_others_claim(routed, blacklist, token, investors, operator):
    shares, _ = routed
    holder, other = investors[0], operator
    owed = shares.claimableOf(holder)
    blacklist(holder)
    with ape.reverts(token.MockStablecoinBlacklisted, account=holder.address):
        shares.claim(sender=holder)
    with ape.reverts(token.MockStablecoinBlacklisted, account=holder.address):
        shares.claimFor(holder, sender=other)
    shares.claim(sender=other)
    assert shares.claimableOf(other) == 0
    assert shares.claimableOf(holder) == owed
    blacklist(holder, False)
    before = token.balanceOf(holder)
    shares.claim(sender=holder)
    assert token.balanceOf(holder) - before == owed


def test_share_token_blacklisted__only_its_routing_waits(
    routed, blacklist, leasable, book, market, router, token, renter, clock
):
    shares, asset_id = routed
    lease_id = book(asset_id, renter, start=clock.start_of(clock.fresh_epoch() + 1))
    market.terminateLease(lease_id, sender=renter)
    unrouted = market.unroutedRentOf(asset_id)
    blacklist(shares)
    with ape.reverts(token.MockStablecoinBlacklisted, account=shares.address):
        market.routeRent(asset_id, sender=renter)
    assert market.unroutedRentOf(asset_id) == unrouted
    other = leasable()
    market.terminateLease(book(other, renter, start=clock.start_of(clock.fresh_epoch() + 1)), sender=renter)
    market.routeRent(other, sender=renter)  # another asset's routing goes on
    assert market.unroutedRentOf(other) == 0
    blacklist(shares, False)
    market.routeRent(asset_id, sender=renter)
    assert market.unroutedRentOf(asset_id) == 0


def test_lender_withdrawal__blacklisted_lender_keeps_shares_others_withdraw(vault, token, lenders, blacklist, mint):
    a, b = lenders
    for lender in lenders:
        mint(lender, 1_000 * USD, vault)
        vault.deposit(1_000 * USD, lender, sender=lender)
    shares_a = vault.balanceOf(a)
    blacklist(a)
    with ape.reverts(token.MockStablecoinBlacklisted, account=a.address):
        vault.withdraw(1_000 * USD, a, a, sender=a)
    assert vault.balanceOf(a) == shares_a
    vault.redeem(vault.balanceOf(b), b, b, sender=b)
    assert token.balanceOf(b) == 1_000 * USD
    blacklist(a, False)
    vault.redeem(shares_a, a, a, sender=a)
    assert token.balanceOf(a) == 1_000 * USD


def test_paused_stablecoin__every_payout_waits_nothing_lost(
    refunds, routed, vault, token, gov, market, router, renter, investors, operator, lenders, mint
):
    shares, asset_id = routed
    lender = lenders[0]
    mint(lender, 500 * USD, vault)
    vault.deposit(500 * USD, lender, sender=lender)
    owed = {
        "refund": market.refundableOf(renter),
        "operator": router.operatorFeesOwed(asset_id),
        "protocol": router.protocolFeesOwed(),
        "claim": shares.claimableOf(investors[0]),
        "lender": vault.maxWithdraw(lender),
    }
    payouts = {
        "refund": lambda: market.withdraw(sender=renter),
        "operator": lambda: router.withdrawOperatorFees(asset_id, sender=operator),
        "protocol": lambda: router.withdrawProtocolFees(sender=gov),
        "claim": lambda: shares.claim(sender=investors[0]),
        "lender": lambda: vault.withdraw(owed["lender"], lender, lender, sender=lender),
    }
    token.setPaused(True, sender=gov)
    for pay in payouts.values():
        with ape.reverts(token.MockStablecoinPaused):
            pay()
    assert owed == {
        "refund": market.refundableOf(renter),
        "operator": router.operatorFeesOwed(asset_id),
        "protocol": router.protocolFeesOwed(),
        "claim": shares.claimableOf(investors[0]),
        "lender": vault.maxWithdraw(lender),
    }
    token.setPaused(False, sender=gov)
    for name, pay in payouts.items():
        receipt = pay()
        assert receipt.return_value == owed[name] or name in ("claim", "lender")
    assert market.refundableOf(renter) == router.operatorFeesOwed(asset_id) == router.protocolFeesOwed() == 0
    assert shares.claimableOf(investors[0]) == 0 and vault.maxWithdraw(lender) == 0
