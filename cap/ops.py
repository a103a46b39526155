"""Day-to-day operations over a deployed system: the functions behind `ape run admin ...` and the console helpers.

Every restricted call goes through `governed(...)`, which asks the AccessManager first (`canCall`): a call the
sender may make at once is sent; one behind an execution delay is scheduled, and the same command run again after
the delay executes it (idempotent: scheduled twice is one schedule; the outcome says when it becomes executable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from eth_utils import keccak

from cap.assets import HardwareSpec
from cap.roles import Role

USD = 10**6
SHARE = 10**18
DAY = 86_400
YEAR = 365 * DAY


class OpsError(Exception):
    """An operation that cannot be done as asked; the message says why."""


@dataclass
class Outcome:
    """What `governed` did: `sent` (done now), `scheduled` (waits `delay` seconds), `waiting` (scheduled before, not
    executable until `ready_at`) or `executed` (a scheduled call, now done)."""

    action: str
    status: str
    receipt: Any = None
    delay: int = 0
    ready_at: int | None = None

    def __str__(self) -> str:
        if self.status in ("sent", "executed"):
            tx = getattr(self.receipt, "txn_hash", "")
            return f"{self.action}: {self.status} ({tx})"
        when = ""
        if self.ready_at:
            moment = datetime.fromtimestamp(self.ready_at, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            when = f"executable from {moment} (chain time)"
        return f"{self.action}: {self.status}, AccessManager delay {self.delay} s; {when} (run the same command again)"


def _now() -> int:
    from ape import chain

    return chain.blocks.head.timestamp


def role_of(system: Any, target: Any, function: str) -> Role:
    from cap.deploy import selector

    value = int(system.manager.getTargetFunctionRole(target, selector(target, function)))
    try:
        return Role(value)
    except ValueError:
        return value  # a role this code does not name


def delay_of(system: Any, sender: Any, target: Any, function: str) -> tuple[bool, int]:
    """(may call at once, execution delay) for `sender` calling `target.function` (AccessManager.canCall)."""
    from cap.deploy import selector

    immediate, delay = system.manager.canCall(sender, target, selector(target, function))
    return bool(immediate), int(delay)


def governed(system: Any, sender: Any, target: Any, function: str, *args: Any) -> Outcome:
    """Calls a restricted function, or schedules / executes it through the AccessManager when it has a delay."""
    manager = system.manager
    name = f"{target.contract_type.name}.{function}"
    immediate, delay = delay_of(system, sender, target, function)
    method = getattr(target, function)
    if immediate:
        return Outcome(name, "sent", method(*args, sender=sender))
    if delay == 0:
        role = role_of(system, target, function)
        label = role.name if isinstance(role, Role) else role
        raise OpsError(f"{sender.address} may not call {name}: it needs the {label} role")
    data = method.encode_input(*args)
    operation = manager.hashOperation(sender, target, data)
    ready_at = int(manager.getSchedule(operation))
    if ready_at == 0:
        receipt = manager.schedule(target, data, 0, sender=sender)
        return Outcome(name, "scheduled", receipt, delay, int(manager.getSchedule(operation)))
    if ready_at > _now():
        return Outcome(name, "waiting", None, delay, ready_at)
    return Outcome(name, "executed", manager.execute(target, data, sender=sender), delay, ready_at)


# ---------------------------------------------------------------- assets and investors


def register_asset(system: Any, operator: Any, spec: HardwareSpec, serial: str, legal_doc: str) -> int:
    """Registers a machine (serial and legal document are hashed); returns its id."""
    serial_hash, doc_hash = keccak(text=serial), keccak(text=legal_doc)
    existing = int(system.assets.assetIdBySerial(serial_hash))
    if existing:
        raise OpsError(f"serial {serial!r} is already asset {existing}")
    receipt = governed(system, operator, system.assets, "registerAsset", spec.as_tuple(), serial_hash, doc_hash).receipt
    return receipt.events.filter(system.assets.AssetRegistered)[0].assetId


def activate(system: Any, operator: Any, asset_id: int) -> Any:
    return system.assets.activate(asset_id, sender=operator)


def fractionalize(system: Any, operator: Any, asset_id: int, supply: int, recipient: Any = None) -> Any:
    """Locks the asset NFT in a new share token minting `supply` (18 decimals) to `recipient` (the operator)."""
    if system.assets.getApproved(asset_id) != system.factory.address:
        system.assets.approve(system.factory, asset_id, sender=operator)
    system.factory.fractionalize(asset_id, recipient or operator, supply, sender=operator)
    return system.shares(asset_id)


def verify_investor(system: Any, agent: Any, investor: str, days: int = 365, jurisdiction: int = 840) -> Outcome:
    until = _now() + days * DAY
    return governed(system, agent, system.compliance, "verifyInvestor", investor, until, jurisdiction)


def freeze(system: Any, agent: Any, investor: str, frozen: bool = True, tokens: list | None = None) -> Outcome:
    return governed(system, agent, system.compliance, "freeze", investor, frozen, tokens or [])


def list_offer(
    system: Any,
    operator: Any,
    asset_id: int,
    price_per_hour: int,
    min_hours: int = 1,
    max_hours: int = 720,
    sla_uptime_bps: int = 9_900,
    termination_fee_bps: int = 1_000,
    days: int = 90,
) -> Any:
    """Lists (or replaces) an asset's offer, available from the current epoch for `days` days."""
    oracle = system.oracle
    start = oracle.epochStart(oracle.currentEpoch())
    offer = (price_per_hour, min_hours, max_hours, sla_uptime_bps, termination_fee_bps, start, start + days * DAY)
    return system.lease_market.setOffer(asset_id, offer, sender=operator)


# ---------------------------------------------------------------- parameters and pausing

# name -> (contract attribute, setter, how many arguments): the risk parameters `ape run admin set` knows.
PARAMETERS: dict[str, tuple[str, str, int]] = {
    "fees": ("router", "setFees", 2),
    "treasury": ("router", "setTreasury", 1),
    "burn-in": ("assets", "setBurnIn", 2),
    "reserve-factor": ("vault", "setReserveFactor", 1),
    "nav-heartbeat": ("nav", "setHeartbeat", 1),
    "nav-max-change": ("nav", "setMaxChangeBps", 1),
    "nav-multiple": ("nav", "setMultipleBps", 1),
    "nav-revenue-window": ("nav", "setRevenueWindow", 1),
    "quorum": ("oracle", "setQuorum", 1),
}
PAUSABLE = ("assets", "factory", "lease_market", "vault")


def set_parameter(system: Any, sender: Any, name: str, *values: Any) -> Outcome:
    if name not in PARAMETERS:
        raise OpsError(f"unknown parameter {name!r}: one of {', '.join(PARAMETERS)}")
    attribute, setter, count = PARAMETERS[name]
    if len(values) != count:
        raise OpsError(f"{name} takes {count} value(s), got {len(values)}")
    return governed(system, sender, getattr(system, attribute), setter, *values)


def set_paused(system: Any, sender: Any, name: str, paused: bool) -> Outcome:
    pausable = PAUSABLE + tuple(f"markets/{asset_id}" for asset_id in system.markets)
    if name not in pausable:
        raise OpsError(f"{name!r} cannot be paused: one of {', '.join(pausable)}")
    target = system.markets[int(name.split("/")[1])] if name.startswith("markets/") else getattr(system, name)
    if _is_paused(target) == paused:
        return Outcome(f"{target.contract_type.name}.{'pause' if paused else 'unpause'}", "unchanged")
    return governed(system, sender, target, "pause" if paused else "unpause")


def _is_paused(target: Any) -> bool | None:
    try:
        return bool(target.paused())
    except Exception:  # a contract without the view
        return None


# ---------------------------------------------------------------- reports


@dataclass
class AssetReport:
    asset_id: int
    status: str
    uptime_bps: int
    utilization_bps: int
    reported_epochs: int
    window_epochs: int
    net_revenue_window: int  # holders' revenue over the window, stablecoin units
    net_revenue_total: int
    annualized_per_share: float | None  # USD per share per year
    price_per_share: int | None  # NAV, stablecoin units per 1e18 shares
    yield_bps: int | None  # annualized revenue / price

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("status", self.status),
            (f"uptime ({self.window_epochs} epochs)", f"{self.uptime_bps / 100:.2f}%"),
            ("utilization", f"{self.utilization_bps / 100:.2f}%"),
            ("reported epochs", str(self.reported_epochs)),
            ("net revenue (window)", f"${self.net_revenue_window / USD:,.2f}"),
            ("net revenue (all time)", f"${self.net_revenue_total / USD:,.2f}"),
        ]
        if self.annualized_per_share is not None:
            rows.append(("annualized per share", f"${self.annualized_per_share:,.6f}"))
        if self.price_per_share is not None:
            rows.append(("NAV per share", f"${self.price_per_share / USD:,.6f}"))
        if self.yield_bps is not None:
            rows.append(("yield on NAV", f"{self.yield_bps / 100:.2f}%"))
        return rows


def asset_report(system: Any, asset_id: int, days: int = 30) -> AssetReport:
    """An asset's attested uptime and utilization over the last `days` (finished epochs) and its net revenue yield
    (the RevenueRouter's record, annualized, over the NAV oracle's price when it has one)."""
    from cap.assets import Status

    oracle, router = system.oracle, system.router
    epoch_seconds = int(oracle.epochSeconds())
    end = int(oracle.currentEpoch())
    window = min(days * DAY // epoch_seconds, end)
    totals = oracle.usageBetween(asset_id, end - window, end) if window else None
    now = _now()
    net_window = int(router.netRevenueBetween(asset_id, max(0, now - days * DAY), now))
    per_share = price = yield_bps = None
    try:
        token = system.shares(asset_id)
        supply = int(token.totalSupply())
        per_share = net_window * YEAR / (days * DAY) / USD / (supply / SHARE)
    except LookupError:
        pass
    if system.nav is not None:
        value, _fresh = system.nav.priceOf(asset_id)
        price = int(value) or None
        if price and per_share is not None:
            yield_bps = int(per_share * USD / price * 10_000)
    return AssetReport(
        asset_id=asset_id,
        status=Status(system.assets.statusOf(asset_id)).name.title(),
        uptime_bps=int(totals.uptimeBpsSum) // window if totals else 0,
        utilization_bps=int(totals.utilizationBpsSum) // window if totals else 0,
        reported_epochs=int(totals.reportedEpochs) if totals else 0,
        window_epochs=window,
        net_revenue_window=net_window,
        net_revenue_total=int(router.totalNetRevenueOf(asset_id)),
        annualized_per_share=per_share,
        price_per_share=price,
        yield_bps=yield_bps,
    )


def loan_health(system: Any, asset_id: int, borrower: str) -> dict[str, Any]:
    """A borrower's position in the asset's collateral market (`positionOf`), as a dict of its fields.

    Raises LookupError while the asset has no collateral market (none exist before lending markets are deployed).
    """
    market = system.markets.get(asset_id)
    if market is None:
        raise LookupError(f"asset {asset_id} has no collateral market (no loans exist against it)")
    view = market.positionOf(borrower)
    fields = view._asdict() if hasattr(view, "_asdict") else dict(view.items()) if hasattr(view, "items") else view
    return dict(fields) if not isinstance(fields, dict) else fields
