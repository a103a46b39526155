"""RevenueRouter against a stablecoin that takes a fee on transfer (FeeOnTransferToken: 1% burnt per transfer):
refused on both paths, state unchanged. Into shares, the share token distributing less than the holders' part pushed
gives it away; to an owner (no shares), the router's balance-delta check on the pull."""

import ape
import pytest

USD = 10**6
INFERENCE = 1


@pytest.fixture(scope="module")
def fee_system(project, gov, operator, spec, build_system):
    """A second core system wired to FeeOnTransferToken, with its own router, one fractionalized asset and one
    registered asset without shares."""
    from eth_utils import keccak

    fee_token = project.FeeOnTransferToken.deploy(sender=gov)
    other, fee_router, shares_asset_id, shares = build_system(fee_token)
    tx = other.assets.registerAsset(spec.as_tuple(), keccak(text="fee-plain"), keccak(text="doc"), sender=operator)
    plain_asset_id = tx.events.filter(other.assets.AssetRegistered)[0].assetId
    return fee_token, fee_router, shares_asset_id, shares, plain_asset_id


def state(fee_token, fee_router, asset_id, *accounts) -> tuple:
    return (
        fee_token.balanceOf(fee_router),
        fee_router.protocolFeesOwed(),
        fee_router.operatorFeesOwed(asset_id),
        fee_router.checkpointCount(asset_id, INFERENCE),
        tuple(fee_router.owedTo(account) for account in accounts),
        tuple(fee_token.balanceOf(account) for account in accounts),
    )


def test_deposit__fee_token_into_shares__reverts(fee_system, operator, split):
    """990 of 1,000 reach the router; of the 800 pushed to the shares, 792 arrive: refused at 792 < 800."""
    fee_token, fee_router, asset_id, shares, _ = fee_system
    fee_token.mint(operator, 1_000 * USD, sender=operator)
    fee_token.approve(fee_router, 1_000 * USD, sender=operator)
    _, _, holders = split(1_000 * USD)
    before = state(fee_token, fee_router, asset_id, operator, shares)

    with ape.reverts(fee_router.RevenueRouterTransferShortfall, expected=holders, received=holders * 99 // 100):
        fee_router.deposit(asset_id, 1_000 * USD, INFERENCE, sender=operator)

    assert state(fee_token, fee_router, asset_id, operator, shares) == before
    assert shares.accountedRevenue() == 0 and fee_router.routeOf(asset_id) == "0x" + "00" * 20


def test_deposit__fee_token_to_an_owner__reverts(fee_system, operator):
    """The router sees 990 of 1,000 arrive and refuses: nothing is credited, recorded or taken."""
    fee_token, fee_router, _, _, asset_id = fee_system
    fee_token.mint(operator, 1_000 * USD, sender=operator)
    fee_token.approve(fee_router, 1_000 * USD, sender=operator)
    before = state(fee_token, fee_router, asset_id, operator)

    with ape.reverts(fee_router.RevenueRouterTransferShortfall, expected=1_000 * USD, received=990 * USD):
        fee_router.deposit(asset_id, 1_000 * USD, INFERENCE, sender=operator)

    assert state(fee_token, fee_router, asset_id, operator) == before
    assert fee_token.balanceOf(fee_router) == 0
