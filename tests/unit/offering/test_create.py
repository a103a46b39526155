"""ShareOffering.createOffering: escrow of the hard cap, the stored offering, and every refused parameter."""

import ape
import pytest
from offering_helpers import DURATION, FEE_BPS, HARD_CAP, JURISDICTIONS, MAX_SHARES, MIN_SHARES, PRICE, SOFT_CAP

from cap.offering import ONE_SHARE, OfferingStatus, OfferingView


def test_create__escrows_hard_cap_and_stores_offering(offering, shares, operator, offering_params):
    before = shares.balanceOf(operator)
    p = offering_params()
    shares.approve(offering, HARD_CAP, sender=operator)

    tx = offering.createOffering(p.as_tuple(), sender=operator)

    event = tx.events.filter(offering.OfferingCreated)[0]
    offering_id = event.offeringId
    assert offering_id == offering.offeringCount()
    assert (event.operator, event.shareToken, event.pricePerShare) == (operator, shares, PRICE)
    assert (event.softCap, event.hardCap, event.minShares, event.maxShares) == (
        SOFT_CAP,
        HARD_CAP,
        MIN_SHARES,
        MAX_SHARES,
    )
    assert (event.opensAt, event.closesAt, list(event.jurisdictions), event.feeBps) == (
        p.opens_at,
        p.opens_at + DURATION,
        list(JURISDICTIONS),
        FEE_BPS,
    )
    view = OfferingView.read(offering, offering_id)
    assert view.status is OfferingStatus.ACTIVE
    assert (view.operator, view.share_token, view.sold, view.raised) == (operator, shares, 0, 0)
    assert (view.fee_bps, view.shares_returned) == (FEE_BPS, False)
    assert shares.balanceOf(operator) == before - HARD_CAP
    assert shares.balanceOf(offering) >= HARD_CAP
    assert view.phase(p.opens_at - 1) == "upcoming" and view.phase(p.opens_at) == "open"
    assert view.phase(p.closes_at) == "closed"


def test_create__jurisdictions_bitmap(offering, create):
    offering_id = create(jurisdictions=(840, 276, 0, 999, 65_535))
    for allowed in (840, 276, 0, 999, 65_535):
        assert offering.isJurisdictionAllowed(offering_id, allowed)
    for other in (250, 841, 839, 1, 65_534):
        assert not offering.isJurisdictionAllowed(offering_id, other)


def test_create__fee_fixed_at_creation(offering, create, gov):
    first = create()
    offering.setProtocolFee(500, sender=gov)
    second = create()
    assert offering.offeringOf(first).feeBps == FEE_BPS
    assert offering.offeringOf(second).feeBps == 500


def test_create__not_the_operator__reverts(offering, shares, operator, investors, offering_params, state):
    shares.transfer(investors[0], HARD_CAP, sender=operator)  # a holder of the shares, not the asset's operator
    shares.approve(offering, HARD_CAP, sender=investors[0])
    before = state(0)
    with ape.reverts(offering.ShareOfferingNotOperator, caller=investors[0], assetId=shares.assetId()):
        offering.createOffering(offering_params().as_tuple(), sender=investors[0])
    assert state(0) == before


def test_create__unknown_share_token__reverts(offering, stablecoin, operator, offering_params):
    with ape.reverts(offering.ShareOfferingUnknownShareToken, token=stablecoin):
        offering.createOffering(offering_params(share_token=stablecoin.address).as_tuple(), sender=operator)


def test_create__zero_price__reverts(offering, operator, offering_params):
    with ape.reverts(offering.ShareOfferingInvalidPrice):
        offering.createOffering(offering_params(price_per_share=0).as_tuple(), sender=operator)


@pytest.mark.parametrize(
    "overrides",
    [
        {"soft_cap": 0},
        {"soft_cap": HARD_CAP + 1},
        {"max_shares": 0, "min_shares": 0},
        {"min_shares": MAX_SHARES + 1},
        {"max_shares": HARD_CAP + 1},
    ],
    ids=["zero-soft-cap", "soft-above-hard", "zero-max", "min-above-max", "max-above-hard"],
)
def test_create__invalid_caps__reverts(offering, operator, offering_params, overrides):
    p = offering_params(**overrides)
    with ape.reverts(
        offering.ShareOfferingInvalidCaps,
        softCap=p.soft_cap,
        hardCap=p.hard_cap,
        minShares=p.min_shares,
        maxShares=p.max_shares,
    ):
        offering.createOffering(p.as_tuple(), sender=operator)


@pytest.mark.parametrize(
    "opens_delta, duration",
    [(-10, DURATION), (366 * 86_400, DURATION), (3_600, 0), (3_600, 181 * 86_400)],
    ids=["opens-in-past", "opens-too-far", "empty", "too-long"],
)
def test_create__invalid_window__reverts(offering, operator, offering_params, chain, opens_delta, duration):
    opens_at = chain.pending_timestamp + opens_delta
    p = offering_params(opens_at=opens_at, closes_at=opens_at + duration)
    with ape.reverts(offering.ShareOfferingInvalidWindow, opensAt=opens_at, closesAt=opens_at + duration):
        offering.createOffering(p.as_tuple(), sender=operator)


@pytest.mark.parametrize("count", [0, 65])
def test_create__invalid_jurisdiction_count__reverts(offering, operator, offering_params, count):
    p = offering_params(jurisdictions=tuple(range(count)))
    with ape.reverts(offering.ShareOfferingInvalidJurisdictions, count=count):
        offering.createOffering(p.as_tuple(), sender=operator)


def test_create__proceeds_too_large__reverts(offering, operator, offering_params, shares):
    big = 2**96 - 1
    p = offering_params(price_per_share=big, hard_cap=big, soft_cap=ONE_SHARE, min_shares=0, max_shares=ONE_SHARE)
    with ape.reverts(offering.ShareOfferingProceedsTooLarge, proceeds=-(-big * big // ONE_SHARE)):
        offering.createOffering(p.as_tuple(), sender=operator)


def test_create__without_share_approval__reverts(project, offering, shares, operator, offering_params):
    shares.approve(offering, 0, sender=operator)
    with ape.reverts(project.ComplianceRegistry.AssetSharesInsufficientAllowance, spender=offering):
        offering.createOffering(offering_params().as_tuple(), sender=operator)


def test_create__paused__reverts_then_works_unpaused(offering, shares, operator, pauser, offering_params):
    offering.pause(sender=pauser)
    shares.approve(offering, HARD_CAP, sender=operator)
    with ape.reverts(offering.EnforcedPause):
        offering.createOffering(offering_params().as_tuple(), sender=operator)
    offering.unpause(sender=pauser)
    offering.createOffering(offering_params().as_tuple(), sender=operator)


def test_unknown_offering__reverts(offering, stranger):
    missing = offering.offeringCount() + 1
    with ape.reverts(offering.ShareOfferingUnknown, offeringId=missing):
        offering.subscribe(missing, ONE_SHARE, sender=stranger)
    with ape.reverts(offering.ShareOfferingUnknown, offeringId=missing):
        offering.settle(missing, sender=stranger)
