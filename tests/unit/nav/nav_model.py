"""The NavOracle's arithmetic and EIP-712 message in pure Python, and the parameters the tests deploy with."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

USD = 10**6
DAY = 86_400
HEARTBEAT = DAY
MAX_CHANGE_BPS = 2_000
MULTIPLE_BPS = 50_000
REVENUE_WINDOW = 30 * DAY
PRICE = 2 * USD  # an appraisal of 2 USD per share (per 1e18 shares)

APPRAISAL_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Appraisal": [
        {"name": "assetId", "type": "uint256"},
        {"name": "pricePerShare", "type": "uint256"},
        {"name": "timestamp", "type": "uint64"},
        {"name": "nonce", "type": "uint64"},
    ],
}


@dataclass(frozen=True)
class Appraisal:
    asset_id: int
    price_per_share: int
    timestamp: int
    nonce: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.asset_id, self.price_per_share, self.timestamp, self.nonce)


def appraisal_digest(appraisal: Appraisal, chain_id: int, verifying_contract: str) -> bytes:
    """The EIP-712 digest in pure Python (must equal `NavOracle.appraisalDigest`)."""
    typed = {
        "types": APPRAISAL_TYPES,
        "primaryType": "Appraisal",
        "domain": {
            "name": "CAP NavOracle",
            "version": "1",
            "chainId": chain_id,
            "verifyingContract": to_checksum_address(str(verifying_contract)),
        },
        "message": dict(zip(["assetId", "pricePerShare", "timestamp", "nonce"], appraisal.as_tuple(), strict=True)),
    }
    message = encode_typed_data(full_message=typed)
    return keccak(b"\x19" + message.version + message.header + message.body)


def revenue_price(trailing_net: int, supply: int, window: int = REVENUE_WINDOW, multiple_bps: int = MULTIPLE_BPS):
    """The contract's formula, rounded down at each division."""
    value = trailing_net * (365 * DAY * multiple_bps) // (window * 10_000)
    return value * 10**18 // supply
