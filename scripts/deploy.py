"""Deploy and wire the protocol on any network Ape reaches, from the network's reviewed config file.

    ape run deploy --network ethereum:local:foundry
    ape run deploy --network ethereum:sepolia:node --account deployer [--config deployments/config/x.yaml]

Parameters come from `deployments/config/<ecosystem>-<network>.yaml` (checked before any transaction); addresses,
transactions, blocks and code hashes go to `deployments/<ecosystem>-<network>.json` after every transaction. Safe to
re-run: what exists is verified (code hash, links, wiring) and only what is missing is sent, so an interrupted
deploy resumes. Exit status: 0 done and verified, 1 refused or failed (the message says why), 3 stopped by
--stop-after. The logic lives in `cap.network` and `cap.deploy`.
"""

import sys
from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand
from ape.exceptions import ApeException
from ape.logging import logger

from cap.deploy import DeployError, DeployInterrupted
from cap.network import deploy, load_account, read_config


@click.command(cls=ConnectedProviderCommand, short_help="Deploy and wire the protocol")
@click.option("--account", "account_spec", help="Ape account alias, or test:N on local networks")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="parameters (default: deployments/config/<ecosystem>-<network>.yaml)",
)
@click.option("--stop-after", type=click.IntRange(min=1), help="stop after N transactions (tests the resume)")
def cli(network, account_spec, config_file, stop_after):
    """Deploy, resume or verify the protocol on the connected network."""
    logger.set_level("WARNING")
    try:
        config, path = read_config(network, config_file)
        account = load_account(account_spec, network, allow_test=config.allow_test_accounts)
        result = deploy(network, account, config, str(path), stop_after=stop_after, log=click.echo)
    except DeployInterrupted as stopped:
        click.echo(f"deploy: {stopped}", err=True)
        sys.exit(3)
    except (DeployError, ApeException) as error:
        raise click.ClickException(str(error)) from error
    problems = [finding for finding in result.findings if finding.level != "ok"]
    for finding in problems:
        click.echo(str(finding), err=True)
    checked = len(result.findings)
    click.echo(f"verified {checked - len(problems)}/{checked} checks against the chain")
    if any(finding.level == "error" for finding in problems):
        raise click.ClickException("the deployment does not match its plan (see above)")
