"""Constants of the trading tests."""

from cap.orders import ONE_SHARE

USD = 10**6
FEE_BPS = 30
HOLDING = 100_000 * ONE_SHARE
PRICE = 2 * USD + 500_001  # 2.500001 USD per share: fills of odd sizes round
