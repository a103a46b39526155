"""Usage reports for the UsageOracle: the typed report, its EIP-712 digest, signing and submission.

Shared by the attester script, the other scripts and the tests. The digest is computed here in pure Python and must
equal the contract's `reportDigest` (a test checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from eth_account.messages import encode_typed_data
from eth_keys import keys
from eth_utils import keccak, to_bytes, to_checksum_address

DOMAIN_NAME = "CAP UsageOracle"
DOMAIN_VERSION = "1"
MAX_BPS = 10_000

# The EIP-712 domain every protocol message uses (name, version, chain id, verifying contract).
EIP712_DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]

USAGE_REPORT_TYPES = {
    "EIP712Domain": EIP712_DOMAIN_FIELDS,
    "UsageReport": [
        {"name": "assetId", "type": "uint256"},
        {"name": "epoch", "type": "uint32"},
        {"name": "uptimeBps", "type": "uint16"},
        {"name": "utilizationBps", "type": "uint16"},
        {"name": "gpuMilliHours", "type": "uint64"},
        {"name": "energyWh", "type": "uint64"},
        {"name": "mode", "type": "uint8"},
        {"name": "metricsHash", "type": "bytes32"},
    ],
}


class EnergyMode(IntEnum):
    """What a machine's power was used for during an epoch (`IUsageOracle.EnergyMode`)."""

    Idle = 0
    AI = 1
    Mining = 2
    Curtailed = 3


@dataclass(frozen=True)
class UsageReport:
    """One epoch of attested usage for one asset (`IUsageOracle.UsageReport`); ranges checked on creation."""

    asset_id: int
    epoch: int
    uptime_bps: int
    utilization_bps: int
    gpu_milli_hours: int
    energy_wh: int
    mode: EnergyMode  # an int is accepted and stored as its EnergyMode
    metrics_hash: bytes

    def __post_init__(self) -> None:
        _check_range("asset_id", self.asset_id, 2**256 - 1)
        _check_range("epoch", self.epoch, 2**32 - 1)
        _check_range("uptime_bps", self.uptime_bps, MAX_BPS)
        _check_range("utilization_bps", self.utilization_bps, MAX_BPS)
        _check_range("gpu_milli_hours", self.gpu_milli_hours, 2**64 - 1)
        _check_range("energy_wh", self.energy_wh, 2**64 - 1)
        try:
            object.__setattr__(self, "mode", EnergyMode(self.mode))
        except ValueError:
            raise ValueError(f"mode {self.mode!r} is not an EnergyMode") from None
        if not isinstance(self.metrics_hash, bytes) or len(self.metrics_hash) != 32:
            raise ValueError(f"metrics_hash must be 32 bytes, got {self.metrics_hash!r}")

    def as_tuple(self) -> tuple[int, int, int, int, int, int, int, bytes]:
        """The report as the contract's struct argument."""
        return (
            self.asset_id,
            self.epoch,
            self.uptime_bps,
            self.utilization_bps,
            self.gpu_milli_hours,
            self.energy_wh,
            int(self.mode),
            bytes(self.metrics_hash),
        )


def _check_range(name: str, value: int, maximum: int) -> None:
    if not isinstance(value, int) or not 0 <= value <= maximum:
        raise ValueError(f"{name} must be an integer in [0, {maximum:_}], got {value!r}")


def typed_data(
    types: dict[str, list[dict[str, str]]],
    primary_type: str,
    domain: tuple[str, str],
    chain_id: int,
    contract: str,
    values: tuple,
) -> dict[str, Any]:
    """A full EIP-712 message, as wallets and `eth_account` take it: `values` in the order of the primary type's
    fields, `domain` as (name, version)."""
    names = [field["name"] for field in types[primary_type]]
    return {
        "types": types,
        "primaryType": primary_type,
        "domain": {
            "name": domain[0],
            "version": domain[1],
            "chainId": chain_id,
            "verifyingContract": to_checksum_address(str(contract)),
        },
        "message": dict(zip(names, values, strict=True)),
    }


def typed_digest(message: dict[str, Any]) -> bytes:
    """The EIP-712 digest of a full message (what a signer signs)."""
    encoded = encode_typed_data(full_message=message)
    return keccak(b"\x19" + encoded.version + encoded.header + encoded.body)


def report_typed_data(report: UsageReport, chain_id: int, oracle_address: str) -> dict[str, Any]:
    """The full EIP-712 message for `report`, as wallets and `eth_account` take it."""
    domain = (DOMAIN_NAME, DOMAIN_VERSION)
    return typed_data(USAGE_REPORT_TYPES, "UsageReport", domain, chain_id, oracle_address, report.as_tuple())


def report_digest(report: UsageReport, chain_id: int, oracle_address: str) -> bytes:
    """The EIP-712 digest attesters sign: equals `UsageOracle.reportDigest(report)` on that chain and contract."""
    return typed_digest(report_typed_data(report, chain_id, oracle_address))


def sign_digest(signer: Any, digest: bytes) -> bytes:
    """`signer`'s 65-byte `r || s || v` signature of `digest` (v 27 or 28, low s).

    `signer` is an Ape account. It signs locally when its key is at hand (test accounts); otherwise the account signs
    (`sign_raw_msghash`, which a keyfile account confirms interactively).
    """
    private_key = getattr(signer, "private_key", None)
    if private_key is not None:
        key = keys.PrivateKey(to_bytes(hexstr=private_key) if isinstance(private_key, str) else bytes(private_key))
        signature = key.sign_msg_hash(digest)  # eth_keys: low s, v in {0, 1}
        return signature.to_bytes()[:64] + bytes([27 + signature.v])
    signed = signer.sign_raw_msghash(digest)
    if signed is None:
        raise ValueError(f"{signer} did not sign")
    rsv = signed.encode_rsv()
    return rsv[:64] + bytes([rsv[64] + 27 if rsv[64] < 27 else rsv[64]])


def sign_report(signer: Any, report: UsageReport, chain_id: int, oracle_address: str) -> bytes:
    """`signer`'s 65-byte signature of `report` for the oracle at `oracle_address` on `chain_id`."""
    return sign_digest(signer, report_digest(report, chain_id, oracle_address))


def sign_with_quorum(signers: Sequence[Any], report: UsageReport, chain_id: int, oracle_address: str) -> list[bytes]:
    """Signatures of `report` by each signer, ordered by ascending signer address as the oracle requires."""
    digest = report_digest(report, chain_id, oracle_address)
    ordered = sorted(signers, key=lambda signer: int(str(signer.address), 16))
    return [sign_digest(signer, digest) for signer in ordered]


def submit_reports(oracle: Any, reports: Sequence[UsageReport], signers: Sequence[Any], sender: Any, **tx: Any) -> Any:
    """Signs each report with every signer and submits them in one transaction; returns the receipt.

    One report goes through `submitReport`, several through `submitReports` (all or nothing).
    """
    if not reports:
        raise ValueError("no reports to submit")
    from ape import chain

    signature_sets = [sign_with_quorum(signers, report, chain.chain_id, oracle.address) for report in reports]
    if len(reports) == 1:
        return oracle.submitReport(reports[0].as_tuple(), signature_sets[0], sender=sender, **tx)
    return oracle.submitReports([report.as_tuple() for report in reports], signature_sets, sender=sender, **tx)
