"""Report acceptance: signatures, quorum, ranges, epochs, batches, and the Python digest."""

import ape
import pytest
from eth_utils import keccak

from cap.reports import EnergyMode, report_digest, sign_report

ASSET_ID = 1
QUORUM = 3
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def assert_nothing_stored(oracle, asset_id: int = ASSET_ID, count: int = 0):
    assert oracle.checkpointCount(asset_id) == count
    if count == 0:
        assert oracle.latestEpoch(asset_id) == (False, 0)


# ---------------------------------------------------------------- acceptance


def test_submit__with_quorum__stores_checkpoint_and_emits(make_report, oracle, submit):
    report = make_report(epoch=42)

    tx = submit(report)

    events = tx.decode_logs(oracle.UsageReported)
    assert len(events) == 1
    event = events[0]
    assert (event.assetId, event.epoch) == (ASSET_ID, 42)
    assert (event.uptimeBps, event.utilizationBps) == (report.uptime_bps, report.utilization_bps)
    assert (event.gpuMilliHours, event.energyWh, event.mode) == (report.gpu_milli_hours, report.energy_wh, 1)
    assert event.metricsHash == report.metrics_hash
    assert oracle.latestEpoch(ASSET_ID) == (True, 42)
    assert oracle.checkpointCount(ASSET_ID) == 1
    checkpoint = oracle.checkpointAt(ASSET_ID, 0)
    assert (checkpoint.epoch, checkpoint.mode, checkpoint.cumUptimeBps) == (42, EnergyMode.AI, report.uptime_bps)
    assert (checkpoint.cumGpuMilliHours, checkpoint.cumEnergyWh) == (report.gpu_milli_hours, report.energy_wh)


def test_submit__second_epoch__accumulates(make_report, oracle, submit):
    submit(make_report(epoch=10, uptime_bps=10_000, gpu_milli_hours=8_000, energy_wh=9_000))
    submit(make_report(epoch=12, uptime_bps=5_000, gpu_milli_hours=4_000, energy_wh=4_000, mode=EnergyMode.Mining))

    checkpoint = oracle.checkpointAt(ASSET_ID, 1)
    assert (checkpoint.epoch, checkpoint.mode) == (12, EnergyMode.Mining)
    assert (checkpoint.cumUptimeBps, checkpoint.cumGpuMilliHours, checkpoint.cumEnergyWh) == (15_000, 12_000, 13_000)


def test_submit__relayed_by_anyone__accepted(make_report, oracle, sign, stranger):
    report = make_report(epoch=7)
    signatures = sign(report)  # by attesters; the stranger holds no role and signs nothing

    oracle.submitReport(report.as_tuple(), signatures, sender=stranger)

    assert oracle.latestEpoch(ASSET_ID) == (True, 7)


def test_submit__with_all_five_attesters__accepted(make_report, oracle, submit, attesters):
    submit(make_report(epoch=3), by=attesters)

    assert oracle.checkpointCount(ASSET_ID) == 1


def test_submit__for_any_finished_first_epoch__accepted(make_report, oracle, submit):
    submit(make_report(epoch=0))

    assert oracle.latestEpoch(ASSET_ID) == (True, 0)


def test_submit__assets_are_independent(make_report, oracle, submit):
    submit(make_report(epoch=50, asset_id=1))
    submit(make_report(epoch=20, asset_id=2))

    assert oracle.latestEpoch(1) == (True, 50)
    assert oracle.latestEpoch(2) == (True, 20)


def test_submit__after_epoch_ends__accepted(make_report, oracle, submit, chain):
    current = oracle.currentEpoch()
    with ape.reverts(oracle.UsageOracleEpochNotFinished, epoch=current, currentEpoch=current):
        submit(make_report(epoch=current))

    chain.pending_timestamp = oracle.epochStart(current + 1)
    submit(make_report(epoch=current))

    assert oracle.latestEpoch(ASSET_ID) == (True, current)


# ---------------------------------------------------------------- batches


def test_submit_batch__several_assets_and_epochs__all_accepted(make_report, oracle, submit):
    reports = [make_report(epoch=epoch, asset_id=asset) for asset in (1, 2) for epoch in (5, 6, 8)]

    tx = submit(*reports)

    assert [(e.assetId, e.epoch) for e in tx.decode_logs(oracle.UsageReported)] == [(1, 5), (1, 6), (1, 8)] + [
        (2, 5),
        (2, 6),
        (2, 8),
    ]
    assert oracle.checkpointCount(1) == oracle.checkpointCount(2) == 3


def test_submit_batch__with_one_bad_report__reverts_whole_batch(make_report, oracle, submit):
    reports = [make_report(epoch=5), make_report(epoch=6), make_report(epoch=6)]

    with ape.reverts(oracle.UsageOracleEpochFinalized, assetId=ASSET_ID, epoch=6, latestEpoch=6):
        submit(*reports)

    assert_nothing_stored(oracle)


def test_submit_batch__with_length_mismatch__reverts(make_report, oracle, sign, stranger):
    reports = [make_report(epoch=5), make_report(epoch=6)]

    with ape.reverts(oracle.UsageOracleBatchLengthMismatch, reports=2, signatureSets=1):
        oracle.submitReports([r.as_tuple() for r in reports], [sign(reports[0])], sender=stranger)


def test_submit_batch__empty__reverts(oracle, stranger):
    with ape.reverts(oracle.UsageOracleBatchLengthMismatch, reports=0, signatureSets=0):
        oracle.submitReports([], [], sender=stranger)


# ---------------------------------------------------------------- signatures


def test_submit__below_quorum__reverts(make_report, oracle, submit, attesters):
    with ape.reverts(oracle.UsageOracleQuorumNotMet, assetId=ASSET_ID, epoch=5, signatures=2, quorum=QUORUM):
        submit(make_report(epoch=5), by=attesters[:2])

    assert_nothing_stored(oracle)


def test_submit__without_signatures__reverts(make_report, oracle, stranger):
    report = make_report(epoch=5)

    with ape.reverts(oracle.UsageOracleQuorumNotMet, signatures=0, quorum=QUORUM):
        oracle.submitReport(report.as_tuple(), [], sender=stranger)


def test_submit__before_quorum_is_set__reverts(make_report, create_oracle, attesters, chain_id, stranger):
    oracle = create_oracle(quorum=0)
    report = make_report(epoch=5)
    signature = sign_report(attesters[0], report, chain_id, oracle.address)

    with ape.reverts(oracle.UsageOracleQuorumNotMet, signatures=1, quorum=0):
        oracle.submitReport(report.as_tuple(), [signature], sender=stranger)


def test_submit__with_duplicate_signer__reverts(make_report, oracle, sign, signers, stranger):
    report = make_report(epoch=5)
    first, second, _ = sign(report)

    with ape.reverts(oracle.UsageOracleDuplicateSigner, signer=sorted(s.address for s in signers)[1]):
        oracle.submitReport(report.as_tuple(), [first, second, second], sender=stranger)

    assert_nothing_stored(oracle)


def test_submit__with_descending_signers__reverts(make_report, oracle, sign, signers, stranger):
    report = make_report(epoch=5)
    ordered = sorted((s.address for s in signers), key=lambda a: int(a, 16))

    with ape.reverts(oracle.UsageOracleSignersNotAscending, previous=ordered[2], signer=ordered[1]):
        oracle.submitReport(report.as_tuple(), sign(report)[::-1], sender=stranger)

    assert_nothing_stored(oracle)


def test_submit__with_unregistered_signer__reverts(make_report, oracle, sign, signers, stranger):
    report = make_report(epoch=5)

    with ape.reverts(oracle.UsageOracleUnknownAttester, signer=stranger.address):
        oracle.submitReport(report.as_tuple(), sign(report, by=[*signers[:2], stranger]), sender=stranger)

    assert_nothing_stored(oracle)


def test_submit__with_removed_attester__reverts(make_report, oracle, sign, signers, attesters, oracle_admin, stranger):
    report = make_report(epoch=5)
    oracle.removeAttester(signers[0], sender=oracle_admin)

    with ape.reverts(oracle.UsageOracleUnknownAttester, signer=signers[0].address):
        oracle.submitReport(report.as_tuple(), sign(report), sender=stranger)

    oracle.submitReport(report.as_tuple(), sign(report, by=attesters[1:4]), sender=stranger)
    assert oracle.checkpointCount(ASSET_ID) == 1


def test_submit__signed_for_another_chain__reverts(make_report, oracle, sign, chain_id, stranger):
    report = make_report(epoch=5)
    signatures = sign(report, chain_id=chain_id + 1)

    with ape.reverts(oracle.UsageOracleUnknownAttester):
        oracle.submitReport(report.as_tuple(), signatures, sender=stranger)

    assert_nothing_stored(oracle)


def test_submit__signed_for_another_oracle__reverts(make_report, oracle, create_oracle, sign, stranger):
    other = create_oracle()
    report = make_report(epoch=5)
    signatures = sign(report, oracle_address=other.address)

    with ape.reverts(oracle.UsageOracleUnknownAttester):
        oracle.submitReport(report.as_tuple(), signatures, sender=stranger)

    other.submitReport(report.as_tuple(), signatures, sender=stranger)  # where they were meant to go
    assert_nothing_stored(oracle)


def test_submit__signature_of_another_report__reverts(make_report, oracle, sign, stranger):
    signed = make_report(epoch=5, uptime_bps=10_000)
    tampered = make_report(epoch=5, uptime_bps=9_000)

    with ape.reverts(oracle.UsageOracleUnknownAttester):
        oracle.submitReport(tampered.as_tuple(), sign(signed), sender=stranger)


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda sig: sig[:64], id="short"),
        pytest.param(lambda sig: sig + b"\x00", id="long"),
        pytest.param(lambda sig: sig[:64] + bytes([sig[64] + 2]), id="bad-v"),
        pytest.param(
            lambda sig: (
                sig[:32]
                + (SECP256K1_N - int.from_bytes(sig[32:64], "big")).to_bytes(32, "big")
                # the malleable twin: high s with the other v
                + bytes([55 - sig[64]])
            ),
            id="high-s",
        ),
    ],
)
def test_submit__with_invalid_signature__reverts(make_report, oracle, sign, stranger, mangle):
    report = make_report(epoch=5)
    signatures = sign(report)
    signatures[1] = mangle(signatures[1])

    with ape.reverts(oracle.UsageOracleInvalidSignature, index=1):
        oracle.submitReport(report.as_tuple(), signatures, sender=stranger)

    assert_nothing_stored(oracle)


# ---------------------------------------------------------------- report fields and epochs


@pytest.mark.parametrize("field", ["uptime_bps", "utilization_bps"])
def test_submit__with_bps_above_10_000__reverts(make_report, oracle, submit, field):
    report = make_report(epoch=5, unchecked=True, **{field: 10_001})

    with ape.reverts(oracle.UsageOracleBpsOutOfRange, value=10_001):
        submit(report)

    assert_nothing_stored(oracle)


def test_submit__with_bps_of_exactly_10_000__accepted(make_report, oracle, submit):
    submit(make_report(epoch=5, uptime_bps=10_000, utilization_bps=10_000))

    assert oracle.usageAt(ASSET_ID, 5)[1:3] == (10_000, 10_000)


def test_submit__with_unknown_mode__reverts(make_report, oracle, submit):
    with ape.reverts(oracle.UsageOracleInvalidMode, mode=4):
        submit(make_report(epoch=5, unchecked=True, mode=4))

    assert_nothing_stored(oracle)


@pytest.mark.parametrize("mode", list(EnergyMode))
def test_submit__with_each_mode__records_it(make_report, oracle, submit, mode):
    submit(make_report(epoch=5, mode=mode))

    assert oracle.usageAt(ASSET_ID, 5)[5] == mode


@pytest.mark.parametrize("ahead", [0, 1, 1_000])
def test_submit__for_current_or_future_epoch__reverts(make_report, oracle, submit, ahead):
    current = oracle.currentEpoch()

    with ape.reverts(oracle.UsageOracleEpochNotFinished, epoch=current + ahead):
        submit(make_report(epoch=current + ahead))

    assert_nothing_stored(oracle)


def test_submit__rewriting_accepted_epoch__reverts(make_report, oracle, submit):
    submit(make_report(epoch=30, uptime_bps=2_000))

    with ape.reverts(oracle.UsageOracleEpochFinalized, assetId=ASSET_ID, epoch=30, latestEpoch=30):
        submit(make_report(epoch=30, uptime_bps=10_000))

    assert_nothing_stored(oracle, count=1)
    assert oracle.usageAt(ASSET_ID, 30)[1] == 2_000


def test_submit__older_epoch_than_latest__reverts(make_report, oracle, submit):
    submit(make_report(epoch=30))

    with ape.reverts(oracle.UsageOracleEpochFinalized, assetId=ASSET_ID, epoch=29, latestEpoch=30):
        submit(make_report(epoch=29))

    assert_nothing_stored(oracle, count=1)
    assert oracle.latestEpoch(ASSET_ID) == (True, 30)


def test_submit__with_gpu_hours_overflowing_the_running_total__reverts(make_report, oracle, submit):
    submit(make_report(epoch=5, gpu_milli_hours=2**64 - 1))

    with ape.reverts(oracle.SafeCastOverflowedUintDowncast, bits=64):
        submit(make_report(epoch=6, gpu_milli_hours=1))


# ---------------------------------------------------------------- digest


@pytest.mark.parametrize(
    "fields",
    [
        {"epoch": 5},
        {"epoch": 2**32 - 1, "asset_id": 2**256 - 1, "uptime_bps": 0, "mode": EnergyMode.Curtailed},
        {"epoch": 0, "gpu_milli_hours": 2**64 - 1, "energy_wh": 2**64 - 1, "metrics_hash": keccak(text="raw")},
    ],
    ids=["typical", "extremes", "max-usage"],
)
def test_report_digest__python__equals_contract(make_report, oracle, chain_id, fields):
    report = make_report(**fields)

    assert oracle.reportDigest(report.as_tuple()) == report_digest(report, chain_id, oracle.address)


def test_eip712_domain__is_cap_usage_oracle(oracle, chain_id):
    domain = oracle.eip712Domain()

    assert (domain.name, domain.version, domain.chainId) == ("CAP UsageOracle", "1", chain_id)
    assert domain.verifyingContract == oracle.address
