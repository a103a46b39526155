"""The vault's and the kinked model's integer math, in Python, to compute expected values by hand."""

from __future__ import annotations

from dataclasses import dataclass

WAD = 10**18
BPS = 10_000
YEAR = 365 * 86_400
SHARE_OFFSET = 10**6  # virtual shares: 10 ** _decimalsOffset()


def div_up(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class KinkedRates:
    base: int
    slope1: int
    slope2: int
    kink: int

    def utilization(self, cash: int, debt: int) -> int:
        return 0 if debt == 0 else debt * WAD // (cash + debt)

    def per_year(self, utilization: int) -> int:
        if utilization <= self.kink:
            return self.base + self.slope1 * utilization // self.kink
        return self.base + self.slope1 + self.slope2 * (utilization - self.kink) // (WAD - self.kink)

    def per_second(self, cash: int, debt: int) -> int:
        return self.per_year(self.utilization(cash, debt)) // YEAR

    def args(self) -> tuple[int, int, int, int]:
        return (self.base, self.slope1, self.slope2, self.kink)


@dataclass
class VaultModel:
    """Mirror of the vault's packed state; `accrue` does what `LendingVault._accrue` does."""

    rates: KinkedRates
    reserve_factor_bps: int
    units: int
    index: int
    cash: int
    reserves: int
    supply: int
    last: int

    @classmethod
    def read(cls, vault, rates: KinkedRates, timestamp: int) -> VaultModel:
        """The vault's state at `timestamp`, which must be the time of its last accrual (a transaction just ran)."""
        return cls(
            rates=rates,
            reserve_factor_bps=vault.reserveFactorBps(),
            units=vault.totalDebtUnits(),
            index=vault.borrowIndex(),
            cash=vault.idleCash(),
            reserves=vault.totalReserves(),
            supply=vault.totalSupply(),
            last=timestamp,
        )

    @property
    def debt(self) -> int:
        return div_up(self.units * self.index, WAD)

    @property
    def total_assets(self) -> int:
        return self.cash + self.debt - self.reserves

    def accrue(self, now: int) -> tuple[int, int]:
        """Accrues to `now`; returns (interest, to_reserves)."""
        elapsed, self.last = now - self.last, now
        if elapsed == 0 or self.units == 0:
            return 0, 0
        debt_before = self.debt
        rate = self.rates.per_second(self.cash, debt_before)
        self.index += div_up(self.index * rate * elapsed, WAD)
        interest = self.debt - debt_before
        to_reserves = interest * self.reserve_factor_bps // BPS
        self.reserves += to_reserves
        return interest, to_reserves

    def to_shares(self, assets: int, up: bool = False) -> int:
        num, den = assets * (self.supply + SHARE_OFFSET), self.total_assets + 1
        return div_up(num, den) if up else num // den

    def to_assets(self, shares: int, up: bool = False) -> int:
        num, den = shares * (self.total_assets + 1), self.supply + SHARE_OFFSET
        return div_up(num, den) if up else num // den
