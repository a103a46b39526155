"""Operator and admin commands over the deployment recorded for the connected network.

    ape run admin register --network ... --account operator --gpu-model "NVIDIA H100 SXM5 80GB" --gpu-count 8 ...
    ape run admin activate 3 --network ... --account operator
    ape run admin fractionalize 3 --supply 1000000 --network ... --account operator
    ape run admin verify 0xInvestor --days 365 --jurisdiction 840 --network ... --account compliance
    ape run admin freeze 0xInvestor [--unfreeze] [--token 3] --network ... --account compliance
    ape run admin list-offer 3 --price-per-hour 20 --network ... --account operator
    ape run admin set fees 400 1500 --network ... --account governor     # schedules when a delay applies
    ape run admin delays --network ... --account governor                # who may set what, with which delay
    ape run admin pause lease_market --network ... --account pauser      # and unpause
    ape run admin asset 3 --network ...                                  # yield and utilization

A call behind an AccessManager execution delay is scheduled; the same command run after the delay executes it. The
logic lives in `cap.ops`.
"""

from decimal import Decimal

import click
from ape.cli import ConnectedProviderCommand
from ape.exceptions import ApeException
from ape.logging import logger

from cap import ops
from cap.assets import HardwareSpec
from cap.deploy import DeployError
from cap.narrate import table
from cap.network import load_account, load_deployment

ERRORS = (ops.OpsError, DeployError, ApeException, LookupError, ValueError)


def _context(network, account_spec, needs_account: bool = True):
    logger.set_level("ERROR")
    deployment = load_deployment(network)
    sender = None
    if needs_account or account_spec:
        sender = load_account(account_spec, network, allow_test=deployment.allows_test_accounts)
    return deployment.system, sender


def command(function, needs_account: bool = True):
    """A subcommand connected to a network, with --account, whose errors end in a message and exit status 1."""

    def run(network, account_spec, **options):
        try:
            system, sender = _context(network, account_spec, needs_account)
            result = function(system, sender, **options)
        except ERRORS as error:
            raise click.ClickException(str(error)) from error
        if result is not None:
            click.echo(str(result))

    run.__name__ = function.__name__
    run.__doc__ = function.__doc__
    run.__click_params__ = list(getattr(function, "__click_params__", []))
    run = click.option("--account", "account_spec", help="Ape account alias, or test:N on local networks")(run)
    name = function.__name__.strip("_").replace("_", "-")
    return cli.command(name, cls=ConnectedProviderCommand, short_help=(function.__doc__ or "").split("\n")[0])(run)


@click.group(short_help="Operator and admin commands")
def cli():
    """Operator and admin commands over the recorded deployment."""


@command
@click.option("--gpu-model", required=True)
@click.option("--gpu-count", required=True, type=click.IntRange(min=1))
@click.option("--gpu-memory-gb", required=True, type=click.IntRange(min=1))
@click.option("--dense-tflops", required=True, type=click.IntRange(min=1))
@click.option("--power-watts", required=True, type=click.IntRange(min=1))
@click.option("--region", required=True)
@click.option("--serial", required=True, help="the machine's serial (hashed on chain)")
@click.option("--legal-doc", required=True, help="the legal document's id or text (hashed on chain)")
def register(system, sender, gpu_model, gpu_count, gpu_memory_gb, dense_tflops, power_watts, region, serial, legal_doc):
    """Register a machine (OPERATOR)."""
    spec = HardwareSpec(gpu_model, gpu_count, gpu_memory_gb, dense_tflops, power_watts, region)
    return f"registered asset {ops.register_asset(system, sender, spec, serial, legal_doc)}"


@command
@click.argument("asset_id", type=click.IntRange(min=1))
def activate(system, sender, asset_id):
    """Activate an asset after its attested burn-in (its operator)."""
    return f"activated asset {asset_id} ({ops.activate(system, sender, asset_id).txn_hash})"


@command
@click.argument("asset_id", type=click.IntRange(min=1))
@click.option("--supply", required=True, type=click.IntRange(min=1), help="whole shares")
@click.option("--recipient", help="who receives the supply (default: the operator)")
def fractionalize(system, sender, asset_id, supply, recipient):
    """Split an active asset into shares (its operator)."""
    token = ops.fractionalize(system, sender, asset_id, supply * ops.SHARE, recipient)
    return f"asset {asset_id}: shares {token.symbol()} at {token.address}"


@command
@click.argument("investor")
@click.option("--days", default=365, show_default=True, type=click.IntRange(min=1, max=3650))
@click.option("--jurisdiction", default=840, show_default=True, type=click.IntRange(min=1, max=999))
def verify(system, sender, investor, days, jurisdiction):
    """Verify an investor for N days (COMPLIANCE)."""
    return ops.verify_investor(system, sender, investor, days, jurisdiction)


@command
@click.argument("investor")
@click.option("--unfreeze", is_flag=True)
@click.option("--token", "asset_ids", multiple=True, type=int, help="also freeze sending on this asset's shares")
def freeze(system, sender, investor, unfreeze, asset_ids):
    """Freeze (or unfreeze) an investor (COMPLIANCE)."""
    tokens = [system.shares(asset_id) for asset_id in asset_ids]
    return ops.freeze(system, sender, investor, not unfreeze, tokens)


@command
@click.argument("asset_id", type=click.IntRange(min=1))
@click.option("--price-per-hour", required=True, type=Decimal, help="stablecoin per hour, e.g. 20.50")
@click.option("--min-hours", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--max-hours", default=720, show_default=True, type=click.IntRange(min=1))
@click.option("--sla-bps", default=9_900, show_default=True, type=click.IntRange(min=1, max=10_000))
@click.option("--termination-fee-bps", default=1_000, show_default=True, type=click.IntRange(min=0, max=10_000))
@click.option("--days", default=90, show_default=True, type=click.IntRange(min=1))
def list_offer(system, sender, asset_id, price_per_hour, min_hours, max_hours, sla_bps, termination_fee_bps, days):
    """List a machine for rent (its operator)."""
    price = int(price_per_hour * ops.USD)
    receipt = ops.list_offer(system, sender, asset_id, price, min_hours, max_hours, sla_bps, termination_fee_bps, days)
    return f"offer listed for asset {asset_id} ({receipt.txn_hash})"


@command
@click.argument("name", type=click.Choice(sorted(ops.PARAMETERS)))
@click.argument("values", nargs=-1, required=True)
def set_(system, sender, name, values):
    """Set a risk parameter or fee (GOVERNOR; scheduled when a delay applies)."""
    parsed = [value if value.startswith("0x") else int(value) for value in values]
    return ops.set_parameter(system, sender, name, *parsed)


@command
def delays(system, sender):
    """Show who may set each parameter, and the AccessManager delay for this account."""
    rows = []
    for name, (attribute, setter, _count) in ops.PARAMETERS.items():
        target = getattr(system, attribute)
        immediate, delay = ops.delay_of(system, sender, target, setter)
        role = ops.role_of(system, target, setter)
        allowed = "now" if immediate else (f"after {delay} s" if delay else "no")
        rows.append((name, f"{target.contract_type.name}.{setter}", getattr(role, "name", role), allowed))
    table(f"Parameters, for {sender.address}", ["parameter", "function", "role", "this account"], rows)


@command
@click.argument("name", type=click.Choice(ops.PAUSABLE))
def pause(system, sender, name):
    """Pause a contract (PAUSER)."""
    return ops.set_paused(system, sender, name, True)


@command
@click.argument("name", type=click.Choice(ops.PAUSABLE))
def unpause(system, sender, name):
    """Unpause a contract (PAUSER)."""
    return ops.set_paused(system, sender, name, False)


@lambda function: command(function, needs_account=False)
@click.argument("asset_id", type=click.IntRange(min=1))
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1, max=365))
def asset(system, sender, asset_id, days):
    """Show an asset's uptime, utilization and yield (no account needed)."""
    report = ops.asset_report(system, asset_id, days)
    table(f"Asset {asset_id}", ["", "value"], report.rows())
