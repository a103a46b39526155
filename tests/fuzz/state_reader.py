"""Reads many view functions in one `eth_call` through `MockStateReader`: calls are named by a key, encoded and
decoded here with eth_abi (a few hundred reads after every step would otherwise cost a round trip each)."""

from __future__ import annotations

from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address


def _input_types(signature: str) -> list[str]:
    inner = signature[signature.index("(") + 1 : -1]
    return [t for t in inner.split(",") if t]


class Batch:
    """Collects `(key, target, signature, args, output types)`; `run` returns {key: decoded value}."""

    def __init__(self, reader: Any):
        self.reader = reader
        self.keys: list[Any] = []
        self.targets: list[str] = []
        self.data: list[bytes] = []
        self.outputs: list[tuple[str, ...]] = []

    def add(self, key: Any, target: Any, signature: str, *args: Any, out: tuple[str, ...] = ("uint256",)) -> None:
        selector = keccak(text=signature)[:4]
        self.keys.append(key)
        self.targets.append(to_checksum_address(str(target.address if hasattr(target, "address") else target)))
        self.data.append(selector + encode(_input_types(signature), [_plain(a) for a in args]))
        self.outputs.append(out)

    def run(self) -> dict[Any, Any]:
        raw = self.reader.read(self.targets, self.data)
        values: dict[Any, Any] = {}
        for key, out, result in zip(self.keys, self.outputs, raw, strict=True):
            decoded = decode(list(out), bytes(result))
            values[key] = decoded[0] if len(out) == 1 else tuple(decoded)
        return values


def _plain(value: Any) -> Any:
    if hasattr(value, "address"):
        return to_checksum_address(str(value.address))
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    return value
