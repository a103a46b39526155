"""EIP-712 orders: the Python digest equals the contract's, JSON round trips, and signatures for another chain,
another market or by another key are refused."""

import ape
from trading_helpers import PRICE

from cap.orders import (
    DOMAIN_NAME,
    ORDER_TYPES,
    Order,
    Side,
    SignedOrder,
    deploy_secondary_market,
    order_digest,
    sign_order,
)

AMOUNT = 1_000 * 10**18


def test_digest__python_equals_contract(market, shares, seller, sign, chain):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    assert market.hashOrder(signed.order.as_tuple()) == order_digest(signed.order, chain.chain_id, market.address)
    domain = market.eip712Domain()
    assert (domain.name, domain.version, domain.chainId, domain.verifyingContract) == (
        DOMAIN_NAME,
        "1",
        chain.chain_id,
        market.address,
    )


def test_typehash__matches_python_types(market):
    from eth_utils import keccak

    fields = ",".join(f"{f['type']} {f['name']}" for f in ORDER_TYPES["Order"])
    assert market.ORDER_TYPEHASH() == keccak(text=f"Order({fields})")


def test_order__json_round_trip(seller, sign, tmp_path):
    signed = sign(seller, Side.BUY, AMOUNT, PRICE)
    path = tmp_path / "order.json"
    signed.save(path)
    assert SignedOrder.load(path) == signed
    assert Order.from_json(signed.order.to_json()) == signed.order


def test_order__ranges_checked():
    import pytest

    with pytest.raises(ValueError, match="expiry"):
        Order("0x" + "11" * 20, "0x" + "22" * 20, Side.SELL, 1, 1, 2**64, 0, 0)
    with pytest.raises(ValueError, match="side"):
        Order("0x" + "11" * 20, "0x" + "22" * 20, 7, 1, 1, 1, 0, 0)


def test_fill__signed_for_another_chain__reverts(market, seller, buyer, sign, fund, approve_shares, chain):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE, chain_id=chain.chain_id + 1)
    approve_shares(seller, AMOUNT)
    fund(buyer, 10**12)
    order_hash = market.hashOrder(signed.order.as_tuple())
    with ape.reverts(market.SecondaryMarketInvalidSignature, orderHash=order_hash, maker=seller):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__signed_for_another_market__reverts(market, system, gov, treasury, seller, buyer, sign, fund):
    other = deploy_secondary_market(system, gov, treasury)
    signed = sign(seller, Side.SELL, AMOUNT, PRICE, market_address=other.address)
    fund(buyer, 10**12)
    with ape.reverts(market.SecondaryMarketInvalidSignature):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__signed_by_another_key__reverts(market, seller, buyer, investors, sign, fund):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE, signer=investors[2])
    fund(buyer, 10**12)
    with ape.reverts(market.SecondaryMarketInvalidSignature):
        market.fill(signed.order.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)


def test_fill__tampered_order_or_garbage_signature__reverts(market, seller, buyer, sign, fund, chain):
    signed = sign(seller, Side.SELL, AMOUNT, PRICE)
    fund(buyer, 10**12)
    cheaper = Order(**{**signed.order.__dict__, "price_per_share": PRICE - 1})
    with ape.reverts(market.SecondaryMarketInvalidSignature):
        market.fill(cheaper.as_tuple(), signed.signature, AMOUNT, PRICE, sender=buyer)
    for garbage in (b"", b"\x01" * 65, signed.signature[:64]):
        with ape.reverts(market.SecondaryMarketInvalidSignature):
            market.fill(signed.order.as_tuple(), garbage, AMOUNT, PRICE, sender=buyer)


def test_erc1271_wallet_maker__fills(
    project, market, shares, stablecoin, operator, seller, buyer, verify, fund, sign, chain
):
    """A contract wallet (verified investor) sells: its owner's key signs for it, the market asks the wallet."""
    wallet = project.MockERC1271Wallet.deploy(seller, sender=seller)
    verify(wallet)
    shares.transfer(wallet, AMOUNT, sender=operator)
    wallet.execute(shares, shares.approve.encode_input(market, AMOUNT), sender=seller)
    order = Order(**{**sign(seller, Side.SELL, AMOUNT, PRICE).order.__dict__, "maker": wallet.address})
    signature = sign_order(seller, order, chain.chain_id, market.address)
    fund(buyer, order.stablecoin_for(AMOUNT))
    market.fill(order.as_tuple(), signature, AMOUNT, PRICE, sender=buyer)
    assert shares.balanceOf(buyer) == AMOUNT
    assert stablecoin.balanceOf(wallet) > 0
    # Another key cannot sign for the wallet.
    other = Order(**{**order.__dict__, "salt": order.salt + 1})
    with ape.reverts(market.SecondaryMarketInvalidSignature):
        market.fill(other.as_tuple(), sign_order(buyer, other, chain.chain_id, market.address), 1, PRICE, sender=buyer)
