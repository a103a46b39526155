"""The whole money path of a lease, with the deployed system: rent → attested usage with an outage → settlement
with an SLA credit → revenue routing → holders' claims; every unit the renter paid is accounted for."""

import pytest

from cap.reports import UsageReport, submit_reports

USD = 10**6
SUPPLY = 1_000_000 * 10**18
HOURS = 24
PRICE_PER_HOUR = 20 * USD


@pytest.fixture
def renter(accounts, stablecoin):
    renter = accounts[16]
    stablecoin.mint(renter, 10_000 * USD, sender=renter)
    return renter


@pytest.fixture
def listed(chain, system, shares, operator, investors, params):
    """The `shares` asset, with investors holding 40% and an offer listed: $20/h, 99% SLA, 10% termination fee."""
    asset_id = shares.assetId()
    shares.transfer(investors[0], SUPPLY // 4, sender=operator)
    shares.transfer(investors[1], SUPPLY * 15 // 100, sender=operator)
    start = system.oracle.epochStart(system.oracle.currentEpoch())  # leases may start in the current epoch
    offer = (PRICE_PER_HOUR, 1, 720, 9_900, 1_000, start, start + 60 * 86_400)
    system.lease_market.setOffer(asset_id, offer, sender=operator)
    return asset_id


def attest_range(oracle, attesters, sender, asset_id, epochs, uptime):
    reports = [UsageReport(asset_id, epoch, uptime(epoch), 8_000, 8_000, 9_000, 1, bytes(32)) for epoch in epochs]
    for i in range(0, len(reports), 50):
        submit_reports(oracle, reports[i : i + 50], attesters, sender)


def test_rent_to_claim__conserves_every_unit(
    chain, system, listed, renter, operator, investors, attesters, gov, stranger, params
):
    market, router, oracle, stablecoin = system.lease_market, system.router, system.oracle, system.stablecoin
    token = system.shares(listed)
    holders = [operator, *investors[:2]]
    paid = HOURS * PRICE_PER_HOUR
    before = {a: stablecoin.balanceOf(a) for a in (renter, gov, operator, *holders)}

    stablecoin.approve(market, paid, sender=renter)
    start = oracle.epochStart(oracle.currentEpoch())
    tx = market.rent(listed, start, HOURS, paid, sender=renter)
    lease_id = tx.events.filter(market.LeaseBooked)[0].leaseId
    assert system.assets.userOf(listed) == renter
    first = market.leaseOf(lease_id).startEpoch

    # Two hours at half capacity: mean uptime (22 x 100% + 2 x 50%) / 24 = 95.83%, a 317 bps shortfall: 25% credit.
    chain.pending_timestamp = oracle.epochStart(first + HOURS)
    attest_range(
        oracle,
        attesters[:3],
        stranger,
        listed,
        range(first, first + HOURS),
        lambda e: 5_000 if e in (first + 5, first + 6) else 10_000,
    )
    chain.pending_timestamp += 4 * 86_400  # past the dispute window: the holdback period settles
    market.settle(lease_id, sender=stranger)
    credit = market.refundableOf(renter)
    assert credit == paid * 2_500 // 10_000

    released = market.unroutedRentOf(listed)
    assert released == paid - credit
    market.routeRent(listed, sender=stranger)
    protocol_fee, operator_fee = (
        released * params.protocol_fee_bps // 10_000,
        released * params.operator_fee_bps // 10_000,
    )
    assert router.protocolFeesOwed() == protocol_fee
    assert router.operatorFeesOwed(listed) == operator_fee
    holders_part = released - protocol_fee - operator_fee

    market.withdraw(sender=renter)
    router.withdrawProtocolFees(sender=stranger)
    router.withdrawOperatorFees(listed, sender=stranger)
    claimed = 0
    for holder in holders:
        claimed += token.claim(sender=holder).events.filter(token.RevenueClaimed)[0].amount
    dust = stablecoin.balanceOf(token)
    assert claimed + dust == holders_part and dust <= len(holders) + 1

    after = {a: stablecoin.balanceOf(a) for a in (renter, gov, operator, *holders)}
    renter_net = before[renter] - after[renter]
    assert renter_net == paid - credit
    # Every unit the renter paid: back to the renter, to the treasury (gov), to the operator, to holders, or dust.
    gains = sum(after[a] - before[a] for a in {gov, operator, *holders})
    assert paid == credit + gains + dust
    assert stablecoin.balanceOf(market) == 0 and stablecoin.balanceOf(router) == 0
    assert not market.isBound(listed)
