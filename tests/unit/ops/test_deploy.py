"""`ape run deploy`'s logic: a fresh deploy, a resume after an interruption at any point, an adopted deployment
that was sent but not recorded, and the refusals (bad config, another chain's manifest, accounts)."""

from __future__ import annotations

import json

import pytest

from cap import config as cfg
from cap.deploy import COMPONENTS, DeployError, DeployInterrupted, verify
from cap.manifest import Manifest
from cap.network import deploy, load_account, load_deployment, open_manifest, require_funds


def _errors(findings):
    return [str(finding) for finding in findings if finding.level != "ok"]


def test_deploy__fresh_records_everything_and_verifies(network, gov, local_config, folder):
    result = deploy(network, gov, local_config, "local.yaml", folder=folder, log=lambda _: None)
    data = json.loads((folder / "ethereum-local.json").read_text())
    assert data["chain_id"] == 31337 and data["deployer"] == gov.address and data["config_file"] == "local.yaml"
    assert sorted(data["contracts"]) == sorted(c.name for c in COMPONENTS)
    for entry in data["contracts"].values():
        assert entry["tx"].startswith("0x") and entry["block"] > 0 and entry["code_hash"].startswith("0x")
    assert data["params"]["protocol_fee_bps"] == 500 and not data["pending"]
    assert result.sent > 40
    assert _errors(result.findings) == []
    again = deploy(network, gov, local_config, folder=folder, log=lambda _: None)
    assert again.sent == 0 and again.system.vault.address == result.system.vault.address


@pytest.mark.parametrize("stop_after", [1, 9, 31])
def test_deploy__resumes_after_an_interruption(network, gov, local_config, folder, stop_after):
    log: list[str] = []
    with pytest.raises(DeployInterrupted):
        deploy(network, gov, local_config, folder=folder, stop_after=stop_after, log=log.append)
    recorded = Manifest.read(folder / "ethereum-local.json").contracts()
    result = deploy(network, gov, local_config, folder=folder, log=log.append)
    assert result.sent + stop_after == 51  # every transaction once: nothing deployed or wired twice
    for name, entry in recorded.items():
        assert result.manifest.address(name) == entry["address"]
    assert any(line.endswith("verified") for line in log)
    assert _errors(result.findings) == []


def test_deploy__adopts_a_contract_sent_but_not_recorded(network, gov, local_config, folder, chain):
    with pytest.raises(DeployInterrupted):
        deploy(network, gov, local_config, folder=folder, stop_after=3, log=lambda _: None)
    path = folder / "ethereum-local.json"
    data = json.loads(path.read_text())
    lost = data["contracts"].pop("oracle")  # as if the process died while waiting for the receipt
    nonce = chain.provider.web3.eth.get_transaction(lost["tx"])["nonce"]
    data["pending"]["oracle"] = {"sender": gov.address, "nonce": nonce}
    path.write_text(json.dumps(data))
    log: list[str] = []
    result = deploy(network, gov, local_config, folder=folder, log=log.append)
    assert result.manifest.address("oracle") == lost["address"]
    assert any("adopted" in line for line in log)
    assert _errors(result.findings) == []


def test_deploy__refuses_a_manifest_of_another_chain(network, gov, local_config, folder):
    path = folder / "ethereum-local.json"
    folder.mkdir(parents=True)
    manifest = Manifest.new(path, "ethereum:local", 5, "0x" + "00" * 32, gov.address)
    manifest.save()
    with pytest.raises(DeployError, match="chain id 5, but the network's chain id is 31337"):
        deploy(network, gov, local_config, folder=folder, log=lambda _: None)
    assert json.loads(path.read_text())["contracts"] == {}


def test_deploy__refuses_another_deployer_and_a_changed_config(network, gov, stranger, local_config, folder):
    with pytest.raises(DeployInterrupted):
        deploy(network, gov, local_config, folder=folder, stop_after=1, log=lambda _: None)
    with pytest.raises(DeployError, match="resume with that account"):
        open_manifest(network, stranger.address, folder)
    changed = local_config.model_copy(update={"fees": cfg.FeesConfig(protocol_fee_bps=100)})
    with pytest.raises(DeployError, match="protocol_fee_bps: deployed with 500, config says 100"):
        deploy(network, gov, changed, folder=folder, log=lambda _: None)


def test_deploy__refuses_code_that_is_not_the_manifest(network, gov, local_config, folder):
    with pytest.raises(DeployInterrupted):
        deploy(network, gov, local_config, folder=folder, stop_after=4, log=lambda _: None)
    path = folder / "ethereum-local.json"
    data = json.loads(path.read_text())
    data["contracts"]["oracle"]["code_hash"] = "0x" + "ab" * 32
    path.write_text(json.dumps(data))
    with pytest.raises(DeployError, match="oracle at .* runtime code hash differs"):
        deploy(network, gov, local_config, folder=folder, log=lambda _: None)


def test_accounts__unfunded_missing_and_implicit(network, accounts):
    from ape import accounts as ape_accounts

    empty = ape_accounts.test_accounts.generate_test_account()
    with pytest.raises(DeployError, match="fund it first"):
        require_funds(empty)
    with pytest.raises(DeployError, match="no Ape account with alias 'no-such-deployer'"):
        load_account("no-such-deployer", network)
    assert load_account(None, network).address == accounts[0].address  # local: test:0

    class Live:
        is_dev = False
        name = "sepolia"
        ecosystem = network.ecosystem

    with pytest.raises(DeployError, match="not a local network: give --account"):
        load_account(None, Live())
    with pytest.raises(DeployError, match="test accounts are for local and fork networks"):
        load_account("test:1", Live())
    assert load_account("test:1", Live(), allow_test=True).address == accounts[1].address


def test_load_deployment__needs_a_manifest(network, folder):
    with pytest.raises(DeployError, match="no deployment for ethereum:local"):
        load_deployment(network, folder)


def test_load_deployment__reads_the_manifest(network, gov, local_config, folder):
    deployed = deploy(network, gov, local_config, folder=folder, log=lambda _: None)
    loaded = load_deployment(network, folder)
    assert loaded.system.contracts().keys() == deployed.system.contracts().keys()
    assert loaded.vault.address == deployed.system.vault.address  # contracts by name
    assert loaded.system.params == deployed.system.params
    assert _errors(verify(loaded.system, loaded.manifest)) == []


# ---------------------------------------------------------------- config


@pytest.mark.parametrize(
    "text, message",
    [
        ("colour: blue\n", "colour: unknown key"),
        ("fees:\n  protocol_fee_bps: 2001\n", "fees.protocol_fee_bps: Input should be less than or equal to 2000"),
        ("fees:\n  operator_fee_bps: -1\n", "fees.operator_fee_bps"),
        ("oracle:\n  epoch_seconds: 7\n", "oracle.epoch_seconds: must divide an hour"),
        ("oracle:\n  quorum: 3\n  attesters: [deployer]\n", "quorum 3 is more than the 1 attesters"),
        ("lending:\n  kink: 0.999\n", "lending.kink"),
        ("lending:\n  slope2_per_year: 12\n", "above the maximum 10"),
        ("nav:\n  revenue_window: 700000\n", "nav.revenue_window"),
        ("nav:\n  appraisers: [0x1234]\n", "nav.appraisers"),
        ("access:\n  roles:\n    emperor: [deployer]\n", "unknown role 'emperor'"),
        ("access:\n  roles:\n    governor: [{account: deployer, delay: 99999999}]\n", "delay"),
        ("assets:\n  burn_in_epochs: 0\n", "assets.burn_in_epochs"),
        ("- a list\n", "expected a mapping"),
        ("fees: [\n", "cannot read"),
    ],
)
def test_config__refuses_bad_files_naming_the_key(write_config, text, message):
    with pytest.raises(DeployError, match=message.replace("(", r"\(").replace("[", r"\[")):
        cfg.load_config(write_config(text))


def test_config__missing_file(tmp_path):
    with pytest.raises(DeployError, match="no deployment config"):
        cfg.load_config(tmp_path / "nope.yaml")


def test_config__shipped_files_are_valid():
    from pathlib import Path

    for path in sorted(Path("deployments/config").glob("*.yaml")):
        cfg.load_config(path).to_params("0x" + "11" * 20)


def test_config__bounds_are_the_contracts(system):
    assert system.router.MAX_PROTOCOL_FEE_BPS() == cfg.MAX_PROTOCOL_FEE_BPS
    assert system.router.MAX_OPERATOR_FEE_BPS() == cfg.MAX_OPERATOR_FEE_BPS
    assert system.assets.MAX_BURN_IN_EPOCHS() == cfg.MAX_BURN_IN_EPOCHS
    assert system.assets.MIN_BURN_IN_UPTIME_BPS() == cfg.MIN_BURN_IN_UPTIME_BPS
    assert system.vault.MAX_RESERVE_FACTOR_BPS() == cfg.MAX_RESERVE_FACTOR_BPS
    assert system.rate_model.MIN_KINK() == cfg.MIN_KINK * 10**18
    assert system.rate_model.MAX_KINK() == cfg.MAX_KINK * 10**18
    assert system.rate_model.MAX_RATE_PER_YEAR() == cfg.MAX_RATE_PER_YEAR * 10**18
    nav = system.nav
    assert (nav.MIN_HEARTBEAT(), nav.MAX_HEARTBEAT()) == (cfg.MIN_HEARTBEAT, cfg.MAX_HEARTBEAT)
    assert (nav.MIN_CHANGE_BPS(), nav.MAX_CHANGE_BPS()) == (cfg.MIN_CHANGE_BPS, cfg.MAX_CHANGE_BPS)
    assert (nav.MIN_MULTIPLE_BPS(), nav.MAX_MULTIPLE_BPS()) == (cfg.MIN_MULTIPLE_BPS, cfg.MAX_MULTIPLE_BPS)
    assert (nav.MIN_REVENUE_WINDOW(), nav.MAX_REVENUE_WINDOW()) == (cfg.MIN_REVENUE_WINDOW, cfg.MAX_REVENUE_WINDOW)


def test_config__to_params_resolves_the_deployer_and_delays(write_config):
    path = write_config(
        "access:\n  governor_delay: 600\n  roles:\n"
        "    governor: [deployer, {account: '0x2222222222222222222222222222222222222222', delay: 60}]\n"
        "    pauser: ['0x3333333333333333333333333333333333333333']\n"
    )
    params = cfg.load_config(path).to_params("0x1111111111111111111111111111111111111111")
    assert [(g.role.name, g.account[:6], g.delay) for g in params.grants] == [
        ("GOVERNOR", "0x1111", 600),
        ("GOVERNOR", "0x2222", 60),
        ("PAUSER", "0x3333", 0),
    ]
    assert params.treasury == "0x1111111111111111111111111111111111111111"


def test_asset_plan__per_asset_parts_go_through_the_same_executor(network, gov, local_config, folder, monkeypatch):
    """The extension point for collateral markets: `asset_plan(asset_id)` components named `markets/<id>` are
    deployed once, recorded, loaded into `system.markets`, and their steps applied once."""
    import cap.deploy as plan
    from cap.deploy import Component, Step, deploy_asset, load_system

    result = deploy(network, gov, local_config, folder=folder, log=lambda _: None)
    applied: list[int] = []
    market = Component("markets/5", "MockStablecoin", lambda b: ())
    mark = Step("mark:5", lambda b: bool(applied), lambda b: applied.append(5) or [])
    monkeypatch.setattr(plan, "asset_plan", lambda asset_id: ([market], [mark]))
    system = deploy_asset(result.system, gov, 5, result.manifest)
    first = system.markets[5].address
    deploy_asset(system, gov, 5, result.manifest)  # again: verified, nothing new
    assert system.markets[5].address == first and applied == [5]
    assert load_system(result.manifest).markets[5].address == first


def test_deploy__a_grant_revoked_after_deployment_is_drift_not_redone(network, gov, local_config, folder):
    from cap.roles import Role

    result = deploy(network, gov, local_config, folder=folder, log=lambda _: None)
    result.system.manager.revokeRole(Role.PAUSER, gov, sender=gov)
    log: list[str] = []
    again = deploy(network, gov, local_config, folder=folder, log=log.append)
    assert again.sent == 0 and not result.system.manager.hasRole(Role.PAUSER, gov)[0]
    assert any("changed since deployment; left as it is" in line for line in log)
    drift = [f for f in again.findings if f.level != "ok"]
    assert [(f.level, f.subject) for f in drift] == [("drift", f"grant:pauser:{gov.address}")]
