"""The demo's report: time series recorded while the story plays, PNG charts and a Markdown summary.

Pure Python (matplotlib with the Agg backend): no chain needed, so the tests feed small series. Amounts are in
stablecoin units (6 decimals), rates in basis points, time in days since the story's start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MultipleLocator  # noqa: E402

USD = 10**6
BPS = 10_000

USAGE_CHART = "usage.png"
REVENUE_CHART = "revenue.png"
LOAN_CHART = "loan.png"
REPORT = "demo.md"

RECIPIENTS = ("protocol treasury", "operator", "holders")


@dataclass(frozen=True)
class UsagePoint:
    """One attested epoch of one asset (`UsageOracle.usageAt`); `day` is the epoch's start."""

    day: float
    uptime_bps: int
    utilization_bps: int


@dataclass(frozen=True)
class RevenuePoint:
    """Revenue routed so far, by recipient (`RevenueRouter.RevenueRouted`), at the end of a day."""

    day: float
    treasury: int
    operator: int
    holders: int


@dataclass(frozen=True)
class LoanPoint:
    """A loan read through `CollateralMarket.positionOf` (`cap.lending.health`)."""

    day: float
    debt: int
    value: int
    ltv_bps: int


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]


@dataclass
class Record:
    """What the demo writes down while it plays."""

    title: str = "Compute Asset Protocol: a month on a local chain"
    started_at: str = ""  # the story's day 0, as text (chain time)
    usage: dict[str, list[UsagePoint]] = field(default_factory=dict)  # asset label -> epochs
    leased: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # asset label -> (from, to) days
    revenue: list[RevenuePoint] = field(default_factory=list)
    loan: list[LoanPoint] = field(default_factory=list)
    loan_label: str = "loan"
    liquidation_ltv_bps: int | None = None
    events: list[tuple[float, str]] = field(default_factory=list)  # (day, what happened): timeline and markers
    liquidation_day: float | None = None
    sweeps: list[tuple[float, int, int]] = field(default_factory=list)  # (day, debt after, repaid by revenue)
    tables: list[Table] = field(default_factory=list)
    gas: dict[str, list[int]] = field(default_factory=dict)  # operation -> gas of each call

    def add_gas(self, operation: str, gas_used: int) -> None:
        self.gas.setdefault(operation, []).append(int(gas_used))

    def add_table(self, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        self.tables.append(Table(title, list(columns), [list(row) for row in rows]))


# ---------------------------------------------------------------- charts


def _usd_axis(axis, label: str) -> None:
    axis.set_ylabel(label)
    axis.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"${value:,.0f}"))


def _day_axis(axis, last_day: float) -> None:
    axis.set_xlabel("day of the story (chain time)")
    axis.set_xlim(left=0, right=max(1.0, last_day))
    axis.xaxis.set_major_locator(MultipleLocator(7 if last_day > 14 else 1))
    axis.xaxis.set_minor_locator(MultipleLocator(1))
    axis.grid(True, which="major", alpha=0.3)


def usage_chart(
    usage: dict[str, list[UsagePoint]], path: Path, leased: dict[str, list[tuple[float, float]]] | None = None
) -> Path:
    """Per asset: attested uptime and utilization per epoch, one panel per asset, leased spans shaded."""
    labels = list(usage)
    rows = max(1, len(labels))
    figure, axes = plt.subplots(rows, 1, figsize=(11, 3.2 * rows + 0.8), sharex=True, squeeze=False)
    last = max((point.day for points in usage.values() for point in points), default=1.0)
    for axis, label in zip(axes[:, 0], labels, strict=False):
        points = usage[label]
        days = [point.day for point in points]
        for index, (start, end) in enumerate((leased or {}).get(label, [])):
            axis.axvspan(start, end, color="tab:orange", alpha=0.12, lw=0, label="leased" if index == 0 else None)
        axis.plot(days, [p.utilization_bps / 100 for p in points], color="tab:blue", lw=1, label="utilization")
        axis.plot(days, [p.uptime_bps / 100 for p in points], color="tab:green", lw=1.5, label="uptime")
        axis.set_title(label, loc="left", fontsize=10)
        axis.set_ylabel("% of the epoch")
        axis.set_ylim(0, 105)
        axis.legend(loc="lower left", fontsize=8, ncol=3, framealpha=0.9)
        _day_axis(axis, last)
    for axis in axes[:-1, 0]:
        axis.set_xlabel("")
    figure.suptitle("Attested uptime and GPU utilization per epoch (one-hour epochs)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def revenue_chart(revenue: Sequence[RevenuePoint], path: Path) -> Path:
    """Cumulative revenue routed, stacked by recipient."""
    figure, axis = plt.subplots(figsize=(11, 4.5))
    days = [point.day for point in revenue]
    series = [
        [p.treasury / USD for p in revenue],
        [p.operator / USD for p in revenue],
        [p.holders / USD for p in revenue],
    ]
    if revenue:
        axis.stackplot(days, *series, labels=RECIPIENTS, colors=("tab:gray", "tab:orange", "tab:blue"), alpha=0.8)
        total = revenue[-1].treasury + revenue[-1].operator + revenue[-1].holders
        axis.annotate(f"total ${total / USD:,.0f}", (days[-1], total / USD), ha="right", va="bottom", fontsize=9)
        axis.set_ylim(0, max(1.0, total / USD) * 1.12)
    axis.set_title("Cumulative revenue routed since day 0, by recipient (all assets: rent and inference)")
    _usd_axis(axis, "cumulative revenue (USD)")
    _day_axis(axis, days[-1] if days else 1.0)
    if revenue:
        axis.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def loan_chart(
    loan: Sequence[LoanPoint],
    path: Path,
    liquidation_day: float | None = None,
    liquidation_ltv_bps: int | None = None,
    label: str = "loan",
    sweeps: Sequence[tuple[float, int, int]] = (),
) -> Path:
    """The loan's debt and collateral value (USD, left) and its LTV (right), the liquidation marked."""
    figure, axis = plt.subplots(figsize=(11, 4.8))
    days = [point.day for point in loan]
    axis.plot(days, [p.value / USD for p in loan], color="tab:green", lw=2, label="collateral value")
    axis.plot(days, [p.debt / USD for p in loan], color="tab:red", lw=2, label="debt")
    if sweeps:
        repaid = sum(amount for _, _, amount in sweeps)
        axis.scatter(
            [day for day, _, _ in sweeps],
            [debt / USD for _, debt, _ in sweeps],
            color="tab:red",
            marker="v",
            zorder=3,
            label=f"revenue sweeps (repaid ${repaid / USD:,.0f} in all)",
        )
    _usd_axis(axis, "USD")
    axis.set_ylim(bottom=0)
    _day_axis(axis, days[-1] if days else 1.0)
    ltv_axis = axis.twinx()
    ltv_axis.plot(days, [min(p.ltv_bps, 2 * BPS) / 100 for p in loan], color="tab:purple", lw=1.2, ls="--", label="LTV")
    ltv_axis.set_ylabel("loan-to-value (%)")
    ltv_axis.set_ylim(0, 100)
    handles = axis.get_legend_handles_labels()[0] + ltv_axis.get_legend_handles_labels()[0]
    if liquidation_ltv_bps is not None:
        handles.append(
            ltv_axis.axhline(
                liquidation_ltv_bps / 100, color="tab:purple", lw=0.8, ls=":", label="liquidation threshold (LTV)"
            )
        )
    if liquidation_day is not None:
        handles.append(axis.axvline(liquidation_day, color="black", lw=1, ls="-.", label="liquidation"))
        axis.annotate(
            "liquidation",
            (liquidation_day, axis.get_ylim()[1] * 0.95),
            xytext=(-6, 0),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=9,
        )
    axis.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.9)
    axis.set_title(f"{label}: debt, collateral value and LTV")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


# ---------------------------------------------------------------- Markdown


def _markdown_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    def numeric(index: int) -> bool:
        cells = [cell(row[index]).strip() for row in rows if index < len(row)]
        return bool(cells) and all(text[:1] in "0123456789$-#" for text in cells if text)

    lines = ["| " + " | ".join(cell(column) for column in columns) + " |"]
    lines.append("| " + " | ".join("---:" if numeric(i) else "---" for i in range(len(columns))) + " |")
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def gas_rows(gas: dict[str, list[int]]) -> list[tuple[str, int, str, str]]:
    """(operation, calls, mean gas, max gas), in the order the operations first ran."""
    return [(name, len(used), f"{sum(used) // len(used):,}", f"{max(used):,}") for name, used in gas.items() if used]


def markdown(record: Record) -> str:
    lines = [f"# {record.title}", ""]
    if record.started_at:
        lines += [f"Day 0 of the story: {record.started_at} (chain time). Amounts in USD (6-decimal stablecoin).", ""]
    lines += ["## Charts", ""]
    lines += [
        f"- [Uptime and utilization per epoch]({USAGE_CHART})",
        f"- [Cumulative revenue by recipient]({REVENUE_CHART})",
        f"- [The loan: debt, collateral value and LTV]({LOAN_CHART})",
        "",
        f"![Uptime and utilization]({USAGE_CHART})",
        "",
        f"![Cumulative revenue]({REVENUE_CHART})",
        "",
        f"![The loan]({LOAN_CHART})",
        "",
    ]
    if record.events:
        lines += ["## Timeline", ""]
        lines += _markdown_table(["day", "what happened"], [(f"{day:g}", text) for day, text in record.events])
        lines.append("")
    lines += ["## Key tables", ""]
    for table in record.tables:
        lines += [f"### {table.title}", ""]
        lines += _markdown_table(table.columns, table.rows)
        lines.append("")
    lines += ["## Gas of the main operations", ""]
    lines += _markdown_table(["operation", "calls", "mean gas", "max gas"], gas_rows(record.gas))
    lines.append("")
    return "\n".join(lines)


def write_report(record: Record, folder: Path | str) -> Path:
    """Writes the three charts and `demo.md` into `folder` (created when missing); returns the Markdown's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    usage_chart(record.usage, folder / USAGE_CHART, record.leased)
    revenue_chart(record.revenue, folder / REVENUE_CHART)
    loan_chart(
        record.loan,
        folder / LOAN_CHART,
        liquidation_day=record.liquidation_day,
        liquidation_ltv_bps=record.liquidation_ltv_bps,
        label=record.loan_label,
        sweeps=record.sweeps,
    )
    path = folder / REPORT
    path.write_text(markdown(record))
    return path
