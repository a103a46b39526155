"""The demo: the protocol's flow on a local chain, told as it happens.

Each chapter is a method of `Demo`; `run()` plays them in order. Chain time moves with the story (epochs are one
hour), telemetry is simulated in DCGM-exporter's format and goes through the real attester pipeline.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ape import accounts, chain
from ape.exceptions import ContractLogicError
from eth_utils import keccak

from cap import narrate as say
from cap.assets import HardwareSpec, Status
from cap.attester import AttesterConfig, attest_file
from cap.deploy import Params, System, deploy_system, grant
from cap.lending import RiskParams, deploy_lending, health, open_market, submit_appraisal
from cap.narrate import USD, bps, shares, usd
from cap.offering import OfferingParams, create_offering, deploy_share_offering, settle_closed, subscribe
from cap.orders import Side, deploy_secondary_market, sign_new_order
from cap.roles import Role
from cap.simulate import Node, Outage, Window, dcgm_exposition

YEAR = 365 * 86_400
SUPPLY = 1_000_000 * 10**18
PRICE_PER_HOUR = 20 * USD  # 8 x H100 at $2.50 per GPU-hour
LEASE_HOURS = 24
SHARE = 10**18
OFFER_PRICE = 2 * USD  # per share: 2,000,000 USD for the whole machine
DAY = 86_400


def refusal(method: Any, *args: Any, **kwargs: Any) -> ContractLogicError:
    """Sends a transaction that must revert and returns its decoded error.

    The provider prints a call trace for every revert, to the stdout it saw at import time: muted at the file
    descriptor, so that the story shows the decoded error alone.
    """
    with _muted_stdout():
        try:
            method(*args, **kwargs)
        except ContractLogicError as error:
            return error
    raise AssertionError(f"{method} was expected to revert")


@contextlib.contextmanager
def _muted_stdout():
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


@dataclass
class Cast:
    """Who plays which role (local test accounts)."""

    gov: Any
    compliance: Any
    operator: Any
    oracle_admin: Any
    pauser: Any
    investors: dict[str, Any]
    outsider: Any
    attesters: list[Any]
    relayer: Any
    renter: Any
    lender: Any
    appraiser: Any

    @classmethod
    def local(cls) -> Cast:
        test = accounts.test_accounts
        names = ("alice", "bob", "carol")
        return cls(
            gov=test[0],
            compliance=test[1],
            operator=test[2],
            oracle_admin=test[3],
            pauser=test[4],
            investors={name: test[5 + i] for i, name in enumerate(names)},
            outsider=test[9],
            attesters=[test[10 + i] for i in range(5)],
            relayer=test[15],
            renter=test[16],
            lender=test[17],
            appraiser=test[18],
        )

    def name_of(self, address: str) -> str:
        for name, account in self.investors.items():
            if account.address == address:
                return name
        return "operator" if address == self.operator.address else say.short(address)


@dataclass
class Demo:
    cast: Cast
    params: Params = field(default_factory=lambda: Params(epoch_seconds=3600, burn_in_epochs=3, quorum=3))
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cap-demo-")))
    system: System | None = None
    asset_id: int = 0
    lease_id: int = 0
    node: Node = field(default_factory=lambda: Node(host="h100-node-07", gpus=8))
    offering: Any = None
    exchange: Any = None
    vault: Any = None
    nav: Any = None
    market: Any = None

    # ---------------------------------------------------------------- chapters

    def deploy(self) -> None:
        say.chapter("1. Deploy the protocol")
        cast = self.cast
        self.system = system = deploy_system(cast.gov, self.params)
        grant(system, cast.gov, Role.ONBOARDING, cast.gov)
        for role, account in (
            (Role.COMPLIANCE, cast.compliance),
            (Role.OPERATOR, cast.operator),
            (Role.ORACLE_ADMIN, cast.oracle_admin),
            (Role.PAUSER, cast.pauser),
            (Role.GOVERNOR, cast.gov),
        ):
            grant(system, cast.gov, role, account)
        for attester in cast.attesters:
            system.oracle.addAttester(attester, sender=cast.oracle_admin)
        system.oracle.setQuorum(self.params.quorum, sender=cast.oracle_admin)
        say.table(
            "Contracts",
            ["contract", "address"],
            [(name, contract.address) for name, contract in system.contracts().items()],
        )
        say.step(f"roles granted; {len(cast.attesters)} attesters appointed, quorum {self.params.quorum}")

    def register(self) -> None:
        say.chapter("2. An operator registers a GPU server")
        spec = HardwareSpec("NVIDIA H100 SXM5 80GB", 8, 80, 7_912, 10_200, "us-tx-1")
        tx = self.system.assets.registerAsset(
            spec.as_tuple(),
            keccak(text="serial:h100-node-07"),
            keccak(text="lease-agreement-v1.pdf"),
            sender=self.cast.operator,
        )
        self.asset_id = tx.events.filter(self.system.assets.AssetRegistered)[0].assetId
        say.step(f"asset #{self.asset_id}: {spec.gpu_count}x {spec.gpu_model} in {spec.region}, status Registered")

    def burn_in(self) -> None:
        say.chapter("3. Burn-in: attesters prove the machine runs")
        assets = self.system.assets
        need = self.params.burn_in_epochs
        say.step(f"activation needs {need} consecutive epochs at >= {bps(self.params.burn_in_min_uptime_bps)} uptime")
        first = self._next_epoch()
        # Two GPUs drop out for 40 minutes in the second epoch.
        self._attest_epoch(first)
        self._attest_epoch(first + 1, outages=(Outage((5, 6), range(10, 50)),))
        self._attest_epoch(first + 2)
        say.refused(
            "activation after an outage in the burn-in",
            refusal(assets.activate, self.asset_id, sender=self.cast.operator),
        )
        for epoch in range(first + 3, first + 3 + need):
            self._attest_epoch(epoch)
        assets.activate(self.asset_id, sender=self.cast.operator)
        say.step(f"activated: status {Status(assets.statusOf(self.asset_id)).name.title()}")
        self._usage_table(first, first + 3 + need)

    def fractionalize(self) -> None:
        say.chapter("4. Verified investors, and the machine split into shares")
        system, cast = self.system, self.cast
        until = chain.pending_timestamp + YEAR
        jurisdictions = {"alice": 840, "bob": 276, "carol": 702}
        for name, investor in cast.investors.items():
            system.compliance.verifyInvestor(investor, until, jurisdictions[name], sender=cast.compliance)
        system.compliance.verifyInvestor(cast.operator, until, 840, sender=cast.compliance)
        say.step("alice (US), bob (DE) and carol (SG) verified for a year; the operator too (KYB)")
        system.assets.approve(system.factory, self.asset_id, sender=cast.operator)
        tx = system.factory.fractionalize(self.asset_id, cast.operator, SUPPLY, sender=cast.operator)
        token = system.shares(self.asset_id)
        say.step(f"{token.symbol()}: {shares(SUPPLY)} shares minted, NFT locked in the token ({tx.gas_used:,} gas)")
        code = token.detectTransferRestriction(cast.operator, cast.outsider, 10**18)
        say.step(f"a transfer to an unverified wallet: code {code}, {token.messageForTransferRestriction(code)!r}")
        say.refused("the transfer itself", refusal(token.transfer, cast.outsider, 10**18, sender=cast.operator))

    def raise_money(self) -> None:
        say.chapter("5. The operator raises the machine's money: a primary offering")
        system, cast = self.system, self.cast
        token = system.shares(self.asset_id)
        self.offering = offering = deploy_share_offering(system, cast.gov, cast.gov, cast.gov, 200)
        opens = chain.pending_timestamp + 600
        params = OfferingParams(
            token.address, OFFER_PRICE, 200_000 * SHARE, 400_000 * SHARE, 10_000 * SHARE, 300_000 * SHARE,
            opens, opens + 3 * DAY, (840, 276),
        )  # fmt: skip
        offering_id = create_offering(offering, token, cast.operator, params)
        say.step(
            f"offering #{offering_id}: 400,000 shares at {usd(OFFER_PRICE)}, soft cap 200,000, 10,000 to 300,000 "
            "each, three days, open to US and DE investors; the hard cap is escrowed in the offering"
        )
        chain.mine(timestamp=opens)
        for name, amount in (("alice", 250_000 * SHARE), ("bob", 150_000 * SHARE)):
            investor = cast.investors[name]
            system.stablecoin.mint(investor, offering.costOf(offering_id, amount), sender=investor)
            tx = subscribe(offering, system.stablecoin, investor, offering_id, amount)
            say.step(f"{name} subscribes for {shares(amount)} shares ({tx.gas_used:,} gas)")
        carol = cast.investors["carol"]
        system.stablecoin.mint(carol, 20_000 * USD, sender=carol)
        system.stablecoin.approve(offering, 20_000 * USD, sender=carol)
        say.refused("carol (SG) subscribes", refusal(offering.subscribe, offering_id, 10_000 * SHARE, sender=carol))
        chain.mine(timestamp=params.closes_at)
        settled = settle_closed(offering, cast.relayer)
        say.step(f"the offering closes; the keeper settles it: soft cap met {dict(settled).get(offering_id)}")
        for name in ("alice", "bob"):
            offering.claimShares(offering_id, sender=cast.investors[name])
        proceeds = offering.owedOf(cast.operator)
        offering.withdraw(sender=cast.operator)
        say.step(f"alice and bob claim their shares; the operator withdraws {usd(proceeds)} (less the 2% fee)")
        self._holders_table("Holders after the offering")

    def revenue(self) -> None:
        say.chapter("6. Revenue reaches every holder in O(1)")
        system, cast = self.system, self.cast
        token = system.shares(self.asset_id)
        self._distribute(12_000 * USD)
        say.step("12,000 USD of revenue distributed to the token")
        self._holders_table("Owed after the first distribution")
        alice, carol = cast.investors["alice"], cast.investors["carol"]
        token.claim(sender=alice)
        self.exchange = exchange = deploy_secondary_market(system, cast.gov, cast.gov, 30)
        amount, price = 100_000 * SHARE, 2_200_000  # 2.20 USD a share
        signed = sign_new_order(exchange, alice, token, Side.SELL, amount, price, chain.pending_timestamp + DAY)
        token.approve(exchange, amount, sender=alice)
        cost = amount * price // SHARE
        system.stablecoin.mint(carol, cost, sender=carol)
        system.stablecoin.approve(exchange, cost, sender=carol)
        tx = exchange.fill(signed.order.as_tuple(), signed.signature, amount, price, sender=carol)
        say.step(
            f"alice claims, then signs an order to sell 100,000 shares at 2.20 USD; carol fills it on-chain "
            f"({tx.gas_used:,} gas, compliance checked for both at fill time): what alice earned before stays hers"
        )
        self._distribute(6_000 * USD)
        say.step("6,000 USD more distributed")
        self._holders_table("Owed after the second distribution")

    def compliance(self) -> None:
        say.chapter("7. Compliance: freeze, recovery")
        system, cast = self.system, self.cast
        token = system.shares(self.asset_id)
        bob = cast.investors["bob"]
        system.compliance.freeze(bob, True, [token], sender=cast.compliance)
        say.refused("bob, frozen, tries to sell", refusal(token.transfer, cast.investors["alice"], 10**18, sender=bob))
        replacement = cast.outsider
        owed = token.claimableOf(bob)
        system.compliance.freeze(bob, False, [token], sender=cast.compliance)
        system.compliance.recoverWallet(bob, replacement, [token], sender=cast.compliance)
        cast.investors["bob (new wallet)"] = replacement
        say.step(
            f"bob lost his keys: the agent moves his record and position to a new wallet "
            f"({shares(token.balanceOf(replacement))} shares, {usd(owed)} unclaimed revenue with them)"
        )
        self._holders_table("Holders after the recovery")

    def rent(self) -> None:
        say.chapter("8. An AI lab rents the machine for a day")
        system, cast = self.system, self.cast
        market, oracle = system.lease_market, system.oracle
        start = oracle.epochStart(oracle.currentEpoch())  # leases may start in the current epoch
        offer = (PRICE_PER_HOUR, 1, 720, 9_900, 1_000, start, start + 60 * 86_400)
        market.setOffer(self.asset_id, offer, sender=cast.operator)
        say.step(f"offer: {usd(PRICE_PER_HOUR)}/hour, 1 to 720 hours, SLA 99.00% uptime, 10% early-termination fee")
        price = LEASE_HOURS * PRICE_PER_HOUR
        system.stablecoin.mint(cast.renter, price, sender=cast.renter)
        system.stablecoin.approve(market, price, sender=cast.renter)
        tx = market.rent(self.asset_id, start, LEASE_HOURS, price, sender=cast.renter)
        self.lease_id = tx.events.filter(market.LeaseBooked)[0].leaseId
        say.step(
            f"lease #{self.lease_id}: {LEASE_HOURS} hours prepaid into escrow ({usd(price)}, {tx.gas_used:,} gas); "
            f"the renter is the machine's ERC-4907 user: {system.assets.userOf(self.asset_id) == cast.renter.address}"
        )
        first = market.leaseOf(self.lease_id).startEpoch
        # Four of the eight GPUs drop out for two hours in the afternoon.
        outage = Outage((0, 1, 2, 3), range(5 * 60, 7 * 60))  # minutes from the lease start
        self._attest_window(first, LEASE_HOURS, outages=(outage,))
        self._usage_table(first, first + LEASE_HOURS, title="The lease's attested usage", every=3)

    def settle(self) -> None:
        say.chapter("9. Settlement: earned rent less the SLA credit, routed to the owners")
        system, cast = self.system, self.cast
        market, router = system.lease_market, system.router
        lease = market.leaseOf(self.lease_id)
        uptime = system.oracle.uptimeBps(self.asset_id, lease.startEpoch, lease.endEpoch)
        chain.mine(timestamp=chain.pending_timestamp + 4 * 86_400)
        say.step("the 3-day dispute window passes without a dispute")
        tx = market.settle(self.lease_id, sender=cast.relayer)
        credit = market.refundableOf(cast.renter)
        released = market.unroutedRentOf(self.asset_id)
        say.table(
            "Settlement",
            ["", "value"],
            [
                ("mean attested uptime", bps(uptime)),
                ("SLA target", bps(9_900)),
                ("credit to the renter", usd(credit)),
                ("rent released", usd(released)),
                ("settle gas", f"{tx.gas_used:,}"),
            ],
        )
        tx = market.routeRent(self.asset_id, sender=cast.relayer)
        routed = tx.events.filter(router.RevenueRouted)[0]
        say.table(
            "Revenue routed",
            ["recipient", "amount"],
            [
                ("protocol treasury", usd(routed.protocolFee)),
                ("operator fee", usd(routed.operatorFee)),
                ("share holders", usd(routed.holdersPart)),
            ],
        )
        market.withdraw(sender=cast.renter)
        router.withdrawOperatorFees(self.asset_id, sender=cast.operator)
        router.withdrawProtocolFees(sender=cast.relayer)
        say.step(f"the renter withdraws its credit ({usd(credit)}); operator and treasury fees are paid out")
        token = system.shares(self.asset_id)
        for account in (cast.operator, *cast.investors.values()):
            if token.claimableOf(account) > 0:
                token.claim(sender=account)
        self._holders_table("Holders after claiming the rent")

    def run(self) -> None:
        chapters = (
            self.deploy,
            self.register,
            self.burn_in,
            self.fractionalize,
            self.raise_money,
            self.revenue,
            self.compliance,
            self.rent,
            self.settle,
            self.lend,
            self.borrow,
            self.self_repay,
            self.liquidate,
            self.lenders_exit,
        )
        for chapter in chapters:
            chapter()
        say.chapter("Done")
        say.step(f"telemetry files written to {self.workdir}")

    def lend(self) -> None:
        say.chapter("10. Lenders fund a vault; the shares get a price and a collateral market")
        system, cast = self.system, self.cast
        lending = deploy_lending(system, cast.gov)
        self.vault, self.nav = lending.vault, lending.nav
        system.stablecoin.mint(cast.lender, 1_000_000 * USD, sender=cast.lender)
        system.stablecoin.approve(self.vault, 1_000_000 * USD, sender=cast.lender)
        tx = self.vault.deposit(1_000_000 * USD, cast.lender, sender=cast.lender)
        say.step(f"a lender deposits {usd(1_000_000 * USD)} into the vault (ERC-4626, {tx.gas_used:,} gas)")
        # A month of inference revenue through the router: the yield record the NAV oracle reads.
        self._route_revenue(60_000 * USD)
        self.nav.setAppraiser(cast.appraiser, True, sender=cast.gov)
        submit_appraisal(self.nav, cast.appraiser, self.asset_id, 2_500_000, cast.relayer)
        self.market = open_market(system, lending, self.asset_id, cast.gov, RiskParams(), 500_000 * USD)
        price, fresh = self.nav.priceOf(self.asset_id)
        say.table(
            "Share price (stablecoin per share)",
            ["leg", "value"],
            [
                ("signed appraisal", usd(self.nav.appraisalOf(self.asset_id).pricePerShare)),
                ("5x annualised trailing revenue", usd(self.nav.revenuePriceOf(self.asset_id))),
                ("price = the lower", f"{usd(price)} ({'fresh' if fresh else 'stale'})"),
            ],
        )
        risk = RiskParams()
        say.step(
            f"collateral market opened: max LTV {bps(risk.max_ltv_bps)}, "
            f"liquidation at {bps(risk.liquidation_ltv_bps)}, bonus {bps(risk.liquidation_bonus_bps)}, "
            f"debt ceiling {usd(500_000 * USD)}"
        )

    def borrow(self) -> None:
        say.chapter("11. Alice borrows against her shares")
        system, cast, market = self.system, self.cast, self.market
        alice = cast.investors["alice"]
        token = system.shares(self.asset_id)
        collateral = token.balanceOf(alice)
        token.approve(market, collateral, sender=alice)
        tx = market.supplyCollateral(alice, collateral, sender=alice)
        say.step(f"alice supplies her {shares(collateral)} shares as collateral ({tx.gas_used:,} gas)")
        say.refused("borrowing above the max LTV", refusal(market.borrow, 200_000 * USD, alice, sender=alice))
        loan = 150_000 * USD
        tx = market.borrow(loan, alice, sender=alice)
        say.step(f"alice borrows {usd(loan)} ({tx.gas_used:,} gas)")
        self._loan_table("alice's loan")

    def self_repay(self) -> None:
        say.chapter("12. The collateral's revenue repays the loan")
        cast, market = self.cast, self.market
        alice = cast.investors["alice"]
        chain.mine(timestamp=chain.pending_timestamp + 7 * DAY)
        self._route_revenue(40_000 * USD)
        pending = market.pendingRevenueOf(alice)
        say.step(f"a week later 40,000 USD of revenue is routed; alice's collateral earned {usd(pending)} of it")
        tx = market.sweep(alice, sender=cast.relayer)
        applied = tx.events.filter(market.RevenueApplied)[0]
        say.step(f"a keeper sweeps the position: {usd(applied.repaid)} repays the debt ({tx.gas_used:,} gas)")
        self._loan_table("alice's loan after the sweep")

    def liquidate(self) -> None:
        say.chapter("13. A price drop, and a liquidation")
        cast, market, nav = self.cast, self.market, self.nav
        alice, carol = cast.investors["alice"], cast.investors["carol"]
        price = nav.appraisalOf(self.asset_id).pricePerShare
        drops = 0
        while not market.positionOf(alice).liquidatable:
            price = price * 8 // 10  # the most one appraisal may move
            chain.mine(timestamp=chain.pending_timestamp + 3600)
            submit_appraisal(nav, cast.appraiser, self.asset_id, price, cast.relayer)
            drops += 1
        say.step(f"the appraiser marks the machine down {drops} times by 20%: {usd(price)} a share")
        self._loan_table("alice's loan, unhealthy")
        say.refused("an unverified liquidator", refusal(market.liquidate, alice, USD, sender=cast.renter))
        self.system.stablecoin.mint(carol, 200_000 * USD, sender=carol)
        self.system.stablecoin.approve(market, 200_000 * USD, sender=carol)
        tx = market.liquidate(alice, 2**256 - 1, sender=carol)
        event = tx.events.filter(market.Liquidated)[0]
        say.step(
            f"carol repays {usd(event.repaid)} (the close factor's half) and receives {shares(event.seized)} shares, "
            f"5% bonus included ({tx.gas_used:,} gas); bad debt: {usd(event.badDebt)}"
        )
        self._loan_table("alice's loan after the liquidation")

    def lenders_exit(self) -> None:
        say.chapter("14. Lenders withdraw")
        cast, vault = self.cast, self.vault
        claim = vault.convertToAssets(vault.balanceOf(cast.lender))
        idle = vault.idleCash()
        say.step(f"the lender's claim: {usd(claim)} (interest included); idle cash: {usd(idle)}; the rest is lent out")
        most = vault.maxWithdraw(cast.lender)
        lender = cast.lender
        say.refused("withdrawing all of it", refusal(vault.withdraw, claim, lender, lender, sender=lender))
        vault.withdraw(most, cast.lender, cast.lender, sender=cast.lender)
        say.step(f"the lender withdraws what is idle: {usd(most)}; the rest follows as loans are repaid")

    # ---------------------------------------------------------------- helpers

    def _route_revenue(self, amount: int) -> None:
        """Inference revenue for the asset through the router (the operator pays it in)."""
        system, payer = self.system, self.cast.operator
        system.stablecoin.mint(payer, amount, sender=payer)
        system.stablecoin.approve(system.router, amount, sender=payer)
        system.router.deposit(self.asset_id, amount, 1, sender=payer)

    def _loan_table(self, title: str) -> None:
        h = health(self.market, self.cast.investors["alice"])
        say.table(
            title,
            ["collateral", "value", "debt", "LTV", "liquidatable"],
            [(shares(h.collateral), usd(h.value), usd(h.debt), bps(h.ltv_bps) if h.debt else "-", h.liquidatable)],
        )

    def _next_epoch(self) -> int:
        """The epoch that starts next; time moves to its start."""
        oracle = self.system.oracle
        epoch = oracle.currentEpoch() + 1
        chain.mine(timestamp=oracle.epochStart(epoch))
        return epoch

    def _attest_epoch(self, epoch: int, outages: tuple[Outage, ...] = ()) -> None:
        oracle = self.system.oracle
        start = oracle.epochStart(epoch)
        if chain.pending_timestamp < start + self.params.epoch_seconds:
            chain.mine(timestamp=start + self.params.epoch_seconds)
        path = self.workdir / f"asset-{self.asset_id}-epoch-{epoch}.prom"
        path.write_text(dcgm_exposition(self.node, Window(start=start, scrapes=60, outages=outages)))
        config = AttesterConfig(asset_id=self.asset_id, expected_gpus=self.node.gpus, sample_interval=60)
        result = attest_file(
            path, config, oracle=oracle, signers=self.cast.attesters[:3], sender=self.cast.relayer, choice=epoch
        )
        report = result.reports[0]
        say.step(f"epoch {epoch}: uptime {bps(report.uptime_bps)}, signed by 3 attesters, accepted")

    def _attest_window(self, first: int, epochs: int, outages: tuple[Outage, ...] = ()) -> None:
        """One telemetry file for `epochs` epochs from `first`, attested in one run of the attester pipeline."""
        oracle = self.system.oracle
        start = oracle.epochStart(first)
        end = oracle.epochStart(first + epochs)
        if chain.pending_timestamp < end:
            chain.mine(timestamp=end)
        path = self.workdir / f"asset-{self.asset_id}-epochs-{first}-{first + epochs - 1}.prom"
        scrapes = epochs * self.params.epoch_seconds // 60
        path.write_text(dcgm_exposition(self.node, Window(start=start, scrapes=scrapes, outages=outages)))
        config = AttesterConfig(asset_id=self.asset_id, expected_gpus=self.node.gpus, sample_interval=60)
        result = attest_file(path, config, oracle=oracle, signers=self.cast.attesters[:3], sender=self.cast.relayer)
        say.step(f"{len(result.reports)} epochs of telemetry attested in {len(result.receipts)} transaction(s)")

    def _usage_table(self, first: int, end: int, title: str = "Attested usage", every: int = 1) -> None:
        oracle = self.system.oracle
        rows = []
        for epoch in range(first, end, every):
            reported, uptime, utilization, gpu_mh, energy_wh, _ = oracle.usageAt(self.asset_id, epoch)
            rows.append((epoch, bps(uptime), bps(utilization), f"{gpu_mh / 1000:.2f}", f"{energy_wh / 1000:.1f}"))
        say.table(title, ["epoch", "uptime", "utilization", "GPU-hours", "kWh"], rows)
        say.step(f"mean uptime over epochs [{first}, {end}): {bps(oracle.uptimeBps(self.asset_id, first, end))}")

    def _distribute(self, amount: int) -> None:
        system, payer = self.system, self.cast.operator
        token = system.shares(self.asset_id)
        system.stablecoin.mint(payer, amount, sender=payer)
        system.stablecoin.approve(token, amount, sender=payer)
        token.distribute(amount, sender=payer)

    def _holders_table(self, title: str) -> None:
        token = self.system.shares(self.asset_id)
        holders = {"operator": self.cast.operator, **self.cast.investors}
        rows = [
            (
                name,
                shares(token.balanceOf(account)),
                usd(token.claimableOf(account)),
                usd(self.system.stablecoin.balanceOf(account)),
            )
            for name, account in holders.items()
        ]
        say.table(title, ["holder", "shares", "claimable", "stablecoin"], rows)
