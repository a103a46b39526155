"""RevenueRouter governance: wiring, fees within bounds, treasury, rent sources; every setter restricted."""

import ape
import pytest

USD = 10**6
RENT = 0
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def test_constructor__wires_and_sets(router, system, treasury):
    assert router.STABLECOIN() == system.stablecoin.address
    assert router.ASSETS() == system.assets.address
    assert router.FACTORY() == system.factory.address
    assert router.authority() == system.manager.address
    assert router.treasury() == treasury.address
    assert (router.protocolFeeBps(), router.operatorFeeBps()) == (500, 1_500)
    assert (router.MAX_PROTOCOL_FEE_BPS(), router.MAX_OPERATOR_FEE_BPS()) == (2_000, 3_000)


@pytest.mark.parametrize("fees", [(2_001, 0), (0, 3_001), (10_000, 10_000)])
def test_constructor__fees_above_bounds__reverts(project, system, gov, treasury, router, fees):
    with ape.reverts(router.RevenueRouterInvalidFees, protocolFeeBps=fees[0], operatorFeeBps=fees[1]):
        project.RevenueRouter.deploy(
            system.manager, system.stablecoin, system.assets, system.factory, treasury, *fees, sender=gov
        )


def test_constructor__zero_treasury__reverts(project, system, gov, router):
    with ape.reverts(router.RevenueRouterZeroAddress):
        project.RevenueRouter.deploy(
            system.manager, system.stablecoin, system.assets, system.factory, ZERO_ADDRESS, 0, 0, sender=gov
        )


@pytest.mark.parametrize("wired", ["stablecoin", "assets", "factory"])
def test_constructor__zero_wired_contract__reverts(project, system, gov, treasury, router, wired):
    args = {"stablecoin": system.stablecoin, "assets": system.assets, "factory": system.factory}
    args[wired] = ZERO_ADDRESS
    with ape.reverts(router.RevenueRouterZeroAddress):
        project.RevenueRouter.deploy(
            system.manager, args["stablecoin"], args["assets"], args["factory"], treasury, 0, 0, sender=gov
        )


# ---------------------------------------------------------------- fees


def test_set_fees__within_bounds__sets_and_emits(router, gov):
    tx = router.setFees(2_000, 3_000, sender=gov)
    assert (router.protocolFeeBps(), router.operatorFeeBps()) == (2_000, 3_000)
    event = tx.events.filter(router.FeesSet)[0]
    assert (event.protocolFeeBps, event.operatorFeeBps) == (2_000, 3_000)
    assert router.previewSplit(10_000) == (2_000, 3_000, 5_000)


@pytest.mark.parametrize("fees", [(2_001, 0), (0, 3_001), (2_001, 3_001), (2**16 + 500, 0)])
def test_set_fees__above_bounds__reverts(router, gov, fees):
    with ape.reverts(router.RevenueRouterInvalidFees, protocolFeeBps=fees[0], operatorFeeBps=fees[1]):
        router.setFees(*fees, sender=gov)
    assert (router.protocolFeeBps(), router.operatorFeeBps()) == (500, 1_500)


def test_set_fees__by_a_stranger__reverts(router, stranger, operator):
    for caller in (stranger, operator):
        with ape.reverts(router.AccessManagedUnauthorized, caller=caller):
            router.setFees(0, 0, sender=caller)
    assert (router.protocolFeeBps(), router.operatorFeeBps()) == (500, 1_500)


def test_set_fees__applies_to_later_deposits_only(router, route, asset_id, gov):
    route(asset_id, 1_000 * USD)
    router.setFees(0, 0, sender=gov)
    route(asset_id, 1_000 * USD)
    assert router.protocolFeesOwed() == 50 * USD
    assert router.operatorFeesOwed(asset_id) == 150 * USD


def test_set_fees__keeps_the_protocol_fees_owed(router, route, asset_id, gov):
    """The fees and the protocol fees owed share a slot: setting one leaves the other."""
    route(asset_id, 1_000 * USD)
    router.setFees(1_000, 2_000, sender=gov)
    assert router.protocolFeesOwed() == 50 * USD
    assert (router.protocolFeeBps(), router.operatorFeeBps()) == (1_000, 2_000)


# ---------------------------------------------------------------- treasury


def test_set_treasury__the_new_treasury_is_paid_all_fees_owed(
    router, route, asset_id, treasury, accounts, gov, stranger, stablecoin
):
    """Protocol fees are one sum, paid to the treasury of the moment of withdrawal (those owed before included)."""
    new_treasury = accounts[13]
    route(asset_id, 1_000 * USD)
    tx = router.setTreasury(new_treasury, sender=gov)
    assert router.treasury() == new_treasury.address
    assert tx.events.filter(router.TreasurySet)[0].treasury == new_treasury.address
    route(asset_id, 2_000 * USD)
    before = stablecoin.balanceOf(treasury), stablecoin.balanceOf(new_treasury)
    router.withdrawProtocolFees(sender=stranger)
    assert stablecoin.balanceOf(new_treasury) - before[1] == 150 * USD
    assert stablecoin.balanceOf(treasury) == before[0]


def test_set_treasury__zero__reverts(router, gov, treasury):
    with ape.reverts(router.RevenueRouterZeroAddress):
        router.setTreasury(ZERO_ADDRESS, sender=gov)
    assert router.treasury() == treasury.address


def test_set_treasury__by_a_stranger__reverts(router, stranger, treasury):
    with ape.reverts(router.AccessManagedUnauthorized, caller=stranger):
        router.setTreasury(stranger, sender=stranger)
    assert router.treasury() == treasury.address


# ---------------------------------------------------------------- rent sources


def test_set_rent_source__enables_and_disables(router, gov, stranger):
    assert not router.isRentSource(stranger)
    tx = router.setRentSource(stranger, True, sender=gov)
    assert router.isRentSource(stranger)
    event = tx.events.filter(router.RentSourceSet)[0]
    assert event.source == stranger.address and event.enabled
    router.setRentSource(stranger, False, sender=gov)
    assert not router.isRentSource(stranger)


def test_set_rent_source__zero__reverts(router, gov):
    with ape.reverts(router.RevenueRouterZeroAddress):
        router.setRentSource(ZERO_ADDRESS, True, sender=gov)


def test_set_rent_source__by_a_stranger__reverts(router, stranger, lease_market):
    with ape.reverts(router.AccessManagedUnauthorized, caller=stranger):
        router.setRentSource(stranger, True, sender=stranger)
    with ape.reverts(router.AccessManagedUnauthorized, caller=lease_market):
        router.setRentSource(lease_market, False, sender=lease_market)
    assert not router.isRentSource(stranger) and router.isRentSource(lease_market)


def test_roles__governor_sets_fees_and_treasury_admin_sets_rent_sources(router, system, gov, accounts):
    """Fees and treasury are risk parameters (GOVERNOR, with its delay on live networks); rent sources are wiring
    (the AccessManager's admin)."""
    from cap.deploy import grant
    from cap.roles import Role

    governor = accounts[14]
    grant(system, gov, Role.GOVERNOR, governor, delay=0)
    router.setFees(100, 200, sender=governor)
    router.setTreasury(governor, sender=governor)
    with ape.reverts(router.AccessManagedUnauthorized, caller=governor):
        router.setRentSource(governor, True, sender=governor)
    assert (router.protocolFeeBps(), router.operatorFeeBps(), router.treasury()) == (100, 200, governor.address)


def test_roles__match_the_deploy_table(router_function_roles):
    """The role table these tests wire is the one `cap.deploy` wires."""
    from cap.deploy import FUNCTION_ROLES

    assert FUNCTION_ROLES["router"] == router_function_roles
