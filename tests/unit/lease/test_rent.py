"""LeaseMarket.rent and startLease: prepaid booking, the calendar, the ERC-4907 user, and every refused input."""

import ape
import pytest
from lease_helpers import HOUR, PRICE_PER_HOUR, LeaseStatus, offer

from cap.assets import Status

ZERO = "0x0000000000000000000000000000000000000000"


def test_rent__now__prepays_books_and_sets_user(
    market, assets, stablecoin, asset_id, renter, clock, fund, check_solvency
):
    epoch = clock.fresh_epoch()
    start = clock.start_of(epoch)
    price = 24 * PRICE_PER_HOUR
    fund(renter, price)

    tx = market.rent(asset_id, start, 24, price, sender=renter)

    lease_id = tx.events.filter(market.LeaseBooked)[0].leaseId
    lease = market.leaseOf(lease_id)
    assert (lease.renter, lease.assetId, lease.startEpoch, lease.endEpoch) == (renter, asset_id, epoch, epoch + 24)
    assert (lease.settledEpoch, lease.unsettled, lease.status) == (epoch, price, LeaseStatus.BOOKED)
    assert (lease.slaUptimeBps, lease.terminationFeeBps, lease.termsId) == (9_900, 1_000, 0)
    assert stablecoin.balanceOf(renter) == 0 and stablecoin.balanceOf(market) == price
    assert market.totalEscrowed() == price
    assert lease.bookedUntilBefore <= epoch
    ledger = market.ledgerOf(asset_id)
    assert (ledger.bookedUntilEpoch, ledger.openLeases, ledger.rentReleased) == (epoch + 24, 1, 0)
    # The renter is the user for exactly [start, end): the registry's expiry is inclusive.
    assert assets.userOf(asset_id) == renter
    assert assets.userExpires(asset_id) == clock.start_of(epoch + 24) - 1
    assert market.isBound(asset_id) and assets.isBound(asset_id)
    check_solvency()


def test_rent__emits_booked_and_started(market, asset_id, renter, clock, fund):
    epoch = clock.fresh_epoch()
    fund(renter, 2 * PRICE_PER_HOUR)
    tx = market.rent(asset_id, clock.start_of(epoch), 2, 2 * PRICE_PER_HOUR, sender=renter)
    booked = tx.events.filter(market.LeaseBooked)[0]
    assert (booked.assetId, booked.renter, booked.startEpoch, booked.endEpoch) == (asset_id, renter, epoch, epoch + 2)
    assert (booked.price, booked.termsId) == (2 * PRICE_PER_HOUR, 0)
    started = tx.events.filter(market.LeaseStarted)[0]
    assert (started.leaseId, started.renter, started.userExpires) == (
        booked.leaseId,
        renter,
        clock.start_of(epoch + 2) - 1,
    )


def test_rent__in_the_future__sets_user_only_at_start(market, assets, asset_id, renter, stranger, clock, book):
    start_epoch = clock.fresh_epoch() + 5
    lease_id = book(hours=3, start=clock.start_of(start_epoch))
    assert assets.userOf(asset_id) == ZERO
    assert market.isBound(asset_id)  # booked binds

    with ape.reverts(market.LeaseMarketLeaseNotStarted, leaseId=lease_id, startsAt=clock.start_of(start_epoch)):
        market.startLease(lease_id, sender=stranger)
    assert assets.userOf(asset_id) == ZERO

    clock.goto(clock.start_of(start_epoch))
    tx = market.startLease(lease_id, sender=stranger)  # anyone (a keeper)
    assert tx.events.filter(market.LeaseStarted)[0].renter == renter
    assert assets.userOf(asset_id) == renter
    assert assets.userExpires(asset_id) == clock.start_of(start_epoch + 3) - 1


def test_rent__back_to_back__next_user_replaces_previous(
    chain, market, assets, asset_id, renter, renter2, stranger, clock, book
):
    first_epoch = clock.fresh_epoch()
    first = book(hours=2)
    second = book(hours=2, start=clock.start_of(first_epoch + 2), sender=renter2)
    assert market.ledgerOf(asset_id).bookedUntilEpoch == first_epoch + 4

    chain.mine(timestamp=clock.start_of(first_epoch + 2) - 1)  # the first lease's last second
    assert assets.userOf(asset_id) == renter
    clock.goto(clock.start_of(first_epoch + 2))
    with ape.reverts(market.LeaseMarketLeaseEnded, leaseId=first):
        market.startLease(first, sender=stranger)  # the first lease cannot come back
    market.startLease(second, sender=stranger)
    assert assets.userOf(asset_id) == renter2
    assert assets.userExpires(asset_id) == clock.start_of(first_epoch + 4) - 1


def test_rent__after_the_previous_user_expired__user_is_none_until_started(
    chain, market, assets, asset_id, renter2, clock, book
):
    first_epoch = clock.fresh_epoch()
    book(hours=1)
    book(hours=1, start=clock.start_of(first_epoch + 1), sender=renter2)
    chain.mine(timestamp=clock.start_of(first_epoch + 1) + 10)
    assert assets.userOf(asset_id) == ZERO  # the first renter's use ended at the boundary


def test_start_lease__twice__keeps_the_same_user(market, assets, asset_id, renter, stranger, clock, book):
    lease_id = book(hours=4)
    expires = assets.userExpires(asset_id)
    market.startLease(lease_id, sender=stranger)
    assert (assets.userOf(asset_id), assets.userExpires(asset_id)) == (renter, expires)


def test_start_lease__unknown__reverts(market, stranger):
    with ape.reverts(market.LeaseMarketUnknownLease, leaseId=99):
        market.startLease(99, sender=stranger)


def test_rent__with_max_price_above_price__pays_the_price_only(market, stablecoin, asset_id, renter, clock, fund):
    start = clock.start_of(clock.fresh_epoch())
    fund(renter, 10 * PRICE_PER_HOUR)
    market.rent(asset_id, start, 3, 10 * PRICE_PER_HOUR, sender=renter)
    assert stablecoin.balanceOf(renter) == 7 * PRICE_PER_HOUR


# ---------------------------------------------------------------- refused inputs


@pytest.fixture
def unchanged(escrow_state, market, renter, asset_id):
    """Asserts, after a refused call, that the escrow, balances and calendar are as before."""
    before = (escrow_state(renter), market.ledgerOf(asset_id))

    def check():
        assert (escrow_state(renter), market.ledgerOf(asset_id)) == before

    return check


@pytest.fixture
def funded(fund, renter):
    fund(renter, 10_000 * PRICE_PER_HOUR)


def test_rent__registered_asset__reverts(market, renter, register_asset, clock, funded, escrow_state):
    other = register_asset()
    before = escrow_state(renter)
    with ape.reverts(market.LeaseMarketAssetNotActive, assetId=other, status=Status.REGISTERED):
        market.rent(other, clock.start_of(clock.fresh_epoch()), 1, PRICE_PER_HOUR, sender=renter)
    assert escrow_state(renter) == before


def test_rent__suspended_asset__reverts(market, assets, asset_id, operator, renter, clock, funded, unchanged):
    assets.suspend(asset_id, sender=operator)
    with ape.reverts(market.LeaseMarketAssetNotActive, assetId=asset_id, status=Status.SUSPENDED):
        market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 1, PRICE_PER_HOUR, sender=renter)
    unchanged()


def test_rent__unknown_asset__reverts(market, renter, clock, funded, escrow_state):
    before = escrow_state(renter)
    with ape.reverts(market.LeaseMarketAssetNotActive, assetId=999, status=Status.NONE):
        market.rent(999, clock.start_of(clock.fresh_epoch()), 1, PRICE_PER_HOUR, sender=renter)
    assert escrow_state(renter) == before


def test_rent__unlisted_asset__reverts(market, asset_id, operator, renter, clock, funded, unchanged):
    market.withdrawOffer(asset_id, sender=operator)
    with ape.reverts(market.LeaseMarketNoOffer, assetId=asset_id):
        market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 1, PRICE_PER_HOUR, sender=renter)
    unchanged()


def test_rent__overlapping__reverts(market, asset_id, renter, renter2, clock, book, fund, escrow_state):
    epoch = clock.fresh_epoch()
    book(hours=10)
    fund(renter2, 10 * PRICE_PER_HOUR)
    before = (escrow_state(renter2), market.ledgerOf(asset_id))
    overlapping = clock.start_of(epoch + 9)
    with ape.reverts(
        market.LeaseMarketOverlap, assetId=asset_id, start=overlapping, bookedUntil=clock.start_of(epoch + 10)
    ):
        market.rent(asset_id, overlapping, 1, PRICE_PER_HOUR, sender=renter2)
    assert (escrow_state(renter2), market.ledgerOf(asset_id)) == before
    market.rent(asset_id, clock.start_of(epoch + 10), 1, PRICE_PER_HOUR, sender=renter2)  # right after: fine


@pytest.mark.parametrize("hours", [1, 49])
def test_rent__hours_outside_offer__reverts(market, asset_id, operator, renter, clock, funded, hours):
    market.setOffer(asset_id, offer(min_hours=2, max_hours=48), sender=operator)
    with ape.reverts(market.LeaseMarketHoursOutOfBounds, durationHours=hours, minHours=2, maxHours=48):
        market.rent(asset_id, clock.start_of(clock.fresh_epoch()), hours, 10**12, sender=renter)
    assert market.leaseCount() == 0


def test_rent__before_availability__reverts(market, asset_id, operator, renter, clock, funded):
    epoch = clock.fresh_epoch()
    available_from = clock.start_of(epoch + 3)
    market.setOffer(asset_id, offer(available_from=available_from, available_until=2**40), sender=operator)
    start = clock.start_of(epoch + 2)
    with ape.reverts(
        market.LeaseMarketOutsideAvailability,
        start=start,
        end=start + 2 * HOUR,
        availableFrom=available_from,
        availableUntil=2**40,
    ):
        market.rent(asset_id, start, 2, 10**12, sender=renter)
    assert market.leaseCount() == 0


def test_rent__past_availability__reverts(market, asset_id, operator, renter, clock, funded):
    epoch = clock.fresh_epoch()
    until = clock.start_of(epoch + 10)
    market.setOffer(asset_id, offer(available_until=until), sender=operator)
    start = clock.start_of(epoch + 5)
    with ape.reverts(market.LeaseMarketOutsideAvailability, start=start, end=start + 6 * HOUR, availableUntil=until):
        market.rent(asset_id, start, 6, 10**12, sender=renter)
    assert market.leaseCount() == 0
    market.rent(asset_id, start, 5, 10**12, sender=renter)  # ending exactly at the window's end: fine


def test_rent__start_in_the_past__reverts(market, asset_id, renter, clock, funded, unchanged):
    epoch = clock.fresh_epoch()
    past = clock.start_of(epoch - 1)
    with ape.reverts(market.LeaseMarketStartInPast, start=past, currentEpochStart=clock.start_of(epoch)):
        market.rent(asset_id, clock.start_of(epoch - 1), 1, PRICE_PER_HOUR, sender=renter)
    unchanged()


def test_rent__start_not_at_an_epoch_start__reverts(market, asset_id, renter, clock, funded, unchanged):
    start = clock.start_of(clock.fresh_epoch() + 1) + 60
    with ape.reverts(market.LeaseMarketStartNotAligned, start=start):
        market.rent(asset_id, start, 1, PRICE_PER_HOUR, sender=renter)
    unchanged()


def test_rent__start_too_far_ahead__reverts(market, asset_id, renter, clock, funded, unchanged):
    # Calendar griefing guard: a booking at most `maxAdvanceSeconds` (90 days) ahead.
    start = clock.start_of(clock.fresh_epoch() + 91 * 24)
    with ape.reverts(market.LeaseMarketStartTooFar, start=start):
        market.rent(asset_id, start, 1, PRICE_PER_HOUR, sender=renter)
    unchanged()


def test_rent__price_above_max__reverts(market, asset_id, renter, clock, funded, unchanged):
    with ape.reverts(market.LeaseMarketPriceAboveMax, price=3 * PRICE_PER_HOUR, maxTotalPrice=3 * PRICE_PER_HOUR - 1):
        market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 3, 3 * PRICE_PER_HOUR - 1, sender=renter)
    unchanged()


def test_rent__without_allowance__reverts(market, stablecoin, asset_id, renter, clock, escrow_state):
    stablecoin.mint(renter, PRICE_PER_HOUR, sender=renter)
    before = escrow_state(renter)
    with ape.reverts(stablecoin.ERC20InsufficientAllowance):
        market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 1, PRICE_PER_HOUR, sender=renter)
    assert escrow_state(renter) == before


def test_rent__when_paused__reverts(market, asset_id, pauser, renter, clock, funded, unchanged):
    market.pause(sender=pauser)
    with ape.reverts(market.EnforcedPause):
        market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 1, PRICE_PER_HOUR, sender=renter)
    unchanged()
    market.unpause(sender=pauser)
    market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 1, PRICE_PER_HOUR, sender=renter)


def test_rent__fee_on_transfer_stablecoin__reverts(project, system, gov, operator, asset_id, renter, clock):
    """The balance-delta check: a token that takes 1% on transfer arrives short, and nothing is booked."""
    token = project.FeeOnTransferToken.deploy(sender=gov)
    router = project.MockRevenueRouter.deploy(token, sender=gov)
    other = project.LeaseMarket.deploy(system.manager, token, system.assets, router, sender=gov)
    other.setOffer(asset_id, offer(), sender=operator)
    price = 2 * PRICE_PER_HOUR
    token.mint(renter, price, sender=renter)
    token.approve(other, price, sender=renter)
    calendar = other.ledgerOf(asset_id)
    with ape.reverts(other.LeaseMarketTransferShortfall, expected=price, received=price - price // 100):
        other.rent(asset_id, clock.start_of(clock.fresh_epoch()), 2, price, sender=renter)
    assert other.leaseCount() == 0 and other.totalEscrowed() == 0
    assert token.balanceOf(renter) == price
    assert other.ledgerOf(asset_id) == calendar


def test_deploy__with_an_epoch_that_does_not_divide_an_hour__reverts(project, gov, router, stablecoin, accounts):
    manager = project.ProtocolAccessManager.deploy(gov, sender=gov)
    oracle = project.UsageOracle.deploy(manager, 7 * 60, 0, sender=gov)
    assets = project.ComputeAssetRegistry.deploy(manager, oracle, 3, 9_500, sender=gov)
    with ape.reverts(project.LeaseMarket.LeaseMarketInvalidEpochLength, epochSeconds=7 * 60):
        project.LeaseMarket.deploy(manager, stablecoin, assets, router, sender=gov)


def test_price__is_price_per_hour_times_hours(market, asset_id, operator, renter, clock, fund):
    market.setOffer(asset_id, offer(price_per_hour=1_234_567), sender=operator)
    fund(renter, 1_234_567 * 7)
    tx = market.rent(asset_id, clock.start_of(clock.fresh_epoch()), 7, 1_234_567 * 7, sender=renter)
    assert tx.events.filter(market.LeaseBooked)[0].price == 8_641_969
