"""Revenue earned by shares while the offering contract holds them is not lost: it goes to the asset's operator
(unsold shares until returned, sold shares until claimed); what an investor holds earns for the investor."""

import ape
from offering_helpers import HARD_CAP, SOFT_CAP

from cap.offering import ONE_SHARE

USD = 10**6
MAGNITUDE = 10**27


def distribute(shares, stablecoin, payer, amount):
    stablecoin.mint(payer, amount, sender=payer)
    stablecoin.approve(shares, amount, sender=payer)
    shares.distribute(amount, sender=payer)


def test_revenue__held_shares__forwarded_to_operator(
    offering,
    shares,
    stablecoin,
    gov,
    operator,
    investors,
    keeper,
    create,
    open_window,
    close_window,
    buy,
    check_solvency,
):
    offering_id = create()
    already = offering.pendingRevenueOf(shares)
    pps0 = shares.pointsPerShare()
    distribute(shares, stablecoin, gov, 1_000 * USD)
    pps1 = shares.pointsPerShare()
    expected = already + HARD_CAP * (pps1 - pps0) // MAGNITUDE
    assert offering.pendingRevenueOf(shares) == expected == already + 300 * USD  # 30% of the supply held here

    # Sold shares earn for the operator until their investor claims them, unsold ones until returned.
    open_window(offering_id)
    buy(offering_id, investors[0], SOFT_CAP)
    close_window(offering_id)
    offering.settle(offering_id, sender=keeper)
    distribute(shares, stablecoin, gov, 1_000 * USD)
    pps2 = shares.pointsPerShare()
    offering.claimShares(offering_id, sender=investors[0])
    distribute(shares, stablecoin, gov, 1_000 * USD)
    pps3 = shares.pointsPerShare()
    offering.returnShares(offering_id, sender=keeper)
    distribute(shares, stablecoin, gov, 1_000 * USD)  # nothing of this one for the contract
    earned = HARD_CAP * (pps2 - pps0) + (HARD_CAP - SOFT_CAP) * (pps3 - pps2)
    assert abs(offering.pendingRevenueOf(shares) - already - earned // MAGNITUDE) <= 1

    pending = offering.pendingRevenueOf(shares)
    owed = offering.owedOf(operator)
    tx = offering.forwardRevenue(shares, sender=keeper)
    event = tx.events.filter(offering.RevenueForwarded)[0]
    assert (event.shareToken, event.operator, event.amount) == (shares, operator, pending)
    assert offering.owedOf(operator) == owed + pending
    assert shares.claimableOf(offering) == 0
    check_solvency()
    # The investor earns from its claim on.
    assert shares.claimableOf(investors[0]) == SOFT_CAP * (shares.pointsPerShare() - pps2) // MAGNITUDE
    with ape.reverts(offering.ShareOfferingNoRevenue, token=shares):
        offering.forwardRevenue(shares, sender=keeper)
    offering.withdraw(sender=operator)
    check_solvency()


def test_revenue__two_offerings_of_one_token__all_to_the_operator(
    offering, shares, stablecoin, gov, operator, keeper, create, check_solvency
):
    small = {"soft_cap": ONE_SHARE, "max_shares": ONE_SHARE, "min_shares": 0}
    create(hard_cap=100_000 * ONE_SHARE, **small)
    create(hard_cap=200_000 * ONE_SHARE, **small)
    already = offering.pendingRevenueOf(shares)
    distribute(shares, stablecoin, gov, 3_000 * USD)
    assert offering.pendingRevenueOf(shares) - already == 900 * USD
    owed = offering.owedOf(operator)
    offering.forwardRevenue(shares, sender=keeper)
    assert offering.owedOf(operator) == owed + already + 900 * USD
    check_solvency()


def test_forward_revenue__not_a_share_token__reverts(offering, stablecoin, keeper):
    with ape.reverts(offering.ShareOfferingUnknownShareToken, token=stablecoin):
        offering.forwardRevenue(stablecoin, sender=keeper)
