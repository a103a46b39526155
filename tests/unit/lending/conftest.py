"""A standalone LendingVault over the MockStablecoin, with its KinkedRateModel, its own AccessManager (GOVERNOR and
PAUSER wired as `cap/deploy.py` will wire them) and a MockCollateralMarket registered with a debt ceiling.

Time stands still in these tests (`_frozen_clock`): anvil mints every block at the head's timestamp unless `warp` moves
it, so a view read at the head and the next transaction run at the same second, and interest is exactly computable.
"""

from __future__ import annotations

import pytest
from lending_model import KinkedRates

from cap.deploy import selector
from cap.roles import Role

USD = 10**6
RATES = KinkedRates(base=int(0.02e18), slope1=int(0.08e18), slope2=int(1.0e18), kink=int(0.8e18))
RESERVE_FACTOR_BPS = 1_000
DEBT_CEILING = 1_000_000 * USD
GOVERNOR_FUNCTIONS = ("setMarket", "setReserveFactor", "withdrawReserves")
PAUSER_FUNCTIONS = ("pause", "unpause")


# ---------------------------------------------------------------- accounts


@pytest.fixture(scope="session")
def lender(accounts):
    return accounts[10]


@pytest.fixture(scope="session")
def lender2(accounts):
    return accounts[11]


@pytest.fixture(scope="session")
def attacker(accounts):
    return accounts[12]


@pytest.fixture(scope="session")
def borrower(accounts):
    return accounts[13]


@pytest.fixture(scope="session")
def treasury(accounts):
    return accounts[14]


# ---------------------------------------------------------------- contracts


@pytest.fixture(scope="session")
def lending_manager(project, gov, pauser):
    manager = project.ProtocolAccessManager.deploy(gov, sender=gov)
    manager.grantRole(Role.GOVERNOR, gov, 0, sender=gov)
    manager.grantRole(Role.PAUSER, pauser, 0, sender=gov)
    return manager


@pytest.fixture(scope="session")
def usd(project, gov):
    return project.MockStablecoin.deploy(sender=gov)


@pytest.fixture(scope="session")
def rate_model(project, gov):
    return project.KinkedRateModel.deploy(*RATES.args(), sender=gov)


@pytest.fixture(scope="session")
def create_vault(project, gov, lending_manager, rate_model):
    """Deploys a vault over `token` (the MockStablecoin unless given) with its restricted functions wired."""

    def create(token, reserve_factor_bps: int = RESERVE_FACTOR_BPS, model=None):
        vault = project.LendingVault.deploy(
            lending_manager, token, model or rate_model, reserve_factor_bps, "CAP Lending USD", "capUSD", sender=gov
        )
        for names, role in ((GOVERNOR_FUNCTIONS, Role.GOVERNOR), (PAUSER_FUNCTIONS, Role.PAUSER)):
            selectors = [selector(vault, name) for name in names]
            lending_manager.setTargetFunctionRole(vault, selectors, role, sender=gov)
        return vault

    return create


@pytest.fixture(scope="session")
def vault(create_vault, usd):
    return create_vault(usd)


@pytest.fixture(scope="session")
def market(project, vault, gov):
    market = project.MockCollateralMarket.deploy(vault, sender=gov)
    vault.setMarket(market, True, DEBT_CEILING, sender=gov)
    return market


@pytest.fixture(scope="session")
def market2(project, vault, gov):
    """A second market, registered, sharing the vault's liquidity."""
    market = project.MockCollateralMarket.deploy(vault, sender=gov)
    vault.setMarket(market, True, DEBT_CEILING, sender=gov)
    return market


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(
    project,
    chain,
    accounts,
    gov,
    pauser,
    stranger,
    lender,
    lender2,
    attacker,
    borrower,
    treasury,
    vault,
    market,
    market2,
    usd,
    rate_model,
    lending_manager,
    create_vault,
    fund,
    warp,
    now,
    check_books,
    lent_out,
):
    """Sets up the session fixtures before any module state: Ape snapshots the chain per scope, and a session
    fixture first requested after a module snapshot forces a costly rebase."""


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module", autouse=True)
def _frozen_clock(chain):
    """Stops anvil's wall clock for this module's tests (blocks keep the head's timestamp until `warp`)."""
    chain.provider.make_request("anvil_setBlockTimestampInterval", [0])
    yield
    chain.provider.make_request("anvil_removeBlockTimestampInterval", [])


@pytest.fixture(scope="session")
def fund(usd, vault, market, market2):
    """Mints `amount` to each account and approves the vault and the markets for all of it."""

    def fund(*accounts, amount: int = 1_000_000 * USD):
        for account in accounts:
            usd.mint(account, amount, sender=account)
            for spender in (vault, market, market2):
                usd.approve(spender, 2**256 - 1, sender=account)

    return fund


@pytest.fixture(scope="session")
def warp(chain):
    """Moves time by `seconds` and mines, so views and the next transaction share the new timestamp."""

    def warp(seconds: int) -> int:
        chain.pending_timestamp = chain.blocks.head.timestamp + seconds
        chain.mine()
        return chain.blocks.head.timestamp

    return warp


@pytest.fixture(scope="session")
def now(chain):
    return lambda: chain.blocks.head.timestamp


@pytest.fixture(scope="session")
def check_books(usd, vault, market, market2):
    """The accounting identities of ILendingVault, read at the head."""

    def check() -> None:
        cash, debt, reserves = vault.idleCash(), vault.totalDebt(), vault.totalReserves()
        assert cash + debt == vault.totalAssets() + reserves
        assert usd.balanceOf(vault) >= cash
        assert vault.debtOf(market) + vault.debtOf(market2) >= debt
        assert vault.debtUnitsOf(market) + vault.debtUnitsOf(market2) == vault.totalDebtUnits()
        assert vault.convertToAssets(vault.totalSupply()) <= vault.totalAssets()

    return check


@pytest.fixture(scope="session")
def lent_out(vault, market, lender, borrower, fund):
    """`lender` deposits `deposit`, `borrower` borrows `borrowed` through `market`."""

    def lent_out(deposit: int = 1_000 * USD, borrowed: int = 700 * USD):
        fund(lender, borrower)
        vault.deposit(deposit, lender, sender=lender)
        if borrowed:
            market.borrow(borrowed, borrower, sender=borrower)

    return lent_out
