"""Signed limit orders on the SecondaryMarket: sign (and post), list the open ones, fill, cancel, cancel all.

    ape run orders sign --market 0x... --shares 0x... --side sell --amount 500 --price 2.6 --expires-in 86400 \\
        --account test:5 --out order.json --post
    ape run orders list --market 0x... [--shares 0x...] [--side sell]
    ape run orders fill --market 0x... --order order.json --amount 200 --account test:6
    ape run orders fill --market 0x... --hash 0x... --amount 200 --account test:6     # a posted order
    ape run orders cancel --market 0x... --order order.json --account test:5
    ape run orders cancel-all --market 0x... --account test:5

Amounts are whole shares and prices stablecoin per share, as decimal text. `fill` approves exactly what the taker
gives. Accounts are Ape aliases (unlocked from `APE_ACCOUNTS_<alias>_PASSPHRASE`) or `test:N` on local networks. The
logic lives in `cap.orders`.
"""

from __future__ import annotations

from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand
from ape.exceptions import ApeException

from cap import orders as lib
from cap.attester import load_account
from cap.offering import parse_shares, parse_usd


def _market(address: str):
    from ape import project

    return project.SecondaryMarket.at(address)


def _parse(parser, ctx, param, text):
    if text is None:
        return None
    try:
        return parser(text)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from error


def _shares(ctx, param, text):
    return _parse(parse_shares, ctx, param, text)


def _usd(ctx, param, text):
    return _parse(parse_usd, ctx, param, text)


def _side(ctx, param, text):
    return None if text is None else lib.Side[text.upper()]


market_option = click.option("--market", "market_address", required=True, help="SecondaryMarket address")
account_option = click.option("--account", "account_spec", required=True, help="account alias or test:N")
side_choice = click.Choice(["buy", "sell"], case_sensitive=False)


@click.group(short_help="Signed limit orders for shares")
def cli():
    """Sign, list, fill and cancel limit orders on the SecondaryMarket."""


@cli.command(cls=ConnectedProviderCommand)
@market_option
@click.option("--shares", "share_token", required=True, help="share token")
@click.option("--side", required=True, type=side_choice, callback=_side, help="what you do: buy or sell")
@click.option("--amount", required=True, callback=_shares, help="shares")
@click.option("--price", required=True, callback=_usd, help="stablecoin per share")
@click.option("--expires-in", default=86_400, show_default=True, type=click.IntRange(min=1), help="seconds")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="write the signed order here (JSON)")
@click.option("--post", is_flag=True, help="also announce it on-chain (OrderPosted)")
@account_option
def sign(network, market_address, share_token, side, amount, price, expires_in, out, post, account_spec):
    """Sign an order as the maker."""
    from ape import chain

    try:
        maker = load_account(account_spec, network)
        market = _market(market_address)
        expiry = chain.pending_timestamp + expires_in
        signed = lib.sign_new_order(market, maker, share_token, side, amount, price, expiry)
        if post:
            lib.post_order(market, signed, maker)
    except (ValueError, ApeException) as error:
        raise click.ClickException(str(error)) from error
    digest = lib.order_digest(signed.order, chain.chain_id, market.address)
    if out:
        signed.save(out)
        click.echo(f"order 0x{digest.hex()} written to {out}{' and posted' if post else ''}")
    else:
        click.echo(_json(signed))


@cli.command("list", cls=ConnectedProviderCommand)
@market_option
@click.option("--shares", "share_token", help="only this share token")
@click.option("--side", type=side_choice, callback=_side, help="only buys or sells")
@click.option("--from-block", default=0, show_default=True, type=click.IntRange(min=0))
def list_orders(network, market_address, share_token, side, from_block):
    """List the posted orders that can still be filled, best price first."""
    try:
        open_orders = lib.list_open_orders(_market(market_address), share_token, side, from_block)
    except (ValueError, ApeException) as error:
        raise click.ClickException(str(error)) from error
    if not open_orders:
        click.echo("no open orders")
    for open_order in open_orders:
        click.echo(open_order.describe())


@cli.command(cls=ConnectedProviderCommand)
@market_option
@click.option("--order", "order_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="JSON file")
@click.option("--hash", "order_hash", help="a posted order's hash")
@click.option("--amount", required=True, callback=_shares, help="shares to trade")
@click.option("--price-limit", callback=_usd, help="worst price per share you accept (default: the order's)")
@account_option
def fill(network, market_address, order_file, order_hash, amount, price_limit, account_spec):
    """Fill (part of) an order as the taker."""
    from ape import project

    if (order_file is None) == (order_hash is None):
        raise click.UsageError("give --order or --hash")
    try:
        taker = load_account(account_spec, network)
        market = _market(market_address)
        signed = lib.SignedOrder.load(order_file) if order_file else _posted(market, order_hash)
        stablecoin = project.MockStablecoin.at(market.STABLECOIN())  # any ERC-20: only `approve` is used
        shares = project.ComplianceRegistry.at(signed.order.share_token)
        receipt = lib.fill_order(market, signed, taker, amount, price_limit, stablecoin=stablecoin, shares=shares)
        event = receipt.events.filter(market.OrderFilled)[0]
    except (ValueError, KeyError, ApeException) as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"filled {event.shareAmount / lib.ONE_SHARE:,.6f} shares for {event.stablecoinAmount / 10**6:,.6f} "
        f"(fee {event.fee / 10**6:,.6f}) in {receipt.txn_hash}"
    )


@cli.command(cls=ConnectedProviderCommand)
@market_option
@click.option("--order", "order_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@account_option
def cancel(network, market_address, order_file, account_spec):
    """Cancel one of your orders."""
    try:
        maker = load_account(account_spec, network)
        signed = lib.SignedOrder.load(order_file)
        receipt = _market(market_address).cancel(signed.order.as_tuple(), sender=maker)
    except (ValueError, KeyError, ApeException) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"cancelled in {receipt.txn_hash}")


@cli.command("cancel-all", cls=ConnectedProviderCommand)
@market_option
@account_option
def cancel_all(network, market_address, account_spec):
    """Cancel every order you signed so far (one transaction, whatever their number)."""
    try:
        maker = load_account(account_spec, network)
        market = _market(market_address)
        market.cancelAll(sender=maker)
    except (ValueError, ApeException) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"every earlier order cancelled: your epoch is now {market.epochOf(maker)}")


def _posted(market, order_hash: str) -> lib.SignedOrder:
    wanted = bytes.fromhex(order_hash.removeprefix("0x"))
    for log, signed in lib.posted_orders(market):
        if bytes(log.orderHash) == wanted:
            return signed
    raise KeyError(f"no posted order {order_hash}")


def _json(signed: lib.SignedOrder) -> str:
    import json

    return json.dumps(signed.to_json(), indent=2)
