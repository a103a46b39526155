"""Signed limit orders for the SecondaryMarket: the typed order, its EIP-712 digest, signing, JSON files, fills and
the list of open orders rebuilt from the market's `OrderPosted` events.

The digest is computed here in pure Python and must equal the contract's `hashOrder` (a test checks it). Amounts are
on-chain units: shares in 1e18 units, prices in stablecoin units per 1e18 shares.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from eth_utils import to_checksum_address

from cap.reports import EIP712_DOMAIN_FIELDS, sign_digest, typed_data, typed_digest

DOMAIN_NAME = "CAP SecondaryMarket"
DOMAIN_VERSION = "1"
ONE_SHARE = 10**18
DEFAULT_FEE_BPS = 30

ORDER_TYPES = {
    "EIP712Domain": EIP712_DOMAIN_FIELDS,
    "Order": [
        {"name": "maker", "type": "address"},
        {"name": "shareToken", "type": "address"},
        {"name": "side", "type": "uint8"},
        {"name": "shareAmount", "type": "uint256"},
        {"name": "pricePerShare", "type": "uint256"},
        {"name": "expiry", "type": "uint64"},
        {"name": "salt", "type": "uint256"},
        {"name": "epoch", "type": "uint64"},
    ],
}


class Side(IntEnum):
    """What the maker does (`ISecondaryMarket.Side`)."""

    BUY = 0
    SELL = 1


@dataclass(frozen=True)
class Order:
    """`ISecondaryMarket.Order`; ranges checked on creation, addresses checksummed."""

    maker: str
    share_token: str
    side: Side
    share_amount: int
    price_per_share: int
    expiry: int
    salt: int
    epoch: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "maker", to_checksum_address(str(self.maker)))
        object.__setattr__(self, "share_token", to_checksum_address(str(self.share_token)))
        try:
            object.__setattr__(self, "side", Side(self.side))
        except ValueError:
            raise ValueError(f"side {self.side!r} is not a Side") from None
        for name, maximum in (
            ("share_amount", 2**256 - 1),
            ("price_per_share", 2**256 - 1),
            ("expiry", 2**64 - 1),
            ("salt", 2**256 - 1),
            ("epoch", 2**64 - 1),
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or not 0 <= value <= maximum:
                raise ValueError(f"{name} must be an integer in [0, {maximum:_}], got {value!r}")

    def as_tuple(self) -> tuple:
        """The order as the contract's struct argument."""
        return (
            self.maker,
            self.share_token,
            int(self.side),
            self.share_amount,
            self.price_per_share,
            self.expiry,
            self.salt,
            self.epoch,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["side"] = self.side.name.lower()
        return {key: str(value) if isinstance(value, int) else value for key, value in data.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Order:
        side = data["side"]
        return cls(
            maker=data["maker"],
            share_token=data["share_token"],
            side=Side[side.upper()] if isinstance(side, str) else Side(side),
            share_amount=int(data["share_amount"]),
            price_per_share=int(data["price_per_share"]),
            expiry=int(data["expiry"]),
            salt=int(data["salt"]),
            epoch=int(data["epoch"]),
        )

    @classmethod
    def from_chain(cls, raw: Any) -> Order:
        """From a decoded struct (an event argument or a call result): attributes or a sequence."""
        if hasattr(raw, "maker"):
            fields = (raw.maker, raw.shareToken, raw.side, raw.shareAmount, raw.pricePerShare, raw.expiry)
            return cls(*fields, raw.salt, raw.epoch)
        return cls(*list(raw))

    def stablecoin_for(self, share_amount: int) -> int:
        """The stablecoin leg of filling `share_amount`, rounded in the maker's favour as the market does."""
        product = share_amount * self.price_per_share
        if self.side is Side.SELL:
            return -(-product // ONE_SHARE)
        return product // ONE_SHARE


def order_typed_data(order: Order, chain_id: int, market_address: str) -> dict[str, Any]:
    """The full EIP-712 message, as wallets and `eth_account` take it."""
    domain = (DOMAIN_NAME, DOMAIN_VERSION)
    return typed_data(ORDER_TYPES, "Order", domain, chain_id, market_address, order.as_tuple())


def order_digest(order: Order, chain_id: int, market_address: str) -> bytes:
    """The digest the maker signs: equals `SecondaryMarket.hashOrder(order)` on that chain and market."""
    return typed_digest(order_typed_data(order, chain_id, market_address))


def sign_order(signer: Any, order: Order, chain_id: int, market_address: str) -> bytes:
    """The maker's 65-byte signature of `order` for the market at `market_address` on `chain_id`."""
    return sign_digest(signer, order_digest(order, chain_id, market_address))


def new_order(
    market: Any,
    maker: Any,
    share_token: Any,
    side: Side,
    share_amount: int,
    price_per_share: int,
    expiry: int,
    salt: int | None = None,
) -> Order:
    """An order at the maker's current epoch on `market`, with a random salt unless given."""
    maker_address = str(getattr(maker, "address", maker))
    return Order(
        maker=maker_address,
        share_token=str(getattr(share_token, "address", share_token)),
        side=side,
        share_amount=share_amount,
        price_per_share=price_per_share,
        expiry=expiry,
        salt=secrets.randbits(64) if salt is None else salt,  # random per maker; short salts cost less calldata
        epoch=market.epochOf(maker_address),
    )


@dataclass(frozen=True)
class SignedOrder:
    """An order with its maker's signature: what a maker hands to takers (or posts on-chain)."""

    order: Order
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {"order": self.order.to_json(), "signature": "0x" + self.signature.hex()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignedOrder:
        signature = data["signature"]
        return cls(Order.from_json(data["order"]), bytes.fromhex(signature.removeprefix("0x")))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> SignedOrder:
        return cls.from_json(json.loads(Path(path).read_text()))


def sign_new_order(market: Any, maker: Any, share_token: Any, side: Side, share_amount: int, price: int, expiry: int):
    """Builds and signs an order at the maker's current epoch: a SignedOrder."""
    from ape import chain

    order = new_order(market, maker, share_token, side, share_amount, price, expiry)
    return SignedOrder(order, sign_order(maker, order, chain.chain_id, market.address))


# ---------------------------------------------------------------- chain steps


def deploy_secondary_market(system: Any, admin: Any, treasury: Any, fee_bps: int = DEFAULT_FEE_BPS) -> Any:
    """Deploys a SecondaryMarket over `system` and sets its function roles (`admin`: the AccessManager's admin)."""
    from ape import project

    from cap.deploy import FUNCTION_ROLES, set_function_roles

    market = project.SecondaryMarket.deploy(system.manager, system.compliance, treasury, fee_bps, sender=admin)
    set_function_roles(system.manager, market, FUNCTION_ROLES["secondary_market"], admin)
    return market


def post_order(market: Any, signed: SignedOrder, sender: Any) -> Any:
    """Announces the order in an `OrderPosted` event; returns the receipt."""
    return market.post(signed.order.as_tuple(), signed.signature, sender=sender)


def fill_order(
    market: Any,
    signed: SignedOrder,
    taker: Any,
    share_amount: int,
    price_limit: int | None = None,
    stablecoin: Any = None,
    shares: Any = None,
) -> Any:
    """Approves what the taker gives (exactly) and fills; returns the receipt.

    The taker buying (a sell order) approves the stablecoin leg to `stablecoin`; selling (a buy order), the shares to
    `shares`. Pass neither to approve nothing. `price_limit` defaults to the order's price.
    """
    order = signed.order
    if order.side is Side.SELL and stablecoin is not None:
        stablecoin.approve(market, order.stablecoin_for(share_amount), sender=taker)
    if order.side is Side.BUY and shares is not None:
        shares.approve(market, share_amount, sender=taker)
    limit = order.price_per_share if price_limit is None else price_limit
    return market.fill(order.as_tuple(), signed.signature, share_amount, limit, sender=taker)


@dataclass(frozen=True)
class OpenOrder:
    """A posted order still fillable, with what is left of it."""

    order_hash: bytes
    signed: SignedOrder
    remaining: int
    block_number: int

    def describe(self) -> str:
        order = self.signed.order
        return (
            f"0x{self.order_hash.hex()} {order.side.name.lower():4} {self.remaining / ONE_SHARE:,.4f} of "
            f"{order.share_amount / ONE_SHARE:,.4f} shares of {order.share_token} at "
            f"{order.price_per_share / 10**6:,.6f} by {order.maker}, expires {order.expiry}"
        )


def posted_orders(market: Any, start_block: int = 0, stop_block: int | None = None) -> Iterator[tuple[Any, Any]]:
    """(log, SignedOrder) for every `OrderPosted` event of the market in `[start_block, stop_block)` (to the head
    when `stop_block` is None)."""
    if stop_block is None:
        from ape import chain

        stop_block = chain.blocks.head.number + 1
    for log in market.OrderPosted.range(start_block, stop_block):
        signature = log.signature
        raw = bytes(signature) if not isinstance(signature, str) else bytes.fromhex(signature.removeprefix("0x"))
        yield log, SignedOrder(Order.from_chain(log.order), raw)


def list_open_orders(
    market: Any, share_token: Any = None, side: Side | None = None, start_block: int = 0
) -> list[OpenOrder]:
    """Orders posted on the market that can still be filled now (not filled, cancelled, outdated or expired), each
    once, best price first per side (lowest sells, highest buys)."""
    token = to_checksum_address(str(getattr(share_token, "address", share_token))) if share_token else None
    seen: set[bytes] = set()
    orders: list[OpenOrder] = []
    for log, signed in posted_orders(market, start_block):
        order_hash = bytes(log.orderHash)
        if order_hash in seen:
            continue
        seen.add(order_hash)
        if token and signed.order.share_token != token:
            continue
        if side is not None and signed.order.side is not side:
            continue
        remaining = market.remainingOf(signed.order.as_tuple())
        if remaining:
            orders.append(OpenOrder(order_hash, signed, remaining, log.block_number))
    orders.sort(key=lambda o: (o.signed.order.side, _price_rank(o.signed.order), o.block_number))
    return orders


def _price_rank(order: Order) -> int:
    return order.price_per_share if order.side is Side.SELL else -order.price_per_share
