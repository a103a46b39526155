"""The manifest `ape run deploy` wrote for the upstream, checked against the forked chain's state."""

from cap.deploy import FUNCTION_ROLES, ROLE_ADMINS, code_hash, component_names, selector, verify
from cap.roles import Role


def test_manifest__is_for_this_chain(chain, manifest):
    assert manifest.data["chain_id"] == chain.chain_id == 48879
    assert manifest.data["genesis_hash"] == chain.blocks[0].hash.to_0x_hex()
    assert manifest.data["network"] == "ethereum:capnet"
    assert not manifest.data["pending"]


def test_manifest__records_every_component_with_its_code(chain, manifest):
    contracts = manifest.contracts()
    assert sorted(contracts) == sorted(component_names())
    for name, entry in contracts.items():
        code = chain.provider.get_code(entry["address"])
        assert code_hash(code) == entry["code_hash"], name
        receipt = chain.get_receipt(entry["tx"])
        assert receipt.contract_address == entry["address"], name
        assert receipt.block_number == entry["block"], name


def test_manifest__recorded_wiring_transactions_succeeded(chain, manifest):
    steps = manifest.data["steps"]
    assert "labels" in steps and steps["labels"]["txs"]
    for name, step in steps.items():
        for tx in step["txs"]:
            receipt = chain.get_receipt(tx)
            assert receipt.status == 1, name
            assert receipt.block_number <= step["block"], name


def test_manifest__parameters_are_the_reviewed_config(manifest, config, deployer):
    from cap.manifest import params_to_dict

    assert manifest.data["params"] == params_to_dict(config.to_params(deployer.address))
    assert manifest.data["deployer"] == deployer.address


def test_chain__matches_the_plan_with_no_drift(system, manifest):
    findings = verify(system, manifest)
    assert findings
    assert [str(f) for f in findings if f.level != "ok"] == []


def test_chain__function_roles(system):
    for name, functions in FUNCTION_ROLES.items():
        if name not in component_names():
            continue  # deployed beside the system (offering, secondary market), not by `ape run deploy` yet
        target = getattr(system, name)
        for function, role in functions.items():
            assert system.manager.getTargetFunctionRole(target, selector(target, function)) == role, (name, function)


def test_chain__grants_with_their_execution_delays(system, config, deployer):
    params = config.to_params(deployer.address)
    assert params.grants
    for grant in params.grants:
        assert system.manager.hasRole(grant.role, grant.account) == (True, grant.delay), grant
    governor = next(grant for grant in params.grants if grant.role is Role.GOVERNOR)
    assert governor.delay == 3600
    for role, role_admin in ROLE_ADMINS.items():
        assert system.manager.getRoleAdmin(role) == role_admin
    assert system.manager.hasRole(Role.SYSTEM, system.factory)[0]
    assert system.manager.hasRole(Role.LEASE_MARKET, system.lease_market)[0]


def test_chain__parameters(system, config, attesters):
    assert (system.router.protocolFeeBps(), system.router.operatorFeeBps()) == (400, 1200)
    assert system.router.treasury() == config.fees.treasury
    assert system.oracle.quorum() == 2 and all(system.oracle.isAttester(a) for a in attesters)
    assert system.assets.burnInEpochs() == 2
    assert system.vault.reserveFactorBps() == 1500 and system.vault.symbol() == "capUSDc"
    assert system.rate_model.KINK() == 85 * 10**16
    assert system.nav.heartbeat() == 172_800 and system.nav.isAppraiser(config.nav.appraisers[0])
