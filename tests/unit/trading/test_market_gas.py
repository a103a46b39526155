"""Gas budgets of the market (total transaction gas, deterministic on anvil).

A fill, partial or whole, at most 140,000: asserted in the trading steady state, where the buyer already holds some
of the shares, the seller some stablecoin, the market some fees, and both parties approved the market without limit
(as trading wallets do). Also reported, not asserted: the same with exact approvals (each approval is one more slot
write) and a buyer's first shares of the token (a new balance slot, +17,100). Cancelling all of a maker's orders: at
most 50,000, whatever their number.
"""

import pytest
from trading_helpers import PRICE

from cap.orders import ONE_SHARE, Side

FILL_BUDGET = 140_000
CANCEL_ALL_BUDGET = 50_000
AMOUNT = 1_000 * ONE_SHARE
UNLIMITED = 2**256 - 1

pytestmark = pytest.mark.gas


@pytest.fixture
def traders(accounts, verify, shares, stablecoin, market, operator, seller, sign):
    """Three verified takers already holding shares and unlimited approvals, a seller holding stablecoin, a market
    holding fees."""
    takers = accounts[15:18]
    verify(*takers)
    for taker in takers:
        shares.transfer(taker, ONE_SHARE, sender=operator)
        stablecoin.mint(taker, 10**12, sender=taker)
        stablecoin.approve(market, UNLIMITED, sender=taker)
        shares.approve(market, UNLIMITED, sender=taker)
    shares.approve(market, UNLIMITED, sender=seller)
    stablecoin.mint(seller, 10**6, sender=seller)
    warmup = sign(seller, Side.SELL, AMOUNT, PRICE)
    market.fill(*_args(warmup), AMOUNT, PRICE, sender=takers[2])
    assert stablecoin.balanceOf(market) > 0
    return takers


def test_gas__fill_partial_and_whole(market, traders, seller, sign, gas_report):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    partial = market.fill(*_args(signed), AMOUNT // 2, PRICE, sender=traders[0]).gas_used
    rest = market.fill(*_args(signed), AMOUNT - AMOUNT // 2, PRICE, sender=traders[1]).gas_used
    whole = market.fill(*_args(sign(seller, Side.SELL, AMOUNT, PRICE)), AMOUNT, PRICE, sender=traders[2]).gas_used
    gas_report("market: fill, partial (first fill of the order)", partial, FILL_BUDGET)
    gas_report("market: fill, the rest of a partly filled order", rest, FILL_BUDGET)
    gas_report("market: fill, whole order", whole, FILL_BUDGET)
    assert max(partial, rest, whole) <= FILL_BUDGET


def test_gas__fill_buy_order(market, traders, seller, sign, gas_report):
    signed = sign(traders[0], Side.BUY, AMOUNT, PRICE)
    gas = market.fill(*_args(signed), AMOUNT // 4, PRICE, sender=seller).gas_used
    gas_report("market: fill of a buy order, partial", gas, FILL_BUDGET)
    assert gas <= FILL_BUDGET


def test_gas__fill_exact_approvals_and_new_holder__reported(
    market, traders, accounts, verify, shares, stablecoin, seller, sign, gas_report
):
    shares.approve(market, 10 * AMOUNT, sender=seller)
    stablecoin.approve(market, 10**12, sender=traders[0])
    exact = market.fill(*_args(sign(seller, Side.SELL, AMOUNT, PRICE)), AMOUNT, PRICE, sender=traders[0]).gas_used
    newcomer = accounts[18]
    verify(newcomer)
    stablecoin.mint(newcomer, 10**12, sender=newcomer)
    stablecoin.approve(market, UNLIMITED, sender=newcomer)
    shares.approve(market, UNLIMITED, sender=seller)
    new_holder = market.fill(*_args(sign(seller, Side.SELL, AMOUNT, PRICE)), AMOUNT, PRICE, sender=newcomer).gas_used
    gas_report("market: fill, whole, exact approvals", exact, None, "reported")
    gas_report("market: fill, whole, buyer's first shares", new_holder, None, "reported")


def test_gas__cancel_all_whatever_the_number(market, seller, sign, gas_report):
    orders = [sign(seller, Side.SELL, AMOUNT, PRICE + i) for i in range(200)]
    first = market.cancelAll(sender=seller).gas_used
    again = market.cancelAll(sender=seller).gas_used
    assert all(market.remainingOf(o.order.as_tuple()) == 0 for o in orders[::40])
    gas_report("market: cancelAll (first, 200 orders signed)", first, CANCEL_ALL_BUDGET)
    gas_report("market: cancelAll (again)", again, CANCEL_ALL_BUDGET)
    assert max(first, again) <= CANCEL_ALL_BUDGET


def _args(signed):
    return signed.order.as_tuple(), signed.signature
