"""The operations behind `ape run admin ...`: restricted calls with and without AccessManager delays, assets,
investors, offers, parameters and pausing; and the command line's shape."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from cap import ops
from cap.assets import HardwareSpec, Status
from cap.deploy import grant
from cap.roles import Role

SPEC = HardwareSpec("NVIDIA B200", 8, 192, 18_000, 14_300, "us-va-2")


@pytest.fixture
def delayed_governor(system, gov, accounts):
    """A GOVERNOR whose every call waits an hour."""
    governor = accounts[17]
    grant(system, gov, Role.GOVERNOR, governor, delay=3600)
    return governor


def test_governed__sends_at_once_when_the_role_has_no_delay(system, gov):
    outcome = ops.set_parameter(system, gov, "fees", 450, 1_400)
    assert outcome.status == "sent" and outcome.receipt.status == 1
    assert (system.router.protocolFeeBps(), system.router.operatorFeeBps()) == (450, 1_400)


def test_governed__schedules_then_executes_after_the_delay(chain, system, delayed_governor):
    before = system.router.protocolFeeBps()
    scheduled = ops.set_parameter(system, delayed_governor, "fees", 321, 1_000)
    assert scheduled.status == "scheduled" and scheduled.delay == 3600
    assert "AccessManager delay 3600 s" in str(scheduled) and "run the same command again" in str(scheduled)
    waiting = ops.set_parameter(system, delayed_governor, "fees", 321, 1_000)
    assert waiting.status == "waiting" and waiting.ready_at == scheduled.ready_at
    assert system.router.protocolFeeBps() == before
    chain.mine(timestamp=scheduled.ready_at)
    executed = ops.set_parameter(system, delayed_governor, "fees", 321, 1_000)
    assert executed.status == "executed"
    assert system.router.protocolFeeBps() == 321


def test_governed__names_the_missing_role(system, stranger):
    with pytest.raises(ops.OpsError, match="may not call RevenueRouter.setFees: it needs the GOVERNOR role"):
        ops.set_parameter(system, stranger, "fees", 1, 1)
    assert ops.delay_of(system, stranger, system.router, "setFees") == (False, 0)
    assert ops.role_of(system, system.router, "setFees") is Role.GOVERNOR


def test_set_parameter__unknown_name_or_wrong_arity(system, gov):
    with pytest.raises(ops.OpsError, match="unknown parameter 'colour'"):
        ops.set_parameter(system, gov, "colour", 1)
    with pytest.raises(ops.OpsError, match="fees takes 2 value"):
        ops.set_parameter(system, gov, "fees", 1)


@pytest.mark.parametrize(
    "name, value, view",
    [
        ("reserve-factor", 2_000, "reserveFactorBps"),
        ("nav-heartbeat", 7_200, "heartbeat"),
        ("nav-multiple", 30_000, "multipleBps"),
    ],
)
def test_set_parameter__lending_and_nav(system, gov, name, value, view):
    attribute = ops.PARAMETERS[name][0]
    assert ops.set_parameter(system, gov, name, value).status == "sent"
    assert getattr(getattr(system, attribute), view)() == value


def test_pause__and_unpause_report_unchanged(system, pauser):
    assert ops.set_paused(system, pauser, "lease_market", True).status == "sent"
    assert system.lease_market.paused()
    assert ops.set_paused(system, pauser, "lease_market", True).status == "unchanged"
    assert ops.set_paused(system, pauser, "lease_market", False).status == "sent"
    with pytest.raises(ops.OpsError, match="'router' cannot be paused"):
        ops.set_paused(system, pauser, "router", True)


def test_assets__register_activate_fractionalize(system, operator, activate, investors, compliance_agent):
    asset_id = ops.register_asset(system, operator, SPEC, "ops-serial-1", "lease-v2.pdf")
    assert system.assets.statusOf(asset_id) == Status.REGISTERED
    assert system.assets.assetIdBySerial(keccak(text="ops-serial-1")) == asset_id
    with pytest.raises(ops.OpsError, match="already asset"):
        ops.register_asset(system, operator, SPEC, "ops-serial-1", "x")
    activate(asset_id)
    assert system.assets.statusOf(asset_id) == Status.ACTIVE
    ops.verify_investor(system, compliance_agent, operator.address)
    token = ops.fractionalize(system, operator, asset_id, 1_000 * ops.SHARE)
    assert token.balanceOf(operator) == 1_000 * ops.SHARE and token.assetId() == asset_id
    receipt = ops.list_offer(system, operator, asset_id, 25 * ops.USD, max_hours=48, sla_uptime_bps=9_800)
    assert receipt.status == 1
    offer = system.lease_market.offerOf(asset_id)
    assert (offer.pricePerHour, offer.maxHours, offer.slaUptimeBps) == (25 * ops.USD, 48, 9_800)


def test_investors__verify_and_freeze(system, compliance_agent, accounts, stranger):
    investor = accounts[18]
    assert ops.verify_investor(system, compliance_agent, investor.address, days=30, jurisdiction=276).status == "sent"
    record = system.compliance.investorOf(investor)
    assert record.jurisdiction == 276
    ops.freeze(system, compliance_agent, investor.address)
    assert system.compliance.investorOf(investor).frozen
    ops.freeze(system, compliance_agent, investor.address, frozen=False)
    assert not system.compliance.investorOf(investor).frozen
    with pytest.raises(ops.OpsError, match="needs the COMPLIANCE role"):
        ops.verify_investor(system, stranger, investor.address)


def test_cli__commands_and_help():
    import importlib.util
    from pathlib import Path

    from click.testing import CliRunner

    spec = importlib.util.spec_from_file_location("admin_script", Path("scripts/admin.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cli = module.cli

    expected = {"register", "activate", "fractionalize", "verify", "freeze", "list-offer", "set", "delays"}
    assert expected | {"pause", "unpause", "asset"} == set(cli.commands)
    result = CliRunner().invoke(cli, ["set", "--help"])
    assert result.exit_code == 0 and "--account" in result.output and "--network" in result.output
