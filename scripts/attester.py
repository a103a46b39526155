"""Attester: reads GPU telemetry, aggregates it per epoch, signs with a quorum and submits to the UsageOracle.

    ape run attester --network ethereum:local:foundry --telemetry dcgm.prom --asset-id 1 --expected-gpus 8 \\
        --oracle 0x... --signer test:1 --signer test:2 --signer test:3 --sender test:0 [--watch 300] [--dry-run]

Safe to re-run: only complete epochs after the asset's latest accepted one are submitted. The logic lives in
`cap.attester` and `cap.telemetry`.
"""

from pathlib import Path

import click
from ape.cli import ConnectedProviderCommand
from ape.exceptions import ApeException

from cap import attester
from cap.telemetry import GpuSample, TelemetryError, load_telemetry


def _telemetry(ctx: click.Context, param: click.Parameter, path: Path) -> tuple[Path, list[GpuSample]]:
    """Reads the file while parsing options, so bad telemetry stops the command before it connects."""
    try:
        return path, load_telemetry(path)
    except TelemetryError as error:
        raise click.BadParameter(str(error), ctx, param) from error


def _epoch_choice(ctx: click.Context, param: click.Parameter, text: str) -> attester.EpochChoice:
    try:
        return attester.parse_epoch_choice(text)
    except attester.AttesterError as error:
        raise click.BadParameter(str(error), ctx, param) from error


@click.command(cls=ConnectedProviderCommand, short_help="Attest GPU usage to the UsageOracle")
@click.option(
    "--telemetry",
    required=True,
    callback=_telemetry,
    help="DCGM-exporter scrapes or nvidia-smi CSV",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--asset-id", required=True, type=click.IntRange(min=0), help="ComputeAssetRegistry token id")
@click.option("--expected-gpus", required=True, type=click.IntRange(min=1), help="GPUs the machine should have")
@click.option("--sample-interval", default=60, show_default=True, type=click.IntRange(min=1), help="seconds")
@click.option(
    "--epoch",
    "choice",
    default=attester.EPOCH_ALL,
    show_default=True,
    callback=_epoch_choice,
    help="an epoch number, 'all' complete epochs not yet accepted, or the 'last' complete one",
)
@click.option("--mode", default="ai", show_default=True, type=click.Choice(sorted(attester.MODES)))
@click.option("--oracle", "oracle_address", help="UsageOracle address")
@click.option("--signer", "signer_specs", multiple=True, help="attester account alias or test:N (repeat)")
@click.option("--sender", "sender_spec", help="account that sends the transaction: alias or test:N")
@click.option("--watch", "watch_seconds", type=click.FloatRange(min=1), help="re-read and submit every N seconds")
@click.option("--dry-run", is_flag=True, help="print the reports, submit nothing")
@click.option("--genesis", default=0, show_default=True, help="epoch 0 start without --oracle (unix seconds)")
@click.option(
    "--epoch-seconds", default=3600, show_default=True, type=click.IntRange(min=1), help="epoch length without --oracle"
)
def cli(
    network,
    telemetry: tuple[Path, list[GpuSample]],
    asset_id: int,
    expected_gpus: int,
    sample_interval: int,
    choice: attester.EpochChoice,
    mode: str,
    oracle_address: str | None,
    signer_specs: tuple[str, ...],
    sender_spec: str | None,
    watch_seconds: float | None,
    dry_run: bool,
    genesis: int,
    epoch_seconds: int,
):
    """Attest GPU usage of one machine to the UsageOracle."""
    path, samples = telemetry
    config = attester.AttesterConfig(asset_id, expected_gpus, sample_interval, attester.MODES[mode])
    try:
        options = {
            **_chain_options(network, oracle_address, signer_specs, sender_spec),
            "choice": choice,
            "dry_run": dry_run,
            "clock": attester.EpochClock(genesis, epoch_seconds),
        }
        _print(attester.attest(samples, config, **options), dry_run)
    except (ValueError, ApeException) as error:  # TelemetryError and AttesterError are ValueErrors
        raise click.ClickException(str(error)) from error
    if watch_seconds:
        click.echo(f"watching {path} every {watch_seconds:g} s (Ctrl-C to stop)")
        attester.watch(lambda: _print(attester.attest_file(path, config, **options), dry_run), watch_seconds, _warn)


def _chain_options(network, oracle_address: str | None, signer_specs: tuple[str, ...], sender_spec: str | None) -> dict:
    """The oracle (through its interface) and the accounts, loaded without prompts."""
    from ape import project

    return {
        "oracle": project.IUsageOracle.at(oracle_address) if oracle_address else None,
        "signers": [attester.load_account(spec, network) for spec in signer_specs],
        "sender": attester.load_account(sender_spec, network) if sender_spec else None,
    }


def _print(result: attester.Attestation, dry_run: bool) -> None:
    if not result.reports:
        click.echo("nothing to submit: no complete epoch after the latest accepted one")
        return
    click.echo(attester.format_reports(result.reports, result.clock))
    if dry_run:
        click.echo(f"dry run: {len(result.reports)} report(s) not submitted")
    for receipt in result.receipts:
        click.echo(f"submitted in {receipt.txn_hash} (block {receipt.block_number})")


def _warn(error: Exception) -> None:
    click.echo(f"attester: {error}", err=True)
