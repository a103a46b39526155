"""Adversarial tests: the core `system` on a ReentrantToken (a MockStablecoin, with issuer blacklist and pause, that
can be armed to call back during a transfer), its LeaseMarket and RevenueRouter, a LendingVault over the same token
with a MockCollateralMarket, and helpers for attacker contracts (ReentrantReceiver).

Setups reuse the area helpers: `lease_helpers` (offers, clock), `lending_model` (rate model) and `nav_model`
(appraisal digests).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

UNIT = Path(__file__).resolve().parent.parent
for area in ("lease", "lending", "nav"):
    if str(UNIT / area) not in sys.path:
        sys.path.append(str(UNIT / area))

from lease_helpers import Clock, offer  # noqa: E402
from lending_model import KinkedRates  # noqa: E402

from cap.deploy import selector  # noqa: E402
from cap.roles import Role  # noqa: E402

USD = 10**6
RATES = KinkedRates(base=int(0.02e18), slope1=int(0.08e18), slope2=int(1.0e18), kink=int(0.8e18))
DEBT_CEILING = 1_000_000 * USD


def error_data(contract: Any, name: str, *values: Any) -> bytes:
    """ABI-encoded custom error `name` of `contract` (selector and arguments), as revert data."""
    from eth_abi import encode
    from eth_utils import keccak

    abi = next(error for error in contract.contract_type.errors if error.name == name)
    return keccak(text=abi.selector)[:4] + encode([arg.canonical_type for arg in abi.inputs], values)


def calldata(contract: Any, function: str, *args: Any) -> bytes:
    """Calldata of `contract.function(*args)` (for an attacker's `execute`, `setAttack` or a token's `arm`)."""
    return bytes(getattr(contract, function).encode_input(*args))


REENTRANT_CALL = bytes.fromhex("3ee5aeb5")  # ReentrancyGuardReentrantCall()


# ---------------------------------------------------------------- the system, on a ReentrantToken


@pytest.fixture(scope="session")
def system(project, gov, params, staff):
    """As the shared `system`, but its stablecoin is a ReentrantToken (disarmed, it is a MockStablecoin)."""
    from cap.deploy import deploy_system

    return staff(deploy_system(gov, params, stablecoin=project.ReentrantToken.deploy(sender=gov)))


@pytest.fixture(scope="session")
def renter(accounts):
    return accounts[10]


@pytest.fixture(scope="session")
def renter2(accounts):
    return accounts[11]


@pytest.fixture(scope="session")
def lenders(accounts):
    return accounts[12:14]


@pytest.fixture(scope="session")
def buyer(accounts):
    return accounts[14]


@pytest.fixture(scope="session")
def token(system):
    return system.stablecoin


@pytest.fixture(scope="session")
def market(system):
    return system.lease_market


@pytest.fixture(scope="session")
def router(system):
    return system.router


@pytest.fixture(scope="session")
def clock(chain, oracle):
    return Clock(chain, oracle.genesis(), oracle.epochSeconds())


@pytest.fixture(scope="session")
def mint(token, gov):
    """Mints `amount` to `account` and, when `spender` is given, approves it for that amount (`account` an EOA)."""

    def mint(account, amount: int, spender=None) -> None:
        token.mint(account, amount, sender=gov)
        if spender is not None:
            token.approve(spender, amount, sender=account)

    return mint


@pytest.fixture(scope="session")
def attacker_contract(project, token, gov, verify):
    """Deploys a ReentrantReceiver, hooked into the token's transfers and verified as an investor."""

    def deploy(hooked: bool = True):
        attacker = project.ReentrantReceiver.deploy(sender=gov)
        if hooked:
            token.setHooked(attacker, True, sender=gov)
        verify(attacker)
        return attacker

    return deploy


@pytest.fixture(scope="session")
def act(gov):
    """`act(attacker, contract, function, *args)`: the attacker contract calls `contract.function(*args)`."""

    def act(attacker, contract, function: str, *args, sender=None):
        return attacker.execute(contract, calldata(contract, function, *args), sender=sender or gov)

    return act


@pytest.fixture(scope="session")
def leasable(market, operator, register_asset, activate):
    """A fresh active asset with an offer (the defaults of the lease tests unless told)."""

    def leasable(**offer_args) -> int:
        asset_id = register_asset()
        activate(asset_id)
        market.setOffer(asset_id, offer(**offer_args), sender=operator)
        return asset_id

    return leasable


@pytest.fixture(scope="session")
def book(market, mint, clock):
    """Funds `renter` and rents `hours` of `asset_id` from `start` (the current epoch unless given): the lease id."""

    def book(asset_id: int, renter, hours: int = 24, start: int | None = None) -> int:
        price = market.offerOf(asset_id).pricePerHour * hours
        if start is None:
            start = clock.start_of(clock.fresh_epoch())
        mint(renter, price, market)
        tx = market.rent(asset_id, start, hours, price, sender=renter)
        return tx.events.filter(market.LeaseBooked)[0].leaseId

    return book


@pytest.fixture(scope="session")
def fractionalized(register_asset, activate, fractionalize, verify, investors):
    """A fresh active asset fractionalized to `recipient` (the operator unless given): its share token."""

    def make(recipient=None, supply: int = 1_000_000 * 10**18):
        asset_id = register_asset()
        activate(asset_id)
        verify(*investors)
        return fractionalize(asset_id, supply=supply, recipient=recipient)

    return make


@pytest.fixture(scope="session")
def distribute(token, operator):
    """The operator pays `amount` of revenue into a share token with `distribute`."""

    def distribute(shares, amount: int, sender=None) -> None:
        sender = sender or operator
        token.mint(sender, amount, sender=sender)
        token.approve(shares, amount, sender=sender)
        shares.distribute(amount, sender=sender)

    return distribute


# ---------------------------------------------------------------- the lending vault, on the same token


def deploy_vault(system: Any, admin: Any, asset: Any) -> Any:
    """A LendingVault over `asset` (10% reserve factor, the lending tests' kinked rates), managed by the system's
    AccessManager with its restricted functions wired as the lending tests wire them."""
    from ape import project

    rate_model = project.KinkedRateModel.deploy(*RATES.args(), sender=admin)
    vault = project.LendingVault.deploy(system.manager, asset, rate_model, 1_000, "CAP USD", "capUSD", sender=admin)
    governed = [selector(vault, name) for name in ("setMarket", "setReserveFactor", "withdrawReserves")]
    system.manager.setTargetFunctionRole(vault, governed, Role.GOVERNOR, sender=admin)
    paused = [selector(vault, name) for name in ("pause", "unpause")]
    system.manager.setTargetFunctionRole(vault, paused, Role.PAUSER, sender=admin)
    return vault


@pytest.fixture(scope="session")
def vault(system, gov):
    return deploy_vault(system, gov, system.stablecoin)


@pytest.fixture(scope="session")
def collateral_market(project, vault, gov):
    market = project.MockCollateralMarket.deploy(vault, sender=gov)
    vault.setMarket(market, True, DEBT_CEILING, sender=gov)
    return market


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(
    system,
    token,
    market,
    router,
    clock,
    vault,
    collateral_market,
    investors,
    stranger,
    attesters,
    gov,
    operator,
    renter,
    renter2,
    lenders,
    buyer,
    mint,
    book,
    leasable,
    fractionalized,
    distribute,
    attacker_contract,
    act,
):
    """Sets up the session fixtures before any module state: Ape snapshots the chain per scope, and a session
    fixture first requested after a module snapshot forces a costly rebase."""
