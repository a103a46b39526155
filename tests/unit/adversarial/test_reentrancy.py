"""Re-entry through a hook-bearing token (ReentrantToken) and through a contract account (ReentrantReceiver) into
every function that moves tokens: each re-entry is refused, the outer operation completes once, nothing is lost.
"""

import pytest
from conftest import REENTRANT_CALL, USD, calldata

from cap.roles import Role


def assert_refused(attacker_or_token, reason: bytes = REENTRANT_CALL) -> None:
    """The armed call ran and failed with `reason` (the reentrancy guard unless told)."""
    assert attacker_or_token.attempted()
    assert not attacker_or_token.succeeded()
    assert bytes(attacker_or_token.returnData())[:4] == reason[:4]


# ---------------------------------------------------------------- AssetShares


@pytest.fixture(scope="module")
def held_by_attacker(fractionalized, attacker_contract, operator, distribute):
    """A share token with 10% held by an attacker contract and 1,000 USD of revenue distributed."""
    shares = fractionalized()
    attacker = attacker_contract()
    shares.transfer(attacker, shares.totalSupply() // 10, sender=operator)
    distribute(shares, 1_000 * USD)
    return shares, attacker


@pytest.mark.parametrize("reentry", ["claim", "notifyRevenue", "distribute"])
def test_claim__payout_hook_reenters__refused_paid_once(held_by_attacker, token, act, gov, reentry):
    shares, attacker = held_by_attacker
    owed = shares.claimableOf(attacker)
    accounted = shares.accountedRevenue()
    args = (1,) if reentry == "distribute" else ()
    attacker.setAttack(shares, calldata(shares, reentry, *args), sender=gov)
    act(attacker, shares, "claim")
    assert_refused(attacker)
    assert token.balanceOf(attacker) == owed == 100 * USD
    assert shares.claimableOf(attacker) == 0
    assert shares.accountedRevenue() == accounted - owed
    assert token.balanceOf(shares) == shares.accountedRevenue()


def test_claim__token_reenters_claim_for_the_same_holder__refused(held_by_attacker, token, investors, operator, gov):
    shares, _ = held_by_attacker
    owed = shares.claimableOf(operator)
    before = token.balanceOf(operator)
    token.arm(shares, calldata(shares, "claimFor", operator.address), 0, sender=gov)
    shares.claim(sender=operator)
    assert_refused(token)
    assert token.balanceOf(operator) - before == owed
    assert shares.claimableOf(operator) == 0
    assert token.balanceOf(shares) == shares.accountedRevenue()


def test_distribute__token_reenters_notify_during_the_pull__refused_counted_once(fractionalized, token, gov, operator):
    shares = fractionalized()
    amount = 500 * USD
    token.mint(operator, amount, sender=gov)
    token.approve(shares, amount, sender=operator)
    token.arm(shares, calldata(shares, "notifyRevenue"), 0, sender=gov)
    shares.distribute(amount, sender=operator)
    assert_refused(token)
    assert shares.accountedRevenue() == amount
    assert shares.claimableOf(operator) == amount  # the operator holds the whole supply


@pytest.mark.parametrize("reentry", ["claim", "redeem"])
def test_redeem__nft_callback_reenters__refused_revenue_kept(
    fractionalized, attacker_contract, distribute, act, token, assets, gov, reentry
):
    attacker = attacker_contract()
    shares = fractionalized(recipient=attacker)
    distribute(shares, 300 * USD)
    asset_id = shares.assetId()
    attacker.setAttack(shares, calldata(shares, reentry), sender=gov)
    act(attacker, shares, "redeem")
    assert_refused(attacker)
    assert assets.ownerOf(asset_id) == attacker.address
    assert shares.totalSupply() == 0 and shares.redeemed()
    # The revenue earned before redemption is still the attacker's, once.
    assert shares.claimableOf(attacker) == 300 * USD
    act(attacker, shares, "claim")
    assert token.balanceOf(attacker) == 300 * USD
    assert token.balanceOf(shares) == shares.accountedRevenue() == 0


# ---------------------------------------------------------------- LeaseMarket


def test_rent__payer_hook_reenters_rent__refused_one_lease_booked(
    leasable, attacker_contract, act, market, token, clock, gov
):
    asset_id = leasable()
    attacker = attacker_contract()
    price = market.offerOf(asset_id).pricePerHour * 24
    token.mint(attacker, 2 * price, sender=gov)
    act(attacker, token, "approve", market.address, 2 * price)
    start = clock.start_of(clock.fresh_epoch() + 1)
    escrowed, leases = market.totalEscrowed(), market.leaseCount()
    attacker.setAttack(market, calldata(market, "rent", asset_id, start + 24 * 3600, 24, price), sender=gov)
    act(attacker, market, "rent", asset_id, start, 24, price)
    assert_refused(attacker)
    assert market.leaseCount() == leases + 1
    assert market.totalEscrowed() == escrowed + price
    assert token.balanceOf(attacker) == price


def test_withdraw__refund_hook_reenters__refused_paid_once(
    leasable, attacker_contract, act, market, token, clock, gov, operator
):
    asset_id = leasable()
    attacker = attacker_contract()
    price = market.offerOf(asset_id).pricePerHour * 24
    token.mint(attacker, price, sender=gov)
    act(attacker, token, "approve", market.address, price)
    act(attacker, market, "rent", asset_id, clock.start_of(clock.fresh_epoch() + 2), 24, price)
    lease_id = market.leaseCount()
    market.cancelLease(lease_id, sender=operator)
    assert market.refundableOf(attacker) == price
    refundable = market.totalRefundable()
    attacker.setAttack(market, calldata(market, "withdraw"), sender=gov)
    act(attacker, market, "withdraw")
    assert_refused(attacker)
    assert token.balanceOf(attacker) == price
    assert market.refundableOf(attacker) == 0
    assert market.totalRefundable() == refundable - price


@pytest.mark.parametrize("reentry", ["routeRent", "settle", "withdraw"])
def test_route_rent__token_reenters_the_market__refused_routed_once(
    leasable, book, renter, market, router, token, clock, gov, reentry
):
    asset_id = leasable()
    lease_id = book(asset_id, renter, start=clock.start_of(clock.fresh_epoch() + 1))
    market.terminateLease(lease_id, sender=renter)  # the termination fee is released as rent at once
    amount = market.unroutedRentOf(asset_id)
    assert amount > 0
    args = {"routeRent": (asset_id,), "settle": (lease_id,), "withdraw": ()}[reentry]
    router_balance = token.balanceOf(router)
    token.arm(market, calldata(market, reentry, *args), 0, sender=gov)
    market.routeRent(asset_id, sender=renter)
    assert_refused(token)
    assert market.unroutedRentOf(asset_id) == 0
    # No shares: the whole deposit stays in the router as fees and the owner's credit.
    assert token.balanceOf(router) == router_balance + amount
    assert token.balanceOf(market) >= market.totalEscrowed() + market.totalRefundable() + market.totalUnrouted()


# ---------------------------------------------------------------- RevenueRouter


@pytest.fixture
def attacker_operator(attacker_contract, act, system, gov, spec):
    """An attacker contract that is an operator: it registers an asset, so it is paid operator fees and, without
    shares, the holders' part (it owns the NFT)."""
    from eth_utils import keccak

    attacker = attacker_contract()
    system.manager.grantRole(Role.OPERATOR, attacker, 0, sender=gov)
    serial = keccak(text=f"attacker-{attacker.address}")
    tx = act(attacker, system.assets, "registerAsset", spec.as_tuple(), serial, keccak(text="docs"))
    return attacker, tx.events.filter(system.assets.AssetRegistered)[0].assetId


@pytest.mark.parametrize("payout", ["withdraw", "withdrawOperatorFees"])
def test_router_payout_hook_reenters__refused_paid_once(attacker_operator, act, router, token, gov, payout):
    attacker, asset_id = attacker_operator
    amount = 1_000 * USD
    token.mint(attacker, amount, sender=gov)
    act(attacker, token, "approve", router.address, amount)
    act(attacker, router, "deposit", asset_id, amount, 1)  # Source.Inference, from the operator
    owed = router.owedTo(attacker) if payout == "withdraw" else router.operatorFeesOwed(asset_id)
    assert owed > 0
    args = () if payout == "withdraw" else (asset_id,)
    attacker.setAttack(router, calldata(router, payout, *args), sender=gov)
    act(attacker, router, payout, *args)
    assert_refused(attacker)
    assert token.balanceOf(attacker) == owed
    assert (router.owedTo(attacker) if payout == "withdraw" else router.operatorFeesOwed(asset_id)) == 0


def test_router_deposit__token_reenters_notify_and_fees__refused_or_reverts_whole(
    fractionalized, router, token, operator, gov
):
    """During the push into the share token a hook calls the router (refused by its guard); a hook calling the share
    token's notifyRevenue first would leave the router's own notify nothing, and the whole deposit reverts."""
    import ape

    shares = fractionalized()
    asset_id = shares.assetId()
    amount = 1_000 * USD
    token.mint(operator, 2 * amount, sender=gov)
    token.approve(router, 2 * amount, sender=operator)
    token.arm(router, calldata(router, "withdrawOperatorFees", asset_id), 1, sender=gov)
    router.deposit(asset_id, amount, 1, sender=operator)
    assert_refused(token)
    assert shares.accountedRevenue() == token.balanceOf(shares) > 0

    accounted, router_balance = shares.accountedRevenue(), token.balanceOf(router)
    token.arm(shares, calldata(shares, "notifyRevenue"), 1, sender=gov)
    with ape.reverts(shares.AssetSharesNothingToDistribute):
        router.deposit(asset_id, amount, 1, sender=operator)
    assert shares.accountedRevenue() == accounted and token.balanceOf(router) == router_balance


# ---------------------------------------------------------------- LendingVault


@pytest.fixture
def lender_contract(attacker_contract, act, vault, token, gov):
    attacker = attacker_contract()
    token.mint(attacker, 2_000 * USD, sender=gov)
    act(attacker, token, "approve", vault.address, 2**256 - 1)
    return attacker


def test_vault_deposit__payer_hook_reenters_deposit__refused(lender_contract, act, vault, token, gov):
    attacker = lender_contract
    assets, cash = vault.totalAssets(), vault.idleCash()
    attacker.setAttack(vault, calldata(vault, "deposit", 1_000 * USD, attacker.address), sender=gov)
    act(attacker, vault, "deposit", 1_000 * USD, attacker.address)
    assert_refused(attacker)
    assert vault.totalAssets() == assets + 1_000 * USD
    assert vault.idleCash() == cash + 1_000 * USD
    assert token.balanceOf(attacker) == 1_000 * USD


@pytest.mark.parametrize("exit_", ["withdraw", "redeem"])
def test_vault_exit__payout_hook_reenters__refused_paid_once(lender_contract, act, vault, token, gov, exit_):
    attacker = lender_contract
    act(attacker, vault, "deposit", 1_000 * USD, attacker.address)
    shares = vault.balanceOf(attacker)
    half = (500 * USD if exit_ == "withdraw" else shares // 2, attacker.address, attacker.address)
    attacker.setAttack(vault, calldata(vault, exit_, *half), sender=gov)
    cash = vault.idleCash()
    act(attacker, vault, exit_, *half)
    assert_refused(attacker)
    paid = token.balanceOf(attacker) - 1_000 * USD
    assert paid <= 500 * USD and paid >= 500 * USD - 1
    assert vault.idleCash() == cash - paid
    assert vault.balanceOf(attacker) >= shares // 2
    assert token.balanceOf(vault) >= vault.idleCash()
