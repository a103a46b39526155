"""Keeper: settles due leases and routes released rent on the connected network's deployment.

    ape run keeper --network ethereum:sepolia:node --account keeper [--loop 60]

One pass by default, or a pass every N seconds with --loop N (Ctrl-C stops it). Idempotent: it sends only what the
contracts say is due. A reverted transaction is reported and the pass goes on. Refuses a network with no deployment.
The logic lives in `cap.keeper`.
"""

import click
from ape.cli import ConnectedProviderCommand
from ape.exceptions import ApeException
from ape.logging import logger

from cap import keeper
from cap.deploy import DeployError
from cap.network import load_account, load_deployment


@click.command(cls=ConnectedProviderCommand, short_help="Settle leases and route revenue")
@click.option("--account", "account_spec", help="Ape account alias, or test:N on local networks")
@click.option("--loop", "loop_seconds", type=click.FloatRange(min=1), help="run a pass every N seconds")
@click.option("--passes", type=click.IntRange(min=1), help="with --loop: stop after this many passes")
def cli(network, account_spec, loop_seconds, passes):
    """Run the keeper once, or every --loop seconds."""
    logger.set_level("ERROR")
    try:
        deployment = load_deployment(network)
        sender = load_account(account_spec, network, allow_test=deployment.allows_test_accounts)
    except (DeployError, ApeException) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"keeper on {network.ecosystem.name}:{network.name} as {sender.address}")
    try:
        keeper.run(
            deployment.system,
            sender,
            loop_seconds,
            report=lambda summary: click.echo("\n".join(summary.lines())),
            progress=_progress(),
            passes=passes,
        )
    except KeyboardInterrupt:
        click.echo("keeper stopped")


def _progress():
    """A rich progress bar over the jobs of a pass (shown from 10 jobs on)."""
    from rich.progress import Progress

    state = {"bar": None, "task": None, "seen": 0, "total": 0}

    def advance(total: int, label: str) -> None:
        if state["total"] != total or state["seen"] >= total:
            if state["bar"] is not None:
                state["bar"].stop()
            state.update(bar=None, seen=0, total=total)
            if total >= 10:
                state["bar"] = Progress(transient=True)
                state["bar"].start()
                state["task"] = state["bar"].add_task("keeper", total=total)
        state["seen"] += 1
        if state["bar"] is not None:
            state["bar"].update(state["task"], advance=1, description=label)
            if state["seen"] >= total:
                state["bar"].stop()
                state["bar"] = None

    return advance
