"""Rounding games (1 wei of shares, 1 unit of stablecoin) on revenue claims and on the lending vault, and the
donation / inflation attack on the vault: rounding always favours the pool, a donation is not counted."""

import ape
import pytest
from conftest import USD, deploy_vault

# ---------------------------------------------------------------- revenue claims


def claimables(shares, holders) -> int:
    return sum(shares.claimableOf(holder) for holder in holders)


def test_claims__dust_holders_and_dust_revenue__never_more_than_distributed(
    fractionalized, distribute, investors, operator
):
    shares = fractionalized()
    holders = [operator, *investors[:3]]
    for investor in investors[:3]:
        shares.transfer(investor, 1, sender=operator)  # 1 wei of shares
    for amount in (1, 1, 3, 7):  # units of 1e-6 USD
        distribute(shares, amount)
    assert shares.accountedRevenue() == 12
    assert claimables(shares, holders) <= 12
    for investor in investors[:3]:
        assert shares.claimableOf(investor) == 0
        with ape.reverts(shares.AssetSharesNothingToClaim):
            shares.claim(sender=investor)


def test_claims__shuffling_shares_mints_no_revenue(fractionalized, distribute, investors, operator, token):
    shares = fractionalized()
    holders = [operator, *investors[:2]]
    distribute(shares, 1_000 * USD + 1)
    before = claimables(shares, holders)
    for step in range(6):
        sender, recipient = (operator, investors[step % 2]) if step % 3 else (investors[step % 2], operator)
        amount = min(shares.balanceOf(sender), 10**18 // 3 + step)
        if amount:
            shares.transfer(recipient, amount, sender=sender)
    assert claimables(shares, holders) == before
    distribute(shares, 999)
    paid = 0
    for holder in holders:
        if shares.claimableOf(holder):
            paid += shares.claim(sender=holder).return_value
    assert paid <= 1_000 * USD + 1 + 999
    assert token.balanceOf(shares) == shares.accountedRevenue() == 1_000 * USD + 1 + 999 - paid


# ---------------------------------------------------------------- lending vault


@pytest.fixture
def busy_vault(vault, collateral_market, token, lenders, stranger, mint, chain):
    """Deposits, a loan and a month of interest, so that a share is worth more than its deposit."""
    mint(lenders[0], 10_000 * USD, vault)
    vault.deposit(10_000 * USD, lenders[0], sender=lenders[0])
    collateral_market.borrow(5_000 * USD, stranger, sender=stranger)
    chain.pending_timestamp += 30 * 86_400
    vault.accrue(sender=stranger)
    return vault


def check_books(vault, token) -> None:
    cash, debt, reserves = vault.idleCash(), vault.totalDebt(), vault.totalReserves()
    assert cash + debt == vault.totalAssets() + reserves
    assert token.balanceOf(vault) >= cash
    assert vault.convertToAssets(vault.totalSupply()) <= vault.totalAssets()


@pytest.mark.parametrize("unit", [1, 3, 7])
def test_vault__tiny_deposit_and_exit_cycles_never_profit(busy_vault, token, lenders, mint, unit):
    vault, attacker = busy_vault, lenders[1]
    mint(attacker, 100, vault)
    token.approve(vault, 2**256 - 1, sender=attacker)
    for _ in range(4):
        vault.deposit(unit, attacker, sender=attacker)
        if vault.maxWithdraw(attacker):
            vault.withdraw(vault.maxWithdraw(attacker), attacker, attacker, sender=attacker)
    if vault.maxRedeem(attacker) and vault.previewRedeem(vault.maxRedeem(attacker)):
        vault.redeem(vault.maxRedeem(attacker), attacker, attacker, sender=attacker)
    held = vault.convertToAssets(vault.balanceOf(attacker))
    assert token.balanceOf(attacker) + held <= 100
    check_books(vault, token)


def test_vault__one_unit_withdrawal_burns_at_least_its_worth(busy_vault, token, lenders):
    vault, lender = busy_vault, lenders[0]
    shares = vault.previewWithdraw(1)
    assert shares >= 1 and vault.convertToAssets(shares) >= 1
    before = vault.balanceOf(lender)
    vault.withdraw(1, lender, lender, sender=lender)
    assert before - vault.balanceOf(lender) == shares
    with ape.reverts(vault.LendingVaultZeroAmount):
        vault.redeem(1, lender, lender, sender=lender)  # one share is worth less than a unit: refused, not paid
    check_books(vault, token)


def test_vault__donation_inflation_attack__fails(system, gov, token, lenders, mint):
    vault = deploy_vault(system, gov, token)
    attacker, victim = lenders
    mint(attacker, 10_001 * USD, vault)
    vault.deposit(1, attacker, sender=attacker)
    token.transfer(vault, 10_000 * USD, sender=attacker)  # the donation
    assert vault.totalAssets() == 1  # not counted: the vault keeps its own cash
    mint(victim, 1_000 * USD, vault)
    vault.deposit(1_000 * USD, victim, sender=victim)
    assert vault.balanceOf(victim) > 0
    assert vault.maxWithdraw(victim) >= 1_000 * USD - 1
    vault.redeem(vault.balanceOf(attacker), attacker, attacker, sender=attacker)
    # The attacker gets back its unit at most; the donation is lost to it.
    assert token.balanceOf(attacker) <= 10_001 * USD - 10_000 * USD
    vault.redeem(vault.balanceOf(victim), victim, victim, sender=victim)
    assert token.balanceOf(victim) >= 1_000 * USD - 1
