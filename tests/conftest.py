"""Shared fixtures, named by role. Contract systems are built by factory fixtures in the area conftests."""

import pytest


@pytest.fixture(scope="session")
def gov(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def compliance_agent(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def operator(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def oracle_admin(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def pauser(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def investors(accounts):
    return accounts[5:9]


@pytest.fixture(scope="session")
def stranger(accounts):
    return accounts[9]


@pytest.fixture(scope="session")
def attesters():
    """Five attester keys, separate from the funded test accounts (they only sign)."""
    from ape import accounts

    return [accounts.test_accounts.generate_test_account() for _ in range(5)]


# ---------------------------------------------------------------- the deployed core


@pytest.fixture(scope="session")
def params():
    from cap.deploy import Params

    return Params(epoch_seconds=3600, burn_in_epochs=3, burn_in_min_uptime_bps=9_500, quorum=3)


@pytest.fixture(scope="session")
def staff(gov, compliance_agent, operator, oracle_admin, pauser, attesters, params):
    """`staff(system)`: one holder per role (governance onboards operators itself) and five attesters (quorum 3)."""
    from cap.deploy import grant
    from cap.roles import Role

    def staff(system):
        grant(system, gov, Role.COMPLIANCE, compliance_agent)
        grant(system, gov, Role.ONBOARDING, gov)
        grant(system, gov, Role.OPERATOR, operator)
        grant(system, gov, Role.ORACLE_ADMIN, oracle_admin)
        grant(system, gov, Role.PAUSER, pauser)
        grant(system, gov, Role.GOVERNOR, gov)
        for attester in attesters:
            system.oracle.addAttester(attester, sender=oracle_admin)
        system.oracle.setQuorum(params.quorum, sender=oracle_admin)
        return system

    return staff


@pytest.fixture(scope="session")
def system(gov, params, staff):
    """The whole core, deployed, wired and staffed."""
    from cap.deploy import deploy_system

    return staff(deploy_system(gov, params))


@pytest.fixture(scope="session")
def manager(system):
    return system.manager


@pytest.fixture(scope="session")
def stablecoin(system):
    return system.stablecoin


@pytest.fixture(scope="session")
def oracle(system):
    return system.oracle


@pytest.fixture(scope="session")
def assets(system):
    return system.assets


@pytest.fixture(scope="session")
def compliance(system):
    return system.compliance


@pytest.fixture(scope="session")
def factory(system):
    return system.factory


@pytest.fixture(scope="session")
def spec():
    """A realistic 8x H100 server, as the registry's HardwareSpec tuple."""
    from cap.assets import HardwareSpec

    return HardwareSpec(
        gpu_model="NVIDIA H100 SXM5 80GB",
        gpu_count=8,
        gpu_memory_gb=80,
        dense_tflops=7_912,
        power_watts=10_200,
        region="us-tx-1",
    )


@pytest.fixture(scope="session")
def register_asset(assets, operator, spec):
    """Registers a machine and returns its id; each call uses a new serial unless one is given."""
    from eth_utils import keccak

    counter = iter(range(1, 10**6))

    def register(serial: bytes | None = None, sender=operator, hardware=spec) -> int:
        serial = serial or keccak(text=f"serial-{next(counter)}")
        tx = assets.registerAsset(hardware.as_tuple(), serial, keccak(text="legal-docs-v1"), sender=sender)
        return tx.events.filter(assets.AssetRegistered)[0].assetId

    return register


@pytest.fixture(scope="session")
def attest(chain, oracle, attesters, stranger, params):
    """Submits quorum-signed usage reports for `epochs` of an asset, moving time past them when needed."""
    from cap.reports import EnergyMode, UsageReport, submit_reports

    def attest(asset_id: int, epochs, uptime_bps: int = 10_000, mode: int = EnergyMode.AI):
        epochs = list(epochs)
        finished_at = oracle.epochStart(max(epochs) + 1)
        if chain.pending_timestamp < finished_at:
            chain.pending_timestamp = finished_at
        reports = [
            UsageReport(
                asset_id=asset_id,
                epoch=epoch,
                uptime_bps=uptime_bps,
                utilization_bps=uptime_bps * 8 // 10,
                gpu_milli_hours=8_000 * uptime_bps // 10_000,
                energy_wh=9_000,
                mode=int(mode),
                metrics_hash=bytes(32),
            )
            for epoch in epochs
        ]
        return submit_reports(oracle, reports, attesters[: params.quorum], stranger)

    return attest


@pytest.fixture(scope="session")
def activate(chain, assets, oracle, operator, attest, params):
    """Runs a clean burn-in on the latest finished epochs, then activates the asset."""

    def activate(asset_id: int) -> None:
        chain.pending_timestamp += params.epoch_seconds  # a fresh epoch after the last status change
        start = oracle.currentEpoch() + 1
        attest(asset_id, range(start, start + params.burn_in_epochs))
        assets.activate(asset_id, sender=operator)

    return activate


@pytest.fixture(scope="session")
def verify(compliance, compliance_agent, chain):
    """Verifies investors for a year (jurisdiction 840, the US, unless given)."""

    def verify(*accounts, jurisdiction: int = 840, days: int = 365):
        for account in accounts:
            until = chain.pending_timestamp + days * 86_400
            compliance.verifyInvestor(account, until, jurisdiction, sender=compliance_agent)

    return verify


@pytest.fixture(scope="session")
def fractionalize(assets, factory, operator, system, verify):
    """Makes the shares of an active asset, minted to the (verified) operator unless a recipient is given."""

    def fractionalize(asset_id: int, supply: int = 1_000_000 * 10**18, recipient=None):
        recipient = recipient or operator
        verify(operator)
        assets.approve(factory, asset_id, sender=operator)
        factory.fractionalize(asset_id, recipient, supply, sender=operator)
        return system.shares(asset_id)

    return fractionalize


@pytest.fixture(scope="session")
def shares(register_asset, activate, fractionalize, investors, verify):
    """An active, fractionalized asset whose shares sit with the operator; the investors are verified."""
    asset_id = register_asset()
    activate(asset_id)
    verify(*investors)
    return fractionalize(asset_id)


# ---------------------------------------------------------------- gas figures

_GAS_ROWS: list[tuple[str, int, int | None, str]] = []


@pytest.fixture(scope="session")
def gas_report():
    """Records a measured gas figure (total transaction gas unless said) with its budget, for the summary table."""

    def record(name: str, gas: int, budget: int | None = None, note: str = "") -> int:
        _GAS_ROWS.append((name, int(gas), budget, note))
        return int(gas)

    return record


def pytest_terminal_summary(terminalreporter):
    if not _GAS_ROWS:
        return
    terminalreporter.section("gas figures (deterministic, anvil)")
    terminalreporter.write_line(f"{'operation':<58} {'gas':>10} {'budget':>10}  note")
    for name, gas, budget, note in _GAS_ROWS:
        budget_text = f"{budget:,}" if budget else "-"
        terminalreporter.write_line(f"{name:<58} {gas:>10,} {budget_text:>10}  {note}")
