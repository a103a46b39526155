"""Lending on the deployed system: a lender funds the vault, an investor borrows against its shares, the machine's
revenue (routed through the real router) repays the loan alone and then pays the borrower; and a second loan that a
price drop makes unhealthy ends in a liquidation with bad debt that reserves and then lenders absorb. The vault's
books and the market's cash are checked at every step."""

import pytest

from cap.lending import RiskParams, lending_of, open_market, submit_appraisal

USD = 10**6
SHARE = 10**18
DAY = 86_400


@pytest.fixture
def world(system, shares, gov, operator, investors, accounts, stranger, chain):
    appraiser, lender = accounts[17], accounts[10]
    lending = lending_of(system)
    lending.nav.setAppraiser(appraiser, True, sender=gov)
    asset_id = shares.assetId()
    usd = system.stablecoin
    usd.mint(operator, 1_000_000 * USD, sender=operator)
    usd.approve(system.router, 2**256 - 1, sender=operator)
    system.router.deposit(asset_id, 100_000 * USD, 1, sender=operator)  # a trailing record for the revenue leg
    submit_appraisal(lending.nav, appraiser, asset_id, 2 * USD, stranger)
    market = open_market(system, lending, asset_id, gov, RiskParams(), 1_000_000 * USD)
    usd.mint(lender, 500_000 * USD, sender=lender)
    usd.approve(lending.vault, 2**256 - 1, sender=lender)
    lending.vault.deposit(500_000 * USD, lender, sender=lender)
    for investor in investors[:2]:
        shares.transfer(investor, 100_000 * SHARE, sender=operator)
        shares.approve(market, 2**256 - 1, sender=investor)
        usd.approve(market, 2**256 - 1, sender=investor)
    return lending, market, asset_id, appraiser, lender


def check_books(vault, market, shares, usd, borrowers):
    """The vault's identity and the market's solvency, to the unit."""
    assert vault.idleCash() + vault.totalDebt() == vault.totalAssets() + vault.totalReserves()
    assert usd.balanceOf(vault) >= vault.idleCash()
    assert sum(market.positionOf(b).debtUnits for b in borrowers) == vault.debtUnitsOf(market)
    owed = market.totalCredit() + sum(market.pendingRevenueOf(b) for b in borrowers)
    assert usd.balanceOf(market) + shares.claimableOf(market) >= owed
    assert shares.balanceOf(market) >= sum(market.positionOf(b).collateral for b in borrowers)


def test_revenue_alone_repays_the_loan(world, system, shares, investors, operator, stranger, chain):
    lending, market, asset_id, _, lender = world
    vault, usd, borrower = lending.vault, system.stablecoin, investors[0]
    market.supplyCollateral(borrower, 100_000 * SHARE, sender=borrower)  # 10% of the supply
    market.borrow(20_000 * USD, borrower, sender=borrower)
    check_books(vault, market, shares, usd, [borrower])
    repaid_by_revenue = 0
    for _ in range(4):  # four weeks of revenue: 10% of 80% of 80,000 USD a week, 6,400 USD
        chain.pending_timestamp += 7 * DAY
        system.router.deposit(asset_id, 80_000 * USD, 1, sender=operator)
        if market.debtOf(borrower):
            tx = market.sweep(borrower, sender=stranger)
            repaid_by_revenue += tx.events.filter(market.RevenueApplied)[0].repaid
        check_books(vault, market, shares, usd, [borrower])
    assert market.debtOf(borrower) == 0 and vault.debtUnitsOf(market) == 0
    assert repaid_by_revenue > 20_000 * USD  # the principal and its interest, out of revenue alone

    if market.pendingRevenueOf(borrower):
        market.sweep(borrower, sender=stranger)
    credit = market.positionOf(borrower).credit
    assert credit > 0  # revenue beyond the debt is the borrower's
    before = usd.balanceOf(borrower)
    market.claimRevenue(borrower, sender=borrower)
    assert usd.balanceOf(borrower) - before == credit
    market.withdrawCollateral(100_000 * SHARE, borrower, sender=borrower)
    assert shares.balanceOf(borrower) == 100_000 * SHARE
    check_books(vault, market, shares, usd, [borrower])

    # The lender leaves with its deposit and the interest, less the reserve factor's part.
    shares_of_lender = vault.balanceOf(lender)
    assets = vault.redeem(shares_of_lender, lender, lender, sender=lender).return_value
    assert assets > 500_000 * USD


def test_price_drop_liquidation_and_bad_debt(world, system, shares, investors, chain, stranger, gov, operator):
    lending, market, asset_id, appraiser, lender = world
    vault, nav, usd = lending.vault, lending.nav, system.stablecoin
    borrower, liquidator = investors[0], investors[1]
    market.supplyCollateral(borrower, 100_000 * SHARE, sender=borrower)  # 200,000 USD
    market.borrow(100_000 * USD, borrower, sender=borrower)  # 50%: the most allowed
    chain.pending_timestamp += 30 * DAY  # a month of interest: reserves build up
    vault.accrue(sender=stranger)
    reserves = vault.totalReserves()
    assert reserves > 0
    # the month's revenue keeps the revenue leg alive (and repays a little of the loan at the next touch)
    system.router.deposit(asset_id, 50_000 * USD, 1, sender=operator)

    price = 2 * USD
    for _ in range(4):
        price = price * 8 // 10
        chain.pending_timestamp += 3600
        submit_appraisal(nav, appraiser, asset_id, price, stranger)
    assert market.positionOf(borrower).liquidatable  # 0.8192 USD: 81,920 USD of collateral, ~96,000 of debt

    market.setRiskParams(RiskParams(close_factor_bps=10_000).as_tuple(), sender=gov)
    usd.mint(liquidator, 200_000 * USD, sender=liquidator)
    assets_before = vault.totalAssets()
    tx = market.liquidate(borrower, 2**256 - 1, sender=liquidator)
    event = tx.events.filter(market.Liquidated)[0]
    assert event.seized == 100_000 * SHARE and event.badDebt > 0
    assert shares.balanceOf(liquidator) == 200_000 * SHARE  # its own 100,000 and the seized 100,000
    covered, socialized = vault.badDebt()
    assert covered == min(reserves, event.badDebt) or covered > 0
    assert covered + socialized in (event.badDebt, event.badDebt - 1)
    assert market.debtOf(borrower) == 0 and vault.debtUnitsOf(market) == 0
    # the lenders' assets fell by what the reserves did not cover (give or take a second of interest)
    assert abs((assets_before - vault.totalAssets()) - socialized) <= 10
    check_books(vault, market, shares, usd, [borrower])

    # every lender can leave: nothing is lent out any more
    assert vault.maxRedeem(lender) == vault.balanceOf(lender)
    vault.redeem(vault.balanceOf(lender), lender, lender, sender=lender)
