"""The demo: about a month of the protocol's life on a local chain, told as it happens, then written as a report.

Each chapter is a method of `Demo`; `run()` plays them in order. Chain time moves with the story (epochs are one
hour). The burn-in's telemetry is simulated in DCGM-exporter's format and goes through the real attester pipeline;
the month's usage is signed and submitted directly as usage reports (`cap.reports`), a day at a time. While the
month plays the demo records time series (usage per epoch, revenue and the loan per day) that `cap.report` turns
into PNG charts and a Markdown report.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ape import accounts, chain
from ape.exceptions import ContractLogicError
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak

from cap import narrate as say
from cap.assets import HardwareSpec, Status
from cap.attester import AttesterConfig, attest_file
from cap.deploy import Params, System, deploy_system, grant
from cap.lending import RiskParams, health, lending_of, open_market, submit_appraisal
from cap.narrate import USD, bps, shares, usd, usd0
from cap.offering import OfferingParams, create_offering, deploy_share_offering, settle_closed, subscribe
from cap.orders import Side, deploy_secondary_market, sign_new_order
from cap.report import LoanPoint, Record, RevenuePoint, UsagePoint, write_report
from cap.reports import EnergyMode, UsageReport, submit_reports
from cap.roles import Role
from cap.simulate import Node, Outage, Window, dcgm_exposition

YEAR = 365 * 86_400
SUPPLY = 1_000_000 * 10**18
PRICE_PER_HOUR = 20 * USD  # 8 x H100 at $2.50 per GPU-hour
A100_PRICE_PER_HOUR = 12 * USD  # 8 x A100 at $1.50 per GPU-hour
SHARE = 10**18
OFFER_PRICE = 2 * USD  # per share: 2,000,000 USD for the whole machine
DAY = 86_400
MONTH_DAYS = 30
USAGE_AT_OUTPUT = ["bool", "uint16", "uint16", "uint64", "uint64", "uint8"]  # UsageOracle.usageAt's return values
BATCH = 100  # usage reports per transaction at most (the local node traces every step of a transaction)
INFERENCE_PER_DAY = (3_000 * USD, 1_200 * USD)  # the operator's daily inference sales on each machine
SWEEP_DAYS = (6, 13, 20)  # a keeper sweeps alice's position at the end of these days
CRASH_FROM_DAY = 21  # from then the appraiser marks the H100 down 20% a day until the loan is liquidatable


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


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
    renter2: Any
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
            renter2=test[19],
            lender=test[17],
            appraiser=test[18],
        )

    def name_of(self, address: str) -> str:
        for name, account in self.investors.items():
            if account.address == address:
                return name
        if address == self.operator.address:
            return "operator"
        renters = {self.renter.address: "lab", self.renter2.address: "studio"}
        return renters.get(address, say.short(address))


@dataclass
class Demo:
    cast: Cast
    params: Params = field(default_factory=lambda: Params(epoch_seconds=3600, burn_in_epochs=3, quorum=3))
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cap-demo-")))
    system: System | None = None
    report_dir: Path = field(default_factory=lambda: Path("reports"))
    asset_id: int = 0  # the H100 server: its shares are offered, traded, and lent against
    second_id: int = 0  # the A100 server
    node: Node = field(default_factory=lambda: Node(host="h100-node-07", gpus=8))
    node2: Node = field(default_factory=lambda: Node(host="a100-node-12", gpus=8, model="NVIDIA A100-SXM4-80GB"))
    offering: Any = None
    exchange: Any = None
    vault: Any = None
    nav: Any = None
    market: Any = None
    record: Record = field(default_factory=Record)
    month_start: int = 0  # first epoch of the month
    leases: dict[int, str] = field(default_factory=dict)  # open lease id -> label
    routed: list[int] = field(default_factory=lambda: [0, 0, 0])  # treasury, operator, holders so far
    credits: list[tuple] = field(default_factory=list)
    liquidated: bool = False

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
        say.chapter("2. An operator registers two GPU servers")
        ids = []
        for spec, serial in (
            (HardwareSpec("NVIDIA H100 SXM5 80GB", 8, 80, 7_912, 10_200, "us-tx-1"), "h100-node-07"),
            (HardwareSpec("NVIDIA A100 SXM4 80GB", 8, 80, 2_496, 6_500, "us-tx-1"), "a100-node-12"),
        ):
            tx = self.system.assets.registerAsset(
                spec.as_tuple(),
                keccak(text=f"serial:{serial}"),
                keccak(text="lease-agreement-v1.pdf"),
                sender=self.cast.operator,
            )
            self.record.add_gas("registerAsset", tx.gas_used)
            ids.append(tx.events.filter(self.system.assets.AssetRegistered)[0].assetId)
            say.step(f"asset #{ids[-1]}: {spec.gpu_count}x {spec.gpu_model} in {spec.region}, status Registered")
        self.asset_id, self.second_id = ids

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
        tx = assets.activate(self.asset_id, sender=self.cast.operator)
        self.record.add_gas("activate", tx.gas_used)
        say.step(f"activated: status {Status(assets.statusOf(self.asset_id)).name.title()}")
        self._usage_table(first, first + 3 + need)
        say.step(f"asset #{self.second_id} (A100): {need} epochs of telemetry in one file, one attester run")
        self._attest_window(first + 3, need, asset_id=self.second_id, node=self.node2)
        assets.activate(self.second_id, sender=self.cast.operator)
        say.step(f"asset #{self.second_id} activated: status {Status(assets.statusOf(self.second_id)).name.title()}")

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
        self.record.add_gas("fractionalize", tx.gas_used)
        token = system.shares(self.asset_id)
        say.step(f"{token.symbol()}: {shares(SUPPLY)} shares minted, NFT locked in the token ({tx.gas_used:,} gas)")
        system.assets.approve(system.factory, self.second_id, sender=cast.operator)
        system.factory.fractionalize(self.second_id, cast.operator, SUPPLY, sender=cast.operator)
        say.step(f"{system.shares(self.second_id).symbol()}: the A100's {shares(SUPPLY)} shares, to the operator")
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
            self.record.add_gas("offering subscribe", tx.gas_used)
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
        self.record.add_gas("secondary fill (signed order)", tx.gas_used)
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

    def run(self) -> None:
        chapters = (
            self.deploy,
            self.register,
            self.burn_in,
            self.fractionalize,
            self.raise_money,
            self.revenue,
            self.compliance,
            self.lend,
            self.borrow,
            self.book,
            self.month,
            self.claim,
            self.write,
        )
        for chapter in chapters:
            chapter()
        say.chapter("Done")
        say.step(f"telemetry files written to {self.workdir}")

    def lend(self) -> None:
        say.chapter("8. Lenders fund a vault; the shares get a price and a collateral market")
        system, cast = self.system, self.cast
        lending = lending_of(system)
        self.vault, self.nav = lending.vault, lending.nav
        system.stablecoin.mint(cast.lender, 1_000_000 * USD, sender=cast.lender)
        system.stablecoin.approve(self.vault, 1_000_000 * USD, sender=cast.lender)
        tx = self.vault.deposit(1_000_000 * USD, cast.lender, sender=cast.lender)
        self.record.add_gas("vault deposit", tx.gas_used)
        say.step(f"a lender deposits {usd(1_000_000 * USD)} into the vault (ERC-4626, {tx.gas_used:,} gas)")
        # The operator funds its payments into the router once (the month's inference revenue comes out of it).
        operator = cast.operator
        system.stablecoin.mint(operator, 10_000_000 * USD, sender=operator)
        system.stablecoin.approve(system.router, 2**256 - 1, sender=operator)
        # Last month's inference revenue through the router: the yield record the NAV oracle reads.
        self._route_revenue(60_000 * USD)
        say.step("the H100's last month of inference revenue, 60,000 USD, is routed: the NAV oracle's record")
        self.nav.setAppraiser(cast.appraiser, True, sender=cast.gov)
        tx = submit_appraisal(self.nav, cast.appraiser, self.asset_id, 2_500_000, cast.relayer)
        self.record.add_gas("appraisal", tx.gas_used)
        risk = RiskParams()
        self.market = open_market(system, lending, self.asset_id, cast.gov, risk, 500_000 * USD)
        self.record.liquidation_ltv_bps = risk.liquidation_ltv_bps
        price, fresh = self.nav.priceOf(self.asset_id)
        self._table(
            "Share price (stablecoin per share)",
            ["leg", "value"],
            [
                ("signed appraisal", usd(self.nav.appraisalOf(self.asset_id).pricePerShare)),
                ("5x annualised trailing revenue", usd(self.nav.revenuePriceOf(self.asset_id))),
                ("price = the lower", f"{usd(price)} ({'fresh' if fresh else 'stale'})"),
            ],
        )
        say.step(
            f"collateral market opened: max LTV {bps(risk.max_ltv_bps)}, "
            f"liquidation at {bps(risk.liquidation_ltv_bps)}, bonus {bps(risk.liquidation_bonus_bps)}, "
            f"debt ceiling {usd(500_000 * USD)}"
        )

    def borrow(self) -> None:
        say.chapter("9. Alice borrows against her shares")
        system, cast, market = self.system, self.cast, self.market
        alice = cast.investors["alice"]
        token = system.shares(self.asset_id)
        collateral = token.balanceOf(alice)
        token.approve(market, collateral, sender=alice)
        tx = market.supplyCollateral(alice, collateral, sender=alice)
        self.record.add_gas("supplyCollateral", tx.gas_used)
        say.step(f"alice supplies her {shares(collateral)} shares as collateral ({tx.gas_used:,} gas)")
        say.refused("borrowing above the max LTV", refusal(market.borrow, 200_000 * USD, alice, sender=alice))
        loan = 150_000 * USD
        tx = market.borrow(loan, alice, sender=alice)
        self.record.add_gas("borrow", tx.gas_used)
        say.step(f"alice borrows {usd(loan)} ({tx.gas_used:,} gas)")
        self._loan_table("alice's loan", keep=True)
        self.record.loan_label = f"alice's loan against {shares(collateral)} H100 shares"
        # The A100's shares: the operator places half of them with carol and bob by private sale.
        token2 = system.shares(self.second_id)
        for name, amount in (("carol", 300_000 * SHARE), ("bob (new wallet)", 200_000 * SHARE)):
            buyer = cast.investors[name]
            cost = amount * 1_200_000 // SHARE  # 1.20 USD a share
            system.stablecoin.mint(buyer, cost, sender=buyer)
            system.stablecoin.transfer(cast.operator, cost, sender=buyer)
            token2.transfer(buyer, amount, sender=cast.operator)
        say.step("the operator sells 300,000 A100 shares to carol and 200,000 to bob at 1.20 USD, by private sale")

    def book(self) -> None:
        say.chapter("10. Day 0 of the month: offers and leases")
        system, cast = self.system, self.cast
        market, oracle = system.lease_market, system.oracle
        self.month_start = start_epoch = oracle.currentEpoch() + 1
        start = oracle.epochStart(start_epoch)
        self.record.started_at = _when(start)
        for asset_id, price in ((self.asset_id, PRICE_PER_HOUR), (self.second_id, A100_PRICE_PER_HOUR)):
            offer = (price, 24, 720, 9_900, 1_000, start, start + 60 * DAY)
            market.setOffer(asset_id, offer, sender=cast.operator)
        say.step(
            f"offers: H100 {usd(PRICE_PER_HOUR)}/hour, A100 {usd(A100_PRICE_PER_HOUR)}/hour, 1 to 30 days, "
            "SLA 99.00% uptime per day, 10% early-termination fee"
        )
        terms = market.termsOf(market.currentTermsId())
        self._table(
            "SLA credit tiers (per daily period)",
            ["shortfall below target", "credit of the period's rent"],
            [(f"up to {bps(t.maxShortfallBps)}", bps(t.creditBps)) for t in terms.tiers],
        )
        self.routed = [0, 0, 0]  # the month's revenue is counted from day 0 (last month's is in the record above)
        self._rent(cast.renter, self.asset_id, 0, 10, "lab")
        self._rent(cast.renter2, self.second_id, 0, 14, "studio")
        # The month's schedule, day -> what happens (played by `month`).
        say.step("then the month plays, a day at a time: usage attested, periods settled, revenue routed")

    def month(self) -> None:
        say.chapter(f"11. {MONTH_DAYS} days of the protocol's life")
        self._record_day(0)
        for day in range(MONTH_DAYS):
            self._play_day(day)
            self._record_day(day + 1)
        weekly = {p.day: p for p in self.record.loan if p.day % 7 == 0 or p.day == MONTH_DAYS}  # the day's last
        self._table(
            "The month, week by week",
            ["day", "H100 uptime (7 d)", "A100 uptime (7 d)", "routed", "alice's debt", "collateral", "LTV"],
            [self._week_row(point) for point in weekly.values()],
        )
        self._table(
            "SLA credits (periods settled below the target)",
            ["day", "lease", "uptime shortfall", "credit tier", "credit to the renter"],
            self.credits,
        )

    def claim(self) -> None:
        say.chapter("12. Revenue claimed")
        system, cast = self.system, self.cast
        router = system.router
        rows = []
        for asset_id in (self.asset_id, self.second_id):
            token = system.shares(asset_id)
            for name, account in {"operator": cast.operator, **cast.investors}.items():
                owed = token.claimableOf(account)
                if owed > 0:
                    tx = token.claim(sender=account)
                    self.record.add_gas("holder claim", tx.gas_used)
                    rows.append((name, f"{token.symbol()} holder", usd(owed)))
            owed = router.operatorFeesOwed(asset_id)
            if owed > 0:
                router.withdrawOperatorFees(asset_id, sender=cast.operator)
                rows.append(("operator", f"asset #{asset_id} operator fee", usd(owed)))
        owed = router.protocolFeesOwed()
        router.withdrawProtocolFees(sender=cast.relayer)
        rows.append(("protocol treasury", "protocol fee", usd(owed)))
        for renter in (cast.renter, cast.renter2):
            owed = system.lease_market.refundableOf(renter)
            if owed > 0:
                system.lease_market.withdraw(sender=renter)
                rows.append((cast.name_of(renter.address), "SLA credits", usd(owed)))
        self._table("Claimed and withdrawn at the end of the month", ["who", "what", "amount"], rows)

    def write(self) -> None:
        say.chapter("13. The report")
        epochs = range(self.month_start, self.month_start + MONTH_DAYS * 24)
        for asset_id, label in ((self.asset_id, "H100"), (self.second_id, "A100")):
            usage = self._usage_at(asset_id, epochs)
            name = f"asset #{asset_id}: 8x {label}"
            self.record.usage[name] = [
                UsagePoint((epoch - self.month_start) / 24, uptime, utilization)
                for epoch, (uptime, utilization) in zip(epochs, usage, strict=True)
            ]
            self.record.leased[name] = list(self._lease_spans(asset_id))
        path = write_report(self.record, self.report_dir)
        say.step(f"report written to {path}, charts beside it: usage.png, revenue.png, loan.png")

    def _usage_at(self, asset_id: int, epochs: range) -> list[tuple[int, int]]:
        """(uptime, utilization) of each epoch by `UsageOracle.usageAt`, read in JSON-RPC batches of eth_calls (a
        month is 720 epochs a machine: one call each through the contract wrapper is slow)."""
        w3 = chain.provider.web3
        oracle = str(self.system.oracle.address)
        selector = keccak(text="usageAt(uint256,uint32)")[:4]
        out = []
        for first in range(0, len(epochs), 240):
            with w3.batch_requests() as batch:
                for epoch in epochs[first : first + 240]:
                    data = selector + abi_encode(["uint256", "uint32"], [asset_id, epoch])
                    batch.add(w3.eth.call({"to": oracle, "data": data}))
                results = batch.execute()
            for raw in results:
                _, uptime, utilization, *_ = abi_decode(USAGE_AT_OUTPUT, bytes(raw))
                out.append((uptime, utilization))
        return out

    # ---------------------------------------------------------------- the month

    def _play_day(self, day: int) -> None:
        """Day `day` of the month: the day's usage is attested at its end, then keepers and people act."""
        system, cast = self.system, self.cast
        first = self.month_start + 24 * day
        chain.mine(timestamp=system.oracle.epochStart(first + 24))
        reports = self._day_reports(self.asset_id, first, day) + self._day_reports(self.second_id, first, day)
        for index in range(0, len(reports), BATCH):
            tx = submit_reports(system.oracle, reports[index : index + BATCH], cast.attesters[:3], cast.relayer)
            self.record.add_gas(f"submitReports ({len(reports[index : index + BATCH])} reports)", tx.gas_used)
        if day == 4:
            self._event(day, "H100: four of eight GPUs down for two hours (the lab's lease)")
        if day == 9:
            self._event(day, "A100: the whole machine down for six hours (the studio's lease)")
        if day == 8:
            self._rent(cast.renter, self.asset_id, 12, 13, "lab (renewal)", on_day=day)
        if day == 13:
            self._rent(cast.renter2, self.second_id, 16, 10, "studio (renewal)", on_day=day)
        self._settle_due(day)
        for asset_id, amount in zip((self.asset_id, self.second_id), INFERENCE_PER_DAY, strict=True):
            if not self._leased(asset_id, day):
                self._route_revenue(amount, asset_id)
        for asset_id in (self.asset_id, self.second_id):
            if system.lease_market.unroutedRentOf(asset_id) > 0:
                tx = system.lease_market.routeRent(asset_id, sender=cast.relayer)
                self.record.add_gas("routeRent", tx.gas_used)
                self._count_routed(tx)
        self._appraise(day)
        if day in SWEEP_DAYS:
            alice = cast.investors["alice"]
            tx = self.market.sweep(alice, sender=cast.relayer)
            self.record.add_gas("sweep", tx.gas_used)
            applied = tx.events.filter(self.market.RevenueApplied)[0]
            self.record.sweeps.append((day + 1, self.market.debtOf(alice), applied.repaid))
            self._event(day, f"a keeper sweeps alice's position: her collateral's revenue repays {usd(applied.repaid)}")
        if day == MONTH_DAYS - 1:
            self._lenders_exit(day)

    def _day_reports(self, asset_id: int, first: int, day: int) -> list[UsageReport]:
        """The day's 24 usage reports for an asset: busy when leased, serving inference when idle."""
        rng = random.Random(asset_id * 1_000 + day)
        leased = self._leased(asset_id, day)
        reports = []
        for hour in range(24):
            uptime = 10_000
            if asset_id == self.asset_id and day == 4 and hour in (14, 15):
                uptime = 5_000  # four of eight GPUs down
            if asset_id == self.second_id and day == 9 and 8 <= hour < 14:
                uptime = 0  # the whole machine down
            utilization = rng.randint(8_200, 9_600) if leased else rng.randint(3_500, 6_000)
            utilization = utilization * uptime // 10_000
            gpus = 8 * uptime / 10_000
            power = 10_200 if asset_id == self.asset_id else 6_500
            reports.append(
                UsageReport(
                    asset_id=asset_id,
                    epoch=first + hour,
                    uptime_bps=uptime,
                    utilization_bps=utilization,
                    gpu_milli_hours=int(gpus * 1_000),
                    energy_wh=int(power * (0.3 + 0.7 * utilization / 10_000) * uptime / 10_000),
                    mode=EnergyMode.AI if uptime else EnergyMode.Idle,
                    metrics_hash=keccak(text=f"telemetry:{asset_id}:{first + hour}"),
                )
            )
        return reports

    def _lease_spans(self, asset_id: int) -> tuple[tuple[int, int], ...]:
        """The month's leases of the asset, (first day, day after the last): the schedule `book` and `_play_day`
        follow."""
        return {self.asset_id: ((0, 10), (12, 25)), self.second_id: ((0, 14), (16, 26))}[asset_id]

    def _leased(self, asset_id: int, day: int) -> bool:
        return any(start <= day < end for start, end in self._lease_spans(asset_id))

    def _rent(self, renter: Any, asset_id: int, from_day: int, days: int, label: str, on_day: int = 0) -> None:
        system = self.system
        market = system.lease_market
        start = system.oracle.epochStart(self.month_start + 24 * from_day)
        price = days * 24 * market.offerOf(asset_id).pricePerHour
        system.stablecoin.mint(renter, price, sender=renter)
        system.stablecoin.approve(market, price, sender=renter)
        tx = market.rent(asset_id, start, days * 24, price, sender=renter)
        self.record.add_gas("rent (book a lease)", tx.gas_used)
        lease_id = tx.events.filter(market.LeaseBooked)[0].leaseId
        self.leases[lease_id] = f"#{lease_id} {label}"
        self._event(
            on_day,
            f"lease #{lease_id} booked by the {label.split()[0]}: asset #{asset_id}, days {from_day} to "
            f"{from_day + days}, {usd(price)} prepaid into escrow",
        )

    def _settle_due(self, day: int) -> None:
        """Settles every lease period that is due (what the keeper does): periods whose epochs are all attested,
        and a lease's last period once its dispute window closed."""
        market, oracle = self.system.lease_market, self.system.oracle
        window = market.termsOf(market.currentTermsId()).disputeWindowSeconds
        for lease_id in list(self.leases):
            while True:
                lease = market.leaseOf(lease_id)
                if lease.status != 1:  # no longer Booked: finalized
                    del self.leases[lease_id]
                    break
                end = min(lease.settledEpoch + 24, lease.endEpoch)
                if end < lease.endEpoch:
                    due = oracle.latestEpoch(lease.assetId).epoch >= end - 1
                else:
                    due = chain.pending_timestamp >= oracle.epochStart(lease.endEpoch) + window
                if not due:
                    break
                tx = market.settle(lease_id, sender=self.cast.relayer)
                self.record.add_gas("settle (one daily period)", tx.gas_used)
                settled = tx.events.filter(market.LeaseSettled)[0]
                if settled.credit > 0:
                    period_day = (settled.fromEpoch - self.month_start) // 24
                    self.credits.append(
                        (
                            period_day,
                            self.leases[lease_id],
                            bps(settled.shortfallBps),
                            bps(settled.creditBps),
                            usd(settled.credit),
                        )
                    )
                    self._event(
                        day,
                        f"lease {self.leases[lease_id]}: day {period_day} settled {bps(settled.shortfallBps)} below "
                        f"the SLA, {usd(settled.credit)} credited to the renter",
                    )
                if tx.events.filter(market.LeaseFinalized):
                    self._event(day, f"lease {self.leases[lease_id]}: last period settled, lease finalized")

    def _appraise(self, day: int) -> None:
        """The appraiser's daily mark (the price is fresh for a day); from the crash day, 20% lower each day until
        alice's loan can be liquidated, then a liquidation."""
        cast, nav, market = self.cast, self.nav, self.market
        alice, carol = cast.investors["alice"], cast.investors["carol"]
        price = nav.appraisalOf(self.asset_id).pricePerShare
        crashing = day >= CRASH_FROM_DAY and not self.liquidated
        if crashing:
            price = price * 8 // 10  # the most one appraisal may move
        tx = submit_appraisal(nav, cast.appraiser, self.asset_id, price, cast.relayer)
        self.record.add_gas("appraisal", tx.gas_used)
        if not crashing:
            return
        self._event(day, f"H100 rental prices slump: the appraiser marks the shares down 20% to {usd(price)}")
        if not market.positionOf(alice).liquidatable:
            return
        self._loan_table("alice's loan, unhealthy", keep=True)
        self._record_loan(day + 1)  # the unhealthy state, just before the liquidation at the end of the day
        say.refused("an unverified liquidator", refusal(market.liquidate, alice, USD, sender=cast.renter))
        self.system.stablecoin.mint(carol, 200_000 * USD, sender=carol)
        self.system.stablecoin.approve(market, 200_000 * USD, sender=carol)
        tx = market.liquidate(alice, 2**256 - 1, sender=carol)
        self.record.add_gas("liquidate", tx.gas_used)
        event = tx.events.filter(market.Liquidated)[0]
        self.liquidated = True
        self.record.liquidation_day = day + 1
        self._event(
            day,
            f"carol liquidates alice's loan: repays {usd(event.repaid)} (the close factor's half), receives "
            f"{shares(event.seized)} shares, 5% bonus included; bad debt {usd(event.badDebt)}",
        )
        self._loan_table("alice's loan after the liquidation", keep=True)

    def _lenders_exit(self, day: int) -> None:
        cast, vault = self.cast, self.vault
        lender = cast.lender
        claim = vault.convertToAssets(vault.balanceOf(lender))
        idle = vault.idleCash()
        say.refused("the lender withdraws all of it", refusal(vault.withdraw, claim, lender, lender, sender=lender))
        most = vault.maxWithdraw(lender)
        tx = vault.withdraw(most, lender, lender, sender=lender)
        self.record.add_gas("vault withdraw", tx.gas_used)
        self._event(
            day,
            f"the lender's claim is {usd(claim)} (interest included), {usd(idle)} of it idle: the lender withdraws "
            f"{usd(most)}; the rest follows as the loan is repaid",
        )

    def _record_day(self, day: int) -> None:
        self._record_loan(day)
        self.record.revenue.append(RevenuePoint(day, *self.routed))

    def _record_loan(self, day: int) -> None:
        h = health(self.market, self.cast.investors["alice"])
        self.record.loan.append(LoanPoint(day, h.debt, h.value, h.ltv_bps if h.debt else 0))

    def _week_row(self, point: LoanPoint) -> tuple:
        oracle = self.system.oracle
        day = int(point.day)
        to_epoch = self.month_start + 24 * day
        from_epoch = max(self.month_start, to_epoch - 24 * 7)
        uptimes = (
            [bps(oracle.uptimeBps(a, from_epoch, to_epoch)) for a in (self.asset_id, self.second_id)]
            if to_epoch > from_epoch
            else ["-", "-"]
        )
        routed = self.record.revenue[day]
        total = routed.treasury + routed.operator + routed.holders
        ltv = bps(point.ltv_bps) if point.debt else "-"
        return (day, *uptimes, usd0(total), usd0(point.debt), usd0(point.value), ltv)

    def _event(self, day: int, text: str) -> None:
        """Something that happened on `day` of the month (0-based): on the console and in the report's timeline."""
        say.step(f"day {day:2d}: {text}")
        self.record.events.append((float(day), text))

    def _count_routed(self, tx: Any) -> None:
        for routed in tx.events.filter(self.system.router.RevenueRouted):
            self.routed[0] += routed.protocolFee
            self.routed[1] += routed.operatorFee
            self.routed[2] += routed.holdersPart

    def _table(self, title: str, columns: list[str], rows: list) -> None:
        """A table on the console that also goes into the report."""
        say.table(title, columns, rows)
        self.record.add_table(title, columns, rows)

    # ---------------------------------------------------------------- helpers

    def _route_revenue(self, amount: int, asset_id: int | None = None) -> None:
        """Inference revenue for an asset through the router (the operator pays it in; it approved the router)."""
        system, payer = self.system, self.cast.operator
        tx = system.router.deposit(asset_id or self.asset_id, amount, 1, sender=payer)
        self.record.add_gas("router deposit (inference revenue)", tx.gas_used)
        self._count_routed(tx)

    def _loan_table(self, title: str, keep: bool = False) -> None:
        h = health(self.market, self.cast.investors["alice"])
        columns = ["collateral", "value", "debt", "LTV", "liquidatable"]
        rows = [(shares(h.collateral), usd(h.value), usd(h.debt), bps(h.ltv_bps) if h.debt else "-", h.liquidatable)]
        (self._table if keep else say.table)(title, columns, rows)

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

    def _attest_window(self, first: int, epochs: int, asset_id: int, node: Node) -> None:
        """One telemetry file for `epochs` epochs from `first`, attested in one run of the attester pipeline."""
        oracle = self.system.oracle
        start = oracle.epochStart(first)
        end = oracle.epochStart(first + epochs)
        if chain.pending_timestamp < end:
            chain.mine(timestamp=end)
        path = self.workdir / f"asset-{asset_id}-epochs-{first}-{first + epochs - 1}.prom"
        scrapes = epochs * self.params.epoch_seconds // 60
        path.write_text(dcgm_exposition(node, Window(start=start, scrapes=scrapes)))
        config = AttesterConfig(asset_id=asset_id, expected_gpus=node.gpus, sample_interval=60)
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
