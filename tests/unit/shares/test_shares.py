"""AssetShares and its factory: custody, compliant transfers, freezes, forced transfers, recovery, revenue, redeem."""

import ape
import pytest

from cap.assets import Status
from cap.deploy import grant
from cap.roles import Role

ZERO = "0x0000000000000000000000000000000000000000"
SUPPLY = 1_000_000 * 10**18
USD = 10**6


# ---------------------------------------------------------------- factory


def test_fractionalize__locks_nft_and_mints_supply(assets, factory, compliance, operator, shares):
    asset_id = shares.assetId()
    assert assets.ownerOf(asset_id) == shares.address
    assert factory.sharesOf(asset_id) == shares.address
    assert compliance.isShareToken(shares)
    assert shares.totalSupply() == SUPPLY == shares.balanceOf(operator)
    assert shares.name() == f"Compute Asset #{asset_id} Shares"
    assert shares.symbol() == f"CAS-{asset_id}"
    assert shares.decimals() == 18


def test_fractionalize__emits(assets, factory, operator, register_asset, activate, verify):
    asset_id = register_asset()
    activate(asset_id)
    verify(operator)
    assets.approve(factory, asset_id, sender=operator)
    tx = factory.fractionalize(asset_id, operator, SUPPLY, sender=operator)
    event = tx.events.filter(factory.Fractionalized)[0]
    assert (event.assetId, event.recipient, event.supply) == (asset_id, operator, SUPPLY)


def test_fractionalize__twice__reverts(factory, operator, shares):
    asset_id = shares.assetId()
    with ape.reverts(factory.AssetSharesFactoryNotAssetOwner, assetId=asset_id, owner=shares):
        factory.fractionalize(asset_id, operator, SUPPLY, sender=operator)


def test_fractionalize__inactive_asset__reverts(assets, factory, operator, register_asset, verify):
    asset_id = register_asset()
    verify(operator)
    assets.approve(factory, asset_id, sender=operator)
    with ape.reverts(factory.AssetSharesFactoryAssetNotActive, assetId=asset_id, status=Status.REGISTERED):
        factory.fractionalize(asset_id, operator, SUPPLY, sender=operator)
    assert assets.ownerOf(asset_id) == operator


def test_fractionalize__by_non_owner__reverts(factory, register_asset, activate, stranger, operator):
    asset_id = register_asset()
    activate(asset_id)
    with ape.reverts(factory.AssetSharesFactoryNotAssetOwner, assetId=asset_id, caller=stranger, owner=operator):
        factory.fractionalize(asset_id, stranger, SUPPLY, sender=stranger)


@pytest.mark.parametrize("supply", [10**18 - 1, 10**27 + 1])
def test_fractionalize__supply_out_of_bounds__reverts(
    assets, factory, compliance, operator, register_asset, activate, verify, supply
):
    asset_id = register_asset()
    activate(asset_id)
    verify(operator)
    assets.approve(factory, asset_id, sender=operator)
    with ape.reverts(compliance.AssetSharesInvalidSupply, supply=supply):
        factory.fractionalize(asset_id, operator, supply, sender=operator)
    assert factory.sharesOf(asset_id) == ZERO and assets.ownerOf(asset_id) == operator


def test_fractionalize__to_unverified_recipient__reverts(
    assets, factory, compliance, operator, register_asset, activate, verify, stranger
):
    asset_id = register_asset()
    activate(asset_id)
    assets.approve(factory, asset_id, sender=operator)
    with ape.reverts(compliance.ComplianceRegistryRecipientNotVerified, recipient=stranger):
        factory.fractionalize(asset_id, stranger, SUPPLY, sender=operator)
    assert factory.sharesOf(asset_id) == ZERO


def test_fractionalize__when_paused__reverts(assets, factory, operator, pauser, register_asset, activate, stranger):
    with ape.reverts(factory.AccessManagedUnauthorized):
        factory.pause(sender=stranger)
    asset_id = register_asset()
    activate(asset_id)
    factory.pause(sender=pauser)
    with ape.reverts(factory.EnforcedPause):
        factory.fractionalize(asset_id, operator, SUPPLY, sender=operator)
    factory.unpause(sender=pauser)


def test_initialize__again_or_on_registry__reverts(compliance, shares, operator):
    with ape.reverts(shares.AssetSharesAlreadyInitialized):
        shares.initialize(1, operator, SUPPLY, sender=operator)
    with ape.reverts(compliance.ComplianceRegistryWrongContext):
        compliance.initialize(1, operator, SUPPLY, sender=operator)


def test_contexts__registry_functions_refuse_clone_context(shares, compliance_agent, investors):
    with ape.reverts(shares.ComplianceRegistryWrongContext):
        shares.verifyInvestor(investors[0], 2**40, 840, sender=compliance_agent)
    with ape.reverts(shares.ComplianceRegistryWrongContext):
        shares.isVerified(investors[0])


def test_contexts__token_functions_refuse_registry_context(compliance, operator, investors):
    with ape.reverts(compliance.ComplianceRegistryWrongContext):
        compliance.transfer(investors[0], 1, sender=operator)
    with ape.reverts(compliance.ComplianceRegistryWrongContext):
        compliance.distribute(1, sender=operator)


def test_token_admin_functions__only_registry(shares, operator, investors):
    with ape.reverts(shares.ComplianceRegistryWrongContext):
        shares.setHolderFrozen(investors[0], True, sender=operator)
    with ape.reverts(shares.ComplianceRegistryWrongContext):
        shares.forcedTransfer(operator, investors[0], 1, sender=operator)
    with ape.reverts(shares.ComplianceRegistryWrongContext):
        shares.recoverPosition(operator, investors[0], sender=operator)


# ---------------------------------------------------------------- transfers


def test_transfer__between_verified_holders(shares, operator, investors):
    tx = shares.transfer(investors[0], 100 * 10**18, sender=operator)
    event = tx.events.filter(shares.Transfer)[0]
    assert (event["from"], event.to, event.value) == (operator, investors[0], 100 * 10**18)
    assert shares.balanceOf(investors[0]) == 100 * 10**18
    assert shares.balanceOf(operator) == SUPPLY - 100 * 10**18


def test_transfer__to_unverified__reverts(shares, operator, stranger):
    with ape.reverts(shares.ComplianceRegistryRecipientNotVerified, recipient=stranger):
        shares.transfer(stranger, 1, sender=operator)
    assert shares.balanceOf(stranger) == 0 and shares.balanceOf(operator) == SUPPLY


def test_transfer__to_zero__reverts(shares, operator):
    with ape.reverts(shares.ComplianceRegistryZeroAddress):
        shares.transfer(ZERO, 1, sender=operator)


def test_transfer__to_expired__reverts(chain, shares, operator, accounts, verify):
    late = accounts[12]
    verify(late, days=1)
    chain.pending_timestamp += 2 * 86_400
    with ape.reverts(shares.ComplianceRegistryRecipientVerificationExpired, recipient=late):
        shares.transfer(late, 1, sender=operator)
    assert shares.balanceOf(late) == 0


def test_transfer__to_frozen__reverts(shares, compliance, compliance_agent, operator, investors):
    compliance.freeze(investors[0], True, [], sender=compliance_agent)
    with ape.reverts(shares.ComplianceRegistryRecipientFrozen, recipient=investors[0]):
        shares.transfer(investors[0], 1, sender=operator)


def test_transfer__from_holder_frozen_on_token__reverts(shares, compliance, compliance_agent, operator, investors):
    shares.transfer(investors[0], 10, sender=operator)
    compliance.freeze(investors[0], True, [shares], sender=compliance_agent)
    assert shares.isFrozen(investors[0])
    with ape.reverts(shares.AssetSharesHolderFrozen, holder=investors[0]):
        shares.transfer(investors[1], 1, sender=investors[0])
    assert shares.detectTransferRestriction(investors[0], investors[1], 1) == 5
    compliance.freeze(investors[0], False, [shares], sender=compliance_agent)
    shares.transfer(investors[1], 1, sender=investors[0])


def test_transfer__more_than_balance__reverts(shares, investors):
    with ape.reverts(shares.AssetSharesInsufficientBalance, holder=investors[0], balance=0, needed=1):
        shares.transfer(investors[1], 1, sender=investors[0])


def test_transfer__to_self_keeps_balance(shares, operator):
    shares.transfer(operator, 5, sender=operator)
    assert shares.balanceOf(operator) == SUPPLY


def test_transfer_from__spends_allowance(shares, operator, investors):
    shares.approve(investors[0], 50, sender=operator)
    shares.transferFrom(operator, investors[1], 30, sender=investors[0])
    assert shares.allowance(operator, investors[0]) == 20
    with ape.reverts(shares.AssetSharesInsufficientAllowance, spender=investors[0], allowance=20, needed=21):
        shares.transferFrom(operator, investors[1], 21, sender=investors[0])
    shares.approve(investors[0], 2**256 - 1, sender=operator)
    shares.transferFrom(operator, investors[1], 5, sender=investors[0])
    assert shares.allowance(operator, investors[0]) == 2**256 - 1
    with ape.reverts(shares.AssetSharesZeroAddress):
        shares.approve(ZERO, 1, sender=operator)


def test_detect_transfer_restriction__on_token(shares, operator, investors, stranger):
    assert shares.detectTransferRestriction(operator, investors[0], 1) == 0
    assert shares.detectTransferRestriction(operator, stranger, 1) == 2
    assert shares.detectTransferRestriction(investors[0], operator, 1) == 6


# ---------------------------------------------------------------- compliance agent powers


def test_force_transfer__moves_shares_of_frozen_holder(shares, compliance, compliance_agent, operator, investors):
    shares.transfer(investors[0], 100, sender=operator)
    compliance.freeze(investors[0], True, [shares], sender=compliance_agent)
    tx = compliance.forceTransfer(shares, investors[0], investors[1], 60, sender=compliance_agent)
    assert tx.events.filter(shares.ForcedTransfer)[0].amount == 60
    assert shares.balanceOf(investors[0]) == 40 and shares.balanceOf(investors[1]) == 60


def test_force_transfer__to_unverified__reverts(project, shares, compliance, compliance_agent, operator, stranger):
    # The error comes back through registry -> token -> registry: match it by type, not by address.
    with ape.reverts(project.ComplianceRegistry.ComplianceRegistryRecipientNotVerified, recipient=stranger):
        compliance.forceTransfer(shares, operator, stranger, 1, sender=compliance_agent)


def test_force_transfer__unknown_token__reverts(compliance, compliance_agent, operator, investors, stablecoin):
    with ape.reverts(compliance.ComplianceRegistryUnknownShareToken, token=stablecoin):
        compliance.forceTransfer(stablecoin, operator, investors[0], 1, sender=compliance_agent)


def test_freeze_on_token__and_unchanged(shares, compliance, compliance_agent, investors):
    compliance.freezeOnToken(shares, investors[0], True, sender=compliance_agent)
    assert shares.isFrozen(investors[0])
    with ape.reverts(compliance.ComplianceRegistryUnchanged, account=investors[0]):
        compliance.freezeOnToken(shares, investors[0], True, sender=compliance_agent)
    assert not compliance.investorOf(investors[0]).frozen  # the registry record is untouched


def test_recover_wallet__moves_record_position_and_revenue(
    shares, compliance, compliance_agent, operator, investors, accounts, stablecoin, gov
):
    lost, replacement = investors[0], accounts[13]
    shares.transfer(lost, SUPPLY // 4, sender=operator)
    stablecoin.mint(gov, 1_000 * USD, sender=gov)
    stablecoin.approve(shares, 1_000 * USD, sender=gov)
    shares.distribute(1_000 * USD, sender=gov)
    owed = shares.claimableOf(lost)
    assert owed == 250 * USD
    record = compliance.investorOf(lost)
    tx = compliance.recoverWallet(lost, replacement, [shares], sender=compliance_agent)
    assert tx.events.filter(compliance.WalletRecovered)[0].replacement == replacement
    assert compliance.investorOf(replacement).verifiedUntil == record.verifiedUntil
    assert compliance.investorOf(lost).frozen
    assert shares.balanceOf(replacement) == SUPPLY // 4 and shares.balanceOf(lost) == 0
    assert shares.claimableOf(replacement) == owed and shares.claimableOf(lost) == 0
    shares.claim(sender=replacement)
    assert stablecoin.balanceOf(replacement) == owed


def test_recover_wallet__to_existing_investor_or_self__reverts(compliance, compliance_agent, investors, verify):
    verify(investors[0], investors[1])
    with ape.reverts(compliance.ComplianceRegistryInvalidReplacement, lost=investors[0], replacement=investors[1]):
        compliance.recoverWallet(investors[0], investors[1], [], sender=compliance_agent)
    with ape.reverts(compliance.ComplianceRegistryInvalidReplacement):
        compliance.recoverWallet(investors[0], investors[0], [], sender=compliance_agent)
    with ape.reverts(compliance.ComplianceRegistryInvalidReplacement):
        compliance.recoverWallet(investors[0], ZERO, [], sender=compliance_agent)


# ---------------------------------------------------------------- revenue


@pytest.fixture
def fund(stablecoin, gov):
    def fund(shares, amount):
        stablecoin.mint(gov, amount, sender=gov)
        stablecoin.approve(shares, amount, sender=gov)
        return shares.distribute(amount, sender=gov)

    return fund


def test_distribute__owes_holders_pro_rata(shares, operator, investors, fund, stablecoin):
    shares.transfer(investors[0], SUPPLY // 10, sender=operator)
    tx = fund(shares, 10_000 * USD)
    assert tx.events.filter(shares.RevenueDistributed)[0].amount == 10_000 * USD
    assert shares.claimableOf(investors[0]) == 1_000 * USD
    assert shares.claimableOf(operator) == 9_000 * USD
    assert shares.accountedRevenue() == 10_000 * USD
    assert stablecoin.balanceOf(shares) == 10_000 * USD


def test_transfer__revenue_earned_before_stays_with_seller(shares, operator, investors, fund):
    shares.transfer(investors[0], SUPPLY // 2, sender=operator)
    fund(shares, 1_000 * USD)
    shares.transfer(investors[1], SUPPLY // 2, sender=investors[0])
    assert shares.claimableOf(investors[0]) == 500 * USD
    assert shares.claimableOf(investors[1]) == 0
    fund(shares, 1_000 * USD)
    assert shares.claimableOf(investors[1]) == 500 * USD
    assert shares.claimableOf(investors[0]) == 500 * USD


def test_claim__pays_and_resets(shares, operator, investors, fund, stablecoin):
    shares.transfer(investors[0], SUPPLY // 4, sender=operator)
    fund(shares, 4_000 * USD)
    tx = shares.claim(sender=investors[0])
    assert tx.events.filter(shares.RevenueClaimed)[0].amount == 1_000 * USD
    assert stablecoin.balanceOf(investors[0]) == 1_000 * USD
    assert shares.claimableOf(investors[0]) == 0
    with ape.reverts(shares.AssetSharesNothingToClaim, holder=investors[0]):
        shares.claim(sender=investors[0])


def test_claim_for__pays_the_holder_not_the_caller(shares, operator, investors, fund, stablecoin, stranger):
    fund(shares, 100 * USD)
    shares.claimFor(operator, sender=stranger)
    assert stablecoin.balanceOf(operator) == 100 * USD
    assert stablecoin.balanceOf(stranger) == 0


def test_claim__frozen_holder__reverts(shares, compliance, compliance_agent, operator, investors, fund):
    shares.transfer(investors[0], SUPPLY // 4, sender=operator)
    fund(shares, 100 * USD)
    compliance.freeze(investors[0], True, [], sender=compliance_agent)
    with ape.reverts(shares.AssetSharesHolderFrozen, holder=investors[0]):
        shares.claim(sender=investors[0])
    assert shares.claimableOf(investors[0]) == 25 * USD


def test_distribute__zero__reverts(shares, gov):
    with ape.reverts(shares.AssetSharesNothingToDistribute, amount=0):
        shares.distribute(0, sender=gov)


def test_rounding__dust_stays_and_is_bounded(shares, operator, investors, fund, stablecoin):
    thirds = SUPPLY // 3
    shares.transfer(investors[0], thirds, sender=operator)
    shares.transfer(investors[1], thirds, sender=operator)
    for _ in range(3):
        fund(shares, 100)  # 100 units split three ways: each distribution may leave dust
    holders = [operator, investors[0], investors[1]]
    owed = [shares.claimableOf(h) for h in holders]
    for holder in holders:
        shares.claim(sender=holder)
    dust = stablecoin.balanceOf(shares)
    assert sum(owed) + dust == 300
    assert 0 <= dust <= len(holders) + 3  # below one unit per holder plus one per distribution


def test_distribute__fee_on_transfer_stablecoin__reverts(
    chain, gov, params, operator, project, spec, attesters, investors
):
    """A system wired to a token that takes a fee on transfer refuses the short revenue transfer."""
    from eth_utils import keccak

    from cap.deploy import deploy_system
    from cap.reports import UsageReport, submit_reports

    fee_token = project.FeeOnTransferToken.deploy(sender=gov)
    other = deploy_system(gov, params, stablecoin=fee_token)
    for role, account in [
        (Role.ONBOARDING, gov),
        (Role.OPERATOR, operator),
        (Role.ORACLE_ADMIN, gov),
        (Role.COMPLIANCE, gov),
    ]:
        grant(other, gov, role, account)
    other.oracle.addAttester(attesters[0], sender=gov)
    other.oracle.setQuorum(1, sender=gov)
    tx = other.assets.registerAsset(spec.as_tuple(), keccak(text="fee"), keccak(text="doc"), sender=operator)
    asset_id = tx.events.filter(other.assets.AssetRegistered)[0].assetId
    chain.mine(timestamp=chain.pending_timestamp + 4 * params.epoch_seconds)
    now = other.oracle.currentEpoch()
    reports = [UsageReport(asset_id, e, 10_000, 9_000, 8_000, 9_000, 1, bytes(32)) for e in range(now - 3, now)]
    submit_reports(other.oracle, reports, attesters[:1], gov)
    other.assets.activate(asset_id, sender=operator)
    other.compliance.verifyInvestor(operator, chain.pending_timestamp + 86_400, 840, sender=gov)
    other.assets.approve(other.factory, asset_id, sender=operator)
    other.factory.fractionalize(asset_id, operator, SUPPLY, sender=operator)
    fee_shares = other.shares(asset_id)

    fee_token.mint(gov, 1_000 * USD, sender=gov)
    fee_token.approve(fee_shares, 1_000 * USD, sender=gov)
    with ape.reverts(fee_shares.AssetSharesTransferShortfall, expected=1_000 * USD, received=990 * USD):
        fee_shares.distribute(1_000 * USD, sender=gov)
    assert fee_shares.accountedRevenue() == 0 and fee_shares.pointsPerShare() == 0


# ---------------------------------------------------------------- redeem


def test_redeem__whole_supply_gets_the_nft(
    assets, factory, shares, operator, fund, stablecoin, register_asset, activate
):
    fund(shares, 300 * USD)
    asset_id = shares.assetId()
    tx = shares.redeem(sender=operator)
    assert tx.events.filter(shares.Redeemed)[0].assetId == asset_id
    assert assets.ownerOf(asset_id) == operator
    assert shares.totalSupply() == 0 and shares.balanceOf(operator) == 0 and shares.redeemed()
    assert shares.claimableOf(operator) == 300 * USD  # revenue earned before the burn stays claimable
    shares.claim(sender=operator)
    stablecoin.mint(shares, 1, sender=operator)  # revenue pushed to a redeemed token has no holders to go to
    with ape.reverts(shares.AssetSharesNothingToDistribute, amount=1, totalSupply=0):
        shares.notifyRevenue(sender=operator)
    # The asset can be split again.
    assets.approve(factory, asset_id, sender=operator)
    factory.fractionalize(asset_id, operator, SUPPLY, sender=operator)
    assert factory.sharesOf(asset_id) != shares.address


def test_redeem__without_whole_supply__reverts(shares, operator, investors):
    shares.transfer(investors[0], 1, sender=operator)
    with ape.reverts(shares.AssetSharesNotWholeSupply, holder=operator, balance=SUPPLY - 1, totalSupply=SUPPLY):
        shares.redeem(sender=operator)
    assert not shares.redeemed()


def test_redeem__while_leased__reverts(chain, assets, shares, operator, system, gov, accounts):
    market = accounts[10]
    grant(system, gov, Role.LEASE_MARKET, market)
    asset_id = shares.assetId()
    assets.setUser(asset_id, accounts[11], chain.pending_timestamp + 3600, sender=market)
    with ape.reverts(shares.AssetSharesAssetBound, assetId=asset_id):
        shares.redeem(sender=operator)
    assert assets.ownerOf(asset_id) == shares.address


def test_notify_revenue__distributes_what_was_pushed(shares, operator, investors, stablecoin, gov):
    shares.transfer(investors[0], SUPPLY // 4, sender=operator)
    stablecoin.mint(shares, 400 * USD, sender=gov)  # pushed, not yet distributed
    assert shares.claimableOf(investors[0]) == 0
    tx = shares.notifyRevenue(sender=gov)
    assert tx.events.filter(shares.RevenueDistributed)[0].amount == 400 * USD
    assert shares.claimableOf(investors[0]) == 100 * USD
    assert shares.accountedRevenue() == 400 * USD
    with ape.reverts(shares.AssetSharesNothingToDistribute, amount=0):
        shares.notifyRevenue(sender=gov)


def test_notify_revenue__claims_do_not_count_as_new_revenue(shares, operator, fund, stablecoin):
    fund(shares, 100 * USD)
    shares.claim(sender=operator)
    assert shares.accountedRevenue() == 0 and stablecoin.balanceOf(shares) == 0
    with ape.reverts(shares.AssetSharesNothingToDistribute):
        shares.notifyRevenue(sender=operator)
