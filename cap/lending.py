"""Lending: the vault, its rate model, the NAV oracle, one collateral market per share token, and appraisals.

Shared by the deploy code, the demo, the console and the tests. The appraisal digest is computed here in pure Python
and must equal `NavOracle.appraisalDigest` (a test checks it).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Any

from cap.reports import EIP712_DOMAIN_FIELDS, sign_digest, typed_data, typed_digest

WAD = 10**18
BPS = 10_000
DAY = 86_400


@dataclass(frozen=True)
class RiskParams:
    """A collateral market's risk parameters (ICollateralMarket.RiskParams)."""

    max_ltv_bps: int = 5_000
    liquidation_ltv_bps: int = 7_000
    liquidation_bonus_bps: int = 500
    close_factor_bps: int = 5_000
    dust_debt: int = 100 * 10**6  # 100 stablecoin units of 6 decimals

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return astuple(self)


@dataclass
class Lending:
    rate_model: Any
    vault: Any
    nav: Any


def lending_of(system: Any) -> Lending:
    """The system's lending contracts (the rate model, the vault and the NAV oracle, deployed with it)."""
    if system.vault is None or system.nav is None:
        raise ValueError("this system was deployed without the lending contracts")
    return Lending(system.rate_model, system.vault, system.nav)


def open_market(
    system: Any, lending: Lending, asset_id: int, sender: Any, risk: RiskParams | None = None, debt_ceiling: int = 0
) -> Any:
    """Deploys the collateral market of an asset's shares (`cap.deploy.asset_plan`): its roles, a system holder,
    registered with the vault under `debt_ceiling`. `sender` must hold ADMIN and GOVERNOR (no execution delay)."""
    from cap.deploy import deploy_asset

    deploy_asset(system, sender, asset_id, risk=(risk or RiskParams()).as_tuple(), debt_ceiling=debt_ceiling)
    return system.markets[asset_id]


# ---------------------------------------------------------------- appraisals

APPRAISAL_TYPES = {
    "EIP712Domain": EIP712_DOMAIN_FIELDS,
    "Appraisal": [
        {"name": "assetId", "type": "uint256"},
        {"name": "pricePerShare", "type": "uint256"},
        {"name": "timestamp", "type": "uint64"},
        {"name": "nonce", "type": "uint64"},
    ],
}


@dataclass(frozen=True)
class Appraisal:
    """A signed appraisal's message (INavOracle.Appraisal): stablecoin units per 1e18 shares."""

    asset_id: int
    price_per_share: int
    timestamp: int
    nonce: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.asset_id, self.price_per_share, self.timestamp, self.nonce)


def appraisal_digest(appraisal: Appraisal, chain_id: int, verifying_contract: str) -> bytes:
    """The EIP-712 digest an appraiser signs (equals `NavOracle.appraisalDigest`)."""
    domain = ("CAP NavOracle", "1")
    return typed_digest(
        typed_data(APPRAISAL_TYPES, "Appraisal", domain, chain_id, verifying_contract, appraisal.as_tuple())
    )


def submit_appraisal(nav: Any, appraiser: Any, asset_id: int, price: int, sender: Any, timestamp: int | None = None):
    """Signs (by `appraiser`) and submits an appraisal with the asset's next nonce, stamped `timestamp` (the pending
    block's time when omitted). Returns the receipt."""
    from ape import chain

    if timestamp is None:
        timestamp = chain.pending_timestamp
    appraisal = Appraisal(asset_id, price, timestamp, nav.nextNonce(asset_id))
    signature = sign_digest(appraiser, appraisal_digest(appraisal, chain.chain_id, nav.address))
    chain.pending_timestamp = max(chain.pending_timestamp, timestamp)
    return nav.submitAppraisal(appraisal.as_tuple(), signature, sender=sender)


# ---------------------------------------------------------------- reading positions


@dataclass(frozen=True)
class Health:
    """A position read through `CollateralMarket.positionOf`, in plain numbers."""

    collateral: int
    debt: int
    pending_revenue: int
    credit: int
    value: int
    price: int
    price_fresh: bool
    ltv_bps: int
    liquidatable: bool

    @property
    def collateral_ratio(self) -> float | None:
        """Collateral value over debt (liquidation comes below 1 / liquidation LTV); None without debt."""
        return None if self.debt == 0 else self.value / self.debt


def health(market: Any, borrower: Any) -> Health:
    view = market.positionOf(borrower)
    return Health(
        collateral=view.collateral,
        debt=view.debt,
        pending_revenue=view.pendingRevenue,
        credit=view.credit,
        value=view.value,
        price=view.price,
        price_fresh=view.priceFresh,
        ltv_bps=view.ltvBps,
        liquidatable=view.liquidatable,
    )
