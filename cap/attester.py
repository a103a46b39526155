"""Attester logic: from a telemetry file to quorum-signed usage reports on the UsageOracle.

`ape run attester` is a thin command over this module; the tests call it directly. Which epochs go out: those the
telemetry covers completely (`telemetry.latest_complete_epoch`), that have finished on-chain, and that come after the
asset's latest accepted epoch (the oracle is append-only), so a re-run submits nothing twice. An epoch without any
sample is never reported: the oracle counts it as downtime.

Does not check: that the signers run independent monitoring (one machine holding a quorum of keys defeats the
quorum), nor the telemetry's origin (see `cap.telemetry`).
"""

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cap.reports import EnergyMode, UsageReport, submit_reports
from cap.telemetry import GpuSample, TelemetryError, epoch_of, latest_complete_epoch, load_telemetry, split_epochs

EPOCH_ALL = "all"
EPOCH_LAST = "last"
EpochChoice = int | str  # an epoch number, EPOCH_ALL or EPOCH_LAST

MODES = {"ai": EnergyMode.AI, "mining": EnergyMode.Mining, "curtailed": EnergyMode.Curtailed}
TEST_ACCOUNT_PREFIX = "test:"
MAX_REPORTS_PER_TX = 24  # a day of hourly epochs per transaction


class AttesterError(ValueError):
    """A run that cannot go ahead (bad arguments, accounts, signers); raised before any transaction."""


@dataclass(frozen=True)
class EpochClock:
    """The oracle's epoch numbering: epoch n starts at `genesis + n * epoch_seconds`."""

    genesis: int
    epoch_seconds: int

    def start(self, epoch: int) -> int:
        return self.genesis + epoch * self.epoch_seconds


@dataclass(frozen=True)
class OracleState:
    """What the oracle knows about one asset; `None` where there is no oracle to ask (a dry run without one)."""

    clock: EpochClock
    latest_accepted: int | None = None
    current_epoch: int | None = None

    @classmethod
    def read(cls, oracle: Any, asset_id: int) -> "OracleState":
        reported, latest = oracle.latestEpoch(asset_id)
        clock = EpochClock(int(oracle.genesis()), int(oracle.epochSeconds()))
        return cls(clock, int(latest) if reported else None, int(oracle.currentEpoch()))

    def is_open(self, epoch: int) -> bool:
        """Whether the oracle would take `epoch`: finished, and after the latest accepted one."""
        after_latest = self.latest_accepted is None or epoch > self.latest_accepted
        finished = self.current_epoch is None or epoch < self.current_epoch
        return after_latest and finished


@dataclass(frozen=True)
class AttesterConfig:
    """One machine (asset) and how its telemetry is sampled."""

    asset_id: int
    expected_gpus: int
    sample_interval: int = 60
    mode: EnergyMode = EnergyMode.AI


@dataclass
class Attestation:
    """The outcome of one run: the reports built (submitted unless a dry run) and their receipts."""

    clock: EpochClock
    reports: list[UsageReport]
    receipts: list[Any] = field(default_factory=list)


# ---------------------------------------------------------------- choosing epochs and building reports


def parse_epoch_choice(text: str) -> EpochChoice:
    """`all`, `last` or an epoch number."""
    choice = text.strip().lower()
    if choice in (EPOCH_ALL, EPOCH_LAST):
        return choice
    if choice.isdigit():
        return int(choice)
    raise AttesterError(f"epoch must be a number, {EPOCH_ALL!r} or {EPOCH_LAST!r}, got {text!r}")


def complete_epochs(samples: Sequence[GpuSample], clock: EpochClock, sample_interval: int) -> list[int]:
    """Epochs that hold samples and that the telemetry has fully covered, ascending."""
    latest = latest_complete_epoch(samples, clock.genesis, clock.epoch_seconds, sample_interval)
    if latest is None:
        return []
    epochs = {_epoch(sample, clock) for sample in samples}
    return sorted(epoch for epoch in epochs if 0 <= epoch <= latest)


def select_epochs(complete: Sequence[int], state: OracleState, choice: EpochChoice = EPOCH_ALL) -> list[int]:
    """The epochs to submit among the complete ones: `all` open ones, the `last` complete one if open, or one."""
    if choice == EPOCH_ALL:
        return [epoch for epoch in complete if state.is_open(epoch)]
    if choice == EPOCH_LAST:
        return [complete[-1]] if complete and state.is_open(complete[-1]) else []
    if not isinstance(choice, int) or choice not in complete:
        raise AttesterError(f"epoch {choice} is not complete in the telemetry (complete epochs: {_span(complete)})")
    return [choice] if state.is_open(choice) else []


def build_reports(
    samples: Sequence[GpuSample], config: AttesterConfig, clock: EpochClock, epochs: Sequence[int]
) -> list[UsageReport]:
    """One report per epoch, aggregated from the samples (`cap.telemetry` states the rules)."""
    wanted = set(epochs)
    in_epochs = [sample for sample in samples if _epoch(sample, clock) in wanted]
    usages = split_epochs(
        in_epochs, clock.genesis, clock.epoch_seconds, config.expected_gpus, config.sample_interval, config.mode
    )
    return [
        UsageReport(
            asset_id=config.asset_id,
            epoch=epoch,
            uptime_bps=usages[epoch].uptime_bps,
            utilization_bps=usages[epoch].utilization_bps,
            gpu_milli_hours=usages[epoch].gpu_milli_hours,
            energy_wh=usages[epoch].energy_wh,
            mode=usages[epoch].mode,
            metrics_hash=usages[epoch].metrics_hash,
        )
        for epoch in sorted(wanted)
    ]


def plan_reports(
    samples: Sequence[GpuSample], config: AttesterConfig, state: OracleState, choice: EpochChoice = EPOCH_ALL
) -> list[UsageReport]:
    """The reports this run should submit."""
    complete = complete_epochs(samples, state.clock, config.sample_interval)
    return build_reports(samples, config, state.clock, select_epochs(complete, state, choice))


# ---------------------------------------------------------------- submitting


def attest(
    samples: Sequence[GpuSample],
    config: AttesterConfig,
    *,
    oracle: Any = None,
    signers: Sequence[Any] = (),
    sender: Any = None,
    choice: EpochChoice = EPOCH_ALL,
    dry_run: bool = False,
    clock: EpochClock | None = None,
) -> Attestation:
    """Builds the reports due and, unless a dry run, checks the accounts and submits the reports (batches of
    `MAX_REPORTS_PER_TX`; a re-run after a failed batch picks up where it stopped).

    The oracle supplies the epoch clock and what it already holds; without one (dry run only) `clock` does.
    """
    state = _state(oracle, config.asset_id, clock, dry_run)
    if not dry_run:
        check_signers(oracle, signers, sender)
    reports = plan_reports(samples, config, state, choice)
    if dry_run or not reports:
        return Attestation(state.clock, reports)
    receipts = [
        submit_reports(oracle, reports[i : i + MAX_REPORTS_PER_TX], signers, sender)
        for i in range(0, len(reports), MAX_REPORTS_PER_TX)
    ]
    return Attestation(state.clock, reports, receipts)


def attest_file(path: str | Path, config: AttesterConfig, **options: Any) -> Attestation:
    """`attest` over a telemetry file, read afresh."""
    return attest(load_telemetry(path), config, **options)


def check_signers(oracle: Any, signers: Sequence[Any], sender: Any) -> None:
    """Fails early, with names, where the oracle would revert: unknown or repeated attesters, too few of them."""
    if sender is None:
        raise AttesterError("a sender account is needed to submit")
    addresses = [str(signer.address) for signer in signers]
    if len(set(addresses)) != len(addresses):
        raise AttesterError(f"the same attester is given twice: {addresses}")
    unknown = [address for address in addresses if not oracle.isAttester(address)]
    if unknown:
        raise AttesterError(f"not registered attesters of the oracle {oracle.address}: {', '.join(unknown)}")
    quorum = int(oracle.quorum())
    if len(addresses) < quorum:
        raise AttesterError(f"{len(addresses)} signer(s) given, the oracle's quorum is {quorum}")


def watch(
    step: Callable[[], object],
    every_seconds: float,
    on_error: Callable[[Exception], None],
    *,
    sleep: Callable[[float], object] = time.sleep,
    rounds: int | None = None,
) -> None:
    """Waits `every_seconds`, runs `step`, and again (forever unless `rounds`). Errors a later round can get past
    (telemetry caught mid-write, a reverted or dropped transaction, an attester not yet appointed) go to `on_error`."""
    from ape.exceptions import ApeException

    done = 0
    while rounds is None or done < rounds:
        sleep(every_seconds)
        try:
            step()
        except (TelemetryError, AttesterError, ApeException) as error:
            on_error(error)
        done += 1


# ---------------------------------------------------------------- accounts


def load_account(spec: str, network: Any = None) -> Any:
    """An Ape account by alias (a keyfile account unlocks from `APE_ACCOUNTS_<alias>_PASSPHRASE`, never a prompt),
    or `test:N`, the N-th test account, on local and fork networks."""
    from ape import accounts

    if spec.startswith(TEST_ACCOUNT_PREFIX):
        return _test_account(spec, network)
    if spec not in accounts.aliases:
        raise AttesterError(f"no Ape account with alias {spec!r} (see `ape accounts list`)")
    account = accounts.load(spec)
    if hasattr(account, "set_autosign"):
        variable = f"APE_ACCOUNTS_{spec}_PASSPHRASE"
        if not os.environ.get(variable):
            raise AttesterError(f"account {spec!r} is locked: set {variable} (this command never prompts)")
        account.set_autosign(True)
    return account


def _test_account(spec: str, network: Any) -> Any:
    from ape import accounts

    index = spec.removeprefix(TEST_ACCOUNT_PREFIX)
    if network is not None and not network.is_dev:
        raise AttesterError(f"{spec}: test accounts exist only on local and fork networks, not {network.name}")
    if not index.isdigit() or int(index) >= len(accounts.test_accounts):
        raise AttesterError(f"{spec}: expected test:N with N below {len(accounts.test_accounts)}")
    return accounts.test_accounts[int(index)]


# ---------------------------------------------------------------- output


def format_reports(reports: Sequence[UsageReport], clock: EpochClock) -> str:
    """A small table, one line per report."""
    header = f"{'asset':>6} {'epoch':>8}  {'start (UTC)':<17} {'uptime':>8} {'util':>8} {'GPU-h':>9} "
    header += f"{'kWh':>9}  {'mode':<9} metrics hash"
    return "\n".join([header, *(_report_line(report, clock) for report in reports)])


def _report_line(report: UsageReport, clock: EpochClock) -> str:
    start = datetime.fromtimestamp(clock.start(report.epoch), timezone.utc).strftime("%Y-%m-%d %H:%M")
    return (
        f"{report.asset_id:>6} {report.epoch:>8}  {start:<17} {report.uptime_bps / 100:>7.2f}% "
        f"{report.utilization_bps / 100:>7.2f}% {report.gpu_milli_hours / 1000:>9.3f} {report.energy_wh / 1000:>9.3f}"
        f"  {EnergyMode(report.mode).name:<9} 0x{bytes(report.metrics_hash).hex()[:16]}…"
    )


def _state(oracle: Any, asset_id: int, clock: EpochClock | None, dry_run: bool) -> OracleState:
    if oracle is not None:
        return OracleState.read(oracle, asset_id)
    if not dry_run:
        raise AttesterError("an oracle address is needed to submit (or use a dry run)")
    if clock is None:
        raise AttesterError("without an oracle, an epoch clock (genesis, epoch length) is needed")
    return OracleState(clock)


def _epoch(sample: GpuSample, clock: EpochClock) -> int:
    return epoch_of(sample.timestamp, clock.genesis, clock.epoch_seconds)


def _span(epochs: Sequence[int]) -> str:
    if len(epochs) > 6:
        return f"{len(epochs)} epochs from {epochs[0]} to {epochs[-1]}"
    return ", ".join(map(str, epochs)) or "none"
