"""Cancelling one order, or all of a maker's orders at once through its epoch."""

import ape
from trading_helpers import PRICE

from cap.orders import ONE_SHARE, Side

AMOUNT = 1_000 * ONE_SHARE


def test_cancel__one_order(market, seller, buyer, sign, fund, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    other = sign(seller, Side.SELL, AMOUNT, PRICE)
    order_hash = market.hashOrder(signed.order.as_tuple())
    tx = market.cancel(signed.order.as_tuple(), sender=seller)
    event = tx.events.filter(market.OrderCancelled)[0]
    assert (event.orderHash, event.maker) == (order_hash, seller)
    assert market.stateOf(order_hash).cancelled
    assert market.remainingOf(signed.order.as_tuple()) == 0
    fund(buyer, 10**12)
    approve_shares(seller, AMOUNT)
    with ape.reverts(market.SecondaryMarketOrderCancelled, orderHash=order_hash):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)
    with ape.reverts(market.SecondaryMarketOrderCancelled, orderHash=order_hash):
        market.cancel(signed.order.as_tuple(), sender=seller)
    market.fill(other.order.as_tuple(), other.signature, AMOUNT, PRICE, sender=buyer)  # the other stands


def test_cancel__not_maker__reverts(market, seller, buyer, sign):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    with ape.reverts(market.SecondaryMarketNotMaker, caller=buyer, maker=seller):
        market.cancel(signed.order.as_tuple(), sender=buyer)


def test_cancel__filled_order__reverts(market, seller, buyer, sign, fund, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    fund(buyer, 10**12)
    approve_shares(seller, AMOUNT)
    market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)
    with ape.reverts(market.SecondaryMarketOrderFilled, orderHash=market.hashOrder(signed.order.as_tuple())):
        market.cancel(signed.order.as_tuple(), sender=seller)


def test_cancel_all__every_earlier_order(market, seller, buyer, sign, fund, approve_shares):
    orders = [sign(seller, Side.SELL, AMOUNT, PRICE + i) for i in range(5)]
    fund(buyer, 10**12)
    approve_shares(seller, 5 * AMOUNT)
    market.fill(orders[0].order.as_tuple(), orders[0].signature, AMOUNT // 2, PRICE, sender=buyer)
    tx = market.cancelAll(sender=seller)
    assert tx.events.filter(market.EpochIncremented)[0].epoch == 1 == market.epochOf(seller)
    for signed in orders:
        assert market.remainingOf(signed.order.as_tuple()) == 0
        with ape.reverts(market.SecondaryMarketOrderCancelled):
            market.fill(signed.order.as_tuple(), signed.signature, 1, 10**18, sender=buyer)
    fresh = sign(seller, Side.SELL, AMOUNT, PRICE)  # signed at the new epoch
    assert fresh.order.epoch == 1
    market.fill(fresh.order.as_tuple(), fresh.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__future_epoch__reverts(market, seller, buyer, sign, fund):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE, epoch=3)
    fund(buyer, 10**12)
    order_hash = market.hashOrder(signed.order.as_tuple())
    with ape.reverts(market.SecondaryMarketInvalidEpoch, orderHash=order_hash, orderEpoch=3, makerEpoch=0):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)
