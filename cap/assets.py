"""Typed helpers for compute assets: the hardware spec and the lifecycle status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Status(IntEnum):
    NONE = 0
    REGISTERED = 1
    ACTIVE = 2
    SUSPENDED = 3
    RETIRED = 4


def to_bytes32(text: str) -> bytes:
    """UTF-8, right-padded with zeros; at most 32 bytes."""
    raw = text.encode()
    if len(raw) > 32:
        raise ValueError(f"{text!r} is longer than 32 bytes")
    return raw.ljust(32, b"\0")


def from_bytes32(raw: bytes) -> str:
    return bytes(raw).rstrip(b"\0").decode()


@dataclass(frozen=True)
class HardwareSpec:
    """What a machine is; units in the names (mirrors IComputeAssetRegistry.HardwareSpec)."""

    gpu_model: str
    gpu_count: int
    gpu_memory_gb: int
    dense_tflops: int
    power_watts: int
    region: str

    def as_tuple(self) -> tuple:
        return (
            to_bytes32(self.gpu_model),
            self.gpu_count,
            self.gpu_memory_gb,
            self.dense_tflops,
            self.power_watts,
            to_bytes32(self.region),
        )

    @classmethod
    def from_chain(cls, spec) -> HardwareSpec:
        return cls(
            gpu_model=from_bytes32(spec.gpuModel),
            gpu_count=spec.gpuCount,
            gpu_memory_gb=spec.gpuMemoryGb,
            dense_tflops=spec.denseTflops,
            power_watts=spec.powerWatts,
            region=from_bytes32(spec.region),
        )
