"""The price: min(appraisal, annualised revenue multiple), with revenue routed through the real `system.router`."""

import pytest
from nav_model import DAY, MULTIPLE_BPS, PRICE, REVENUE_WINDOW, USD, revenue_price

SUPPLY = 1_000_000 * 10**18  # the session `shares` fixture's supply
RENT, INFERENCE = 0, 1


def test_no_appraisal__price_zero_not_fresh(nav, asset_id, route):
    route(asset_id, 10_000 * USD)
    assert nav.revenuePriceOf(asset_id) > 0
    assert nav.priceOf(asset_id) == (0, False)


def test_no_revenue__revenue_price_zero__price_zero(nav, appraise, asset_id):
    appraise(asset_id, PRICE)
    assert nav.trailingNetRevenueOf(asset_id) == 0
    assert nav.revenuePriceOf(asset_id) == 0
    assert nav.priceOf(asset_id) == (0, True)


def test_revenue_price__formula(nav, shares, asset_id, route):
    net = route(asset_id, 10_000 * USD) + route(asset_id, 2_500 * USD + 7, INFERENCE)
    assert shares.totalSupply() == SUPPLY
    assert nav.trailingNetRevenueOf(asset_id) == net
    expected = revenue_price(net, SUPPLY)
    assert nav.revenuePriceOf(asset_id) == expected
    # 80% of 12,500 USD in 30 days, x 365/30 x 5, over a million shares: about 0.61 USD a share
    assert expected == (net * 365 * MULTIPLE_BPS // (30 * 10_000)) * 10**18 // SUPPLY


def test_price__appraisal_above_revenue__revenue_price(nav, appraise, asset_id, route):
    route(asset_id, 10_000 * USD)
    appraise(asset_id, PRICE)
    revenue = nav.revenuePriceOf(asset_id)
    assert 0 < revenue < PRICE
    assert nav.priceOf(asset_id) == (revenue, True)


def test_price__appraisal_below_revenue__appraisal(nav, appraise, asset_id, route):
    route(asset_id, 100_000 * USD)
    appraise(asset_id, PRICE)
    assert nav.revenuePriceOf(asset_id) > PRICE
    assert nav.priceOf(asset_id) == (PRICE, True)


def test_price__stale__still_min_of_both(nav, chain, appraise, asset_id, route):
    """The liquidation policy: a stale appraisal still prices, capped by the current revenue price."""
    route(asset_id, 10_000 * USD)
    _, appraisal = appraise(asset_id, PRICE)
    chain.mine(timestamp=appraisal.timestamp + 2 * DAY)
    revenue = nav.revenuePriceOf(asset_id)
    assert nav.priceOf(asset_id) == (min(PRICE, revenue), False)


def test_revenue__leaves_the_window(nav, chain, asset_id, route):
    net = route(asset_id, 10_000 * USD)
    deposited_day = chain.blocks.head.timestamp // DAY
    last_day_in = (deposited_day + REVENUE_WINDOW // DAY) * DAY - 1
    chain.mine(timestamp=last_day_in)
    assert nav.trailingNetRevenueOf(asset_id) == net
    chain.mine(timestamp=last_day_in + 1)
    assert nav.trailingNetRevenueOf(asset_id) == 0
    assert nav.revenuePriceOf(asset_id) == 0


def test_revenue_price__follows_multiple_and_window(nav, gov, asset_id, route):
    net = route(asset_id, 10_000 * USD)
    nav.setMultipleBps(20_000, sender=gov)
    assert nav.revenuePriceOf(asset_id) == revenue_price(net, SUPPLY, multiple_bps=20_000)
    nav.setRevenueWindow(60 * DAY, sender=gov)
    assert nav.revenuePriceOf(asset_id) == revenue_price(net, SUPPLY, window=60 * DAY, multiple_bps=20_000)


def test_revenue_price__asset_without_shares__zero(nav, register_asset, appraise):
    plain = register_asset()
    appraise(plain, PRICE)
    assert nav.revenuePriceOf(plain) == 0
    assert nav.priceOf(plain) == (0, True)


@pytest.mark.parametrize("asset", [0, 10**9])
def test_revenue_price__unknown_asset__zero(nav, asset):
    assert nav.revenuePriceOf(asset) == 0
    assert nav.trailingNetRevenueOf(asset) == 0
    assert nav.priceOf(asset) == (0, False)


def test_price__rounds_down(nav, appraise, asset_id, route):
    """One unit of net revenue: far below a unit per 1e18 shares once annualised, so zero (never rounded up)."""
    route(asset_id, 2)  # net 2 (the fees round down to zero)
    assert nav.trailingNetRevenueOf(asset_id) == 2
    assert nav.revenuePriceOf(asset_id) == revenue_price(2, SUPPLY) == 0


def test_price__gas_of_a_read(nav, appraise, asset_id, route, gas_report, stranger):
    route(asset_id, 10_000 * USD)
    appraise(asset_id, PRICE)
    gas = nav.priceOf.estimate_gas_cost(asset_id, sender=stranger)
    gas_report("NavOracle.priceOf (estimate, 1 revenue day)", gas, note="view, read by markets")
    assert gas < 70_000  # 21,000 of it the transaction base


def test_submit__gas(appraise, asset_id, gas_report):
    receipt, _ = appraise(asset_id, PRICE)
    gas_report("NavOracle.submitAppraisal, first", receipt.gas_used)
    receipt, _ = appraise(asset_id, PRICE + 1)
    gas_report("NavOracle.submitAppraisal, update", receipt.gas_used, note="records the revenue leg too")
    assert receipt.gas_used < 90_000


def test_recorded_revenue_price__priced_until_updated(nav, appraise, asset_id, route, stranger):
    route(asset_id, 10_000 * USD)
    receipt, _ = appraise(asset_id, PRICE)  # an appraisal records the revenue leg too
    recorded = nav.revenuePriceOf(asset_id)
    assert receipt.events.filter(nav.RevenuePriceUpdated)[0].revenuePrice == recorded
    route(asset_id, 10_000 * USD)
    live = nav.revenuePriceOf(asset_id)
    assert live > recorded
    assert nav.priceOf(asset_id) == (recorded, True)  # the recorded value until someone records the live one
    tx = nav.updateRevenuePrice(asset_id, sender=stranger)
    assert tx.return_value == live or tx.events.filter(nav.RevenuePriceUpdated)[0].revenuePrice == live
    assert nav.recordedRevenuePriceOf(asset_id) == (live, tx.timestamp)
    assert nav.priceOf(asset_id) == (live, True)


def test_recorded_revenue_price__stale_after_heartbeat(nav, chain, appraise, asset_id, route, stranger, gov):
    route(asset_id, 100_000 * USD)
    nav.setHeartbeat(2 * DAY, sender=gov)
    _, appraisal = appraise(asset_id, PRICE)
    chain.mine(timestamp=appraisal.timestamp + DAY)
    nav.updateRevenuePrice(asset_id, sender=stranger)
    nav.setHeartbeat(DAY, sender=gov)  # the appraisal is a day old: fresh; so is the revenue leg just recorded
    assert nav.priceOf(asset_id)[1] is True
    chain.mine(timestamp=appraisal.timestamp + DAY + 1)  # the appraisal is stale now
    assert nav.priceOf(asset_id)[1] is False
    nav.setHeartbeat(3 * DAY, sender=gov)
    assert nav.priceOf(asset_id)[1] is True
    chain.mine(timestamp=appraisal.timestamp + 4 * DAY + 2)  # both stale
    assert nav.priceOf(asset_id)[1] is False


def test_update_revenue_price__gas(nav, appraise, asset_id, route, gas_report, stranger):
    route(asset_id, 10_000 * USD)
    appraise(asset_id, PRICE)
    gas = nav.updateRevenuePrice(asset_id, sender=stranger).gas_used
    gas_report("NavOracle.updateRevenuePrice", gas, note="keepers, liquidators")
    assert gas < 65_000  # the live read of four sources' checkpoints, then one slot
