"""Same-block capture of revenue: revenue belongs to the holders at the instant it is distributed (points per share,
with a correction that moves with transferred shares). A purchase after a distribution never takes any of it; a
purchase before a distribution takes its pro-rata part of that distribution."""

import pytest
from conftest import USD
from lease_helpers import offer

HOLDERS_BPS = 10_000 - 500 - 1_500  # the router's default fees: 5% protocol, 15% operator


def holders_part(amount: int) -> int:
    return amount - amount * 500 // 10_000 - amount * 1_500 // 10_000


@pytest.fixture(scope="module")
def bought(fractionalized, verify, buyer):
    shares = fractionalized()
    verify(buyer)
    return shares, shares.assetId()


def deposit(router, token, operator, asset_id, amount):
    token.mint(operator, amount, sender=operator)
    token.approve(router, amount, sender=operator)
    router.deposit(asset_id, amount, 1, sender=operator)


def test_capture__purchase_right_after_a_route_takes_none_of_it(bought, router, token, operator, buyer):
    shares, asset_id = bought
    deposit(router, token, operator, asset_id, 1_000 * USD)
    shares.transfer(buyer, shares.totalSupply() // 2, sender=operator)  # the next block: bought, then sold back
    assert shares.claimableOf(buyer) == 0
    assert shares.claimableOf(operator) == holders_part(1_000 * USD)
    shares.transfer(operator, shares.balanceOf(buyer), sender=buyer)
    assert shares.claimableOf(buyer) == 0
    assert shares.claimableOf(operator) == holders_part(1_000 * USD)
    # Revenue after the purchase is split by the balances at its instant.
    shares.transfer(buyer, shares.totalSupply() // 4, sender=operator)
    deposit(router, token, operator, asset_id, 1_000 * USD)
    assert shares.claimableOf(buyer) == holders_part(1_000 * USD) // 4


@pytest.fixture(scope="module")
def unrouted_rent(bought, market, operator, book, renter, clock):
    """Rent released (an early-termination fee) and not yet routed, for the bought asset."""
    shares, asset_id = bought
    market.setOffer(asset_id, offer(), sender=operator)
    lease_id = book(asset_id, renter, start=clock.start_of(clock.fresh_epoch() + 1))
    market.terminateLease(lease_id, sender=renter)
    return shares, asset_id, market.unroutedRentOf(asset_id)


def test_capture__released_rent_goes_to_the_holders_at_the_route_instant(unrouted_rent, market, operator, buyer):
    """The record date is the routing instant (SECURITY.md, "Revenue record date"): routeRent (anyone, any time)
    distributes released rent to the holders of that instant, so a buyer who buys before it takes its pro-rata part,
    as a buyer before an ex-dividend date does. A seller routes first (or prices it in); nothing is created or lost."""
    shares, asset_id, rent = unrouted_rent
    shares.transfer(buyer, shares.totalSupply() // 2, sender=operator)
    market.routeRent(asset_id, sender=buyer)
    assert shares.claimableOf(buyer) == holders_part(rent) // 2
    assert shares.claimableOf(operator) == holders_part(rent) - holders_part(rent) // 2
