"""The keeper: one pass finds what is due on chain and sends it, one transaction per item, and goes on past a revert.

Due items (read from the contracts' views, so a pass is idempotent: what was done is no longer due):
  - a booked lease whose start has come while its renter is not yet the machine's user: `LeaseMarket.startLease`;
  - a booked lease with a settlement period ready (`nextSettlement(...).ready`): `LeaseMarket.settle`, repeated
    while periods are ready;
  - an asset with released, unrouted rent (`unroutedRentOf > 0`): `LeaseMarket.routeRent` (the RevenueRouter splits
    it and pushes the holders' part into the shares).

  - an asset with a collateral market whose recorded revenue price (NAV oracle) is half a heartbeat old or more:
    `NavOracle.updateRevenuePrice`, so borrowing stays open and prices follow revenue;
  - a collateral-market position with debt and pending revenue: `CollateralMarket.sweep` (revenue repays the loan);
  - a liquidatable position: `CollateralMarket.liquidate` for the most the close factor allows (the keeper's account
    must be a verified investor holding the stablecoin, with an approval to the market; otherwise the job reverts,
    is reported, and the pass goes on).

Extension point: `TASKS` lists the finders in the order a pass runs them; a finder takes (system, state) and yields
`Job`s. Offerings are settled by `ape run offering settle --all` (`cap.offering.settle_closed`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

BOOKED = 1  # ILeaseMarket.LeaseStatus.Booked
MAX_PERIODS_PER_LEASE = 64  # settlements of one lease in one pass (the rest waits for the next)


@dataclass(frozen=True)
class Job:
    kind: str  # "start", "settle", "route", ...
    subject: str  # "lease 4", "asset 2"
    send: Callable[[], Any]  # sends the transaction, returns the receipt
    again: Callable[[], bool] = lambda: False  # after success: is the same job due again (another period)?


@dataclass
class KeeperState:
    """What a looping keeper remembers between passes: leases below `first_open_lease` are all final; each market's
    borrowers seen so far and the next block its events are read from."""

    first_open_lease: int = 1
    borrowers: dict[str, list[str]] = field(default_factory=dict)
    next_block: dict[str, int] = field(default_factory=dict)


@dataclass
class PassSummary:
    done: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, subject, reason)
    scanned: int = 0

    def count(self, kind: str) -> None:
        self.done[kind] = self.done.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.done.values())

    def lines(self) -> list[str]:
        done = ", ".join(f"{count} {kind}" for kind, count in sorted(self.done.items())) or "nothing due"
        lines = [f"keeper pass: {done}; {len(self.failed)} failed"]
        lines += [f"  failed {kind} {subject}: {reason}" for kind, subject, reason in self.failed]
        return lines


# ---------------------------------------------------------------- finders


def lease_jobs(system: Any, sender: Any, state: KeeperState) -> Iterator[Job]:
    market, assets = system.lease_market, system.assets
    count = int(market.leaseCount())
    now = _now()
    first_open = None
    for lease_id in range(state.first_open_lease, count + 1):
        lease = market.leaseOf(lease_id)
        if int(lease.status) != BOOKED:
            continue
        first_open = first_open or lease_id
        genesis, epoch = int(market.GENESIS()), int(market.EPOCH_SECONDS())
        starts, ends = genesis + lease.startEpoch * epoch, genesis + lease.endEpoch * epoch
        if starts <= now < ends - 1 and assets.userOf(lease.assetId) != lease.renter:
            yield Job("start", f"lease {lease_id}", lambda i=lease_id: market.startLease(i, sender=sender))
        if market.nextSettlement(lease_id)[2]:
            yield Job(
                "settle",
                f"lease {lease_id}",
                lambda i=lease_id: market.settle(i, sender=sender),
                lambda i=lease_id: int(market.leaseOf(i).status) == BOOKED and bool(market.nextSettlement(i)[2]),
            )
    state.first_open_lease = first_open or count + 1


def route_jobs(system: Any, sender: Any, state: KeeperState) -> Iterator[Job]:
    market = system.lease_market
    if int(market.totalUnrouted()) == 0:
        return
    for asset_id in range(1, int(system.assets.assetCount()) + 1):
        if int(market.unroutedRentOf(asset_id)) > 0:
            yield Job("route", f"asset {asset_id}", lambda i=asset_id: market.routeRent(i, sender=sender))


def price_jobs(system: Any, sender: Any, state: KeeperState) -> Iterator[Job]:
    nav = system.nav
    if nav is None or not system.markets:
        return
    stale_after = int(nav.heartbeat()) // 2
    now = _now()
    for asset_id in system.markets:
        _, updated_at = nav.recordedRevenuePriceOf(asset_id)
        if now - int(updated_at) >= stale_after:
            yield Job("price", f"asset {asset_id}", lambda i=asset_id: nav.updateRevenuePrice(i, sender=sender))


def borrowers_of(market: Any, state: KeeperState) -> list[str]:
    """Every account that ever had collateral in `market`, from its `CollateralSupplied` events; a looping keeper
    reads only the blocks it has not read yet."""
    from ape import chain

    key, head = str(market.address), chain.blocks.head.number
    known = state.borrowers.setdefault(key, [])
    for log in market.CollateralSupplied.range(state.next_block.get(key, 0), head + 1):
        if str(log.borrower) not in known:
            known.append(str(log.borrower))
    state.next_block[key] = head + 1
    return known


def market_jobs(system: Any, sender: Any, state: KeeperState) -> Iterator[Job]:
    for asset_id, market in system.markets.items():
        for borrower in borrowers_of(market, state):
            view = market.positionOf(borrower)
            if int(view.debt) == 0:
                continue
            subject = f"asset {asset_id} {borrower}"
            if view.liquidatable:
                yield Job("liquidate", subject, lambda m=market, b=borrower: m.liquidate(b, 2**256 - 1, sender=sender))
            elif int(view.pendingRevenue) > 0:
                yield Job("sweep", subject, lambda m=market, b=borrower: m.sweep(b, sender=sender))


# Finders in pass order: settling releases rent that routing then sends on (into the shares, and so to the markets);
# prices are refreshed before positions are judged.
TASKS: list[Callable[[Any, Any, KeeperState], Iterator[Job]]] = [lease_jobs, route_jobs, price_jobs, market_jobs]


def _now() -> int:
    from ape import chain

    return chain.pending_timestamp


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__} {text}".strip()


# ---------------------------------------------------------------- running


def run_pass(
    system: Any,
    sender: Any,
    state: KeeperState | None = None,
    progress: Callable[[int, str], None] | None = None,
    tasks: list | None = None,
) -> PassSummary:
    """Finds and sends every due job once (a settlement repeats while periods are ready). A job that reverts is
    recorded in the summary and the pass goes on. `progress(total, label)` is told of each job as it runs."""
    state = state or KeeperState()
    summary = PassSummary()
    for finder in tasks or TASKS:
        jobs = list(finder(system, sender, state))
        summary.scanned += len(jobs)
        for job in jobs:
            if progress:
                progress(len(jobs), f"{job.kind} {job.subject}")
            for _ in range(MAX_PERIODS_PER_LEASE):
                try:
                    job.send()
                except Exception as error:  # noqa: BLE001 - a revert or a node error: note it, go on
                    summary.failed.append((job.kind, job.subject, _reason(error)))
                    break
                summary.count(job.kind)
                if not job.again():
                    break
    return summary


def run(
    system: Any,
    sender: Any,
    loop_seconds: float | None = None,
    report: Callable[[PassSummary], None] = lambda summary: None,
    progress: Callable[[int, str], None] | None = None,
    passes: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[PassSummary]:
    """One pass, or a pass every `loop_seconds` (until interrupted, or `passes` passes)."""
    state, summaries = KeeperState(), []
    while True:
        summary = run_pass(system, sender, state, progress)
        summaries.append(summary)
        report(summary)
        if not loop_seconds or (passes is not None and len(summaries) >= passes):
            return summaries
        sleep(loop_seconds)
