"""The world that the stateful fuzzing suite starts every example from, deployed once per session.

The core `system` (real RevenueRouter and LeaseMarket), short lease terms so that a few dozen steps reach
settlement, disputes and finalization, and:

- asset A: active, fractionalized (40% kept by the operator, 15% to each of the four verified investors), listed
  for rent, with a trailing revenue record, an appraisal of 2 USD per share and a collateral market;
- asset B: active, listed for rent, never fractionalized (its holders' part is credited to its owner in the router);
- a lending vault funded by two lenders, two investors borrowing against A's shares;
- a running lease of A and a booked one of B;
- a state reader (one `eth_call` reads the whole protocol's books).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cap.lending import RiskParams, lending_of, open_market, submit_appraisal
from cap.roles import Role

USD = 10**6
SHARE = 10**18
SUPPLY = 1_000_000 * SHARE
PRICE = 2 * USD  # the first appraisal, per whole share
PRICE_PER_HOUR = 10 * USD
LIQUIDITY = 300_000 * USD  # each lender's first deposit
DEBT_CEILING = 400_000 * USD
TRAILING_REVENUE = 100_000 * USD  # routed before the market opens: the revenue leg stays above the appraisal
EPOCH = 3_600

# Short terms: 2-hour SLA periods, 2 hours of attestation grace, a 3-hour dispute window, 2 days ahead at most.
TERMS = (2, 2 * EPOCH, 3 * EPOCH, 2 * 86_400, [(0, 0), (100, 1_000), (500, 2_500), (10_000, 10_000)])


@dataclass
class World:
    system: Any
    lending: Any
    market: Any  # the collateral market of A's shares
    shares: Any  # A's share token
    reader: Any
    asset_a: int
    asset_b: int
    gov: Any
    compliance_agent: Any
    operator: Any
    investors: list
    stranger: Any  # never verified at first
    lenders: list
    renters: list
    arbiter: Any
    keeper: Any
    appraiser: Any
    attesters: list
    quorum: int
    extra: dict = field(default_factory=dict)

    @property
    def holders(self) -> list:
        """Every non-system account that may hold A's shares."""
        return [self.operator, *self.investors, self.stranger, *self.renters]

    @property
    def borrowers(self) -> list:
        return list(self.investors)

    @property
    def protocol_contracts(self) -> list:
        s = self.system
        return [s.lease_market, s.router, self.shares, self.lending.vault, self.market]

    @property
    def accounts(self) -> list:
        """Every account that ever holds stablecoin in the suite (the treasury is `gov`)."""
        people = [self.gov, self.compliance_agent, self.operator, *self.investors, self.stranger]
        return [*people, *self.lenders, *self.renters, self.arbiter, self.keeper]


def build_world(
    project, chain, accounts, system, gov, compliance_agent, operator, investors, stranger, attesters, params,
    register_asset, activate, verify, fractionalize,
):  # fmt: skip
    usd = system.stablecoin
    arbiter, keeper = accounts[12], accounts[15]
    lenders, renters = [accounts[10], accounts[11]], [accounts[13], accounts[14]]
    system.manager.grantRole(Role.ARBITER, arbiter, 0, sender=gov)
    system.lease_market.setTerms(TERMS, sender=gov)

    asset_a, asset_b = register_asset(), register_asset()
    activate(asset_a)
    activate(asset_b)
    verify(*investors)
    shares = fractionalize(asset_a, SUPPLY)
    for investor in investors:
        shares.transfer(investor, SUPPLY * 15 // 100, sender=operator)

    start = system.oracle.epochStart(system.oracle.currentEpoch())
    offer = (PRICE_PER_HOUR, 1, 48, 9_900, 1_000, start, start + 365 * 86_400)
    for asset_id in (asset_a, asset_b):
        system.lease_market.setOffer(asset_id, offer, sender=operator)

    appraiser = accounts[16]  # only signs appraisals
    lending = lending_of(system)
    lending.nav.setAppraiser(appraiser, True, sender=gov)
    usd.mint(operator, TRAILING_REVENUE, sender=operator)
    usd.approve(system.router, 2**256 - 1, sender=operator)
    system.router.deposit(asset_a, TRAILING_REVENUE, 1, sender=operator)
    submit_appraisal(lending.nav, appraiser, asset_a, PRICE, keeper)
    market = open_market(system, lending, asset_a, gov, RiskParams(), DEBT_CEILING)
    for lender in lenders:
        usd.mint(lender, LIQUIDITY, sender=lender)
        usd.approve(lending.vault, 2**256 - 1, sender=lender)
        lending.vault.deposit(LIQUIDITY, lender, sender=lender)
    # Standing approvals: payers approve what they pay to (amounts are minted per step).
    for investor in investors:
        shares.approve(market, 2**256 - 1, sender=investor)
        usd.approve(market, 2**256 - 1, sender=investor)
    for renter in renters:
        usd.approve(system.lease_market, 2**256 - 1, sender=renter)
    usd.approve(shares, 2**256 - 1, sender=keeper)

    # Something to work on from the first step: two open loans (20% and 47.5% LTV), a running lease of A, a booked
    # one of B.
    for investor, borrowed in zip(investors[:2], (40_000 * USD, 95_000 * USD), strict=True):
        market.supplyCollateral(investor, 100_000 * SHARE, sender=investor)
        market.borrow(borrowed, investor, sender=investor)
    for renter, asset_id, epochs_ahead, hours in ((renters[0], asset_a, 0, 6), (renters[1], asset_b, 1, 4)):
        usd.mint(renter, PRICE_PER_HOUR * hours, sender=renter)
        start = system.oracle.epochStart(system.oracle.currentEpoch() + epochs_ahead)
        system.lease_market.rent(asset_id, start, hours, PRICE_PER_HOUR * hours, sender=renter)

    reader = project.MockStateReader.deploy(sender=gov)
    return World(
        system=system,
        lending=lending,
        market=market,
        shares=shares,
        reader=reader,
        asset_a=asset_a,
        asset_b=asset_b,
        gov=gov,
        compliance_agent=compliance_agent,
        operator=operator,
        investors=list(investors),
        stranger=stranger,
        lenders=lenders,
        renters=renters,
        arbiter=arbiter,
        keeper=keeper,
        appraiser=appraiser,
        attesters=list(attesters),
        quorum=params.quorum,
    )


# steps tried, for the closing summary (tests/fuzz/conftest.py prints it)
FUZZ_STATS: dict = {"examples": 0, "steps": 0, "reverted": 0}
