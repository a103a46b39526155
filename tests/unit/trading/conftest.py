"""A SecondaryMarket deployed on top of the core `system` (0.3% fee, a treasury account), wired as
`cap.orders.deploy_secondary_market` wires it (roles from `FUNCTION_ROLES["secondary_market"]`); the session's shares
are spread to two investors (seller and second seller), and helpers sign orders and fund the parties.
"""

from __future__ import annotations

import pytest
from trading_helpers import FEE_BPS, HOLDING

from cap.orders import Side, SignedOrder, deploy_secondary_market, new_order, sign_order


@pytest.fixture(scope="session")
def treasury(accounts):
    return accounts[10]


@pytest.fixture(scope="session")
def seller(investors):
    return investors[0]


@pytest.fixture(scope="session")
def buyer(investors):
    return investors[1]


@pytest.fixture(scope="session")
def market(system, gov, treasury):
    return deploy_secondary_market(system, gov, treasury, FEE_BPS)


@pytest.fixture(scope="session")
def holdings(shares, operator, investors):
    """The seller and investors[2] hold HOLDING shares each."""
    for holder in (investors[0], investors[2]):
        shares.transfer(holder, HOLDING, sender=operator)
    return HOLDING


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(
    system,
    market,
    shares,
    holdings,
    treasury,
    seller,
    buyer,
    gov,
    operator,
    pauser,
    investors,
    stranger,
    verify,
    compliance_agent,
    sign,
    fund,
    approve_shares,
    chain,
):
    """Sets up the session fixtures before any module state: Ape snapshots the chain per scope, and a session
    fixture first requested after a module snapshot forces a costly rebase."""


@pytest.fixture(scope="session")
def sign(market, shares, chain):
    """`sign(maker, side, amount, price, expiry=None, **fields)`: a SignedOrder at the maker's epoch (fields override
    the order's fields before signing; `chain_id` and `market_address` override the domain)."""

    def sign(maker, side: Side, amount: int, price: int, expiry: int | None = None, **fields) -> SignedOrder:
        chain_id = fields.pop("chain_id", chain.chain_id)
        market_address = fields.pop("market_address", market.address)
        signer = fields.pop("signer", maker)
        expiry = chain.pending_timestamp + 86_400 if expiry is None else expiry
        order = new_order(market, maker, shares, side, amount, price, expiry)
        if fields:
            order = type(order)(**{**order.__dict__, **fields})
        return SignedOrder(order, sign_order(signer, order, chain_id, market_address))

    return sign


@pytest.fixture(scope="session")
def fund(stablecoin, market):
    """Mints `amount` to `account` and approves the market for exactly that."""

    def fund(account, amount: int) -> None:
        stablecoin.mint(account, amount, sender=account)
        stablecoin.approve(market, amount, sender=account)

    return fund


@pytest.fixture(scope="session")
def approve_shares(shares, market):
    def approve(account, amount: int) -> None:
        shares.approve(market, amount, sender=account)

    return approve
