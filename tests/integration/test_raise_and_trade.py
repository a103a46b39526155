"""Raise an asset's money through an offering, then trade on the secondary market: the operator sells 30% of the
shares to three investors, the keeper settles, investors claim, revenue flows, one investor sells part of its
position to another through a signed order; every stablecoin unit is accounted for and revenue stays with whoever
held the shares when it was distributed."""

from cap.offering import ONE_SHARE, OfferingParams, create_offering, deploy_share_offering, settle_closed, subscribe
from cap.orders import Side, SignedOrder, deploy_secondary_market, new_order, sign_order

USD = 10**6
PRICE = 3 * USD
MAGNITUDE = 10**27


def test_raise_then_trade__every_unit_accounted(chain, system, shares, operator, investors, gov, stranger, accounts):
    stablecoin = system.stablecoin
    treasury = accounts[10]
    offering = deploy_share_offering(system, gov, gov, treasury, 200)
    market = deploy_secondary_market(system, gov, treasury, 30)
    supply = shares.totalSupply()

    opens_at = chain.pending_timestamp + 600
    params = OfferingParams(
        shares.address, PRICE, 100_000 * ONE_SHARE, 300_000 * ONE_SHARE, 1_000 * ONE_SHARE, 150_000 * ONE_SHARE,
        opens_at, opens_at + 7 * 86_400, (840,),
    )  # fmt: skip
    offering_id = create_offering(offering, shares, operator, params)
    chain.pending_timestamp = opens_at
    bought = {investors[0]: 150_000 * ONE_SHARE, investors[1]: 90_000 * ONE_SHARE, investors[2]: 10_000 * ONE_SHARE}
    paid = {}
    for investor, amount in bought.items():
        paid[investor] = offering.costOf(offering_id, amount)
        stablecoin.mint(investor, paid[investor], sender=investor)
        subscribe(offering, stablecoin, investor, offering_id, amount)

    # Revenue while the shares wait in the offering: the operator's.
    stablecoin.mint(gov, 10_000 * USD, sender=gov)
    stablecoin.approve(shares, 10_000 * USD, sender=gov)
    shares.distribute(1_000 * USD, sender=gov)

    chain.pending_timestamp = params.closes_at
    assert settle_closed(offering, stranger) == [(offering_id, True)]
    for investor in bought:
        offering.claimShares(offering_id, sender=investor)
        assert shares.balanceOf(investor) == bought[investor]
    offering.returnShares(offering_id, sender=stranger)
    offering.forwardRevenue(shares, sender=stranger)
    raised = sum(paid.values())
    fee = raised * 200 // 10_000
    assert offering.owedOf(operator) == raised - fee + 1_000 * USD * 300_000 * ONE_SHARE // supply
    assert offering.owedOf(treasury) == fee
    offering.withdraw(sender=operator)
    offering.withdraw(sender=treasury)
    assert stablecoin.balanceOf(offering) == 0 and shares.balanceOf(offering) == 0

    # Revenue now goes to the holders; then investor 0 sells a third of its position to investor 3.
    shares.distribute(1_000 * USD, sender=gov)
    seller, buyer = investors[0], investors[3]
    earned_by_seller = shares.claimableOf(seller)
    assert earned_by_seller == 1_000 * USD * bought[seller] // supply
    order = new_order(market, seller, shares, Side.SELL, 50_000 * ONE_SHARE, 3_300_000, chain.pending_timestamp + 3_600)
    signed = SignedOrder(order, sign_order(seller, order, chain.chain_id, market.address))
    shares.approve(market, order.share_amount, sender=seller)
    leg = order.stablecoin_for(order.share_amount)
    stablecoin.mint(buyer, leg, sender=buyer)
    stablecoin.approve(market, leg, sender=buyer)
    seller_usd = stablecoin.balanceOf(seller)
    market.fill(order.as_tuple(), signed.signature, order.share_amount, order.price_per_share, sender=buyer)
    trade_fee = leg * 30 // 10_000
    assert stablecoin.balanceOf(seller) == seller_usd + leg - trade_fee
    assert stablecoin.balanceOf(market) == trade_fee and stablecoin.balanceOf(buyer) == 0
    assert shares.claimableOf(seller) == earned_by_seller and shares.claimableOf(buyer) == 0

    shares.distribute(1_000 * USD, sender=gov)
    assert shares.claimableOf(buyer) == 1_000 * USD * 50_000 * ONE_SHARE // supply
    market.withdrawFees(sender=stranger)
    assert stablecoin.balanceOf(treasury) == fee + trade_fee
