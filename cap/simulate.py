"""Simulated GPU telemetry in DCGM-exporter's text format, for the demo and local networks.

A real attester scrapes a node's exporter; on a local chain there is no node, so the demo writes what the exporter
would have served over an epoch and runs the real attester pipeline (`cap.telemetry`, `cap.attester`) on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

METRICS = (
    ("DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %)."),
    ("DCGM_FI_DEV_POWER_USAGE", "Power draw (in W)."),
    ("DCGM_FI_DEV_XID_ERRORS", "Value of the last XID error encountered."),
)


@dataclass(frozen=True)
class Node:
    """A machine as its exporter labels it."""

    host: str
    gpus: int
    model: str = "NVIDIA H100 80GB HBM3"
    utilization_pct: int = 85
    power_w: float = 640.0

    def uuid(self, gpu: int) -> str:
        digest = hashlib.sha256(f"{self.host}/{gpu}".encode()).hexdigest()
        return f"GPU-{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


@dataclass(frozen=True)
class Outage:
    """GPUs missing from the exporter during `minutes` (offsets from the window's start)."""

    gpus: tuple[int, ...]
    minutes: range

    def hides(self, gpu: int, minute: int) -> bool:
        return gpu in self.gpus and minute in self.minutes


@dataclass(frozen=True)
class Window:
    """`scrapes` scrapes every `interval` seconds from `start` (unix seconds)."""

    start: int
    scrapes: int
    interval: int = 60
    outages: tuple[Outage, ...] = field(default_factory=tuple)


def dcgm_exposition(node: Node, window: Window) -> str:
    """The exporter's scrapes over the window, one timestamped sample per metric and running GPU."""
    return "".join(f"{line}\n" for scrape in range(window.scrapes) for line in _scrape(node, window, scrape))


def _scrape(node: Node, window: Window, scrape: int) -> Iterator[str]:
    stamp_ms = (window.start + scrape * window.interval) * 1_000
    minute = scrape * window.interval // 60
    running = [gpu for gpu in range(node.gpus) if not any(o.hides(gpu, minute) for o in window.outages)]
    # A little deterministic variation, so that charts are not flat lines.
    utilization = max(0, min(100, node.utilization_pct + (scrape * 7 % 11) - 5))
    power = node.power_w * (0.6 + 0.4 * utilization / 100)
    values = {
        "DCGM_FI_DEV_GPU_UTIL": str(utilization),
        "DCGM_FI_DEV_POWER_USAGE": f"{power:.3f}",
        "DCGM_FI_DEV_XID_ERRORS": "0",
    }
    for name, help_text in METRICS:
        yield f"# HELP {name} {help_text}"
        yield f"# TYPE {name} gauge"
        for gpu in running:
            labels = (
                f'gpu="{gpu}",UUID="{node.uuid(gpu)}",device="nvidia{gpu}",'
                f'modelName="{node.model}",Hostname="{node.host}"'
            )
            yield f"{name}{{{labels}}} {values[name]} {stamp_ms}"
