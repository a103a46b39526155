"""Gas (whole-transaction gas, deterministic on anvil) of the collateral market's operations, against the issue's
budgets (Morpho Blue anchors measured on anvil: supplyCollateral 91,095, borrow 86,062, repay 80,898, liquidate
107,385), and the revenue sweep's cost with 1, 100 and 1,000 open positions.

All with the MockStablecoin, whose issuer pause and blacklist checks add about 6,500 gas to each stablecoin transfer.
What keeps them in budget: the NAV oracle's recorded revenue leg (a live read of the router's checkpoints costs about
25,000 gas), repayments sent by the payer straight to the vault, and a position's collateral and debt in one slot.
"""

import pytest
from conftest import SHARE, USD

pytestmark = pytest.mark.gas

SUPPLY_BUDGET = 115_000
BORROW_BUDGET = 110_000
REPAY_BUDGET = 100_000
LIQUIDATE_BUDGET = 140_000
COLLATERAL = 50_000 * SHARE


@pytest.fixture
def second(investors, ctx, operator, market, borrower):
    """A second verified investor with shares, approved, supplying after the market's first position."""
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
    ctx.shares.transfer(investors[2], COLLATERAL, sender=operator)
    ctx.shares.approve(market, 2**256 - 1, sender=investors[2])
    return investors[2]


@pytest.fixture
def measured_borrow(market, second, usd, chain):
    usd.mint(second, USD, sender=second)  # the receiver already holds the stablecoin, as in the anchor
    market.supplyCollateral(second, COLLATERAL, sender=second)
    chain.pending_timestamp += 60
    return market.borrow(20_000 * USD, second, sender=second).gas_used


@pytest.fixture
def measured_liquidation(market, borrower, liquidator, fund, ctx, appraise, nav, chain, usd):
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
    market.borrow(40_000 * USD, borrower, sender=borrower)
    ctx.shares.transfer(liquidator, SHARE, sender=borrower)  # the liquidator already holds shares, as in the anchor
    price = nav.appraisalOf(ctx.asset_id).pricePerShare
    for _ in range(3):
        price = price * 8 // 10
        appraise(ctx.asset_id, price)
    fund(liquidator, 10_000 * USD, market)
    usd.approve(market, 2**256 - 1, sender=liquidator)  # a liquidation bot's standing approval, as in the anchor
    chain.pending_timestamp += 60
    return market.liquidate(borrower, 5_000 * USD, sender=liquidator).gas_used


def test_gas__supply_collateral(market, borrower, second, gas_report):
    gas = market.supplyCollateral(second, COLLATERAL, sender=second).gas_used
    gas_report("CollateralMarket.supplyCollateral, new position", gas, SUPPLY_BUDGET, "Morpho Blue 91,095")
    assert gas <= SUPPLY_BUDGET


def test_gas__borrow(measured_borrow, gas_report):
    gas_report("CollateralMarket.borrow, first loan", measured_borrow, BORROW_BUDGET, "Morpho Blue 86,062")
    assert measured_borrow <= BORROW_BUDGET


@pytest.fixture
def measured_repay(market, second, fund, chain):
    market.supplyCollateral(second, COLLATERAL, sender=second)
    market.borrow(20_000 * USD, second, sender=second)
    fund(second, 5_000 * USD, market)
    chain.pending_timestamp += 60
    return market.repay(second, 5_000 * USD, sender=second).gas_used


def test_gas__repay(measured_repay, gas_report):
    gas_report("CollateralMarket.repay, partial, accruing", measured_repay, REPAY_BUDGET, "Morpho Blue 80,898")
    assert measured_repay <= REPAY_BUDGET


def test_gas__liquidate(measured_liquidation, gas_report):
    gas_report("CollateralMarket.liquidate, partial", measured_liquidation, LIQUIDATE_BUDGET, "Morpho Blue 107,385")
    assert measured_liquidation <= LIQUIDATE_BUDGET


def test_gas__sweep_is_flat_in_the_number_of_positions(
    project, system, market, ctx, borrower, route, gov, compliance_agent, operator, chain, gas_report
):
    """The same sweep (a debt partly repaid, the market's revenue claimed from the share token first) with 1, 100 and
    1,000 open positions. Each measured sweep follows a warm-up route and sweep, so that every round meets the same
    storage (non-zero balances, accrued index)."""
    bulk = project.MockBulkSupplier.deploy(sender=gov)
    system.compliance.setSystemHolder(bulk, True, sender=gov)
    ctx.shares.transfer(bulk, 1_000 * SHARE, sender=operator)
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
    market.borrow(40_000 * USD, borrower, sender=borrower)
    # A share sent to the market directly earns revenue that is no position's: the market's stablecoin balance then
    # grows every round, as it does with many positions, instead of returning to its value before the sweep (which
    # would earn a storage refund that has nothing to do with the number of positions).
    ctx.shares.transfer(market, SHARE, sender=operator)

    until = chain.pending_timestamp + 365 * 86_400
    opened = 1
    gas = {}
    for target in (1, 100, 1_000):
        while opened < target:
            count = min(100, target - opened)
            holders = [f"0x{(0xCA9000 + opened + i):040x}" for i in range(count)]
            system.compliance.verifyInvestors(holders, [until] * count, [840] * count, sender=compliance_agent)
            bulk.supplyMany(market, holders, SHARE, sender=gov)
            opened += count
        for _ in range(2):  # a warm-up, then the measured sweep
            route(ctx.asset_id, 10_000 * USD)
            chain.pending_timestamp += 60
            gas[target] = market.sweep(borrower, sender=gov).gas_used
        gas_report(f"CollateralMarket.sweep, {target:,} open positions", gas[target])
    for target in (100, 1_000):
        assert abs(gas[target] - gas[1]) <= gas[1] // 100
