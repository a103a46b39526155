"""Offers (operator), terms and pause (governance), and the binding hook seen from the registry."""

import ape
import pytest
from lease_helpers import (
    ATTESTATION_GRACE,
    DEFAULT_TIERS,
    DISPUTE_WINDOW,
    MAX_ADVANCE,
    PRICE_PER_HOUR,
    SLA_PERIOD_HOURS,
    LeaseStatus,
    offer,
    terms,
)

from cap.assets import Status

MAX_LEASE_HOURS = 365 * 24


# ---------------------------------------------------------------- offers


def test_set_offer__stores_and_emits(market, asset_id, operator, clock):
    new = offer(price_per_hour=20 * 10**6, min_hours=4, max_hours=720, sla_uptime_bps=9_950, termination_fee_bps=500)
    tx = market.setOffer(asset_id, new, sender=operator)
    assert tuple(market.offerOf(asset_id)) == new
    event = tx.events.filter(market.OfferSet)[0]
    assert (event.assetId, event.operator, tuple(event.offer)) == (asset_id, operator, new)
    assert market.ledgerOf(asset_id).bookedUntilEpoch == clock.epoch()  # the calendar starts now


def test_set_offer__by_someone_else__reverts(market, asset_id, stranger, gov):
    before = market.offerOf(asset_id)
    for caller in (stranger, gov):
        with ape.reverts(market.LeaseMarketNotOperator, caller=caller, assetId=asset_id):
            market.setOffer(asset_id, offer(price_per_hour=1), sender=caller)
    assert market.offerOf(asset_id) == before


def test_set_offer__on_an_asset_not_active__reverts(market, assets, operator, register_asset, asset_id):
    registered = register_asset()
    with ape.reverts(market.LeaseMarketAssetNotActive, assetId=registered, status=Status.REGISTERED):
        market.setOffer(registered, offer(), sender=operator)
    assert market.offerOf(registered).pricePerHour == 0
    assets.suspend(asset_id, sender=operator)
    with ape.reverts(market.LeaseMarketAssetNotActive, assetId=asset_id, status=Status.SUSPENDED):
        market.setOffer(asset_id, offer(price_per_hour=1), sender=operator)


@pytest.mark.parametrize(
    "change, error, args",
    [
        ({"price_per_hour": 0}, "LeaseMarketInvalidPrice", {}),
        ({"min_hours": 0}, "LeaseMarketInvalidHoursRange", {"minHours": 0, "maxHours": MAX_LEASE_HOURS}),
        ({"min_hours": 10, "max_hours": 9}, "LeaseMarketInvalidHoursRange", {"minHours": 10, "maxHours": 9}),
        (
            {"max_hours": MAX_LEASE_HOURS + 1},
            "LeaseMarketInvalidHoursRange",
            {"minHours": 1, "maxHours": MAX_LEASE_HOURS + 1},
        ),
        ({"sla_uptime_bps": 10_001}, "LeaseMarketInvalidSlaTarget", {"slaUptimeBps": 10_001}),
        ({"termination_fee_bps": 5_001}, "LeaseMarketTerminationFeeTooHigh", {"feeBps": 5_001, "maxFeeBps": 5_000}),
        ({"available_from": 100, "available_until": 100}, "LeaseMarketInvalidAvailability", {"availableFrom": 100}),
        ({"available_until": 1_000}, "LeaseMarketInvalidAvailability", {"availableUntil": 1_000}),  # in the past
    ],
)
def test_set_offer__out_of_bounds__reverts(market, asset_id, operator, change, error, args):
    before = market.offerOf(asset_id)
    bad = offer(**{"max_hours": MAX_LEASE_HOURS, **change})
    with ape.reverts(getattr(market, error), **args):
        market.setOffer(asset_id, bad, sender=operator)
    assert market.offerOf(asset_id) == before


def test_set_offer__at_the_bounds__works(market, asset_id, operator):
    widest = offer(max_hours=MAX_LEASE_HOURS, sla_uptime_bps=10_000, termination_fee_bps=5_000)
    market.setOffer(asset_id, widest, sender=operator)
    assert market.offerOf(asset_id).terminationFeeBps == 5_000


def test_set_offer__when_paused__reverts(market, asset_id, operator, pauser):
    market.pause(sender=pauser)
    with ape.reverts(market.EnforcedPause):
        market.setOffer(asset_id, offer(price_per_hour=1), sender=operator)
    assert market.offerOf(asset_id).pricePerHour == PRICE_PER_HOUR
    market.withdrawOffer(asset_id, sender=operator)  # withdrawing is not new risk: allowed


def test_set_offer__update__leaves_booked_leases_their_terms(market, asset_id, operator, book):
    lease_id = book(hours=24)
    market.setOffer(asset_id, offer(sla_uptime_bps=5_000, termination_fee_bps=0, price_per_hour=1), sender=operator)
    lease = market.leaseOf(lease_id)
    assert (lease.slaUptimeBps, lease.terminationFeeBps, lease.unsettled) == (9_900, 1_000, 24 * PRICE_PER_HOUR)


def test_withdraw_offer__delists(market, asset_id, operator):
    tx = market.withdrawOffer(asset_id, sender=operator)
    event = tx.events.filter(market.OfferWithdrawn)[0]
    assert (event.assetId, event.operator) == (asset_id, operator)
    assert market.offerOf(asset_id).pricePerHour == 0
    with ape.reverts(market.LeaseMarketNoOffer, assetId=asset_id):
        market.withdrawOffer(asset_id, sender=operator)


def test_withdraw_offer__by_someone_else__reverts(market, asset_id, stranger):
    with ape.reverts(market.LeaseMarketNotOperator, caller=stranger, assetId=asset_id):
        market.withdrawOffer(asset_id, sender=stranger)
    assert market.offerOf(asset_id).pricePerHour == PRICE_PER_HOUR


# ---------------------------------------------------------------- terms (governance)


def test_terms__defaults(market):
    assert market.currentTermsId() == 0
    current = market.termsOf(0)
    assert (current.slaPeriodHours, current.attestationGraceSeconds) == (SLA_PERIOD_HOURS, ATTESTATION_GRACE)
    assert (current.disputeWindowSeconds, current.maxAdvanceSeconds) == (DISPUTE_WINDOW, MAX_ADVANCE)
    assert [tuple(tier) for tier in current.tiers] == DEFAULT_TIERS


def test_set_terms__adds_a_version(market, gov):
    new = terms(sla_period_hours=720, grace=3_600, dispute_window=7 * 86_400, tiers=[(50, 500), (10_000, 10_000)])
    tx = market.setTerms(new, sender=gov)
    event = tx.events.filter(market.TermsSet)[0]
    assert event.termsId == 1 and event.terms[0] == 720  # decoded as a tuple
    assert market.currentTermsId() == 1
    stored = market.termsOf(1)
    assert [tuple(tier) for tier in stored.tiers] == [(50, 500), (10_000, 10_000)]
    assert market.termsOf(0).slaPeriodHours == SLA_PERIOD_HOURS  # the old version stays


@pytest.mark.parametrize(
    "change, error, args",
    [
        ({"sla_period_hours": 0}, "LeaseMarketInvalidSlaPeriod", {"slaPeriodHours": 0}),
        ({"sla_period_hours": MAX_LEASE_HOURS + 1}, "LeaseMarketInvalidSlaPeriod", {}),
        ({"grace": 7 * 86_400 + 1, "dispute_window": 8 * 86_400}, "LeaseMarketInvalidWindows", {}),
        ({"dispute_window": 3_599, "grace": 0}, "LeaseMarketInvalidWindows", {"disputeWindowSeconds": 3_599}),
        ({"dispute_window": 30 * 86_400 + 1}, "LeaseMarketInvalidWindows", {}),
        ({"grace": 2 * 86_400, "dispute_window": 86_400}, "LeaseMarketInvalidWindows", {}),  # window < grace
        ({"max_advance": 365 * 86_400 + 1}, "LeaseMarketInvalidMaxAdvance", {"maxAdvanceSeconds": 365 * 86_400 + 1}),
        ({"tiers": []}, "LeaseMarketInvalidTierCount", {"count": 0}),
        ({"tiers": [(i, 0) for i in range(8)] + [(10_000, 0)]}, "LeaseMarketInvalidTierCount", {"count": 9}),
        ({"tiers": [(0, 0), (9_999, 10_000)]}, "LeaseMarketInvalidTier", {"index": 1}),  # last must cover all
        ({"tiers": [(100, 0), (100, 10), (10_000, 20)]}, "LeaseMarketInvalidTier", {"index": 1}),  # not increasing
        ({"tiers": [(0, 500), (10_000, 400)]}, "LeaseMarketInvalidTier", {"index": 1}),  # credit decreasing
        ({"tiers": [(10_000, 10_001)]}, "LeaseMarketInvalidTier", {"index": 0, "creditBps": 10_001}),
    ],
)
def test_set_terms__out_of_bounds__reverts(market, gov, change, error, args):
    with ape.reverts(getattr(market, error), **args):
        market.setTerms(terms(**change), sender=gov)
    assert market.currentTermsId() == 0


def test_set_terms__at_the_bounds__works(market, gov):
    tiers = [(i * 100, i * 100) for i in range(7)] + [(10_000, 10_000)]
    widest = terms(
        sla_period_hours=MAX_LEASE_HOURS, grace=7 * 86_400, dispute_window=30 * 86_400, max_advance=0, tiers=tiers
    )
    market.setTerms(widest, sender=gov)
    assert market.currentTermsId() == 1


def test_terms_of__unknown__reverts(market):
    with ape.reverts(market.LeaseMarketUnknownTerms, termsId=1):
        market.termsOf(1)


@pytest.mark.parametrize("caller_name", ["stranger", "operator", "pauser", "arbiter"])
def test_set_terms__unauthorized__reverts(market, request, caller_name):
    caller = request.getfixturevalue(caller_name)
    with ape.reverts(market.AccessManagedUnauthorized, caller=caller):
        market.setTerms(terms(), sender=caller)
    assert market.currentTermsId() == 0


@pytest.mark.parametrize("function", ["pause", "unpause"])
@pytest.mark.parametrize("caller_name", ["stranger", "operator", "gov"])
def test_pause__unauthorized__reverts(market, request, function, caller_name):
    caller = request.getfixturevalue(caller_name)
    with ape.reverts(market.AccessManagedUnauthorized, caller=caller):
        getattr(market, function)(sender=caller)
    assert not market.paused()


def test_pause__by_the_pauser__emits(market, pauser):
    assert market.pause(sender=pauser).events.filter(market.Paused)[0].account == pauser
    assert market.unpause(sender=pauser).events.filter(market.Unpaused)[0].account == pauser


# ---------------------------------------------------------------- binding hook


def test_binding__a_booked_asset_cannot_be_retired(market, assets, asset_id, operator, stranger, clock, book):
    lease_id = book(hours=2, start=clock.start_of(clock.fresh_epoch() + 3))  # booked, not started: no user yet
    with ape.reverts(assets.ComputeAssetRegistryAssetBound, assetId=asset_id):
        assets.retire(asset_id, sender=operator)
    market.cancelLease(lease_id, sender=operator)
    assert market.leaseOf(lease_id).status == LeaseStatus.CANCELLED
    assets.retire(asset_id, sender=operator)
    assert assets.statusOf(asset_id) == Status.RETIRED


def test_binding__until_the_last_period_settles(market, assets, asset_id, stranger, clock, book, attest_range):
    lease_id = book(hours=1)
    lease = market.leaseOf(lease_id)
    attest_range(asset_id, lease.startEpoch, lease.endEpoch)
    assert assets.userOf(asset_id) == "0x0000000000000000000000000000000000000000"  # the use is over
    assert assets.isBound(asset_id)  # but its rent is not final yet
    clock.goto(clock.start_of(lease.endEpoch) + DISPUTE_WINDOW)
    market.settle(lease_id, sender=stranger)
    assert not assets.isBound(asset_id)
