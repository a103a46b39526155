"""The attester's logic (epoch choice, re-runs, reports from the sample files, accounts), the script's failure path,
and an end-to-end submission of the DCGM sample's two epochs to a real UsageOracle."""

import importlib.util
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from cap.attester import (
    EPOCH_ALL,
    EPOCH_LAST,
    AttesterConfig,
    AttesterError,
    EpochClock,
    OracleState,
    attest,
    attest_file,
    build_reports,
    check_signers,
    complete_epochs,
    format_reports,
    load_account,
    parse_epoch_choice,
    plan_reports,
    select_epochs,
    watch,
)
from cap.reports import EnergyMode
from cap.roles import Role
from cap.telemetry import GpuSample, TelemetryError, load_telemetry, metrics_hash

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "telemetry"
DCGM = DATA / "dcgm_h100x8.prom"
SMI = DATA / "nvidia_smi_a100x4.csv"
START = 1_795_514_400  # 2026-11-24T10:00:00Z: epoch 0 of the sample files when genesis is START
HOUR = 3_600
ASSET_ID = 7
CLOCK = EpochClock(START, HOUR)
H100_NODE = AttesterConfig(asset_id=ASSET_ID, expected_gpus=8, sample_interval=60)


@dataclass
class FakeOracle:
    """The oracle views the attester reads, without a chain."""

    latest: int | None = None
    current: int = 1_000
    attesters: set[str] = field(default_factory=set)
    required: int = 2
    address: str = "0x00000000000000000000000000000000000000Aa"

    def latestEpoch(self, asset_id: int) -> tuple[bool, int]:
        return (self.latest is not None, self.latest or 0)

    def genesis(self) -> int:
        return START

    def epochSeconds(self) -> int:
        return HOUR

    def currentEpoch(self) -> int:
        return self.current

    def isAttester(self, address: str) -> bool:
        return address in self.attesters

    def quorum(self) -> int:
        return self.required


@dataclass
class Signer:
    address: str


@pytest.fixture(scope="module")
def dcgm_samples():
    return load_telemetry(DCGM)


def load_script():
    spec = importlib.util.spec_from_file_location("attester_script", ROOT / "scripts" / "attester.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- end to end, on a real UsageOracle
# (first in the module: its fixtures deploy before any other test's snapshot)


@pytest.fixture(scope="module")
def usage_oracle(project, chain, gov, oracle_admin, attesters):
    """ProtocolAccessManager + UsageOracle whose epoch 0 starts with the sample files (2026-11-24T10:00Z)."""
    from cap.deploy import selector

    if chain.pending_timestamp < START + 2 * HOUR:
        chain.pending_timestamp = START + 2 * HOUR  # both sample epochs finished
    manager = project.ProtocolAccessManager.deploy(gov, sender=gov)
    manager.grantRole(Role.ORACLE_ADMIN, oracle_admin, 0, sender=gov)
    oracle = project.UsageOracle.deploy(manager, HOUR, START, sender=gov)
    admin_functions = [selector(oracle, name) for name in ("addAttester", "removeAttester", "setQuorum")]
    manager.setTargetFunctionRole(oracle, admin_functions, Role.ORACLE_ADMIN, sender=gov)
    for signer in attesters[:3]:
        oracle.addAttester(signer, sender=oracle_admin)
    oracle.setQuorum(3, sender=oracle_admin)
    return oracle


def test_attest__dcgm_file__submits_both_epochs_once(usage_oracle, attesters, stranger):
    result = attest_file(DCGM, H100_NODE, oracle=usage_oracle, signers=attesters[:3], sender=stranger)

    assert [r.epoch for r in result.reports] == [0, 1]
    assert len(result.receipts) == 1
    events = result.receipts[0].decode_logs(usage_oracle.UsageReported)
    assert [(e.assetId, e.epoch, e.uptimeBps, e.gpuMilliHours) for e in events] == [
        (ASSET_ID, 0, 9_979, 7_983),
        (ASSET_ID, 1, 9_500, 7_600),
    ]
    assert events[1].metricsHash == result.reports[1].metrics_hash
    assert usage_oracle.latestEpoch(ASSET_ID) == (True, 1)
    assert usage_oracle.usageAt(ASSET_ID, 1) == (True, 9_500, 7_500, 7_600, 4_412, EnergyMode.AI)

    again = attest_file(DCGM, H100_NODE, oracle=usage_oracle, signers=attesters[:3], sender=stranger)

    assert (again.reports, again.receipts) == ([], [])
    assert usage_oracle.checkpointCount(ASSET_ID) == 2


def test_attest__epoch_0_already_accepted__submits_epoch_1_only(usage_oracle, attesters, stranger, dcgm_samples):
    first = attest(dcgm_samples, H100_NODE, oracle=usage_oracle, signers=attesters[:3], sender=stranger, choice=0)
    assert usage_oracle.latestEpoch(ASSET_ID) == (True, 0)

    rest = attest(dcgm_samples, H100_NODE, oracle=usage_oracle, signers=attesters[:3], sender=stranger)

    assert [r.epoch for r in first.reports + rest.reports] == [0, 1]
    assert usage_oracle.latestEpoch(ASSET_ID) == (True, 1)


def test_attest__signer_not_attester__no_transaction(usage_oracle, attesters, stranger, dcgm_samples):
    signers = [attesters[0], attesters[1], attesters[4]]

    with pytest.raises(AttesterError, match=f"not registered attesters .*{attesters[4].address}"):
        attest(dcgm_samples, H100_NODE, oracle=usage_oracle, signers=signers, sender=stranger)

    assert usage_oracle.latestEpoch(ASSET_ID) == (False, 0)


# ---------------------------------------------------------------- choosing epochs


@pytest.mark.parametrize("text, expected", [("all", EPOCH_ALL), ("LAST", EPOCH_LAST), ("12", 12)])
def test_parse_epoch_choice__valid(text, expected):
    assert parse_epoch_choice(text) == expected


@pytest.mark.parametrize("text", ["-1", "first", "1.5", ""])
def test_parse_epoch_choice__invalid__raises(text):
    with pytest.raises(AttesterError, match="epoch must be a number, 'all' or 'last'"):
        parse_epoch_choice(text)


def test_complete_epochs__sample_files(dcgm_samples):
    assert complete_epochs(dcgm_samples, CLOCK, 60) == [0, 1]
    assert complete_epochs(load_telemetry(SMI), CLOCK, 60) == [0]  # epoch 1 only has its first 10 minutes
    assert complete_epochs(dcgm_samples, EpochClock(START + HOUR, HOUR), 60) == [0]  # samples before genesis ignored
    assert complete_epochs([], CLOCK, 60) == []


@pytest.mark.parametrize(
    "state, choice, expected",
    [
        (OracleState(CLOCK), EPOCH_ALL, [3, 4, 6]),
        (OracleState(CLOCK, latest_accepted=3), EPOCH_ALL, [4, 6]),  # accepted epochs are skipped
        (OracleState(CLOCK, latest_accepted=5), EPOCH_ALL, [6]),  # epochs before the latest can't be written
        (OracleState(CLOCK, latest_accepted=6), EPOCH_ALL, []),  # re-run: nothing twice
        (OracleState(CLOCK, current_epoch=6), EPOCH_ALL, [3, 4]),  # epoch 6 not finished on-chain yet
        (OracleState(CLOCK), EPOCH_LAST, [6]),
        (OracleState(CLOCK, latest_accepted=6), EPOCH_LAST, []),
        (OracleState(CLOCK), 4, [4]),
        (OracleState(CLOCK, latest_accepted=4), 4, []),
    ],
)
def test_select_epochs(state, choice, expected):
    assert select_epochs([3, 4, 6], state, choice) == expected


def test_select_epochs__requested_epoch_not_complete__raises():
    with pytest.raises(AttesterError, match="epoch 5 is not complete in the telemetry .complete epochs: 3, 4, 6."):
        select_epochs([3, 4, 6], OracleState(CLOCK), 5)


# ---------------------------------------------------------------- reports from the sample files


def test_build_reports__dcgm_file__hand_computed_figures(dcgm_samples):
    reports = build_reports(dcgm_samples, H100_NODE, CLOCK, [0, 1])

    figures = [(r.epoch, r.uptime_bps, r.utilization_bps, r.gpu_milli_hours, r.energy_wh, r.mode) for r in reports]
    assert figures == [
        (0, 9_979, 9_499, 7_983, 5_360, EnergyMode.AI),  # GPU 2's XID scrape is the only downtime
        (1, 9_500, 7_500, 7_600, 4_412, EnergyMode.AI),  # GPUs 5 and 6 out for 12 minutes
    ]
    assert {r.asset_id for r in reports} == {ASSET_ID}
    first_hour = [s for s in dcgm_samples if s.timestamp < START + HOUR]
    assert reports[0].metrics_hash == metrics_hash(first_hour)


def test_plan_reports__mining_node_half_accepted__only_new_epoch_in_mining(dcgm_samples):
    config = AttesterConfig(ASSET_ID, expected_gpus=8, sample_interval=60, mode=EnergyMode.Mining)

    reports = plan_reports(dcgm_samples, config, OracleState(CLOCK, latest_accepted=0))

    assert [(r.epoch, r.mode) for r in reports] == [(1, EnergyMode.Mining)]


def test_plan_reports__nvidia_smi_file__complete_epoch_only():
    config = AttesterConfig(ASSET_ID, expected_gpus=4, sample_interval=60, mode=EnergyMode.AI)

    reports = plan_reports(load_telemetry(SMI), config, OracleState(CLOCK))

    assert [(r.epoch, r.uptime_bps, r.gpu_milli_hours, r.energy_wh) for r in reports] == [(0, 9_750, 3_900, 1_262)]


def test_attest__dry_run_without_oracle__reports_no_receipts():
    result = attest_file(DCGM, H100_NODE, dry_run=True, clock=CLOCK)

    assert [r.epoch for r in result.reports] == [0, 1]
    assert result.receipts == []
    assert result.clock == CLOCK


def test_attest__dry_run_with_oracle__reads_its_clock_and_latest(dcgm_samples):
    result = attest(dcgm_samples, H100_NODE, oracle=FakeOracle(latest=0), dry_run=True)

    assert [r.epoch for r in result.reports] == [1]
    assert result.clock == CLOCK


def test_attest__submit_without_oracle__raises(dcgm_samples):
    with pytest.raises(AttesterError, match="an oracle address is needed to submit"):
        attest(dcgm_samples, H100_NODE, clock=CLOCK)


def test_attest__nothing_new__submits_nothing(dcgm_samples):
    oracle = FakeOracle(latest=1, attesters={"0x01", "0x02"})

    result = attest(dcgm_samples, H100_NODE, oracle=oracle, signers=[Signer("0x01"), Signer("0x02")], sender="0x09")

    assert (result.reports, result.receipts) == ([], [])


@pytest.mark.parametrize(
    "signers, sender, message",
    [
        (["0x01", "0x02"], None, "a sender account is needed"),
        (["0x01", "0x01"], "0x09", "the same attester is given twice"),
        (["0x01", "0x03"], "0x09", "not registered attesters of the oracle .*: 0x03"),
        (["0x01"], "0x09", "1 signer.s. given, the oracle's quorum is 2"),
    ],
)
def test_check_signers__fails_before_any_transaction(signers, sender, message):
    oracle = FakeOracle(attesters={"0x01", "0x02"}, required=2)

    with pytest.raises(AttesterError, match=message):
        check_signers(oracle, [Signer(address) for address in signers], sender)


def test_attest__bad_accounts_and_nothing_due__still_fails(dcgm_samples):
    with pytest.raises(AttesterError, match="a sender account is needed"):
        attest(dcgm_samples, H100_NODE, oracle=FakeOracle(latest=1), signers=[], sender=None)


def test_format_reports__one_line_per_report(dcgm_samples):
    table = format_reports(build_reports(dcgm_samples, H100_NODE, CLOCK, [0, 1]), CLOCK)

    lines = table.splitlines()
    assert len(lines) == 3
    assert "2026-11-24 11:00" in lines[2]
    assert " 95.00% " in lines[2] and " 7.600 " in lines[2] and " 4.412 " in lines[2] and " AI " in lines[2]


def test_attest__many_epochs__batched_per_day(monkeypatch):
    one_slot = AttesterConfig(ASSET_ID, expected_gpus=1, sample_interval=HOUR)
    samples = [GpuSample(START + epoch * HOUR, "0", 90.0, 500.0, True) for epoch in range(30)]
    batches = []
    monkeypatch.setattr(
        "cap.attester.submit_reports", lambda oracle, reports, signers, sender: batches.append(reports) or len(batches)
    )
    oracle = FakeOracle(attesters={"0x01", "0x02"})

    result = attest(samples, one_slot, oracle=oracle, signers=[Signer("0x01"), Signer("0x02")], sender="0x09")

    assert [[r.epoch for r in batch] for batch in batches] == [list(range(24)), list(range(24, 30))]
    assert result.receipts == [1, 2]
    assert {(r.uptime_bps, r.gpu_milli_hours, r.energy_wh) for r in result.reports} == {(10_000, 1_000, 500)}


# ---------------------------------------------------------------- watch


def test_watch__error_in_a_round__reported_and_goes_on():
    calls, errors, sleeps = [], [], []

    def step():
        calls.append(len(calls))
        if len(calls) == 2:
            raise TelemetryError("dcgm.prom: line 9: not Prometheus text exposition")

    watch(step, 30, errors.append, sleep=sleeps.append, rounds=3)

    assert len(calls) == 3
    assert [str(error) for error in errors] == ["dcgm.prom: line 9: not Prometheus text exposition"]
    assert sleeps == [30, 30, 30]  # the run before the first round happened already


def test_watch__programming_error__propagates():
    def step():
        raise KeyError("bug")

    with pytest.raises(KeyError):
        watch(step, 30, lambda error: None, sleep=lambda seconds: None, rounds=3)


# ---------------------------------------------------------------- accounts


def test_load_account__test_index__test_account():
    from ape import accounts

    assert load_account("test:3") == accounts.test_accounts[3]


@pytest.mark.parametrize("account_spec, message", [("test:x", "expected test:N"), ("test:100000", "expected test:N")])
def test_load_account__bad_test_index__raises(account_spec, message):
    with pytest.raises(AttesterError, match=message):
        load_account(account_spec)


def test_load_account__test_account_on_live_network__raises():
    @dataclass
    class Network:
        name: str = "mainnet"
        is_dev: bool = False

    with pytest.raises(AttesterError, match="test accounts exist only on local and fork networks, not mainnet"):
        load_account("test:0", Network())


def test_load_account__unknown_alias__raises():
    with pytest.raises(AttesterError, match="no Ape account with alias 'no-such-attester'"):
        load_account("no-such-attester")


# ---------------------------------------------------------------- the script's failure path


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.prom", "empty telemetry file"),
        ("unknown_format.json", "unknown telemetry format"),
        ("nvidia_smi_malformed.csv", "line 5: utilization.gpu: not a number"),
    ],
)
def test_script__bad_telemetry__exits_non_zero_before_connecting(name, message):
    result = CliRunner().invoke(
        load_script().cli, ["--telemetry", str(DATA / name), "--asset-id", "1", "--expected-gpus", "8", "--dry-run"]
    )

    assert result.exit_code == 2
    assert "Invalid value for '--telemetry'" in result.output
    assert message in result.output


def test_script__bad_epoch__exits_non_zero():
    args = ["--telemetry", str(DCGM), "--asset-id", "1", "--expected-gpus", "8", "--epoch", "soon", "--dry-run"]

    result = CliRunner().invoke(load_script().cli, args)

    assert result.exit_code == 2
    assert "epoch must be a number" in result.output


def test_ape_run_attester__truncated_scrape__stderr_names_line():
    args = ["--telemetry", "tests/data/telemetry/dcgm_truncated.prom", "--asset-id", "1", "--expected-gpus", "8"]

    ape = Path(sys.executable).parent / "ape"  # the venv's, whatever PATH says

    run = subprocess.run([str(ape), "run", "attester", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert run.returncode != 0
    assert "dcgm_truncated.prom: line 13: not Prometheus text exposition" in run.stderr
    assert "submitted" not in run.stdout
