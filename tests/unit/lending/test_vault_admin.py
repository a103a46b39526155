"""Governance, pause and access: who may call what, bounds, and what the pause stops (new risk only)."""

import ape
import pytest
from conftest import DEBT_CEILING, RESERVE_FACTOR_BPS, USD

ZERO = "0x0000000000000000000000000000000000000000"


def test_constructor__state(vault, rate_model, lending_manager):
    assert vault.RATE_MODEL() == rate_model.address
    assert vault.authority() == lending_manager.address
    assert vault.reserveFactorBps() == RESERVE_FACTOR_BPS
    assert vault.MAX_RESERVE_FACTOR_BPS() == 5_000
    assert vault.borrowIndex() == 10**18
    assert not vault.paused()
    assert vault.totalAssets() == vault.totalDebt() == vault.idleCash() == vault.utilization() == 0


def test_constructor__bad_inputs__revert(project, gov, lending_manager, usd, rate_model):
    with ape.reverts(project.LendingVault.LendingVaultReserveFactorTooHigh):
        project.LendingVault.deploy(lending_manager, usd, rate_model, 5_001, "v", "v", sender=gov)
    with ape.reverts(project.LendingVault.LendingVaultZeroAddress):
        project.LendingVault.deploy(lending_manager, usd, ZERO, 0, "v", "v", sender=gov)


# ---------------------------------------------------------------- markets


def test_set_market__registers_and_updates(project, vault, gov):
    new_market = project.MockCollateralMarket.deploy(vault, sender=gov)
    assert vault.marketOf(new_market) == (False, 0, 0)
    tx = vault.setMarket(new_market, True, 5 * USD, sender=gov)
    [event] = tx.events.filter(vault.MarketSet)
    assert (event.market, event.enabled, event.debtCeiling) == (new_market, True, 5 * USD)
    assert vault.marketOf(new_market) == (True, 5 * USD, 0)
    vault.setMarket(new_market, False, 0, sender=gov)
    assert vault.marketOf(new_market) == (False, 0, 0)


def test_set_market__bad_inputs__revert(vault, gov, stranger, market):
    with ape.reverts(vault.LendingVaultZeroAddress):
        vault.setMarket(ZERO, True, DEBT_CEILING, sender=gov)
    with ape.reverts(vault.LendingVaultInvalidMarket, market=stranger):
        vault.setMarket(stranger, True, DEBT_CEILING, sender=gov)  # an EOA
    assert vault.marketOf(stranger) == (False, 0, 0)
    assert vault.marketOf(market) == (True, DEBT_CEILING, 0)


# ---------------------------------------------------------------- access


@pytest.mark.parametrize(
    "call",
    [
        ("setMarket", lambda ctx: (ctx["market"], False, 0)),
        ("setReserveFactor", lambda ctx: (0,)),
        ("withdrawReserves", lambda ctx: (ctx["stranger"], 1)),
        ("pause", lambda ctx: ()),
        ("unpause", lambda ctx: ()),
    ],
    ids=lambda call: call[0],
)
def test_restricted__stranger__reverts(vault, market, stranger, call):
    name, args = call
    ctx = {"market": market, "stranger": stranger}
    before = (vault.marketOf(market), vault.reserveFactorBps(), vault.paused(), vault.totalReserves())
    with ape.reverts(vault.AccessManagedUnauthorized, caller=stranger):
        getattr(vault, name)(*args(ctx), sender=stranger)
    assert (vault.marketOf(market), vault.reserveFactorBps(), vault.paused(), vault.totalReserves()) == before


def test_restricted__roles_are_separate(vault, market, gov, pauser):
    with ape.reverts(vault.AccessManagedUnauthorized, caller=pauser):
        vault.setMarket(market, False, 0, sender=pauser)
    with ape.reverts(vault.AccessManagedUnauthorized, caller=pauser):
        vault.setReserveFactor(0, sender=pauser)
    with ape.reverts(vault.AccessManagedUnauthorized, caller=gov):
        vault.pause(sender=gov)  # governance is not the pauser


# ---------------------------------------------------------------- pause


def test_pause__stops_borrowing_and_deposits(vault, market, pauser, lender, borrower, lent_out):
    lent_out(deposit=1_000 * USD, borrowed=100 * USD)
    tx = vault.pause(sender=pauser)
    assert tx.events.filter(vault.Paused)[0].account == pauser
    assert vault.paused()
    assert vault.maxDeposit(lender) == vault.maxMint(lender) == 0
    with ape.reverts(vault.LendingVaultBorrowingPaused):
        market.borrow(1 * USD, borrower, sender=borrower)
    with ape.reverts(vault.ERC4626ExceededMaxDeposit, receiver=lender, assets=1 * USD, max=0):
        vault.deposit(1 * USD, lender, sender=lender)
    with ape.reverts(vault.ERC4626ExceededMaxMint, receiver=lender, shares=10**12, max=0):
        vault.mint(10**12, lender, sender=lender)


def test_pause__never_stops_withdrawals_repayments_or_write_offs(
    vault, usd, market, gov, pauser, lender, borrower, treasury, lent_out, warp, check_books
):
    lent_out(deposit=1_000 * USD, borrowed=500 * USD)
    warp(30 * 86_400)
    vault.pause(sender=pauser)
    vault.withdraw(100 * USD, lender, lender, sender=lender)
    vault.redeem(10**12, lender, lender, sender=lender)
    market.repay(borrower, 200 * USD, sender=borrower)
    vault.withdrawReserves(treasury, 1, sender=gov)
    market.writeOffAssets(borrower, 10 * USD, sender=borrower)
    vault.accrue(sender=lender)
    vault.transfer(treasury, 10**12, sender=lender)  # shares still move
    market.repayAll(borrower, sender=borrower)
    assert vault.totalDebt() == 0
    vault.redeem(vault.maxRedeem(lender), lender, lender, sender=lender)
    check_books()


def test_unpause__resumes(vault, market, pauser, lender, borrower, lent_out):
    lent_out(borrowed=0)
    vault.pause(sender=pauser)
    tx = vault.unpause(sender=pauser)
    assert tx.events.filter(vault.Unpaused)[0].account == pauser
    market.borrow(1 * USD, borrower, sender=borrower)
    vault.deposit(1 * USD, lender, sender=lender)
    assert vault.maxDeposit(lender) > 0


def test_pause__twice__reverts(vault, pauser):
    with ape.reverts(vault.LendingVaultPauseUnchanged, paused=False):
        vault.unpause(sender=pauser)
    vault.pause(sender=pauser)
    with ape.reverts(vault.LendingVaultPauseUnchanged, paused=True):
        vault.pause(sender=pauser)
    assert vault.paused()
