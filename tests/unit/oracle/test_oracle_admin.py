"""Deployment parameters, epochs, and the restricted attester set and quorum."""

import ape
import pytest

QUORUM = 3
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


# ---------------------------------------------------------------- epochs


def test_current_epoch__follows_time(oracle, chain):
    genesis = oracle.genesis()
    epoch = oracle.currentEpoch()
    assert oracle.epochStart(epoch) <= chain.blocks.head.timestamp < oracle.epochStart(epoch + 1)
    assert oracle.epochStart(epoch) == genesis + epoch * 3600

    chain.mine(timestamp=oracle.epochStart(epoch + 2))

    assert oracle.currentEpoch() == epoch + 2


# ---------------------------------------------------------------- attesters


def test_setup__registers_five_attesters_with_quorum_three(oracle, attesters, stranger):
    assert oracle.attesterCount() == 5
    assert oracle.quorum() == QUORUM
    assert all(oracle.isAttester(attester) for attester in attesters)
    assert not oracle.isAttester(stranger)


def test_add_attester__by_oracle_admin__registers_and_emits(oracle, oracle_admin, stranger):
    tx = oracle.addAttester(stranger, sender=oracle_admin)

    assert [event.attester for event in tx.decode_logs(oracle.AttesterAdded)] == [stranger.address]
    assert oracle.isAttester(stranger)
    assert oracle.attesterCount() == 6


def test_add_attester__twice__reverts(oracle, oracle_admin, attesters):
    with ape.reverts(oracle.UsageOracleAttesterStatusUnchanged, attester=attesters[0].address, registered=True):
        oracle.addAttester(attesters[0], sender=oracle_admin)


def test_add_attester__zero_address__reverts(oracle, oracle_admin):
    with ape.reverts(oracle.UsageOracleAttesterStatusUnchanged, attester=ZERO_ADDRESS, registered=False):
        oracle.addAttester(ZERO_ADDRESS, sender=oracle_admin)


def test_remove_attester__by_oracle_admin__unregisters_and_emits(oracle, oracle_admin, attesters):
    tx = oracle.removeAttester(attesters[4], sender=oracle_admin)

    assert [event.attester for event in tx.decode_logs(oracle.AttesterRemoved)] == [attesters[4].address]
    assert not oracle.isAttester(attesters[4])
    assert oracle.attesterCount() == 4


def test_remove_attester__unknown__reverts(oracle, oracle_admin, stranger):
    with ape.reverts(oracle.UsageOracleAttesterStatusUnchanged, attester=stranger.address, registered=False):
        oracle.removeAttester(stranger, sender=oracle_admin)


def test_remove_attester__below_quorum__reverts(oracle, oracle_admin, attesters):
    oracle.removeAttester(attesters[4], sender=oracle_admin)
    oracle.removeAttester(attesters[3], sender=oracle_admin)

    with ape.reverts(oracle.UsageOracleInvalidQuorum, quorum=QUORUM, attesterCount=2):
        oracle.removeAttester(attesters[2], sender=oracle_admin)

    assert oracle.attesterCount() == QUORUM
    assert oracle.isAttester(attesters[2])


def test_remove_attester__after_lowering_quorum__succeeds(oracle, oracle_admin, attesters):
    oracle.setQuorum(1, sender=oracle_admin)
    for attester in attesters[1:]:
        oracle.removeAttester(attester, sender=oracle_admin)

    assert oracle.attesterCount() == 1


# ---------------------------------------------------------------- quorum


@pytest.mark.parametrize("quorum", [1, 5])
def test_set_quorum__within_attester_count__sets_and_emits(oracle, oracle_admin, quorum):
    tx = oracle.setQuorum(quorum, sender=oracle_admin)

    assert [event.quorum for event in tx.decode_logs(oracle.QuorumSet)] == [quorum]
    assert oracle.quorum() == quorum


@pytest.mark.parametrize("quorum", [0, 6])
def test_set_quorum__zero_or_above_attester_count__reverts(oracle, oracle_admin, quorum):
    with ape.reverts(oracle.UsageOracleInvalidQuorum, quorum=quorum, attesterCount=5):
        oracle.setQuorum(quorum, sender=oracle_admin)

    assert oracle.quorum() == QUORUM


# ---------------------------------------------------------------- access


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda oracle, who: oracle.addAttester(who, sender=who), id="addAttester"),
        pytest.param(lambda oracle, who: oracle.removeAttester(who, sender=who), id="removeAttester"),
        pytest.param(lambda oracle, who: oracle.setQuorum(1, sender=who), id="setQuorum"),
    ],
)
@pytest.mark.parametrize("caller", ["stranger", "gov"])
def test_admin_call__without_oracle_admin_role__reverts(oracle, request, call, caller):
    who = request.getfixturevalue(caller)  # gov administers the manager but holds no ORACLE_ADMIN role

    with ape.reverts(oracle.AccessManagedUnauthorized, caller=who.address):
        call(oracle, who)

    assert (oracle.attesterCount(), oracle.quorum()) == (5, QUORUM)


# ---------------------------------------------------------------- deployment (last: these tests deploy their own)


def test_deploy__with_zero_genesis__starts_now(project, manager, gov):
    oracle = project.UsageOracle.deploy(manager, 3600, 0, sender=gov)
    deployed_at = ape.chain.blocks.head.timestamp

    assert (oracle.epochSeconds(), oracle.genesis()) == (3600, deployed_at)
    assert oracle.currentEpoch() == 0
    assert oracle.authority() == manager.address


def test_deploy__with_zero_epoch_length__reverts(project, manager, gov):
    with ape.reverts(project.UsageOracle.UsageOracleInvalidConfig):
        project.UsageOracle.deploy(manager, 0, 0, sender=gov)


def test_deploy__with_future_genesis__reverts(project, manager, gov, chain):
    with ape.reverts(project.UsageOracle.UsageOracleInvalidConfig):
        project.UsageOracle.deploy(manager, 3600, chain.pending_timestamp + 3600, sender=gov)
