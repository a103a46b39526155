"""Console output for the demo and the operator commands: headings, steps and tables (rich)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

console = Console(highlight=False)

USD = 10**6
SHARE = 10**18


def usd(units: int) -> str:
    """Stablecoin units (6 decimals) as dollars."""
    return f"${units / USD:,.2f}"


def usd0(units: int) -> str:
    """Stablecoin units as whole dollars (for wide tables)."""
    return f"${units / USD:,.0f}"


def shares(units: int) -> str:
    return f"{units / SHARE:,.0f}"


def bps(value: int) -> str:
    return f"{value / 100:.2f}%"


def short(address: str) -> str:
    text = str(address)
    return f"{text[:6]}…{text[-4:]}"


def chapter(title: str) -> None:
    console.print()
    console.rule(f"[bold]{title}")


def step(text: str) -> None:
    console.print(f"  • {text}")


def refused(text: str, error: Exception) -> None:
    console.print(f"  ✗ {text}: [red]{type(error).__name__}[/red] {_error_args(error)}")


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    grid = Table(title=title, title_justify="left", show_lines=False)
    for index, column in enumerate(columns):
        grid.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        grid.add_row(*(str(cell) for cell in row))
    console.print(grid)


def _error_args(error: Exception) -> str:
    inputs = getattr(error, "inputs", None)
    if not inputs:
        return ""
    return "(" + ", ".join(f"{key}={_plain(value)}" for key, value in inputs.items()) + ")"


def _plain(value: object) -> str:
    text = str(value)
    return short(text) if text.startswith("0x") and len(text) == 42 else text
