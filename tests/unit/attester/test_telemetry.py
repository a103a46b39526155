"""Telemetry parsing (DCGM-exporter, nvidia-smi) and per-epoch aggregation; expected figures worked out by hand from
the scenarios that tests/data/telemetry/generate.py describes."""

import importlib.util
from pathlib import Path

import pytest
from eth_utils import keccak

from cap.reports import EnergyMode
from cap.telemetry import (
    GpuSample,
    TelemetryError,
    aggregate_epoch,
    latest_complete_epoch,
    load_telemetry,
    metrics_hash,
    parse_dcgm,
    parse_nvidia_smi,
    parse_telemetry,
    split_epochs,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "telemetry"
DCGM = DATA / "dcgm_h100x8.prom"
SMI = DATA / "nvidia_smi_a100x4.csv"
START = 1_795_514_400  # 2026-11-24T10:00:00Z, the samples' first epoch
HOUR = 3_600
MINUTE = 60
LABELS = 'gpu="{gpu}",UUID="GPU-{gpu}",device="nvidia{gpu}",modelName="NVIDIA H100 80GB HBM3",Hostname="node-1"'


def generator():
    spec = importlib.util.spec_from_file_location("telemetry_generate", DATA / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dcgm_line(name: str, gpu: int, value: str, stamp_ms: int | None = None) -> str:
    stamp = "" if stamp_ms is None else f" {stamp_ms}"
    return f"{name}{{{LABELS.format(gpu=gpu)}}} {value}{stamp}\n"


def dcgm_scrape(stamp_ms: int | None, gpus=(0, 1), util="50", power="300.5", xid="0") -> str:
    text = ""
    for name, value in (("DCGM_FI_DEV_GPU_UTIL", util), ("DCGM_FI_DEV_POWER_USAGE", power)):
        text += f"# HELP {name} x\n# TYPE {name} gauge\n"
        text += "".join(dcgm_line(name, gpu, value, stamp_ms) for gpu in gpus)
    text += "# TYPE DCGM_FI_DEV_XID_ERRORS gauge\n"
    return text + "".join(dcgm_line("DCGM_FI_DEV_XID_ERRORS", gpu, xid, stamp_ms) for gpu in gpus)


def sample(minute: int, gpu: str = "0", util: float | None = 50.0, power: float | None = 300.0, healthy=None):
    healthy = util is not None and power is not None if healthy is None else healthy
    return GpuSample(START + minute * MINUTE + 0.25, gpu, util, power, healthy)


def full_hour(gpus=("0",), **fields) -> list[GpuSample]:
    return [sample(minute, gpu, **fields) for minute in range(60) for gpu in gpus]


def aggregate(samples, expected_gpus=1, mode=EnergyMode.AI, interval=MINUTE):
    return aggregate_epoch(samples, START, HOUR, expected_gpus, interval, mode)


@pytest.fixture(scope="module")
def dcgm_samples():
    return load_telemetry(DCGM)


@pytest.fixture(scope="module")
def smi_samples():
    return load_telemetry(SMI)


# ---------------------------------------------------------------- DCGM-exporter


def test_load_dcgm__scrape_series__one_sample_per_gpu_per_scrape(dcgm_samples):
    # 120 scrapes x 8 GPUs, less GPUs 5 and 6 missing from 12 scrapes each
    assert len(dcgm_samples) == 120 * 8 - 2 * 12
    assert len({s.gpu for s in dcgm_samples}) == 8
    first = dcgm_samples[0]
    assert first.timestamp == pytest.approx(START + 0.100)  # millisecond timestamp of the first scrape
    assert (first.utilization_pct, first.power_w, first.healthy) == (100, 689.75, True)
    assert dcgm_samples == sorted(dcgm_samples, key=lambda s: (s.timestamp, s.gpu))


def test_load_dcgm__xid_raised__only_that_sample_unhealthy(dcgm_samples):
    unhealthy = [s for s in dcgm_samples if not s.healthy]

    assert len(unhealthy) == 1
    assert unhealthy[0].gpu == generator().gpu_uuid("h100-node-07", 2)
    assert int(unhealthy[0].timestamp) == START + 30 * MINUTE  # the 10:30 scrape; later scrapes still read 94


def test_parse_dcgm__xid_codes__new_nonzero_code_marks_sample():
    scrapes = [
        dcgm_scrape(START * 1000 + i * 60_000, gpus=(0,), xid=xid)
        for i, xid in enumerate(["5", "5", "0", "43", "43", "0"])
    ]

    samples = parse_dcgm("".join(scrapes))

    # 5 at the first sample is the baseline; 5 -> 5 and 43 -> 43 are no new error; 43 -> 0 is a reset
    assert [s.healthy for s in samples] == [True, True, True, False, True, True]


def test_parse_dcgm__no_uuid_label__gpu_index_identifies():
    text = 'DCGM_FI_DEV_GPU_UTIL{gpu="3"} 10 1795514400000\nDCGM_FI_DEV_POWER_USAGE{gpu="3"} 100 1795514400000\n'

    assert parse_dcgm(text) == [GpuSample(START, "3", 10, 100, True)]


def test_parse_dcgm__untyped_scrapes_with_other_metrics__grouped_by_repeat():
    stamp = START * 1000
    text = "go_goroutines 41\n# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n"
    text += dcgm_line("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", 0, "123456789", stamp)
    for offset in (0, 60_000):
        text += dcgm_line("DCGM_FI_DEV_GPU_UTIL", 0, "70", stamp + offset)
        text += dcgm_line("DCGM_FI_DEV_POWER_USAGE", 0, "500.25", stamp + offset + 3)  # fields a few ms apart

    samples = parse_dcgm(text)

    assert samples == [GpuSample(START, "GPU-0", 70, 500.25, True), GpuSample(START + 60, "GPU-0", 70, 500.25, True)]


def test_parse_dcgm__single_scrape_without_timestamps__takes_scrape_time():
    samples = parse_dcgm(dcgm_scrape(None), scrape_time=START + 5)

    assert [(s.timestamp, s.gpu) for s in samples] == [(START + 5, "GPU-0"), (START + 5, "GPU-1")]


@pytest.mark.parametrize(
    "text, scrape_time, message",
    [
        (dcgm_scrape(None), None, "scrape 1: GPU GPU-0 samples carry no timestamp and no scrape time was given"),
        (dcgm_scrape(None) * 2, START, "carry no timestamp and the file holds several scrapes"),
    ],
)
def test_parse_dcgm__missing_timestamps__raise(text, scrape_time, message):
    with pytest.raises(TelemetryError, match=message):
        parse_dcgm(text, "scrape.prom", scrape_time)


def test_parse_dcgm__nan_or_missing_power__unhealthy():
    stamp = START * 1000
    text = dcgm_scrape(stamp, gpus=(0,), power="NaN") + dcgm_line("DCGM_FI_DEV_GPU_UTIL", 1, "90", stamp)

    samples = parse_dcgm(text)

    assert samples == [GpuSample(START, "GPU-0", 50, None, False), GpuSample(START, "GPU-1", 90, None, False)]


def test_parse_dcgm__sample_without_gpu_labels__raises():
    with pytest.raises(TelemetryError, match="x.prom: DCGM_FI_DEV_GPU_UTIL sample without a UUID or gpu label"):
        parse_dcgm("DCGM_FI_DEV_GPU_UTIL 87\n", "x.prom")


def test_parse_dcgm__no_dcgm_metrics__raises():
    with pytest.raises(TelemetryError, match="no DCGM GPU metrics"):
        parse_telemetry("# TYPE go_goroutines gauge\ngo_goroutines 41\n", "node.prom")


# ---------------------------------------------------------------- nvidia-smi


def test_load_nvidia_smi__series__readings_and_units(smi_samples):
    assert len(smi_samples) == 70 * 4
    assert {s.gpu for s in smi_samples} == {"0", "1", "2", "3"}
    first = smi_samples[0]
    assert first.timestamp == pytest.approx(START + 0.412)  # 2026/11/24 10:00:00.412, read as UTC
    assert (first.gpu, first.utilization_pct, first.power_w, first.healthy) == ("0", 100, 398.5, True)


def test_load_nvidia_smi__na_power_and_lost_gpu__unhealthy(smi_samples):
    unhealthy = [
        (s.gpu, int(s.timestamp - START) // MINUTE, s.utilization_pct, s.power_w) for s in smi_samples if not s.healthy
    ]

    assert unhealthy == [("1", 10, 100, None)] + [("3", minute, None, None) for minute in range(40, 45)]


def test_parse_nvidia_smi__columns_in_any_order_without_units__header_driven():
    text = (
        "power.draw [W], utilization.gpu [%], index, timestamp\n"
        "412.35 W, 87 %, 0, 2026/11/24 10:00:00.123\n"
        "410, 80, 1, 2026/11/24 10:00:01\n"  # --format=csv,nounits; a timestamp without milliseconds
    )

    samples = parse_nvidia_smi(text)

    assert samples == [
        GpuSample(START + 0.123, "0", 87, 412.35, True),
        GpuSample(START + 1, "1", 80, 410, True),
    ]


def test_parse_nvidia_smi__repeated_headers__skipped():
    header = "timestamp, index, utilization.gpu [%], power.draw [W]\n"
    text = (
        header + "2026/11/24 10:00:00.000, 0, 10 %, 100.00 W\n" + header + "2026/11/24 10:01:00.000, 0, 20 %, 200 W\n"
    )

    assert [s.utilization_pct for s in parse_nvidia_smi(text)] == [10, 20]


@pytest.mark.parametrize(
    "row, message",
    [
        ("2026/11/24 10:00:00.000, 0, 10 %", "smi.csv: line 2: 3 values for 4 columns"),
        ("24.11.2026 10:00, 0, 10 %, 1 W", "smi.csv: line 2: timestamp: expected YYYY/MM/DD HH:MM:SS.mmm"),
        ("2026/11/24 10:00:00.000, zero, 10 %, 1 W", "smi.csv: line 2: index: not a GPU index: 'zero'"),
        ("2026/11/24 10:00:00.000, 0, 10 %, lots", "smi.csv: line 2: power.draw: not a number: 'lots'"),
    ],
)
def test_parse_nvidia_smi__malformed_row__raises_with_line(row, message):
    with pytest.raises(TelemetryError, match=message):
        parse_nvidia_smi(f"timestamp, index, utilization.gpu [%], power.draw [W]\n{row}\n", "smi.csv")


# ---------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.prom", "empty.prom: empty telemetry file"),
        ("nvidia_smi_header_only.csv", "nvidia_smi_header_only.csv: no GPU samples"),
        ("unknown_format.json", "unknown_format.json: line 1: unknown telemetry format"),
        (
            "dcgm_truncated.prom",
            "dcgm_truncated.prom: line 13: not Prometheus text exposition: 'DCGM_FI_DEV_POWER_USAGE",
        ),
        ("nvidia_smi_malformed.csv", "nvidia_smi_malformed.csv: line 5: utilization.gpu: not a number: '6O %'"),
        (
            "nvidia_smi_missing_power.csv",
            "nvidia_smi_missing_power.csv: line 1: nvidia-smi CSV lacks column.s. power.draw",
        ),
        ("no_such_file.prom", "no_such_file.prom: cannot read telemetry"),
    ],
)
def test_load_telemetry__bad_file__raises_naming_file_and_line(name, message):
    with pytest.raises(TelemetryError, match=message):
        load_telemetry(DATA / name)


def test_load_telemetry__binary_or_blank__raises(tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    (tmp_path / "blank.prom").write_text("\n   \n\t\n")

    with pytest.raises(TelemetryError, match="blob.bin: cannot read telemetry"):
        load_telemetry(tmp_path / "blob.bin")
    with pytest.raises(TelemetryError, match="blank.prom: empty telemetry file"):
        load_telemetry(tmp_path / "blank.prom")


def test_telemetry_error__is_value_error():
    assert issubclass(TelemetryError, ValueError)


# ---------------------------------------------------------------- aggregation of the sample files


def test_aggregate__dcgm_epoch_0__xid_sample_is_downtime(dcgm_samples):
    usage = aggregate_epoch(dcgm_samples, START, HOUR, 8, MINUTE)

    # 480 slots, 479 healthy (GPU 2's XID scrape)
    assert (usage.sample_count, usage.healthy_slots, usage.expected_slots) == (480, 479, 480)
    assert usage.uptime_bps == 9_979  # 479 / 480 = 99.79 %, rounded down
    assert usage.gpu_milli_hours == 7_983  # 479 minutes = 7.983 GPU-hours, rounded down
    assert usage.utilization_bps == 9_499  # (8 * 30 * 100 + 8 * 30 * 90 - 100) / 479 = 94.99 %
    assert usage.energy_wh == 5_360  # 8 GPUs * mean(689.75, 650.25) = 670 W * 1 h
    assert usage.mode == EnergyMode.AI


def test_aggregate__dcgm_epoch_1__outage_lowers_uptime(dcgm_samples):
    usage = aggregate_epoch(dcgm_samples, START + HOUR, HOUR, 8, MINUTE)

    # GPUs 5 and 6 missing for 12 minutes each: 456 of 480 slots
    assert (usage.sample_count, usage.healthy_slots) == (456, 456)
    assert usage.uptime_bps == 9_500
    assert usage.gpu_milli_hours == 7_600
    assert usage.utilization_bps == 7_500  # the outage took 12 even and 12 odd minutes: mean(80, 70)
    assert usage.energy_wh == 4_412  # 228 * (610.5 + 550.5) W-min / 60 = 4411.8 Wh


def test_aggregate__nvidia_smi_epoch_0__lost_gpu_and_na_power(smi_samples):
    usage = aggregate_epoch(smi_samples, START, HOUR, 4, MINUTE)

    # 240 slots; GPU 1 at 10:10 ([N/A] power) and GPU 3 from 10:40 to 10:44 are down: 234 healthy
    assert usage.uptime_bps == 9_750
    assert usage.gpu_milli_hours == 3_900
    assert usage.utilization_bps == 7_983  # (120 * 100 + 120 * 60 - 4 * 100 - 2 * 60) / 234 = 79.83 %
    assert usage.energy_wh == 1_262  # ((120 - 4) * 398.5 + (120 - 2) * 250.1) W-min / 60 = 1262.3 Wh


def test_split_epochs__files__each_epoch_with_samples(dcgm_samples, smi_samples):
    dcgm = split_epochs(dcgm_samples, START, HOUR, 8, MINUTE)
    smi = split_epochs(smi_samples, START, HOUR, 4, MINUTE)

    assert {epoch: usage.uptime_bps for epoch, usage in dcgm.items()} == {0: 9_979, 1: 9_500}
    assert dcgm[1].epoch_start == START + HOUR
    # the CSV runs 10 minutes into epoch 1: 40 of its 240 slots so far
    assert {epoch: usage.uptime_bps for epoch, usage in smi.items()} == {0: 9_750, 1: 1_666}


def test_split_epochs__genesis_not_on_the_hour__numbers_from_genesis(dcgm_samples):
    usages = split_epochs(dcgm_samples, START - 30 * MINUTE, HOUR, 8, MINUTE)

    assert sorted(usages) == [0, 1, 2]  # 09:30-10:30, 10:30-11:30, 11:30-12:30
    assert usages[0].uptime_bps == 30 * 8 * 10_000 // 480  # the first half hour holds no telemetry: downtime


def test_latest_complete_epoch__files__waits_for_last_slot(dcgm_samples, smi_samples):
    assert latest_complete_epoch(dcgm_samples, START, HOUR, MINUTE) == 1  # last scrape at 11:59:00
    assert latest_complete_epoch(smi_samples, START, HOUR, MINUTE) == 0  # runs until 11:09
    assert latest_complete_epoch(dcgm_samples[:-8], START, HOUR, MINUTE) == 0  # without the 11:59 scrape
    assert latest_complete_epoch([], START, HOUR, MINUTE) is None


# ---------------------------------------------------------------- aggregation rules


def test_aggregate__missing_samples__count_as_downtime():
    # two GPUs expected; one reports the whole hour, the other only 15 minutes
    samples = full_hour(("0",)) + [sample(minute, "1") for minute in range(15)]

    usage = aggregate(samples, expected_gpus=2)

    assert usage.uptime_bps == (60 + 15) * 10_000 // 120
    assert usage.gpu_milli_hours == 1_250  # 75 GPU-minutes
    assert usage.utilization_bps == 5_000  # busy while up


def test_aggregate__unhealthy_sample__no_uptime_no_utilization_but_energy():
    samples = full_hour(util=50.0, power=300.0)
    samples[10] = sample(10, util=100.0, power=900.0, healthy=False)

    usage = aggregate(samples)

    assert usage.uptime_bps == 59 * 10_000 // 60
    assert usage.utilization_bps == 5_000
    assert usage.energy_wh == round((59 * 300 + 900) / 60)  # 310 Wh: a faulted GPU still draws power


def test_aggregate__energy__power_times_sample_interval():
    # 2 GPUs at 300 W sampled every 6 minutes for the hour: 2 * 300 W * 1 h
    samples = [sample(minute, gpu, power=300.0) for minute in range(0, 60, 6) for gpu in ("0", "1")]

    usage = aggregate(samples, expected_gpus=2, interval=6 * MINUTE)

    assert usage.energy_wh == 600
    assert usage.uptime_bps == 10_000


def test_aggregate__energy__unmeasured_time_adds_nothing():
    samples = full_hour(power=600.0)[:30] + [sample(m, power=None, healthy=False) for m in range(30, 60)]

    assert aggregate(samples).energy_wh == 300


def test_aggregate__samples_outside_epoch__ignored():
    inside = full_hour()
    outside = [GpuSample(START - 1, "0", 0.0, 5_000.0, True), GpuSample(START + HOUR, "0", 0.0, 5_000.0, True)]

    assert aggregate(inside + outside) == aggregate(inside)


def test_aggregate__duplicate_samples__counted_once():
    samples = full_hour(("0",))

    assert aggregate(samples + samples[:30]) == aggregate(samples)


def test_aggregate__more_gpus_than_expected__clamped():
    usage = aggregate(full_hour(("0", "1", "2")), expected_gpus=2)

    assert usage.uptime_bps == 10_000
    assert usage.gpu_milli_hours == 2_000


def test_aggregate__utilization_above_100__clamped():
    assert aggregate(full_hour(util=130.0)).utilization_bps == 10_000


def test_aggregate__rounding__uptime_down_utilization_nearest():
    samples = full_hour()[:59]  # one minute missing: 59 / 60 = 98.33 %
    samples[0] = sample(0, util=50.5)  # mean 50.0085 % -> 5000.85 bps

    usage = aggregate(samples)

    assert usage.uptime_bps == 9_833
    assert usage.utilization_bps == 5_001


@pytest.mark.parametrize(
    "util, configured, expected",
    [
        (0.0, EnergyMode.AI, EnergyMode.Idle),
        (0.99, EnergyMode.Mining, EnergyMode.Idle),
        (1.0, EnergyMode.AI, EnergyMode.AI),
        (97.0, EnergyMode.Mining, EnergyMode.Mining),
        (0.0, EnergyMode.Curtailed, EnergyMode.Curtailed),
        (97.0, EnergyMode.Curtailed, EnergyMode.Curtailed),
    ],
)
def test_aggregate__mode__idle_below_1_percent_curtailed_as_told(util, configured, expected):
    assert aggregate(full_hour(util=util), mode=configured).mode == expected


def test_aggregate__no_healthy_sample__zero_and_idle():
    usage = aggregate([sample(m, util=None, power=None) for m in range(60)])

    assert (usage.uptime_bps, usage.utilization_bps, usage.gpu_milli_hours, usage.energy_wh) == (0, 0, 0, 0)
    assert usage.mode == EnergyMode.Idle


def test_aggregate__no_samples_in_epoch__raises():
    with pytest.raises(TelemetryError, match="no samples in the epoch starting at 2026-11-24T11:00:00Z"):
        aggregate_epoch(full_hour(), START + HOUR, HOUR, 1, MINUTE)


def test_aggregate__faster_sampling_than_declared__raises():
    samples = [GpuSample(START + i * 30, "0", 50.0, 300.0, True) for i in range(120)]

    with pytest.raises(
        TelemetryError, match="GPU 0 has 120 samples .* more than the 60 .* is the sample interval right"
    ):
        aggregate(samples)


def test_aggregate__jitter_gives_one_extra_sample__tolerated():
    samples = [GpuSample(START + i * 59.99, "0", 50.0, 300.0, True) for i in range(61)]

    assert aggregate(samples).uptime_bps == 10_000


@pytest.mark.parametrize("epoch_seconds, expected_gpus, interval", [(3_600, 8, 7), (3_600, 0, 60), (0, 8, 60)])
def test_aggregate__bad_parameters__raise(epoch_seconds, expected_gpus, interval):
    with pytest.raises(ValueError, match="must be"):
        aggregate_epoch(full_hour(), START, epoch_seconds, expected_gpus, interval)


# ---------------------------------------------------------------- metrics hash


def test_metrics_hash__canonical_text():
    samples = [
        GpuSample(START + 60.5, "1", None, None, False),
        GpuSample(START + 0.123, "0", 87.0, 412.35, True),
    ]
    lines = ["cap-telemetry-v1", f"{START * 1000 + 123},0,8700,412350,1", f"{(START + 60) * 1000 + 500},1,,,0"]

    assert metrics_hash(samples) == keccak(text="".join(f"{line}\n" for line in lines))


def test_metrics_hash__deterministic_whatever_the_order(dcgm_samples):
    first_hour = [s for s in dcgm_samples if s.timestamp < START + HOUR]

    assert metrics_hash(first_hour) == metrics_hash(list(reversed(first_hour)))
    assert aggregate_epoch(dcgm_samples, START, HOUR, 8, MINUTE).metrics_hash == metrics_hash(first_hour)


@pytest.mark.parametrize(
    "change",
    [
        {"power_w": 412.351},
        {"utilization_pct": 88.0},
        {"healthy": False},
        {"gpu": "1"},
        {"timestamp": START + 0.124},
    ],
)
def test_metrics_hash__sensitive_to_every_field(change):
    base = GpuSample(START + 0.123, "0", 87.0, 412.35, True)
    changed = GpuSample(**(base.__dict__ | change))

    assert metrics_hash([base]) != metrics_hash([changed])


def test_metrics_hash__epochs_of_file__differ(dcgm_samples):
    usages = split_epochs(dcgm_samples, START, HOUR, 8, MINUTE)

    assert usages[0].metrics_hash != usages[1].metrics_hash
    assert len(usages[0].metrics_hash) == 32


# ---------------------------------------------------------------- the sample files


def test_sample_files__match_their_generator():
    module = generator()

    for name, render in module.GENERATED.items():
        assert (DATA / name).read_text(encoding="utf-8") == render(), f"{name}: run tests/data/telemetry/generate.py"


def test_sample_files__under_a_megabyte():
    assert all(path.stat().st_size < 1_000_000 for path in DATA.iterdir())
