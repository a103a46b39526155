"""A standalone UsageOracle (epochs of an hour, five attesters, quorum 3) and helpers to sign and submit reports.

The oracle's genesis lies `PAST_EPOCHS` epochs back, so epochs `0 .. PAST_EPOCHS - 1` are finished at deployment.
"""

import pytest
from eth_utils import keccak

from cap.reports import EnergyMode, UsageReport, sign_with_quorum, submit_reports
from cap.roles import Role

EPOCH_SECONDS = 3600
PAST_EPOCHS = 100
QUORUM = 3
ASSET_ID = 1  # the asset `make_report` reports on unless told


class UncheckedReport(UsageReport):
    """A report that skips the Python range checks: what a buggy or hostile signer could produce."""

    def __post_init__(self) -> None:
        pass


def selectors(contract, *names: str) -> list[bytes]:
    return [keccak(text=abi.selector)[:4] for abi in contract.contract_type.mutable_methods if abi.name in names]


@pytest.fixture(scope="session")
def make_report():
    """Builds a report: a healthy AI epoch of an 8-GPU machine unless `fields` say otherwise; `unchecked` skips the
    Python range checks, to sign what the contract must reject."""

    def make(epoch: int, asset_id: int = ASSET_ID, unchecked: bool = False, **fields) -> UsageReport:
        values = {
            "asset_id": asset_id,
            "epoch": epoch,
            "uptime_bps": 9_900,
            "utilization_bps": 8_500,
            "gpu_milli_hours": 7_920,
            "energy_wh": 9_800,
            "mode": EnergyMode.AI,
            "metrics_hash": keccak(text=f"telemetry-{asset_id}-{epoch}"),
        } | fields
        return (UncheckedReport if unchecked else UsageReport)(**values)

    return make


@pytest.fixture(scope="session")
def chain_id(chain) -> int:
    return chain.chain_id


@pytest.fixture(scope="module", autouse=True)
def _session_fixtures_first(project, chain, accounts, gov, oracle_admin, stranger, attesters, chain_id, make_report):
    """Sets up the session fixtures these tests use before any module state: Ape snapshots the chain per scope, and a
    session fixture first requested after a module snapshot forces a costly rebase."""


@pytest.fixture(scope="module")
def manager(project, gov, oracle_admin):
    manager = project.ProtocolAccessManager.deploy(gov, sender=gov)
    manager.grantRole(Role.ORACLE_ADMIN, oracle_admin, 0, sender=gov)
    return manager


@pytest.fixture(scope="module")
def create_oracle(project, chain, manager, gov, oracle_admin, attesters):
    """Deploys and wires an oracle; `past_epochs` finished epochs at deployment, then registers attesters."""

    def create(epoch_seconds: int = EPOCH_SECONDS, past_epochs: int = PAST_EPOCHS, signers=None, quorum: int = QUORUM):
        genesis = chain.blocks.head.timestamp - past_epochs * epoch_seconds
        oracle = project.UsageOracle.deploy(manager, epoch_seconds, genesis, sender=gov)
        admin_functions = selectors(oracle, "addAttester", "removeAttester", "setQuorum")
        manager.setTargetFunctionRole(oracle, admin_functions, Role.ORACLE_ADMIN, sender=gov)
        for signer in attesters if signers is None else signers:
            oracle.addAttester(signer, sender=oracle_admin)
        if quorum:
            oracle.setQuorum(quorum, sender=oracle_admin)
        return oracle

    return create


@pytest.fixture(scope="module")
def oracle(create_oracle):
    return create_oracle()


@pytest.fixture(scope="module")
def signers(attesters):
    """The first `QUORUM` attesters: enough to sign any report."""
    return attesters[:QUORUM]


@pytest.fixture(scope="module")
def sign(oracle, chain_id, signers):
    """Signatures of `report` for the oracle (by default by `signers`, for this chain and contract)."""

    def sign(report: UsageReport, by=None, chain_id: int = chain_id, oracle_address=None) -> list[bytes]:
        return sign_with_quorum(signers if by is None else by, report, chain_id, oracle_address or oracle.address)

    return sign


@pytest.fixture(scope="module")
def submit(oracle, signers, stranger):
    """Signs with the quorum and submits (one report or a batch), relayed by the stranger by default."""

    def submit(*reports: UsageReport, by=None, sender=stranger):
        return submit_reports(oracle, reports, signers if by is None else by, sender)

    return submit
