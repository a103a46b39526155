"""Signature replay: quorum-signed usage reports (UsageOracle) and signed appraisals (NavOracle) bind the chain, the
verifying contract, the asset, the epoch or timestamp and (appraisals) a per-asset nonce. A signature moved to
another chain, contract, asset or epoch recovers a stranger; a resubmission is refused as finalized or outdated.
"""

import dataclasses

import ape
import pytest
from nav_model import HEARTBEAT, MAX_CHANGE_BPS, MULTIPLE_BPS, PRICE, REVENUE_WINDOW, Appraisal, appraisal_digest

from cap.deploy import selector
from cap.reports import EnergyMode, UsageReport, sign_digest, sign_with_quorum
from cap.roles import Role

# ---------------------------------------------------------------- UsageOracle


@pytest.fixture
def report(register_asset, oracle, chain):
    """A report for a fresh asset's last finished epoch."""
    asset_id = register_asset()
    epoch = oracle.currentEpoch() + 1  # the epoch before it is finished too
    chain.pending_timestamp = max(chain.pending_timestamp, oracle.epochStart(epoch + 1))
    return UsageReport(asset_id, epoch, 9_900, 8_000, 8_000, 9_000, EnergyMode.AI, bytes(32))


@pytest.fixture
def signers(attesters, params):
    return attesters[: params.quorum]


def moved(report: UsageReport, **changes) -> UsageReport:
    return dataclasses.replace(report, **changes)


def test_usage_report__resubmitted__refused(report, oracle, signers, chain, stranger):
    signatures = sign_with_quorum(signers, report, chain.chain_id, oracle.address)
    oracle.submitReport(report.as_tuple(), signatures, sender=stranger)
    with ape.reverts(oracle.UsageOracleEpochFinalized):
        oracle.submitReport(report.as_tuple(), signatures, sender=stranger)
    assert oracle.checkpointCount(report.asset_id) == 1


def test_usage_report__signed_for_another_chain__refused(report, oracle, signers, chain, stranger):
    signatures = sign_with_quorum(signers, report, chain.chain_id + 1, oracle.address)
    with ape.reverts(oracle.UsageOracleUnknownAttester):
        oracle.submitReport(report.as_tuple(), signatures, sender=stranger)
    assert oracle.checkpointCount(report.asset_id) == 0


def test_usage_report__signed_for_another_oracle__refused(project, report, oracle, signers, chain, stranger, gov):
    other = project.UsageOracle.deploy(oracle.authority(), oracle.epochSeconds(), oracle.genesis(), sender=gov)
    signatures = sign_with_quorum(signers, report, chain.chain_id, other.address)
    with ape.reverts(oracle.UsageOracleUnknownAttester):
        oracle.submitReport(report.as_tuple(), signatures, sender=stranger)
    assert oracle.checkpointCount(report.asset_id) == 0


@pytest.mark.parametrize("field", ["epoch", "asset_id", "uptime_bps"])
def test_usage_report__signatures_moved_to_another_epoch_asset_or_value__refused(
    report, oracle, signers, chain, stranger, register_asset, field
):
    signatures = sign_with_quorum(signers, report, chain.chain_id, oracle.address)
    change = {"epoch": report.epoch - 1, "asset_id": register_asset(), "uptime_bps": 10_000}[field]
    forged = moved(report, **{field: change})
    with ape.reverts(oracle.UsageOracleUnknownAttester):
        oracle.submitReport(forged.as_tuple(), signatures, sender=stranger)
    assert oracle.checkpointCount(forged.asset_id) == 0


# ---------------------------------------------------------------- NavOracle


def deploy_nav(project, system, gov):
    nav = project.NavOracle.deploy(
        system.manager,
        system.router,
        system.factory,
        HEARTBEAT,
        MAX_CHANGE_BPS,
        MULTIPLE_BPS,
        REVENUE_WINDOW,
        sender=gov,
    )
    names = ("setAppraiser", "setHeartbeat", "setMaxChangeBps", "setMultipleBps", "setRevenueWindow")
    system.manager.setTargetFunctionRole(nav, [selector(nav, name) for name in names], Role.GOVERNOR, sender=gov)
    return nav


@pytest.fixture(scope="module")
def appraiser():
    from ape import accounts

    return accounts.test_accounts.generate_test_account()


@pytest.fixture(scope="module")
def navs(project, system, gov, appraiser):
    """Two NavOracles with the same appraiser."""
    pair = [deploy_nav(project, system, gov) for _ in range(2)]
    for nav in pair:
        nav.setAppraiser(appraiser, True, sender=gov)
    return pair


@pytest.fixture
def signed(chain, appraiser):
    """`signed(nav, asset_id, nonce, chain_id=None, price=PRICE)`: an appraisal stamped with the next block's time
    and its signature for `nav`; the next transaction gets that timestamp."""

    def signed(nav, asset_id: int, nonce: int, chain_id: int | None = None, price: int = PRICE):
        chain.pending_timestamp += 60
        appraisal = Appraisal(asset_id, price, chain.pending_timestamp, nonce)
        digest = appraisal_digest(appraisal, chain_id or chain.chain_id, nav.address)
        return appraisal, sign_digest(appraiser, digest)

    return signed


def test_appraisal__resubmitted__refused(navs, signed, stranger):
    nav = navs[0]
    appraisal, signature = signed(nav, 101, 0)
    nav.submitAppraisal(appraisal.as_tuple(), signature, sender=stranger)
    with ape.reverts(nav.NavOracleOutdatedAppraisal):
        nav.submitAppraisal(appraisal.as_tuple(), signature, sender=stranger)
    assert nav.nextNonce(101) == 1


def test_appraisal__older_one_replayed_after_a_newer__refused(navs, signed, stranger):
    nav = navs[0]
    first = signed(nav, 102, 0)
    nav.submitAppraisal(first[0].as_tuple(), first[1], sender=stranger)
    second = signed(nav, 102, 1)
    nav.submitAppraisal(second[0].as_tuple(), second[1], sender=stranger)
    with ape.reverts(nav.NavOracleOutdatedAppraisal):
        nav.submitAppraisal(first[0].as_tuple(), first[1], sender=stranger)


def test_appraisal__signed_for_another_chain_or_oracle__refused(navs, signed, stranger, chain):
    nav, other = navs
    for appraisal, signature in (signed(nav, 103, 0, chain_id=chain.chain_id + 1), signed(other, 103, 0)):
        with ape.reverts(nav.NavOracleUnauthorizedAppraiser):
            nav.submitAppraisal(appraisal.as_tuple(), signature, sender=stranger)
    assert nav.nextNonce(103) == 0


def test_appraisal__moved_to_another_asset__refused(navs, signed, stranger):
    nav = navs[0]
    appraisal, signature = signed(nav, 104, 0)
    forged = Appraisal(105, appraisal.price_per_share, appraisal.timestamp, appraisal.nonce)
    with ape.reverts(nav.NavOracleUnauthorizedAppraiser):
        nav.submitAppraisal(forged.as_tuple(), signature, sender=stranger)
    assert nav.nextNonce(105) == 0
