"""The NavOracle's arithmetic in pure Python, its EIP-712 message (`cap.lending`), and the tests' parameters."""

from __future__ import annotations

from cap.lending import Appraisal, appraisal_digest  # noqa: F401 - the tests import them from here

USD = 10**6
DAY = 86_400
HEARTBEAT = DAY
MAX_CHANGE_BPS = 2_000
MULTIPLE_BPS = 50_000
REVENUE_WINDOW = 30 * DAY
PRICE = 2 * USD  # an appraisal of 2 USD per share (per 1e18 shares)


def revenue_price(trailing_net: int, supply: int, window: int = REVENUE_WINDOW, multiple_bps: int = MULTIPLE_BPS):
    """The contract's formula, rounded down at each division."""
    value = trailing_net * (365 * DAY * multiple_bps) // (window * 10_000)
    return value * 10**18 // supply
