"""The gas benchmark: every user-facing operation of the protocol on a freshly deployed system, against plain
OpenZeppelin anchors measured in the same run, and the scaling tables.

Shared by `ape run bench` (scripts/bench.py: the whole benchmark, written to benchmarks/) and the snapshot test
(tests/snapshot: the operations only, compared with benchmarks/gas-snapshot.json).

Figures are whole-transaction gas (`receipt.gas_used`, the 21,000 base included); a view is measured with
`eth_estimateGas` of a call. They are deterministic: the chain starts at a fixed time and every block is one second
after the previous one (`anvil_setBlockTimestampInterval`) unless the script moves time on, signing keys and order
salts are fixed, so the same code gives the same figures on any machine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address, to_hex

from cap.assets import HardwareSpec
from cap.deploy import FUNCTION_ROLES, Params, deploy_system, grant, set_function_roles
from cap.lending import RiskParams, lending_of, open_market, submit_appraisal
from cap.offering import OfferingParams, create_offering, deploy_share_offering, subscribe
from cap.orders import Side, SignedOrder, deploy_secondary_market, new_order, sign_order
from cap.reports import EnergyMode, UsageReport, submit_reports
from cap.roles import Role

USD = 10**6
SHARE = 10**18
HOUR = 3_600
DAY = 86_400
MAX = 2**256 - 1
SUPPLY = 1_000_000 * SHARE
PRICE_PER_HOUR = 16 * USD  # an 8x H100 server at 2 USD per GPU-hour
REPORTS_PER_TX = 50  # anvil runs with step tracing: bigger batches get slower than linear
START_TIME = 2_000_000_000 // DAY * DAY  # a fixed UTC midnight (2033) for every run
SNAPSHOT_TOLERANCE = 0.02

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
SNAPSHOT_PATH = BENCH_DIR / "gas-snapshot.json"

# ---------------------------------------------------------------- results


@dataclass
class Row:
    key: str  # stable id: the snapshot's key
    operation: str  # what a reader sees
    gas: int
    group: str
    baseline: str | None = None  # key of the anchor row
    note: str = ""


@dataclass
class Results:
    rows: dict[str, Row] = field(default_factory=dict)
    deployment: dict[str, int] = field(default_factory=dict)  # contract -> creation gas
    scaling: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, key: str, operation: str, gas: int, group: str, baseline: str | None = None, note: str = "") -> int:
        if key in self.rows:
            raise ValueError(f"{key} measured twice")
        self.rows[key] = Row(key, operation, int(gas), group, baseline, note)
        return int(gas)

    def ratio(self, row: Row) -> float | None:
        if row.baseline is None:
            return None
        return row.gas / self.rows[row.baseline].gas

    def snapshot(self) -> dict[str, int]:
        """Operation -> gas: what the snapshot test holds the code to."""
        return {key: row.gas for key, row in self.rows.items()}

    def to_json(self) -> dict[str, Any]:
        operations = []
        for row in self.rows.values():
            entry = {"key": row.key, "group": row.group, "operation": row.operation, "gas": row.gas}
            if row.baseline:
                entry |= {"baseline": row.baseline, "baseline_gas": self.rows[row.baseline].gas}
                entry["ratio"] = round(self.ratio(row), 3)
            if row.note:
                entry["note"] = row.note
            operations.append(entry)
        return {
            "about": (
                "Total transaction gas (receipt.gas_used, 21,000 base included; views: eth_estimateGas of a call) "
                "on anvil (cancun), solc 0.8.37, optimizer 10,000 runs; MockStablecoin as the stablecoin. "
                "Deterministic: produced by `make bench`."
            ),
            "operations": operations,
            "deployment": self.deployment,
            "scaling": self.scaling,
        }


# ---------------------------------------------------------------- accounts


@dataclass(frozen=True)
class Signer:
    """A key that only signs (attesters, the appraiser): fixed, so that signatures and figures are reproducible."""

    address: str
    private_key: bytes

    @classmethod
    def named(cls, name: str) -> Signer:
        key = keccak(text=f"cap-bench-{name}")
        return cls(Account.from_key(key).address, key)

    def __str__(self) -> str:
        return self.address


def addresses(prefix: int, start: int, count: int) -> list[str]:
    """Keyless addresses: they only hold shares or positions."""
    return [to_checksum_address(f"0x{prefix:08x}{start + i:032x}") for i in range(count)]


# ---------------------------------------------------------------- the benchmark


class Bench:
    """Deploys the whole protocol on the connected (fresh, local) chain and measures its operations.

    `operations()` is what the snapshot test runs; `scaling()` comes after it in `ape run bench`.
    """

    def __init__(self, log: Callable[[str], None] | None = None):
        from ape import accounts, chain

        test = accounts.test_accounts
        self.chain = chain
        self.log = log or (lambda _: None)
        self.gov, self.compliance_agent, self.operator, self.oracle_admin, self.pauser = (test[i] for i in range(5))
        self.investors = [test[i] for i in (5, 6, 7, 8, 14, 15, 16, 17, 18, 19)]
        self.keeper = test[9]
        self.renter = test[10]
        self.lender = test[11]
        self.lender2 = test[12]
        self.treasury = test[13]
        self.attesters = [Signer.named(f"attester-{i}") for i in range(5)]
        self.appraiser = Signer.named("appraiser")
        self.params = Params()  # the defaults: hourly epochs, a 24-epoch burn-in, quorum 3 of 5
        self.results = Results()
        self.salt = 0
        self.verified: set[str] = set()

    # ------------------------------------------------------------ chain helpers

    def goto(self, timestamp: int) -> None:
        if timestamp > self.chain.pending_timestamp:
            self.chain.pending_timestamp = timestamp

    def next_day(self, hour: int = 1) -> None:
        """To `hour` o'clock of the next UTC day: revenue checkpoints are daily, so a section starting there measures
        later deposits of a day, not the day's first."""
        self.goto((self.chain.pending_timestamp // DAY + 1) * DAY + hour * HOUR)

    def epoch_start(self, epoch: int) -> int:
        return self.genesis + epoch * self.params.epoch_seconds

    def current_epoch(self) -> int:
        return (self.chain.pending_timestamp - self.genesis) // self.params.epoch_seconds

    def fresh_epoch(self) -> int:
        """The current epoch, or the next one when less than ten minutes of it are left."""
        epoch = self.current_epoch()
        if self.epoch_start(epoch + 1) - self.chain.pending_timestamp < 600:
            epoch += 1
            self.goto(self.epoch_start(epoch))
        return epoch

    def mint(self, account: Any, amount: int, spender: Any = None) -> None:
        self.usd.mint(account, amount, sender=account)
        if spender is not None:
            self.usd.approve(spender, amount, sender=account)

    def verify(self, *accounts: Any) -> None:
        for account in accounts:
            if str(account) not in self.verified:
                self.verify_one(account)

    def verify_one(self, account: Any) -> Any:
        self.verified.add(str(account))
        until = self.chain.pending_timestamp + 365 * DAY
        return self.system.compliance.verifyInvestor(account, until, 840, sender=self.compliance_agent)

    def verify_many(self, holders: list[str]) -> Any:
        until = self.chain.pending_timestamp + 365 * DAY
        receipt = None
        for start in range(0, len(holders), 100):
            batch = holders[start : start + 100]
            receipt = self.system.compliance.verifyInvestors(
                batch, [until] * len(batch), [840] * len(batch), sender=self.compliance_agent
            )
        return receipt

    def reports(self, asset_id: int, epochs: Iterable[int], uptime_bps: int = 10_000) -> list[UsageReport]:
        return [
            UsageReport(
                asset_id=asset_id,
                epoch=epoch,
                uptime_bps=uptime_bps,
                utilization_bps=uptime_bps * 8 // 10,
                gpu_milli_hours=8_000 * uptime_bps // 10_000,
                energy_wh=9_000,
                mode=EnergyMode.AI,
                metrics_hash=keccak(text=f"telemetry-{asset_id}-{epoch}"),
            )
            for epoch in epochs
        ]

    def attest(self, asset_id: int, first: int, stop: int, uptime_bps: int = 10_000, quorum: int | None = None):
        """Submits signed reports for epochs `[first, stop)` in batches, moving time past them; the last receipt."""
        signers = self.attesters[: quorum or self.params.quorum]
        receipt = None
        for start in range(first, stop, REPORTS_PER_TX):
            end = min(start + REPORTS_PER_TX, stop)
            self.goto(self.epoch_start(end))
            batch = self.reports(asset_id, range(start, end), uptime_bps)
            receipt = submit_reports(self.system.oracle, batch, signers, self.keeper)
        return receipt

    def register(self) -> tuple[int, Any]:
        self.serial = getattr(self, "serial", 0) + 1
        spec = HardwareSpec("NVIDIA H100 SXM5 80GB", 8, 80, 7_912, 10_200, "us-tx-1").as_tuple()
        receipt = self.system.assets.registerAsset(
            spec, keccak(text=f"bench-serial-{self.serial}"), keccak(text="legal-docs-v1"), sender=self.operator
        )
        return receipt.events.filter(self.system.assets.AssetRegistered)[0].assetId, receipt

    def burn_in(self, asset_id: int, quorum: int | None = None) -> int:
        """A clean burn-in on the latest finished epochs; returns the first epoch after it."""
        self.goto(self.chain.pending_timestamp + self.params.epoch_seconds)
        start = self.current_epoch() + 1
        stop = start + self.params.burn_in_epochs
        self.attest(asset_id, start, stop, quorum=quorum)
        return stop

    def new_active_asset(self, quorum: int | None = None) -> tuple[int, int]:
        asset_id, _ = self.register()
        next_epoch = self.burn_in(asset_id, quorum)
        self.system.assets.activate(asset_id, sender=self.operator)
        return asset_id, next_epoch

    def fractionalize(self, asset_id: int, recipient: Any = None) -> tuple[Any, Any]:
        recipient = recipient or self.operator
        self.verify(self.operator, recipient)
        self.system.assets.approve(self.system.factory, asset_id, sender=self.operator)
        receipt = self.system.factory.fractionalize(asset_id, recipient, SUPPLY, sender=self.operator)
        return self.system.shares(asset_id), receipt

    def deposit(self, asset_id: int, amount: int, source: int = 1) -> Any:
        """Revenue for the asset through the router, paid in by the operator (source 1: inference)."""
        self.mint(self.operator, amount, self.system.router)
        return self.system.router.deposit(asset_id, amount, source, sender=self.operator)

    def offer(self) -> tuple:
        # price/hour, min hours, max hours, SLA uptime, termination fee, available from, until
        return (PRICE_PER_HOUR, 1, 24 * 365, 9_900, 1_000, 0, 2**40)

    def rent(self, asset_id: int, hours: int, renter: Any = None) -> tuple[int, Any]:
        renter = renter or self.renter
        start = self.epoch_start(self.fresh_epoch())
        price = PRICE_PER_HOUR * hours
        self.mint(renter, price, self.system.lease_market)
        receipt = self.system.lease_market.rent(asset_id, start, hours, price, sender=renter)
        return receipt.events.filter(self.system.lease_market.LeaseBooked)[0].leaseId, receipt

    def sign_order(self, maker: Any, side: Side, amount: int, price: int) -> SignedOrder:
        self.salt += 1
        expiry = self.chain.pending_timestamp + DAY
        order = new_order(self.exchange, maker, self.token, side, amount, price, expiry, salt=self.salt)
        return SignedOrder(order, sign_order(maker, order, self.chain.chain_id, self.exchange.address))

    def fill(self, signed: SignedOrder, amount: int, taker: Any) -> Any:
        order = signed.order
        return self.exchange.fill(order.as_tuple(), signed.signature, amount, order.price_per_share, sender=taker)

    # ------------------------------------------------------------ the operations

    def be_patient(self, seconds: int = 300) -> None:
        """Waits up to `seconds` for each receipt (Ape's local default is 20 s): a batch of reports traced step by
        step on a busy machine can take longer."""
        network = self.chain.provider.network
        config = network.ecosystem_config.get(network.name)
        if isinstance(config, dict):
            config["transaction_acceptance_timeout"] = seconds
        elif config is not None:
            config.__dict__["transaction_acceptance_timeout"] = seconds

    def operations(self) -> Results:
        """Deploys everything, then measures each user-facing operation once, in its ordinary steady case."""
        self.be_patient()
        self.chain.pending_timestamp = START_TIME + HOUR
        self.chain.provider.make_request("anvil_setBlockTimestampInterval", [1])
        self.log("deploying the system")
        self.deploy()
        self.log("assets, reports and shares")
        self.assets_and_shares()
        self.log("leases and revenue")
        self.leases_and_revenue()
        self.log("offerings and trading")
        self.offering_and_trading()
        self.log("lending")
        self.lending_ops()
        return self.results

    def deploy(self) -> None:
        r, chain = self.results, self.chain
        first_block = chain.blocks.head.number + 1
        self.system = system = deploy_system(self.gov, self.params)
        self.usd = system.stablecoin
        # The role holders and attesters: what governance does once after deploying.
        grant(system, self.gov, Role.COMPLIANCE, self.compliance_agent)
        grant(system, self.gov, Role.ONBOARDING, self.gov)
        grant(system, self.gov, Role.OPERATOR, self.operator)
        grant(system, self.gov, Role.ORACLE_ADMIN, self.oracle_admin)
        grant(system, self.gov, Role.PAUSER, self.pauser)
        grant(system, self.gov, Role.GOVERNOR, self.gov)
        for attester in self.attesters:
            system.oracle.addAttester(attester.address, sender=self.oracle_admin)
        system.oracle.setQuorum(self.params.quorum, sender=self.oracle_admin)
        self.lending = lending_of(system)
        self.lending.nav.setAppraiser(self.appraiser.address, True, sender=self.gov)
        self.offering = deploy_share_offering(system, self.gov, self.gov, self.treasury)
        self.exchange = deploy_secondary_market(system, self.gov, self.treasury)
        last_block = chain.blocks.head.number
        self.genesis = system.oracle.genesis()

        names = {str(c.address): n for n, c in system.contracts().items()}
        names |= {str(self.lending.rate_model.address): "rate_model", str(self.lending.vault.address): "vault"}
        names |= {str(self.lending.nav.address): "nav", str(self.offering.address): "offering"}
        names |= {str(self.exchange.address): "secondary_market"}
        created = wiring = 0
        web3 = chain.provider.web3
        for number in range(first_block, last_block + 1):
            for tx_hash in web3.eth.get_block(number).transactions:
                receipt = web3.eth.get_transaction_receipt(tx_hash)
                if receipt.contractAddress:
                    name = names.get(to_checksum_address(receipt.contractAddress), receipt.contractAddress)
                    self.results.deployment[name] = receipt.gasUsed
                    created += receipt.gasUsed
                else:
                    wiring += receipt.gasUsed
        r.add("deploy.contracts", "deployment: every contract (sum of creation receipts)", created, "deployment")
        r.add(
            "deploy.wiring", "deployment: wiring (function roles, hooks, role holders, attesters)", wiring, "deployment"
        )
        r.add("deploy.total", "deployment: the whole system, deployed and wired", created + wiring, "deployment")

        # Anchors: plain OpenZeppelin contracts, measured in the same run.
        base = self.project.BaselineERC20.deploy(SUPPLY, sender=self.gov)
        a, b = self.investors[8], self.investors[9]
        r.add(
            "baseline.erc20_new",
            "OZ ERC20 transfer, new holder",
            base.transfer(a, SHARE, sender=self.gov).gas_used,
            "baseline",
        )
        r.add(
            "baseline.erc20_existing",
            "OZ ERC20 transfer, existing holder",
            base.transfer(a, SHARE, sender=self.gov).gas_used,
            "baseline",
        )
        vault = self.project.BaselineERC4626.deploy(self.usd, sender=self.gov)
        for account in (a, b):
            self.usd.mint(account, 10_000 * USD, sender=account)
            self.usd.approve(vault, MAX, sender=account)
        vault.deposit(1_000 * USD, a, sender=a)  # the vault already has a lender
        gas = vault.deposit(1_000 * USD, b, sender=b).gas_used
        r.add("baseline.erc4626_deposit", "OZ ERC4626 deposit, new depositor", gas, "baseline", note="same stablecoin")

    @property
    def project(self):
        from ape import project

        return project

    def assets_and_shares(self) -> None:
        r, s = self.results, self.system
        inv = self.investors
        r.add(
            "compliance.verifyInvestor",
            "investor verification (verifyInvestor)",
            self.verify_one(inv[0]).gas_used,
            "assets & shares",
        )
        batch = addresses(0xB0, 0, 10)
        gas = self.verify_many(batch).gas_used
        r.add(
            "compliance.verifyInvestors_10",
            "investor verification, batch of 10 (verifyInvestors), per investor",
            gas // 10,
            "assets & shares",
            note=f"{gas:,} for the batch",
        )
        self.verify(*inv, self.operator)

        self.register()  # the registry's first asset
        asset_id, receipt = self.register()
        r.add("assets.registerAsset", "asset registration (registerAsset)", receipt.gas_used, "assets & shares")
        next_epoch = self.burn_in(asset_id)
        gas = s.assets.activate(asset_id, sender=self.operator).gas_used
        r.add("assets.activate", "activation after a 24-epoch burn-in (activate)", gas, "assets & shares")

        self.goto(self.epoch_start(next_epoch + 1))
        single = submit_reports(s.oracle, self.reports(asset_id, [next_epoch]), self.attesters[:3], self.keeper)
        r.add("oracle.report", "usage report, single, 3 of 5 signatures", single.gas_used, "assets & shares")
        batch = self.attest(asset_id, next_epoch + 1, next_epoch + 11)
        r.add(
            "oracle.report_batch_10",
            "usage report, batch of 10 (one asset's epochs), per report",
            batch.gas_used // 10,
            "assets & shares",
            note=f"{batch.gas_used:,} for the batch",
        )
        self.asset_id, self.next_epoch = asset_id, next_epoch + 11

        self.token, receipt = self.fractionalize(asset_id)
        r.add(
            "factory.fractionalize",
            "fractionalization (factory.fractionalize: clone, mint)",
            receipt.gas_used,
            "assets & shares",
            note="after the NFT approval",
        )

        # Revenue already distributed, so that transfers carry non-zero revenue corrections.
        self.deposit(asset_id, 1_000 * USD)
        gas = self.token.transfer(inv[0], 1_000 * SHARE, sender=self.operator).gas_used
        r.add("shares.transfer_new", "share transfer, new holder", gas, "assets & shares", "baseline.erc20_new")
        gas = self.token.transfer(inv[0], 1_000 * SHARE, sender=self.operator).gas_used
        r.add(
            "shares.transfer_existing",
            "share transfer, existing holder",
            gas,
            "assets & shares",
            "baseline.erc20_existing",
        )

    def leases_and_revenue(self) -> None:
        r, s, inv = self.results, self.system, self.investors
        market, asset_id = s.lease_market, self.asset_id
        gas = market.setOffer(asset_id, self.offer(), sender=self.operator).gas_used
        r.add("lease.setOffer", "listing an offer (setOffer)", gas, "leases & revenue")
        lease_id, receipt = self.rent(asset_id, 72)
        r.add(
            "lease.rent",
            "renting: a 72-hour lease, prepaid (rent)",
            receipt.gas_used,
            "leases & revenue",
            note="the asset's first lease",
        )
        lease = market.leaseOf(lease_id)
        first = lease.startEpoch
        # Reports continue where the asset's history stopped; the lease's epochs are attested as they finish.
        self.attest(asset_id, self.next_epoch, first + 24)
        market.settle(lease_id, sender=self.keeper)  # the first period: the renter's and asset's first settlement
        market.routeRent(asset_id, sender=self.keeper)  # the first rent deposit of the asset: opens its record
        self.attest(asset_id, first + 24, first + 48)
        gas = market.settle(lease_id, sender=self.keeper).gas_used
        r.add(
            "lease.settle", "settling one daily SLA period (settle)", gas, "leases & revenue", note="24 epochs, SLA met"
        )
        checkpoints = s.router.checkpointCount(asset_id, 0)
        gas = market.routeRent(asset_id, sender=self.keeper).gas_used
        first_of_day = s.router.checkpointCount(asset_id, 0) > checkpoints
        note = "a day's rent, " + ("the day's first rent deposit" if first_of_day else "a later deposit that day")
        r.add("lease.routeRent", "routing rent (routeRent -> router -> shares)", gas, "leases & revenue", note=note)
        gas = market.terminateLease(lease_id, sender=self.renter).gas_used
        r.add("lease.terminateLease", "terminating a running lease early (terminateLease)", gas, "leases & revenue")
        gas = market.withdraw(sender=self.renter).gas_used
        r.add("lease.withdraw", "renter's refund withdrawal (withdraw)", gas, "leases & revenue")
        self.next_epoch = first + 48

        self.next_day()
        self.deposit(asset_id, 1_000 * USD)  # the day's first deposit
        gas = self.deposit(asset_id, 1_000 * USD).gas_used
        r.add(
            "router.deposit",
            "routing revenue (router deposit into shares)",
            gas,
            "leases & revenue",
            note="a later deposit the same day",
        )
        self.usd.mint(inv[0], USD, sender=inv[0])  # the holder already holds the stablecoin
        self.token.claim(sender=inv[0])
        self.deposit(asset_id, 1_000 * USD)
        gas = self.token.claim(sender=inv[0]).gas_used
        r.add("shares.claim", "claiming revenue (claim)", gas, "leases & revenue", note="holder holds stablecoin")

    def offering_and_trading(self) -> None:
        r, inv = self.results, self.investors
        now = self.chain.pending_timestamp
        params = OfferingParams(
            self.token.address,
            2 * USD,
            100_000 * SHARE,
            300_000 * SHARE,
            1_000 * SHARE,
            150_000 * SHARE,
            now + HOUR,
            now + HOUR + 7 * DAY,
            (840, 276),
        )
        offering_id = create_offering(self.offering, self.token, self.operator, params)
        self.goto(params.opens_at)
        for investor in (inv[4], inv[5]):
            self.usd.mint(investor, self.offering.costOf(offering_id, 50_000 * SHARE), sender=investor)
        subscribe(self.offering, self.usd, inv[4], offering_id, 50_000 * SHARE)  # the offering's first
        gas = subscribe(self.offering, self.usd, inv[5], offering_id, 50_000 * SHARE).gas_used
        r.add(
            "offering.subscribe",
            "offering: subscribe (an investor's first)",
            gas,
            "offerings & trading",
            note="after an exact approval",
        )
        self.goto(params.closes_at)
        self.offering.settle(offering_id, sender=self.keeper)
        gas = self.offering.claimShares(offering_id, sender=inv[5]).gas_used
        r.add("offering.claimShares", "offering: claim shares (new holder)", gas, "offerings & trading")

        seller, takers = inv[0], (inv[1], inv[2], inv[3])
        amount, price = 100 * SHARE, 2 * USD + 500_001
        self.token.approve(self.exchange, MAX, sender=seller)
        self.usd.mint(seller, USD, sender=seller)
        for taker in takers:
            self.token.transfer(taker, SHARE, sender=self.operator)
            self.usd.mint(taker, 10**12, sender=taker)
            self.usd.approve(self.exchange, MAX, sender=taker)
        self.fill(self.sign_order(seller, Side.SELL, amount, price), amount, takers[2])  # the market holds fees
        signed = self.sign_order(seller, Side.SELL, amount, price)
        gas = self.fill(signed, amount // 2, takers[0]).gas_used
        r.add("trading.fill_partial", "order fill, partial (a sell order's first fill)", gas, "offerings & trading")
        gas = self.fill(self.sign_order(seller, Side.SELL, amount, price), amount, takers[1]).gas_used
        r.add("trading.fill", "order fill, whole order", gas, "offerings & trading", note="both sides hold both tokens")
        gas = self.exchange.cancelAll(sender=seller).gas_used
        r.add("trading.cancelAll", "cancel all of a maker's orders (cancelAll)", gas, "offerings & trading")

    def lending_ops(self) -> None:
        r, s, inv = self.results, self.system, self.investors
        vault, nav, asset_id = self.lending.vault, self.lending.nav, self.asset_id
        for lender in (self.lender, self.lender2):
            self.usd.mint(lender, 2_000_000 * USD, sender=lender)
            self.usd.approve(vault, MAX, sender=lender)
        vault.deposit(1_000_000 * USD, self.lender, sender=self.lender)  # the vault already has a lender
        gas = vault.deposit(1_000 * USD, self.lender2, sender=self.lender2).gas_used
        r.add(
            "vault.deposit",
            "lender deposit, new lender, no loans (vault.deposit)",
            gas,
            "lending",
            "baseline.erc4626_deposit",
        )

        self.deposit(asset_id, 100_000 * USD)  # a revenue record above the appraisal's price
        submit_appraisal(nav, self.appraiser, asset_id, 2 * USD, self.keeper)
        self.market = market = open_market(s, self.lending, asset_id, self.gov, RiskParams(), 500_000 * USD)
        first, second, liquidator = inv[1], inv[2], inv[3]
        collateral = 50_000 * SHARE
        for borrower in (first, second):
            self.token.transfer(borrower, 2 * collateral, sender=self.operator)
            self.token.approve(market, MAX, sender=borrower)
        market.supplyCollateral(first, collateral, sender=first)  # the market's first position
        gas = market.supplyCollateral(second, collateral, sender=second).gas_used
        r.add("market.supplyCollateral", "supply collateral, new position", gas, "lending")
        gas = market.borrow(20_000 * USD, second, sender=second).gas_used
        r.add("market.borrow", "borrow, first loan of the position", gas, "lending")
        self.mint(second, 5_000 * USD, market)
        gas = market.repay(second, 5_000 * USD, sender=second).gas_used
        r.add("market.repay", "repay, partial (interest accrues)", gas, "lending")

        gas = vault.deposit(1_000 * USD, inv[6], sender=self.lender).gas_used
        r.add(
            "vault.deposit_accruing",
            "lender deposit, new lender, loans outstanding",
            gas,
            "lending",
            "baseline.erc4626_deposit",
            note="accrues interest first",
        )
        gas = vault.withdraw(1_000 * USD, self.lender2, self.lender2, sender=self.lender2).gas_used
        r.add("vault.withdraw", "lender withdrawal, loans outstanding (vault.withdraw)", gas, "lending")

        self.deposit(asset_id, 10_000 * USD)
        market.sweep(second, sender=self.keeper)  # the position's first sweep
        self.deposit(asset_id, 10_000 * USD)
        gas = market.sweep(second, sender=self.keeper).gas_used
        r.add("market.sweep", "revenue sweep: collateral's revenue repays the loan", gas, "lending")

        market.borrow(40_000 * USD, first, sender=first)
        price = nav.appraisalOf(asset_id).pricePerShare
        for _ in range(3):  # 20%, the most one appraisal may move, three times
            price = price * 8 // 10
            self.goto(self.chain.pending_timestamp + 60)
            submit_appraisal(nav, self.appraiser, asset_id, price, self.keeper)
        self.token.transfer(liquidator, SHARE, sender=self.operator)
        self.usd.mint(liquidator, 10_000 * USD, sender=liquidator)
        self.usd.approve(market, MAX, sender=liquidator)
        receipt = market.liquidate(first, 5_000 * USD, sender=liquidator)
        swept = bool(receipt.events.filter(market.RevenueApplied))
        note = "the position's pending revenue applied first" if swept else ""
        r.add("market.liquidate", "liquidate, partial", receipt.gas_used, "lending", note=note)

    # ------------------------------------------------------------ scaling

    def scaling(self) -> dict[str, dict[str, Any]]:
        """The scaling tables (after `operations()`)."""
        self.log("scaling: holders")
        self.scale_holders()
        self.log("scaling: lease length")
        self.scale_lease_length()
        self.log("scaling: uptime query")
        self.scale_uptime_query()
        self.log("scaling: collateral positions")
        self.scale_positions()
        return self.results.scaling

    def scale_holders(self, populations=(1, 10, 100, 1_000)) -> None:
        """Claim and transfer by one holder of an asset whose shares have 1 .. 1,000 holders.

        The asset's shares are minted to the measured holder; the other holders are verified in batches and get a
        share each from a fan-out contract. Each measurement follows a warm-up round, so every round meets the same
        storage (an earlier claim, the day's revenue checkpoint)."""
        s, holder, r = self.system, self.investors[0], self.results
        asset_id, _ = self.new_active_asset()
        token, _ = self.fractionalize(asset_id, recipient=holder)
        fanout = self.project.MockShareFanout.deploy(sender=self.gov)
        s.compliance.setSystemHolder(fanout, True, sender=self.gov)
        self.usd.mint(holder, USD, sender=holder)
        self.next_day()
        others: list[str] = []
        fresh = iter(addresses(0xF5, 0, 100))
        figures: dict[str, dict[int, int]] = {"claim": {}, "transfer_existing": {}, "transfer_new": {}}
        for population in populations:
            while 1 + len(others) < population:
                count = min(100, population - 1 - len(others))
                batch = addresses(0xA1, len(others), count)
                self.verify_many(batch)
                token.transfer(fanout, count * SHARE, sender=holder)
                fanout.fanOut(token, batch, SHARE, sender=self.gov)
                others += batch
            assert token.balanceOf(others[-1] if others else holder) > 0
            for _ in range(2):  # a warm-up round, then the measured one
                self.deposit(asset_id, 1_000 * USD)
                figures["claim"][population] = token.claim(sender=holder).gas_used
                if others:
                    gas = token.transfer(others[-1], SHARE, sender=holder).gas_used
                    figures["transfer_existing"][population] = gas
                new = next(fresh)
                self.verify_one(new)
                figures["transfer_new"][population] = token.transfer(new, SHARE, sender=holder).gas_used
        r.scaling["holders"] = {
            "title": "claim and share transfer by one holder, by the number of the token's holders",
            "by": "holders",
            "columns": {
                "claim": "claim (holder holds stablecoin)",
                "transfer_existing": "transfer to an existing holder",
                "transfer_new": "transfer to a new holder",
            },
            "rows": {f"{n:,}": {k: v.get(n) for k, v in figures.items()} for n in populations},
            "note": "each measured after a warm-up round; 'existing holder' needs a second holder (none with 1)",
        }

    def scale_lease_length(self, lengths=(("1 hour", 1), ("1 day", 24), ("30 days", 720), ("90 days", 2_160))):
        """Settling a whole lease as one SLA period, for leases of 1 hour to 90 days: one O(log n) oracle range query
        whatever the length. Each asset is rented right after its burn-in (the same history shape) and attested at
        98% uptime (a 10% credit: both the credit and the release are paid); the reports go in with a quorum of one
        to keep the 90-day lease's 2,160 reports quick (a report's quorum does not change what settle reads)."""
        s, market = self.system, self.system.lease_market
        terms = (90 * 24, DAY, 3 * DAY, 90 * DAY, [(0, 0), (100, 1_000), (500, 2_500), (10_000, 10_000)])
        market.setTerms(terms, sender=self.gov)  # one SLA period covers the whole lease
        s.oracle.setQuorum(1, sender=self.oracle_admin)
        rows = {}
        for index, (label, hours) in enumerate(lengths):
            asset_id, _ = self.new_active_asset(quorum=1)
            market.setOffer(asset_id, self.offer(), sender=self.operator)
            renter = self.investors[6 + index]
            lease_id, _ = self.rent(asset_id, hours, renter=renter)
            lease = market.leaseOf(lease_id)
            self.attest(asset_id, lease.startEpoch, lease.endEpoch, uptime_bps=9_800, quorum=1)
            self.goto(self.epoch_start(lease.endEpoch) + 3 * DAY)
            receipt = market.settle(lease_id, sender=self.keeper)
            settled = receipt.events.filter(market.LeaseSettled)[0]
            assert (settled.fromEpoch, settled.toEpoch) == (lease.startEpoch, lease.endEpoch)
            rows[label] = {"epochs": hours, "settle": receipt.gas_used}
        s.oracle.setQuorum(self.params.quorum, sender=self.oracle_admin)
        self.results.scaling["lease_length"] = {
            "title": "settle a whole lease as one SLA period, by the lease's length",
            "by": "lease",
            "columns": {"epochs": "epochs (reports) in the period", "settle": "settle"},
            "rows": rows,
            "note": "98% uptime against a 99% SLA: a 10% credit, so both the credit and the release are paid",
        }

    def scale_uptime_query(self, ranges=(1, 100, 10_000), history: int = 10_050) -> None:
        """`uptimeBps` over 1 .. 10,000 epochs of a 10,050-epoch history, on a second oracle (quorum 1).

        10,000 real reports would take long on anvil with step tracing: the first reports are submitted for real,
        which shows where the checkpoint array lives and what a checkpoint's storage word is; the same words are then
        written for the epochs up to the last two (`anvil_setStorageAt`, batched), which are submitted for real."""
        chain, s = self.chain, self.system
        genesis = chain.blocks.head.timestamp - (history + 1) * self.params.epoch_seconds
        oracle = self.project.UsageOracle.deploy(s.manager, self.params.epoch_seconds, genesis, sender=self.gov)
        set_function_roles(s.manager, oracle, FUNCTION_ROLES["oracle"], self.gov)
        signer = self.attesters[:1]
        oracle.addAttester(signer[0].address, sender=self.oracle_admin)
        oracle.setQuorum(1, sender=self.oracle_admin)

        def report(epoch: int) -> UsageReport:
            return UsageReport(1, epoch, 9_900, 8_500, 7_920, 9_800, EnergyMode.AI, keccak(text=f"q-{epoch}"))

        def word(epoch: int) -> int:  # a Checkpoint: cumulative sums, packed from the low bits up
            n = epoch + 1
            return epoch | 1 << 32 | n * 9_900 << 40 | n * 8_500 << 88 | n * 7_920 << 136 | n * 9_800 << 200

        def storage(slot: int) -> int:
            return int.from_bytes(chain.provider.get_storage(oracle.address, slot), "big")

        head = 3
        for epoch in range(head):
            submit_reports(oracle, [report(epoch)], signer, self.keeper)
        length_slot = next(
            slot
            for slot in (int.from_bytes(keccak(encode(["uint256", "uint256"], [1, i])), "big") for i in range(16))
            if storage(slot) == head
        )
        first_slot = int.from_bytes(keccak(length_slot.to_bytes(32, "big")), "big")
        assert [storage(first_slot + i) for i in range(head)] == [word(i) for i in range(head)]
        written = range(head, history - 2)
        requests = [
            ("anvil_setStorageAt", [oracle.address, to_hex(first_slot + e), f"0x{word(e):064x}"]) for e in written
        ]
        requests.append(("anvil_setStorageAt", [oracle.address, to_hex(length_slot), f"0x{written.stop:064x}"]))
        for start in range(0, len(requests), 2_000):  # anvil refuses a request body much above 1 MB
            responses = chain.provider.web3.provider.make_batch_request(requests[start : start + 2_000])
            assert all("error" not in response for response in responses), responses
        submit_reports(oracle, [report(e) for e in range(written.stop, history)], signer, self.keeper)
        assert oracle.checkpointCount(1) == history

        rows = {}
        for epochs in ranges:
            gas = oracle.uptimeBps.estimate_gas_cost(1, history - epochs, history, sender=self.keeper)
            assert oracle.uptimeBps(1, history - epochs, history) == 9_900
            rows[f"{epochs:,}"] = {"uptimeBps": gas}
        self.results.scaling["uptime_query"] = {
            "title": f"uptimeBps over the last n epochs of a {history:,}-epoch history (eth_estimateGas of a call)",
            "by": "epochs queried",
            "columns": {"uptimeBps": "uptimeBps"},
            "rows": rows,
            "note": "history written partly straight into storage, checked against real reports",
        }

    def scale_positions(self, positions=(2, 100, 1_000)) -> None:
        """The same sweep (a debt partly repaid by the collateral's revenue) with 2 .. 1,000 open positions.

        A sweep takes one of two paths, whatever the number of positions: the market pays the repayment from the
        stablecoin it holds, or it first claims its revenue from the share token (which pays for every position at
        once, so the next sweeps find cash). Both are measured at each size, after a warm-up round."""
        s, market, borrower, asset_id = self.system, self.market, self.investors[2], self.asset_id
        bulk = self.project.MockBulkSupplier.deploy(sender=self.gov)
        s.compliance.setSystemHolder(bulk, True, sender=self.gov)
        self.token.transfer(bulk, 1_000 * SHARE, sender=self.operator)
        # A share held by the market outside any position: its revenue keeps the market's stablecoin balance from
        # returning to zero (a storage refund that has nothing to do with the number of positions).
        self.token.transfer(market, SHARE, sender=self.operator)
        self.next_day()
        opened = 2  # the measured position and the liquidated one
        figures: dict[str, dict[int, int]] = {"claims": {}, "cash": {}}
        for target in positions:
            while opened < target:
                count = min(100, target - opened)
                holders = addresses(0xC0, opened, count)
                self.verify_many(holders)
                bulk.supplyMany(market, holders, SHARE, sender=self.gov)
                opened += count
            for round_ in range(8):
                self.deposit(asset_id, 10_000 * USD)
                receipt = market.sweep(borrower, sender=self.keeper)
                token = str(self.token.address)
                claims = any(e.event_name == "RevenueClaimed" and e.contract_address == token for e in receipt.events)
                if round_:  # the first round is a warm-up
                    figures["claims" if claims else "cash"][target] = receipt.gas_used
                if target in figures["claims"] and target in figures["cash"]:
                    break
        self.results.scaling["positions"] = {
            "title": "revenue sweep of one position, by the number of open positions in the market",
            "by": "open positions",
            "columns": {
                "cash": "sweep paid from the market's cash",
                "claims": "sweep claiming the market's revenue first",
            },
            "rows": {f"{n:,}": {k: v.get(n) for k, v in figures.items()} for n in positions},
            "note": "the smallest market here holds two positions (the measured one and a liquidated one)",
        }


# ---------------------------------------------------------------- snapshot


def load_snapshot(path: Path = SNAPSHOT_PATH) -> dict[str, int]:
    return json.loads(path.read_text())["gas"]


def write_snapshot(results: Results, path: Path = SNAPSHOT_PATH) -> None:
    data = {
        "about": "operation -> total transaction gas; `make snapshot` (or `make bench`) rewrites it; "
        f"tests/snapshot fails when an operation costs more than {SNAPSHOT_TOLERANCE:.0%} over it",
        "gas": results.snapshot(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def compare(measured: dict[str, int], snapshot: dict[str, int], tolerance: float = SNAPSHOT_TOLERANCE) -> list[str]:
    """What is wrong: an operation over the snapshot by more than `tolerance`, or one missing on either side."""
    problems = []
    for key in sorted(snapshot.keys() - measured.keys()):
        problems.append(f"{key}: in the snapshot, not measured any more")
    for key in sorted(measured.keys() - snapshot.keys()):
        problems.append(f"{key}: measured, not in the snapshot")
    for key in sorted(measured.keys() & snapshot.keys()):
        if measured[key] > snapshot[key] * (1 + tolerance):
            growth = measured[key] / snapshot[key] - 1
            problems.append(f"{key}: {measured[key]:,} gas, {growth:+.2%} over the snapshot's {snapshot[key]:,}")
    return problems


# ---------------------------------------------------------------- reports


def operations_table(results: Results) -> list[tuple[str, str, str, str, str]]:
    """(group, operation, gas, baseline, ratio) per operation, anchors included."""
    table = []
    for row in results.rows.values():
        baseline = results.rows[row.baseline] if row.baseline else None
        ratio = results.ratio(row)
        operation = f"{row.operation} — {row.note}" if row.note else row.operation
        table.append(
            (
                row.group,
                operation,
                f"{row.gas:,}",
                f"{baseline.gas:,} ({baseline.operation})" if baseline else "",
                f"{ratio:.2f}x" if ratio is not None else "",
            )
        )
    return table


def scaling_tables(results: Results) -> list[tuple[str, list[str], list[list[str]], str]]:
    """(title, header, rows, note) per scaling table."""
    tables = []
    for table in results.scaling.values():
        columns = table["columns"]
        header = [table.get("by", "n"), *columns.values()]
        rows = [
            [n, *(f"{values[key]:,}" if values.get(key) is not None else "-" for key in columns)]
            for n, values in table["rows"].items()
        ]
        tables.append((table["title"], header, rows, table.get("note", "")))
    return tables


def text_report(results: Results) -> str:
    lines = []
    ops = operations_table(results)
    width = max(len(op) for _, op, *_ in ops)
    lines.append(f"{'operation':<{width}} {'gas':>10}  {'baseline':>10}  ratio")
    group = None
    for row_group, op, gas, baseline, ratio in ops:
        if row_group != group:
            lines.append(f"-- {row_group}")
            group = row_group
        base_gas = baseline.split(" ")[0]
        lines.append(f"{op:<{width}} {gas:>10}  {base_gas:>10}  {ratio}")
    for title, header, rows, note in scaling_tables(results):
        lines += ["", title + (f" ({note})" if note else "")]
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
        for row in [header, *rows]:
            lines.append("  ".join(str(x).rjust(w) for x, w in zip(row, widths, strict=True)))
    if results.deployment:
        lines += ["", "deployment, per contract (creation receipt)"]
        for name, gas in results.deployment.items():
            lines.append(f"  {name:<20} {gas:>12,}")
    return "\n".join(lines)


def _md_table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    return out


def markdown_report(results: Results, wallclock: list[tuple[str, str, str]]) -> str:
    """benchmarks/gas.md: the tables, and the machine-dependent wall-clock figures (label, value, what)."""
    lines = [
        "# Gas benchmark",
        "",
        "Written by `make bench` (`scripts/bench.py`, measurements in `cap/bench.py`); the same figures are in",
        "`gas.json`, and the operations in `gas-snapshot.json`, which `make test` holds the code to (+2%).",
        "",
        "Total transaction gas (`receipt.gas_used`, the 21,000 base included; a view: `eth_estimateGas` of a call)",
        "on a fresh anvil (cancun), solc 0.8.37 with 10,000 optimizer runs, default deployment parameters (hourly",
        "epochs, a 24-epoch burn-in, 3-of-5 attester quorum) and the MockStablecoin (its pause and blacklist checks",
        "add about 6,500 gas to each stablecoin transfer). Each operation is measured in its ordinary steady case",
        "unless the note says otherwise. The figures are deterministic: the chain starts at a fixed time, blocks are",
        "one second apart, keys and salts are fixed.",
        "",
        "Anchors are plain OpenZeppelin 5.7.0 contracts measured in the same run (`contracts/mocks/BaselineERC20.sol`",
        "and `BaselineERC4626.sol`, the latter over the same stablecoin); the ratio is the operation's gas over its",
        "anchor's.",
        "",
        "## Operations",
        "",
    ]
    rows = [[op, gas, base, ratio] for _, op, gas, base, ratio in operations_table(results)]
    groups = [group for group, *_ in operations_table(results)]
    body: list[list[str]] = []
    current = None
    for group, row in zip(groups, rows, strict=True):
        if group != current:
            body.append([f"**{group}**", "", "", ""])
            current = group
        body.append(row)
    lines += _md_table(["operation", "gas", "baseline", "ratio"], body, {1, 3})
    lines += ["", "## Scaling", ""]
    for title, header, rows_, note in scaling_tables(results):
        lines += [f"**{title}**" + (f" — {note}." if note else ""), ""]
        lines += _md_table(header, rows_, set(range(len(header))))
        lines.append("")
    if results.deployment:
        lines += ["## Deployment, per contract", ""]
        lines += _md_table(["contract", "creation gas"], [[n, f"{g:,}"] for n, g in results.deployment.items()], {1})
        lines.append("")
    lines += [
        "## Wall-clock (machine-dependent)",
        "",
        "Seconds on the machine that ran `make bench`; they vary with the machine and its load, unlike the gas",
        "figures, and are not in `gas.json` or the snapshot.",
        "",
    ]
    lines += _md_table(["what", "seconds", "measured how"], [list(w) for w in wallclock], {1})
    lines.append("")
    return "\n".join(lines)


def write_reports(results: Results, wallclock: list[tuple[str, str, str]], directory: Path = BENCH_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "gas.json").write_text(json.dumps(results.to_json(), indent=2) + "\n")
    (directory / "gas.md").write_text(markdown_report(results, wallclock))
