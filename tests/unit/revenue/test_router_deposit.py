"""RevenueRouter deposits: the split to the unit, where the holders' part goes (pushed into the shares, or credited to
the owner), the route cache, who may deposit, bounds, and conservation of every routed unit."""

import ape
import pytest

from cap.deploy import grant
from cap.roles import Role

USD = 10**6
RENT, INFERENCE, MINING, OTHER = range(4)
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def router_state(router, stablecoin, asset_id, *accounts) -> tuple:
    """What a refused deposit must leave unchanged."""
    return (
        stablecoin.balanceOf(router),
        router.protocolFeesOwed(),
        router.operatorFeesOwed(asset_id),
        router.routeOf(asset_id),
        tuple(router.checkpointCount(asset_id, source) for source in range(4)),
        tuple(router.owedTo(account) for account in accounts),
        tuple(stablecoin.balanceOf(account) for account in accounts),
    )


# ---------------------------------------------------------------- split


@pytest.mark.parametrize("amount", [1, 19, 20, 333, 1_000_003, 999_999_999, 1_000 * USD])
def test_deposit__split__exact_to_the_unit(router, route, asset_id, shares, stablecoin, split, amount):
    """Fees round down, the holders' part is the remainder: the three add up to the amount."""
    protocol_fee, operator_fee, holders = split(amount)
    assert protocol_fee + operator_fee + holders == amount
    assert router.previewSplit(amount) == (protocol_fee, operator_fee, holders)

    tx = route(asset_id, amount)

    assert router.protocolFeesOwed() == protocol_fee
    assert router.operatorFeesOwed(asset_id) == operator_fee
    assert shares.accountedRevenue() == holders == stablecoin.balanceOf(shares)
    assert stablecoin.balanceOf(router) == protocol_fee + operator_fee
    event = tx.events.filter(router.RevenueRouted)[0]
    assert event.assetId == asset_id and event.source == RENT and event.recipient == shares.address
    assert (event.amount, event.protocolFee, event.operatorFee, event.holdersPart) == (
        amount,
        protocol_fee,
        operator_fee,
        holders,
    )
    assert tx.events.filter(shares.RevenueDistributed)[0].amount == holders


def test_deposit__odd_amount__fees_round_down_and_holders_get_the_dust(router, route, asset_id, shares):
    """1,000,003 units at 5% / 15%: 50,000.15 and 150,000.45 round down; the holders get 800,003."""
    route(asset_id, 1_000_003)
    assert router.protocolFeesOwed() == 50_000
    assert router.operatorFeesOwed(asset_id) == 150_000
    assert shares.accountedRevenue() == 800_003


def test_deposit__one_unit__all_to_the_holders(router, route, asset_id, shares):
    route(asset_id, 1)
    assert router.protocolFeesOwed() == 0 and router.operatorFeesOwed(asset_id) == 0
    assert shares.accountedRevenue() == 1


def test_deposit__fees_at_their_bounds__holders_get_half(router, route, asset_id, shares, gov):
    router.setFees(2_000, 3_000, sender=gov)
    route(asset_id, 1_001)  # 200.2 and 300.3 round down
    assert router.protocolFeesOwed() == 200
    assert router.operatorFeesOwed(asset_id) == 300
    assert shares.accountedRevenue() == 501


def test_deposit__zero_fees__everything_to_the_holders(router, route, asset_id, shares, stablecoin, gov):
    router.setFees(0, 0, sender=gov)
    tx = route(asset_id, 777 * USD)
    assert router.protocolFeesOwed() == 0 and router.operatorFeesOwed(asset_id) == 0
    assert shares.accountedRevenue() == 777 * USD
    assert stablecoin.balanceOf(router) == 0
    assert tx.events.filter(router.RevenueRouted)[0].holdersPart == 777 * USD


def test_deposit__fees_accrue_across_deposits_and_assets(router, route, asset_id, plain_asset_id, split):
    """Protocol fees in one sum; operator fees per asset."""
    amounts = [(asset_id, 1_000_003), (plain_asset_id, 77 * USD + 1), (asset_id, 5 * USD + 9)]
    for asset, amount in amounts:
        route(asset, amount, MINING)
    assert router.protocolFeesOwed() == sum(split(amount)[0] for _, amount in amounts)
    assert router.operatorFeesOwed(asset_id) == split(1_000_003)[1] + split(5 * USD + 9)[1]
    assert router.operatorFeesOwed(plain_asset_id) == split(77 * USD + 1)[1]


# ---------------------------------------------------------------- where the holders' part goes


def test_deposit__fractionalized__holders_part_lands_in_the_shares_and_holders_claim(
    router, route, asset_id, shares, stablecoin, operator, investors, split
):
    """A quarter of the supply with an investor: a quarter of the holders' part is theirs to claim."""
    supply = shares.totalSupply()
    shares.transfer(investors[0], supply // 4, sender=operator)
    amount = 1_000 * USD
    _, _, holders = split(amount)

    route(asset_id, amount, INFERENCE)

    assert stablecoin.balanceOf(shares) == holders
    assert shares.claimableOf(investors[0]) == holders // 4
    assert shares.claimableOf(operator) == holders * 3 // 4
    before = stablecoin.balanceOf(investors[0])
    shares.claim(sender=investors[0])
    assert stablecoin.balanceOf(investors[0]) - before == holders // 4
    assert shares.claimableOf(investors[0]) == 0
    assert stablecoin.allowance(router, shares) == 0  # pushed, never approved


def test_deposit__revenue_pushed_to_the_shares_earlier__distributed_with_the_deposit(
    router, route, asset_id, shares, stablecoin, stranger, split
):
    """The share token distributes all it holds above its accounted revenue: a direct transfer to it rides along."""
    stablecoin.mint(shares, 5, sender=stranger)
    _, _, holders = split(100 * USD)
    tx = route(asset_id, 100 * USD)
    assert shares.accountedRevenue() == holders + 5
    assert tx.events.filter(shares.RevenueDistributed)[0].amount == holders + 5
    assert tx.events.filter(router.RevenueRouted)[0].holdersPart == holders


def test_deposit__not_fractionalized__holders_part_credited_to_the_owner(
    router, route, plain_asset_id, assets, operator, investors, stablecoin, split
):
    """The NFT's owner (not the operator) is owed the holders' part; the operator only its fee."""
    assets.transferFrom(operator, investors[1], plain_asset_id, sender=operator)
    amount = 500 * USD + 7
    protocol_fee, operator_fee, holders = split(amount)

    tx = route(plain_asset_id, amount, MINING)

    assert router.owedTo(investors[1]) == holders
    assert router.owedTo(operator) == 0
    assert router.operatorFeesOwed(plain_asset_id) == operator_fee
    assert router.protocolFeesOwed() == protocol_fee
    assert router.routeOf(plain_asset_id) == ZERO_ADDRESS
    assert stablecoin.balanceOf(router) == amount
    assert tx.events.filter(router.RevenueRouted)[0].recipient == investors[1].address
    assert not tx.events.filter(router.RouteUpdated)
    before = stablecoin.balanceOf(investors[1])
    router.withdraw(sender=investors[1])
    assert stablecoin.balanceOf(investors[1]) - before == holders


# ---------------------------------------------------------------- route cache


def test_deposit__first_for_an_asset__caches_its_shares(router, route, asset_id, shares):
    assert router.routeOf(asset_id) == ZERO_ADDRESS
    tx = route(asset_id, 100 * USD)
    assert router.routeOf(asset_id) == shares.address
    event = tx.events.filter(router.RouteUpdated)[0]
    assert event.assetId == asset_id and event.shares == shares.address
    assert not route(asset_id, 100 * USD).events.filter(router.RouteUpdated)


def test_deposit__redeemed_shares__holders_part_credited_to_the_owner(
    router, route, asset_id, shares, operator, stablecoin, split
):
    """Once the whole supply redeemed the NFT, the redeemer owns the asset and is owed its holders' part: the deposit
    finds the cached token without supply and routes to the owner, no sync needed."""
    route(asset_id, 100 * USD)
    accounted = shares.accountedRevenue()
    shares.redeem(sender=operator)
    amount = 300 * USD + 1
    _, operator_fee, holders = split(amount)

    tx = route(asset_id, amount)

    assert router.owedTo(operator) == holders
    assert router.operatorFeesOwed(asset_id) == split(100 * USD)[1] + operator_fee
    assert shares.accountedRevenue() == accounted
    assert tx.events.filter(router.RevenueRouted)[0].recipient == operator.address
    assert tx.events.filter(router.RouteUpdated)[0].shares == ZERO_ADDRESS
    assert router.routeOf(asset_id) == ZERO_ADDRESS


def test_deposit__fractionalized_again__routes_into_the_new_shares(
    router, route, asset_id, shares, operator, fractionalize, split
):
    route(asset_id, 100 * USD)
    shares.redeem(sender=operator)
    new_shares = fractionalize(asset_id)
    assert new_shares.address != shares.address

    tx = route(asset_id, 200 * USD)

    assert router.routeOf(asset_id) == new_shares.address
    assert new_shares.accountedRevenue() == split(200 * USD)[2]
    assert tx.events.filter(router.RouteUpdated)[0].shares == new_shares.address


def test_sync_route__caches_updates_and_clears(router, asset_id, plain_asset_id, shares, operator, stranger):
    """Anyone may sync; an event only when the cached token changes."""
    assert router.syncRoute.call(asset_id, sender=stranger) == shares.address
    tx = router.syncRoute(asset_id, sender=stranger)
    assert router.routeOf(asset_id) == shares.address
    assert tx.events.filter(router.RouteUpdated)[0].shares == shares.address
    assert not router.syncRoute(asset_id, sender=stranger).events.filter(router.RouteUpdated)

    shares.redeem(sender=operator)
    tx = router.syncRoute(asset_id, sender=stranger)
    assert router.routeOf(asset_id) == ZERO_ADDRESS
    assert tx.events.filter(router.RouteUpdated)[0].shares == ZERO_ADDRESS

    assert not router.syncRoute(plain_asset_id, sender=stranger).events.filter(router.RouteUpdated)
    assert router.routeOf(plain_asset_id) == ZERO_ADDRESS


def test_sync_route__unknown_asset__reverts(router, stranger):
    with ape.reverts(router.RevenueRouterUnknownAsset, assetId=999_999):
        router.syncRoute(999_999, sender=stranger)
    assert router.routeOf(999_999) == ZERO_ADDRESS


def test_deposit__operator_deposits_other_sources(router, route, asset_id, shares, split):
    for source in (INFERENCE, MINING, OTHER):
        route(asset_id, 100 * USD, source)
    assert shares.accountedRevenue() == 3 * split(100 * USD)[2]
    assert router.totalRevenueOf(asset_id, RENT) == 0
    assert router.totalRevenueOf(asset_id, MINING) == 100 * USD


# ---------------------------------------------------------------- bad input


def test_deposit__zero_amount__reverts(router, asset_id, lease_market, stablecoin, treasury, operator):
    before = router_state(router, stablecoin, asset_id, treasury, operator, lease_market)
    with ape.reverts(router.RevenueRouterZeroAmount):
        router.deposit(asset_id, 0, RENT, sender=lease_market)
    assert router_state(router, stablecoin, asset_id, treasury, operator, lease_market) == before


@pytest.mark.parametrize("source", [RENT, INFERENCE])
def test_deposit__unknown_asset__reverts(router, fund, lease_market, operator, stablecoin, treasury, source):
    """From the rent source or from an operator: an asset id the registry never issued."""
    sender = lease_market if source == RENT else operator
    fund(sender, 100 * USD)
    before = router_state(router, stablecoin, 999_999, treasury, operator, lease_market)
    with ape.reverts(router.RevenueRouterUnknownAsset, assetId=999_999):
        router.deposit(999_999, 100 * USD, source, sender=sender)
    assert router_state(router, stablecoin, 999_999, treasury, operator, lease_market) == before


def test_deposit__rent_from_a_non_rent_source__reverts(router, fund, asset_id, operator, stablecoin, treasury, shares):
    """Even the asset's operator cannot declare rent: rent comes out of the lease escrow only."""
    fund(operator, 100 * USD)
    before = router_state(router, stablecoin, asset_id, treasury, operator)
    with ape.reverts(router.RevenueRouterUnauthorizedDepositor, caller=operator, assetId=asset_id, source=RENT):
        router.deposit(asset_id, 100 * USD, RENT, sender=operator)
    assert router_state(router, stablecoin, asset_id, treasury, operator) == before
    assert shares.accountedRevenue() == 0


def test_deposit__rent_from_a_removed_rent_source__reverts(router, fund, asset_id, lease_market, stablecoin, gov):
    router.setRentSource(lease_market, False, sender=gov)
    fund(lease_market, 100 * USD)
    before = router_state(router, stablecoin, asset_id, lease_market)
    with ape.reverts(router.RevenueRouterUnauthorizedDepositor, caller=lease_market, assetId=asset_id, source=RENT):
        router.deposit(asset_id, 100 * USD, RENT, sender=lease_market)
    assert router_state(router, stablecoin, asset_id, lease_market) == before


@pytest.mark.parametrize("source", [INFERENCE, MINING, OTHER])
def test_deposit__other_revenue_from_a_non_operator__reverts(
    router, fund, asset_id, lease_market, stranger, stablecoin, treasury, operator, shares, source
):
    """Neither a stranger nor the rent source may declare inference, mining or other revenue for an asset."""
    for sender in (stranger, lease_market):
        fund(sender, 100 * USD)
        before = router_state(router, stablecoin, asset_id, treasury, operator, sender)
        with ape.reverts(router.RevenueRouterUnauthorizedDepositor, caller=sender, assetId=asset_id, source=source):
            router.deposit(asset_id, 100 * USD, source, sender=sender)
        assert router_state(router, stablecoin, asset_id, treasury, operator, sender) == before
    assert shares.accountedRevenue() == 0


def test_deposit__operator_of_another_asset__reverts(
    router, fund, asset_id, register_asset, accounts, gov, system, stablecoin
):
    """Only the asset's own operator: another onboarded operator is refused."""
    other_operator = accounts[12]
    grant(system, gov, Role.OPERATOR, other_operator)
    register_asset(sender=other_operator)
    fund(other_operator, 100 * USD)
    before = router_state(router, stablecoin, asset_id, other_operator)
    with ape.reverts(
        router.RevenueRouterUnauthorizedDepositor, caller=other_operator, assetId=asset_id, source=INFERENCE
    ):
        router.deposit(asset_id, 100 * USD, INFERENCE, sender=other_operator)
    assert router_state(router, stablecoin, asset_id, other_operator) == before


@pytest.mark.parametrize("fractionalized", [True, False])
def test_deposit__without_allowance__reverts(
    router, stablecoin, asset_id, plain_asset_id, lease_market, treasury, fractionalized
):
    asset = asset_id if fractionalized else plain_asset_id
    stablecoin.mint(lease_market, 100 * USD, sender=lease_market)
    before = router_state(router, stablecoin, asset, treasury, lease_market)
    with ape.reverts(stablecoin.ERC20InsufficientAllowance):
        router.deposit(asset, 100 * USD, RENT, sender=lease_market)
    assert router_state(router, stablecoin, asset, treasury, lease_market) == before


def test_deposit__blacklisted_depositor__reverts(router, fund, asset_id, lease_market, stablecoin, gov):
    fund(lease_market, 100 * USD)
    stablecoin.setBlacklisted(lease_market, True, sender=gov)
    before = router_state(router, stablecoin, asset_id, lease_market)
    with ape.reverts(stablecoin.MockStablecoinBlacklisted, account=lease_market):
        router.deposit(asset_id, 100 * USD, RENT, sender=lease_market)
    assert router_state(router, stablecoin, asset_id, lease_market) == before


def test_deposit__operator_fees_past_96_bits__reverts_until_withdrawn(
    router, route, fund, plain_asset_id, lease_market, operator, stablecoin, stranger
):
    """An asset's unwithdrawn operator fees are held in 96 bits (7.9e28 units): the deposit that would pass them is
    refused, and withdrawing them (anyone may) lets it through."""
    route(plain_asset_id, 2**96 * 10_000 // 1_500 - 10)  # operator fee just below 2^96
    fund(lease_market, 100 * USD)
    before = router_state(router, stablecoin, plain_asset_id, lease_market, operator)
    with ape.reverts(router.SafeCastOverflowedUintDowncast, bits=96):
        router.deposit(plain_asset_id, 100 * USD, RENT, sender=lease_market)
    assert router_state(router, stablecoin, plain_asset_id, lease_market, operator) == before
    router.withdrawOperatorFees(plain_asset_id, sender=stranger)
    router.deposit(plain_asset_id, 100 * USD, RENT, sender=lease_market)


def test_deposit__cumulative_gross_past_104_bits__reverts(router, route, fund, plain_asset_id, lease_market, gov):
    router.setFees(0, 0, sender=gov)
    route(plain_asset_id, 2**104 - 1)
    fund(lease_market, 1)
    with ape.reverts(router.SafeCastOverflowedUintDowncast, bits=104, value=2**104):
        router.deposit(plain_asset_id, 1, RENT, sender=lease_market)
    assert router.totalRevenueOf(plain_asset_id, RENT) == 2**104 - 1


# ---------------------------------------------------------------- pull balances


def test_withdraw_protocol_fees__pays_the_treasury_and_clears(
    router, route, asset_id, plain_asset_id, treasury, stranger, stablecoin, split
):
    """Anyone may trigger it; the treasury is paid the protocol fees of every asset."""
    route(asset_id, 1_000 * USD)
    route(plain_asset_id, 300 * USD + 1, MINING)
    owed = split(1_000 * USD)[0] + split(300 * USD + 1)[0]
    before = stablecoin.balanceOf(treasury), stablecoin.balanceOf(stranger)

    tx = router.withdrawProtocolFees(sender=stranger)

    assert stablecoin.balanceOf(treasury) - before[0] == owed
    assert stablecoin.balanceOf(stranger) == before[1]
    assert router.protocolFeesOwed() == 0
    assert (router.protocolFeeBps(), router.operatorFeeBps()) == (500, 1_500)  # same slot, untouched
    event = tx.events.filter(router.ProtocolFeesWithdrawn)[0]
    assert event.treasury == treasury.address and event.amount == owed


def test_withdraw_operator_fees__pays_the_assets_operator_and_clears_that_asset_only(
    router, route, asset_id, plain_asset_id, operator, stranger, stablecoin, split
):
    route(asset_id, 1_000 * USD)
    route(plain_asset_id, 300 * USD + 1, MINING)
    before = stablecoin.balanceOf(operator)

    tx = router.withdrawOperatorFees(asset_id, sender=stranger)

    assert stablecoin.balanceOf(operator) - before == split(1_000 * USD)[1]
    assert router.operatorFeesOwed(asset_id) == 0
    assert router.operatorFeesOwed(plain_asset_id) == split(300 * USD + 1)[1]
    assert router.routeOf(asset_id) != ZERO_ADDRESS  # same slot, untouched
    event = tx.events.filter(router.OperatorFeesWithdrawn)[0]
    assert (event.assetId, event.operator, event.amount) == (asset_id, operator.address, split(1_000 * USD)[1])


def test_withdraw__owner_credit_pays_the_account_and_clears(
    router, route, plain_asset_id, operator, stranger, stablecoin, split
):
    _, _, holders = split(1_000 * USD)
    route(plain_asset_id, 1_000 * USD)
    before = stablecoin.balanceOf(operator)
    tx = router.withdraw(sender=operator)
    assert stablecoin.balanceOf(operator) - before == holders
    assert router.owedTo(operator) == 0
    event = tx.events.filter(router.Withdrawn)[0]
    assert event.account == operator.address and event.amount == holders

    route(plain_asset_id, 1_000 * USD)
    before = stablecoin.balanceOf(operator), stablecoin.balanceOf(stranger)
    router.withdrawFor(operator, sender=stranger)
    assert stablecoin.balanceOf(operator) == before[0] + holders
    assert stablecoin.balanceOf(stranger) == before[1]


def test_withdraw__with_nothing_owed__reverts(router, asset_id, stranger, treasury, operator, stablecoin):
    before = router_state(router, stablecoin, asset_id, stranger, treasury, operator)
    with ape.reverts(router.RevenueRouterNothingToWithdraw, account=stranger):
        router.withdraw(sender=stranger)
    with ape.reverts(router.RevenueRouterNothingToWithdraw, account=stranger):
        router.withdrawFor(stranger, sender=stranger)
    with ape.reverts(router.RevenueRouterNothingToWithdraw, account=treasury):
        router.withdrawProtocolFees(sender=stranger)
    with ape.reverts(router.RevenueRouterNothingToWithdraw, account=operator):
        router.withdrawOperatorFees(asset_id, sender=stranger)
    with ape.reverts(router.RevenueRouterNothingToWithdraw, account=ZERO_ADDRESS):
        router.withdrawOperatorFees(999_999, sender=stranger)
    assert router_state(router, stablecoin, asset_id, stranger, treasury, operator) == before


def test_withdraw__twice__reverts(router, route, asset_id, plain_asset_id, operator, treasury, stranger):
    route(asset_id, 1_000 * USD)
    route(plain_asset_id, 1_000 * USD)
    router.withdrawOperatorFees(asset_id, sender=stranger)
    router.withdrawProtocolFees(sender=stranger)
    router.withdraw(sender=operator)
    with ape.reverts(router.RevenueRouterNothingToWithdraw, account=operator):
        router.withdrawOperatorFees(asset_id, sender=stranger)
    with ape.reverts(router.RevenueRouterNothingToWithdraw, account=treasury):
        router.withdrawProtocolFees(sender=stranger)
    with ape.reverts(router.RevenueRouterNothingToWithdraw, account=operator):
        router.withdraw(sender=operator)


def test_deposit__blacklisted_operator_and_treasury__routing_goes_on_and_they_withdraw_once_cleared(
    router, route, asset_id, shares, stablecoin, gov, operator, treasury, stranger, split
):
    """The issuer blacklists the operator and the treasury: rent still flows to the holders; their fees wait."""
    stablecoin.setBlacklisted(operator, True, sender=gov)
    stablecoin.setBlacklisted(treasury, True, sender=gov)
    protocol_fee, operator_fee, holders = split(2 * 1_000 * USD)

    route(asset_id, 1_000 * USD)
    route(asset_id, 1_000 * USD)

    assert shares.accountedRevenue() == holders
    assert router.operatorFeesOwed(asset_id) == operator_fee and router.protocolFeesOwed() == protocol_fee
    with ape.reverts(stablecoin.MockStablecoinBlacklisted, account=operator):
        router.withdrawOperatorFees(asset_id, sender=stranger)
    with ape.reverts(stablecoin.MockStablecoinBlacklisted, account=treasury):
        router.withdrawProtocolFees(sender=stranger)
    assert router.operatorFeesOwed(asset_id) == operator_fee and router.protocolFeesOwed() == protocol_fee

    stablecoin.setBlacklisted(operator, False, sender=gov)
    stablecoin.setBlacklisted(treasury, False, sender=gov)
    before = stablecoin.balanceOf(operator), stablecoin.balanceOf(treasury)
    router.withdrawOperatorFees(asset_id, sender=stranger)
    router.withdrawProtocolFees(sender=stranger)
    assert stablecoin.balanceOf(operator) - before[0] == operator_fee
    assert stablecoin.balanceOf(treasury) - before[1] == protocol_fee
    assert stablecoin.balanceOf(router) == 0


def test_deposit__blacklisted_owner__credited_not_pushed(
    router, route, plain_asset_id, stablecoin, gov, operator, split
):
    """The owner of an asset without shares is blacklisted: its holders' part is owed, routing does not revert."""
    stablecoin.setBlacklisted(operator, True, sender=gov)
    _, _, holders = split(100 * USD)
    route(plain_asset_id, 100 * USD)
    assert router.owedTo(operator) == holders


# ---------------------------------------------------------------- conservation


def test_conservation__every_routed_unit_is_owed_or_in_the_shares(
    router, route, asset_id, plain_asset_id, shares, stablecoin, treasury, operator, investors, gov, stranger
):
    """Deposits of odd amounts, all sources, two assets, a fee change: routed = fees owed + owners' credits + the
    shares' balance, to the unit; then after claims and withdrawals, routed = paid out + what is left (the shares'
    rounding dust)."""
    shares.transfer(investors[0], shares.totalSupply() // 3, sender=operator)
    shares.transfer(investors[1], shares.totalSupply() // 7, sender=operator)
    deposits = [
        (asset_id, 1_000_003, RENT),
        (asset_id, 77 * USD + 1, INFERENCE),
        (plain_asset_id, 12_345_679, MINING),
        (asset_id, 1, OTHER),
        (asset_id, 999_999_999, RENT),
        (plain_asset_id, 3, RENT),
    ]
    routed = 0
    for i, (asset, amount, source) in enumerate(deposits):
        if i == 3:
            router.setFees(1_234, 2_345, sender=gov)
        route(asset, amount, source)
        routed += amount

    owed = (
        router.protocolFeesOwed()
        + router.operatorFeesOwed(asset_id)
        + router.operatorFeesOwed(plain_asset_id)
        + router.owedTo(operator)
    )
    assert routed == owed + stablecoin.balanceOf(shares)
    assert stablecoin.balanceOf(router) == owed
    assert router.totalNetRevenueOf(asset_id) == shares.accountedRevenue()
    assert router.totalNetRevenueOf(plain_asset_id) == router.owedTo(operator)

    payees = (treasury, operator, *investors[:2])
    balances_before = sum(stablecoin.balanceOf(a) for a in payees)
    for holder in (investors[0], investors[1], operator):
        shares.claim(sender=holder)
    router.withdrawProtocolFees(sender=stranger)
    router.withdrawOperatorFees(asset_id, sender=stranger)
    router.withdrawOperatorFees(plain_asset_id, sender=stranger)
    router.withdraw(sender=operator)
    paid = sum(stablecoin.balanceOf(a) for a in payees) - balances_before
    dust = stablecoin.balanceOf(shares)
    assert stablecoin.balanceOf(router) == 0
    assert routed == paid + dust
    assert dust <= 3 * len(deposits)  # below one unit per holder per distribution
