"""Stateful fuzzing of the whole protocol (SPEC.md, "Invariants"): Hypothesis draws sequences of investor
verification and freezing, share transfers and forced transfers, usage reports (outages, missing epochs), rents,
lease starts, settlements, terminations, cancellations, disputes and their resolution, rent routing, router deposits
and withdrawals, holders' claims, lender deposits and withdrawals, collateral, borrows, repayments, sweeps, price
moves, liquidations and time jumps, on the deployed protocol (anvil). Every rule sometimes draws a bad input, which
must revert and leave the books unchanged; after every step the invariants below are checked against one read of
the whole protocol.

Each example starts from the same deployed world (`conftest.world`): the machine takes a chain snapshot when it
starts and restores it at teardown. Profiles (`CAP_FUZZ_PROFILE`): `ci` (default, in `make test`: bounded and
derandomized, so CI is reproducible) and `deep` (`make fuzz`). A failure shrinks to a minimal sequence of steps,
printed with a `@reproduce_failure` blob that replays it.
"""

from __future__ import annotations

import os
import sys
from enum import IntEnum

import pytest
from eth_utils import keccak
from fuzz_world import EPOCH, FUZZ_STATS, TERMS, USD
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from state_reader import Batch

from cap.lending import Appraisal, appraisal_digest
from cap.reports import UsageReport, sign_digest, sign_with_quorum

BPS = 10_000
MAX_ADVANCE = TERMS[3]
LIQUIDATION_LTV_BPS = 7_000
LEASE = "(address,uint32,uint32,uint32,uint32,uint32,uint128,uint16,uint16,uint16,uint8)"  # ILeaseMarket.Lease
POSITION = "(uint256,uint256,uint256,uint256,uint256,uint256,uint256,bool,uint256,bool)"  # PositionView
MAX = 2**256 - 1

settings.register_profile(
    "ci",
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "deep",
    max_examples=int(os.environ.get("CAP_FUZZ_EXAMPLES", "100")),
    stateful_step_count=int(os.environ.get("CAP_FUZZ_STEPS", "50")),
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
PROFILE = os.environ.get("CAP_FUZZ_PROFILE", "ci")


class LeaseStatus(IntEnum):
    NONE = 0
    BOOKED = 1
    DISPUTED = 2
    CANCELLED = 3
    FINALIZED = 4


# Keys whose value depends on the block's timestamp (interest, freshness, expiry): not part of the "unchanged after
# a refused step" comparison, although no block is mined by a refused step.
TIME_DEPENDENT = {"v_totalDebt", "v_totalAssets", "v_totalReserves", "v_maxWithdraw", "position", "price", "user"}

fraction = st.sampled_from([1, 10, 33, 50, 90, 100])  # percent
bad = st.sampled_from([False, False, False, False, True])  # one draw in five is a deliberately bad input


class Refused(Exception):
    """A step's transaction reverted (expected or allowed)."""


def make_machine(world, chain):
    w = world
    s = w.system
    usd, shares, market, vault, nav = s.stablecoin, w.shares, w.market, w.lending.vault, w.lending.nav
    lease_market, router, oracle, assets, compliance = s.lease_market, s.router, s.oracle, s.assets, s.compliance
    genesis = oracle.genesis()
    assets_ids = (w.asset_a, w.asset_b)
    holders = w.holders
    people = w.accounts
    system_holders = {str(market.address)}
    max_ltv_bps = market.riskParams().maxLtvBps

    class ProtocolMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.snapshot = chain.snapshot()
            FUZZ_STATS["examples"] += 1
            self.now = chain.blocks.head.timestamp + 1  # the next block's timestamp, set before every transaction
            self.minted = 0
            self.leases: list[tuple[int, int]] = []  # (lease id, asset id)
            self.accepted: dict[tuple[int, int], tuple] = {}
            self.pps_changes = 0
            self.dirty = False
            self.leases = [(i, int(lease_market.leaseOf(i).assetId)) for i in range(1, lease_market.leaseCount() + 1)]
            first = self.read()
            for asset_id in assets_ids:  # the burn-in reports of the deployment are re-read too
                reported, epoch = first[("latest", asset_id)]
                if reported:
                    self.accepted[(asset_id, epoch)] = None
            self.last = self.read()
            for key in self.accepted:
                self.accepted[key] = self.last[("usage", *key)]
            self.base_usd = sum(self.last[("usd", str(a))] for a in self._usd_holders())
            self.base_supply = self.last["usd_supply"]
            self.share_supply = self.last["sh_supply"]
            # dry runs read the pending block: it must carry the timestamp the next transaction gets
            chain.pending_timestamp = self.now
            timestamp_call = {"to": str(w.reader.address), "data": keccak(text="timestamp()")[:4]}
            assert int.from_bytes(chain.provider.web3.eth.call(timestamp_call, "pending"), "big") == self.now

        def teardown(self):
            chain.restore(self.snapshot)

        # ------------------------------------------------------------ plumbing

        def _usd_holders(self):
            return [*people, *w.protocol_contracts]

        def read(self) -> dict:
            b = Batch(w.reader)
            b.add("now", w.reader, "timestamp()")
            b.add("usd_supply", usd, "totalSupply()")
            for account in self._usd_holders():
                b.add(("usd", str(account)), usd, "balanceOf(address)", account)
            for account in [*holders, market]:
                b.add(("sh", str(account)), shares, "balanceOf(address)", account)
                b.add(("claimable", str(account)), shares, "claimableOf(address)", account)
                b.add(("frozen_tok", str(account)), shares, "isFrozen(address)", account)
                b.add(("record", str(account)), compliance, "investorOf(address)", account,
                      out=("(uint64,uint16,bool,bool)",))  # fmt: skip
            b.add("sh_supply", shares, "totalSupply()")
            b.add("accounted", shares, "accountedRevenue()")
            b.add("pps", shares, "pointsPerShare()")
            # lease market
            for name in ("totalEscrowed", "totalRefundable", "totalUnrouted", "leaseCount"):
                b.add(f"lm_{name}", lease_market, f"{name}()")
            for renter in w.renters:
                b.add(("refundable", str(renter)), lease_market, "refundableOf(address)", renter)
            for lease_id, _ in self.leases:
                b.add(("lease", lease_id), lease_market, "leaseOf(uint256)", lease_id,
                      out=(LEASE,))  # fmt: skip
                b.add(("next", lease_id), lease_market, "nextSettlement(uint256)", lease_id,
                      out=("uint32", "uint32", "bool"))  # fmt: skip
            for asset_id in assets_ids:
                b.add(("ledger", asset_id), lease_market, "ledgerOf(uint256)", asset_id,
                      out=("(uint32,uint32,uint128)",))  # fmt: skip
                b.add(("unrouted", asset_id), lease_market, "unroutedRentOf(uint256)", asset_id)
                b.add(("opfees", asset_id), router, "operatorFeesOwed(uint256)", asset_id)
                b.add(("owner", asset_id), assets, "ownerOf(uint256)", asset_id, out=("address",))
                b.add(("user", asset_id), assets, "userOf(uint256)", asset_id, out=("address",))
                b.add(("userExpires", asset_id), assets, "userExpires(uint256)", asset_id)
                b.add(("latest", asset_id), oracle, "latestEpoch(uint256)", asset_id, out=("bool", "uint32"))
            for asset_id, epoch in self._oracle_sample():
                b.add(("usage", asset_id, epoch), oracle, "usageAt(uint256,uint32)", asset_id, epoch,
                      out=("bool", "uint16", "uint16", "uint64", "uint64", "uint8"))  # fmt: skip
            # router
            b.add("r_protocol", router, "protocolFeesOwed()")
            b.add(("owed", str(w.operator)), router, "owedTo(address)", w.operator)
            # vault and market
            for name in ("idleCash", "totalDebt", "totalAssets", "totalReserves", "totalSupply"):
                b.add(f"v_{name}", vault, f"{name}()")
            b.add("v_units", vault, "debtUnitsOf(address)", market)
            for lender in w.lenders:
                b.add(("v_balance", str(lender)), vault, "balanceOf(address)", lender)
                b.add(("v_maxWithdraw", str(lender)), vault, "maxWithdraw(address)", lender)
            b.add("m_totalCollateral", market, "totalCollateral()")
            b.add("m_totalCredit", market, "totalCredit()")
            for borrower in w.borrowers:
                b.add(("position", str(borrower)), market, "positionOf(address)", borrower,
                      out=(POSITION,))  # fmt: skip
                b.add(("maxBorrow", str(borrower)), market, "maxBorrow(address)", borrower)
            b.add("appraisal", nav, "appraisalOf(uint256)", w.asset_a, out=("uint256", "uint256", "uint256", "bool"))
            b.add("price", nav, "priceOf(uint256)", w.asset_a, out=("uint256", "bool"))
            return b.run()

        def _oracle_sample(self):
            """Up to eight accepted epochs to re-read (the latest ones, and a rotating few of the older ones)."""
            keys = sorted(self.accepted)
            if len(keys) <= 8:
                return keys
            step = FUZZ_STATS["steps"]
            older = keys[:-4]
            return keys[-4:] + [older[(step * 7 + i) % len(older)] for i in range(4)]

        @staticmethod
        def fingerprint(state: dict) -> dict:
            def timeless(key) -> bool:
                name = key[0] if isinstance(key, tuple) else key
                # the oracle sample rotates (its values are checked by the oracle invariant)
                return name not in TIME_DEPENDENT and name not in ("now", "appraisal", "next", "maxBorrow", "usage")

            out = {k: v for k, v in state.items() if timeless(k)}
            # a position's collateral, debt units and credit do not move with time
            for k, v in state.items():
                if isinstance(k, tuple) and k[0] == "position":
                    out[k] = (v[0], v[1], v[4])
            return out

        def send(self, fn, *args, sender, expect=None):
            """Sends a transaction at `self.now`. `expect`: True must succeed, False must revert, None either. A
            reverted one must leave the books unchanged. Returns the receipt, or raises `Refused`."""
            baseline = self.last if not self.dirty else (self.read() if expect is not True else None)
            chain.pending_timestamp = self.now
            # A dry run on the pending block (same timestamp, same state) tells a refusal without Ape's costly
            # revert handling (traces); the transaction is sent only when the dry run passes.
            reason = dry_run(fn, args, sender)
            if reason is not None:
                if expect is True:
                    raise AssertionError(f"refused a valid step: {fn} {args}: {reason}")
                assert self.fingerprint(self.read()) == self.fingerprint(baseline), (
                    f"a refused step changed state: {fn}"
                )
                FUZZ_STATS["reverted"] += 1
                REFUSALS[reason] = REFUSALS.get(reason, 0) + 1
                raise Refused(reason)
            receipt = fn(*args, sender=sender)
            if expect is False:
                raise AssertionError(f"a bad step went through: {fn} {args}")
            name = getattr(fn, "abis", [None])[0]
            name = name.name if name is not None else str(fn)
            DONE[name] = DONE.get(name, 0) + 1
            self.now += 1
            self.dirty = True
            return receipt

        def mint(self, account, amount: int) -> None:
            self.send(usd.mint, account, amount, sender=account, expect=True)
            self.minted += amount

        def epoch_now(self) -> int:
            return (self.now - genesis) // EPOCH

        def can_receive(self, account) -> bool:
            until, _, frozen, system = self.last[("record", str(account))]
            return not frozen and (system or until >= self.now)

        # ------------------------------------------------------------ compliance

        @rule(who=st.sampled_from(range(6)), hours=st.sampled_from([1, 2, 24, 24 * 365]), past=bad)
        def verify_investor(self, who, hours, past):
            account = [*w.investors, w.stranger, w.renters[0]][who]
            until = self.now - 1 if past else self.now + hours * 3_600
            # expect only a refusal for bad inputs: verifying a frozen investor is allowed by the registry
            self._step(compliance.verifyInvestor, account, until, 840, sender=w.compliance_agent,
                       expect=False if past else None)  # fmt: skip

        @rule(who=st.sampled_from(range(6)))
        def revoke_investor(self, who):
            account = [*w.investors, w.stranger, w.renters[0]][who]
            self._step(compliance.revokeInvestor, account, sender=w.compliance_agent)

        @rule(who=st.sampled_from(range(5)), frozen=st.booleans(), where=st.sampled_from(["both", "registry", "token"]))
        def freeze(self, who, frozen, where):
            account = [*w.investors, w.stranger][who]
            if where == "token":
                unchanged = self.last[("frozen_tok", str(account))] == frozen
                self._step(compliance.freezeOnToken, shares, account, frozen, sender=w.compliance_agent,
                           expect=not unchanged)  # fmt: skip
            else:
                unchanged = self.last[("record", str(account))][2] == frozen
                tokens = [shares] if where == "both" else []
                self._step(compliance.freeze, account, frozen, tokens, sender=w.compliance_agent,
                           expect=False if unchanged else None)  # fmt: skip

        @rule(frm=st.sampled_from(range(5)), to=st.sampled_from(range(8)), pct=fraction, over=bad)
        def transfer_shares(self, frm, to, pct, over):
            sender = [w.operator, *w.investors][frm]
            recipient = [*holders][to]
            balance = self.last[("sh", str(sender))]
            amount = balance + 1 if over else balance * pct // 100
            ok = (
                amount <= balance
                and not self.last[("frozen_tok", str(sender))]
                and not self.last[("frozen_tok", str(recipient))]
                and self.can_receive(recipient)
            )
            if amount == 0:
                ok = None
            self._step(shares.transfer, recipient, amount, sender=sender, expect=ok)

        @rule(frm=st.sampled_from(range(5)), to=st.sampled_from(range(8)), pct=fraction, over=bad)
        def force_transfer(self, frm, to, pct, over):
            source = [w.operator, *w.investors][frm]
            recipient = [*holders][to]
            balance = self.last[("sh", str(source))]
            amount = balance + 1 if over else balance * pct // 100
            ok = amount <= balance and self.can_receive(recipient) and not self.last[("frozen_tok", str(recipient))]
            self._step(compliance.forceTransfer, shares, source, recipient, amount, sender=w.compliance_agent,
                       expect=None if amount == 0 else ok)  # fmt: skip

        @rule(frm=st.sampled_from(range(5)))
        def force_transfer_from_market(self, frm):
            """The market is a system holder: its shares are other people's collateral (refused)."""
            recipient = [w.operator, *w.investors][frm]
            self._step(compliance.forceTransfer, shares, market, recipient, 1, sender=w.compliance_agent, expect=False)

        # ------------------------------------------------------------ oracle

        @rule(
            asset=st.sampled_from([0, 1]),
            gap=st.sampled_from([0, 0, 1, 3]),
            count=st.integers(1, 4),
            uptime=st.sampled_from([10_000, 10_000, 9_950, 9_000, 5_000, 0]),
            catch_up=st.booleans(),
            kind=st.sampled_from(["ok", "ok", "ok", "replay", "short_quorum"]),
        )
        def attest(self, asset, gap, count, uptime, catch_up, kind):
            asset_id = assets_ids[asset]
            reported, latest = self.last[("latest", asset_id)]
            first = (latest + 1 if reported else 0) + gap
            if catch_up:
                first = max(first, self.epoch_now() - count - gap)
            if kind == "replay" and reported:
                first, count = latest, 1
            epochs = range(first, first + count)
            finished = genesis + (epochs[-1] + 1) * EPOCH
            if self.now < finished:
                self.time_to(finished)
            reports = [
                UsageReport(asset_id, e, uptime, uptime * 8 // 10, 8_000 * uptime // BPS, 9_000, 1, bytes(32))
                for e in epochs
            ]
            signers = w.attesters[: w.quorum - 1] if kind == "short_quorum" else w.attesters[: w.quorum]
            expect = kind == "ok" or (kind == "replay" and not reported)
            tuples = [r.as_tuple() for r in reports]
            signatures = [sign_with_quorum(signers, r, chain.chain_id, oracle.address) for r in reports]
            self._step(oracle.submitReports, tuples, signatures, sender=w.keeper, expect=expect)
            if expect:
                for e in epochs:
                    self.accepted[(asset_id, e)] = (True, uptime, uptime * 8 // 10, 8_000 * uptime // BPS, 9_000, 1)

        # ------------------------------------------------------------ leases

        @rule(
            asset=st.sampled_from([0, 1]),
            who=st.sampled_from([0, 1]),
            offset=st.sampled_from([0, 0, 1, 3]),
            hours=st.integers(1, 8),
            kind=st.sampled_from(["ok", "ok", "ok", "ok", "overlap", "price", "hours", "aligned"]),
        )
        def rent(self, asset, who, offset, hours, kind):
            asset_id, renter = assets_ids[asset], w.renters[who]
            booked_until = self.last[("ledger", asset_id)][0]
            start_epoch = max(self.epoch_now(), booked_until) + offset
            price = 10 * USD * hours
            max_price = price
            expect = True
            if kind == "overlap" and booked_until > self.epoch_now():
                start_epoch, expect = booked_until - 1, False
            elif kind == "price":
                max_price, expect = price - 1, False
            elif kind == "hours":
                hours, expect = 49, False
                price = max_price = 10 * USD * hours
            start = genesis + start_epoch * EPOCH
            if expect and start - self.now > MAX_ADVANCE:
                expect = False  # booked too far ahead: LeaseMarketStartTooFar
            elif expect and start - self.now > MAX_ADVANCE - 5:
                expect = None
            if kind == "aligned":
                start, expect = start + 1, False
            self.mint(renter, price)
            receipt = self._step(lease_market.rent, asset_id, start, hours, max_price, sender=renter, expect=expect)
            if receipt is not None:
                self.leases.append((receipt.events.filter(lease_market.LeaseBooked)[0].leaseId, asset_id))

        def _lease(self, pick: int, prefer=None):
            """A lease by index; `prefer(lease_id, lease)` narrows the choice to the leases where it holds, if any."""
            if not self.leases:
                return None, None
            candidates = [lease_id for lease_id, _ in self.leases]
            if prefer is not None:
                candidates = [i for i in candidates if prefer(i, self.last[("lease", i)])] or candidates
            lease_id = candidates[pick % len(candidates)]
            return lease_id, self.last[("lease", lease_id)]

        def _in_dispute_window(self, _, lease) -> bool:
            end = genesis + lease[4] * EPOCH
            return lease[10] == LeaseStatus.BOOKED and end <= self.now < end + TERMS[2]

        @rule(pick=st.integers(0, 20))
        def start_lease(self, pick):
            lease_id, _ = self._lease(pick, lambda _, lease: lease[10] == LeaseStatus.BOOKED)
            if lease_id is not None:
                self._step(lease_market.startLease, lease_id, sender=w.keeper)

        @rule(pick=st.integers(0, 20), wait=st.booleans())
        def settle(self, pick, wait):
            """Settles a lease's next period; with `wait`, first lets time run to where that period may settle."""
            lease_id, lease = self._lease(pick, lambda i, _: self.last[("next", i)][2])
            if lease_id is None:
                return
            _, to_epoch, ready = self.last[("next", lease_id)]
            if wait and not ready and lease[10] == LeaseStatus.BOOKED:
                end = genesis + to_epoch * EPOCH
                self.time_to(end + (TERMS[2] if to_epoch == lease[4] else TERMS[1]) + 1)
            self._step(lease_market.settle, lease_id, sender=w.keeper, expect=True if ready else None)

        @rule(pick=st.integers(0, 20), wrong=bad)
        def terminate(self, pick, wrong):
            lease_id, lease = self._lease(pick, lambda _, lease: lease[10] == LeaseStatus.BOOKED)
            if lease_id is not None:
                caller = w.stranger if wrong else _account(w.renters, lease[0])
                self._step(lease_market.terminateLease, lease_id, sender=caller, expect=False if wrong else None)

        @rule(pick=st.integers(0, 20), wrong=bad)
        def cancel(self, pick, wrong):
            lease_id, _ = self._lease(pick, lambda _, lease: genesis + lease[2] * EPOCH > self.now)
            if lease_id is not None:
                caller = w.stranger if wrong else w.operator
                self._step(lease_market.cancelLease, lease_id, sender=caller, expect=False if wrong else None)

        @rule(pick=st.integers(0, 20), wrong=bad, wait=st.booleans())
        def dispute(self, pick, wrong, wait):
            """The renter disputes; with `wait`, first lets time run to the lease's end."""
            lease_id, lease = self._lease(pick, self._in_dispute_window)
            if lease_id is not None:
                if wait and lease[10] == LeaseStatus.BOOKED:
                    self.time_to(genesis + lease[4] * EPOCH)
                caller = w.stranger if wrong else _account(w.renters, lease[0])
                self._step(lease_market.dispute, lease_id, sender=caller, expect=False if wrong else None)

        @rule(pick=st.integers(0, 20), share=st.sampled_from([0, 30, 50, 100]), wrong_split=bad)
        def resolve_dispute(self, pick, share, wrong_split):
            lease_id, lease = self._lease(pick, lambda _, lease: lease[10] == LeaseStatus.DISPUTED)
            if lease_id is None:
                return
            unsettled = lease[6]
            renter_part = unsettled * share // 100
            operator_part = unsettled - renter_part + (1 if wrong_split else 0)
            disputed = lease[10] == LeaseStatus.DISPUTED
            self._step(lease_market.resolveDispute, lease_id, renter_part, operator_part, sender=w.arbiter,
                       expect=disputed and not wrong_split)  # fmt: skip

        @rule(who=st.sampled_from([0, 1]))
        def withdraw_refund(self, who):
            renter = _prefer(w.renters, lambda r: self.last[("refundable", str(r))] > 0, who)
            self._step(lease_market.withdraw, sender=renter, expect=self.last[("refundable", str(renter))] > 0)

        @rule(asset=st.sampled_from([0, 1]))
        def route_rent(self, asset):
            asset_id = _prefer(assets_ids, lambda a: self.last[("unrouted", a)] > 0, asset)
            self._step(lease_market.routeRent, asset_id, sender=w.keeper, expect=self.last[("unrouted", asset_id)] > 0)

        # ------------------------------------------------------------ revenue

        @rule(
            asset=st.sampled_from([0, 1]),
            amount=st.sampled_from([1, 999, 250 * USD, 20_000 * USD]),
            source=st.sampled_from([1, 2, 3]),
            kind=st.sampled_from(["ok", "ok", "ok", "stranger", "rent_source", "zero"]),
        )
        def router_deposit(self, asset, amount, source, kind):
            asset_id = assets_ids[asset]
            depositor = w.stranger if kind == "stranger" else w.operator
            if kind == "rent_source":
                source = 0  # rent comes only from the lease market
            if kind == "zero":
                amount = 0
            if amount:
                self.mint(depositor, amount)
                self.send(usd.approve, router, amount, sender=depositor, expect=True)
            self._step(router.deposit, asset_id, amount, source, sender=depositor, expect=kind == "ok")

        @rule(amount=st.sampled_from([1, 7, 1_000 * USD]), zero=bad)
        def distribute(self, amount, zero):
            amount = 0 if zero else amount
            if amount:
                self.mint(w.keeper, amount)
            self._step(shares.distribute, amount, sender=w.keeper, expect=not zero)

        @rule(who=st.sampled_from(range(6)))
        def claim(self, who):
            holder = _prefer(
                [w.operator, *w.investors, w.stranger], lambda h: self.last[("claimable", str(h))] > 0, who
            )
            frozen = self.last[("frozen_tok", str(holder))] or self.last[("record", str(holder))][2]
            ok = self.last[("claimable", str(holder))] > 0 and not frozen
            self._step(shares.claim, sender=holder, expect=ok)

        @rule(what=st.sampled_from(["protocol", "operator_a", "operator_b", "owner"]))
        def router_withdraw(self, what):
            if what == "protocol":
                self._step(router.withdrawProtocolFees, sender=w.keeper, expect=self.last["r_protocol"] > 0)
            elif what == "owner":
                owed = self.last[("owed", str(w.operator))]
                self._step(router.withdraw, sender=w.operator, expect=owed > 0)
            else:
                asset_id = w.asset_a if what == "operator_a" else w.asset_b
                owed = self.last[("opfees", asset_id)]
                self._step(router.withdrawOperatorFees, asset_id, sender=w.keeper, expect=owed > 0)

        # ------------------------------------------------------------ lenders

        @rule(who=st.sampled_from([0, 1]), amount=st.sampled_from([1, 5_000 * USD, 200_000 * USD]), zero=bad)
        def lender_deposit(self, who, amount, zero):
            lender = w.lenders[who]
            if zero:
                amount = 0
            else:
                self.mint(lender, amount)
            self._step(vault.deposit, amount, lender, sender=lender, expect=None if zero else True)

        @rule(who=st.sampled_from([0, 1]), pct=fraction, over=bad)
        def lender_withdraw(self, who, pct, over):
            lender = w.lenders[who]
            most = self.last[("v_maxWithdraw", str(lender))]
            amount = most * 2 + 1_000 * USD if over else most * pct // 100
            if amount == 0:
                return
            self._step(vault.withdraw, amount, lender, lender, sender=lender, expect=False if over else None)

        @rule(amount=st.sampled_from([1, 10_000 * USD]))
        def donate_to_vault(self, amount):
            """A donation must change no lender's claim (the vault ignores it) and keep every book balanced."""
            self.mint(w.stranger, amount)
            self._step(usd.transfer, vault, amount, sender=w.stranger, expect=True)

        # ------------------------------------------------------------ borrowers

        @rule(who=st.sampled_from(range(4)), pct=fraction, over=bad)
        def supply_collateral(self, who, pct, over):
            borrower = w.borrowers[who]
            balance = self.last[("sh", str(borrower))]
            amount = balance + 1 if over else balance * pct // 100
            if amount == 0:
                return
            self._step(market.supplyCollateral, borrower, amount, sender=borrower, expect=False if over else None)

        @rule(who=st.sampled_from(range(4)), pct=st.sampled_from([10, 50, 99, 100]), over=bad)
        def borrow(self, who, pct, over):
            borrower = w.borrowers[who]
            most = self.last[("maxBorrow", str(borrower))]
            amount = most + 1_000 * USD if over else most * pct // 100
            if amount == 0:
                return
            if self._step(market.borrow, amount, borrower, sender=borrower, expect=False if over else None):
                self._check_within_max_ltv(borrower)

        @rule(who=st.sampled_from(range(4)), payer=st.sampled_from(range(4)), pct=fraction,
              kind=st.sampled_from(["part", "part", "all", "over"]))  # fmt: skip
        def repay(self, who, payer, pct, kind):
            borrower, paying = w.borrowers[who], w.borrowers[payer]
            debt = self.last[("position", str(borrower))][2]
            if kind == "all":
                amount = MAX
                self.mint(paying, debt + debt // 100 + 1)  # interest accrues until the block
            elif kind == "over":
                amount = debt + 1_000 * USD
                self.mint(paying, amount)
            else:
                amount = debt * pct // 100
                if amount == 0:
                    return
                self.mint(paying, amount)
            self._step(market.repay, borrower, amount, sender=paying, expect=False if kind == "over" else None)

        @rule(who=st.sampled_from(range(4)), pct=fraction, over=bad)
        def withdraw_collateral(self, who, pct, over):
            borrower = w.borrowers[who]
            collateral = self.last[("position", str(borrower))][0]
            amount = collateral + 1 if over else collateral * pct // 100
            if amount == 0:
                return
            if self._step(market.withdrawCollateral, amount, borrower, sender=borrower, expect=False if over else None):
                self._check_within_max_ltv(borrower)

        @rule(who=st.sampled_from(range(4)))
        def sweep(self, who):
            borrower = _prefer(w.borrowers, lambda b: self.last[("position", str(b))][3] > 0, who)
            self._step(market.sweep, borrower, sender=w.keeper)

        @rule(who=st.sampled_from(range(4)))
        def claim_market_revenue(self, who):
            borrower = _prefer(w.borrowers, lambda b: self.last[("position", str(b))][4] > 0, who)
            self._step(market.claimRevenue, borrower, sender=borrower)

        @rule(
            who=st.sampled_from(range(4)),
            by=st.sampled_from(range(5)),
            pct=st.sampled_from([10, 50, 100]),
            crash_first=st.booleans(),
        )
        def liquidate(self, who, by, pct, crash_first):
            """A liquidation; with `crash_first`, the price first crashes when no position is liquidatable."""
            state = self.last
            if crash_first and not any(state[("position", str(b))][9] for b in w.borrowers):
                self.crash()
                state = self.read()
            borrower = _prefer(w.borrowers, lambda b: state[("position", str(b))][9], who)
            liquidator = [*w.investors, w.stranger][by]
            position = state[("position", str(borrower))]
            debt = position[2]
            self.mint(liquidator, debt + 1)
            if liquidator == w.stranger:
                self.send(usd.approve, market, MAX, sender=liquidator, expect=True)
            amount = MAX if pct == 100 else max(1, debt * pct // 100)
            healthy = not position[9] and position[8] < LIQUIDATION_LTV_BPS - 100  # a margin for a second's interest
            self._step(market.liquidate, borrower, amount, sender=liquidator, expect=False if healthy else None)

        # ------------------------------------------------------------ prices and time

        @rule(
            change_bps=st.sampled_from([-2_000, -2_000, -1_000, 0, 500, 2_000]),
            too_far=bad,
            kind=st.sampled_from(["appraisal", "appraisal", "crash", "revenue_leg"]),
        )
        def appraise(self, change_bps, too_far, kind):
            """A signed appraisal within (or, when `too_far`, beyond) the 20% bound; a crash (four drops of 20%, a
            minute apart: the larger loan ends under water); or the revenue leg's update."""
            if kind == "revenue_leg":
                self._step(nav.updateRevenuePrice, w.asset_a, sender=w.keeper)
                return
            if kind == "crash":
                self.crash()
                return
            previous = self.last["appraisal"][0]
            if too_far:
                change_bps = -2_500 if change_bps <= 0 else 2_500
            # rounded towards the previous price, so that a 20% move is exactly within the bound
            step = previous * abs(change_bps) // BPS
            price = previous - step if change_bps < 0 else previous + step
            self.now += 60
            appraisal = Appraisal(w.asset_a, price, self.now, self.last["appraisal"][2] + 1)
            signature = sign_digest(w.appraiser, appraisal_digest(appraisal, chain.chain_id, nav.address))
            self._step(nav.submitAppraisal, appraisal.as_tuple(), signature, sender=w.keeper, expect=not too_far)

        @rule(seconds=st.sampled_from([60, 1_800, 3_600, 3 * 3_600, 86_400, 3 * 86_400]), accrue=st.booleans())
        def time_jump(self, seconds, accrue):
            self.time_to(self.now + seconds)
            if accrue:
                self._step(vault.accrue, sender=w.keeper, expect=True)

        def crash(self) -> None:
            """Four signed appraisals, each 20% below the last, a minute apart."""
            price, nonce = self.last["appraisal"][0], self.last["appraisal"][2]
            for _ in range(4):
                price -= price * 2_000 // BPS
                nonce += 1
                self.now += 60
                appraisal = Appraisal(w.asset_a, price, self.now, nonce)
                signature = sign_digest(w.appraiser, appraisal_digest(appraisal, chain.chain_id, nav.address))
                FUZZ_STATS["steps"] += 1
                self.send(nav.submitAppraisal, appraisal.as_tuple(), signature, sender=w.keeper, expect=True)

        def time_to(self, timestamp: int) -> None:
            """Moves time by mining an empty block at `timestamp`: views then read the new time."""
            self.now = max(self.now, timestamp)
            chain.pending_timestamp = self.now
            chain.mine()
            self.now += 1
            self.dirty = True

        # ------------------------------------------------------------ step bookkeeping

        def _step(self, fn, *args, sender, expect=None):
            FUZZ_STATS["steps"] += 1
            rule_name = sys._getframe(1).f_code.co_name  # the rule that called
            RULES[rule_name] = RULES.get(rule_name, 0) + 1
            try:
                return self.send(fn, *args, sender=sender, expect=expect)
            except Refused:
                return None

        def _check_within_max_ltv(self, borrower) -> None:
            b = Batch(w.reader)
            b.add("p", market, "positionOf(address)", borrower,
                  out=(POSITION,))  # fmt: skip
            position = b.run()["p"]
            assert position[8] <= max_ltv_bps, f"borrow/withdraw left {borrower} at {position[8]} bps"

        # ------------------------------------------------------------ invariants

        @invariant()
        def books_balance(self):
            previous, state = self.last, self.read()
            self.dirty = False
            self.last = state
            check_conservation(self, state)
            check_escrow_solvency(state)
            check_revenue(self, previous, state)
            check_router_solvency(state)
            check_lending(state)
            check_market_solvency(state)
            check_compliance(previous, state)
            check_custody(self, state)
            check_oracle(self, previous, state)
            check_no_overlap(self, state)

    # ---------------------------------------------------------------- the invariants (SPEC.md numbers)

    def check_conservation(machine, state):
        """Stablecoin conservation: every unit minted in the example sits with a known account or contract."""
        total = sum(state[("usd", str(a))] for a in machine._usd_holders())
        assert total == machine.base_usd + machine.minted, "stablecoin left the known accounts or was created"
        assert state["usd_supply"] == machine.base_supply + machine.minted

    def check_escrow_solvency(state):
        """(7) The lease market's balance = escrowed + refundable + unrouted, exactly."""
        owed = state["lm_totalEscrowed"] + state["lm_totalRefundable"] + state["lm_totalUnrouted"]
        assert state[("usd", str(lease_market))] == owed, "lease market books do not match its balance"
        assert state["lm_totalUnrouted"] == sum(state[("unrouted", a)] for a in assets_ids)
        assert state["lm_totalRefundable"] == sum(state[("refundable", str(r))] for r in w.renters)

    def check_revenue(machine, previous, state):
        """(1, 2, 6) Revenue solvency and conservation of A's shares; their supply is fixed."""
        accounted = state["accounted"]
        assert state[("usd", str(shares))] >= accounted, "share token holds less than it owes"
        claimable = sum(state[("claimable", str(a))] for a in [*holders, market])
        assert claimable <= accounted, "holders may claim more than the token accounted"
        if state["pps"] != previous["pps"]:
            machine.pps_changes += 1
        # the dust: at most a unit per holder (rounding of each claimable) and per distribution
        assert accounted - claimable <= len(holders) + 1 + machine.pps_changes + 1
        assert state["sh_supply"] == machine.share_supply, "share supply changed"
        assert sum(state[("sh", str(a))] for a in [*holders, market]) == state["sh_supply"], "shares left known holders"

    def check_router_solvency(state):
        """(9) The router's balance = protocol fees + operator fees + owners' credits, exactly."""
        owed = state["r_protocol"] + sum(state[("opfees", a)] for a in assets_ids) + state[("owed", str(w.operator))]
        assert state[("usd", str(router))] == owed, "router books do not match its balance"

    def check_lending(state):
        """(13) The vault's identity, its cash, and the market's debt units."""
        assert state["v_idleCash"] + state["v_totalDebt"] == state["v_totalAssets"] + state["v_totalReserves"]
        assert state[("usd", str(vault))] >= state["v_idleCash"], "vault holds less than its idle cash"
        units = sum(state[("position", str(b))][1] for b in w.borrowers)
        assert units == state["v_units"], "positions' debt units differ from the vault's units for the market"
        assert state["v_totalSupply"] == sum(state[("v_balance", str(lender))] for lender in w.lenders)

    def check_market_solvency(state):
        """(14) The market's cash and what the shares owe it cover credits and pending revenue; its shares cover the
        collateral."""
        positions = [state[("position", str(b))] for b in w.borrowers]
        owed = state["m_totalCredit"] + sum(p[3] for p in positions)
        assert state[("usd", str(market))] + state[("claimable", str(market))] >= owed, "market revenue insolvent"
        collateral = sum(p[0] for p in positions)
        assert collateral == state["m_totalCollateral"]
        assert state[("sh", str(market))] >= collateral, "market holds fewer shares than the collateral"

    def check_compliance(previous, state):
        """(3) No address gains shares unless verified, unexpired and unfrozen, or a system holder."""
        for account in [*holders, market]:
            key = str(account)
            if state[("sh", key)] > previous[("sh", key)] and key not in system_holders:
                until, _, frozen, system = state[("record", key)]
                assert system or (not frozen and until >= state["now"]), f"{key} gained shares unverified"

    def check_custody(machine, state):
        """(4, 10) A's NFT sits in its share token; an ERC-4907 user only during that renter's lease."""
        assert _same(state[("owner", w.asset_a)], shares), "A's NFT left its share token"
        assert _same(state[("owner", w.asset_b)], w.operator)
        for asset_id in assets_ids:
            user = state[("user", asset_id)]
            if int(user, 16) == 0:
                continue
            now = state["now"]
            covering = [
                lease
                for lease_id, a in machine.leases
                if a == asset_id
                and _same((lease := state[("lease", lease_id)])[0], user)
                and genesis + lease[2] * EPOCH <= now < genesis + lease[4] * EPOCH
            ]
            assert covering, f"asset {asset_id} has user {user} outside any of its leases"
            assert state[("userExpires", asset_id)] <= genesis + covering[0][4] * EPOCH - 1

    def check_oracle(machine, previous, state):
        """(5) Accepted epochs never change; per asset, the latest accepted epoch only increases."""
        for key, value in state.items():
            if isinstance(key, tuple) and key[0] == "usage":
                assert value == machine.accepted[(key[1], key[2])], f"accepted report {key} changed"
        for asset_id in assets_ids:
            before, after = previous[("latest", asset_id)], state[("latest", asset_id)]
            assert after[0] >= before[0] and (not before[0] or after[1] >= before[1])

    def check_no_overlap(machine, state):
        """(10) Leases of one asset never overlap (cancelled ones excepted)."""
        for asset_id in assets_ids:
            spans = sorted(
                (lease[2], lease[4])
                for lease_id, a in machine.leases
                if a == asset_id
                and (lease := state[("lease", lease_id)])[10] != LeaseStatus.CANCELLED
                and lease[4] > lease[2]
            )
            for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                assert start >= end, f"asset {asset_id}: leases overlap"

    return ProtocolMachine


def _prefer(options, wanted, pick: int):
    """The `pick`-th (cyclically) of the options where `wanted` holds, or of all of them when it holds for none."""
    candidates = [option for option in options if wanted(option)] or list(options)
    return candidates[pick % len(candidates)]


def _same(a, b) -> bool:
    """Two addresses (strings, accounts or contracts) are the same."""
    a, b = (str(getattr(x, "address", x)).lower() for x in (a, b))
    return a == b


def _account(accounts, address):
    for account in accounts:
        if _same(account, address):
            return account
    raise LookupError(address)


REFUSALS: dict[str, int] = {}  # refusals by custom error name, for the summary
RULES: dict[str, int] = {}  # steps by rule
DONE: dict[str, int] = {}  # transactions that went through, by function name


def dry_run(fn, args, sender) -> str | None:
    """Calls `fn(*args)` from `sender` on the pending block; returns the revert's error name, or None if it passes."""
    from ape import chain, project
    from web3.exceptions import ContractLogicError

    call = {"from": str(sender.address), "to": str(fn.contract.address), "data": bytes(fn.encode_input(*args))}
    try:
        chain.provider.web3.eth.call(call, "pending")
    except ContractLogicError as error:
        data = error.data if isinstance(error.data, str) else ""
        return _error_names(project).get(data[:10], data[:10] or "revert")
    return None


_ERRORS: dict[str, str] = {}


def _error_names(project) -> dict[str, str]:
    """Custom error selector (0x-hex) -> name, over every contract of the project."""
    if not _ERRORS:
        for container in project.contracts.values():
            for abi in getattr(container, "contract_type", container).abi:
                if abi.type == "error":
                    _ERRORS["0x" + keccak(text=abi.selector).hex()[:8]] = abi.name
    return _ERRORS


def test_protocol_invariants_hold_under_random_sequences(world, chain):
    machine = make_machine(world, chain)
    run_state_machine_as_test(machine, settings=settings.get_profile(PROFILE))
    FUZZ_STATS["refusals"] = REFUSALS
    FUZZ_STATS["done"] = DONE
    FUZZ_STATS["rules"] = RULES


@pytest.mark.skipif(PROFILE != "ci", reason="the deep profile runs the machine alone")
def test_profile_is_bounded():
    profile = settings.get_profile("ci")
    assert profile.derandomize and profile.max_examples * profile.stateful_step_count <= 600
