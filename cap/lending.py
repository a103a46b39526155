"""Lending: the vault, its rate model, the NAV oracle, one collateral market per share token, and appraisals.

Shared by the deploy code, the demo, the console and the tests. The appraisal digest is computed here in pure Python
and must equal `NavOracle.appraisalDigest` (a test checks it).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Any

from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

from cap.reports import sign_digest
from cap.roles import Role

WAD = 10**18
BPS = 10_000
DAY = 86_400

# attribute -> {function -> role}; the markets' table applies to every CollateralMarket.
LENDING_FUNCTION_ROLES: dict[str, dict[str, Role]] = {
    "vault": {
        "setMarket": Role.GOVERNOR,
        "setReserveFactor": Role.GOVERNOR,
        "withdrawReserves": Role.GOVERNOR,
        "pause": Role.PAUSER,
        "unpause": Role.PAUSER,
    },
    "nav": {
        "setAppraiser": Role.GOVERNOR,
        "setHeartbeat": Role.GOVERNOR,
        "setMaxChangeBps": Role.GOVERNOR,
        "setMultipleBps": Role.GOVERNOR,
        "setRevenueWindow": Role.GOVERNOR,
    },
}
MARKET_FUNCTION_ROLES: dict[str, Role] = {
    "setRiskParams": Role.GOVERNOR,
    "skim": Role.GOVERNOR,
    "recoverPosition": Role.COMPLIANCE,
    "pause": Role.PAUSER,
    "unpause": Role.PAUSER,
}


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


@dataclass(frozen=True)
class LendingParams:
    """The vault's rate model and reserve factor, and the NAV oracle's parameters."""

    base_rate: int = int(0.02e18)  # per year, WAD
    slope1: int = int(0.08e18)
    slope2: int = int(1.0e18)
    kink: int = int(0.8e18)
    reserve_factor_bps: int = 1_000
    heartbeat: int = DAY
    max_change_bps: int = 2_000
    multiple_bps: int = 50_000  # 5x a year's net revenue
    revenue_window: int = 30 * DAY


@dataclass
class Lending:
    rate_model: Any
    vault: Any
    nav: Any


def deploy_lending(system: Any, admin: Any, params: LendingParams | None = None) -> Lending:
    """Deploys the rate model, the vault and the NAV oracle for `system` and maps their restricted functions.

    `admin` is the AccessManager's admin.
    """
    from ape import project

    from cap.deploy import set_function_roles

    params = params or LendingParams()
    rate_model = project.KinkedRateModel.deploy(
        params.base_rate, params.slope1, params.slope2, params.kink, sender=admin
    )
    vault = project.LendingVault.deploy(
        system.manager,
        system.stablecoin,
        rate_model,
        params.reserve_factor_bps,
        "CAP Lending USD",
        "capUSD",
        sender=admin,
    )
    nav = project.NavOracle.deploy(
        system.manager,
        system.router,
        system.factory,
        params.heartbeat,
        params.max_change_bps,
        params.multiple_bps,
        params.revenue_window,
        sender=admin,
    )
    lending = Lending(rate_model, vault, nav)
    for attribute, functions in LENDING_FUNCTION_ROLES.items():
        set_function_roles(system.manager, getattr(lending, attribute), functions, admin)
    return lending


def open_market(
    system: Any, lending: Lending, asset_id: int, sender: Any, risk: RiskParams | None = None, debt_ceiling: int = 0
) -> Any:
    """Deploys the collateral market of an asset's shares, maps its roles, makes it a system holder and registers it
    with the vault under `debt_ceiling`. `sender` must hold ADMIN and GOVERNOR (no execution delay)."""
    from ape import project

    from cap.deploy import set_function_roles

    market = project.CollateralMarket.deploy(
        system.manager,
        system.factory.sharesOf(asset_id),
        lending.vault,
        lending.nav,
        system.compliance,
        (risk or RiskParams()).as_tuple(),
        sender=sender,
    )
    set_function_roles(system.manager, market, MARKET_FUNCTION_ROLES, sender)
    system.compliance.setSystemHolder(market, True, sender=sender)
    lending.vault.setMarket(market, True, debt_ceiling, sender=sender)
    return market


# ---------------------------------------------------------------- appraisals

APPRAISAL_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
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
    typed = {
        "types": APPRAISAL_TYPES,
        "primaryType": "Appraisal",
        "domain": {
            "name": "CAP NavOracle",
            "version": "1",
            "chainId": chain_id,
            "verifyingContract": to_checksum_address(str(verifying_contract)),
        },
        "message": dict(zip(["assetId", "pricePerShare", "timestamp", "nonce"], appraisal.as_tuple(), strict=True)),
    }
    message = encode_typed_data(full_message=typed)
    return keccak(b"\x19" + message.version + message.header + message.body)


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
    def health_factor(self) -> float | None:
        """Liquidation headroom: (value x liquidation LTV) / debt; None without debt."""
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
