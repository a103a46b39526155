// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

import {IInterestRateModel} from "./IInterestRateModel.sol";

/// @title ILendingVault — the lenders' pool that collateral markets borrow from
/// @notice Lenders deposit the stablecoin and receive vault shares (ERC-4626). Collateral markets registered by
/// governance (one per share token) borrow the vault's idle cash for their borrowers and repay it with interest.
/// All markets share one liquidity pool and one borrow rate.
///
/// Lender side (ERC-4626, in full). `totalAssets = idleCash + totalDebt - totalReserves`, every term accrued to the
/// current second in views as in actions, so each `preview*` equals what the action does in the same block. Rounding
/// per the standard, always for the vault: `deposit`/`redeem` round shares/assets down, `mint`/`withdraw` round
/// assets/shares up. Inflation/donation attack: shares carry 6 more decimals than the stablecoin (a virtual offset of
/// 10**6 shares and 1 asset, OpenZeppelin's scheme) AND the vault counts its cash in storage, never `balanceOf`, so
/// tokens sent to it directly change nothing (they stay in the contract, unaccounted). `maxWithdraw`/`maxRedeem` are
/// the owner's claim capped by the vault's idle cash: liquidity lent out cannot be withdrawn until it is repaid.
/// A deposit or redemption that would round to zero reverts instead of taking the caller's tokens or shares.
///
/// Debt accounting (for markets). One borrow index, WAD-scaled, starting at 1e18; markets owe "debt units", and a
/// market's debt is `debtUnits * borrowIndex / 1e18`, rounded up. Per position accounting is the market's business:
/// the units `borrow` returns and `repay` burns are what it adds to and subtracts from the position, so a position
/// owing `u` units owes `u * borrowIndex / 1e18` rounded up, and the vault only knows each market's sum.
///   borrow(assets):  units minted = assets * 1e18 / index, rounded UP   (against the borrower)
///   repay(assets):   units burned = assets * 1e18 / index, rounded DOWN (against the borrower)
/// Repaying exactly the rounded-up debt of `u` units burns exactly `u` units, so a market closes a position by
/// repaying `u * borrowIndex() / 1e18` rounded up (read `borrowIndex()` in the same transaction).
///
/// Interest. Every state-changing call first accrues: `rate = RATE_MODEL.borrowRatePerSecond(idleCash, totalDebt)`
/// with the state before the accrual, then
///   index'      = index + index * rate * elapsed / 1e18                   (rounded up)
///   interest    = totalDebt(index') - totalDebt(index)                    (totalDebt rounded up)
///   to reserves = interest * reserveFactorBps / 10_000                    (rounded down; the rest is the lenders')
/// (simple interest between accruals, compounding at each). Reserves are the protocol's claim on the pool; they are
/// withdrawn by governance from idle cash only, and absorb bad debt before lenders do.
///
/// Bad debt. A market that liquidated a position down to no collateral writes its remaining debt off with
/// `recognizeBadDebt`: the units are burned, the vault's total debt falls by the written-off amount, reserves absorb
/// it first (`BadDebtCoveredByReserves`) and the rest lowers `totalAssets`, the share price of every lender
/// (`BadDebtSocialized`). The cumulative amounts are in `badDebt()`.
///
/// Accounting identity (after every call, checked by the invariant tests):
///   idleCash + totalDebt == totalAssets + totalReserves
///   stablecoin.balanceOf(vault) >= idleCash                      (more when tokens were sent to it directly)
///   sum over markets of debtOf(market) >= totalDebt               (each market's debt rounded up)
///   totalAssets never decreases except by `BadDebtSocialized` (borrow and repay rounding favour the vault).
///
/// Pause (PAUSER). Stops new risk only: markets' new borrowing and new deposits (`maxDeposit`/`maxMint` are 0, so a
/// lender cannot buy shares at a price an incident may be about to lower). Never stopped: withdrawals and
/// redemptions, repayments, bad-debt recognition, accrual, share transfers, reserve withdrawals.
///
/// Bounds. Amounts fit the packed storage: idle cash and reserves below 2^112, total debt units below 2^96, the
/// index below 2^120 (a growth of 1.3e18: forty years at 100% a year; past it accrual reverts). Total debt units
/// below 2^96 means below 7.9e28 stablecoin units of principal at index 1 (7.9e22 dollars at 6 decimals).
///
/// @dev TRUST: governance registers markets and their debt ceilings: a registered market can borrow up to its
/// ceiling with no other check, so a market's own collateral rules (LTV, oracle, liquidation) ARE the lenders'
/// protection. Governance sets the reserve factor (at most MAX_RESERVE_FACTOR_BPS) and withdraws reserves; it cannot
/// touch lenders' cash. The rate model is fixed at deployment (a new regime is a new vault).
/// CAUTION: the stablecoin must not take a fee on transfer (a short receipt reverts the deposit or repayment) and its
/// issuer can freeze the vault: a blacklisted vault can neither lend nor pay lenders out.
/// WARNING: bad debt is whatever a registered market declares: the vault cannot see collateral.
interface ILendingVault is IERC4626 {
    /// @notice A market's registration and aggregate debt.
    /// @param enabled may borrow (a disabled market can still repay and write off bad debt)
    /// @param debtCeiling the most its debt (rounded up) may reach by borrowing; interest may take it above
    /// @param debtUnits its debt in units of the borrow index
    struct Market {
        bool enabled;
        uint128 debtCeiling;
        uint96 debtUnits;
    }

    // ---------------------------------------------------------------- errors

    /// @notice A zero amount, or an amount that rounds to zero units, shares or assets.
    error LendingVaultZeroAmount();
    /// @notice A zero address where an account or a contract is needed.
    error LendingVaultZeroAddress();
    /// @notice The caller is not a market enabled for borrowing.
    error LendingVaultMarketNotEnabled(address market);
    /// @notice `setMarket` on an address without code.
    error LendingVaultInvalidMarket(address market);
    /// @notice Borrowing while paused.
    error LendingVaultBorrowingPaused();
    /// @notice `pause` while paused or `unpause` while not paused.
    error LendingVaultPauseUnchanged(bool paused);
    /// @notice The vault's idle cash cannot pay `assets` out.
    error LendingVaultInsufficientLiquidity(uint256 assets, uint256 idleCash);
    /// @notice Borrowing `assets` would take the market's debt to `debtAfter`, above its ceiling.
    error LendingVaultDebtCeilingExceeded(address market, uint256 debtAfter, uint256 debtCeiling);
    /// @notice Repaying or writing off more than the market's debt.
    error LendingVaultAmountExceedsDebt(address market, uint256 assets, uint256 debt);
    /// @notice Repaying or writing off an amount smaller than one debt unit (it would burn none).
    error LendingVaultDustAmount(uint256 assets, uint256 borrowIndex);
    /// @notice A reserve factor above MAX_RESERVE_FACTOR_BPS.
    error LendingVaultReserveFactorTooHigh(uint256 reserveFactorBps, uint256 maxReserveFactorBps);
    /// @notice Withdrawing more reserves than there are.
    error LendingVaultInsufficientReserves(uint256 assets, uint256 reserves);
    /// @notice The vault received fewer tokens than the transfer stated (a fee-on-transfer token), or holds less than
    /// its idle cash plus a repayment said to be transferred.
    error LendingVaultTransferShortfall(uint256 expected, uint256 received);

    // ---------------------------------------------------------------- events

    /// @notice Interest accrued: `interest` added to the total debt, `toReserves` of it to the reserves.
    event InterestAccrued(uint256 interest, uint256 toReserves, uint256 borrowIndex);
    /// @notice `market` borrowed `assets`, sent to `receiver`, owing `debtUnits` more.
    event Borrowed(address indexed market, address indexed receiver, uint256 assets, uint256 debtUnits);
    /// @notice `market` repaid `assets`, burning `debtUnits`.
    event Repaid(address indexed market, uint256 assets, uint256 debtUnits);
    /// @notice `market` wrote off `assets` of debt (`debtUnits` burned); the events below say who bears it.
    event BadDebtRecognized(address indexed market, uint256 assets, uint256 debtUnits);
    /// @notice Reserves absorbed `assets` of a market's bad debt; `reservesAfter` remain.
    event BadDebtCoveredByReserves(address indexed market, uint256 assets, uint256 reservesAfter);
    /// @notice Lenders absorbed `assets` of a market's bad debt through the share price; `totalAssetsAfter` remain.
    event BadDebtSocialized(address indexed market, uint256 assets, uint256 totalAssetsAfter);
    /// @notice Governance registered or updated a market.
    event MarketSet(address indexed market, bool enabled, uint256 debtCeiling);
    /// @notice Governance changed the reserve factor.
    event ReserveFactorSet(uint256 reserveFactorBps);
    /// @notice Governance withdrew `assets` of reserves to `to`.
    event ReservesWithdrawn(address indexed to, uint256 assets);
    /// @notice Borrowing and deposits were paused.
    event Paused(address indexed account);
    /// @notice Borrowing and deposits were resumed.
    event Unpaused(address indexed account);

    // ---------------------------------------------------------------- constants and immutables

    /// @notice The highest reserve factor governance may set: 5_000 bps (half of the interest).
    function MAX_RESERVE_FACTOR_BPS() external view returns (uint256);

    /// @notice The borrow-rate model, fixed at deployment.
    function RATE_MODEL() external view returns (IInterestRateModel);

    // ---------------------------------------------------------------- markets

    /// @notice Borrows `assets` of idle cash for the calling market and sends them to `receiver`.
    /// @dev Only an enabled market; not while paused. Accrues first, then checks liquidity (`assets <= idleCash`) and
    /// the market's ceiling (its debt after, rounded up, at most `debtCeiling`).
    /// @return debtUnits units added to the market's debt (rounded up): what the market adds to the position
    function borrow(uint256 assets, address receiver) external returns (uint256 debtUnits);

    /// @notice Repays `assets` of the calling market's debt, pulled from the market (which must have approved the
    /// vault and pulls from its payer first).
    /// @dev Any market with debt, enabled or not, paused or not. `assets` at most `debtOf(market)`; repaying less
    /// than one unit's worth reverts (`LendingVaultDustAmount`).
    /// @return debtUnitsBurned units removed from the market's debt (rounded down): what the market removes from
    /// the position
    function repay(uint256 assets) external returns (uint256 debtUnitsBurned);

    /// @notice Repays `assets` of the calling market's debt that the market has already had transferred to the vault
    /// (from its payer, in the same transaction): one transfer instead of two.
    /// @dev Same bounds and unit rounding as `repay`. Checks that the vault's balance covers its idle cash plus
    /// `assets`; tokens sent to the vault directly (unaccounted) also count, so a market that skipped the transfer
    /// would repay with them: registered markets are trusted code (see TRUST).
    /// @return debtUnitsBurned units removed from the market's debt
    function repayTransferred(uint256 assets) external returns (uint256 debtUnitsBurned);

    /// @notice Writes off `assets` of the calling market's debt, without payment: a liquidation left a position
    /// with debt and no collateral. Reserves absorb the loss first, then the lenders.
    /// @dev Same bounds and unit rounding as `repay`. The loss booked is the fall of the vault's total debt, which
    /// can be one unit below `assets` (rounding); it is the amount the events report.
    /// @return debtUnitsBurned units removed from the market's debt
    function recognizeBadDebt(uint256 assets) external returns (uint256 debtUnitsBurned);

    /// @notice Accrues interest to the current second (anyone; every state-changing call does it first).
    /// @return borrowIndex_ the borrow index after the accrual
    function accrue() external returns (uint256 borrowIndex_);

    // ---------------------------------------------------------------- governance

    /// @notice Registers, updates or disables a market (GOVERNOR). A ceiling below the market's debt only stops new
    /// borrowing; disabling never blocks repayment or write-offs.
    function setMarket(address market, bool enabled, uint128 debtCeiling) external;

    /// @notice Sets the share of interest kept as reserves, in bps, at most MAX_RESERVE_FACTOR_BPS (GOVERNOR).
    /// Accrues first: interest up to now is split at the old factor.
    function setReserveFactor(uint16 reserveFactorBps) external;

    /// @notice Sends `assets` of reserves to `to` (GOVERNOR), out of idle cash.
    function withdrawReserves(address to, uint256 assets) external;

    /// @notice Stops new borrowing and deposits (PAUSER).
    function pause() external;

    /// @notice Resumes them (PAUSER).
    function unpause() external;

    // ---------------------------------------------------------------- views (accrued to the current second)

    /// @notice The borrow index, WAD-scaled, accrued to now.
    function borrowIndex() external view returns (uint256);

    /// @notice All markets' debt, rounded up, accrued to now.
    function totalDebt() external view returns (uint256);

    /// @notice The sum of all markets' debt units.
    function totalDebtUnits() external view returns (uint256);

    /// @notice The stablecoin the vault holds and accounts for (not counting tokens sent to it directly).
    function idleCash() external view returns (uint256);

    /// @notice The protocol's reserves, accrued to now.
    function totalReserves() external view returns (uint256);

    /// @notice `totalDebt / (idleCash + totalDebt)`, WAD-scaled, rounded down; 0 without debt.
    function utilization() external view returns (uint256);

    /// @notice The current borrow rate per second, WAD-scaled (what the next second of debt costs).
    function borrowRatePerSecond() external view returns (uint256);

    /// @notice The reserve factor in bps.
    function reserveFactorBps() external view returns (uint256);

    /// @notice Whether borrowing and deposits are paused.
    function paused() external view returns (bool);

    /// @notice A market's debt, rounded up, accrued to now.
    function debtOf(address market) external view returns (uint256);

    /// @notice A market's debt units.
    function debtUnitsOf(address market) external view returns (uint256);

    /// @notice A market's registration and debt units.
    function marketOf(address market) external view returns (Market memory);

    /// @notice Bad debt written off since deployment: the part reserves covered and the part lenders bore.
    function badDebt() external view returns (uint256 coveredByReserves, uint256 socialized);
}
