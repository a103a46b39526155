// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IAssetShares} from "./IAssetShares.sol";
import {IComplianceRegistry} from "./IComplianceRegistry.sol";
import {ILendingVault} from "./ILendingVault.sol";
import {INavOracle} from "./INavOracle.sol";

/// @title ICollateralMarket — borrowing against one compute asset's shares, repaid by their own revenue
/// @notice One market per share token. Borrowers deposit shares as collateral and borrow the stablecoin from the
/// LendingVault, which all markets share (the vault caps each market's debt: the exposure to one machine). The market
/// holds the collateral, so the share token pays it the collateral's revenue; that revenue repays each position's
/// debt, and what is left over is the borrower's to claim.
///
/// Positions. A position is `(collateral, debtUnits, revenueSnapshot, credit)`; its debt is
/// `debtUnits * vault.borrowIndex() / 1e18`, rounded up (the vault's units, see ILendingVault).
///
/// Self-repayment, O(1) per position. The share token's `pointsPerShare` (see IAssetShares) is already an index of
/// revenue per share, and every share the market holds for a position earns exactly it. A position stores the index
/// at which its collateral last earned (`revenueSnapshot`), so its unapplied revenue is
///
///   pending = collateral * (shares.pointsPerShare() - revenueSnapshot) / MAGNITUDE      (rounded down)
///
/// Supplying and withdrawing collateral, claiming, liquidating and sweeping first apply `pending` ("touching"): it repays the debt (paid to the vault, the market
/// claiming its revenue from the share token when its cash is short; the vault burns whole debt units, so a
/// sub-unit remainder is the lenders'), and what exceeds the debt is credited to the borrower, who claims it with
/// `claimRevenue` (so is a pending amount worth less than one debt unit). Borrowing and repaying leave it pending:
/// it can only lower the debt, so their checks are conservative without it.
/// `sweep` touches a position for anyone (keepers); no loop ever runs over positions or holders. The sum of the
/// positions' pending revenue never exceeds what the share token owes the market plus the market's unallocated cash
/// (each term is rounded down), so applying revenue never takes one borrower's money for another.
///
/// Prices and health. `price = nav.priceOf(assetId)` in stablecoin units per 1e18 shares, and
///   value(position) = collateral * price / 1e18                                              (rounded down)
///   borrowing, withdrawing collateral: debt * 10_000 <= value * maxLtvBps  must hold afterwards, on a FRESH price
///   liquidatable:                      debt * 10_000 >  value * liquidationLtvBps
/// Stale-price policy: a price that is not fresh (no appraisal, or a stale one) stops new borrowing and collateral
/// withdrawal (`CollateralMarketStalePrice`); liquidation stays open at whatever `priceOf` returns (the lower of the
/// stale appraisal and the live revenue price), so a lapsed appraiser never shields an unhealthy position. A price of
/// zero stops liquidations too (`CollateralMarketZeroPrice`): zero means the oracle knows nothing (no appraisal, or no
/// revenue in its window), and selling collateral for nothing would hand the liquidator the borrower's shares and
/// the lenders a total loss on a guess.
///
/// Liquidation. A compliance-verified liquidator (it receives the shares) repays up to `closeFactorBps` of an
/// unhealthy position's debt — all of it when the debt is at most `dustDebt` — and receives shares worth the
/// repayment plus `liquidationBonusBps`:
///   seized = repaid * (10_000 + bonus) / 10_000 * 1e18 / price                                (rounded down)
/// When that exceeds the collateral, all the collateral is seized and the repayment shrinks to its value less the
/// bonus (rounded up). A position left with debt and no collateral has its remaining debt written off at once as bad
/// debt (`vault.recognizeBadDebt`): reserves absorb it first, then the lenders (the vault's events say which).
/// Bounds keep a liquidation from making a position less healthy: `liquidationLtvBps * (10_000 + bonus) < 10_000^2`.
///
/// Compliance. The market must be a system holder of the compliance registry. Supplying for a borrower and borrowing
/// need the borrower to pass the registry's check (verified, unexpired, not frozen); withdrawing collateral and
/// claiming revenue need it not to be frozen (in the registry or on this token), as sending shares and claiming their
/// revenue do, and a withdrawal's receiver must be allowed to receive shares. Repaying, sweeping and liquidating a
/// frozen borrower's position stay open. The compliance agent can move a lost
/// wallet's position to its replacement (`recoverPosition`), as it moves share balances.
///
/// Pause (PAUSER) stops new risk only: supplying collateral and borrowing. Never stopped: repayment, withdrawal of
/// collateral (while healthy), sweeps, revenue claims, liquidations. The vault's own pause also stops borrowing.
///
/// @dev TRUST: governance (GOVERNOR) sets the risk parameters within the bounds below (an execution delay in the
/// AccessManager is expected in production); the vault's governance sets this market's debt ceiling. The NAV oracle
/// (appraisers + revenue record) prices the collateral: see INavOracle's CAUTION notes.
/// CAUTION: the stablecoin must be a plain ERC-20 (no fee on transfer, no rebasing). Its issuer can blacklist the
/// market, which then can neither repay the vault from revenue nor pay credits: repayment by borrowers still works.
interface ICollateralMarket {
    /// @notice Governance-set risk parameters (one slot).
    /// @param maxLtvBps the most a position may borrow, in bps of its collateral value
    /// @param liquidationLtvBps above this debt-to-value (bps) a position can be liquidated
    /// @param liquidationBonusBps the liquidator's bonus, in bps of the repayment
    /// @param closeFactorBps the most of a position's debt one liquidation may repay, in bps
    /// @param dustDebt a debt at or below this (stablecoin units) may be liquidated whole
    struct RiskParams {
        uint16 maxLtvBps;
        uint16 liquidationLtvBps;
        uint16 liquidationBonusBps;
        uint16 closeFactorBps;
        uint128 dustDebt;
    }

    /// @notice A position as stored, plus its figures at the current second.
    struct PositionView {
        uint256 collateral;
        uint256 debtUnits;
        uint256 debt;
        uint256 pendingRevenue;
        uint256 credit;
        uint256 value;
        uint256 price;
        bool priceFresh;
        /// @dev debt-to-value in bps after applying the pending revenue (type(uint256).max with debt and no value)
        uint256 ltvBps;
        bool liquidatable;
    }

    // ---------------------------------------------------------------- errors

    error CollateralMarketZeroAddress();
    error CollateralMarketZeroAmount();
    /// @notice The share token is not registered in the compliance registry or not the one the NAV oracle prices,
    /// or the stablecoin has more than 18 decimals.
    error CollateralMarketInvalidSetup();
    /// @notice Supplying or borrowing while the market is paused.
    error CollateralMarketPaused();
    /// @notice `pause` while paused or `unpause` while not.
    error CollateralMarketPauseUnchanged(bool paused);
    /// @notice The account does not pass the compliance check the action needs (see Compliance above).
    error CollateralMarketNotCompliant(address account);
    /// @notice A liquidator that could not receive the seized shares (unverified, expired or frozen).
    error CollateralMarketUnverifiedLiquidator(address liquidator);
    /// @notice Borrowing or withdrawing collateral on a price that is not fresh.
    error CollateralMarketStalePrice(uint256 assetId);
    /// @notice Liquidating on a price of zero (see the stale-price policy).
    error CollateralMarketZeroPrice(uint256 assetId);
    /// @notice Borrowing `assets` would take the debt to `debtAfter`, above `maxDebt` (value x max LTV).
    error CollateralMarketBorrowExceedsLtv(address borrower, uint256 debtAfter, uint256 maxDebt);
    /// @notice Withdrawing would leave `debt` above `maxDebt` (the remaining value x max LTV).
    error CollateralMarketInsufficientCollateral(address borrower, uint256 debt, uint256 maxDebt);
    /// @notice Withdrawing more collateral than the position has.
    error CollateralMarketCollateralExceeded(address borrower, uint256 shares, uint256 collateral);
    /// @notice Repaying a position without debt, or more than its debt.
    error CollateralMarketRepayExceedsDebt(address borrower, uint256 assets, uint256 debt);
    /// @notice A liquidation whose repayment is smaller than one debt unit (the vault would burn nothing).
    error CollateralMarketDustRepayment(uint256 assets);
    /// @notice Liquidating a position that is healthy (after its pending revenue was applied).
    error CollateralMarketHealthyPosition(address borrower, uint256 debt, uint256 liquidationDebt);
    /// @notice Repaying more in one liquidation than the close factor allows.
    error CollateralMarketCloseFactorExceeded(address borrower, uint256 assets, uint256 maxRepay);
    /// @notice `sweep` of a position without pending revenue.
    error CollateralMarketNothingToSweep(address borrower);
    /// @notice Claiming revenue with no credit.
    error CollateralMarketNothingToClaim(address borrower);
    /// @notice Risk parameters outside their bounds.
    error CollateralMarketInvalidRiskParams();
    /// @notice `recoverPosition` onto an account that already has a position, or from one without.
    error CollateralMarketInvalidRecovery(address lost, address replacement);
    /// @notice `skim` with no shares beyond the positions' collateral.
    error CollateralMarketNothingToSkim();

    // ---------------------------------------------------------------- events

    event CollateralSupplied(address indexed borrower, address indexed payer, uint256 shares);
    event CollateralWithdrawn(address indexed borrower, address indexed receiver, uint256 shares);
    event Borrowed(address indexed borrower, address indexed receiver, uint256 assets, uint256 debtUnits);
    event Repaid(address indexed borrower, address indexed payer, uint256 assets, uint256 debtUnits);
    /// @notice A position's pending revenue was applied: `repaid` to its debt, `credited` to its owner.
    event RevenueApplied(address indexed borrower, uint256 repaid, uint256 credited, uint256 debtUnitsRepaid);
    event RevenueClaimed(address indexed borrower, address indexed receiver, uint256 amount);
    event Liquidated(
        address indexed borrower, address indexed liquidator, uint256 repaid, uint256 seized, uint256 badDebt
    );
    event RiskParamsSet(RiskParams params);
    event PositionRecovered(address indexed lost, address indexed replacement);
    event Skimmed(address indexed to, uint256 shares);
    event Paused(address indexed account);
    event Unpaused(address indexed account);

    // ---------------------------------------------------------------- borrowers

    /// @notice Moves `shares` from the caller into `borrower`'s position (the caller approved the market).
    function supplyCollateral(address borrower, uint256 shares) external;

    /// @notice Borrows `assets` against the caller's position, sent to `receiver`.
    /// @return debtUnits the units the position now owes more
    function borrow(uint256 assets, address receiver) external returns (uint256 debtUnits);

    /// @notice Repays `assets` of `borrower`'s debt, paid by the caller (anyone, who approved this market: the
    /// stablecoin goes straight to the vault); `type(uint256).max` repays it all. More than the debt reverts; less
    /// than one debt unit reverts in the vault (`LendingVaultDustAmount`).
    /// @return repaid what the caller paid
    function repay(address borrower, uint256 assets) external returns (uint256 repaid);

    /// @notice Withdraws `shares` of the caller's collateral to `receiver`; the position must stay within max LTV.
    function withdrawCollateral(uint256 shares, address receiver) external;

    /// @notice Pays the caller's revenue credit (revenue beyond its debt) to `receiver`.
    function claimRevenue(address receiver) external returns (uint256 amount);

    /// @notice Applies `borrower`'s pending revenue (anyone; keepers).
    function sweep(address borrower) external;

    /// @notice Repays up to the close factor of an unhealthy position's debt and takes collateral plus the bonus.
    /// @param assets the debt to repay; `type(uint256).max` repays the most allowed
    /// @return repaid what the liquidator paid
    /// @return seized the shares the liquidator received
    function liquidate(address borrower, uint256 assets) external returns (uint256 repaid, uint256 seized);

    // ---------------------------------------------------------------- restricted

    /// @notice Sets the risk parameters within their bounds (GOVERNOR).
    function setRiskParams(RiskParams calldata params) external;

    /// @notice Moves a lost wallet's whole position to its replacement (COMPLIANCE).
    function recoverPosition(address lost, address replacement) external;

    /// @notice Sends the shares the market holds beyond the positions' collateral (sent to it directly) to `to`
    /// (GOVERNOR). The revenue such shares earned stays in the market, unallocated.
    function skim(address to) external;

    function pause() external;

    function unpause() external;

    // ---------------------------------------------------------------- views

    function SHARES() external view returns (IAssetShares);
    function VAULT() external view returns (ILendingVault);
    function NAV() external view returns (INavOracle);
    function COMPLIANCE() external view returns (IComplianceRegistry);
    function ASSET_ID() external view returns (uint256);
    /// @notice The stablecoin borrowed and repaid (the vault's asset).
    function STABLECOIN() external view returns (IERC20);
    function riskParams() external view returns (RiskParams memory);
    function paused() external view returns (bool);
    function totalCollateral() external view returns (uint256);
    function totalCredit() external view returns (uint256);
    function positionOf(address borrower) external view returns (PositionView memory);
    /// @notice The position's debt at the current second, before its pending revenue is applied.
    function debtOf(address borrower) external view returns (uint256);
    /// @notice The revenue `borrower`'s collateral earned since the position was last touched.
    function pendingRevenueOf(address borrower) external view returns (uint256);
    /// @notice The most `borrower` could borrow now (0 on a price that is not fresh), after pending revenue.
    function maxBorrow(address borrower) external view returns (uint256);
}
