"""ComputeAssetRegistry: registration, burn-in activation, lifecycle, ERC-4907 user, hooks, pause."""

import ape
import pytest
from eth_utils import keccak

from cap.assets import HardwareSpec, Status
from cap.deploy import grant
from cap.roles import Role

ZERO = "0x0000000000000000000000000000000000000000"


def test_register__mints_to_operator_with_spec(assets, operator, register_asset, spec):
    serial = keccak(text="node-a")
    asset_id = register_asset(serial)
    asset = assets.assetOf(asset_id)
    assert assets.ownerOf(asset_id) == operator
    assert assets.operatorOf(asset_id) == operator
    assert asset.status == Status.REGISTERED
    assert HardwareSpec.from_chain(asset.spec) == spec
    assert assets.assetIdBySerial(serial) == asset_id


def test_register__emits_events(assets, operator, spec):
    tx = assets.registerAsset(spec.as_tuple(), keccak(text="e"), keccak(text="doc"), sender=operator)
    registered = tx.events.filter(assets.AssetRegistered)[0]
    assert registered.operator == operator and registered.serialHash == keccak(text="e")
    changed = tx.events.filter(assets.AssetStatusChanged)[0]
    assert (changed.previous, changed.current) == (Status.NONE, Status.REGISTERED)


def test_register__by_non_operator__reverts(assets, stranger, spec):
    count = assets.assetCount()
    with ape.reverts(assets.AccessManagedUnauthorized, caller=stranger):
        assets.registerAsset(spec.as_tuple(), keccak(text="x"), keccak(text="doc"), sender=stranger)
    assert assets.assetCount() == count


def test_register__with_duplicate_serial__reverts(assets, register_asset):
    first = register_asset(keccak(text="dup"))
    with ape.reverts(assets.ComputeAssetRegistryDuplicateSerial, serialHash=keccak(text="dup"), existingAssetId=first):
        register_asset(keccak(text="dup"))
    assert assets.assetCount() == first


@pytest.mark.parametrize(
    "field, change",
    [
        ("gpuModel", {"gpu_model": ""}),
        ("gpuCount", {"gpu_count": 0}),
    ],
)
def test_register__with_empty_spec_field__reverts(assets, operator, spec, field, change):
    bad = HardwareSpec(**{**spec.__dict__, **change})
    with ape.reverts(assets.ComputeAssetRegistryInvalidSpec, field=field):
        assets.registerAsset(bad.as_tuple(), keccak(text="s"), keccak(text="doc"), sender=operator)


def test_register__with_zero_hashes__reverts(assets, operator, spec):
    with ape.reverts(assets.ComputeAssetRegistryInvalidSpec, field="serialHash"):
        assets.registerAsset(spec.as_tuple(), bytes(32), keccak(text="doc"), sender=operator)
    with ape.reverts(assets.ComputeAssetRegistryInvalidSpec, field="legalDocHash"):
        assets.registerAsset(spec.as_tuple(), keccak(text="s"), bytes(32), sender=operator)


# ---------------------------------------------------------------- activation


def test_activate__after_burn_in__is_active(assets, register_asset, activate):
    asset_id = register_asset()
    activate(asset_id)
    assert assets.statusOf(asset_id) == Status.ACTIVE


def test_activate__without_reports__reverts(assets, operator, register_asset, params):
    asset_id = register_asset()
    with ape.reverts(
        assets.ComputeAssetRegistryBurnInIncomplete,
        assetId=asset_id,
        requiredEpochs=params.burn_in_epochs,
        minUptimeBps=params.burn_in_min_uptime_bps,
    ):
        assets.activate(asset_id, sender=operator)
    assert assets.statusOf(asset_id) == Status.REGISTERED


def test_activate__with_one_epoch_below_threshold__reverts(chain, assets, oracle, operator, register_asset, attest):
    asset_id = register_asset()
    chain.pending_timestamp += 3600
    start = oracle.currentEpoch() + 1
    attest(asset_id, [start])
    attest(asset_id, [start + 1], uptime_bps=9_000)
    attest(asset_id, [start + 2])
    with ape.reverts(assets.ComputeAssetRegistryBurnInIncomplete):
        assets.activate(asset_id, sender=operator)


def test_activate__with_a_missing_epoch__reverts(chain, assets, oracle, operator, register_asset, attest):
    asset_id = register_asset()
    chain.pending_timestamp += 3600
    start = oracle.currentEpoch() + 1
    attest(asset_id, [start, start + 2, start + 3])  # start + 1 missing: downtime
    with ape.reverts(assets.ComputeAssetRegistryBurnInIncomplete):
        assets.activate(asset_id, sender=operator)


def test_activate__with_stale_burn_in__reverts(chain, assets, oracle, operator, register_asset, attest):
    asset_id = register_asset()
    chain.pending_timestamp += 3600
    start = oracle.currentEpoch() + 1
    attest(asset_id, range(start, start + 3))
    chain.pending_timestamp += 3 * 3600  # no reports since: the machine may be gone
    with ape.reverts(assets.ComputeAssetRegistryBurnInIncomplete):
        assets.activate(asset_id, sender=operator)


def test_activate__by_stranger__reverts(assets, stranger, register_asset):
    asset_id = register_asset()
    with ape.reverts(assets.ComputeAssetRegistryUnauthorized, caller=stranger, assetId=asset_id):
        assets.activate(asset_id, sender=stranger)


def test_activate__when_active__reverts(assets, operator, register_asset, activate):
    asset_id = register_asset()
    activate(asset_id)
    with ape.reverts(assets.ComputeAssetRegistryInvalidStatus, assetId=asset_id, status=Status.ACTIVE):
        assets.activate(asset_id, sender=operator)


def test_activate__unknown_asset__reverts(assets, operator):
    with ape.reverts(assets.ComputeAssetRegistryUnknownAsset, assetId=99):
        assets.activate(99, sender=operator)


# ---------------------------------------------------------------- suspend / retire


def test_suspend__then_reactivate_needs_a_fresh_burn_in(
    chain, assets, oracle, operator, register_asset, activate, attest
):
    asset_id = register_asset()
    activate(asset_id)
    assets.suspend(asset_id, sender=operator)
    assert assets.statusOf(asset_id) == Status.SUSPENDED
    # The burn-in from before the suspension does not count again.
    with ape.reverts(assets.ComputeAssetRegistryBurnInIncomplete):
        assets.activate(asset_id, sender=operator)
    activate(asset_id)
    assert assets.statusOf(asset_id) == Status.ACTIVE


def test_suspend__by_governance__works(assets, gov, register_asset, activate):
    asset_id = register_asset()
    activate(asset_id)
    assets.suspend(asset_id, sender=gov)
    assert assets.statusOf(asset_id) == Status.SUSPENDED


def test_suspend__by_stranger__reverts(assets, stranger, register_asset, activate):
    asset_id = register_asset()
    activate(asset_id)
    with ape.reverts(assets.ComputeAssetRegistryUnauthorized, caller=stranger):
        assets.suspend(asset_id, sender=stranger)
    assert assets.statusOf(asset_id) == Status.ACTIVE


def test_suspend__when_not_active__reverts(assets, operator, register_asset):
    asset_id = register_asset()
    with ape.reverts(assets.ComputeAssetRegistryInvalidStatus, status=Status.REGISTERED):
        assets.suspend(asset_id, sender=operator)


def test_retire__is_final(assets, operator, register_asset):
    asset_id = register_asset()
    assets.retire(asset_id, sender=operator)
    assert assets.statusOf(asset_id) == Status.RETIRED
    with ape.reverts(assets.ComputeAssetRegistryInvalidStatus, status=Status.RETIRED):
        assets.retire(asset_id, sender=operator)
    with ape.reverts(assets.ComputeAssetRegistryInvalidStatus, status=Status.RETIRED):
        assets.activate(asset_id, sender=operator)


def test_retire__while_leased__reverts(chain, assets, gov, operator, register_asset, activate, system, accounts):
    asset_id = register_asset()
    activate(asset_id)
    lease_market = accounts[10]
    grant(system, gov, Role.LEASE_MARKET, lease_market)
    assets.setUser(asset_id, accounts[11], chain.pending_timestamp + 86_400, sender=lease_market)
    with ape.reverts(assets.ComputeAssetRegistryAssetBound, assetId=asset_id):
        assets.retire(asset_id, sender=operator)


# ---------------------------------------------------------------- ERC-4907


@pytest.fixture
def lease_market(system, gov, accounts):
    market = accounts[10]
    grant(system, gov, Role.LEASE_MARKET, market)
    return market


def test_set_user__by_lease_market__sets_user_until_expiry(
    chain, assets, register_asset, activate, lease_market, accounts
):
    asset_id = register_asset()
    activate(asset_id)
    renter = accounts[11]
    expires = chain.pending_timestamp + 3600
    tx = assets.setUser(asset_id, renter, expires, sender=lease_market)
    event = tx.events.filter(assets.UpdateUser)[0]
    assert (event.tokenId, event.user, event.expires) == (asset_id, renter, expires)
    assert assets.userOf(asset_id) == renter and assets.userExpires(asset_id) == expires
    assert assets.isBound(asset_id)
    chain.mine(timestamp=expires + 1)
    assert assets.userOf(asset_id) == ZERO
    assert not assets.isBound(asset_id)


def test_set_user__by_owner__reverts(chain, assets, operator, register_asset, activate, accounts):
    asset_id = register_asset()
    activate(asset_id)
    with ape.reverts(assets.AccessManagedUnauthorized, caller=operator):
        assets.setUser(asset_id, accounts[11], chain.pending_timestamp + 3600, sender=operator)
    assert assets.userOf(asset_id) == ZERO


def test_set_user__on_inactive_or_with_bad_values__reverts(
    chain, assets, register_asset, activate, lease_market, accounts
):
    registered = register_asset()
    future = chain.pending_timestamp + 3600
    with ape.reverts(assets.ComputeAssetRegistryInvalidUser, assetId=registered):
        assets.setUser(registered, accounts[11], future, sender=lease_market)
    active = register_asset()
    activate(active)
    with ape.reverts(assets.ComputeAssetRegistryInvalidUser, user=ZERO):
        assets.setUser(active, ZERO, chain.pending_timestamp + 3600, sender=lease_market)
    with ape.reverts(assets.ComputeAssetRegistryInvalidUser, expires=1):
        assets.setUser(active, accounts[11], 1, sender=lease_market)


def test_set_user__survives_nft_transfer_and_can_be_cleared(
    chain, assets, operator, register_asset, activate, lease_market, accounts
):
    asset_id = register_asset()
    activate(asset_id)
    renter = accounts[11]
    assets.setUser(asset_id, renter, chain.pending_timestamp + 3600, sender=lease_market)
    assets.transferFrom(operator, accounts[12], asset_id, sender=operator)
    assert assets.userOf(asset_id) == renter  # the owner cannot take a rented machine away
    assets.setUser(asset_id, ZERO, 0, sender=lease_market)
    assert assets.userOf(asset_id) == ZERO and assets.userExpires(asset_id) == 0


def test_supports_interfaces(assets):
    assert assets.supportsInterface(bytes.fromhex("ad092b5c"))  # ERC-4907
    assert assets.supportsInterface(bytes.fromhex("80ac58cd"))  # ERC-721
    assert not assets.supportsInterface(bytes.fromhex("ffffffff"))


# ---------------------------------------------------------------- governance


def test_set_burn_in__within_bounds(assets, gov):
    tx = assets.setBurnIn(48, 9_900, sender=gov)
    assert tx.events.filter(assets.BurnInSet)[0].epochs == 48
    assert (assets.burnInEpochs(), assets.burnInMinUptimeBps()) == (48, 9_900)


@pytest.mark.parametrize("epochs, uptime", [(0, 9_500), (721, 9_500), (24, 4_999), (24, 10_001)])
def test_set_burn_in__out_of_bounds__reverts(assets, gov, epochs, uptime, params):
    with ape.reverts(assets.ComputeAssetRegistryInvalidBurnIn, epochs=epochs, minUptimeBps=uptime):
        assets.setBurnIn(epochs, uptime, sender=gov)
    assert assets.burnInEpochs() == params.burn_in_epochs


def test_set_burn_in__by_stranger__reverts(assets, stranger):
    with ape.reverts(assets.AccessManagedUnauthorized):
        assets.setBurnIn(10, 9_000, sender=stranger)


def test_binding_hooks__add_remove_and_bad_input(assets, gov, factory, compliance, oracle, manager):
    existing = list(assets.bindingHooks())  # the lease market, once deployed with the system
    assets.setBindingHook(factory, True, sender=gov)
    assert assets.bindingHooks() == [*existing, factory.address]
    with ape.reverts(assets.ComputeAssetRegistryInvalidHook, hook=factory):
        assets.setBindingHook(factory, True, sender=gov)
    with ape.reverts(assets.ComputeAssetRegistryInvalidHook, hook=ZERO):
        assets.setBindingHook(ZERO, True, sender=gov)
    for hook in (compliance, oracle, manager)[: 3 - len(existing)]:
        assets.setBindingHook(hook, True, sender=gov)
    with ape.reverts(assets.ComputeAssetRegistryInvalidHook, hook=assets):
        assets.setBindingHook(assets, True, sender=gov)  # at most four
    assets.setBindingHook(factory, False, sender=gov)
    assert factory.address not in assets.bindingHooks()
    with ape.reverts(assets.ComputeAssetRegistryInvalidHook, hook=factory):
        assets.setBindingHook(factory, False, sender=gov)


def test_pause__stops_registration_and_activation(assets, pauser, operator, register_asset, spec, stranger):
    with ape.reverts(assets.AccessManagedUnauthorized):
        assets.pause(sender=stranger)
    assets.pause(sender=pauser)
    with ape.reverts(assets.EnforcedPause):
        assets.registerAsset(spec.as_tuple(), keccak(text="p"), keccak(text="doc"), sender=operator)
    assets.unpause(sender=pauser)
    register_asset()
