"""Posting orders on-chain and listing the open ones from the market's events."""

import ape
from trading_helpers import PRICE

from cap.orders import ONE_SHARE, Side, list_open_orders, post_order

AMOUNT = 1_000 * ONE_SHARE


def test_post__emits_order_and_signature(market, shares, seller, stranger, sign):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    tx = post_order(market, signed, stranger)  # anyone may relay
    event = tx.events.filter(market.OrderPosted)[0]
    assert (event.orderHash, event.maker, event.shareToken) == (
        market.hashOrder(signed.order.as_tuple()),
        seller,
        shares,
    )
    assert bytes(event.signature) == signed.signature


def test_post__bad_signature_or_dead_order__reverts(market, seller, buyer, sign, chain):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE, signer=buyer)
    with ape.reverts(market.SecondaryMarketInvalidSignature):
        post_order(market, signed, seller)
    expired = sign(seller, Side.SELL, AMOUNT, PRICE, expiry=chain.pending_timestamp - 1)
    with ape.reverts(market.SecondaryMarketOrderExpired):
        post_order(market, expired, seller)
    cancelled = sign(seller, Side.SELL, AMOUNT, PRICE)
    market.cancel(cancelled.order.as_tuple(), sender=seller)
    with ape.reverts(market.SecondaryMarketOrderCancelled):
        post_order(market, cancelled, seller)


def test_list_open_orders__from_events(
    market, shares, seller, buyer, investors, sign, fund, approve_shares, chain, stablecoin
):
    start = chain.blocks.head.number
    whole = sign(seller, Side.SELL, AMOUNT, PRICE)
    partial = sign(seller, Side.SELL, AMOUNT, PRICE + 2)
    cancelled = sign(seller, Side.SELL, AMOUNT, PRICE + 3)
    cheap = sign(investors[2], Side.SELL, AMOUNT, PRICE - 5)
    bid = sign(buyer, Side.BUY, AMOUNT, PRICE - 10)
    expiring = sign(seller, Side.SELL, AMOUNT, PRICE, expiry=chain.pending_timestamp + 600)
    for signed in (whole, partial, cancelled, cheap, bid, expiring, partial):  # posted twice: listed once
        post_order(market, signed, seller)
    other_token = sign(seller, Side.SELL, AMOUNT, PRICE, share_token=stablecoin.address)
    post_order(market, other_token, seller)

    fund(buyer, 10**12)
    approve_shares(seller, 2 * AMOUNT)
    market.fill(whole.order.as_tuple(), whole.signature, AMOUNT, PRICE, sender=buyer)
    market.fill(partial.order.as_tuple(), partial.signature, AMOUNT // 4, PRICE + 2, sender=buyer)
    market.cancel(cancelled.order.as_tuple(), sender=seller)
    chain.pending_timestamp += 3_600
    chain.mine()

    listed = list_open_orders(market, share_token=shares, start_block=start)
    assert [(o.signed.order, o.remaining) for o in listed] == [
        (bid.order, AMOUNT),
        (cheap.order, AMOUNT),
        (partial.order, AMOUNT - AMOUNT // 4),
    ]
    assert listed[2].signed.signature == partial.signature
    assert "sell" in listed[1].describe()
    sells = list_open_orders(market, share_token=shares, side=Side.SELL, start_block=start)
    assert [o.signed.order for o in sells] == [cheap.order, partial.order]
    assert len(list_open_orders(market, start_block=start)) == 4  # the other token's order too

    market.cancelAll(sender=investors[2])
    assert [o.signed.order for o in list_open_orders(market, shares, Side.SELL, start)] == [partial.order]
