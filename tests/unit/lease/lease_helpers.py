"""Constants, typed values and the deploy-and-wire step of the LeaseMarket tests (imported by the conftest and tests).

`deploy_market` wires a market the way `cap/deploy.py` does (its roles come from `FUNCTION_ROLES["lease_market"]`),
so that the unit tests can pair it with a mock router.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from cap.deploy import FUNCTION_ROLES, System, grant, set_function_roles
from cap.roles import Role

USD = 10**6
HOUR = 3_600
DAY = 86_400
PRICE_PER_HOUR = 16 * USD  # an 8x H100 server at $2 per GPU-hour
SLA_UPTIME_BPS = 9_900
TERMINATION_FEE_BPS = 1_000
ATTEST_BATCH = 100  # reports per transaction (anvil runs with steps tracing: bigger batches are slower than linear)

# The market's default terms: daily SLA periods, a day of grace, a three-day dispute window, 90 days ahead.
SLA_PERIOD_HOURS = 24
ATTESTATION_GRACE = DAY
DISPUTE_WINDOW = 3 * DAY
MAX_ADVANCE = 90 * DAY
DEFAULT_TIERS = [(0, 0), (100, 1_000), (500, 2_500), (10_000, 10_000)]


class LeaseStatus(IntEnum):
    NONE = 0
    BOOKED = 1
    DISPUTED = 2
    CANCELLED = 3
    FINALIZED = 4


class Source(IntEnum):
    RENT = 0


def terms(
    sla_period_hours: int = SLA_PERIOD_HOURS,
    grace: int = ATTESTATION_GRACE,
    dispute_window: int = DISPUTE_WINDOW,
    max_advance: int = MAX_ADVANCE,
    tiers=None,
) -> tuple:
    """An `ILeaseMarket.Terms` tuple (the defaults unless told)."""
    return (sla_period_hours, grace, dispute_window, max_advance, list(DEFAULT_TIERS if tiers is None else tiers))


def offer(
    price_per_hour: int = PRICE_PER_HOUR,
    min_hours: int = 1,
    max_hours: int = 24 * 365,
    sla_uptime_bps: int = SLA_UPTIME_BPS,
    termination_fee_bps: int = TERMINATION_FEE_BPS,
    available_from: int = 0,
    available_until: int = 2**40,
) -> tuple:
    """An `ILeaseMarket.Offer` tuple."""
    return (
        price_per_hour,
        min_hours,
        max_hours,
        sla_uptime_bps,
        termination_fee_bps,
        available_from,
        available_until,
    )


def deploy_market(system: System, admin: Any, router: Any, stablecoin: Any = None) -> Any:
    """Deploys a LeaseMarket for `system`, sets its function roles, grants it LEASE_MARKET on the registry's
    `setUser` and registers it as a binding hook."""
    from ape import project

    market = project.LeaseMarket.deploy(
        system.manager, stablecoin or system.stablecoin, system.assets, router, sender=admin
    )
    set_function_roles(system.manager, market, FUNCTION_ROLES["lease_market"], admin)
    grant(system, admin, Role.LEASE_MARKET, market)
    system.assets.setBindingHook(market, True, sender=admin)
    return market


class Clock:
    """Epoch arithmetic at the pending block's timestamp (the one the next transaction gets)."""

    def __init__(self, chain, genesis: int, epoch_seconds: int):
        self.chain = chain
        self.genesis = genesis
        self.epoch_seconds = epoch_seconds

    def epoch(self, timestamp: int | None = None) -> int:
        timestamp = self.chain.pending_timestamp if timestamp is None else timestamp
        return (timestamp - self.genesis) // self.epoch_seconds

    def start_of(self, epoch: int) -> int:
        return self.genesis + epoch * self.epoch_seconds

    def goto(self, timestamp: int) -> None:
        """Moves the pending timestamp forward (never back)."""
        if timestamp > self.chain.pending_timestamp:
            self.chain.pending_timestamp = timestamp

    def fresh_epoch(self, margin: int = 600) -> int:
        """The current epoch, after moving to the next one when fewer than `margin` seconds are left in it."""
        epoch = self.epoch()
        if self.start_of(epoch + 1) - self.chain.pending_timestamp < margin:
            epoch += 1
            self.goto(self.start_of(epoch))
        return epoch
