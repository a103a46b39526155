"""A RevenueRouter wired into the core `system` (5% protocol fee, 15% operator fee), a stand-in lease market
registered as the rent source, and helpers to fund depositors and route revenue.

`cap.deploy` deploys the protocol's own router (`system.router`, rent source: the LeaseMarket contract); these unit
tests deploy and wire their own with `_deploy_router` (fixture `deploy_router`), so that an account can stand in for
the lease market, with the role table ROUTER_FUNCTION_ROLES (a test checks that it matches
`cap.deploy.FUNCTION_ROLES["router"]`). `build_system(stablecoin)` makes a second core system on another
stablecoin, with a router of these tests and a fractionalized asset (fee-on-transfer and plain ERC-20 tests).
"""

from __future__ import annotations

from typing import Any

import pytest

from cap.deploy import System, set_function_roles
from cap.roles import Role

PROTOCOL_FEE_BPS = 500
OPERATOR_FEE_BPS = 1_500


class Source:
    """IRevenueRouter.Source."""

    RENT = 0
    INFERENCE = 1
    MINING = 2
    OTHER = 3


# RevenueRouter function -> role (the entries `cap.deploy.FUNCTION_ROLES` gets under "router"). Not restricted:
# deposit (checks its depositors itself), syncRoute and the withdrawals (anyone may call; funds go to the payee).
ROUTER_FUNCTION_ROLES: dict[str, Role] = {
    "setFees": Role.GOVERNOR,
    "setTreasury": Role.GOVERNOR,
    "setRentSource": Role.ADMIN,  # wiring: the admin registers the lease market when it deploys it
}


def split_down(amount: int, protocol_bps: int = PROTOCOL_FEE_BPS, operator_bps: int = OPERATOR_FEE_BPS):
    """The router's split: both fees rounded down, the holders' part the remainder."""
    protocol_fee = amount * protocol_bps // 10_000
    operator_fee = amount * operator_bps // 10_000
    return protocol_fee, operator_fee, amount - protocol_fee - operator_fee


def _deploy_router(
    system: System,
    admin: Any,
    treasury: Any,
    protocol_fee_bps: int = PROTOCOL_FEE_BPS,
    operator_fee_bps: int = OPERATOR_FEE_BPS,
) -> Any:
    """Deploys a RevenueRouter for `system` and sets the roles of its restricted functions."""
    from ape import project

    router = project.RevenueRouter.deploy(
        system.manager,
        system.stablecoin,
        system.assets,
        system.factory,
        treasury,
        protocol_fee_bps,
        operator_fee_bps,
        sender=admin,
    )
    set_function_roles(system.manager, router, ROUTER_FUNCTION_ROLES, admin)
    return router


@pytest.fixture(scope="session")
def treasury(accounts):
    return accounts[10]


@pytest.fixture(scope="session")
def lease_market(accounts):
    """An account standing in for the LeaseMarket contract: the registered rent source."""
    return accounts[11]


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(
    system,
    shares,
    register_asset,
    activate,
    fractionalize,
    verify,
    deploy_router,
    split,
    gas_report,
    params,
    gov,
    operator,
    compliance_agent,
    investors,
    stranger,
    treasury,
    lease_market,
    build_system,
    router_function_roles,
):
    """Sets up the session fixtures before any module state: Ape snapshots the chain per scope, and a session
    fixture first requested after a module snapshot forces a costly rebase."""


@pytest.fixture(scope="session")
def router_function_roles():
    return ROUTER_FUNCTION_ROLES


@pytest.fixture(scope="session")
def deploy_router():
    """`deploy_router(system, admin, treasury, protocol_fee_bps, operator_fee_bps)`: deploys and wires a router."""
    return _deploy_router


@pytest.fixture(scope="module")
def router(system, gov, treasury, lease_market):
    router = _deploy_router(system, gov, treasury)
    router.setRentSource(lease_market, True, sender=gov)  # gov is the AccessManager's admin
    return router


@pytest.fixture(scope="session")
def split():
    """The router's split, for expected values."""
    return split_down


@pytest.fixture(scope="module")
def asset_id(shares):
    """The fractionalized asset of the session `shares` fixture (whole supply with the operator)."""
    return shares.assetId()


@pytest.fixture(scope="module")
def fund(stablecoin, router):
    """Mints `amount` to `account` and approves the router for exactly that."""

    def fund(account, amount: int) -> None:
        stablecoin.mint(account, amount, sender=account)
        stablecoin.approve(router, amount, sender=account)

    return fund


@pytest.fixture(scope="module")
def route(chain, router, fund, lease_market, operator):
    """Funds the depositor and deposits: rent from the lease market, any other source from the operator."""

    def route(asset_id: int, amount: int, source: int = Source.RENT, sender=None, at: int | None = None):
        """`at`: the deposit block's timestamp (set after funding, so that the funding blocks do not take it)."""
        sender = sender or (lease_market if source == Source.RENT else operator)
        fund(sender, amount)
        if at is not None:
            chain.pending_timestamp = at
        return router.deposit(asset_id, amount, source, sender=sender)

    return route


@pytest.fixture(scope="session")
def build_system(chain, gov, params, operator, compliance_agent, attesters, stranger, spec, treasury, lease_market):
    """`build_system(stablecoin)`: another core system on `stablecoin`, with a router (lease_market its rent source)
    and one asset activated by a clean burn-in and fractionalized to the operator: (system, router, asset_id, shares).
    """
    from eth_utils import keccak

    from cap.deploy import deploy_system, grant
    from cap.reports import EnergyMode, UsageReport, submit_reports

    def build(stablecoin) -> tuple:
        other = deploy_system(gov, params, stablecoin=stablecoin)
        for role, account in (
            (Role.ONBOARDING, gov),
            (Role.OPERATOR, operator),
            (Role.ORACLE_ADMIN, gov),
            (Role.COMPLIANCE, compliance_agent),
        ):
            grant(other, gov, role, account)
        for attester in attesters:
            other.oracle.addAttester(attester, sender=gov)
        other.oracle.setQuorum(params.quorum, sender=gov)
        tx = other.assets.registerAsset(
            spec.as_tuple(), keccak(text=f"other-{stablecoin.address}"), keccak(text="doc"), sender=operator
        )
        asset_id = tx.events.filter(other.assets.AssetRegistered)[0].assetId

        chain.pending_timestamp += params.epoch_seconds
        start = other.oracle.currentEpoch() + 1
        epochs = range(start, start + params.burn_in_epochs)
        chain.pending_timestamp = max(chain.pending_timestamp, other.oracle.epochStart(epochs[-1] + 1))
        reports = [
            UsageReport(asset_id, epoch, 10_000, 8_000, 8_000, 9_000, EnergyMode.AI, bytes(32)) for epoch in epochs
        ]
        submit_reports(other.oracle, reports, attesters[: params.quorum], stranger)
        other.assets.activate(asset_id, sender=operator)

        other.compliance.verifyInvestor(operator, chain.pending_timestamp + 365 * 86_400, 840, sender=compliance_agent)
        other.assets.approve(other.factory, asset_id, sender=operator)
        other.factory.fractionalize(asset_id, operator, 1_000_000 * 10**18, sender=operator)
        router = _deploy_router(other, gov, treasury)
        router.setRentSource(lease_market, True, sender=gov)
        return other, router, asset_id, other.shares(asset_id)

    return build


@pytest.fixture(scope="module")
def plain_asset_id(register_asset):
    """A registered asset that was never fractionalized (owned by the operator)."""
    return register_asset()


@pytest.fixture(scope="module", autouse=True)
def _module_fixtures_first(_session_fixtures_first, router, asset_id, plain_asset_id, fund, route):
    """The same for this area's module fixtures: all set up before a module's first test."""
