"""The Python side of reports (`cap.reports`): validation, signing and signer order; no chain needed."""

import pytest
from eth_account import Account

from cap.reports import EnergyMode, UsageReport, report_digest, sign_report, sign_with_quorum

ORACLE = "0x" + "ab" * 20


@pytest.mark.parametrize(
    "field, value",
    [
        ("asset_id", -1),
        ("asset_id", 2**256),
        ("epoch", 2**32),
        ("uptime_bps", 10_001),
        ("utilization_bps", 10_001),
        ("gpu_milli_hours", 2**64),
        ("energy_wh", -5),
        ("mode", 4),
        ("metrics_hash", b"\x00" * 31),
        ("epoch", "7"),
    ],
)
def test_usage_report__out_of_range__raises(make_report, field, value):
    with pytest.raises(ValueError, match=field):
        make_report(**{"epoch": 1, field: value})


def test_usage_report__int_mode__becomes_energy_mode(make_report):
    report = make_report(epoch=1, mode=2)

    assert report.mode is EnergyMode.Mining
    assert report.as_tuple()[6] == 2 and type(report.as_tuple()[6]) is int


def test_sign_report__recovers_to_signer(make_report, attesters):
    report = make_report(epoch=1)
    signature = sign_report(attesters[0], report, 31337, ORACLE)

    assert len(signature) == 65 and signature[64] in (27, 28)
    assert Account._recover_hash(report_digest(report, 31337, ORACLE), signature=signature) == attesters[0].address


def test_sign_with_quorum__orders_by_ascending_signer(make_report, attesters):
    report = make_report(epoch=1)
    digest = report_digest(report, 31337, ORACLE)

    signatures = sign_with_quorum(list(reversed(attesters)), report, 31337, ORACLE)

    recovered = [Account._recover_hash(digest, signature=signature) for signature in signatures]
    assert recovered == sorted((a.address for a in attesters), key=lambda address: int(address, 16))


def test_report_digest__depends_on_chain_and_contract(make_report):
    report = make_report(epoch=1)
    digest = report_digest(report, 31337, ORACLE)

    assert digest != report_digest(report, 1, ORACLE)
    assert digest != report_digest(report, 31337, "0x" + "cd" * 20)
    assert digest != report_digest(UsageReport(**{**report.__dict__, "uptime_bps": 0}), 31337, ORACLE)
