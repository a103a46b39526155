"""`ape console` extras: the recorded deployment by name, and helpers that work (or say why not)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cap.console import Console, banner, load
from cap.network import deploy


def _extras():
    spec = importlib.util.spec_from_file_location("console_extras", Path("ape_console_extras.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extras__load_the_recorded_deployment(network, gov, local_config, folder, monkeypatch, capsys):
    deployed = deploy(network, gov, local_config, folder=folder, log=lambda _: None).system
    monkeypatch.setenv("CAP_DEPLOYMENTS", str(folder))
    names = _extras().ape_init_extras()
    assert "CAP deployment loaded" in capsys.readouterr().out
    for name, contract in deployed.contracts().items():
        assert names[name].address == contract.address
    assert names["stablecoin"].decimals() == 6 and names["system"].nav.address == deployed.nav.address
    for helper in ("register_asset", "verify_investor", "list_offer", "asset_yield", "loan_health"):
        assert callable(names[helper])


def test_extras__without_a_deployment_the_helpers_say_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CAP_DEPLOYMENTS", str(tmp_path))
    names = _extras().ape_init_extras()
    assert "no deployment loaded" in capsys.readouterr().out
    assert "vault" not in names
    with pytest.raises(LookupError, match="no deployment loaded"):
        names["register_asset"](None, "serial")


def test_helpers__register_verify_list_and_yield(system, operator, compliance_agent, activate, accounts, capsys):
    console = Console(system)
    asset_id = console.register_asset(operator, "console-serial-1")
    activate(asset_id)
    investor = accounts[19]
    assert console.verify_investor(compliance_agent, investor).status == "sent"
    assert system.compliance.isVerified(investor)
    console.list_offer(operator, asset_id, 18.5)
    assert system.lease_market.offerOf(asset_id).pricePerHour == 18_500_000
    report = console.asset_yield(asset_id, days=1)
    assert report.status == "Active" and report.uptime_bps > 0 and report.net_revenue_total == 0
    assert "uptime" in capsys.readouterr().out


def test_helpers__yield_of_an_asset_with_revenue(system, shares, operator, params):
    asset_id = shares.assetId()
    system.stablecoin.mint(operator, 1_000 * 10**6, sender=operator)
    system.stablecoin.approve(system.router, 1_000 * 10**6, sender=operator)
    system.router.deposit(asset_id, 1_000 * 10**6, 1, sender=operator)  # inference revenue
    report = Console(system).asset_yield(asset_id)
    assert report.net_revenue_total == 1_000 * 10**6 * (10_000 - 500 - 1_500) // 10_000
    assert report.annualized_per_share and report.annualized_per_share > 0


def test_helpers__loan_health_tolerates_no_markets(system, operator, capsys):
    assert Console(system).loan_health(1, operator) is None
    assert "no collateral market" in capsys.readouterr().out


def test_helpers__loan_health_reads_a_market_position(system, operator):
    class Position(dict):
        pass

    class Market:
        def positionOf(self, borrower):
            return Position(collateral=10, debt=4, liquidatable=False)

    system.markets[7] = Market()
    try:
        assert Console(system).loan_health(7, operator) == {"collateral": 10, "debt": 4, "liquidatable": False}
    finally:
        system.markets.pop(7)


def test_load__and_banner(tmp_path):
    console = load()
    assert console.system is None or console.system.manager
    assert banner(Console(None, "none here")) == "CAP: no deployment loaded (none here)"
