"""The CollateralMarket's payout points under a freezing stablecoin and a re-entering token: liquidation proceeds
(seized shares to the liquidator, the repayment pulled from it), a borrower's revenue credit, repayments. A frozen
party waits with its balance kept; liquidations of others go on; re-entry is refused by the market's guard."""

import ape
import pytest
from conftest import REENTRANT_CALL, USD, calldata

from cap.lending import lending_of, open_market, submit_appraisal

SHARE = 10**18
PRICE = 2 * USD
COLLATERAL = 50_000 * SHARE  # worth 100,000 USD
DEBT = 40_000 * USD
INTEREST_SLACK = 1_000  # interest accrued between reading the debt and the liquidation's block (< 0.001 USD)


@pytest.fixture(scope="module")
def lending(system, gov, lenders):
    from ape import accounts

    lending = lending_of(system)
    appraiser = accounts.test_accounts.generate_test_account()
    lending.nav.setAppraiser(appraiser, True, sender=gov)
    lending.appraiser = appraiser
    lender = lenders[0]
    system.stablecoin.mint(lender, 1_000_000 * USD, sender=lender)
    system.stablecoin.approve(lending.vault, 2**256 - 1, sender=lender)
    lending.vault.deposit(1_000_000 * USD, lender, sender=lender)
    return lending


@pytest.fixture(scope="module")
def collateral(system, lending, gov, operator, investors, fractionalized, router, token, chain, stranger):
    """A market on a fresh asset (revenue routed, appraised at 2 USD a share) and two borrowers with shares."""
    shares = fractionalized()
    asset_id = shares.assetId()
    token.mint(operator, 100_000 * USD, sender=operator)
    token.approve(router, 100_000 * USD, sender=operator)
    router.deposit(asset_id, 100_000 * USD, 1, sender=operator)
    chain.pending_timestamp += 60
    submit_appraisal(lending.nav, lending.appraiser, asset_id, PRICE, stranger)
    market = open_market(system, lending, asset_id, gov, None, 500_000 * USD)
    for borrower in investors[:2]:
        shares.transfer(borrower, 100_000 * SHARE, sender=operator)
        shares.approve(market, 2**256 - 1, sender=borrower)
    return market, shares, asset_id


@pytest.fixture
def underwater(collateral, lending, investors, chain, stranger):
    """Both borrowers borrowed 40,000 against 50,000 shares; the appraisal then fell three times by 20%."""
    market, shares, asset_id = collateral
    for borrower in investors[:2]:
        market.supplyCollateral(borrower, COLLATERAL, sender=borrower)
        market.borrow(DEBT, borrower, sender=borrower)
    price = PRICE
    for _ in range(3):
        price = price * 8 // 10
        chain.pending_timestamp += 60
        submit_appraisal(lending.nav, lending.appraiser, asset_id, price, stranger)
    assert market.positionOf(investors[0]).liquidatable
    return market, shares


@pytest.fixture
def liquidators(accounts, verify, token, gov):
    pair = accounts[15:17]
    verify(*pair)
    return pair


def fund(token, account, spender, amount=100_000 * USD):
    token.mint(account, amount, sender=account)
    token.approve(spender, amount, sender=account)


def test_liquidation__blacklisted_borrower_is_still_liquidated(underwater, token, gov, investors, liquidators):
    market, shares = underwater
    borrower, liquidator = investors[0], liquidators[0]
    fund(token, liquidator, market)
    token.setBlacklisted(borrower, True, sender=gov)
    debt = market.debtOf(borrower)
    repaid, seized = market.liquidate(borrower, 10_000 * USD, sender=liquidator).return_value
    assert shares.balanceOf(liquidator) == seized > 0
    assert market.debtOf(borrower) <= debt - repaid + INTEREST_SLACK


def test_liquidation__blacklisted_liquidator_refused_another_liquidates(underwater, token, gov, investors, liquidators):
    market, shares = underwater
    blocked, other = liquidators
    for account in liquidators:
        fund(token, account, market)
    token.setBlacklisted(blocked, True, sender=gov)

    def stored(view):  # what the market stores (the debt in money grows with each second)
        return (view.collateral, view.debtUnits, view.credit)

    position = stored(market.positionOf(investors[0]))
    with ape.reverts(token.MockStablecoinBlacklisted, account=blocked.address):
        market.liquidate(investors[0], 10_000 * USD, sender=blocked)
    assert stored(market.positionOf(investors[0])) == position
    market.liquidate(investors[0], 10_000 * USD, sender=other)
    assert shares.balanceOf(other) > 0


@pytest.mark.parametrize("reentry", ["liquidate", "repay", "claimRevenue"])
def test_liquidation__token_reenters_the_market_during_the_pull__refused(
    underwater, token, gov, investors, liquidators, reentry
):
    market, shares = underwater
    borrower, liquidator = investors[0], liquidators[0]
    fund(token, liquidator, market)
    args = {
        "liquidate": (investors[1].address, 10_000 * USD),
        "repay": (borrower.address, 1_000 * USD),
        "claimRevenue": (liquidator.address,),
    }[reentry]
    token.arm(market, calldata(market, reentry, *args), 0, sender=gov)
    debt = market.debtOf(borrower)
    repaid, seized = market.liquidate(borrower, 10_000 * USD, sender=liquidator).return_value
    assert token.attempted() and not token.succeeded()
    assert bytes(token.returnData())[:4] == REENTRANT_CALL
    assert shares.balanceOf(liquidator) == seized
    assert market.debtOf(borrower) <= debt - repaid + INTEREST_SLACK


def test_revenue_credit__blacklisted_borrower_keeps_it_then_claims(collateral, router, token, gov, operator, investors):
    market, shares, asset_id = collateral
    borrower = investors[1]
    market.supplyCollateral(borrower, COLLATERAL, sender=borrower)  # no debt: its revenue becomes a credit
    token.mint(operator, 10_000 * USD, sender=operator)
    token.approve(router, 10_000 * USD, sender=operator)
    router.deposit(asset_id, 10_000 * USD, 1, sender=operator)
    market.sweep(borrower, sender=operator)
    credit = market.positionOf(borrower).credit
    assert credit > 0
    token.setBlacklisted(borrower, True, sender=gov)
    with ape.reverts(token.MockStablecoinBlacklisted, account=borrower.address):
        market.claimRevenue(borrower, sender=borrower)
    assert market.positionOf(borrower).credit == credit
    token.setBlacklisted(borrower, False, sender=gov)
    token.arm(market, calldata(market, "claimRevenue", borrower.address), 0, sender=gov)
    before = token.balanceOf(borrower)
    market.claimRevenue(borrower, sender=borrower)
    assert token.attempted() and not token.succeeded()
    assert token.balanceOf(borrower) - before == credit
    assert market.positionOf(borrower).credit == 0
