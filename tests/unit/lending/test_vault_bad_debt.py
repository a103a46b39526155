"""Bad debt: reserves absorb it first, then the lenders' share price, with events; bounds and the books after."""

import ape
from conftest import USD


def test_bad_debt__covered_by_reserves(vault, market, borrower, lender, lent_out, warp, check_books):
    lent_out(deposit=1_000 * USD, borrowed=700 * USD)
    warp(365 * 86_400)
    market.repay(borrower, 760 * USD, sender=borrower)  # leaves a little debt, well below the reserves
    reserves, total, price = vault.totalReserves(), vault.totalAssets(), vault.convertToAssets(10**18)
    debt = market.debtOf(borrower)
    assert 0 < debt < reserves

    tx = market.writeOff(borrower, sender=borrower)
    [recognized] = tx.events.filter(vault.BadDebtRecognized)
    assert (recognized.market, recognized.assets) == (market, debt)
    [covered] = tx.events.filter(vault.BadDebtCoveredByReserves)
    assert (covered.market, covered.assets, covered.reservesAfter) == (market, debt, reserves - debt)
    assert not tx.events.filter(vault.BadDebtSocialized)
    assert vault.totalDebt() == vault.debtOf(market) == 0
    assert vault.totalReserves() == reserves - debt
    assert vault.totalAssets() == total  # lenders lose nothing
    assert vault.convertToAssets(10**18) == price
    assert vault.badDebt() == (debt, 0)
    check_books()


def test_bad_debt__beyond_reserves__socialized(vault, usd, market, borrower, lender, lent_out, warp, check_books):
    lent_out(deposit=1_000 * USD, borrowed=700 * USD)
    warp(30 * 86_400)
    vault.accrue(sender=lender)
    reserves, total, debt = vault.totalReserves(), vault.totalAssets(), vault.debtOf(market)
    assert 0 < reserves < debt

    tx = market.writeOff(borrower, sender=borrower)
    [covered] = tx.events.filter(vault.BadDebtCoveredByReserves)
    assert (covered.assets, covered.reservesAfter) == (reserves, 0)
    [socialized] = tx.events.filter(vault.BadDebtSocialized)
    assert socialized.market == market
    assert socialized.assets == debt - reserves
    assert socialized.totalAssetsAfter == vault.totalAssets() == total - (debt - reserves)
    assert vault.totalReserves() == 0
    assert vault.badDebt() == (reserves, debt - reserves)
    # The lenders bear it through the share price, and can take out what is left: the idle cash.
    assert vault.totalAssets() == vault.idleCash() == 300 * USD
    assert vault.maxWithdraw(lender) == vault.convertToAssets(vault.balanceOf(lender)) <= 300 * USD
    vault.redeem(vault.balanceOf(lender), lender, lender, sender=lender)
    assert usd.balanceOf(vault) >= vault.idleCash()
    check_books()


def test_bad_debt__partial_write_off__then_repayment(vault, market, borrower, lent_out, warp, check_books):
    lent_out(deposit=1_000 * USD, borrowed=500 * USD)
    warp(86_400)
    total = vault.totalAssets()
    tx = market.writeOffAssets(borrower, 100 * USD, sender=borrower)
    [socialized] = tx.events.filter(vault.BadDebtSocialized)
    reserves_used = sum(event.assets for event in tx.events.filter(vault.BadDebtCoveredByReserves))
    assert reserves_used + socialized.assets <= 100 * USD  # the debt fell by at most what was written off
    assert total - vault.totalAssets() == socialized.assets
    market.repayAll(borrower, sender=borrower)
    assert vault.totalDebt() == 0
    check_books()


def test_bad_debt__bad_inputs__revert(vault, market, market2, borrower, stranger, lent_out):
    lent_out(borrowed=100 * USD)
    state = (vault.totalDebt(), vault.totalAssets(), vault.badDebt())
    with ape.reverts(vault.LendingVaultAmountExceedsDebt, market=market, assets=100 * USD + 1, debt=100 * USD):
        market.writeOffAssets(borrower, 100 * USD + 1, sender=borrower)
    with ape.reverts(vault.LendingVaultZeroAmount):
        market.writeOffAssets(borrower, 0, sender=borrower)
    with ape.reverts(vault.LendingVaultAmountExceedsDebt, market=market2, assets=1, debt=0):
        market2.writeOffAssets(borrower, 1, sender=borrower)  # another market cannot write off this one's debt
    with ape.reverts(vault.LendingVaultAmountExceedsDebt, market=stranger, assets=1, debt=0):
        vault.recognizeBadDebt(1, sender=stranger)
    assert (vault.totalDebt(), vault.totalAssets(), vault.badDebt()) == state
