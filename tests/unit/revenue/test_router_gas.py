"""Gas of routing revenue and claiming it, with 1, 100 and 1,000 holders (total transaction gas, `receipt.gas_used`,
deterministic on anvil; printed in the session's gas table).

Three fractionalized assets are built once for the module, with 1, 100 and 1,000 share holders. What is measured
is the steady state, not first-touch storage writes: each asset has received rent from the rent source (the stand-in
lease market, which keeps escrow after each deposit) on an earlier day and earlier the same UTC day, so its route is
cached, its record has a history and its day's checkpoint exists; its holder `investors[0]` has claimed once and holds
some stablecoin, and each share token keeps some unclaimed revenue. The sole holder's token has a supply of 10^24 + 1
so that each distribution leaves a unit of rounding dust: with a round supply its claims empty the token exactly, and
then the next deposit pays 17,100 more to re-create the token's balance slot, which the next claim gets back as a
refund (4,800 cheaper than with other holders: not a cost of the number of holders).

The first deposit of a day moves the previous day's checkpoint to the history (a new slot, ~30,000 more): recorded,
not held to the steady-state budget.
"""

import pytest
from eth_utils import keccak, to_checksum_address

pytestmark = pytest.mark.gas

USD = 10**6
MINUTE = 60
HOUR = 3_600
DAY = 86_400
RENT, INFERENCE = 0, 1
POPULATIONS = (1, 100, 1_000)
VERIFY_BATCH = 100
SPREAD = 0.01  # the same within 1% whatever the number of holders
ROUTE_BUDGET = 98_000  # regression budget, steady state, with the MockStablecoin (see test_gas__route__issue_budget)
ISSUE_ROUTE_BUDGET = 90_000  # issue #3: routing revenue into an asset's shares
CLAIM_BUDGET = 65_000  # issue #3: claim by a holder who already holds the stablecoin
FIRST_PAYOUT_BUDGET = 75_000  # a withdrawal that creates the payee's stablecoin balance
REPEAT_PAYOUT_BUDGET = 58_000
AMOUNT = 1_000 * USD + 3
SOLE_HOLDER_SUPPLY = 1_000_000 * 10**18 + 1


def holder_addresses(count: int) -> list[str]:
    """Addresses without keys: they only hold shares."""
    return [to_checksum_address(keccak(text=f"revenue-gas-holder-{i}")[:20]) for i in range(count)]


def send_transfers(chain, shares, sender, recipients, amount: int) -> None:
    """One share transfer per recipient, sent straight to the node (an Ape transaction each would take minutes)."""
    web3 = chain.provider.web3
    last = None
    for recipient in recipients:
        data = shares.transfer.encode_input(recipient, amount)
        last = web3.eth.send_transaction({"from": sender.address, "to": shares.address, "data": data, "gas": 150_000})
    if last is not None:
        assert web3.eth.wait_for_transaction_receipt(last, timeout=60).status == 1


def next_day_start(chain) -> int:
    return (chain.pending_timestamp // DAY + 1) * DAY


@pytest.fixture(scope="module")
def populations(
    chain,
    register_asset,
    activate,
    fractionalize,
    compliance,
    compliance_agent,
    operator,
    investors,
    lease_market,
    route,
    stablecoin,
):
    """{holders: shares}: one fractionalized asset per population size, revenue routed twice early in one UTC day,
    `investors[0]` claimed."""
    extra = holder_addresses(max(POPULATIONS) - 2)
    until = chain.pending_timestamp + 365 * DAY
    for start in range(0, len(extra), VERIFY_BATCH):
        batch = extra[start : start + VERIFY_BATCH]
        compliance.verifyInvestors(batch, [until] * len(batch), [840] * len(batch), sender=compliance_agent)
    stablecoin.mint(investors[0], 10 * USD, sender=investors[0])
    stablecoin.mint(lease_market, 10 * USD, sender=lease_market)  # escrow left after each deposit

    result = {}
    for holders in POPULATIONS:
        asset_id = register_asset()
        activate(asset_id)
        if holders == 1:
            shares = fractionalize(asset_id, supply=SOLE_HOLDER_SUPPLY)
            shares.transfer(investors[0], shares.totalSupply(), sender=operator)
        else:  # investors[0], holders - 2 others, and the operator with the rest
            shares = fractionalize(asset_id)
            shares.transfer(investors[0], 10**18, sender=operator)
            send_transfers(chain, shares, operator, extra[: holders - 2], 10**18)
        result[holders] = shares
    # Every test of the module starts early in a UTC day, each asset's record with a checkpoint for the day before
    # (the history) and one for this day.
    for deposits_per_asset in (1, 2):  # the first day caches the route and opens the record
        chain.pending_timestamp = next_day_start(chain) + HOUR
        for shares in result.values():
            for _ in range(deposits_per_asset):
                route(shares.assetId(), AMOUNT)
    for shares in result.values():
        shares.claim(sender=investors[0])
        assert stablecoin.balanceOf(shares) > 0
    return result


@pytest.fixture(scope="module", autouse=True)
def _populations_first(populations):
    """Built before the module's first test, so that each test's snapshot holds them."""


def assert_flat(figures: dict[int, int]) -> None:
    low, high = min(figures.values()), max(figures.values())
    assert high <= low * (1 + SPREAD), f"gas varies with holders: {figures}"


def test_gas__populations_hold_what_they_say(populations, operator, investors, router):
    """One share to each holder but the operator, who keeps the rest; the extra holders are distinct addresses; the
    route of each asset is cached on its token."""
    extra = holder_addresses(max(POPULATIONS) - 1)  # one more than were given shares
    for holders, shares in populations.items():
        assert router.routeOf(shares.assetId()) == shares.address
        supply = shares.totalSupply()
        if holders == 1:
            assert shares.balanceOf(investors[0]) == supply
            continue
        assert shares.balanceOf(investors[0]) == 10**18
        assert shares.balanceOf(operator) == supply - (holders - 1) * 10**18
        assert shares.balanceOf(extra[holders - 3]) == 10**18 and shares.balanceOf(extra[holders - 2]) == 0


def route_steady(chain, route, router, shares, source: int = RENT) -> int:
    """A later deposit the same UTC day as the asset's previous one: updates the day's checkpoint in place."""
    asset_id = shares.assetId()
    checkpoints = router.checkpointCount(asset_id, source)
    at = chain.pending_timestamp + MINUTE
    gas = route(asset_id, AMOUNT, source, at=at).gas_used
    assert router.checkpointCount(asset_id, source) == checkpoints, "not the same day: a checkpoint was appended"
    return gas


def test_gas__route_into_shares__flat_in_holders_and_within_budget(chain, populations, route, router, gas_report):
    """Rent routed into an asset's shares, steady state: the asset, source, treasury fees, operator fees and shares
    have all received revenue earlier the same day."""
    figures = {holders: route_steady(chain, route, router, shares) for holders, shares in populations.items()}
    for holders, gas in figures.items():
        gas_report(f"route rent into shares, {holders:,} holders (steady)", gas, ROUTE_BUDGET)
    assert_flat(figures)
    assert max(figures.values()) <= ROUTE_BUDGET


@pytest.mark.xfail(strict=True, reason="issue #3's 90,000 is below what the deposit's calls cost with this token")
def test_gas__route__issue_budget(chain, populations, route, router):
    """Issue #3 asks <= 90,000. Measured 97,291 with MockStablecoin. Where it goes (trace of the steady deposit):
    intrinsic 21,500; the calls 55,450: the pull 27,500 (the token's cold account included), the push 10,570,
    notifyRevenue 9,710 and the live-shares check 7,660 (the clone's and its implementation's cold accounts and the
    supply slot, which notifyRevenue would otherwise pay: 934 net); the router's own work 25,140: four cold slots
    (rent source, fees, route, day checkpoint) 8,500, three updates 8,700, the event 2,900, the rest 5,040; less the
    4,800 refund of the depositor's allowance. MockStablecoin's pause and blacklist hooks read four cold slots per
    deposit: with a plain ERC-20 the same deposit costs 88,207 (test_gas__route__plain_erc20_for_comparison). Kept as
    a strict xfail so that meeting it is noticed."""
    assert route_steady(chain, route, router, populations[1]) <= ISSUE_ROUTE_BUDGET


def test_gas__route_first_of_day__flat_in_holders(chain, populations, route, router, gas_report):
    """For the record (not held to the 90,000 budget): the first deposit of a UTC day moves the previous day's
    checkpoint to the history (a new slot) and opens the day's."""
    tomorrow = next_day_start(chain) + HOUR
    figures = {}
    for holders, shares in populations.items():
        checkpoints = router.checkpointCount(shares.assetId(), RENT)
        figures[holders] = route(shares.assetId(), AMOUNT, at=tomorrow).gas_used
        assert router.checkpointCount(shares.assetId(), RENT) == checkpoints + 1
        tomorrow += MINUTE
    for holders, gas in figures.items():
        gas_report(
            f"route rent into shares, {holders:,} holders (first of day)", gas, note="day before to history: new slot"
        )
    assert_flat(figures)


def test_gas__route__other_paths(chain, populations, route, router, register_asset, gas_report):
    """For the record: an operator's deposit (its operator looked up), the first deposit of a source, the first
    deposit ever for a fractionalized asset (route cached), and an asset without shares (owner credited)."""
    shares = populations[100]
    asset_id = shares.assetId()
    first = route(asset_id, AMOUNT, INFERENCE).gas_used  # Inference: never deposited for this asset
    gas_report("route into shares, first deposit of a source", first, note="opens its record: a new slot")
    steady = route_steady(chain, route, router, shares, INFERENCE)
    gas_report("route operator's inference into shares (steady)", steady, note="operatorOf read")
    plain = register_asset()
    owner = route(plain, AMOUNT).gas_used
    gas_report("route to an asset without shares (first)", owner, note="owner credited, new record")
    steady_owner = route(plain, AMOUNT, at=chain.pending_timestamp + MINUTE).gas_used
    gas_report("route to an asset without shares (steady)", steady_owner, note="factory read, owner credited")


def test_gas__route__first_deposit_of_a_fractionalized_asset(
    route, router, register_asset, activate, fractionalize, gas_report
):
    asset_id = register_asset()
    activate(asset_id)
    shares = fractionalize(asset_id)
    gas = route(asset_id, AMOUNT).gas_used
    assert router.routeOf(asset_id) == shares.address
    gas_report("route into shares, asset's first deposit", gas, note="route cached, new record")


def test_gas__claim__flat_in_holders(chain, populations, route, router, investors, gas_report):
    """A holder who has claimed before and already holds the stablecoin claims the revenue of one more deposit."""
    figures = {}
    for holders, shares in populations.items():
        route_steady(chain, route, router, shares)
        figures[holders] = shares.claim(sender=investors[0]).gas_used
    for holders, gas in figures.items():
        gas_report(f"claim (holder holds stablecoin), {holders:,} holders", gas, CLAIM_BUDGET)
    assert_flat(figures)
    assert max(figures.values()) <= CLAIM_BUDGET


def test_gas__withdraw_fees(chain, populations, route, router, stranger, gas_report):
    """The first payout to the treasury and to the operator creates their stablecoin balance slots; later ones update
    them. Neither frees a slot (the protocol fees owed share one with the fee rates, an asset's operator fees one with
    its route), so there is no refund."""
    shares = populations[1]
    figures = []
    for _ in range(2):
        route_steady(chain, route, router, shares)
        figures.append(
            (
                router.withdrawProtocolFees(sender=stranger).gas_used,
                router.withdrawOperatorFees(shares.assetId(), sender=stranger).gas_used,
            )
        )
    (protocol_first, operator_first), (protocol_repeat, operator_repeat) = figures
    gas_report("withdraw protocol fees (first payout)", protocol_first, FIRST_PAYOUT_BUDGET)
    gas_report("withdraw protocol fees (repeat)", protocol_repeat, REPEAT_PAYOUT_BUDGET)
    gas_report("withdraw operator fees of an asset (first payout)", operator_first, FIRST_PAYOUT_BUDGET)
    gas_report("withdraw operator fees of an asset (repeat)", operator_repeat, REPEAT_PAYOUT_BUDGET)
    assert max(protocol_first, operator_first) <= FIRST_PAYOUT_BUDGET
    assert max(protocol_repeat, operator_repeat) <= REPEAT_PAYOUT_BUDGET


def test_gas__route__plain_erc20_for_comparison(chain, project, gov, lease_market, build_system, gas_report):
    """The same steady deposit on a system whose stablecoin is a plain OpenZeppelin ERC-20, without MockStablecoin's
    pause and blacklist hooks (four cold slots per deposit): the router's own path within the issue's 90,000."""
    token = project.BaselineERC20.deploy(10**30, sender=gov)
    _, plain_router, asset_id, shares = build_system(token)
    token.transfer(lease_market, 10 * USD, sender=gov)  # escrow left after each deposit

    def deposit() -> int:
        token.transfer(lease_market, AMOUNT, sender=gov)
        token.approve(plain_router, AMOUNT, sender=lease_market)
        return plain_router.deposit(asset_id, AMOUNT, RENT, sender=lease_market).gas_used

    deposit()
    chain.pending_timestamp = next_day_start(chain) + HOUR
    deposit()
    checkpoints = plain_router.checkpointCount(asset_id, RENT)
    gas = deposit()
    assert plain_router.checkpointCount(asset_id, RENT) == checkpoints == 2
    gas_report("route rent into shares, plain ERC-20 stablecoin (steady)", gas, ISSUE_ROUTE_BUDGET, "comparison")
    assert gas <= ISSUE_ROUTE_BUDGET
