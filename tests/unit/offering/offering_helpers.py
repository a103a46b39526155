"""Constants of the offering tests: the default offering (see conftest)."""

from cap.offering import ONE_SHARE, USD

FEE_BPS = 200
PRICE = 2 * USD
SOFT_CAP = 100_000 * ONE_SHARE
HARD_CAP = 300_000 * ONE_SHARE
MIN_SHARES = 1_000 * ONE_SHARE
MAX_SHARES = 150_000 * ONE_SHARE
LEAD = 3_600
DURATION = 7 * 86_400
JURISDICTIONS = (840, 276)
