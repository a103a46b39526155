"""`make bench`: the gas benchmark on a fresh local chain (see cap/bench.py); `make snapshot`: the operations only.

Writes benchmarks/gas.md, benchmarks/gas.json and benchmarks/gas-snapshot.json (`--snapshot-only`: the snapshot).
Wall-clock figures come from tools/bench.sh through the environment (BENCH_COMPILE_SECONDS, BENCH_DEMO_SECONDS) and
from the timing file that tools/run_tests.sh writes (.build/test-times.txt).
"""

import os
import time
from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from cap.bench import ROOT, Bench, text_report, write_reports, write_snapshot

TEST_TIMES = ROOT / ".build" / "test-times.txt"


def _seconds(name: str) -> str:
    value = os.environ.get(name, "")
    return f"{float(value):.1f}" if value else "not measured"


def test_suite_time(path: Path = TEST_TIMES) -> tuple[str, str]:
    """The last run of tools/run_tests.sh on this machine, as it recorded it."""
    if not path.exists():
        return "not measured", "no record: run `make test`, then `make bench`"
    fields = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    args = fields.get("args", "").strip()
    what = "`make test`: every area, each its own Ape session" if not args else f"`tools/run_tests.sh {args}`"
    when = f"last run on this machine at {fields.get('date', '?')}: {fields.get('result', '?')}"
    return fields.get("total_seconds", "?"), f"{what}; {when} (.build/test-times.txt)"


def wallclock(bench_seconds: float) -> list[tuple[str, str, str]]:
    suite_seconds, suite_what = test_suite_time()
    return [
        ("compile", _seconds("BENCH_COMPILE_SECONDS"), "`ape compile --force` (solc-js), timed by tools/bench.sh"),
        ("test suite", suite_seconds, suite_what),
        ("demo", _seconds("BENCH_DEMO_SECONDS"), "`ape run demo`, output discarded, timed by tools/bench.sh"),
        ("this benchmark", f"{bench_seconds:.1f}", "`ape run bench`: deployment, operations and scaling tables"),
    ]


@click.command(cls=ConnectedProviderCommand, short_help="Measure the gas of every user-facing operation")
@click.option("--snapshot-only", is_flag=True, help="measure the operations only and rewrite the gas snapshot")
def cli(snapshot_only: bool):
    logger.set_level("WARNING")  # the figures, not every confirmation
    started = time.monotonic()
    bench = Bench(log=lambda message: click.echo(f"[{time.monotonic() - started:6.1f}s] {message}", err=True))
    results = bench.operations()
    write_snapshot(results)
    if not snapshot_only:
        bench.scaling()
        write_reports(results, wallclock(time.monotonic() - started))
    click.echo(text_report(results))
    written = "benchmarks/gas-snapshot.json" if snapshot_only else "benchmarks/gas.md, gas.json, gas-snapshot.json"
    click.echo(f"\nwritten: {written}")
