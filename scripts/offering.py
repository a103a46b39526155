"""Primary share offerings: open, subscribe, settle (the keeper's round), claim, refund, cancel and more.

    ape run offering open --offering 0x... --shares 0x... --price 2.5 --soft-cap 100000 --hard-cap 300000 \\
        --min 1000 --max 150000 --opens-in 3600 --duration 604800 --jurisdiction 840,276 --account test:2
    ape run offering subscribe --offering 0x... --id 1 --amount 5000 --account test:5
    ape run offering settle --offering 0x... --all --account test:9      # the keeper: every closed offering
    ape run offering claim --offering 0x... --id 1 --account test:5
    ape run offering show --offering 0x...

Share amounts and prices are decimal text (whole shares, stablecoin per share). Accounts are Ape aliases (unlocked
from `APE_ACCOUNTS_<alias>_PASSPHRASE`, never a prompt) or `test:N` on local networks. Safe to re-run: a step that
is already done fails with the contract's own error and changes nothing. The logic lives in `cap.offering`.
"""

from __future__ import annotations

import click
from ape.cli import ConnectedProviderCommand
from ape.exceptions import ApeException

from cap import offering as lib
from cap.attester import load_account


def _offering(address: str):
    from ape import project

    return project.ShareOffering.at(address)


def _fail(error: Exception) -> click.ClickException:
    return click.ClickException(str(error))


def _parse(parser, text: str, ctx: click.Context, param: click.Parameter) -> int:
    try:
        return parser(text)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from error


def _shares(ctx, param, text):
    return None if text is None else _parse(lib.parse_shares, text, ctx, param)


def _usd(ctx, param, text):
    return None if text is None else _parse(lib.parse_usd, text, ctx, param)


offering_option = click.option("--offering", "offering_address", required=True, help="ShareOffering address")
account_option = click.option("--account", "account_spec", required=True, help="account alias or test:N")
id_option = click.option("--id", "offering_id", required=True, type=click.IntRange(min=1), help="offering id")


@click.group(short_help="Primary share offerings")
def cli():
    """Open, subscribe to, settle and close out primary share offerings."""


@cli.command("open", cls=ConnectedProviderCommand)
@offering_option
@click.option("--shares", "share_token", required=True, help="the asset's share token")
@click.option("--price", required=True, callback=_usd, help="stablecoin per share")
@click.option("--soft-cap", required=True, callback=_shares, help="shares that must sell")
@click.option("--hard-cap", required=True, callback=_shares, help="shares on offer")
@click.option("--min", "min_shares", default="0", callback=_shares, help="smallest position")
@click.option("--max", "max_shares", required=True, callback=_shares, help="largest position")
@click.option("--opens-in", default=300, show_default=True, type=click.IntRange(min=0), help="seconds from now")
@click.option("--duration", default=7 * 86_400, show_default=True, type=click.IntRange(min=1), help="seconds")
@click.option("--jurisdiction", "jurisdictions", multiple=True, required=True, help="ISO 3166-1 numeric (repeat)")
@account_option
def open_offering(
    network,
    offering_address,
    share_token,
    price,
    soft_cap,
    hard_cap,
    min_shares,
    max_shares,
    opens_in,
    duration,
    jurisdictions,
    account_spec,
):
    """Offer the operator's shares (the hard cap is escrowed now)."""
    from ape import chain, project

    try:
        account = load_account(account_spec, network)
        opens_at = chain.pending_timestamp + opens_in
        params = lib.OfferingParams(
            share_token=share_token,
            price_per_share=price,
            soft_cap=soft_cap,
            hard_cap=hard_cap,
            min_shares=min_shares,
            max_shares=max_shares,
            opens_at=opens_at,
            closes_at=opens_at + duration,
            jurisdictions=lib.jurisdictions_from_text(jurisdictions),
        )
        contract = _offering(offering_address)
        offering_id = lib.create_offering(contract, project.ComplianceRegistry.at(share_token), account, params)
    except (ValueError, ApeException) as error:
        raise _fail(error) from error
    click.echo(f"offering {offering_id} opens at {params.opens_at}, closes at {params.closes_at}")


@cli.command(cls=ConnectedProviderCommand)
@offering_option
@id_option
@click.option("--amount", required=True, callback=_shares, help="shares to buy")
@account_option
def subscribe(network, offering_address, offering_id, amount, account_spec):
    """Buy shares in an open offering (approves exactly their cost)."""
    from ape import project

    try:
        account = load_account(account_spec, network)
        contract = _offering(offering_address)
        stablecoin = project.MockStablecoin.at(contract.STABLECOIN())
        receipt = lib.subscribe(contract, stablecoin, account, offering_id, amount)
        paid = receipt.events.filter(contract.Subscribed)[0].paid
    except (ValueError, ApeException) as error:
        raise _fail(error) from error
    click.echo(f"subscribed {amount / lib.ONE_SHARE:,.6f} shares of offering {offering_id} for {paid / lib.USD:,.6f}")


@cli.command(cls=ConnectedProviderCommand)
@offering_option
@click.option("--id", "offering_id", type=click.IntRange(min=1), help="one offering")
@click.option("--all", "settle_all", is_flag=True, help="every offering that closed (the keeper's round)")
@account_option
def settle(network, offering_address, offering_id, settle_all, account_spec):
    """Settle one closed offering, or all of them."""
    if (offering_id is None) == (not settle_all):
        raise click.UsageError("give --id or --all")
    try:
        account = load_account(account_spec, network)
        contract = _offering(offering_address)
        if settle_all:
            results = lib.settle_closed(contract, account)
        else:
            receipt = contract.settle(offering_id, sender=account)
            results = [(offering_id, bool(receipt.events.filter(contract.OfferingSettled)[0].succeeded))]
    except (ValueError, ApeException) as error:
        raise _fail(error) from error
    if not results:
        click.echo("nothing to settle")
    for settled_id, succeeded in results:
        click.echo(f"offering {settled_id}: {'succeeded' if succeeded else 'failed (refunds open)'}")


def _simple(name: str, help_text: str, call):
    @cli.command(name, cls=ConnectedProviderCommand, help=help_text)
    @offering_option
    @id_option
    @account_option
    def command(network, offering_address, offering_id, account_spec):
        try:
            account = load_account(account_spec, network)
            receipt = call(_offering(offering_address), offering_id, account)
        except (ValueError, ApeException) as error:
            raise _fail(error) from error
        click.echo(f"{name}: offering {offering_id} in {receipt.txn_hash}")

    return command


_simple("claim", "Claim your shares of a succeeded offering.", lambda c, i, a: c.claimShares(i, sender=a))
_simple("refund", "Take back your payment from a failed or cancelled offering.", lambda c, i, a: c.refund(i, sender=a))
_simple(
    "cancel", "Cancel an offering (its operator before it opens; governance).", lambda c, i, a: c.cancel(i, sender=a)
)
_simple("return-shares", "Send the unsold shares back to the operator.", lambda c, i, a: c.returnShares(i, sender=a))


@cli.command(cls=ConnectedProviderCommand)
@offering_option
@account_option
def withdraw(network, offering_address, account_spec):
    """Withdraw what the offering contract owes you (proceeds, fees, forwarded revenue)."""
    try:
        account = load_account(account_spec, network)
        contract = _offering(offering_address)
        owed = contract.owedOf(account)
        contract.withdraw(sender=account)
    except (ValueError, ApeException) as error:
        raise _fail(error) from error
    click.echo(f"withdrew {owed / lib.USD:,.6f}")


@cli.command(cls=ConnectedProviderCommand)
@offering_option
def show(network, offering_address):
    """List every offering and where it stands."""
    from ape import chain

    try:
        views = lib.read_offerings(_offering(offering_address))
    except (ValueError, ApeException) as error:
        raise _fail(error) from error
    if not views:
        click.echo("no offerings")
    for view in views:
        click.echo(view.describe(chain.pending_timestamp))
