"""`ape run offering ...`: the command's steps on the session's chain (open, subscribe, settle all closed, claim,
withdraw, show), and its refusals before any transaction."""

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from cap.offering import ONE_SHARE, USD

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def offering_cli():
    spec = importlib.util.spec_from_file_location("offering_script", ROOT / "scripts" / "offering.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.cli


def call(cli, name, **options):
    """Runs a command's body on the session's chain (the click layer would open its own network context)."""
    return cli.commands[name].callback(network=None, **options)


def test_offering_cli__open_subscribe_settle_claim_withdraw(
    offering_cli, offering, shares, stablecoin, operator, investors, chain, capsys
):
    common = {"offering_address": offering.address}
    call(
        offering_cli, "open", **common, share_token=shares.address, price=2 * USD, soft_cap=1_000 * ONE_SHARE,
        hard_cap=5_000 * ONE_SHARE, min_shares=0, max_shares=5_000 * ONE_SHARE, opens_in=600, duration=86_400,
        jurisdictions=("840,276",), account_spec="test:2",
    )  # fmt: skip
    offering_id = offering.offeringCount()
    assert f"offering {offering_id} opens" in capsys.readouterr().out
    assert offering.offeringOf(offering_id).operator == operator

    stablecoin.mint(investors[0], 10_000 * USD, sender=investors[0])
    chain.pending_timestamp = offering.offeringOf(offering_id).opensAt
    call(offering_cli, "subscribe", **common, offering_id=offering_id, amount=1_500 * ONE_SHARE, account_spec="test:5")
    assert "for 3,000.000000" in capsys.readouterr().out

    chain.pending_timestamp += 86_400
    call(offering_cli, "settle", **common, offering_id=None, settle_all=True, account_spec="test:9")
    assert f"offering {offering_id}: succeeded" in capsys.readouterr().out
    call(offering_cli, "claim", **common, offering_id=offering_id, account_spec="test:5")
    assert shares.balanceOf(investors[0]) >= 1_500 * ONE_SHARE
    call(offering_cli, "return-shares", **common, offering_id=offering_id, account_spec="test:9")
    call(offering_cli, "withdraw", **common, account_spec="test:2")
    assert "withdrew 2,940.000000" in capsys.readouterr().out.splitlines()[-1]  # less the 2% fee
    call(offering_cli, "show", **common)
    assert "[succeeded]" in capsys.readouterr().out


def test_offering_cli__bad_input__exits_before_any_transaction(offering_cli, offering):
    result = CliRunner().invoke(
        offering_cli,
        ["open", "--offering", offering.address, "--shares", offering.address, "--price", "two", "--soft-cap", "1",
         "--hard-cap", "2", "--max", "1", "--jurisdiction", "840", "--account", "test:2"],
    )  # fmt: skip
    assert result.exit_code != 0 and "not a number" in result.output
    result = CliRunner().invoke(offering_cli, ["settle", "--offering", offering.address, "--account", "test:9"])
    assert result.exit_code != 0 and "--id or --all" in result.output
