"""SecondaryMarket.fill: wallet-to-wallet settlement at the maker's price with the fee from the stablecoin leg,
partial fills, both sides, maker-favoured rounding, revenue staying with the seller, and every refused fill."""

import ape
import pytest
from trading_helpers import FEE_BPS, HOLDING, PRICE, USD

from cap.orders import ONE_SHARE, Side, fill_order

AMOUNT = 10_000 * ONE_SHARE


def leg(amount, price, maker_sells):
    product = amount * price
    return -(-product // ONE_SHARE) if maker_sells else product // ONE_SHARE


def test_fill__sell_order_whole(market, shares, stablecoin, seller, buyer, treasury, sign, fund, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    approve_shares(seller, AMOUNT)
    cost = leg(AMOUNT, PRICE, True)
    fee = cost * FEE_BPS // 10_000
    fund(buyer, cost)
    seller_usd = stablecoin.balanceOf(seller)

    tx = market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)

    event = tx.events.filter(market.OrderFilled)[0]
    assert (event.maker, event.taker, event.shareToken) == (seller, buyer, shares)
    assert (event.shareAmount, event.stablecoinAmount, event.fee) == (AMOUNT, cost, fee)
    assert event.orderHash == market.hashOrder(signed.order.as_tuple())
    assert shares.balanceOf(buyer) == AMOUNT
    assert shares.balanceOf(seller) == HOLDING - AMOUNT
    assert stablecoin.balanceOf(seller) == seller_usd + cost - fee
    assert stablecoin.balanceOf(buyer) == 0
    assert stablecoin.balanceOf(market) == fee
    assert market.remainingOf(signed.order.as_tuple()) == 0
    # The fee goes to the treasury on withdrawal (anyone may send it).
    market.withdrawFees(sender=buyer)
    assert stablecoin.balanceOf(treasury) >= fee and stablecoin.balanceOf(market) == 0
    with ape.reverts(market.SecondaryMarketNothingToWithdraw):
        market.withdrawFees(sender=buyer)


def test_fill__partial_fills_then_remaining(market, shares, seller, buyer, investors, sign, fund, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    approve_shares(seller, AMOUNT)
    fund(buyer, 10**12)
    fund(investors[3], 10**12)
    first = AMOUNT // 3 + 1
    market.fill(signed.order.as_tuple(), signed.signature, first, PRICE, sender=buyer)
    assert market.remainingOf(signed.order.as_tuple()) == AMOUNT - first
    order_hash = market.hashOrder(signed.order.as_tuple())
    assert market.stateOf(order_hash).filled == first
    with ape.reverts(
        market.SecondaryMarketExceedsRemaining, orderHash=order_hash, requested=AMOUNT, remaining=AMOUNT - first
    ):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=investors[3])
    market.fill(signed.order.as_tuple(), signed.signature, AMOUNT - first, PRICE, sender=investors[3])
    assert shares.balanceOf(buyer) == first and shares.balanceOf(investors[3]) == AMOUNT - first
    # The signature is used up: reusing it fails.
    with ape.reverts(market.SecondaryMarketOrderFilled, orderHash=order_hash):
        market.fill(signed.order.as_tuple(), signed.signature, 1, PRICE, sender=buyer)


def test_fill__buy_order_taker_sells(market, shares, stablecoin, seller, buyer, sign, fund, approve_shares):
    signed = sign(buyer, Side.BUY, AMOUNT, PRICE)
    fund(buyer, leg(AMOUNT, PRICE, False))
    approve_shares(seller, AMOUNT)
    part = AMOUNT // 7
    tx = market.fill(signed.order.as_tuple(), signed.signature, part, PRICE, sender=seller)
    event = tx.events.filter(market.OrderFilled)[0]
    # The maker buys: the leg rounds down, in its favour.
    assert event.stablecoinAmount == leg(part, PRICE, False) == part * PRICE // ONE_SHARE
    assert (event.maker, event.taker) == (buyer, seller)
    assert shares.balanceOf(buyer) == part
    assert stablecoin.balanceOf(market) == event.fee


def test_fill__sell_order_rounds_up_for_the_maker(market, seller, buyer, sign, fund, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    approve_shares(seller, AMOUNT)
    fund(buyer, 10**12)
    odd = 3 * ONE_SHARE + 1
    tx = market.fill(signed.order.as_tuple(), signed.signature, odd, PRICE, sender=buyer)
    assert tx.events.filter(market.OrderFilled)[0].stablecoinAmount == -(-odd * PRICE // ONE_SHARE)


def test_fill__helper_approves_exactly(market, shares, seller, buyer, sign, stablecoin, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    approve_shares(seller, AMOUNT)
    stablecoin.mint(buyer, signed.order.stablecoin_for(AMOUNT), sender=buyer)
    fill_order(market, signed, buyer, AMOUNT, stablecoin=stablecoin)
    assert shares.balanceOf(buyer) == AMOUNT and stablecoin.allowance(buyer, market) == 0


def test_fill__price_worse_than_limit__reverts(market, seller, buyer, sign, fund, approve_shares):
    sell = sign(seller, Side.SELL, AMOUNT, PRICE)
    buy = sign(buyer, Side.BUY, AMOUNT, PRICE)
    fund(buyer, 10**12)
    approve_shares(seller, AMOUNT)
    sell_hash = market.hashOrder(sell.order.as_tuple())
    buy_hash = market.hashOrder(buy.order.as_tuple())
    with ape.reverts(
        market.SecondaryMarketPriceWorseThanLimit, orderHash=sell_hash, pricePerShare=PRICE, priceLimit=PRICE - 1
    ):
        market.fill(sell.order.as_tuple(), sell.signature, AMOUNT, PRICE - 1, sender=buyer)
    with ape.reverts(
        market.SecondaryMarketPriceWorseThanLimit, orderHash=buy_hash, pricePerShare=PRICE, priceLimit=PRICE + 1
    ):
        market.fill(buy.order.as_tuple(), buy.signature, AMOUNT, PRICE + 1, sender=seller)
    # A better price than the limit is fine.
    market.fill(sell.order.as_tuple(), sell.signature, 1, PRICE + 1, sender=buyer)


def test_fill__expired__reverts(market, seller, buyer, sign, fund, chain):
    expiry = chain.pending_timestamp + 100
    signed = sign(seller, Side.SELL, AMOUNT, PRICE, expiry=expiry)
    fund(buyer, 10**12)
    chain.pending_timestamp = expiry
    with ape.reverts(
        market.SecondaryMarketOrderExpired, orderHash=market.hashOrder(signed.order.as_tuple()), expiry=expiry
    ):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__zero_or_self__reverts(market, seller, buyer, sign, fund, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    fund(buyer, 10**12)
    with ape.reverts(market.SecondaryMarketZeroAmount):
        market.fill(signed.order.as_tuple(), signed.signature, 0, PRICE, sender=buyer)
    with ape.reverts(market.SecondaryMarketSelfTrade, account=seller):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=seller)
    worthless = sign(buyer, Side.BUY, AMOUNT, 1)  # one unit per share: a tiny fill is worth nothing
    approve_shares(seller, AMOUNT)
    with ape.reverts(market.SecondaryMarketZeroAmount):
        market.fill(worthless.order.as_tuple(), worthless.signature, 10**17, 1, sender=seller)
    empty = sign(seller, Side.SELL, 0, PRICE)
    with ape.reverts(market.SecondaryMarketZeroAmount):
        market.fill(empty.order.as_tuple(), empty.signature, 1, PRICE, sender=buyer)


def test_fill__unknown_share_token__reverts(market, stablecoin, seller, buyer, sign, fund):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE, share_token=stablecoin.address)
    fund(buyer, 10**12)
    with ape.reverts(market.SecondaryMarketUnknownShareToken, token=stablecoin):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__maker_verification_expired_after_signing__reverts(
    market, shares, accounts, operator, verify, compliance, buyer, sign, fund, approve_shares, chain
):
    maker = accounts[15]
    verify(maker, days=2)
    shares.transfer(maker, AMOUNT, sender=operator)
    approve_shares(maker, AMOUNT)
    signed = sign(maker, Side.SELL, AMOUNT, PRICE, expiry=chain.pending_timestamp + 10 * 86_400)
    fund(buyer, 10**12)
    until = compliance.investorOf(maker).verifiedUntil
    chain.pending_timestamp = until + 1
    with ape.reverts(market.SecondaryMarketVerificationExpired, account=maker, verifiedUntil=until):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)
    verify(maker)  # re-verified: the same signed order fills
    market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__taker_unverified__reverts(market, seller, stranger, sign, fund, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    approve_shares(seller, AMOUNT)
    fund(stranger, 10**12)
    with ape.reverts(market.SecondaryMarketNotVerified, account=stranger):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=stranger)


def test_fill__seller_maker_frozen_after_signing__reverts(
    market, compliance, compliance_agent, shares, seller, buyer, sign, fund, approve_shares
):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    fund(buyer, 10**12)
    approve_shares(seller, AMOUNT)
    compliance.freeze(seller, True, [shares], sender=compliance_agent)
    with ape.reverts(market.SecondaryMarketFrozen, account=seller):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__buyer_maker_frozen_after_signing__reverts(
    market, compliance, compliance_agent, seller, buyer, sign, fund, approve_shares
):
    signed = sign(buyer, Side.BUY, AMOUNT, PRICE)
    fund(buyer, 10**12)
    approve_shares(seller, AMOUNT)
    compliance.freeze(buyer, True, [], sender=compliance_agent)
    with ape.reverts(market.SecondaryMarketFrozen, account=buyer):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=seller)


def test_fill__seller_frozen_on_token_only__token_refuses(
    project, market, shares, compliance, compliance_agent, seller, buyer, sign, fund, approve_shares
):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    approve_shares(seller, AMOUNT)
    fund(buyer, 10**12)
    compliance.freezeOnToken(shares, seller, True, sender=compliance_agent)
    with ape.reverts(project.ComplianceRegistry.AssetSharesHolderFrozen, holder=seller):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__without_approvals__reverts(project, market, stablecoin, seller, buyer, sign):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    stablecoin.mint(buyer, 10**12, sender=buyer)
    with ape.reverts(project.ComplianceRegistry.AssetSharesInsufficientAllowance, spender=market):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__paused__reverts_cancels_still_work(market, pauser, seller, buyer, sign, fund, approve_shares):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    approve_shares(seller, AMOUNT)
    fund(buyer, 10**12)
    market.pause(sender=pauser)
    with ape.reverts(market.EnforcedPause):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)
    market.cancelAll(sender=seller)
    market.unpause(sender=pauser)


def test_fill__revenue_before_trade_stays_with_seller(
    market, shares, stablecoin, gov, seller, buyer, sign, fund, approve_shares
):
    claimable_before = shares.claimableOf(seller)
    stablecoin.mint(gov, 1_000 * USD, sender=gov)
    stablecoin.approve(shares, 1_000 * USD, sender=gov)
    shares.distribute(1_000 * USD, sender=gov)
    earned = shares.claimableOf(seller) - claimable_before
    assert earned == HOLDING * 1_000 * USD // shares.totalSupply()

    signed = sign(seller, Side.SELL, HOLDING, PRICE)
    approve_shares(seller, HOLDING)
    fund(buyer, 10**12)
    buyer_before = shares.claimableOf(buyer)
    market.fill(signed.order.as_tuple(), signed.signature, HOLDING, PRICE, sender=buyer)
    assert shares.balanceOf(seller) == 0
    assert shares.claimableOf(seller) == claimable_before + earned
    assert shares.claimableOf(buyer) == buyer_before
    before = stablecoin.balanceOf(seller)
    shares.claim(sender=seller)
    assert stablecoin.balanceOf(seller) == before + claimable_before + earned


@pytest.mark.parametrize("side", [Side.SELL, Side.BUY])
def test_remaining__views(market, seller, buyer, sign, side):
    maker = seller if side is Side.SELL else buyer
    signed = sign(maker, side, AMOUNT, PRICE)
    assert market.remainingOf(signed.order.as_tuple()) == AMOUNT
