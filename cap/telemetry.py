"""GPU telemetry to per-epoch usage: the input side of an attester.

Reads two real formats into `GpuSample`s: DCGM-exporter's Prometheus text exposition (one or several scrapes) and
`nvidia-smi --query-gpu=... --format=csv` output. Then aggregates the samples of one epoch into the numbers of a
usage report. An epoch of E seconds holds N = E / sample_interval sample slots per GPU, N x expected_gpus in all.

Aggregation rules:

- uptime_bps: healthy samples per GPU, each GPU capped at N, over the N x expected_gpus expected slots; a missing
  sample is downtime. Rounded down.
- gpu_milli_hours: the same healthy slots x sample_interval, in thousandths of a GPU-hour. Rounded down.
- utilization_bps: mean utilization of the healthy samples, i.e. how busy the GPUs were while up (downtime is
  uptime's business, not counted twice); 0 without a healthy sample. Rounded to nearest.
- energy_wh: each sample with a power reading stands for the sample_interval seconds that follow it, healthy or
  not (a faulted GPU still draws power); time without a reading adds nothing. Rounded to nearest.
- mode: Curtailed when configured so; else Idle when utilization is under 1 %; else the configured mode (AI, Mining).
- metrics_hash: keccak256 of the epoch's samples in a canonical text form (`metrics_hash`).

Health: a sample is healthy when it has numeric utilization and power readings and, for DCGM, no new XID error.
DCGM's `DCGM_FI_DEV_XID_ERRORS` gauge holds the code of the last XID seen: a change to a non-zero code since the
GPU's previous sample marks that sample unhealthy (a GPU's first sample is the baseline).

Does not check: that the telemetry is genuine (the attester vouches for it by signing), nor wall-clock skew between
the telemetry source and the chain. nvidia-smi prints local time without a zone: run it with TZ=UTC.
"""

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from eth_utils import keccak
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from cap.reports import EnergyMode

MAX_BPS = 10_000
IDLE_UTILIZATION_BPS = 100  # below 1 % mean utilization an epoch is Idle
SECONDS_PER_HOUR = 3_600
HASH_FORMAT_VERSION = "cap-telemetry-v1"

DCGM_UTIL = "DCGM_FI_DEV_GPU_UTIL"
DCGM_POWER = "DCGM_FI_DEV_POWER_USAGE"
DCGM_XID = "DCGM_FI_DEV_XID_ERRORS"
DCGM_FIELDS = frozenset({DCGM_UTIL, DCGM_POWER, DCGM_XID})

SMI_REQUIRED_COLUMNS = ("timestamp", "index", "utilization.gpu", "power.draw")
SMI_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S")

FORMAT_DCGM = "dcgm"
FORMAT_NVIDIA_SMI = "nvidia-smi"

_PROMETHEUS_FIRST_LINE = re.compile(r"^(#|[A-Za-z_:][A-Za-z0-9_:]*\s*(\{|\s))")
_UNIT_SUFFIX = re.compile(r"\s*(%|[A-Za-z]+)$")


class TelemetryError(ValueError):
    """Telemetry that cannot be read or aggregated; the message names the source and, where known, the line."""


@dataclass(frozen=True)
class GpuSample:
    """One reading of one GPU. `timestamp` in unix seconds (UTC); a reading it could not take is None."""

    timestamp: float
    gpu: str
    utilization_pct: float | None
    power_w: float | None
    healthy: bool


@dataclass(frozen=True)
class EpochUsage:
    """One epoch of one machine, aggregated (see the module docstring for the rules)."""

    epoch_start: int
    epoch_seconds: int
    sample_count: int
    healthy_slots: int
    expected_slots: int
    uptime_bps: int
    utilization_bps: int
    gpu_milli_hours: int
    energy_wh: int
    mode: EnergyMode
    metrics_hash: bytes


# ---------------------------------------------------------------- loading


def load_telemetry(path: str | Path, scrape_time: float | None = None) -> list[GpuSample]:
    """Reads a telemetry file of either format (detected from its content) into samples sorted by time."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TelemetryError(f"{path}: cannot read telemetry: {error}") from error
    return parse_telemetry(text, source=str(path), scrape_time=scrape_time)


def parse_telemetry(text: str, source: str = "<telemetry>", scrape_time: float | None = None) -> list[GpuSample]:
    """Parses telemetry text of either format; `scrape_time` stands in for DCGM samples without a timestamp."""
    if detect_format(text, source) == FORMAT_DCGM:
        samples = parse_dcgm(text, source, scrape_time)
    else:
        samples = parse_nvidia_smi(text, source)
    if not samples:
        raise TelemetryError(f"{source}: no GPU samples")
    return sorted(samples, key=_sample_order)


def detect_format(text: str, source: str = "<telemetry>") -> str:
    """`FORMAT_DCGM` or `FORMAT_NVIDIA_SMI`, from the first non-blank line."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), None)
    if first_line is None:
        raise TelemetryError(f"{source}: empty telemetry file")
    if "timestamp" in _smi_header(next(csv.reader([first_line], skipinitialspace=True))):
        return FORMAT_NVIDIA_SMI
    if _PROMETHEUS_FIRST_LINE.match(first_line):
        return FORMAT_DCGM
    raise TelemetryError(
        f"{source}: line 1: unknown telemetry format (expected DCGM-exporter Prometheus text or "
        f"nvidia-smi --query-gpu CSV with its header): {first_line[:80]!r}"
    )


# ---------------------------------------------------------------- DCGM-exporter (Prometheus text)


@dataclass
class _DcgmReading:
    """The DCGM fields of one GPU in one scrape: field name -> (value, timestamp or None)."""

    gpu: str
    fields: dict[str, tuple[float, float | None]]

    def value(self, name: str) -> float | None:
        """The field's value; None when missing or not a finite number."""
        return _finite(self.fields[name][0]) if name in self.fields else None


def parse_dcgm(text: str, source: str = "<dcgm>", scrape_time: float | None = None) -> list[GpuSample]:
    """Parses DCGM-exporter scrapes. A scrape ends where a (field, GPU) pair repeats."""
    scrapes = _split_scrapes(_prometheus_samples(text, source), source)
    if not scrapes:
        raise TelemetryError(f"{source}: no DCGM GPU metrics ({', '.join(sorted(DCGM_FIELDS))})")
    timed = [
        (_reading_time(reading, index, len(scrapes), source, scrape_time), reading)
        for index, scrape in enumerate(scrapes)
        for reading in scrape.values()
    ]
    return _dcgm_samples(sorted(timed, key=lambda item: (item[0], item[1].gpu)))


def _prometheus_samples(text: str, source: str) -> list[Sample]:
    try:
        return [sample for family in text_string_to_metric_families(text) for sample in family.samples]
    except ValueError as error:  # the parser names neither the line nor, often, the cause
        raise TelemetryError(_locate_prometheus_error(text, source, error)) from error


def _locate_prometheus_error(text: str, source: str, error: ValueError) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            list(text_string_to_metric_families(line))
        except ValueError:
            return f"{source}: line {number}: not Prometheus text exposition: {line.strip()[:120]!r}"
    return f"{source}: not Prometheus text exposition: {error}"


def _split_scrapes(samples: Iterable[Sample], source: str) -> list[dict[str, _DcgmReading]]:
    scrapes: list[dict[str, _DcgmReading]] = []
    for sample in samples:
        if sample.name not in DCGM_FIELDS:
            continue
        gpu = _dcgm_gpu(sample, source)
        if not scrapes or (gpu in scrapes[-1] and sample.name in scrapes[-1][gpu].fields):
            scrapes.append({})
        reading = scrapes[-1].setdefault(gpu, _DcgmReading(gpu, {}))
        reading.fields[sample.name] = (float(sample.value), sample.timestamp)
    return scrapes


def _dcgm_gpu(sample: Sample, source: str) -> str:
    """The GPU's UUID (stable across reboots, unique across hosts), else its index."""
    gpu = sample.labels.get("UUID") or sample.labels.get("gpu")
    if not gpu:
        raise TelemetryError(f"{source}: {sample.name} sample without a UUID or gpu label: {sample.labels}")
    return gpu


def _reading_time(
    reading: _DcgmReading, scrape_index: int, scrape_count: int, source: str, scrape_time: float | None
) -> float:
    """The earliest timestamp among the reading's fields, else the caller's scrape time for a single scrape."""
    stamps = [stamp for _, stamp in reading.fields.values() if stamp is not None]
    if stamps:
        return float(min(stamps))
    if scrape_time is not None and scrape_count == 1:
        return float(scrape_time)
    reason = "the file holds several scrapes" if scrape_count > 1 else "no scrape time was given"
    raise TelemetryError(
        f"{source}: scrape {scrape_index + 1}: GPU {reading.gpu} samples carry no timestamp and {reason}"
    )


def _dcgm_samples(timed: Sequence[tuple[float, _DcgmReading]]) -> list[GpuSample]:
    last_xid: dict[str, float] = {}
    samples = []
    for timestamp, reading in timed:
        xid = reading.value(DCGM_XID)
        new_xid = _is_new_xid(last_xid.get(reading.gpu), xid)
        if xid is not None:
            last_xid[reading.gpu] = xid
        utilization, power = reading.value(DCGM_UTIL), reading.value(DCGM_POWER)
        healthy = utilization is not None and power is not None and not new_xid
        samples.append(GpuSample(timestamp, reading.gpu, utilization, power, healthy))
    return samples


def _is_new_xid(previous: float | None, current: float | None) -> bool:
    return previous is not None and current is not None and current != 0 and current != previous


# ---------------------------------------------------------------- nvidia-smi CSV


def parse_nvidia_smi(text: str, source: str = "<nvidia-smi>") -> list[GpuSample]:
    """Parses `nvidia-smi --query-gpu=... --format=csv` output, header-driven; repeated headers are skipped."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    columns: list[str] | None = None
    samples = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        header = _smi_header(row)
        if "timestamp" in header:
            columns = _checked_columns(header, source, reader.line_num)
        elif columns is None:
            raise TelemetryError(f"{source}: line {reader.line_num}: nvidia-smi CSV without its header line")
        else:
            samples.append(_smi_sample(_smi_row(columns, row, source, reader.line_num), source, reader.line_num))
    return samples


def _smi_header(row: Sequence[str]) -> list[str]:
    """Column names without their units: `power.draw [W]` -> `power.draw`."""
    return [cell.split("[")[0].strip().lower() for cell in row]


def _checked_columns(header: list[str], source: str, line: int) -> list[str]:
    missing = [column for column in SMI_REQUIRED_COLUMNS if column not in header]
    if missing:
        raise TelemetryError(f"{source}: line {line}: nvidia-smi CSV lacks column(s) {', '.join(missing)}")
    return header


def _smi_row(columns: list[str], row: list[str], source: str, line: int) -> dict[str, str]:
    if len(row) != len(columns):
        raise TelemetryError(f"{source}: line {line}: {len(row)} values for {len(columns)} columns")
    return {column: cell.strip() for column, cell in zip(columns, row, strict=True)}


def _smi_sample(row: dict[str, str], source: str, line: int) -> GpuSample:
    utilization = _smi_number(row, "utilization.gpu", source, line)
    power = _smi_number(row, "power.draw", source, line)
    timestamp = _smi_time(row["timestamp"], source, line)
    gpu = row["index"]
    if not gpu.isdigit():
        raise TelemetryError(f"{source}: line {line}: index: not a GPU index: {gpu!r}")
    return GpuSample(timestamp, gpu, utilization, power, utilization is not None and power is not None)


def _smi_number(row: dict[str, str], column: str, source: str, line: int) -> float | None:
    """A reading such as `87 %` or `412.35 W`; None for what nvidia-smi could not read (`[N/A]`, `[GPU is lost]`)."""
    raw = row[column]
    if raw.startswith("[") and raw.endswith("]"):
        return None
    try:
        return _finite(float(_UNIT_SUFFIX.sub("", raw)))
    except ValueError:
        raise TelemetryError(f"{source}: line {line}: {column}: not a number: {raw!r}") from None


def _smi_time(raw: str, source: str, line: int) -> float:
    for time_format in SMI_TIME_FORMATS:
        try:
            return datetime.strptime(raw, time_format).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            continue
    raise TelemetryError(f"{source}: line {line}: timestamp: expected YYYY/MM/DD HH:MM:SS.mmm, got {raw!r}")


# ---------------------------------------------------------------- aggregation


def aggregate_epoch(
    samples: Iterable[GpuSample],
    epoch_start: int,
    epoch_seconds: int,
    expected_gpus: int,
    sample_interval: int,
    mode: EnergyMode = EnergyMode.AI,
) -> EpochUsage:
    """Aggregates the samples in `[epoch_start, epoch_start + epoch_seconds)`; the others are ignored."""
    slots_per_gpu = _slots_per_gpu(epoch_seconds, expected_gpus, sample_interval)
    in_epoch = _epoch_samples(samples, epoch_start, epoch_seconds)
    if not in_epoch:
        raise TelemetryError(f"no samples in the epoch starting at {_iso(epoch_start)}")
    _check_sample_rate(in_epoch, slots_per_gpu, sample_interval, epoch_start)
    expected_slots = slots_per_gpu * expected_gpus
    healthy_slots = min(_healthy_slots(in_epoch, slots_per_gpu), expected_slots)
    utilization_bps = _utilization_bps(in_epoch)
    return EpochUsage(
        epoch_start=epoch_start,
        epoch_seconds=epoch_seconds,
        sample_count=len(in_epoch),
        healthy_slots=healthy_slots,
        expected_slots=expected_slots,
        uptime_bps=healthy_slots * MAX_BPS // expected_slots,
        utilization_bps=utilization_bps,
        gpu_milli_hours=healthy_slots * sample_interval * 1_000 // SECONDS_PER_HOUR,
        energy_wh=_energy_wh(in_epoch, sample_interval),
        mode=_epoch_mode(utilization_bps, mode),
        metrics_hash=metrics_hash(in_epoch),
    )


def split_epochs(
    samples: Iterable[GpuSample],
    genesis: int,
    epoch_seconds: int,
    expected_gpus: int,
    sample_interval: int,
    mode: EnergyMode = EnergyMode.AI,
) -> dict[int, EpochUsage]:
    """Aggregates every epoch that has samples, keyed by epoch number `(timestamp - genesis) // epoch_seconds`."""
    by_epoch: dict[int, list[GpuSample]] = defaultdict(list)
    for sample in samples:
        if sample.timestamp >= genesis:
            by_epoch[epoch_of(sample.timestamp, genesis, epoch_seconds)].append(sample)
    return {
        epoch: aggregate_epoch(
            by_epoch[epoch], genesis + epoch * epoch_seconds, epoch_seconds, expected_gpus, sample_interval, mode
        )
        for epoch in sorted(by_epoch)
    }


def latest_complete_epoch(
    samples: Sequence[GpuSample], genesis: int, epoch_seconds: int, sample_interval: int
) -> int | None:
    """The newest epoch whose last sample slot the telemetry has reached (its next sample would fall past the
    epoch's end); None when there is none."""
    if not samples:
        return None
    newest = max(sample.timestamp for sample in samples)
    epoch = math.floor((newest + sample_interval - genesis) / epoch_seconds) - 1
    return epoch if epoch >= 0 else None


def epoch_of(timestamp: float, genesis: int, epoch_seconds: int) -> int:
    """The epoch holding `timestamp`, as the oracle numbers them."""
    return math.floor((timestamp - genesis) / epoch_seconds)


def metrics_hash(samples: Iterable[GpuSample]) -> bytes:
    """keccak256 over the samples' canonical text: a `cap-telemetry-v1` line, then one line per sample sorted by
    (time, GPU): `<unix ms>,<gpu>,<utilization in 0.01 %>,<power in mW>,<1 healthy | 0>`, each number an integer
    rounded to nearest, a missing reading left empty; every line ends with a newline."""
    lines = [HASH_FORMAT_VERSION, *(_canonical_line(sample) for sample in sorted(samples, key=_sample_order))]
    return keccak(text="".join(f"{line}\n" for line in lines))


def _slots_per_gpu(epoch_seconds: int, expected_gpus: int, sample_interval: int) -> int:
    if sample_interval <= 0 or epoch_seconds <= 0 or epoch_seconds % sample_interval:
        raise ValueError(
            f"epoch_seconds {epoch_seconds} must be a positive multiple of sample_interval {sample_interval}"
        )
    if expected_gpus <= 0:
        raise ValueError(f"expected_gpus must be positive, got {expected_gpus}")
    return epoch_seconds // sample_interval


def _epoch_samples(samples: Iterable[GpuSample], epoch_start: int, epoch_seconds: int) -> list[GpuSample]:
    """The epoch's samples, one per (time, GPU): the first wins over exact duplicates."""
    unique: dict[tuple[float, str], GpuSample] = {}
    for sample in samples:
        if epoch_start <= sample.timestamp < epoch_start + epoch_seconds:
            unique.setdefault((sample.timestamp, sample.gpu), sample)
    return sorted(unique.values(), key=_sample_order)


def _check_sample_rate(samples: list[GpuSample], slots_per_gpu: int, sample_interval: int, epoch_start: int) -> None:
    """More samples than slots (one spare for clock jitter) means the sample interval is set wrong."""
    counts: dict[str, int] = defaultdict(int)
    for sample in samples:
        counts[sample.gpu] += 1
    gpu, count = max(counts.items(), key=lambda item: item[1])
    if count > slots_per_gpu + 1:
        raise TelemetryError(
            f"GPU {gpu} has {count} samples in the epoch starting at {_iso(epoch_start)}, more than the "
            f"{slots_per_gpu} that a {sample_interval} s sample interval allows: is the sample interval right?"
        )


def _healthy_slots(samples: list[GpuSample], slots_per_gpu: int) -> int:
    healthy: dict[str, int] = defaultdict(int)
    for sample in samples:
        healthy[sample.gpu] += sample.healthy
    return sum(min(count, slots_per_gpu) for count in healthy.values())


def _utilization_bps(samples: list[GpuSample]) -> int:
    readings = [sample.utilization_pct for sample in samples if sample.healthy and sample.utilization_pct is not None]
    if not readings:
        return 0
    return _clamp_bps(round(sum(readings) * 100 / len(readings)))


def _energy_wh(samples: list[GpuSample], sample_interval: int) -> int:
    watts = sum(max(sample.power_w, 0.0) for sample in samples if sample.power_w is not None)
    return round(watts * sample_interval / SECONDS_PER_HOUR)


def _epoch_mode(utilization_bps: int, configured: EnergyMode) -> EnergyMode:
    if configured == EnergyMode.Curtailed:
        return EnergyMode.Curtailed
    if utilization_bps < IDLE_UTILIZATION_BPS:
        return EnergyMode.Idle
    return configured


def _canonical_line(sample: GpuSample) -> str:
    utilization = "" if sample.utilization_pct is None else str(round(sample.utilization_pct * 100))
    power = "" if sample.power_w is None else str(round(sample.power_w * 1_000))
    return f"{round(sample.timestamp * 1_000)},{sample.gpu},{utilization},{power},{int(sample.healthy)}"


def _sample_order(sample: GpuSample) -> tuple[float, str]:
    return (sample.timestamp, sample.gpu)


def _clamp_bps(value: int) -> int:
    return max(0, min(MAX_BPS, value))


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
