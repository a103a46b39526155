"""A ShareOffering deployed on top of the core `system` (2% protocol fee, a treasury account), wired as
`cap.offering.deploy_share_offering` wires it (roles from `FUNCTION_ROLES["offering"]`, a system holder), and helpers
to open an offering of the session's shares, fund investors and subscribe.

Default offering: 2 USD per share, soft cap 100,000 shares, hard cap 300,000, positions of 1,000 to 150,000 shares,
open one hour from now for a week, to investors of the US (840) and Germany (276).
"""

from __future__ import annotations

import pytest
from offering_helpers import DURATION, FEE_BPS, HARD_CAP, JURISDICTIONS, LEAD, MAX_SHARES, MIN_SHARES, PRICE, SOFT_CAP

from cap.offering import OfferingParams, deploy_share_offering


@pytest.fixture(scope="session")
def treasury(accounts):
    return accounts[10]


@pytest.fixture(scope="session")
def keeper(accounts):
    return accounts[11]


@pytest.fixture(scope="session")
def offering(system, gov, treasury):
    return deploy_share_offering(system, gov, gov, treasury, FEE_BPS)


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(
    system,
    offering,
    shares,
    treasury,
    keeper,
    gov,
    operator,
    pauser,
    investors,
    stranger,
    verify,
    compliance_agent,
    offering_params,
    create,
    open_window,
    close_window,
    buy,
    check_solvency,
    state,
):
    """Sets up the session fixtures before any module state: Ape snapshots the chain per scope, and a session
    fixture first requested after a module snapshot forces a costly rebase."""


@pytest.fixture(scope="session")
def offering_params(shares, chain):
    """`params(**overrides)`: the default offering's parameters, opening an hour after the next block."""

    def make(**overrides) -> OfferingParams:
        opens_at = overrides.pop("opens_at", chain.pending_timestamp + LEAD)
        values = {
            "share_token": shares.address,
            "price_per_share": PRICE,
            "soft_cap": SOFT_CAP,
            "hard_cap": HARD_CAP,
            "min_shares": MIN_SHARES,
            "max_shares": MAX_SHARES,
            "opens_at": opens_at,
            "closes_at": opens_at + DURATION,
            "jurisdictions": JURISDICTIONS,
        }
        values.update(overrides)
        return OfferingParams(**values)

    return make


@pytest.fixture(scope="session")
def create(offering, shares, operator, offering_params):
    """`create(**overrides)`: creates an offering of the session's shares by the operator; returns its id."""
    from cap.offering import create_offering

    def create(**overrides) -> int:
        return create_offering(offering, shares, operator, offering_params(**overrides))

    return create


@pytest.fixture(scope="session")
def open_window(offering, chain):
    """Moves the next block to the offering's opening (or `offset` seconds after it)."""

    def move(offering_id: int, offset: int = 0) -> None:
        chain.pending_timestamp = offering.offeringOf(offering_id).opensAt + offset

    return move


@pytest.fixture(scope="session")
def close_window(offering, chain):
    def move(offering_id: int) -> None:
        chain.pending_timestamp = max(chain.pending_timestamp, offering.offeringOf(offering_id).closesAt)

    return move


@pytest.fixture(scope="session")
def buy(offering, stablecoin):
    """Mints the cost of `shares` to the investor, then subscribes (approving exactly the cost)."""
    from cap.offering import subscribe

    def buy(offering_id: int, investor, shares: int):
        stablecoin.mint(investor, offering.costOf(offering_id, shares), sender=investor)
        return subscribe(offering, stablecoin, investor, offering_id, shares)

    return buy


@pytest.fixture(scope="session")
def check_solvency(offering, stablecoin, accounts):
    """Conservation, exactly: the contract's balance is the payments still held (subscriptions of offerings not
    settled as Succeeded, less refunds taken) plus the credited payouts. Subscribers are among accounts 5 to 17."""
    from cap.offering import OfferingStatus

    subscribers = [accounts[i] for i in range(5, 18)]

    def check() -> None:
        held = 0
        for offering_id in range(1, offering.offeringCount() + 1):
            if offering.offeringOf(offering_id).status == OfferingStatus.SUCCEEDED:
                continue
            held += sum(offering.subscriptionOf(offering_id, account).paid for account in subscribers)
        assert stablecoin.balanceOf(offering) == held + offering.totalOwed()

    return check


@pytest.fixture(scope="session")
def state(offering, stablecoin, shares):
    """What a refused call must leave unchanged."""

    def snapshot(offering_id: int, *accounts) -> tuple:
        return (
            offering.offeringCount(),
            tuple(offering.offeringOf(offering_id)) if offering_id else None,
            offering.totalOwed(),
            stablecoin.balanceOf(offering),
            shares.balanceOf(offering),
            tuple(stablecoin.balanceOf(a) for a in accounts),
            tuple(tuple(offering.subscriptionOf(offering_id, a)) for a in accounts) if offering_id else None,
        )

    return snapshot
