"""A NavOracle wired into the core `system` (heartbeat one day, 20% change bound, 5x annualised revenue over 30
days), two appraisers, a rent-source account registered on the real `system.router`, and helpers to sign and submit
appraisals, route revenue and move time.

Function roles: NAV_FUNCTION_ROLES, the entries `cap.deploy.FUNCTION_ROLES` should get under "nav_oracle".
"""

from __future__ import annotations

from typing import Any

import pytest
from nav_model import HEARTBEAT, MAX_CHANGE_BPS, MULTIPLE_BPS, REVENUE_WINDOW, Appraisal, appraisal_digest

from cap.deploy import selector
from cap.reports import sign_digest
from cap.roles import Role

NAV_FUNCTION_ROLES: dict[str, Role] = {
    "setAppraiser": Role.GOVERNOR,
    "setHeartbeat": Role.GOVERNOR,
    "setMaxChangeBps": Role.GOVERNOR,
    "setMultipleBps": Role.GOVERNOR,
    "setRevenueWindow": Role.GOVERNOR,
}


def deploy_nav(system: Any, admin: Any, **overrides: Any) -> Any:
    """Deploys a NavOracle for `system` and sets the roles of its restricted functions."""
    from ape import project

    args = {
        "heartbeat": HEARTBEAT,
        "max_change_bps": MAX_CHANGE_BPS,
        "multiple_bps": MULTIPLE_BPS,
        "revenue_window": REVENUE_WINDOW,
    } | overrides
    nav = project.NavOracle.deploy(
        system.manager,
        system.router,
        system.factory,
        args["heartbeat"],
        args["max_change_bps"],
        args["multiple_bps"],
        args["revenue_window"],
        sender=admin,
    )
    selectors = [selector(nav, name) for name in NAV_FUNCTION_ROLES]
    system.manager.setTargetFunctionRole(nav, selectors, Role.GOVERNOR, sender=admin)
    return nav


@pytest.fixture(scope="session")
def appraisers():
    """Two appraiser keys that only sign, and a third key that is never appointed."""
    from ape import accounts

    return [accounts.test_accounts.generate_test_account() for _ in range(3)]


@pytest.fixture(scope="session")
def rent_source(accounts):
    """An account standing in for the lease market on `system.router`."""
    return accounts[12]


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(system, shares, gov, operator, stranger, appraisers, rent_source, register_asset, chain):
    """Sets up the session fixtures before any module state (Ape snapshots the chain per scope)."""


@pytest.fixture(scope="module")
def nav(system, gov, appraisers, rent_source):
    nav = deploy_nav(system, gov)
    for appraiser in appraisers[:2]:
        nav.setAppraiser(appraiser, True, sender=gov)
    system.router.setRentSource(rent_source, True, sender=gov)  # ADMIN (gov) wires rent sources
    return nav


@pytest.fixture(scope="module")
def asset_id(shares):
    return shares.assetId()


@pytest.fixture(scope="module")
def sign(chain, nav):
    """`sign(signer, appraisal, chain_id=None, contract=None)`: a 65-byte signature for this oracle unless told."""

    def sign(signer: Any, appraisal: Appraisal, chain_id: int | None = None, contract: str | None = None) -> bytes:
        digest = appraisal_digest(appraisal, chain_id or chain.chain_id, contract or nav.address)
        return sign_digest(signer, digest)

    return sign


@pytest.fixture(scope="module")
def appraise(chain, nav, sign, appraisers, stranger):
    """Signs (by the first appraiser unless told) and submits an appraisal stamped with the next block's time, the
    clock moved `after` seconds first; the nonce is the asset's next unless given. Returns (receipt, appraisal)."""

    def appraise(asset_id: int, price: int, after: int = 60, signer=None, nonce: int | None = None, **tx):
        chain.pending_timestamp += after
        timestamp = chain.pending_timestamp
        appraisal = Appraisal(asset_id, price, timestamp, nav.nextNonce(asset_id) if nonce is None else nonce)
        signature = sign(signer or appraisers[0], appraisal)
        chain.pending_timestamp = timestamp
        receipt = nav.submitAppraisal(appraisal.as_tuple(), signature, sender=tx.pop("sender", stranger), **tx)
        return receipt, appraisal

    return appraise


@pytest.fixture(scope="module")
def route(system, rent_source, operator):
    """Routes `amount` of revenue through `system.router`: rent from the rent source, other sources from the
    operator. Returns the holders' part."""

    def route(asset_id: int, amount: int, source: int = 0) -> int:
        sender = rent_source if source == 0 else operator
        system.stablecoin.mint(sender, amount, sender=sender)
        system.stablecoin.approve(system.router, amount, sender=sender)
        receipt = system.router.deposit(asset_id, amount, source, sender=sender)
        return receipt.events.filter(system.router.RevenueRouted)[0].holdersPart

    return route


@pytest.fixture(scope="module")
def advance(chain):
    """Mines a block `seconds` later, so that views see the new time."""

    def advance(seconds: int) -> int:
        timestamp = chain.pending_timestamp + seconds
        chain.mine(timestamp=timestamp)
        return timestamp

    return advance


@pytest.fixture(scope="module", autouse=True)
def _module_fixtures_first(_session_fixtures_first, nav, asset_id, sign, appraise, route, advance):
    """The same for this area's module fixtures."""
