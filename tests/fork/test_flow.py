"""A short life on the fork: register, burn-in, activate, fractionalize, rent, keeper settles and routes, holders
claim; a governed fee change waits out its AccessManager delay. The upstream must not move."""

from fork_helpers import USD, upstream_rpc

from cap import keeper, ops
from cap.assets import HardwareSpec
from cap.reports import UsageReport, submit_reports

SUPPLY = 1_000_000


def attest(system, attesters, sender, asset_id, epochs):
    reports = [UsageReport(asset_id, e, 10_000, 8_000, 8_000, 9_000, 1, bytes(32)) for e in epochs]
    submit_reports(system.oracle, reports, attesters[:2], sender)


def test_flow__from_registration_to_claimed_rent(chain, system, operator, agent, attesters, test_account):
    investor, renter, relayer = test_account(10), test_account(11), test_account(12)
    upstream_head = int(upstream_rpc("eth_blockNumber"), 16)
    oracle = system.oracle

    spec = HardwareSpec("NVIDIA H200", 8, 141, 7_912, 10_200, "eu-north-1")
    asset_id = ops.register_asset(system, operator, spec, f"fork-serial-{chain.blocks.head.number}", "doc")
    first = oracle.currentEpoch() + 1
    chain.mine(timestamp=oracle.epochStart(first + 2))
    attest(system, attesters, relayer, asset_id, range(first, first + 2))
    ops.activate(system, operator, asset_id)
    for account in (operator, investor):
        assert ops.verify_investor(system, agent, account.address).status == "sent"
    token = ops.fractionalize(system, operator, asset_id, SUPPLY * ops.SHARE)
    token.transfer(investor, SUPPLY * ops.SHARE // 4, sender=operator)

    ops.list_offer(system, operator, asset_id, 20 * USD)
    start = oracle.epochStart(oracle.currentEpoch())
    system.stablecoin.mint(renter, 480 * USD, sender=renter)
    system.stablecoin.approve(system.lease_market, 480 * USD, sender=renter)
    system.lease_market.rent(asset_id, start, 24, 480 * USD, sender=renter)
    lease_start = oracle.currentEpoch()
    chain.mine(timestamp=oracle.epochStart(lease_start + 24))
    attest(system, attesters, relayer, asset_id, range(lease_start, lease_start + 24))
    chain.mine(timestamp=chain.pending_timestamp + 4 * 86_400)  # past the dispute window

    summary = keeper.run_pass(system, relayer)
    assert summary.failed == []
    assert summary.done.get("settle") and summary.done.get("route") == 1
    assert keeper.run_pass(system, relayer).total == 0  # idempotent: nothing is due any more

    net = system.router.totalNetRevenueOf(asset_id)
    assert net == 480 * USD * (10_000 - 400 - 1_200) // 10_000
    owed = token.claimableOf(investor)
    assert owed == net // 4
    token.claim(sender=investor)
    report = ops.asset_report(system, asset_id)
    assert report.net_revenue_total == net and report.uptime_bps > 0

    assert int(upstream_rpc("eth_blockNumber"), 16) == upstream_head


def test_flow__a_governed_fee_change_waits_for_its_delay(chain, system, governor):
    first = ops.set_parameter(system, governor, "fees", 300, 1_000)
    assert first.status == "scheduled" and first.delay == 3600
    assert ops.set_parameter(system, governor, "fees", 300, 1_000).status == "waiting"
    assert system.router.protocolFeeBps() == 400
    chain.mine(timestamp=first.ready_at)
    assert ops.set_parameter(system, governor, "fees", 300, 1_000).status == "executed"
    assert (system.router.protocolFeeBps(), system.router.operatorFeeBps()) == (300, 1_000)


def test_flow__pause_and_unpause(system, pauser):
    assert ops.set_paused(system, pauser, "vault", True).status == "sent"
    assert system.vault.paused()
    assert ops.set_paused(system, pauser, "vault", True).status == "unchanged"
    ops.set_paused(system, pauser, "vault", False)
    assert not system.vault.paused()
