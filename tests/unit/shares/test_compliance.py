"""ComplianceRegistry: investor records, freezes, system holders, the ERC-1404 check, recovery, contexts."""

import ape
import pytest

from cap.roles import Role

ZERO = "0x0000000000000000000000000000000000000000"
YEAR = 365 * 86_400


def test_verify__stores_record_and_emits(chain, compliance, compliance_agent, investors):
    until = chain.pending_timestamp + YEAR
    tx = compliance.verifyInvestor(investors[0], until, 276, sender=compliance_agent)
    event = tx.events.filter(compliance.InvestorVerified)[0]
    assert (event.investor, event.verifiedUntil, event.jurisdiction) == (investors[0], until, 276)
    record = compliance.investorOf(investors[0])
    assert (record.verifiedUntil, record.jurisdiction, record.frozen, record.systemHolder) == (until, 276, False, False)
    assert compliance.isVerified(investors[0]) and compliance.canReceive(investors[0])


def test_verify__by_stranger__reverts(chain, compliance, stranger, investors):
    with ape.reverts(compliance.AccessManagedUnauthorized, caller=stranger):
        compliance.verifyInvestor(investors[0], chain.pending_timestamp + YEAR, 840, sender=stranger)
    assert not compliance.isVerified(investors[0])


def test_verify__zero_address_or_past_expiry__reverts(chain, compliance, compliance_agent, investors):
    with ape.reverts(compliance.ComplianceRegistryZeroAddress):
        compliance.verifyInvestor(ZERO, chain.pending_timestamp + YEAR, 840, sender=compliance_agent)
    past = chain.pending_timestamp - 1
    with ape.reverts(compliance.ComplianceRegistryVerificationInPast, investor=investors[0], verifiedUntil=past):
        compliance.verifyInvestor(investors[0], past, 840, sender=compliance_agent)
    assert compliance.investorOf(investors[0]).verifiedUntil == 0


def test_verify_batch__and_length_mismatch(chain, compliance, compliance_agent, investors):
    until = chain.pending_timestamp + YEAR
    compliance.verifyInvestors(investors[:3], [until] * 3, [840, 826, 392], sender=compliance_agent)
    assert [compliance.investorOf(i).jurisdiction for i in investors[:3]] == [840, 826, 392]
    with ape.reverts(compliance.ComplianceRegistryLengthMismatch):
        compliance.verifyInvestors(investors[:2], [until], [840, 840], sender=compliance_agent)
    with ape.reverts(compliance.ComplianceRegistryLengthMismatch):
        compliance.verifyInvestors([], [], [], sender=compliance_agent)


def test_revoke__ends_verification(compliance, compliance_agent, investors, verify):
    verify(investors[0])
    compliance.revokeInvestor(investors[0], sender=compliance_agent)
    assert not compliance.canReceive(investors[0])
    with ape.reverts(compliance.ComplianceRegistryUnchanged, account=investors[0]):
        compliance.revokeInvestor(investors[0], sender=compliance_agent)


def test_require_can_receive__each_reason(chain, compliance, compliance_agent, investors, verify):
    unverified, expiring, frozen = investors[:3]
    with ape.reverts(compliance.ComplianceRegistryZeroAddress):
        compliance.requireCanReceive(ZERO)
    with ape.reverts(compliance.ComplianceRegistryRecipientNotVerified, recipient=unverified):
        compliance.requireCanReceive(unverified)
    verify(expiring, days=1)
    verify(frozen)
    compliance.freeze(frozen, True, [], sender=compliance_agent)
    with ape.reverts(compliance.ComplianceRegistryRecipientFrozen, recipient=frozen):
        compliance.requireCanReceive(frozen)
    chain.mine(timestamp=chain.pending_timestamp + 2 * 86_400)
    until = compliance.investorOf(expiring).verifiedUntil
    with ape.reverts(
        compliance.ComplianceRegistryRecipientVerificationExpired, recipient=expiring, verifiedUntil=until
    ):
        compliance.requireCanReceive(expiring)


def test_detect_transfer_restriction__codes_and_messages(compliance, compliance_agent, investors, verify):
    a, b, c = investors[:3]
    verify(a, b)
    assert compliance.detectTransferRestriction(a, b, 1) == 0
    assert compliance.detectTransferRestriction(a, ZERO, 1) == 1
    assert compliance.detectTransferRestriction(a, c, 1) == 2
    compliance.freeze(a, True, [], sender=compliance_agent)
    assert compliance.detectTransferRestriction(a, b, 1) == 5
    assert compliance.detectTransferRestriction(b, a, 1) == 4
    assert compliance.messageForTransferRestriction(0) == "No restriction"
    assert compliance.messageForTransferRestriction(2) == "Recipient is not a verified investor"
    assert compliance.messageForTransferRestriction(5) == "Sender is frozen"
    assert compliance.messageForTransferRestriction(200) == "Unknown restriction code"


def test_freeze__unchanged_or_zero__reverts(compliance, compliance_agent, investors):
    with ape.reverts(compliance.ComplianceRegistryUnchanged, account=investors[0]):
        compliance.freeze(investors[0], False, [], sender=compliance_agent)
    with ape.reverts(compliance.ComplianceRegistryZeroAddress):
        compliance.freeze(ZERO, True, [], sender=compliance_agent)


def test_freeze__with_unknown_token__reverts(compliance, compliance_agent, investors, stablecoin):
    with ape.reverts(compliance.ComplianceRegistryUnknownShareToken, token=stablecoin):
        compliance.freeze(investors[0], True, [stablecoin], sender=compliance_agent)
    assert not compliance.investorOf(investors[0]).frozen


def test_system_holder__contracts_only(compliance, compliance_agent, gov, investors, factory, stranger):
    with ape.reverts(compliance.ComplianceRegistrySystemHolderConflict, account=investors[0]):
        compliance.setSystemHolder(investors[0], True, sender=gov)  # an EOA would bypass verification
    with ape.reverts(compliance.AccessManagedUnauthorized):
        compliance.setSystemHolder(factory, True, sender=stranger)
    tx = compliance.setSystemHolder(factory, True, sender=gov)
    assert tx.events.filter(compliance.SystemHolderSet)[0].enabled
    assert compliance.canReceive(factory) and compliance.investorOf(factory).systemHolder
    with ape.reverts(compliance.ComplianceRegistryUnchanged, account=factory):
        compliance.setSystemHolder(factory, True, sender=gov)
    with ape.reverts(compliance.ComplianceRegistrySystemHolderConflict, account=factory):
        compliance.verifyInvestor(factory, 2**40, 840, sender=compliance_agent)


def test_register_share_token__only_system_role(compliance, stranger, gov):
    with ape.reverts(compliance.AccessManagedUnauthorized, caller=stranger):
        compliance.registerShareToken(stranger, 1, sender=stranger)
    with ape.reverts(compliance.AccessManagedUnauthorized, caller=gov):
        compliance.registerShareToken(stranger, 1, sender=gov)


@pytest.mark.parametrize(
    "call",
    [
        lambda c, who: c.verifyInvestor(who, 2**40, 840, sender=who),
        lambda c, who: c.revokeInvestor(who, sender=who),
        lambda c, who: c.freeze(who, True, [], sender=who),
        lambda c, who: c.freezeOnToken(who, who, True, sender=who),
        lambda c, who: c.forceTransfer(who, who, who, 1, sender=who),
        lambda c, who: c.recoverWallet(who, who, [], sender=who),
    ],
    ids=["verifyInvestor", "revokeInvestor", "freeze", "freezeOnToken", "forceTransfer", "recoverWallet"],
)
def test_agent_functions__by_stranger__revert(compliance, stranger, call):
    with ape.reverts(compliance.AccessManagedUnauthorized, caller=stranger):
        call(compliance, stranger)


def test_role_of_compliance_functions_is_compliance(manager, compliance):
    from cap.deploy import selector

    assert manager.getTargetFunctionRole(compliance, selector(compliance, "forceTransfer")) == Role.COMPLIANCE
