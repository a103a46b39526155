"""Markets borrowing and repaying: debt units and rounding, liquidity and ceilings, interest with the kink, reserves."""

import ape
import pytest
from conftest import DEBT_CEILING, RATES, RESERVE_FACTOR_BPS, USD
from lending_model import WAD, VaultModel, div_up


def books(vault, market):
    """The state a rejected call must leave unchanged."""
    return (
        vault.idleCash(),
        vault.totalDebtUnits(),
        vault.totalDebt(),
        vault.totalReserves(),
        vault.totalAssets(),
        vault.debtUnitsOf(market),
        vault.borrowIndex(),
    )


# ---------------------------------------------------------------- borrow


def test_borrow__sends_cash_and_books_units(vault, usd, market, lender, borrower, stranger, fund, check_books):
    fund(lender, borrower)
    vault.deposit(1_000 * USD, lender, sender=lender)
    tx = market.borrow(400 * USD, stranger, sender=borrower)
    assert tx.return_value == 400 * USD  # index 1: one unit per stablecoin unit
    [event] = tx.events.filter(vault.Borrowed)
    assert (event.market, event.receiver, event.assets, event.debtUnits) == (market, stranger, 400 * USD, 400 * USD)
    assert usd.balanceOf(stranger) == 400 * USD
    assert vault.idleCash() == 600 * USD
    assert vault.debtOf(market) == vault.totalDebt() == 400 * USD
    assert vault.totalAssets() == 1_000 * USD
    assert vault.utilization() == int(0.4e18)
    check_books()


def test_borrow__after_interest__mints_units_rounded_up(vault, market, borrower, lent_out, warp, check_books):
    lent_out()
    warp(10 * 86_400 + 17)
    index = vault.borrowIndex()
    assert index > WAD
    total_before = vault.totalAssets()
    tx = market.borrow(12_345_679, borrower, sender=borrower)
    assert tx.return_value == div_up(12_345_679 * WAD, index)
    assert vault.totalAssets() >= total_before  # rounding favours the vault
    check_books()


def test_borrow__two_markets_share_liquidity(vault, market, market2, borrower, lent_out):
    lent_out(deposit=1_000 * USD, borrowed=600 * USD)
    with ape.reverts(vault.LendingVaultInsufficientLiquidity, assets=401 * USD, idleCash=400 * USD):
        market2.borrow(401 * USD, borrower, sender=borrower)
    market2.borrow(400 * USD, borrower, sender=borrower)
    assert vault.idleCash() == 0
    assert vault.debtOf(market) + vault.debtOf(market2) == vault.totalDebt() == 1_000 * USD


def test_borrow__beyond_liquidity__reverts(vault, market, borrower, lent_out):
    lent_out(deposit=1_000 * USD, borrowed=0)
    before = books(vault, market)
    with ape.reverts(vault.LendingVaultInsufficientLiquidity, assets=1_000 * USD + 1, idleCash=1_000 * USD):
        market.borrow(1_000 * USD + 1, borrower, sender=borrower)
    assert books(vault, market) == before


def test_borrow__beyond_ceiling__reverts(vault, market, gov, borrower, lent_out):
    lent_out(deposit=1_000 * USD, borrowed=100 * USD)
    vault.setMarket(market, True, 250 * USD, sender=gov)
    before = books(vault, market)
    with ape.reverts(vault.LendingVaultDebtCeilingExceeded, market=market, debtAfter=251 * USD, debtCeiling=250 * USD):
        market.borrow(151 * USD, borrower, sender=borrower)
    assert books(vault, market) == before
    market.borrow(150 * USD, borrower, sender=borrower)  # exactly at the ceiling
    assert vault.debtOf(market) == 250 * USD


def test_borrow__ceiling_lowered_below_debt__blocks_borrowing_not_repaying(vault, market, gov, borrower, lent_out):
    lent_out(borrowed=300 * USD)
    vault.setMarket(market, True, 100 * USD, sender=gov)
    with ape.reverts(vault.LendingVaultDebtCeilingExceeded):
        market.borrow(1, borrower, sender=borrower)
    market.repay(borrower, 250 * USD, sender=borrower)
    market.borrow(50 * USD, borrower, sender=borrower)
    assert vault.debtOf(market) == 100 * USD


def test_borrow__not_a_market__reverts(vault, stranger, lent_out):
    lent_out(borrowed=0)
    with ape.reverts(vault.LendingVaultMarketNotEnabled, market=stranger):
        vault.borrow(1 * USD, stranger, sender=stranger)


def test_borrow__disabled_market__reverts_but_repays(vault, market, gov, borrower, lent_out):
    lent_out(borrowed=100 * USD)
    vault.setMarket(market, False, DEBT_CEILING, sender=gov)
    with ape.reverts(vault.LendingVaultMarketNotEnabled, market=market):
        market.borrow(1 * USD, borrower, sender=borrower)
    market.repayAll(borrower, sender=borrower)
    assert vault.debtOf(market) == 0


def test_borrow__zero_amount_or_receiver__reverts(vault, market, borrower, lent_out):
    lent_out(borrowed=0)
    before = books(vault, market)
    with ape.reverts(vault.LendingVaultZeroAmount):
        market.borrow(0, borrower, sender=borrower)
    with ape.reverts(vault.LendingVaultZeroAddress):
        market.borrow(1 * USD, "0x0000000000000000000000000000000000000000", sender=borrower)
    assert books(vault, market) == before


# ---------------------------------------------------------------- repay


def test_repay__partial__burns_units_rounded_down(vault, usd, market, borrower, lent_out, warp, check_books):
    lent_out()
    warp(20 * 86_400 + 5)
    index = vault.borrowIndex()
    debt_before, cash_before, total_before = vault.debtOf(market), vault.idleCash(), vault.totalAssets()
    tx = market.repay(borrower, 100 * USD + 1, sender=borrower)
    assert tx.return_value == (100 * USD + 1) * WAD // index
    [event] = tx.events.filter(vault.Repaid)
    assert (event.market, event.assets, event.debtUnits) == (market, 100 * USD + 1, tx.return_value)
    assert vault.idleCash() == cash_before + 100 * USD + 1
    assert debt_before - vault.debtOf(market) <= 100 * USD + 1
    assert vault.totalAssets() >= total_before
    assert usd.balanceOf(market) == 0  # the vault pulled what the market pulled from the payer
    check_books()


def test_repay__full_debt__burns_every_unit(vault, market, borrower, lent_out, warp, check_books):
    lent_out()
    warp(45 * 86_400 + 9)
    units = vault.debtUnitsOf(market)
    debt = vault.debtOf(market)
    assert debt == div_up(units * vault.borrowIndex(), WAD)
    tx = market.repayAll(borrower, sender=borrower)
    assert tx.return_value == debt
    assert vault.debtUnitsOf(market) == vault.totalDebtUnits() == 0
    assert vault.debtOf(market) == vault.totalDebt() == 0
    assert market.debtUnitsOf(borrower) == 0
    check_books()


def test_repay__more_than_debt__reverts(vault, market, borrower, stranger, lent_out):
    lent_out(borrowed=100 * USD)
    before = books(vault, market)
    with ape.reverts(vault.LendingVaultAmountExceedsDebt, market=market, assets=100 * USD + 1, debt=100 * USD):
        market.repay(borrower, 100 * USD + 1, sender=borrower)
    with ape.reverts(vault.LendingVaultAmountExceedsDebt, market=stranger, assets=1, debt=0):
        vault.repay(1, sender=stranger)  # not a market: it owes nothing
    with ape.reverts(vault.LendingVaultZeroAmount):
        market.repay(borrower, 0, sender=borrower)
    assert books(vault, market) == before


def test_repay__less_than_one_unit__reverts(vault, market, borrower, lent_out, warp):
    lent_out()
    warp(86_400)
    index = vault.borrowIndex()
    assert WAD // index == 0
    with ape.reverts(vault.LendingVaultDustAmount, assets=1, borrowIndex=index):
        market.repay(borrower, 1, sender=borrower)


def test_repay__share_price_never_falls(vault, market, borrower, lent_out, warp):
    """Borrow and repay round in the vault's favour: totalAssets only grows without bad debt."""
    lent_out(deposit=10_000 * USD, borrowed=3_000 * USD)
    total = vault.totalAssets()
    for step in range(8):
        warp(3_600 * (step + 1) + 7)
        if step % 2:
            market.repay(borrower, 77_777_777 + step, sender=borrower)
        else:
            market.borrow(55_555_555 + step, borrower, sender=borrower)
        assert vault.totalAssets() >= total
        total = vault.totalAssets()


# ---------------------------------------------------------------- interest


def test_interest__matches_the_model_below_and_above_the_kink(vault, market, borrower, lent_out, warp, now):
    lent_out(deposit=1_000 * USD, borrowed=500 * USD)
    model = VaultModel.read(vault, RATES, now())
    for borrowed, seconds in ((0, 86_400), (250 * USD, 7 * 86_400 + 3), (200 * USD, 30 * 86_400 + 1), (0, 1)):
        if borrowed:
            tx = market.borrow(borrowed, borrower, sender=borrower)
            model = VaultModel.read(vault, RATES, now())
        utilization = RATES.utilization(model.cash, model.debt)
        at = warp(seconds)
        interest, to_reserves = model.accrue(at)
        # Views accrue without writing ...
        assert vault.borrowIndex() == model.index
        assert vault.totalDebt() == model.debt
        assert vault.totalReserves() == model.reserves
        assert vault.totalAssets() == model.total_assets
        # ... exactly as the accrual then writes.
        tx = vault.accrue(sender=borrower)
        [event] = tx.events.filter(vault.InterestAccrued)
        assert (event.interest, event.toReserves, event.borrowIndex) == (interest, to_reserves, model.index)
        assert to_reserves == interest * RESERVE_FACTOR_BPS // 10_000
        if borrowed == 200 * USD:
            assert utilization > RATES.kink  # 95%: above the kink, on the steep slope
    assert model.index > WAD


def test_interest__kink_rates(vault, rate_model, market, borrower, lent_out):
    lent_out(deposit=1_000 * USD, borrowed=800 * USD)
    at_kink = vault.borrowRatePerSecond()
    assert at_kink == (RATES.base + RATES.slope1) // (365 * 86_400)
    market.borrow(100 * USD, borrower, sender=borrower)
    above = vault.borrowRatePerSecond()
    assert above == RATES.per_second(100 * USD, 900 * USD)
    assert above - at_kink > at_kink  # the slope above the kink is steep


def test_interest__none_without_debt(vault, lender, lent_out, warp):
    lent_out(borrowed=0)
    warp(365 * 86_400)
    tx = vault.accrue(sender=lender)
    assert not tx.events.filter(vault.InterestAccrued)
    assert vault.borrowIndex() == WAD
    assert vault.totalAssets() == 1_000 * USD


def test_interest__once_per_second(vault, market, borrower, lent_out, warp):
    lent_out()
    warp(1_000)
    first = vault.accrue(sender=borrower)
    assert first.events.filter(vault.InterestAccrued)
    second = vault.accrue(sender=borrower)  # same second: nothing to add
    assert not second.events.filter(vault.InterestAccrued)


# ---------------------------------------------------------------- reserve factor and reserves


def test_reserve_factor__set__accrues_at_the_old_factor_first(vault, gov, borrower, lent_out, warp, now):
    lent_out()
    model = VaultModel.read(vault, RATES, now())
    at = warp(10 * 86_400)
    interest, to_reserves = model.accrue(at)
    tx = vault.setReserveFactor(5_000, sender=gov)
    [accrued] = tx.events.filter(vault.InterestAccrued)
    assert accrued.toReserves == to_reserves == interest // 10
    [event] = tx.events.filter(vault.ReserveFactorSet)
    assert event.reserveFactorBps == 5_000 == vault.reserveFactorBps()
    model.reserve_factor_bps = 5_000
    at = warp(10 * 86_400)
    interest, to_reserves = model.accrue(at)
    assert vault.totalReserves() == model.reserves
    assert to_reserves == interest // 2


def test_reserve_factor__above_bound__reverts(vault, gov):
    with ape.reverts(vault.LendingVaultReserveFactorTooHigh, reserveFactorBps=5_001, maxReserveFactorBps=5_000):
        vault.setReserveFactor(5_001, sender=gov)
    assert vault.reserveFactorBps() == RESERVE_FACTOR_BPS


def test_withdraw_reserves(vault, usd, gov, treasury, market, borrower, lent_out, warp, check_books):
    lent_out()
    warp(90 * 86_400)
    market.repayAll(borrower, sender=borrower)
    reserves, total = vault.totalReserves(), vault.totalAssets()
    assert reserves > 0
    tx = vault.withdrawReserves(treasury, reserves, sender=gov)
    [event] = tx.events.filter(vault.ReservesWithdrawn)
    assert (event.to, event.assets) == (treasury, reserves)
    assert usd.balanceOf(treasury) == reserves
    assert vault.totalReserves() == 0
    assert vault.totalAssets() == total  # the lenders' claim is untouched
    check_books()


def test_withdraw_reserves__bad_inputs__revert(vault, gov, treasury, market, borrower, lender, lent_out, warp):
    lent_out()
    warp(90 * 86_400)
    vault.accrue(sender=gov)
    reserves = vault.totalReserves()
    before = books(vault, market)
    with ape.reverts(vault.LendingVaultInsufficientReserves, assets=reserves + 1, reserves=reserves):
        vault.withdrawReserves(treasury, reserves + 1, sender=gov)
    with ape.reverts(vault.LendingVaultZeroAmount):
        vault.withdrawReserves(treasury, 0, sender=gov)
    with ape.reverts(vault.LendingVaultZeroAddress):
        vault.withdrawReserves("0x0000000000000000000000000000000000000000", 1, sender=gov)
    assert books(vault, market) == before
    # Reserves are paid from idle cash only: lent out, they wait.
    vault.withdraw(vault.maxWithdraw(lender), lender, lender, sender=lender)
    assert vault.idleCash() < reserves
    with ape.reverts(vault.LendingVaultInsufficientLiquidity, assets=reserves, idleCash=vault.idleCash()):
        vault.withdrawReserves(treasury, reserves, sender=gov)


@pytest.mark.parametrize("reserve_factor", [0, 5_000])
def test_reserve_factor__bounds_of_the_split(
    create_vault, usd, project, gov, lender, borrower, fund, warp, now, reserve_factor
):
    other = create_vault(usd, reserve_factor_bps=reserve_factor)
    other_market = project.MockCollateralMarket.deploy(other, sender=gov)
    other.setMarket(other_market, True, DEBT_CEILING, sender=gov)
    fund(lender)
    usd.approve(other, 2**256 - 1, sender=lender)
    other.deposit(1_000 * USD, lender, sender=lender)
    other_market.borrow(900 * USD, borrower, sender=borrower)
    model = VaultModel.read(other, RATES, now())
    interest, to_reserves = model.accrue(warp(30 * 86_400))
    assert other.totalReserves() == to_reserves == interest * reserve_factor // 10_000
