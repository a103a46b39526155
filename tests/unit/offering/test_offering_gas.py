"""Gas budgets of the offering (total transaction gas, deterministic on anvil): subscribe at most 110,000 and a claim
of shares after a successful offering at most 80,000, each measured on its costliest ordinary case (a first
subscription; a claim by an investor who holds none of the shares yet)."""

import pytest
from offering_helpers import MIN_SHARES, SOFT_CAP

from cap.offering import ONE_SHARE

SUBSCRIBE_BUDGET = 110_000
CLAIM_BUDGET = 80_000

pytestmark = pytest.mark.gas


def test_gas__subscribe(offering, stablecoin, accounts, verify, create, open_window, buy, gas_report):
    offering_id = create()
    open_window(offering_id)
    verify(accounts[15])
    first_ever = buy(offering_id, accounts[15], MIN_SHARES).gas_used  # also the first of the offering
    investor = accounts[16]
    verify(investor)
    first = buy(offering_id, investor, MIN_SHARES).gas_used
    again = buy(offering_id, investor, MIN_SHARES).gas_used
    gas_report("offering: subscribe (first of the investor)", first, SUBSCRIBE_BUDGET)
    gas_report("offering: subscribe (adding to a position)", again, SUBSCRIBE_BUDGET)
    gas_report("offering: subscribe (first ever: contract balance from zero)", first_ever, SUBSCRIBE_BUDGET)
    assert max(first, again, first_ever) <= SUBSCRIBE_BUDGET


def test_gas__claim_shares(
    offering, shares, operator, accounts, verify, create, open_window, close_window, buy, keeper, gas_report
):
    offering_id = create()
    investors = accounts[15:17]
    verify(*investors)
    shares.transfer(investors[1], ONE_SHARE, sender=operator)  # already a holder
    open_window(offering_id)
    buy(offering_id, investors[0], SOFT_CAP // 2)
    buy(offering_id, investors[1], SOFT_CAP // 2)
    close_window(offering_id)
    offering.settle(offering_id, sender=keeper)
    new_holder = offering.claimShares(offering_id, sender=investors[0]).gas_used
    holder = offering.claimShares(offering_id, sender=investors[1]).gas_used
    gas_report("offering: claim shares, new holder", new_holder, CLAIM_BUDGET)
    gas_report("offering: claim shares, existing holder", holder, CLAIM_BUDGET)
    assert max(new_holder, holder) <= CLAIM_BUDGET
