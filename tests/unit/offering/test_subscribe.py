"""ShareOffering.subscribe: escrowed payment at the offering's price, positions, and every refused subscription
(window, limits, hard cap, compliance, status, pause), each leaving the state unchanged."""

import ape
import pytest
from offering_helpers import HARD_CAP, MAX_SHARES, MIN_SHARES, PRICE

from cap.offering import ONE_SHARE, cost_of


@pytest.fixture
def offering_id(create):
    return create()


def test_subscribe__pays_cost_into_escrow(offering, stablecoin, investors, offering_id, open_window, check_solvency):
    investor = investors[0]
    amount = 10_000 * ONE_SHARE + 1  # one share unit more than a round number: the cost rounds up
    cost = cost_of(amount, PRICE)
    assert cost == 20_000 * 10**6 + 1 == offering.costOf(offering_id, amount)
    stablecoin.mint(investor, cost, sender=investor)
    stablecoin.approve(offering, cost, sender=investor)
    open_window(offering_id)

    tx = offering.subscribe(offering_id, amount, sender=investor)

    event = tx.events.filter(offering.Subscribed)[0]
    assert (event.offeringId, event.investor, event.shares, event.paid) == (offering_id, investor, amount, cost)
    assert tuple(offering.subscriptionOf(offering_id, investor)) == (amount, cost)
    o = offering.offeringOf(offering_id)
    assert (o.sold, o.raised) == (amount, cost)
    assert stablecoin.balanceOf(investor) == 0
    check_solvency()


def test_subscribe__positions_accumulate(offering, investors, offering_id, open_window, buy):
    open_window(offering_id)
    buy(offering_id, investors[0], MIN_SHARES)
    buy(offering_id, investors[0], 1)  # above the minimum once the position is
    buy(offering_id, investors[1], 2 * MIN_SHARES)
    assert offering.subscriptionOf(offering_id, investors[0]).shares == MIN_SHARES + 1
    o = offering.offeringOf(offering_id)
    assert o.sold == 3 * MIN_SHARES + 1
    assert o.raised == cost_of(MIN_SHARES, PRICE) + cost_of(1, PRICE) + cost_of(2 * MIN_SHARES, PRICE)


@pytest.mark.parametrize("moment", ["before", "at-close", "after"])
def test_subscribe__outside_window__reverts(offering, investors, offering_id, chain, stablecoin, state, moment):
    o = offering.offeringOf(offering_id)
    at = {"before": o.opensAt - 1, "at-close": o.closesAt, "after": o.closesAt + 86_400}[moment]
    stablecoin.mint(investors[0], 10**12, sender=investors[0])
    stablecoin.approve(offering, 10**12, sender=investors[0])
    before = state(offering_id, investors[0])
    chain.pending_timestamp = at
    with ape.reverts(
        offering.ShareOfferingOutsideWindow,
        offeringId=offering_id,
        timestamp=at,
        opensAt=o.opensAt,
        closesAt=o.closesAt,
    ):
        offering.subscribe(offering_id, MIN_SHARES, sender=investors[0])
    assert state(offering_id, investors[0]) == before


def test_subscribe__zero__reverts(offering, investors, offering_id, open_window):
    open_window(offering_id)
    with ape.reverts(offering.ShareOfferingZeroAmount):
        offering.subscribe(offering_id, 0, sender=investors[0])


def test_subscribe__below_minimum__reverts(offering, stablecoin, investors, offering_id, open_window, state):
    open_window(offering_id)
    stablecoin.mint(investors[0], 10**12, sender=investors[0])
    stablecoin.approve(offering, 10**12, sender=investors[0])
    before = state(offering_id, investors[0])
    with ape.reverts(
        offering.ShareOfferingBelowMinimum, offeringId=offering_id, position=MIN_SHARES - 1, minShares=MIN_SHARES
    ):
        offering.subscribe(offering_id, MIN_SHARES - 1, sender=investors[0])
    assert state(offering_id, investors[0]) == before


def test_subscribe__above_maximum__reverts(offering, investors, offering_id, open_window, buy):
    open_window(offering_id)
    buy(offering_id, investors[0], MAX_SHARES - MIN_SHARES)
    with ape.reverts(
        offering.ShareOfferingAboveMaximum, offeringId=offering_id, position=MAX_SHARES + 1, maxShares=MAX_SHARES
    ):
        buy(offering_id, investors[0], MIN_SHARES + 1)
    buy(offering_id, investors[0], MIN_SHARES)  # exactly the maximum
    assert offering.subscriptionOf(offering_id, investors[0]).shares == MAX_SHARES


def test_subscribe__beyond_hard_cap__reverts(offering, investors, offering_id, open_window, buy):
    open_window(offering_id)
    buy(offering_id, investors[0], MAX_SHARES)
    buy(offering_id, investors[1], MAX_SHARES - MIN_SHARES)
    remaining = HARD_CAP - 2 * MAX_SHARES + MIN_SHARES
    with ape.reverts(
        offering.ShareOfferingHardCapExceeded, offeringId=offering_id, requested=remaining + 1, remaining=remaining
    ):
        buy(offering_id, investors[2], remaining + 1)
    buy(offering_id, investors[2], remaining)
    assert offering.offeringOf(offering_id).sold == HARD_CAP


def test_subscribe__unverified__reverts(offering, stranger, offering_id, open_window, buy):
    open_window(offering_id)
    with ape.reverts(offering.ShareOfferingInvestorNotVerified, investor=stranger):
        buy(offering_id, stranger, MIN_SHARES)


def test_subscribe__verification_expired__reverts(
    offering, accounts, verify, offering_id, open_window, buy, compliance
):
    investor = accounts[15]
    verify(investor, days=1)
    until = compliance.investorOf(investor).verifiedUntil
    open_window(offering_id, 86_400 + 10)
    with ape.reverts(offering.ShareOfferingVerificationExpired, investor=investor, verifiedUntil=until):
        buy(offering_id, investor, MIN_SHARES)


def test_subscribe__frozen__reverts(offering, investors, compliance, compliance_agent, offering_id, open_window, buy):
    compliance.freeze(investors[0], True, [], sender=compliance_agent)
    open_window(offering_id)
    with ape.reverts(offering.ShareOfferingInvestorFrozen, investor=investors[0]):
        buy(offering_id, investors[0], MIN_SHARES)


def test_subscribe__disallowed_jurisdiction__reverts(offering, accounts, verify, offering_id, open_window, buy):
    investor = accounts[16]
    verify(investor, jurisdiction=250)  # France: not in (840, 276)
    open_window(offering_id)
    with ape.reverts(offering.ShareOfferingJurisdictionNotAllowed, offeringId=offering_id, jurisdiction=250):
        buy(offering_id, investor, MIN_SHARES)
    verify(investor, jurisdiction=276)  # moved to Germany
    buy(offering_id, investor, MIN_SHARES)


def test_subscribe__operator__reverts(offering, operator, offering_id, open_window, buy):
    open_window(offering_id)
    with ape.reverts(offering.ShareOfferingOperatorSubscription, offeringId=offering_id):
        buy(offering_id, operator, MIN_SHARES)


def test_subscribe__short_allowance__reverts(offering, stablecoin, investors, offering_id, open_window):
    open_window(offering_id)
    stablecoin.mint(investors[0], 10**12, sender=investors[0])
    stablecoin.approve(offering, cost_of(MIN_SHARES, PRICE) - 1, sender=investors[0])
    with ape.reverts(stablecoin.ERC20InsufficientAllowance):
        offering.subscribe(offering_id, MIN_SHARES, sender=investors[0])


def test_subscribe__paused__reverts_then_works(offering, pauser, investors, offering_id, open_window, buy):
    open_window(offering_id)
    offering.pause(sender=pauser)
    with ape.reverts(offering.EnforcedPause):
        buy(offering_id, investors[0], MIN_SHARES)
    offering.unpause(sender=pauser)
    buy(offering_id, investors[0], MIN_SHARES)


def test_subscribe__cancelled__reverts(offering, gov, investors, offering_id, open_window, buy):
    open_window(offering_id)
    offering.cancel(offering_id, sender=gov)
    with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=4):
        buy(offering_id, investors[0], MIN_SHARES)
