"""Settlement, share claims, refunds, returns of unsold shares and withdrawals: the succeeded and the failed path to
the unit, and every refused claim."""

import ape
import pytest
from offering_helpers import FEE_BPS, HARD_CAP, MAX_SHARES, MIN_SHARES, PRICE, SOFT_CAP

from cap.offering import ONE_SHARE, OfferingStatus, cost_of, fee_of, settle_closed, settleable_offerings

SUCCEEDED, FAILED = int(OfferingStatus.SUCCEEDED), int(OfferingStatus.FAILED)


@pytest.fixture
def offering_id(create):
    return create()


def test_settle__before_close__reverts(offering, investors, offering_id, open_window, buy, keeper):
    open_window(offering_id)
    buy(offering_id, investors[0], SOFT_CAP)
    closes_at = offering.offeringOf(offering_id).closesAt
    with ape.reverts(offering.ShareOfferingNotClosed, offeringId=offering_id, closesAt=closes_at):
        offering.settle(offering_id, sender=keeper)


def test_settle__sold_out__settles_before_close(offering, investors, offering_id, open_window, buy, keeper):
    open_window(offering_id)
    buy(offering_id, investors[0], MAX_SHARES)
    buy(offering_id, investors[1], MAX_SHARES)
    tx = offering.settle(offering_id, sender=keeper)
    assert tx.events.filter(offering.OfferingSettled)[0].succeeded
    assert offering.offeringOf(offering_id).status == SUCCEEDED


def test_succeeded__proceeds_fee_claims_and_unsold(
    offering,
    shares,
    stablecoin,
    investors,
    operator,
    treasury,
    keeper,
    offering_id,
    open_window,
    close_window,
    buy,
    check_solvency,
):
    open_window(offering_id)
    bought = [60_000 * ONE_SHARE, 40_000 * ONE_SHARE + 7, 25_000 * ONE_SHARE]
    for investor, amount in zip(investors, bought, strict=False):
        buy(offering_id, investor, amount)
    raised = sum(cost_of(amount, PRICE) for amount in bought)
    fee = fee_of(raised, FEE_BPS)
    close_window(offering_id)

    tx = offering.settle(offering_id, sender=keeper)

    settled = tx.events.filter(offering.OfferingSettled)[0]
    assert (settled.succeeded, settled.sold, settled.raised, settled.fee) == (True, sum(bought), raised, fee)
    assert offering.owedOf(operator) == raised - fee
    assert offering.owedOf(treasury) == fee
    check_solvency()

    # Investors claim their shares (one through a keeper); a second claim has nothing left.
    for investor, amount in zip(investors[:2], bought[:2], strict=False):
        before = shares.balanceOf(investor)
        claim = offering.claimShares(offering_id, sender=investor)
        assert claim.events.filter(offering.SharesClaimed)[0].shares == amount
        assert shares.balanceOf(investor) == before + amount
    offering.claimSharesFor(offering_id, investors[2], sender=keeper)
    assert shares.balanceOf(investors[2]) >= bought[2]
    with ape.reverts(offering.ShareOfferingNothingToClaim, offeringId=offering_id, investor=investors[0]):
        offering.claimShares(offering_id, sender=investors[0])
    with ape.reverts(offering.ShareOfferingNothingToClaim, offeringId=offering_id, investor=investors[3]):
        offering.claimShares(offering_id, sender=investors[3])

    # No refunds from a successful offering.
    with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=SUCCEEDED):
        offering.refund(offering_id, sender=investors[0])

    # Unsold shares go back to the operator, once.
    operator_shares = shares.balanceOf(operator)
    offering.returnShares(offering_id, sender=keeper)
    assert shares.balanceOf(operator) == operator_shares + HARD_CAP - sum(bought)
    with ape.reverts(offering.ShareOfferingNothingToReturn, offeringId=offering_id):
        offering.returnShares(offering_id, sender=keeper)

    # Payouts are pulled; the contract ends with nothing of this offering.
    operator_usd = stablecoin.balanceOf(operator)
    offering.withdraw(sender=operator)
    offering.withdrawFor(treasury, sender=keeper)
    assert stablecoin.balanceOf(operator) == operator_usd + raised - fee
    assert stablecoin.balanceOf(treasury) == fee
    with ape.reverts(offering.ShareOfferingNothingToWithdraw, account=operator):
        offering.withdraw(sender=operator)
    assert offering.totalOwed() == 0
    assert stablecoin.balanceOf(offering) == 0
    check_solvency()


def test_failed__everyone_refunded_to_the_unit(
    offering,
    shares,
    stablecoin,
    investors,
    operator,
    keeper,
    offering_id,
    open_window,
    close_window,
    buy,
    check_solvency,
):
    open_window(offering_id)
    bought = [30_000 * ONE_SHARE + 1, 20_000 * ONE_SHARE + 3, MIN_SHARES, 49_000 * ONE_SHARE - 5]
    starting = {}
    for investor, amount in zip(investors, bought, strict=True):
        starting[investor.address] = stablecoin.balanceOf(investor)
        buy(offering_id, investor, amount)  # mints the exact cost, then pays it in
    assert sum(bought) == SOFT_CAP - 1  # one share unit short
    close_window(offering_id)
    operator_shares = shares.balanceOf(operator)

    tx = offering.settle(offering_id, sender=keeper)

    assert not tx.events.filter(offering.OfferingSettled)[0].succeeded
    assert offering.offeringOf(offering_id).status == FAILED
    assert offering.owedOf(operator) == 0
    for investor, amount in zip(investors, bought, strict=True):
        with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=FAILED):
            offering.claimShares(offering_id, sender=investor)
        refund = offering.refund(offering_id, sender=investor)
        assert refund.events.filter(offering.Refunded)[0].amount == cost_of(amount, PRICE)
        assert stablecoin.balanceOf(investor) == starting[investor.address] + cost_of(amount, PRICE)
        with ape.reverts(offering.ShareOfferingNothingToRefund, offeringId=offering_id, investor=investor):
            offering.refund(offering_id, sender=investor)
    offering.returnShares(offering_id, sender=keeper)
    assert shares.balanceOf(operator) == operator_shares + HARD_CAP
    assert stablecoin.balanceOf(offering) == 0
    check_solvency()


def test_settle__twice__reverts(offering, offering_id, close_window, keeper):
    close_window(offering_id)
    offering.settle(offering_id, sender=keeper)  # nobody subscribed: failed
    with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=FAILED):
        offering.settle(offering_id, sender=keeper)


def test_claims_and_returns__before_settlement__revert(offering, investors, offering_id, open_window, buy, keeper):
    open_window(offering_id)
    buy(offering_id, investors[0], SOFT_CAP)
    with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=1):
        offering.claimShares(offering_id, sender=investors[0])
    with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=1):
        offering.refund(offering_id, sender=investors[0])
    with ape.reverts(offering.ShareOfferingInvalidStatus, offeringId=offering_id, status=1):
        offering.returnShares(offering_id, sender=keeper)


def test_pause__never_stops_settlement_claims_or_withdrawals(
    offering, pauser, investors, operator, offering_id, open_window, close_window, buy, keeper
):
    open_window(offering_id)
    buy(offering_id, investors[0], SOFT_CAP)
    close_window(offering_id)
    offering.pause(sender=pauser)
    offering.settle(offering_id, sender=keeper)
    offering.claimShares(offering_id, sender=investors[0])
    offering.returnShares(offering_id, sender=keeper)
    offering.withdraw(sender=operator)


def test_claim__investor_no_longer_verified__token_refuses_until_reverified(
    offering,
    shares,
    accounts,
    verify,
    compliance,
    compliance_agent,
    offering_id,
    open_window,
    close_window,
    buy,
    keeper,
):
    investor = accounts[17]
    verify(investor)
    open_window(offering_id)
    buy(offering_id, investor, SOFT_CAP)
    close_window(offering_id)
    offering.settle(offering_id, sender=keeper)
    compliance.revokeInvestor(investor, sender=compliance_agent)
    with ape.reverts(compliance.ComplianceRegistryRecipientNotVerified, recipient=investor):
        offering.claimShares(offering_id, sender=investor)
    verify(investor)
    offering.claimShares(offering_id, sender=investor)
    assert shares.balanceOf(investor) == SOFT_CAP


def test_keeper__settles_closed_offerings_only(offering, create, investors, open_window, buy, chain, keeper):
    early = create()
    late = create(opens_at=chain.pending_timestamp + 30 * 86_400)
    open_window(early)
    buy(early, investors[0], SOFT_CAP)
    chain.pending_timestamp = offering.offeringOf(early).closesAt
    assert early in settleable_offerings(offering, chain.pending_timestamp)
    assert late not in settleable_offerings(offering, chain.pending_timestamp)
    results = dict(settle_closed(offering, keeper))
    assert results[early] is True and late not in results
    assert offering.offeringOf(late).status == int(OfferingStatus.ACTIVE)
