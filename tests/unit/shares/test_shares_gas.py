"""Gas budgets (total transaction gas, deterministic on anvil), measured against a plain OpenZeppelin ERC20."""

import pytest

pytestmark = pytest.mark.gas

SUPPLY = 1_000_000 * 10**18
USD = 10**6


@pytest.fixture(scope="module")
def baseline(project, gov, investors):
    """A plain OpenZeppelin ERC20, measured in the same run: transfer to an existing and to a new holder."""
    token = project.BaselineERC20.deploy(SUPPLY, sender=gov)
    token.transfer(investors[0], 10**18, sender=gov)
    existing = token.transfer(investors[0], 10**18, sender=gov).gas_used
    new = token.transfer(investors[1], 10**18, sender=gov).gas_used
    return {"existing": existing, "new": new}


@pytest.fixture(scope="module")
def earning_shares(shares, operator, investors, stablecoin, gov):
    """Shares with revenue already distributed, so transfers carry non-zero corrections."""
    shares.transfer(investors[0], 10**18, sender=operator)
    stablecoin.mint(gov, 1_000 * USD, sender=gov)
    stablecoin.approve(shares, 1_000 * USD, sender=gov)
    shares.distribute(1_000 * USD, sender=gov)
    return shares


def test_gas__share_transfer_to_existing_holder(earning_shares, operator, investors, baseline, gas_report):
    gas = earning_shares.transfer(investors[0], 10**18, sender=operator).gas_used
    budget = int(baseline["existing"] * 1.3)
    gas_report("share transfer, existing holder", gas, budget, f"OZ ERC20 {baseline['existing']:,}")
    gas_report("  baseline: OpenZeppelin ERC20 transfer, existing holder", baseline["existing"])
    assert gas <= budget


def test_gas__share_transfer_to_new_holder(earning_shares, operator, investors, baseline, gas_report):
    gas = earning_shares.transfer(investors[1], 10**18, sender=operator).gas_used
    budget = int(baseline["new"] * 1.3)
    gas_report("share transfer, new holder", gas, budget, f"OZ ERC20 {baseline['new']:,}")
    gas_report("  baseline: OpenZeppelin ERC20 transfer, new holder", baseline["new"])
    assert gas <= budget


def test_gas__fractionalize(assets, factory, operator, register_asset, activate, verify, gas_report):
    asset_id = register_asset()
    activate(asset_id)
    verify(operator)
    assets.approve(factory, asset_id, sender=operator)
    gas = factory.fractionalize(asset_id, operator, SUPPLY, sender=operator).gas_used
    gas_report("create shares (factory.fractionalize)", gas, 450_000)
    assert gas <= 450_000


def test_gas__claim(earning_shares, investors, stablecoin, gas_report):
    """The issue's budget is for a holder who already holds the stablecoin; a first claim also creates that balance."""
    first = earning_shares.claim(sender=investors[0]).gas_used
    gas_report("claim revenue, holder without stablecoin yet", first)
    stablecoin.mint(earning_shares, 1_000 * USD, sender=investors[0])
    earning_shares.notifyRevenue(sender=investors[0])
    gas = earning_shares.claim(sender=investors[0]).gas_used
    gas_report("claim revenue, holder already holding stablecoin", gas, 65_000)
    assert gas <= 65_000
