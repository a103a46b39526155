"""Collateral markets on the core `system`: the system's lending contracts (`cap.lending.lending_of`), one funded vault,
and a market per asset made by `make_market`: an active asset whose shares were fractionalized to the operator, a
trailing revenue record high enough that the appraisal sets the price, a fresh appraisal of 2 USD per share, and
100,000 shares handed to the borrower.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from cap.lending import RiskParams, lending_of, open_market, submit_appraisal

USD = 10**6
SHARE = 10**18
PRICE = 2 * USD  # per whole share
BORROWER_SHARES = 100_000 * SHARE
LIQUIDITY = 1_000_000 * USD
DEBT_CEILING = 500_000 * USD
REVENUE = 100_000 * USD  # routed before the market opens: a revenue price above the appraisal


@dataclass
class Market:
    asset_id: int
    shares: Any
    market: Any


@pytest.fixture(scope="session")
def appraiser():
    from ape import accounts

    return accounts.test_accounts.generate_test_account()


@pytest.fixture(scope="session")
def lender(accounts):
    return accounts[10]


@pytest.fixture(scope="session")
def borrower(investors):
    return investors[0]


@pytest.fixture(scope="session")
def liquidator(investors):
    return investors[1]


@pytest.fixture(scope="session")
def lending(system, gov, appraiser, lender):
    lending = lending_of(system)
    lending.nav.setAppraiser(appraiser, True, sender=gov)
    system.stablecoin.mint(lender, LIQUIDITY, sender=lender)
    system.stablecoin.approve(lending.vault, 2**256 - 1, sender=lender)
    lending.vault.deposit(LIQUIDITY, lender, sender=lender)
    return lending


@pytest.fixture(scope="session")
def vault(lending):
    return lending.vault


@pytest.fixture(scope="session")
def nav(lending):
    return lending.nav


@pytest.fixture(scope="session")
def route(system, operator):
    """Routes `amount` of other (non-rent) revenue for an asset, paid by the operator; returns the holders' part."""

    def route(asset_id: int, amount: int) -> int:
        system.stablecoin.mint(operator, amount, sender=operator)
        system.stablecoin.approve(system.router, amount, sender=operator)
        receipt = system.router.deposit(asset_id, amount, 1, sender=operator)
        return receipt.events.filter(system.router.RevenueRouted)[0].holdersPart

    return route


@pytest.fixture(scope="session")
def appraise(nav, appraiser, stranger, chain):
    """Submits an appraisal of `price` (per whole share) a minute later than the pending block."""

    def appraise(asset_id: int, price: int, after: int = 60):
        chain.pending_timestamp += after
        return submit_appraisal(nav, appraiser, asset_id, price, stranger)

    return appraise


@pytest.fixture(scope="session")
def make_market(system, lending, gov, operator, borrower, register_asset, activate, fractionalize, route, appraise):
    def make(risk: RiskParams | None = None, debt_ceiling: int = DEBT_CEILING, price: int = PRICE) -> Market:
        asset_id = register_asset()
        activate(asset_id)
        shares = fractionalize(asset_id)
        route(asset_id, REVENUE)
        appraise(asset_id, price)
        market = open_market(system, lending, asset_id, gov, risk, debt_ceiling)
        shares.transfer(borrower, BORROWER_SHARES, sender=operator)
        shares.approve(market, 2**256 - 1, sender=borrower)
        return Market(asset_id, shares, market)

    return make


@pytest.fixture(scope="session")
def ctx(make_market):
    return make_market()


@pytest.fixture(scope="session")
def market(ctx):
    return ctx.market


@pytest.fixture(scope="session")
def usd(system):
    return system.stablecoin


@pytest.fixture(scope="session")
def fund(usd):
    """Mints `amount` to `account` and approves `spender` for it."""

    def fund(account, amount: int, spender) -> None:
        usd.mint(account, amount, sender=account)
        usd.approve(spender, amount, sender=account)

    return fund


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(
    system, lending, ctx, shares, gov, operator, stranger, borrower, liquidator, lender, appraiser, investors, chain
):
    """Sets up the session fixtures before any module state (Ape snapshots the chain per scope)."""
