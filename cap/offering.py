"""Primary share offerings (`ShareOffering`): typed parameters, costs, deployment and the steps that scripts, the
console, the keeper and the tests share.

Amounts are in on-chain units: shares in 1e18 units, stablecoin in its 6-decimal units, prices in stablecoin units
per 1e18 shares. `parse_shares` and `parse_usd` turn decimal text into them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

ONE_SHARE = 10**18
USD = 10**6
DEFAULT_FEE_BPS = 200


class OfferingStatus(IntEnum):
    """`IShareOffering.Status`."""

    NONE = 0
    ACTIVE = 1
    SUCCEEDED = 2
    FAILED = 3
    CANCELLED = 4


@dataclass(frozen=True)
class OfferingParams:
    """`IShareOffering.OfferingParams`: what an operator offers (share amounts in 1e18 units)."""

    share_token: str
    price_per_share: int
    soft_cap: int
    hard_cap: int
    min_shares: int
    max_shares: int
    opens_at: int
    closes_at: int
    jurisdictions: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "share_token", str(self.share_token))
        object.__setattr__(self, "jurisdictions", tuple(int(j) for j in self.jurisdictions))
        for name in ("price_per_share", "soft_cap", "hard_cap", "min_shares", "max_shares"):
            _check_range(name, getattr(self, name), 2**96 - 1)
        _check_range("opens_at", self.opens_at, 2**40 - 1)
        _check_range("closes_at", self.closes_at, 2**40 - 1)
        for jurisdiction in self.jurisdictions:
            _check_range("jurisdiction", jurisdiction, 2**16 - 1)

    def as_tuple(self) -> tuple:
        return (
            self.share_token,
            self.price_per_share,
            self.soft_cap,
            self.hard_cap,
            self.min_shares,
            self.max_shares,
            self.opens_at,
            self.closes_at,
            list(self.jurisdictions),
        )


def _check_range(name: str, value: int, maximum: int) -> None:
    if not isinstance(value, int) or not 0 <= value <= maximum:
        raise ValueError(f"{name} must be an integer in [0, {maximum:_}], got {value!r}")


def cost_of(shares: int, price_per_share: int) -> int:
    """What `shares` cost at `price_per_share`, rounded up as the contract rounds a subscription."""
    return -(-shares * price_per_share // ONE_SHARE)


def fee_of(raised: int, fee_bps: int) -> int:
    """The protocol fee taken from `raised` at a successful settlement (rounded down)."""
    return raised * fee_bps // 10_000


def parse_units(text: str, decimals: int, what: str) -> int:
    """Decimal text ("1250.5") in units of `10**decimals`; refuses more precision than the units have."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what}: {text!r} is not a number") from None
    units = value * (10**decimals)
    if value < 0 or units != units.to_integral_value():
        raise ValueError(f"{what}: {text!r} must be non-negative with at most {decimals} decimals")
    return int(units)


def parse_shares(text: str) -> int:
    return parse_units(text, 18, "shares")


def parse_usd(text: str) -> int:
    return parse_units(text, 6, "stablecoin amount")


# ---------------------------------------------------------------- chain steps


def deploy_share_offering(system: Any, admin: Any, governor: Any, treasury: Any, fee_bps: int = DEFAULT_FEE_BPS):
    """Deploys a ShareOffering over `system`, sets its function roles and makes it a system holder.

    `admin` holds the AccessManager's ADMIN role; `governor` the GOVERNOR role (for `setSystemHolder`).
    """
    from ape import project

    from cap.deploy import FUNCTION_ROLES, set_function_roles

    offering = project.ShareOffering.deploy(system.manager, system.compliance, treasury, fee_bps, sender=admin)
    set_function_roles(system.manager, offering, FUNCTION_ROLES["offering"], admin)
    system.compliance.setSystemHolder(offering, True, sender=governor)
    return offering


def create_offering(offering: Any, shares: Any, operator: Any, params: OfferingParams) -> int:
    """Approves the hard cap's shares and creates the offering; returns its id."""
    shares.approve(offering, params.hard_cap, sender=operator)
    receipt = offering.createOffering(params.as_tuple(), sender=operator)
    return receipt.events.filter(offering.OfferingCreated)[0].offeringId


def subscribe(offering: Any, stablecoin: Any, investor: Any, offering_id: int, shares: int) -> Any:
    """Approves exactly the cost of `shares` and subscribes; returns the receipt."""
    cost = offering.costOf(offering_id, shares)
    stablecoin.approve(offering, cost, sender=investor)
    return offering.subscribe(offering_id, shares, sender=investor)


@dataclass(frozen=True)
class OfferingView:
    """An offering as read from the chain, with its derived state at `now`."""

    offering_id: int
    operator: str
    share_token: str
    status: OfferingStatus
    opens_at: int
    closes_at: int
    price_per_share: int
    soft_cap: int
    hard_cap: int
    min_shares: int
    max_shares: int
    sold: int
    raised: int
    fee_bps: int
    shares_returned: bool

    @classmethod
    def read(cls, offering: Any, offering_id: int) -> OfferingView:
        o = offering.offeringOf(offering_id)
        return cls(
            offering_id=offering_id,
            operator=str(o.operator),
            share_token=str(o.shareToken),
            status=OfferingStatus(o.status),
            opens_at=o.opensAt,
            closes_at=o.closesAt,
            price_per_share=o.pricePerShare,
            soft_cap=o.softCap,
            hard_cap=o.hardCap,
            min_shares=o.minShares,
            max_shares=o.maxShares,
            sold=o.sold,
            raised=o.raised,
            fee_bps=o.feeBps,
            shares_returned=o.sharesReturned,
        )

    def phase(self, now: int) -> str:
        """upcoming / open / closed (awaiting settlement) / succeeded / failed / cancelled."""
        if self.status is not OfferingStatus.ACTIVE:
            return self.status.name.lower()
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at and self.sold < self.hard_cap:
            return "open"
        return "closed"

    def settleable(self, now: int) -> bool:
        return self.phase(now) == "closed"

    def describe(self, now: int) -> str:
        return (
            f"offering {self.offering_id} [{self.phase(now)}] token {self.share_token} operator {self.operator}: "
            f"{self.sold / ONE_SHARE:,.4f} of {self.hard_cap / ONE_SHARE:,.4f} shares sold "
            f"(soft cap {self.soft_cap / ONE_SHARE:,.4f}) at {self.price_per_share / USD:,.6f} per share, "
            f"raised {self.raised / USD:,.6f}, window {self.opens_at}-{self.closes_at}, fee {self.fee_bps} bps"
        )


def read_offerings(offering: Any, offering_ids: Iterable[int] | None = None) -> list[OfferingView]:
    """Every offering (or those named), read from the chain."""
    ids = offering_ids if offering_ids is not None else range(1, offering.offeringCount() + 1)
    return [OfferingView.read(offering, offering_id) for offering_id in ids]


def settleable_offerings(offering: Any, now: int) -> list[int]:
    """Ids of the offerings a keeper can settle now: still Active, closed or sold out."""
    return [view.offering_id for view in read_offerings(offering) if view.settleable(now)]


def settle_closed(offering: Any, sender: Any, now: int | None = None) -> list[tuple[int, bool]]:
    """The keeper's round: settles every closed offering; returns (offering id, succeeded) per settlement."""
    from ape import chain

    now = chain.pending_timestamp if now is None else now
    results: list[tuple[int, bool]] = []
    for offering_id in settleable_offerings(offering, now):
        receipt = offering.settle(offering_id, sender=sender)
        results.append((offering_id, bool(receipt.events.filter(offering.OfferingSettled)[0].succeeded)))
    return results


def jurisdictions_from_text(values: Sequence[str]) -> tuple[int, ...]:
    """ISO 3166-1 numeric codes from text ("840", "276,250"), as the registry stores them."""
    codes: list[int] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) > 999:
                raise ValueError(f"jurisdiction {part!r} is not an ISO 3166-1 numeric code")
            codes.append(int(part))
    if not codes:
        raise ValueError("at least one jurisdiction is needed")
    return tuple(codes)
