"""ERC-4626 conformance of the LendingVault: rounding directions, preview == action, honest max*, zero amounts."""

import ape
import pytest
from conftest import USD
from lending_model import SHARE_OFFSET, div_up


def shares_of(vault, account):
    return vault.balanceOf(account)


def test_metadata(vault, usd):
    assert vault.asset() == usd.address
    assert vault.decimals() == 12  # 6 + the 6-decimal offset
    assert vault.name() == "CAP Lending USD"
    assert vault.symbol() == "capUSD"


def test_deposit__first_depositor__mints_with_offset(vault, usd, lender, fund, check_books):
    fund(lender)
    tx = vault.deposit(1_000 * USD, lender, sender=lender)
    assert tx.return_value == 1_000 * USD * SHARE_OFFSET
    assert vault.balanceOf(lender) == 1_000 * USD * SHARE_OFFSET
    assert vault.idleCash() == vault.totalAssets() == usd.balanceOf(vault) == 1_000 * USD
    [event] = tx.events.filter(vault.Deposit)
    assert (event.sender, event.owner, event.assets, event.shares) == (lender, lender, 1_000 * USD, 10**15)
    check_books()


@pytest.fixture
def odd_price(vault, lent_out, warp, market, borrower):
    """Interest has made the share price a non-round number: every conversion rounds."""
    lent_out()
    warp(37 * 86_400 + 11)
    market.repay(borrower, 123_456_789, sender=borrower)  # accrues and moves cash
    assert vault.totalAssets() % 7 != 0


def test_deposit__rounds_shares_down(vault, lender2, fund, odd_price, check_books):
    fund(lender2)
    assets = 333_333_333
    supply, total = vault.totalSupply(), vault.totalAssets()
    expected = assets * (supply + SHARE_OFFSET) // (total + 1)
    assert expected * (total + 1) != assets * (supply + SHARE_OFFSET)  # it does round
    assert vault.previewDeposit(assets) == expected
    tx = vault.deposit(assets, lender2, sender=lender2)
    assert tx.return_value == expected == vault.balanceOf(lender2)
    check_books()


def test_mint__rounds_assets_up(vault, usd, lender2, fund, odd_price, check_books):
    fund(lender2)
    shares = 777_777_777_777_777
    supply, total = vault.totalSupply(), vault.totalAssets()
    expected = div_up(shares * (total + 1), supply + SHARE_OFFSET)
    assert vault.previewMint(shares) == expected
    before = usd.balanceOf(lender2)
    tx = vault.mint(shares, lender2, sender=lender2)
    assert tx.return_value == expected == before - usd.balanceOf(lender2)
    assert vault.balanceOf(lender2) == shares
    check_books()


def test_withdraw__rounds_shares_up(vault, usd, lender, odd_price, check_books):
    assets = 111_111_111
    supply, total = vault.totalSupply(), vault.totalAssets()
    expected = div_up(assets * (supply + SHARE_OFFSET), total + 1)
    assert vault.previewWithdraw(assets) == expected
    shares_before, usd_before = vault.balanceOf(lender), usd.balanceOf(lender)
    tx = vault.withdraw(assets, lender, lender, sender=lender)
    assert tx.return_value == expected == shares_before - vault.balanceOf(lender)
    assert usd.balanceOf(lender) - usd_before == assets
    check_books()


def test_redeem__rounds_assets_down(vault, usd, lender, odd_price, check_books):
    shares = 99_999_999_999_999
    supply, total = vault.totalSupply(), vault.totalAssets()
    expected = shares * (total + 1) // (supply + SHARE_OFFSET)
    assert vault.previewRedeem(shares) == expected
    before = usd.balanceOf(lender)
    tx = vault.redeem(shares, lender, lender, sender=lender)
    assert tx.return_value == expected == usd.balanceOf(lender) - before
    check_books()


def test_previews__accrue_interest__equal_the_actions(vault, lender, lender2, fund, lent_out, warp):
    """After time passes, each preview (a view that accrues without writing) equals what the action then does."""
    lent_out()
    fund(lender2)
    stored_total = vault.totalAssets()
    for action, preview, amount in (
        ("deposit", "previewDeposit", 500 * USD + 1),
        ("mint", "previewMint", 10**14 + 3),
        ("withdraw", "previewWithdraw", 50 * USD + 7),
        ("redeem", "previewRedeem", 10**13 + 5),
    ):
        warp(3 * 86_400 + 1)
        assert vault.totalAssets() > stored_total  # the view saw interest
        expected = getattr(vault, preview)(amount)
        args = (amount, lender2) if action in ("deposit", "mint") else (amount, lender2, lender2)
        tx = getattr(vault, action)(*args, sender=lender2)
        assert tx.return_value == expected, action
        stored_total = vault.totalAssets()


def test_convert__matches_previews_without_limits(vault, lent_out, warp):
    lent_out()
    warp(86_400)
    assert vault.convertToShares(10 * USD) == vault.previewDeposit(10 * USD)
    assert vault.convertToAssets(10**13) == vault.previewRedeem(10**13)


# ---------------------------------------------------------------- liquidity lent out


def test_max_withdraw__capped_by_idle_cash(vault, lender, lent_out):
    lent_out(deposit=1_000 * USD, borrowed=700 * USD)
    assert vault.convertToAssets(vault.balanceOf(lender)) == 1_000 * USD
    assert vault.maxWithdraw(lender) == 300 * USD
    assert vault.maxRedeem(lender) == vault.convertToShares(300 * USD)
    assert vault.maxRedeem(lender) < vault.balanceOf(lender)


def test_withdraw__beyond_idle_cash__reverts(vault, lender, lent_out):
    lent_out()
    with ape.reverts(vault.ERC4626ExceededMaxWithdraw, owner=lender, assets=300 * USD + 1, max=300 * USD):
        vault.withdraw(300 * USD + 1, lender, lender, sender=lender)
    max_shares = vault.maxRedeem(lender)
    with ape.reverts(vault.ERC4626ExceededMaxRedeem, owner=lender, shares=max_shares + 1, max=max_shares):
        vault.redeem(max_shares + 1, lender, lender, sender=lender)


def test_lenders_withdraw__partially_while_lent_out__then_fully_after_repayment(
    vault, usd, market, lender, borrower, lent_out, warp, check_books
):
    lent_out(deposit=1_000 * USD, borrowed=700 * USD)
    before = usd.balanceOf(lender)
    vault.withdraw(vault.maxWithdraw(lender), lender, lender, sender=lender)
    assert usd.balanceOf(lender) - before == 300 * USD
    assert vault.idleCash() == 0
    assert vault.maxWithdraw(lender) == vault.maxRedeem(lender) == 0
    check_books()

    warp(30 * 86_400)
    market.repayAll(borrower, sender=borrower)
    assert vault.totalDebt() == vault.debtOf(market) == 0
    owed = vault.convertToAssets(vault.balanceOf(lender))
    assert owed > 700 * USD  # principal plus 90% of the interest
    assert vault.maxWithdraw(lender) == owed
    assert vault.maxRedeem(lender) == vault.balanceOf(lender)
    tx = vault.redeem(vault.balanceOf(lender), lender, lender, sender=lender)
    assert tx.return_value == owed
    assert vault.totalSupply() == 0
    # What is left is the reserves plus rounding dust, which favoured the vault.
    assert vault.idleCash() >= vault.totalReserves()
    check_books()


def test_max_redeem__capped__redeems_without_revert(vault, lender, lent_out, warp):
    lent_out(deposit=1_000 * USD, borrowed=999 * USD)
    warp(5 * 86_400 + 3)
    shares = vault.maxRedeem(lender)
    assets = vault.previewRedeem(shares)
    assert 0 < assets <= vault.idleCash()
    vault.redeem(shares, lender, lender, sender=lender)
    assert vault.maxWithdraw(lender) <= vault.idleCash()
    assert vault.maxWithdraw(lender) > 0 or vault.idleCash() == 0


def test_withdraw__by_approved_spender(vault, usd, lender, stranger, lent_out):
    lent_out(borrowed=0)
    shares = vault.previewWithdraw(10 * USD)
    vault.approve(stranger, shares, sender=lender)
    vault.withdraw(10 * USD, stranger, lender, sender=stranger)
    assert usd.balanceOf(stranger) == 10 * USD
    assert vault.allowance(lender, stranger) == 0


# ---------------------------------------------------------------- zero and rounding-to-zero


def test_zero_amounts__revert(vault, lender, lent_out):
    lent_out(borrowed=0)
    state = (vault.totalSupply(), vault.idleCash(), vault.balanceOf(lender))
    for call in (
        lambda: vault.deposit(0, lender, sender=lender),
        lambda: vault.mint(0, lender, sender=lender),
        lambda: vault.withdraw(0, lender, lender, sender=lender),
        lambda: vault.redeem(0, lender, lender, sender=lender),
    ):
        with ape.reverts(vault.LendingVaultZeroAmount):
            call()
    assert (vault.totalSupply(), vault.idleCash(), vault.balanceOf(lender)) == state


def test_redeem__rounding_to_zero_assets__reverts(vault, lender, lent_out):
    lent_out(borrowed=0)
    assert vault.previewRedeem(1) == 0  # one share is a millionth of a unit
    with ape.reverts(vault.LendingVaultZeroAmount):
        vault.redeem(1, lender, lender, sender=lender)


def test_deposit__fee_on_transfer_token__reverts(project, create_vault, gov, lender):
    token = project.FeeOnTransferToken.deploy(sender=gov)
    fee_vault = create_vault(token)
    token.mint(lender, 1_000 * USD, sender=lender)
    token.approve(fee_vault, 2**256 - 1, sender=lender)
    with ape.reverts(fee_vault.LendingVaultTransferShortfall, expected=100 * USD, received=99 * USD):
        fee_vault.deposit(100 * USD, lender, sender=lender)
