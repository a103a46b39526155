"""First-depositor inflation/donation attack: the attacker deposits 1 unit, donates a fortune, the victim deposits.

Against the LendingVault the donation changes nothing (cash is counted in storage) and the 10**6 virtual shares make
the rounding worthless; against a plain OpenZeppelin ERC4626 (no offset, balance-based) the same attack takes about
half the victim's deposit: the second test shows the attack is real.
"""

from conftest import USD

DONATION = 1_000_000 * USD
VICTIM_DEPOSIT = 1_000 * USD


def test_inflation_attack__fails(vault, usd, attacker, lender, fund, check_books):
    fund(attacker, amount=DONATION + 1)
    fund(lender, amount=VICTIM_DEPOSIT)
    vault.deposit(1, attacker, sender=attacker)
    usd.transfer(vault, DONATION, sender=attacker)  # the donation
    assert vault.totalAssets() == vault.idleCash() == 1  # not counted

    vault.deposit(VICTIM_DEPOSIT, lender, sender=lender)
    victim_claim = vault.previewRedeem(vault.balanceOf(lender))
    assert VICTIM_DEPOSIT - victim_claim <= 1  # at most one unit of rounding
    attacker_claim = vault.previewRedeem(vault.balanceOf(attacker))
    assert attacker_claim <= 1  # the attacker's 1 unit, no more; the donation is lost to them
    vault.redeem(vault.balanceOf(lender), lender, lender, sender=lender)
    assert usd.balanceOf(lender) >= VICTIM_DEPOSIT - 1
    check_books()


def test_inflation_attack__works_on_a_plain_vault(project, gov, usd, attacker, lender, fund):
    plain = project.BaselineERC4626.deploy(usd, sender=gov)
    fund(attacker, amount=DONATION + 1)
    fund(lender, amount=VICTIM_DEPOSIT)
    usd.approve(plain, 2**256 - 1, sender=attacker)
    usd.approve(plain, 2**256 - 1, sender=lender)
    plain.deposit(1, attacker, sender=attacker)
    usd.transfer(plain, DONATION, sender=attacker)
    plain.deposit(VICTIM_DEPOSIT, lender, sender=lender)
    victim_claim = plain.previewRedeem(plain.balanceOf(lender))
    assert victim_claim < VICTIM_DEPOSIT // 2  # the victim lost more than half


def test_donation__does_not_move_the_share_price(vault, usd, lender, lender2, fund, lent_out, warp):
    lent_out()
    warp(86_400)
    price = vault.convertToAssets(10**18)
    fund(lender2)
    usd.transfer(vault, 500 * USD, sender=lender2)
    assert vault.convertToAssets(10**18) == price
    assert usd.balanceOf(vault) == vault.idleCash() + 500 * USD
