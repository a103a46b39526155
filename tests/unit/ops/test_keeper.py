"""The keeper: a pass settles what is due and routes released rent, once (a second pass finds nothing), goes on
past a reverted job, loops, and refuses a network without a deployment."""

from __future__ import annotations

import pytest

from cap import keeper
from cap.deploy import DeployError
from cap.network import load_deployment
from cap.reports import UsageReport, submit_reports

USD = 10**6
HOURS = 24


@pytest.fixture
def rented(chain, system, shares, operator, accounts, attesters, stranger, params):
    """A 24-hour lease on the `shares` asset, fully attested, with time past its dispute window: (asset, lease)."""
    market, oracle = system.lease_market, system.oracle
    asset_id = shares.assetId()
    start = oracle.epochStart(oracle.currentEpoch())
    offer = (20 * USD, 1, 720, 9_900, 1_000, start, start + 60 * 86_400)
    market.setOffer(asset_id, offer, sender=operator)
    renter = accounts[16]
    system.stablecoin.mint(renter, HOURS * 20 * USD, sender=renter)
    system.stablecoin.approve(market, HOURS * 20 * USD, sender=renter)
    lease_id = (
        market.rent(asset_id, start, HOURS, HOURS * 20 * USD, sender=renter)
        .events.filter(market.LeaseBooked)[0]
        .leaseId
    )
    lease = market.leaseOf(lease_id)
    chain.mine(timestamp=oracle.epochStart(lease.endEpoch))
    epochs = range(lease.startEpoch, lease.endEpoch)
    reports = [UsageReport(asset_id, e, 10_000, 8_000, 8_000, 9_000, 1, bytes(32)) for e in epochs]
    submit_reports(oracle, reports, attesters[: params.quorum], stranger)
    chain.mine(timestamp=chain.pending_timestamp + 4 * 86_400)
    return asset_id, lease_id


def test_pass__settles_and_routes_then_finds_nothing(system, rented, stranger):
    asset_id, lease_id = rented
    seen: list[str] = []
    summary = keeper.run_pass(system, stranger, progress=lambda total, label: seen.append(label))
    assert summary.failed == [] and summary.done == {"settle": 1, "route": 1}
    assert f"settle lease {lease_id}" in seen and f"route asset {asset_id}" in seen
    assert system.lease_market.leaseOf(lease_id).status == 4  # Finalized
    assert system.lease_market.unroutedRentOf(asset_id) == 0
    assert system.router.totalNetRevenueOf(asset_id) > 0
    again = keeper.run_pass(system, stranger)
    assert again.total == 0 and again.lines()[0].startswith("keeper pass: nothing due")


def test_pass__goes_on_after_a_revert(system, rented, stranger):
    asset_id, _ = rented

    def doomed(system_, sender, state):
        # routes an asset with nothing to route: LeaseMarketNothingToRoute
        yield keeper.Job("route", "asset 999", lambda: system_.lease_market.routeRent(999, sender=sender))

    summary = keeper.run_pass(system, stranger, tasks=[doomed, *keeper.TASKS])
    assert summary.failed[0][:2] == ("route", "asset 999")
    assert "LeaseMarketNothingToRoute" in summary.failed[0][2] or summary.failed[0][2]
    assert summary.done == {"settle": 1, "route": 1}
    assert "1 failed" in summary.lines()[0]


def test_run__loops_a_given_number_of_passes(system, rented, stranger):
    naps: list[float] = []
    reports: list[keeper.PassSummary] = []
    summaries = keeper.run(system, stranger, loop_seconds=5, report=reports.append, passes=3, sleep=naps.append)
    assert len(summaries) == 3 and reports == summaries and naps == [5, 5]
    assert [s.total for s in summaries] == [2, 0, 0]


def test_keeper__refuses_a_network_without_deployment(tmp_path):
    with pytest.raises(DeployError, match="no deployment for ethereum:local"):
        load_deployment(folder=tmp_path)


def test_pass__starts_a_lease_booked_ahead_when_its_time_comes(
    chain, system, register_asset, activate, operator, fractionalize, accounts, stranger
):
    market, oracle = system.lease_market, system.oracle
    asset_id = register_asset()
    activate(asset_id)
    start = oracle.epochStart(oracle.currentEpoch() + 2)
    market.setOffer(asset_id, (10 * USD, 1, 720, 9_900, 1_000, start, start + 30 * 86_400), sender=operator)
    renter = accounts[15]
    system.stablecoin.mint(renter, 40 * USD, sender=renter)
    system.stablecoin.approve(market, 40 * USD, sender=renter)
    lease_id = market.rent(asset_id, start, 4, 40 * USD, sender=renter).events.filter(market.LeaseBooked)[0].leaseId
    assert system.assets.userOf(asset_id) != renter.address
    assert "start" not in keeper.run_pass(system, stranger).done  # not yet
    chain.mine(timestamp=start + 60)
    summary = keeper.run_pass(system, stranger)
    assert summary.done.get("start") == 1 and summary.failed == []
    assert system.assets.userOf(asset_id) == renter.address
    assert market.leaseOf(lease_id).status == 1
    assert "start" not in keeper.run_pass(system, stranger).done
