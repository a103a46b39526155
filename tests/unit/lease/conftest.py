"""A LeaseMarket wired into the core `system`, depositing rent into a MockRevenueRouter (a test double that pulls and
records deposits), an active asset with an offer, and helpers to book, attest and move time by epochs.
"""

from __future__ import annotations

import pytest
from lease_helpers import ATTEST_BATCH, Clock, deploy_market, offer

from cap.roles import Role

# ---------------------------------------------------------------- accounts


@pytest.fixture(scope="session")
def arbiter(accounts):
    return accounts[12]


@pytest.fixture(scope="session")
def renter(accounts):
    return accounts[13]


@pytest.fixture(scope="session")
def renter2(accounts):
    return accounts[14]


# ---------------------------------------------------------------- contracts


@pytest.fixture(scope="session")
def router(project, system, gov):
    return project.MockRevenueRouter.deploy(system.stablecoin, sender=gov)


@pytest.fixture(scope="session")
def market(system, gov, router, arbiter):
    market = deploy_market(system, gov, router)
    system.manager.grantRole(Role.ARBITER, arbiter, 0, sender=gov)
    return market


@pytest.fixture(scope="session")
def asset_id(system, market, operator, register_asset, activate):
    """An active asset with the default offer listed."""
    asset_id = register_asset()
    activate(asset_id)
    market.setOffer(asset_id, offer(), sender=operator)
    return asset_id


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(
    system,
    market,
    router,
    asset_id,
    gov,
    operator,
    pauser,
    stranger,
    arbiter,
    renter,
    renter2,
    register_asset,
    activate,
    attest,
    clock,
    fund,
    book,
    attest_range,
    escrow_state,
    check_solvency,
):
    """Sets up the session fixtures before any module state: Ape snapshots the chain per scope, and a session
    fixture first requested after a module snapshot forces a costly rebase."""


# ---------------------------------------------------------------- time and helpers


@pytest.fixture(scope="session")
def clock(chain, oracle):
    return Clock(chain, oracle.genesis(), oracle.epochSeconds())


@pytest.fixture(scope="session")
def fund(stablecoin, market):
    """Mints `amount` to `account` and approves the market for exactly that."""

    def fund(account, amount: int, spender=None) -> None:
        stablecoin.mint(account, amount, sender=account)
        stablecoin.approve(spender or market, amount, sender=account)

    return fund


@pytest.fixture(scope="session")
def book(market, asset_id, renter, clock, fund):
    """Funds the renter and rents `hours` from `start` (the current epoch unless given); returns the lease id."""

    def book(hours: int = 24, start: int | None = None, sender=None, asset: int | None = None, max_price=None):
        sender = sender or renter
        asset = asset_id if asset is None else asset
        price = market.offerOf(asset).pricePerHour * hours
        if start is None:
            start = clock.start_of(clock.fresh_epoch())
        fund(sender, price)
        tx = market.rent(asset, start, hours, price if max_price is None else max_price, sender=sender)
        return tx.events.filter(market.LeaseBooked)[0].leaseId

    return book


@pytest.fixture(scope="session")
def attest_range(attest):
    """Attests the epochs `[from_epoch, to_epoch)` of an asset in batches, moving time past them."""

    def attest_range(asset_id: int, from_epoch: int, to_epoch: int, uptime_bps: int = 10_000):
        for first in range(from_epoch, to_epoch, ATTEST_BATCH):
            attest(asset_id, range(first, min(first + ATTEST_BATCH, to_epoch)), uptime_bps=uptime_bps)

    return attest_range


@pytest.fixture(scope="session")
def escrow_state(market, stablecoin):
    """What a refused call must leave unchanged: counts, totals and the market's balance."""

    def state(*accounts) -> tuple:
        return (
            market.leaseCount(),
            market.totalEscrowed(),
            market.totalRefundable(),
            market.totalUnrouted(),
            stablecoin.balanceOf(market),
            tuple(stablecoin.balanceOf(account) for account in accounts),
            tuple(market.refundableOf(account) for account in accounts),
        )

    return state


@pytest.fixture(scope="session")
def check_solvency(market, stablecoin):
    """Invariant 2: the market's balance covers every unsettled prepaid rent, every refundable credit and the
    released rent awaiting routing (exactly, as nobody sends it tokens directly in these tests)."""

    def check() -> None:
        owed = market.totalEscrowed() + market.totalRefundable() + market.totalUnrouted()
        assert stablecoin.balanceOf(market) == owed

    return check
