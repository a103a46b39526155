"""Governance of the offering contract: the role table, the bounded fee, the treasury, pausing."""

import ape

from cap.deploy import FUNCTION_ROLES, selector

ZERO = "0x0000000000000000000000000000000000000000"


def test_function_roles__as_in_deploy_table(offering, manager):
    for name, role in FUNCTION_ROLES["offering"].items():
        assert manager.getTargetFunctionRole(offering, selector(offering, name)) == role


def test_deployment__wired(offering, system, treasury):
    assert offering.STABLECOIN() == system.stablecoin
    assert offering.COMPLIANCE() == system.compliance
    assert offering.ASSETS() == system.assets
    assert offering.treasury() == treasury
    assert system.compliance.investorOf(offering).systemHolder


def test_set_protocol_fee__bounded(offering, gov):
    tx = offering.setProtocolFee(1_000, sender=gov)
    assert tx.events.filter(offering.ProtocolFeeSet)[0].feeBps == 1_000
    with ape.reverts(offering.ShareOfferingFeeTooHigh, feeBps=1_001, maxFeeBps=1_000):
        offering.setProtocolFee(1_001, sender=gov)


def test_set_treasury(offering, gov, stranger):
    offering.setTreasury(stranger, sender=gov)
    assert offering.treasury() == stranger
    with ape.reverts(offering.ShareOfferingZeroAddress):
        offering.setTreasury(ZERO, sender=gov)


def test_restricted__others__revert(offering, stranger, operator, pauser, gov):
    for call in (
        lambda who: offering.setProtocolFee(0, sender=who),
        lambda who: offering.setTreasury(who, sender=who),
        lambda who: offering.pause(sender=who),
    ):
        for caller in (stranger, operator):
            with ape.reverts(offering.AccessManagedUnauthorized, caller=caller):
                call(caller)
    with ape.reverts(offering.AccessManagedUnauthorized, caller=gov):
        offering.pause(sender=gov)
    with ape.reverts(offering.AccessManagedUnauthorized, caller=pauser):
        offering.setProtocolFee(0, sender=pauser)
