"""CollateralMarket liquidations: health, close factor, bonus, bad debt, the stale-price policy; lenders' exits."""

import ape
import pytest
from conftest import SHARE, USD

from cap.lending import RiskParams

COLLATERAL = 50_000 * SHARE  # worth 100,000 USD at 2 USD a share
DEBT = 40_000 * USD


@pytest.fixture
def borrowed(market, borrower):
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
    market.borrow(DEBT, borrower, sender=borrower)


@pytest.fixture
def drop(ctx, appraise, nav):
    """Lowers the appraisal by 20% (the most one appraisal may move) `steps` times; returns the last price."""

    def drop(steps: int) -> int:
        price = nav.appraisalOf(ctx.asset_id).pricePerShare
        for _ in range(steps):
            price = price * 8 // 10
            appraise(ctx.asset_id, price)
        return price

    return drop


@pytest.fixture
def armed(liquidator, fund, market):
    fund(liquidator, 1_000_000 * USD, market)


def test_healthy_position_cannot_be_liquidated(borrowed, market, drop, borrower, liquidator, armed):
    drop(2)  # 1.28 USD: value 64,000, liquidation at 70% = 44,800 >= 40,000
    assert not market.positionOf(borrower).liquidatable
    with ape.reverts(market.CollateralMarketHealthyPosition, borrower=borrower.address):
        market.liquidate(borrower, USD, sender=liquidator)


def test_partial_liquidation(borrowed, market, ctx, drop, borrower, liquidator, armed, usd, vault):
    price = drop(3)  # 1.024 USD: value 51,200, liquidation debt 35,840 < 40,000
    view = market.positionOf(borrower)
    assert view.liquidatable and view.price == price
    debt = market.debtOf(borrower)
    max_repay = -(-debt * 5_000 // 10_000)
    with ape.reverts(market.CollateralMarketCloseFactorExceeded):
        market.liquidate(borrower, max_repay + USD, sender=liquidator)  # beyond a few seconds of interest

    repay = 10_000 * USD
    before = usd.balanceOf(liquidator)
    tx = market.liquidate(borrower, repay, sender=liquidator)
    seized = repay * 10_500 * 10**18 // (price * 10_000)
    event = tx.events.filter(market.Liquidated)[0]
    assert (event.repaid, event.seized, event.badDebt) == (repay, seized, 0)
    assert before - usd.balanceOf(liquidator) == repay
    assert ctx.shares.balanceOf(liquidator) == seized
    assert market.positionOf(borrower).collateral == COLLATERAL - seized
    assert 0 <= market.debtOf(borrower) - (debt - repay) <= 200  # a few seconds of interest
    assert market.totalCollateral() == COLLATERAL - seized


def test_liquidation_takes_the_most_allowed(borrowed, market, drop, borrower, liquidator, armed):
    drop(3)
    debt = market.debtOf(borrower)
    tx = market.liquidate(borrower, 2**256 - 1, sender=liquidator)
    # half the debt at the liquidation's second (a few seconds of interest after the read), rounded up
    assert 0 <= tx.events.filter(market.Liquidated)[0].repaid - -(-debt * 5_000 // 10_000) <= 100


def test_dust_debt_is_liquidated_whole(borrowed, market, drop, borrower, liquidator, armed, gov):
    market.setRiskParams(RiskParams(dust_debt=50_000 * USD).as_tuple(), sender=gov)
    drop(3)
    market.liquidate(borrower, 2**256 - 1, sender=liquidator)  # the whole debt: it is below the dust threshold
    assert market.debtOf(borrower) == 0
    assert market.positionOf(borrower).collateral > 0  # what the repayment plus bonus did not take stays


def test_liquidation_with_bad_debt(borrowed, market, ctx, drop, borrower, liquidator, armed, vault, gov):
    market.setRiskParams(RiskParams(close_factor_bps=10_000).as_tuple(), sender=gov)
    price = drop(5)  # 0.65536 USD: the collateral is worth 32,768 < the debt
    debt = market.debtOf(borrower)
    assets_before = vault.totalAssets()
    tx = market.liquidate(borrower, 2**256 - 1, sender=liquidator)
    event = tx.events.filter(market.Liquidated)[0]
    value = COLLATERAL * price // 10**18
    assert event.seized == COLLATERAL
    assert event.repaid == -(-value * 10_000 // 10_500)
    assert 0 <= event.repaid + event.badDebt - debt <= 200  # the whole debt, a few seconds of interest later
    assert market.debtOf(borrower) == 0 and market.positionOf(borrower).collateral == 0
    assert vault.debtUnitsOf(market) == 0
    recognized = tx.events.filter(vault.BadDebtRecognized)[0]
    assert recognized.market == market.address
    covered, socialized = vault.badDebt()
    assert covered + socialized in (event.badDebt, event.badDebt - 1)
    # reserves absorb first; lenders bear the rest, through the share price
    assert tx.events.filter(vault.BadDebtSocialized) or not socialized
    assert vault.totalAssets() < assets_before + event.repaid


def test_liquidation_refusals(
    borrowed, market, drop, borrower, liquidator, stranger, armed, fund, system, compliance_agent
):
    drop(3)
    with ape.reverts(market.CollateralMarketZeroAmount):
        market.liquidate(borrower, 0, sender=liquidator)
    fund(stranger, 10_000 * USD, market)
    with ape.reverts(market.CollateralMarketUnverifiedLiquidator, liquidator=stranger.address):
        market.liquidate(borrower, USD, sender=stranger)
    system.compliance.freeze(liquidator, True, [], sender=compliance_agent)
    with ape.reverts(market.CollateralMarketUnverifiedLiquidator, liquidator=liquidator.address):
        market.liquidate(borrower, USD, sender=liquidator)


def test_a_stale_price_does_not_shield_a_position(borrowed, market, drop, borrower, liquidator, armed, chain):
    drop(3)
    chain.pending_timestamp += 2 * 86_400  # the appraisal is stale; liquidation still runs on it
    chain.mine()
    view = market.positionOf(borrower)
    assert not view.priceFresh and view.liquidatable
    market.liquidate(borrower, 1_000 * USD, sender=liquidator)


def test_a_zero_price_stops_liquidation(borrowed, market, ctx, nav, borrower, liquidator, armed, chain, stranger):
    chain.pending_timestamp += 31 * 86_400  # no revenue in the window: the revenue leg, and so the price, is zero
    nav.updateRevenuePrice(ctx.asset_id, sender=stranger)
    assert market.positionOf(borrower).price == 0
    with ape.reverts(market.CollateralMarketZeroPrice, assetId=ctx.asset_id):
        market.liquidate(borrower, USD, sender=liquidator)


def test_revenue_can_heal_a_position(borrowed, market, ctx, drop, borrower, liquidator, armed, route):
    drop(3)
    assert market.positionOf(borrower).liquidatable
    route(ctx.asset_id, 200_000 * USD)  # the position earns 5% of 160,000: 8,000
    assert not market.positionOf(borrower).liquidatable
    with ape.reverts(market.CollateralMarketHealthyPosition):
        market.liquidate(borrower, USD, sender=liquidator)


# ---------------------------------------------------------------- lenders when liquidity is lent out


def test_lenders_withdraw_only_idle_cash(market, vault, lender, borrower, fund, usd, ctx):
    deposited = vault.maxWithdraw(lender)
    keep = 30_000 * USD
    vault.withdraw(deposited - keep, lender, lender, sender=lender)  # the lender leaves 30,000 in the vault
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
    market.borrow(keep, borrower, sender=borrower)  # all of it is lent out
    assert vault.idleCash() == 0
    assert vault.maxWithdraw(lender) == 0 and vault.maxRedeem(lender) == 0
    with ape.reverts(vault.ERC4626ExceededMaxWithdraw):
        vault.withdraw(1, lender, lender, sender=lender)

    fund(borrower, keep + 100 * USD, market)  # the debt plus its interest
    market.repay(borrower, 2**256 - 1, sender=borrower)
    assert vault.maxWithdraw(lender) >= keep
    vault.redeem(vault.maxRedeem(lender), lender, lender, sender=lender)
    assert vault.balanceOf(lender) == 0


def test_collateral_worth_less_than_a_debt_unit_goes_for_nothing(
    market, ctx, nav, route, borrower, liquidator, armed, chain, stranger, vault, gov
):
    """The last crumbs: a position whose collateral is worth less than one debt unit is closed, its debt written off."""
    market.setRiskParams(RiskParams(close_factor_bps=10_000).as_tuple(), sender=gov)
    market.supplyCollateral(borrower, SHARE // 2, sender=borrower)  # worth 1 USD at 2 USD a share
    market.borrow(USD * 4 // 10, borrower, sender=borrower)
    chain.pending_timestamp += 31 * 86_400  # the revenue that priced the shares leaves the window
    route(ctx.asset_id, 25_000)  # 0.025 USD of revenue: a revenue price of 1 unit per share
    nav.updateRevenuePrice(ctx.asset_id, sender=stranger)
    assert market.positionOf(borrower).price == 1
    debt = market.debtOf(borrower)
    tx = market.liquidate(borrower, 2**256 - 1, sender=liquidator)
    event = tx.events.filter(market.Liquidated)[0]
    assert (event.repaid, event.seized) == (0, SHARE // 2)
    assert 0 <= event.badDebt - debt <= 10
    assert market.positionOf(borrower).collateral == 0 and vault.debtUnitsOf(market) == 0
