"""Writes the generated telemetry samples of this folder, deterministically: `python tests/data/telemetry/generate.py`.

dcgm_h100x8.prom: DCGM-exporter scrapes of an 8x H100 node, one scrape every 60 s (millisecond timestamps, a little
jitter) from 2026-11-24T10:00:00Z, 120 scrapes: two one-hour epochs.
- epoch 0 (10:00-11:00): scrape k at even minutes 100 % / 689.75 W, odd minutes 90 % / 650.25 W. GPU 2 raises
  XID 94 (contained ECC error) in the scrape of 10:30 and keeps running; the gauge keeps showing 94 afterwards.
- epoch 1 (11:00-12:00): even minutes 80 % / 610.5 W, odd minutes 70 % / 550.5 W. GPUs 5 and 6 drop out of the
  exporter from 11:20 to 11:31 included (12 scrapes each missing).

nvidia_smi_a100x4.csv: `nvidia-smi --query-gpu=timestamp,index,uuid,name,utilization.gpu,power.draw,temperature.gpu,
memory.used --format=csv -l 60` on a 4x A100 node (TZ=UTC) from 10:00, 70 samples per GPU: one full epoch and ten
minutes of the next. Even minutes 100 % / 398.50 W, odd minutes 60 % / 250.10 W. GPU 1 reads power `[N/A]` at 10:10;
GPU 3 is lost from 10:40 to 10:44 included.

The tests hold the hand-computed aggregates of these scenarios; the generated files are committed, and a test checks
that this script still writes them byte for byte.
"""

import hashlib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = int(datetime(2026, 11, 24, 10, tzinfo=timezone.utc).timestamp())
INTERVAL_S = 60

DCGM_FILE = "dcgm_h100x8.prom"
DCGM_HOST = "h100-node-07"
DCGM_GPUS = 8
DCGM_SCRAPES = 120
XID_GPU, XID_SCRAPE, XID_CODE = 2, 30, 94
OUTAGE_GPUS, OUTAGE_SCRAPES = (5, 6), range(80, 92)

SMI_FILE = "nvidia_smi_a100x4.csv"
SMI_GPUS = 4
SMI_SAMPLES = 70
SMI_NA_POWER = (1, 10)  # (gpu, minute)
SMI_LOST_GPU, SMI_LOST_MINUTES = 3, range(40, 45)

DCGM_METRICS = (  # name, help (as dcgm-exporter's default counters word them)
    ("DCGM_FI_DEV_GPU_TEMP", "GPU temperature (in C)."),
    ("DCGM_FI_DEV_POWER_USAGE", "Power draw (in W)."),
    ("DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %)."),
    ("DCGM_FI_DEV_XID_ERRORS", "Value of the last XID error encountered."),
    ("DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB)."),
)


def gpu_uuid(host: str, index: int) -> str:
    digest = hashlib.sha256(f"{host}/{index}".encode()).hexdigest()
    return f"GPU-{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def dcgm_load(scrape: int) -> tuple[int, float]:
    """(utilization %, power W) of every running GPU in a scrape."""
    high = scrape % 2 == 0
    if scrape < 60:
        return (100, 689.75) if high else (90, 650.25)
    return (80, 610.5) if high else (70, 550.5)


def dcgm_values(scrape: int, gpu: int) -> dict[str, str]:
    utilization, power = dcgm_load(scrape)
    xid = XID_CODE if gpu == XID_GPU and scrape >= XID_SCRAPE else 0
    return {
        "DCGM_FI_DEV_GPU_TEMP": str(40 + utilization // 4 + gpu % 3),
        "DCGM_FI_DEV_POWER_USAGE": f"{power:.6f}",
        "DCGM_FI_DEV_GPU_UTIL": str(utilization),
        "DCGM_FI_DEV_XID_ERRORS": str(xid),
        "DCGM_FI_DEV_FB_USED": str(71_000 + 37 * gpu + scrape % 5),
    }


def dcgm_labels(gpu: int) -> str:
    return (
        f'gpu="{gpu}",UUID="{gpu_uuid(DCGM_HOST, gpu)}",device="nvidia{gpu}",'
        f'modelName="NVIDIA H100 80GB HBM3",Hostname="{DCGM_HOST}"'
    )


def dcgm_scrape(scrape: int) -> Iterator[str]:
    stamp_ms = (START + scrape * INTERVAL_S) * 1_000 + 100 + (scrape * 37) % 200
    running = [gpu for gpu in range(DCGM_GPUS) if not (gpu in OUTAGE_GPUS and scrape in OUTAGE_SCRAPES)]
    for name, help_text in DCGM_METRICS:
        yield f"# HELP {name} {help_text}"
        yield f"# TYPE {name} gauge"
        for gpu in running:
            yield f"{name}{{{dcgm_labels(gpu)}}} {dcgm_values(scrape, gpu)[name]} {stamp_ms}"


def dcgm_text() -> str:
    return "".join(f"{line}\n" for scrape in range(DCGM_SCRAPES) for line in dcgm_scrape(scrape))


def smi_row(minute: int, gpu: int) -> str:
    stamp = datetime.fromtimestamp(START + minute * INTERVAL_S, timezone.utc).strftime("%Y/%m/%d %H:%M:%S")
    millis = 412 + (minute * 7 + gpu) % 50
    if gpu == SMI_LOST_GPU and minute in SMI_LOST_MINUTES:
        return f"{stamp}.{millis:03d}, {gpu}, " + ", ".join(["[GPU is lost]"] * 6)
    utilization, power = (100, 398.50) if minute % 2 == 0 else (60, 250.10)
    power_text = "[N/A]" if (gpu, minute) == SMI_NA_POWER else f"{power:.2f} W"
    cells = [
        f"{stamp}.{millis:03d}",
        str(gpu),
        gpu_uuid("a100-node-02", gpu),
        "NVIDIA A100-SXM4-80GB",
        f"{utilization} %",
        power_text,
        str(38 + utilization // 5 + gpu),
        f"{60_000 + 512 * gpu} MiB",
    ]
    return ", ".join(cells)


def smi_text() -> str:
    header = "timestamp, index, uuid, name, utilization.gpu [%], power.draw [W], temperature.gpu, memory.used [MiB]"
    rows = [smi_row(minute, gpu) for minute in range(SMI_SAMPLES) for gpu in range(SMI_GPUS)]
    return "".join(f"{line}\n" for line in [header, *rows])


GENERATED = {DCGM_FILE: dcgm_text, SMI_FILE: smi_text}


def main() -> None:
    for name, render in GENERATED.items():
        (HERE / name).write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
