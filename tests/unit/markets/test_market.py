"""CollateralMarket: positions, borrowing, repayment, withdrawal, revenue that repays loans, pause and recovery."""

import ape
import pytest
from conftest import BORROWER_SHARES, PRICE, SHARE, USD

from cap.lending import RiskParams, health

COLLATERAL = 50_000 * SHARE  # worth 100,000 USD at 2 USD a share
MAX_BORROW = 50_000 * USD  # 50% max LTV


@pytest.fixture
def supplied(market, borrower):
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)


@pytest.fixture
def borrowed(supplied, market, borrower):
    market.borrow(40_000 * USD, borrower, sender=borrower)


# ---------------------------------------------------------------- setup and parameters


def test_setup(market, ctx, vault, nav, system, lending):
    assert market.SHARES() == ctx.shares.address
    assert market.VAULT() == vault.address
    assert market.NAV() == nav.address
    assert market.COMPLIANCE() == system.compliance.address
    assert market.ASSET_ID() == ctx.asset_id
    assert market.STABLECOIN() == system.stablecoin.address
    assert market.riskParams() == RiskParams().as_tuple()
    assert system.compliance.investorOf(market).systemHolder
    assert vault.marketOf(market).enabled


def test_constructor_refuses_a_token_the_registry_does_not_know(project, system, vault, nav, gov, usd):
    with ape.reverts(project.CollateralMarket.CollateralMarketZeroAddress):
        project.CollateralMarket.deploy(
            system.manager, ape.utils.ZERO_ADDRESS, vault, nav, system.compliance, RiskParams().as_tuple(), sender=gov
        )
    fake = project.BaselineERC20.deploy(10**18, sender=gov)
    with ape.reverts():  # a plain ERC-20 has no assetId: not a share token
        project.CollateralMarket.deploy(
            system.manager, fake, vault, nav, system.compliance, RiskParams().as_tuple(), sender=gov
        )


@pytest.mark.parametrize(
    "risk",
    [
        RiskParams(max_ltv_bps=0),
        RiskParams(max_ltv_bps=7_001, liquidation_ltv_bps=7_000),
        RiskParams(max_ltv_bps=5_000, liquidation_ltv_bps=9_501),
        RiskParams(liquidation_bonus_bps=2_001),
        RiskParams(liquidation_ltv_bps=9_500, liquidation_bonus_bps=600),  # 9,500 x 1.06 >= 10,000: liquidation hurts
        RiskParams(close_factor_bps=999),
        RiskParams(close_factor_bps=10_001),
        RiskParams(dust_debt=100_000 * USD + 1),
    ],
    ids=[
        "zero-ltv",
        "ltv-above-liquidation",
        "liquidation-ltv",
        "bonus",
        "bonus-x-ltv",
        "close-low",
        "close-high",
        "dust",
    ],
)
def test_risk_params_out_of_bounds(market, gov, risk):
    before = market.riskParams()
    with ape.reverts(market.CollateralMarketInvalidRiskParams):
        market.setRiskParams(risk.as_tuple(), sender=gov)
    assert market.riskParams() == before


def test_set_risk_params(market, gov, stranger):
    risk = RiskParams(max_ltv_bps=6_000, liquidation_ltv_bps=8_000, liquidation_bonus_bps=1_000)
    tx = market.setRiskParams(risk.as_tuple(), sender=gov)
    assert market.riskParams() == risk.as_tuple()
    assert tuple(tx.events.filter(market.RiskParamsSet)[0].params) == risk.as_tuple()
    with ape.reverts(market.AccessManagedUnauthorized):
        market.setRiskParams(RiskParams().as_tuple(), sender=stranger)


# ---------------------------------------------------------------- supply


def test_supply_collateral(market, ctx, borrower):
    tx = market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
    assert ctx.shares.balanceOf(market) == COLLATERAL
    assert market.totalCollateral() == COLLATERAL
    assert market.positionOf(borrower).collateral == COLLATERAL
    event = tx.events.filter(market.CollateralSupplied)[0]
    assert (event.borrower, event.payer, event.shares) == (borrower.address, borrower.address, COLLATERAL)


def test_supply_for_another_verified_investor(market, ctx, borrower, investors):
    market.supplyCollateral(investors[2], SHARE, sender=borrower)
    assert market.positionOf(investors[2]).collateral == SHARE
    assert market.positionOf(borrower).collateral == 0


def test_supply_refusals(market, borrower, stranger, pauser):
    with ape.reverts(market.CollateralMarketZeroAmount):
        market.supplyCollateral(borrower, 0, sender=borrower)
    with ape.reverts(market.CollateralMarketNotCompliant, account=stranger.address):
        market.supplyCollateral(stranger, SHARE, sender=borrower)
    market.pause(sender=pauser)
    with ape.reverts(market.CollateralMarketPaused):
        market.supplyCollateral(borrower, SHARE, sender=borrower)
    assert market.totalCollateral() == 0


def test_frozen_wallet_cannot_supply_from_its_shares(market, system, compliance_agent, ctx, borrower):
    system.compliance.freezeOnToken(ctx.shares, borrower, True, sender=compliance_agent)
    with ape.reverts(ape.project.ComplianceRegistry.AssetSharesHolderFrozen):
        market.supplyCollateral(borrower, SHARE, sender=borrower)


# ---------------------------------------------------------------- borrow


def test_borrow(supplied, market, vault, usd, borrower, investors):
    before = usd.balanceOf(investors[3])
    tx = market.borrow(MAX_BORROW, investors[3], sender=borrower)
    assert usd.balanceOf(investors[3]) - before == MAX_BORROW
    assert market.debtOf(borrower) == MAX_BORROW
    assert vault.debtOf(market) == MAX_BORROW
    event = tx.events.filter(market.Borrowed)[0]
    assert (event.borrower, event.receiver, event.assets) == (borrower.address, investors[3].address, MAX_BORROW)
    view = market.positionOf(borrower)
    assert view.ltvBps == 5_000 and not view.liquidatable and view.value == 100_000 * USD


def test_borrow_beyond_max_ltv(supplied, market, borrower):
    with ape.reverts(
        market.CollateralMarketBorrowExceedsLtv, borrower=borrower.address, debtAfter=MAX_BORROW + 1, maxDebt=MAX_BORROW
    ):
        market.borrow(MAX_BORROW + 1, borrower, sender=borrower)
    assert market.debtOf(borrower) == 0


def test_borrow_on_a_stale_or_missing_price(supplied, market, ctx, borrower, chain):
    chain.pending_timestamp += 86_400 + 1  # the appraisal's heartbeat has passed
    with ape.reverts(market.CollateralMarketStalePrice, assetId=ctx.asset_id):
        market.borrow(USD, borrower, sender=borrower)


def test_borrow_above_the_debt_ceiling_or_liquidity(supplied, market, vault, gov, borrower):
    vault.setMarket(market, True, 10_000 * USD, sender=gov)
    with ape.reverts(vault.LendingVaultDebtCeilingExceeded):
        market.borrow(10_000 * USD + 1, borrower, sender=borrower)
    vault.setMarket(market, True, 10**30, sender=gov)
    market.setRiskParams(RiskParams(max_ltv_bps=9_000, liquidation_ltv_bps=9_400).as_tuple(), sender=gov)
    idle = vault.idleCash()
    market.supplyCollateral(borrower, BORROWER_SHARES - COLLATERAL, sender=borrower)  # 200,000 USD of collateral
    if idle < 180_000 * USD:
        with ape.reverts(vault.LendingVaultInsufficientLiquidity):
            market.borrow(idle + 1, borrower, sender=borrower)


def test_borrow_refusals(supplied, market, borrower, stranger, pauser, system, compliance_agent, vault):
    with ape.reverts(market.CollateralMarketZeroAmount):
        market.borrow(0, borrower, sender=borrower)
    with ape.reverts(market.CollateralMarketZeroAddress):
        market.borrow(USD, ape.utils.ZERO_ADDRESS, sender=borrower)
    with ape.reverts(market.CollateralMarketNotCompliant):
        market.borrow(USD, stranger, sender=stranger)
    system.compliance.freeze(borrower, True, [], sender=compliance_agent)
    with ape.reverts(market.CollateralMarketNotCompliant, account=borrower.address):
        market.borrow(USD, borrower, sender=borrower)
    system.compliance.freeze(borrower, False, [], sender=compliance_agent)
    market.pause(sender=pauser)
    with ape.reverts(market.CollateralMarketPaused):
        market.borrow(USD, borrower, sender=borrower)
    market.unpause(sender=pauser)
    vault.pause(sender=pauser)
    with ape.reverts(vault.LendingVaultBorrowingPaused):
        market.borrow(USD, borrower, sender=borrower)


def test_no_collateral_no_loan(market, investors):
    with ape.reverts(market.CollateralMarketBorrowExceedsLtv):
        market.borrow(1, investors[2], sender=investors[2])


# ---------------------------------------------------------------- repay


def test_repay_on_behalf(borrowed, market, vault, fund, stranger, borrower, usd):
    fund(stranger, 10_000 * USD, market)
    tx = market.repay(borrower, 10_000 * USD, sender=stranger)
    assert 0 <= market.debtOf(borrower) - 30_000 * USD <= 100  # a few seconds of interest
    assert usd.balanceOf(stranger) == 0
    event = tx.events.filter(market.Repaid)[0]
    assert (event.borrower, event.payer, event.assets) == (borrower.address, stranger.address, 10_000 * USD)


def test_repay_all_with_interest(borrowed, market, vault, fund, borrower, chain, usd):
    chain.pending_timestamp += 30 * 86_400
    chain.mine()
    debt = market.debtOf(borrower)
    assert debt > 40_000 * USD
    fund(borrower, debt + 10 * USD, market)
    before = usd.balanceOf(borrower)
    tx = market.repay(borrower, 2**256 - 1, sender=borrower)
    paid = before - usd.balanceOf(borrower)
    assert paid == tx.return_value or paid >= debt  # interest of the repayment block itself, at most a second
    assert market.debtOf(borrower) == 0
    assert vault.debtUnitsOf(market) == 0


def test_repay_refusals(borrowed, market, vault, fund, borrower, investors, ctx, operator):
    # a second loan in the market, so that the vault's own bound (the market's whole debt) is not the one that trips
    ctx.shares.transfer(investors[2], COLLATERAL, sender=operator)
    ctx.shares.approve(market, COLLATERAL, sender=investors[2])
    market.supplyCollateral(investors[2], COLLATERAL, sender=investors[2])
    market.borrow(10_000 * USD, investors[2], sender=investors[2])
    fund(borrower, 100_000 * USD, market)
    units = market.positionOf(borrower).debtUnits
    debt = market.debtOf(borrower) + 100  # interest of a few seconds at most
    with ape.reverts(market.CollateralMarketZeroAmount):
        market.repay(borrower, 0, sender=borrower)
    with ape.reverts(market.CollateralMarketRepayExceedsDebt):
        market.repay(borrower, debt + 1, sender=borrower)
    with ape.reverts(market.CollateralMarketRepayExceedsDebt, borrower=investors[2].address, assets=1, debt=0):
        market.repay(investors[2], 1, sender=borrower)
    assert market.positionOf(borrower).debtUnits == units


def test_repay_dust_below_one_debt_unit(borrowed, market, vault, fund, borrower, chain):
    chain.pending_timestamp += 365 * 86_400
    chain.mine()  # the index is above 1: one stablecoin unit is worth less than one debt unit
    fund(borrower, 1, market)
    with ape.reverts(vault.LendingVaultDustAmount, assets=1):
        market.repay(borrower, 1, sender=borrower)


# ---------------------------------------------------------------- withdraw


def test_withdraw_while_healthy(borrowed, market, ctx, borrower):
    # debt 40,000 at 50% max LTV needs 80,000 USD of collateral: 40,000 shares; 10,000 may leave
    market.withdrawCollateral(10_000 * SHARE, borrower, sender=borrower)
    assert market.positionOf(borrower).collateral == 40_000 * SHARE
    with ape.reverts(market.CollateralMarketInsufficientCollateral, borrower=borrower.address):
        market.withdrawCollateral(1, borrower, sender=borrower)
    assert market.positionOf(borrower).collateral == 40_000 * SHARE


def test_withdraw_refusals(borrowed, market, borrower, stranger, system, compliance_agent, ctx, chain):
    with ape.reverts(market.CollateralMarketZeroAmount):
        market.withdrawCollateral(0, borrower, sender=borrower)
    with ape.reverts(market.CollateralMarketCollateralExceeded):
        market.withdrawCollateral(COLLATERAL + 1, borrower, sender=borrower)
    with ape.reverts(market.CollateralMarketNotCompliant, account=stranger.address):
        market.withdrawCollateral(SHARE, stranger, sender=borrower)
    system.compliance.freezeOnToken(ctx.shares, borrower, True, sender=compliance_agent)
    with ape.reverts(market.CollateralMarketNotCompliant, account=borrower.address):
        market.withdrawCollateral(SHARE, borrower, sender=borrower)
    system.compliance.freezeOnToken(ctx.shares, borrower, False, sender=compliance_agent)
    chain.pending_timestamp += 86_400 + 1
    with ape.reverts(market.CollateralMarketStalePrice):
        market.withdrawCollateral(SHARE, borrower, sender=borrower)


def test_withdraw_without_debt_needs_no_price(supplied, market, ctx, borrower, chain):
    chain.pending_timestamp += 10 * 86_400  # stale
    market.withdrawCollateral(COLLATERAL, borrower, sender=borrower)
    assert ctx.shares.balanceOf(borrower) == BORROWER_SHARES
    assert market.totalCollateral() == 0


# ---------------------------------------------------------------- revenue repays the loan


def test_revenue_repays_the_loan_on_sweep(borrowed, market, ctx, route, borrower, stranger, usd):
    debt = market.debtOf(borrower)
    holders = route(ctx.asset_id, 10_000 * USD)
    pending = market.pendingRevenueOf(borrower)
    assert pending == holders * COLLATERAL // ctx.shares.totalSupply()  # 5% of the shares: 5% of the holders' part
    tx = market.sweep(borrower, sender=stranger)
    event = tx.events.filter(market.RevenueApplied)[0]
    assert event.repaid + event.credited == pending
    assert event.credited == 0  # all of it repays the debt
    assert 0 <= market.debtOf(borrower) - (debt - event.repaid) <= 100  # plus a few seconds of interest
    assert market.pendingRevenueOf(borrower) == 0
    with ape.reverts(market.CollateralMarketNothingToSweep, borrower=borrower.address):
        market.sweep(borrower, sender=stranger)


def test_a_loan_repaid_by_revenue_alone(supplied, market, ctx, route, borrower, stranger, usd, vault):
    market.borrow(1_000 * USD, borrower, sender=borrower)
    holders = route(ctx.asset_id, 50_000 * USD)  # the position earns 5% of 40,000: 2,000 > the debt
    pending = market.pendingRevenueOf(borrower)
    assert pending == holders * COLLATERAL // ctx.shares.totalSupply()
    debt = market.debtOf(borrower)
    tx = market.sweep(borrower, sender=stranger)
    event = tx.events.filter(market.RevenueApplied)[0]
    assert 0 <= event.repaid - debt <= 1 and event.credited == pending - event.repaid  # a second of interest at most
    debt = event.repaid
    assert market.debtOf(borrower) == 0 and vault.debtUnitsOf(market) == 0
    assert market.totalCredit() == pending - debt

    before = usd.balanceOf(borrower)
    market.claimRevenue(borrower, sender=borrower)
    assert usd.balanceOf(borrower) - before == pending - debt
    assert market.totalCredit() == 0
    with ape.reverts(market.CollateralMarketNothingToClaim, borrower=borrower.address):
        market.claimRevenue(borrower, sender=borrower)


def test_revenue_applies_on_any_touch(borrowed, market, ctx, route, borrower):
    route(ctx.asset_id, 10_000 * USD)
    pending = market.pendingRevenueOf(borrower)
    tx = market.supplyCollateral(borrower, SHARE, sender=borrower)
    assert (
        tx.events.filter(market.RevenueApplied)[0].repaid + tx.events.filter(market.RevenueApplied)[0].credited
        == pending
    )
    assert market.pendingRevenueOf(borrower) == 0


def test_late_collateral_does_not_earn_earlier_revenue(market, ctx, route, borrower, investors, operator):
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
    route(ctx.asset_id, 10_000 * USD)
    ctx.shares.transfer(investors[2], COLLATERAL, sender=operator)
    ctx.shares.approve(market, COLLATERAL, sender=investors[2])
    market.supplyCollateral(investors[2], COLLATERAL, sender=investors[2])
    assert market.pendingRevenueOf(investors[2]) == 0
    early = market.pendingRevenueOf(borrower)
    holders = route(ctx.asset_id, 10_000 * USD)
    share = holders * COLLATERAL // ctx.shares.totalSupply()
    assert market.pendingRevenueOf(investors[2]) == share
    assert market.pendingRevenueOf(borrower) == early + share


def test_market_cash_covers_every_claim(borrowed, market, ctx, route, borrower, investors, operator, usd, stranger):
    """Credits plus pending revenue never exceed the market's cash plus what the share token owes it."""
    ctx.shares.transfer(investors[2], COLLATERAL, sender=operator)
    ctx.shares.approve(market, COLLATERAL, sender=investors[2])
    market.supplyCollateral(investors[2], COLLATERAL, sender=investors[2])
    for amount in (7_777 * USD, 123_457, 33_333 * USD):
        route(ctx.asset_id, amount)
        market.sweep(investors[2], sender=stranger)
        owed = market.totalCredit() + market.pendingRevenueOf(borrower) + market.pendingRevenueOf(investors[2])
        assert usd.balanceOf(market) + ctx.shares.claimableOf(market) >= owed
    market.claimRevenue(investors[2], sender=investors[2])
    market.sweep(borrower, sender=stranger)
    assert usd.balanceOf(market) + ctx.shares.claimableOf(market) >= market.totalCredit()


def test_claim_refusals(market, ctx, route, borrower, system, compliance_agent, stranger):
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
    route(ctx.asset_id, 10_000 * USD)
    market.sweep(borrower, sender=stranger)  # no debt: all of it is credit
    with ape.reverts(market.CollateralMarketZeroAddress):
        market.claimRevenue(ape.utils.ZERO_ADDRESS, sender=borrower)
    system.compliance.freeze(borrower, True, [], sender=compliance_agent)
    with ape.reverts(market.CollateralMarketNotCompliant):
        market.claimRevenue(borrower, sender=borrower)


# ---------------------------------------------------------------- views


def test_health_view(borrowed, market, borrower, ctx, route):
    h = health(market, borrower)
    assert h.collateral == COLLATERAL and h.debt == 40_000 * USD and h.price == PRICE and h.price_fresh
    assert h.ltv_bps == 4_000 and not h.liquidatable
    assert market.maxBorrow(borrower) == 10_000 * USD
    route(ctx.asset_id, 10_000 * USD)
    h = health(market, borrower)
    assert h.pending_revenue > 0 and h.ltv_bps < 4_000


# ---------------------------------------------------------------- pause never stops exits


def test_pause_stops_new_risk_only(borrowed, market, pauser, borrower, fund, ctx, route, stranger):
    market.pause(sender=pauser)
    with ape.reverts(market.CollateralMarketPauseUnchanged, paused=True):
        market.pause(sender=pauser)
    route(ctx.asset_id, 10_000 * USD)
    market.sweep(borrower, sender=stranger)
    fund(borrower, 10_000 * USD, market)
    market.repay(borrower, 10_000 * USD, sender=borrower)
    market.withdrawCollateral(SHARE, borrower, sender=borrower)
    market.unpause(sender=pauser)
    with ape.reverts(market.CollateralMarketPauseUnchanged, paused=False):
        market.unpause(sender=pauser)


# ---------------------------------------------------------------- custody and recovery


def test_compliance_cannot_move_or_freeze_collateral(supplied, market, system, compliance_agent, ctx, investors):
    with ape.reverts(system.compliance.ComplianceRegistrySystemHolderConflict, account=market.address):
        system.compliance.forceTransfer(ctx.shares, market, investors[2], SHARE, sender=compliance_agent)
    with ape.reverts(system.compliance.ComplianceRegistrySystemHolderConflict, account=market.address):
        system.compliance.freezeOnToken(ctx.shares, market, True, sender=compliance_agent)
    assert ctx.shares.balanceOf(market) == COLLATERAL


def test_recover_position(borrowed, market, system, compliance_agent, borrower, accounts, ctx, stranger):
    replacement = accounts[15]
    with ape.reverts(market.AccessManagedUnauthorized):
        market.recoverPosition(borrower, replacement, sender=stranger)
    system.compliance.recoverWallet(borrower, replacement, [ctx.shares], sender=compliance_agent)
    before = market.positionOf(borrower)
    tx = market.recoverPosition(borrower, replacement, sender=compliance_agent)
    assert tx.events.filter(market.PositionRecovered)[0].replacement == replacement.address
    after = market.positionOf(replacement)
    assert (after.collateral, after.debtUnits) == (before.collateral, before.debtUnits)
    assert market.positionOf(borrower).collateral == 0
    with ape.reverts(market.CollateralMarketInvalidRecovery):
        market.recoverPosition(borrower, replacement, sender=compliance_agent)


def test_skim(supplied, market, ctx, operator, gov, stranger):
    with ape.reverts(market.CollateralMarketNothingToSkim):
        market.skim(gov, sender=gov)
    ctx.shares.transfer(market, 7 * SHARE, sender=operator)  # sent directly: owned by no position
    market.skim(operator, sender=gov)
    assert ctx.shares.balanceOf(market) == COLLATERAL
    with ape.reverts(market.AccessManagedUnauthorized):
        market.skim(stranger, sender=stranger)


# ---------------------------------------------------------------- the keeper


def test_keeper_sweeps_refreshes_prices_and_liquidates(
    borrowed, system, market, ctx, route, nav, borrower, liquidator, fund, chain, appraise
):
    from cap.keeper import market_jobs, price_jobs, run_pass

    route(ctx.asset_id, 10_000 * USD)
    summary = run_pass(system, liquidator, tasks=[market_jobs])
    assert summary.done.get("sweep") == 1 and market.pendingRevenueOf(borrower) == 0
    assert run_pass(system, liquidator, tasks=[market_jobs]).total == 0  # idempotent: nothing due

    chain.pending_timestamp += 86_400 // 2
    assert run_pass(system, liquidator, tasks=[price_jobs]).done.get("price") == 1
    assert nav.recordedRevenuePriceOf(ctx.asset_id)[1] >= chain.blocks.head.timestamp - 1

    price = nav.appraisalOf(ctx.asset_id).pricePerShare
    for _ in range(3):
        price = price * 8 // 10
        appraise(ctx.asset_id, price)
    fund(liquidator, 1_000_000 * USD, market)
    debt = market.debtOf(borrower)
    summary = run_pass(system, liquidator, tasks=[market_jobs])
    assert summary.done.get("liquidate") == 1
    assert market.debtOf(borrower) < debt
