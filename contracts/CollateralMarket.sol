// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAssetShares} from "./interfaces/IAssetShares.sol";
import {ICollateralMarket} from "./interfaces/ICollateralMarket.sol";
import {IComplianceRegistry} from "./interfaces/IComplianceRegistry.sol";
import {ILendingVault} from "./interfaces/ILendingVault.sol";
import {INavOracle} from "./interfaces/INavOracle.sol";

/// @title CollateralMarket
/// @notice Borrowing against one compute asset's shares, repaid by the shares' own revenue (see ICollateralMarket).
/// @dev Restricted functions (AccessManager): risk parameters and skim (GOVERNOR), position recovery (COMPLIANCE),
/// pause (PAUSER). Each position is two slots: collateral + revenue snapshot (what supplying writes) and debt units +
/// credit (what borrowing writes).
contract CollateralMarket is ICollateralMarket, AccessManaged, ReentrancyGuardTransient {
    using Math for uint256;
    using SafeCast for uint256;
    using SafeERC20 for IERC20;

    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;

    /// @notice The share token's revenue scale (IAssetShares.MAGNITUDE).
    uint256 public constant MAGNITUDE = 1e27;
    uint256 public constant MAX_LIQUIDATION_LTV_BPS = 9_500;
    uint256 public constant MAX_LIQUIDATION_BONUS_BPS = 2_000;
    uint256 public constant MIN_CLOSE_FACTOR_BPS = 1_000;

    IAssetShares public immutable SHARES;
    ILendingVault public immutable VAULT;
    INavOracle public immutable NAV;
    IComplianceRegistry public immutable COMPLIANCE;
    uint256 public immutable ASSET_ID;
    /// @notice The highest `dustDebt` governance may set: 100,000 whole stablecoin units.
    uint256 public immutable MAX_DUST_DEBT;
    IERC20 public immutable STABLECOIN;

    struct Position {
        uint96 collateral;
        uint160 revenueSnapshot; // the share token's pointsPerShare when the collateral last earned
    }

    struct Loan {
        uint96 debtUnits;
        uint160 credit; // revenue beyond the debt, the borrower's to claim
    }

    struct Totals {
        uint96 collateral;
        uint128 credit;
        bool paused;
    }

    RiskParams private _risk;
    Totals private _totals;
    mapping(address borrower => Position) private _positions;
    mapping(address borrower => Loan) private _loans;

    /// @param authority the AccessManager
    /// @param shares the collateral: a share token registered in `compliance`, priced by `nav`
    /// @param vault the lender vault, lending the share token's stablecoin
    constructor(
        address authority,
        IAssetShares shares,
        ILendingVault vault,
        INavOracle nav,
        IComplianceRegistry compliance,
        RiskParams memory risk
    ) AccessManaged(authority) {
        if (
            authority == address(0) || address(shares) == address(0) || address(vault) == address(0)
                || address(nav) == address(0) || address(compliance) == address(0)
        ) revert CollateralMarketZeroAddress();
        uint256 assetId = shares.assetId();
        if (!compliance.isShareToken(address(shares)) || nav.FACTORY().sharesOf(assetId) != address(shares)) {
            revert CollateralMarketInvalidSetup();
        }
        SHARES = shares;
        VAULT = vault;
        NAV = nav;
        COMPLIANCE = compliance;
        ASSET_ID = assetId;
        STABLECOIN = IERC20(vault.asset());
        MAX_DUST_DEBT = 100_000 * 10 ** IERC20Metadata(vault.asset()).decimals();
        _setRiskParams(risk);
        STABLECOIN.forceApprove(address(vault), type(uint256).max);
    }

    // ---------------------------------------------------------------- borrowers

    /// @inheritdoc ICollateralMarket
    function supplyCollateral(address borrower, uint256 shares) external nonReentrant {
        Totals memory totals = _totals;
        if (totals.paused) revert CollateralMarketPaused();
        if (shares == 0) revert CollateralMarketZeroAmount();
        _requireCompliant(borrower);

        Position memory position = _touch(borrower);
        position.collateral = (position.collateral + shares).toUint96();
        _positions[borrower] = position;
        _totals.collateral = totals.collateral + uint96(shares); // <= the share supply, < 2^96
        emit CollateralSupplied(borrower, msg.sender, shares);
        IERC20(address(SHARES)).safeTransferFrom(msg.sender, address(this), shares);
    }

    /// @inheritdoc ICollateralMarket
    function borrow(uint256 assets, address receiver) external nonReentrant returns (uint256 debtUnits) {
        if (_totals.paused) revert CollateralMarketPaused();
        if (assets == 0) revert CollateralMarketZeroAmount();
        if (receiver == address(0)) revert CollateralMarketZeroAddress();
        _requireCompliant(msg.sender);

        Position memory position = _touch(msg.sender);
        uint256 price = _freshPrice();
        debtUnits = VAULT.borrow(assets, receiver);
        Loan storage loan = _loans[msg.sender];
        uint256 units = loan.debtUnits + debtUnits;
        loan.debtUnits = units.toUint96();

        uint256 debt = _debt(units, VAULT.borrowIndex());
        uint256 maxDebt = _maxDebt(position.collateral, price, _risk.maxLtvBps);
        if (debt > maxDebt) revert CollateralMarketBorrowExceedsLtv(msg.sender, debt, maxDebt);
        emit Borrowed(msg.sender, receiver, assets, debtUnits);
    }

    /// @inheritdoc ICollateralMarket
    function repay(address borrower, uint256 assets) external nonReentrant returns (uint256 repaid) {
        if (assets == 0) revert CollateralMarketZeroAmount();
        _touch(borrower);
        Loan memory loan = _loans[borrower];
        uint256 index = VAULT.accrue();
        uint256 debt = _debt(loan.debtUnits, index);
        repaid = assets == type(uint256).max ? debt : assets;
        if (debt == 0 || repaid > debt) revert CollateralMarketRepayExceedsDebt(borrower, assets, debt);

        uint256 units = _repayVault(msg.sender, repaid, repaid == debt ? loan.debtUnits : repaid.mulDiv(WAD, index));
        _loans[borrower].debtUnits = uint96(loan.debtUnits - units);
        emit Repaid(borrower, msg.sender, repaid, units);
    }

    /// @inheritdoc ICollateralMarket
    function withdrawCollateral(uint256 shares, address receiver) external nonReentrant {
        if (shares == 0) revert CollateralMarketZeroAmount();
        if (receiver == address(0)) revert CollateralMarketZeroAddress();
        _requireCompliant(msg.sender);
        _requireCompliant(receiver);
        // A wallet frozen on this token cannot send its shares; nor can it take them out of the market.
        if (SHARES.isFrozen(msg.sender)) revert CollateralMarketNotCompliant(msg.sender);

        Position memory position = _touch(msg.sender);
        if (shares > position.collateral) {
            revert CollateralMarketCollateralExceeded(msg.sender, shares, position.collateral);
        }
        unchecked {
            position.collateral -= uint96(shares); // checked above
        }
        uint256 units = _loans[msg.sender].debtUnits;
        if (units != 0) {
            uint256 debt = _debt(units, VAULT.accrue());
            uint256 maxDebt = _maxDebt(position.collateral, _freshPrice(), _risk.maxLtvBps);
            if (debt > maxDebt) revert CollateralMarketInsufficientCollateral(msg.sender, debt, maxDebt);
        }
        _positions[msg.sender] = position;
        _totals.collateral -= uint96(shares);
        emit CollateralWithdrawn(msg.sender, receiver, shares);
        IERC20(address(SHARES)).safeTransfer(receiver, shares);
    }

    /// @inheritdoc ICollateralMarket
    function claimRevenue(address receiver) external nonReentrant returns (uint256 amount) {
        if (receiver == address(0)) revert CollateralMarketZeroAddress();
        _requireCompliant(msg.sender);
        _touch(msg.sender);
        Loan storage loan = _loans[msg.sender];
        amount = loan.credit;
        if (amount == 0) revert CollateralMarketNothingToClaim(msg.sender);
        loan.credit = 0;
        _totals.credit -= uint128(amount); // the sum of the credits
        emit RevenueClaimed(msg.sender, receiver, amount);
        _ensureCash(amount);
        STABLECOIN.safeTransfer(receiver, amount);
    }

    /// @inheritdoc ICollateralMarket
    function sweep(address borrower) external nonReentrant {
        Position memory position = _positions[borrower];
        uint256 pointsPerShare = SHARES.pointsPerShare();
        if (_pending(position, pointsPerShare) == 0) revert CollateralMarketNothingToSweep(borrower);
        _applyRevenue(borrower, position, pointsPerShare);
    }

    /// @inheritdoc ICollateralMarket
    function liquidate(address borrower, uint256 assets) external nonReentrant returns (uint256 repaid, uint256 seized) {
        if (assets == 0) revert CollateralMarketZeroAmount();
        if (!COMPLIANCE.canReceive(msg.sender) || SHARES.isFrozen(msg.sender)) {
            revert CollateralMarketUnverifiedLiquidator(msg.sender);
        }
        Position memory position = _touch(borrower);
        Loan memory loan = _loans[borrower];
        uint256 index = VAULT.accrue();
        uint256 debt = _debt(loan.debtUnits, index);
        (repaid, seized) = _liquidationTerms(borrower, position.collateral, debt, assets);

        uint256 units = _repayVault(msg.sender, repaid, repaid == debt ? loan.debtUnits : repaid.mulDiv(WAD, index));
        loan.debtUnits -= uint96(units);
        position.collateral -= uint96(seized);
        uint256 badDebt;
        if (position.collateral == 0 && loan.debtUnits != 0) {
            // Nothing left to seize: the rest is bad debt, written off in full (the vault burns exactly these units).
            badDebt = _debt(loan.debtUnits, index);
            loan.debtUnits -= uint96(VAULT.recognizeBadDebt(badDebt));
        }
        _positions[borrower] = position;
        _loans[borrower].debtUnits = loan.debtUnits;
        _totals.collateral -= uint96(seized);
        emit Liquidated(borrower, msg.sender, repaid, seized, badDebt);
        IERC20(address(SHARES)).safeTransfer(msg.sender, seized);
    }

    // ---------------------------------------------------------------- restricted

    /// @inheritdoc ICollateralMarket
    function setRiskParams(RiskParams calldata risk) external restricted {
        _setRiskParams(risk);
    }

    /// @inheritdoc ICollateralMarket
    function recoverPosition(address lost, address replacement) external restricted nonReentrant {
        Position memory position = _positions[lost];
        Loan memory loan = _loans[lost];
        bool lostEmpty = position.collateral == 0 && loan.debtUnits == 0 && loan.credit == 0;
        Loan memory existing = _loans[replacement];
        bool replacementFree =
            _positions[replacement].collateral == 0 && existing.debtUnits == 0 && existing.credit == 0;
        if (lostEmpty || !replacementFree || replacement == lost) {
            revert CollateralMarketInvalidRecovery(lost, replacement);
        }
        _requireCompliant(replacement);
        // The snapshot travels with the collateral: the pending revenue is the replacement's now.
        _positions[replacement] = position;
        _loans[replacement] = loan;
        delete _positions[lost];
        delete _loans[lost];
        emit PositionRecovered(lost, replacement);
    }

    /// @inheritdoc ICollateralMarket
    function skim(address to) external restricted nonReentrant {
        if (to == address(0)) revert CollateralMarketZeroAddress();
        uint256 excess = SHARES.balanceOf(address(this)) - _totals.collateral;
        if (excess == 0) revert CollateralMarketNothingToSkim();
        emit Skimmed(to, excess);
        IERC20(address(SHARES)).safeTransfer(to, excess);
    }

    /// @inheritdoc ICollateralMarket
    function pause() external restricted {
        if (_totals.paused) revert CollateralMarketPauseUnchanged(true);
        _totals.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ICollateralMarket
    function unpause() external restricted {
        if (!_totals.paused) revert CollateralMarketPauseUnchanged(false);
        _totals.paused = false;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICollateralMarket
    function riskParams() external view returns (RiskParams memory) {
        return _risk;
    }

    /// @inheritdoc ICollateralMarket
    function paused() external view returns (bool) {
        return _totals.paused;
    }

    /// @inheritdoc ICollateralMarket
    function totalCollateral() external view returns (uint256) {
        return _totals.collateral;
    }

    /// @inheritdoc ICollateralMarket
    function totalCredit() external view returns (uint256) {
        return _totals.credit;
    }

    /// @inheritdoc ICollateralMarket
    function debtOf(address borrower) external view returns (uint256) {
        return _debt(_loans[borrower].debtUnits, VAULT.borrowIndex());
    }

    /// @inheritdoc ICollateralMarket
    function pendingRevenueOf(address borrower) external view returns (uint256) {
        return _pending(_positions[borrower], SHARES.pointsPerShare());
    }

    /// @inheritdoc ICollateralMarket
    function positionOf(address borrower) public view returns (PositionView memory view_) {
        Position memory position = _positions[borrower];
        Loan memory loan = _loans[borrower];
        view_.collateral = position.collateral;
        view_.debtUnits = loan.debtUnits;
        view_.debt = _debt(loan.debtUnits, VAULT.borrowIndex());
        view_.pendingRevenue = _pending(position, SHARES.pointsPerShare());
        view_.credit = loan.credit;
        (view_.price, view_.priceFresh) = NAV.priceOf(ASSET_ID);
        view_.value = uint256(position.collateral).mulDiv(view_.price, WAD);

        // What touching would do: pending revenue repays the debt first (to the unit), the rest is credit.
        uint256 debtAfter = view_.debt > view_.pendingRevenue ? view_.debt - view_.pendingRevenue : 0;
        if (view_.debt <= view_.pendingRevenue) view_.credit += view_.pendingRevenue - view_.debt;
        if (debtAfter == 0) return view_;
        view_.ltvBps = view_.value == 0 ? type(uint256).max : debtAfter.mulDiv(BPS, view_.value, Math.Rounding.Ceil);
        view_.liquidatable = view_.price != 0 && debtAfter > _maxDebt(position.collateral, view_.price, _risk.liquidationLtvBps);
    }

    /// @inheritdoc ICollateralMarket
    function maxBorrow(address borrower) external view returns (uint256) {
        PositionView memory view_ = positionOf(borrower);
        if (!view_.priceFresh || _totals.paused) return 0;
        uint256 debtAfter = view_.debt > view_.pendingRevenue ? view_.debt - view_.pendingRevenue : 0;
        uint256 maxDebt = _maxDebt(view_.collateral, view_.price, _risk.maxLtvBps);
        if (debtAfter >= maxDebt) return 0;
        return Math.min(maxDebt - debtAfter, VAULT.idleCash());
    }

    // ---------------------------------------------------------------- internal

    /// @dev Loads `borrower`'s position with its pending revenue applied (written to storage when there was some).
    function _touch(address borrower) private returns (Position memory position) {
        position = _positions[borrower];
        uint256 pointsPerShare = SHARES.pointsPerShare();
        if (pointsPerShare == position.revenueSnapshot) return position;
        if (position.collateral == 0) {
            position.revenueSnapshot = uint160(pointsPerShare); // the share token's index fits 128 bits
        } else {
            position = _applyRevenue(borrower, position, pointsPerShare);
        }
    }

    /// @dev Repays the position's debt with its pending revenue and credits what is left (the surplus over the debt,
    /// or all of it when it is worth less than one debt unit); moves the snapshot to `pointsPerShare`.
    function _applyRevenue(address borrower, Position memory position, uint256 pointsPerShare)
        private
        returns (Position memory)
    {
        uint256 pending = _pending(position, pointsPerShare);
        position.revenueSnapshot = uint160(pointsPerShare);
        _positions[borrower].revenueSnapshot = position.revenueSnapshot;
        if (pending == 0) return position;

        Loan memory loan = _loans[borrower];
        uint256 repaid;
        uint256 units;
        if (loan.debtUnits != 0) {
            uint256 index = VAULT.accrue(); // the repayment below then accrues nothing more
            uint256 debt = _debt(loan.debtUnits, index);
            if (pending >= debt) {
                repaid = debt; // burns every unit
            } else if (pending.mulDiv(WAD, index) != 0) {
                repaid = pending; // burns floor(pending / index) units: the sub-unit remainder goes to the lenders
            }
            if (repaid != 0) {
                _ensureCash(repaid);
                units = VAULT.repay(repaid);
                loan.debtUnits -= uint96(units);
            }
        }
        uint256 credited = pending - repaid;
        loan.credit = (loan.credit + credited).toUint160();
        _loans[borrower] = loan;
        if (credited != 0) _totals.credit += credited.toUint128();
        emit RevenueApplied(borrower, repaid, credited, units);
        return position;
    }

    /// @dev What a liquidation of `assets` (max: the most allowed) repays and seizes; reverts when the position is
    /// healthy, the price zero or the amount above the close factor.
    function _liquidationTerms(address borrower, uint256 collateral, uint256 debt, uint256 assets)
        private
        view
        returns (uint256 repaid, uint256 seized)
    {
        (uint256 price,) = NAV.priceOf(ASSET_ID);
        if (price == 0) revert CollateralMarketZeroPrice(ASSET_ID);
        RiskParams memory risk = _risk;
        {
            uint256 liquidationDebt = _maxDebt(collateral, price, risk.liquidationLtvBps);
            if (debt <= liquidationDebt) revert CollateralMarketHealthyPosition(borrower, debt, liquidationDebt);
            uint256 maxRepay =
                debt <= risk.dustDebt ? debt : debt.mulDiv(risk.closeFactorBps, BPS, Math.Rounding.Ceil);
            repaid = assets == type(uint256).max ? maxRepay : assets;
            if (repaid > maxRepay) revert CollateralMarketCloseFactorExceeded(borrower, assets, maxRepay);
        }
        uint256 bonusBps = BPS + risk.liquidationBonusBps;
        seized = repaid.mulDiv(bonusBps * WAD, price * BPS);
        if (seized >= collateral) {
            // The collateral runs out: the liquidator pays its value less the bonus.
            seized = collateral;
            repaid = Math.min(repaid, (collateral * price).mulDiv(BPS, WAD * bonusBps, Math.Rounding.Ceil));
        }
    }

    /// @dev Pulls `assets` from `payer`, repays them to the vault and returns the units burned (`expectedUnits`
    /// by construction; zero is dust).
    function _repayVault(address payer, uint256 assets, uint256 expectedUnits) private returns (uint256 units) {
        if (expectedUnits == 0) revert CollateralMarketDustRepayment(assets);
        STABLECOIN.safeTransferFrom(payer, address(this), assets);
        units = VAULT.repay(assets);
    }

    /// @dev Claims the market's revenue from the share token when its cash cannot pay `assets`. The market's cash
    /// plus what the token owes it always covers the credits plus every position's pending revenue.
    function _ensureCash(uint256 assets) private {
        if (STABLECOIN.balanceOf(address(this)) < assets) SHARES.claimFor(address(this));
    }

    function _setRiskParams(RiskParams memory risk) private {
        bool valid = risk.maxLtvBps != 0 && risk.maxLtvBps <= risk.liquidationLtvBps
            && risk.liquidationLtvBps <= MAX_LIQUIDATION_LTV_BPS && risk.liquidationBonusBps <= MAX_LIQUIDATION_BONUS_BPS
            && uint256(risk.liquidationLtvBps) * (BPS + risk.liquidationBonusBps) < BPS * BPS
            && risk.closeFactorBps >= MIN_CLOSE_FACTOR_BPS && risk.closeFactorBps <= BPS && risk.dustDebt <= MAX_DUST_DEBT;
        if (!valid) revert CollateralMarketInvalidRiskParams();
        _risk = risk;
        emit RiskParamsSet(risk);
    }

    /// @dev A fresh, non-zero price (a zero price is never fresh: nothing can be borrowed against it).
    function _freshPrice() private view returns (uint256 price) {
        bool fresh;
        (price, fresh) = NAV.priceOf(ASSET_ID);
        if (!fresh || price == 0) revert CollateralMarketStalePrice(ASSET_ID);
    }

    function _requireCompliant(address account) private view {
        if (!COMPLIANCE.canReceive(account)) revert CollateralMarketNotCompliant(account);
    }

    function _pending(Position memory position, uint256 pointsPerShare) private pure returns (uint256) {
        return uint256(position.collateral) * (pointsPerShare - position.revenueSnapshot) / MAGNITUDE;
    }

    /// @dev The debt of `units` at `index`, rounded up (the vault's rounding).
    function _debt(uint256 units, uint256 index) private pure returns (uint256) {
        return (units * index).ceilDiv(WAD);
    }

    /// @dev The most debt `collateral` backs at `price` and `ltvBps`, rounded down.
    function _maxDebt(uint256 collateral, uint256 price, uint256 ltvBps) private pure returns (uint256) {
        return collateral.mulDiv(price, WAD).mulDiv(ltvBps, BPS);
    }
}
