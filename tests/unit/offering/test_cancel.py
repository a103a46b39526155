"""Cancellation: by the operator before the window, by governance until settlement (refunds open), by nobody else."""

import ape
import pytest
from offering_helpers import HARD_CAP, MIN_SHARES, PRICE

from cap.offering import OfferingStatus, cost_of

CANCELLED = int(OfferingStatus.CANCELLED)


@pytest.fixture
def offering_id(create):
    return create()


def test_cancel__operator_before_open__returns_shares(offering, shares, operator, offering_id, keeper):
    before = shares.balanceOf(operator)
    tx = offering.cancel(offering_id, sender=operator)
    assert tx.events.filter(offering.OfferingCancelled)[0].by == operator
    assert offering.offeringOf(offering_id).status == CANCELLED
    offering.returnShares(offering_id, sender=keeper)
    assert shares.balanceOf(operator) == before + HARD_CAP


def test_cancel__operator_once_open__reverts(offering, operator, offering_id, open_window):
    opens_at = offering.offeringOf(offering_id).opensAt
    open_window(offering_id)
    with ape.reverts(offering.ShareOfferingAlreadyOpen, offeringId=offering_id, opensAt=opens_at):
        offering.cancel(offering_id, sender=operator)


def test_cancel__stranger__reverts(offering, stranger, investors, offering_id):
    for caller in (stranger, investors[0]):
        with ape.reverts(offering.ShareOfferingUnauthorized, caller=caller, offeringId=offering_id):
            offering.cancel(offering_id, sender=caller)


def test_cancel__governance_while_open__refunds_open(
    offering, stablecoin, gov, investors, offering_id, open_window, buy, check_solvency
):
    open_window(offering_id)
    buy(offering_id, investors[0], MIN_SHARES)
    offering.cancel(offering_id, sender=gov)
    offering.refund(offering_id, sender=investors[0])
    assert stablecoin.balanceOf(investors[0]) >= cost_of(MIN_SHARES, PRICE)
    assert offering.subscriptionOf(offering_id, investors[0]).paid == 0
    check_solvency()


def test_cancel__governance_after_close_before_settlement(offering, gov, offering_id, close_window):
    close_window(offering_id)
    offering.cancel(offering_id, sender=gov)
    assert offering.offeringOf(offering_id).status == CANCELLED


def test_cancel__after_settlement_or_twice__reverts(offering, gov, offering_id, close_window, keeper):
    close_window(offering_id)
    offering.settle(offering_id, sender=keeper)
    with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=int(OfferingStatus.FAILED)):
        offering.cancel(offering_id, sender=gov)


def test_cancel__twice__reverts(offering, gov, offering_id):
    offering.cancel(offering_id, sender=gov)
    with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=CANCELLED):
        offering.cancel(offering_id, sender=gov)
