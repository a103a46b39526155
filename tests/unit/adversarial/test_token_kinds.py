"""Tokens that misbehave on transfer: one returning false instead of reverting, one taking a fee. Every pull that
did not fully arrive and every payout that did not happen reverts, with the books unchanged."""

import ape
import pytest
from conftest import USD, deploy_vault
from lease_helpers import deploy_market, offer


@pytest.fixture(scope="module")
def false_token(project, gov):
    return project.FalseReturnToken.deploy(sender=gov)


@pytest.fixture(scope="module")
def fee_token(project, gov):
    return project.FeeOnTransferToken.deploy(sender=gov)


@pytest.fixture(scope="module")
def false_vault(system, gov, false_token):
    return deploy_vault(system, gov, false_token)


@pytest.fixture(scope="module")
def false_market(project, system, gov, false_token, operator, register_asset, activate):
    """A LeaseMarket on the false-returning token (rent into a MockRevenueRouter) and an asset offered on it."""
    market = deploy_market(system, gov, project.MockRevenueRouter.deploy(false_token, sender=gov), false_token)
    asset_id = register_asset()
    activate(asset_id)
    market.setOffer(asset_id, offer(), sender=operator)
    return market, asset_id


def test_false_return__vault_deposit_without_funds__reverts_no_shares(false_vault, false_token, stranger):
    false_token.approve(false_vault, 1_000 * USD, sender=stranger)  # balance zero: transferFrom returns false
    with ape.reverts(false_vault.SafeERC20FailedOperation, token=false_token.address):
        false_vault.deposit(1_000 * USD, stranger, sender=stranger)
    assert false_vault.balanceOf(stranger) == 0
    assert false_vault.totalAssets() == false_vault.idleCash() == 0


def test_false_return__vault_payout_refused__reverts_then_pays(false_vault, false_token, lenders):
    lender = lenders[0]
    false_token.mint(lender, 1_000 * USD, sender=lender)
    false_token.approve(false_vault, 1_000 * USD, sender=lender)
    false_vault.deposit(1_000 * USD, lender, sender=lender)
    shares, cash = false_vault.balanceOf(lender), false_vault.idleCash()
    false_token.setRefusing(True, sender=lender)
    for exit_call in (
        lambda: false_vault.withdraw(400 * USD, lender, lender, sender=lender),
        lambda: false_vault.redeem(shares, lender, lender, sender=lender),
    ):
        with ape.reverts(false_vault.SafeERC20FailedOperation):
            exit_call()
    assert (false_vault.balanceOf(lender), false_vault.idleCash()) == (shares, cash)
    false_token.setRefusing(False, sender=lender)
    false_vault.redeem(shares, lender, lender, sender=lender)
    assert false_token.balanceOf(lender) == 1_000 * USD


def test_false_return__rent_without_funds__reverts_nothing_booked(false_market, false_token, renter, clock):
    market, asset_id = false_market
    price = market.offerOf(asset_id).pricePerHour * 24
    false_token.approve(market, price, sender=renter)
    leases = market.leaseCount()
    with ape.reverts(market.SafeERC20FailedOperation):
        market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 24, price, sender=renter)
    assert market.leaseCount() == leases
    assert market.totalEscrowed() == 0


def test_false_return__refund_refused__reverts_credit_kept(false_market, false_token, renter, operator, clock):
    market, asset_id = false_market
    price = market.offerOf(asset_id).pricePerHour * 24
    false_token.mint(renter, price, sender=renter)
    false_token.approve(market, price, sender=renter)
    tx = market.rent(asset_id, clock.start_of(clock.fresh_epoch() + 1), 24, price, sender=renter)
    market.cancelLease(tx.events.filter(market.LeaseBooked)[0].leaseId, sender=operator)
    false_token.setRefusing(True, sender=renter)
    with ape.reverts(market.SafeERC20FailedOperation):
        market.withdraw(sender=renter)
    assert market.refundableOf(renter) == price == false_token.balanceOf(market)
    false_token.setRefusing(False, sender=renter)
    market.withdraw(sender=renter)
    assert false_token.balanceOf(renter) == price


def test_false_return__router_deposit_without_funds__reverts(project, gov, params, false_token, operator, spec):
    from eth_utils import keccak

    from cap.deploy import deploy_system, grant
    from cap.roles import Role

    other = deploy_system(gov, params, stablecoin=false_token)
    grant(other, gov, Role.ONBOARDING, gov)
    grant(other, gov, Role.OPERATOR, operator)
    tx = other.assets.registerAsset(spec.as_tuple(), keccak(text="false-1"), keccak(text="doc"), sender=operator)
    asset_id = tx.events.filter(other.assets.AssetRegistered)[0].assetId
    false_token.approve(other.router, 1_000 * USD, sender=operator)
    with ape.reverts(other.router.SafeERC20FailedOperation):
        other.router.deposit(asset_id, 1_000 * USD, 1, sender=operator)
    assert other.router.protocolFeesOwed() == other.router.operatorFeesOwed(asset_id) == 0
    assert other.router.owedTo(operator) == 0


def test_fee_on_transfer__vault_deposit__reverts_shortfall(system, gov, fee_token, lenders):
    vault = deploy_vault(system, gov, fee_token)
    lender = lenders[0]
    fee_token.mint(lender, 1_000 * USD, sender=lender)
    fee_token.approve(vault, 1_000 * USD, sender=lender)
    with ape.reverts(vault.LendingVaultTransferShortfall, expected=1_000 * USD, received=990 * USD):
        vault.deposit(1_000 * USD, lender, sender=lender)
    assert vault.totalAssets() == vault.totalSupply() == 0


def test_fee_on_transfer__rent__reverts_shortfall(project, system, gov, fee_token, operator, renter, leasable, clock):
    market = deploy_market(system, gov, project.MockRevenueRouter.deploy(fee_token, sender=gov), fee_token)
    asset_id = leasable()
    market.setOffer(asset_id, offer(), sender=operator)
    price = market.offerOf(asset_id).pricePerHour * 24
    fee_token.mint(renter, price, sender=renter)
    fee_token.approve(market, price, sender=renter)
    with ape.reverts(market.LeaseMarketTransferShortfall, expected=price, received=price - price // 100):
        market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 24, price, sender=renter)
    assert market.leaseCount() == 0 and market.totalEscrowed() == 0
