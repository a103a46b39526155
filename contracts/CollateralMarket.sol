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
/// pause (PAUSER). Each position is two slots: collateral + debt units (what every action writes) and revenue snapshot
/// + credit (what applying revenue writes).
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

    /// @dev What supplying, borrowing, repaying and liquidating write: one slot.
    struct Position {
        uint96 collateral;
        uint96 debtUnits;
    }

    /// @dev What applying revenue writes.
    struct Earnings {
        uint128 revenueSnapshot; // the share token's pointsPerShare when the collateral last earned
        uint128 credit; // revenue beyond the debt, the borrower's to claim
    }

    /// @dev The risk parameters, the pause flag and the collateral of all positions: the one slot that supplying,
    /// borrowing, withdrawing and liquidating all read. `dustDebt` fits 88 bits (MAX_DUST_DEBT, decimals <= 18).
    struct Config {
        uint16 maxLtvBps;
        uint16 liquidationLtvBps;
        uint16 liquidationBonusBps;
        uint16 closeFactorBps;
        uint88 dustDebt;
        bool paused;
        uint96 totalCollateral;
    }

    Config private _config;
    /// @dev The sum of the positions' credits.
    uint256 private _totalCredit;
    mapping(address borrower => Position) private _positions;
    mapping(address borrower => Earnings) private _earnings;

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
        uint8 decimals = IERC20Metadata(vault.asset()).decimals();
        if (decimals > 18) revert CollateralMarketInvalidSetup();
        MAX_DUST_DEBT = 100_000 * 10 ** decimals;
        _setRiskParams(risk);
        STABLECOIN.forceApprove(address(vault), type(uint256).max);
    }

    // ---------------------------------------------------------------- borrowers

    /// @inheritdoc ICollateralMarket
    function supplyCollateral(address borrower, uint256 shares) external nonReentrant {
        if (_config.paused) revert CollateralMarketPaused();
        if (shares == 0) revert CollateralMarketZeroAmount();
        _requireCompliant(borrower);

        Position memory position = _touch(borrower);
        position.collateral = SafeCast.toUint96(position.collateral + shares);
        _positions[borrower] = position;
        _config.totalCollateral += uint96(shares); // the sum of the positions' collateral, < 2^96 as each is
        emit CollateralSupplied(borrower, msg.sender, shares);
        IERC20(address(SHARES)).safeTransferFrom(msg.sender, address(this), shares);
    }

    /// @inheritdoc ICollateralMarket
    function borrow(uint256 assets, address receiver) external nonReentrant returns (uint256 debtUnits) {
        Config memory config = _config;
        if (config.paused) revert CollateralMarketPaused();
        if (assets == 0) revert CollateralMarketZeroAmount();
        if (receiver == address(0)) revert CollateralMarketZeroAddress();
        _requireCompliant(msg.sender);

        // Pending revenue is left for the next touch: it only lowers the debt, so the check below is conservative.
        Position storage position = _positions[msg.sender];
        uint256 price = _freshPrice();
        debtUnits = VAULT.borrow(assets, receiver);
        uint256 units = position.debtUnits + debtUnits;
        position.debtUnits = units.toUint96();

        uint256 debt = _debt(units, VAULT.borrowIndex());
        uint256 maxDebt = _maxDebt(position.collateral, price, config.maxLtvBps);
        if (debt > maxDebt) revert CollateralMarketBorrowExceedsLtv(msg.sender, debt, maxDebt);
        emit Borrowed(msg.sender, receiver, assets, debtUnits);
    }

    /// @inheritdoc ICollateralMarket
    function repay(address borrower, uint256 assets) external nonReentrant returns (uint256 repaid) {
        if (assets == 0) revert CollateralMarketZeroAmount();
        // Pending revenue is left for the next touch (it would then be credited if the debt is gone).
        uint256 units = _positions[borrower].debtUnits;
        repaid = assets;
        if (assets == type(uint256).max) {
            repaid = _debt(units, VAULT.accrue());
            if (repaid == 0) revert CollateralMarketRepayExceedsDebt(borrower, assets, 0);
        }
        STABLECOIN.safeTransferFrom(msg.sender, address(VAULT), repaid);
        uint256 burned = VAULT.repayTransferred(repaid);
        // Checked after the vault accrued: the position's debt at this second.
        uint256 debt = _debt(units, VAULT.borrowIndex());
        if (repaid > debt) revert CollateralMarketRepayExceedsDebt(borrower, assets, debt);
        _positions[borrower].debtUnits = uint96(units - burned); // repaid <= debt: burned <= units (ILendingVault)
        emit Repaid(borrower, msg.sender, repaid, burned);
    }

    /// @inheritdoc ICollateralMarket
    function withdrawCollateral(uint256 shares, address receiver) external nonReentrant {
        if (shares == 0) revert CollateralMarketZeroAmount();
        if (receiver == address(0)) revert CollateralMarketZeroAddress();
        // As for sending shares: the borrower must not be frozen, the receiver must be allowed to receive.
        _requireNotFrozen(msg.sender);
        _requireCompliant(receiver);

        Position memory position = _touch(msg.sender);
        if (shares > position.collateral) {
            revert CollateralMarketCollateralExceeded(msg.sender, shares, position.collateral);
        }
        unchecked {
            position.collateral -= uint96(shares); // checked above
        }
        if (position.debtUnits != 0) {
            uint256 debt = _debt(position.debtUnits, VAULT.accrue());
            uint256 maxDebt = _maxDebt(position.collateral, _freshPrice(), _config.maxLtvBps);
            if (debt > maxDebt) revert CollateralMarketInsufficientCollateral(msg.sender, debt, maxDebt);
        }
        _positions[msg.sender] = position;
        _config.totalCollateral -= uint96(shares);
        emit CollateralWithdrawn(msg.sender, receiver, shares);
        IERC20(address(SHARES)).safeTransfer(receiver, shares);
    }

    /// @inheritdoc ICollateralMarket
    function claimRevenue(address receiver) external nonReentrant returns (uint256 amount) {
        if (receiver == address(0)) revert CollateralMarketZeroAddress();
        _requireNotFrozen(msg.sender); // as for claiming revenue from the share token
        _touch(msg.sender);
        Earnings storage earnings = _earnings[msg.sender];
        amount = earnings.credit;
        if (amount == 0) revert CollateralMarketNothingToClaim(msg.sender);
        earnings.credit = 0;
        _totalCredit -= amount;
        emit RevenueClaimed(msg.sender, receiver, amount);
        _ensureCash(amount);
        STABLECOIN.safeTransfer(receiver, amount);
    }

    /// @inheritdoc ICollateralMarket
    function sweep(address borrower) external nonReentrant {
        Position memory position = _positions[borrower];
        Earnings memory earnings = _earnings[borrower];
        uint256 pointsPerShare = SHARES.pointsPerShare();
        if (_pending(position.collateral, earnings.revenueSnapshot, pointsPerShare) == 0) {
            revert CollateralMarketNothingToSweep(borrower);
        }
        position = _applyRevenue(borrower, position, earnings, pointsPerShare);
        _positions[borrower] = position;
    }

    /// @inheritdoc ICollateralMarket
    function liquidate(address borrower, uint256 assets) external nonReentrant returns (uint256 repaid, uint256 seized) {
        if (assets == 0) revert CollateralMarketZeroAmount();
        Position memory position = _touch(borrower);
        // After the touch, whose share-token call warmed the registry. A wallet frozen on this token only is refused
        // by the share transfer below (AssetSharesHolderFrozen).
        if (!COMPLIANCE.canReceive(msg.sender)) revert CollateralMarketUnverifiedLiquidator(msg.sender);
        uint256 index = VAULT.accrue();
        uint256 debt = _debt(position.debtUnits, index);
        (repaid, seized) = _liquidationTerms(borrower, position.collateral, debt, assets);

        if ((repaid == debt ? position.debtUnits : repaid.mulDiv(WAD, index)) != 0) {
            STABLECOIN.safeTransferFrom(msg.sender, address(VAULT), repaid);
            position.debtUnits -= uint96(VAULT.repayTransferred(repaid));
        } else if (seized == position.collateral) {
            repaid = 0; // collateral worth less than one debt unit goes for nothing; the debt is written off below
        } else {
            revert CollateralMarketDustRepayment(repaid);
        }
        position.collateral -= uint96(seized);
        uint256 badDebt;
        if (position.collateral == 0 && position.debtUnits != 0) {
            // Nothing left to seize: the rest is bad debt, written off in full (the vault burns exactly these units).
            badDebt = _debt(position.debtUnits, index);
            position.debtUnits -= uint96(VAULT.recognizeBadDebt(badDebt));
        }
        _positions[borrower] = position;
        _config.totalCollateral -= uint96(seized);
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
        Earnings memory earnings = _earnings[lost];
        Position memory existing = _positions[replacement];
        bool lostEmpty = position.collateral == 0 && position.debtUnits == 0 && earnings.credit == 0;
        bool replacementFree =
            existing.collateral == 0 && existing.debtUnits == 0 && _earnings[replacement].credit == 0;
        if (lostEmpty || !replacementFree || replacement == lost) {
            revert CollateralMarketInvalidRecovery(lost, replacement);
        }
        _requireCompliant(replacement);
        // The snapshot travels with the collateral: the pending revenue is the replacement's now.
        _positions[replacement] = position;
        _earnings[replacement] = earnings;
        delete _positions[lost];
        delete _earnings[lost];
        emit PositionRecovered(lost, replacement);
    }

    /// @inheritdoc ICollateralMarket
    function skim(address to) external restricted nonReentrant {
        if (to == address(0)) revert CollateralMarketZeroAddress();
        uint256 excess = SHARES.balanceOf(address(this)) - _config.totalCollateral;
        if (excess == 0) revert CollateralMarketNothingToSkim();
        emit Skimmed(to, excess);
        IERC20(address(SHARES)).safeTransfer(to, excess);
    }

    /// @inheritdoc ICollateralMarket
    function pause() external restricted {
        if (_config.paused) revert CollateralMarketPauseUnchanged(true);
        _config.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ICollateralMarket
    function unpause() external restricted {
        if (!_config.paused) revert CollateralMarketPauseUnchanged(false);
        _config.paused = false;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICollateralMarket
    function riskParams() external view returns (RiskParams memory) {
        Config memory config = _config;
        return RiskParams(
            config.maxLtvBps, config.liquidationLtvBps, config.liquidationBonusBps, config.closeFactorBps, config.dustDebt
        );
    }

    /// @inheritdoc ICollateralMarket
    function paused() external view returns (bool) {
        return _config.paused;
    }

    /// @inheritdoc ICollateralMarket
    function totalCollateral() external view returns (uint256) {
        return _config.totalCollateral;
    }

    /// @inheritdoc ICollateralMarket
    function totalCredit() external view returns (uint256) {
        return _totalCredit;
    }

    /// @inheritdoc ICollateralMarket
    function debtOf(address borrower) external view returns (uint256) {
        return _debt(_positions[borrower].debtUnits, VAULT.borrowIndex());
    }

    /// @inheritdoc ICollateralMarket
    function pendingRevenueOf(address borrower) external view returns (uint256) {
        return _pending(_positions[borrower].collateral, _earnings[borrower].revenueSnapshot, SHARES.pointsPerShare());
    }

    /// @inheritdoc ICollateralMarket
    function positionOf(address borrower) public view returns (PositionView memory view_) {
        Position memory position = _positions[borrower];
        Earnings memory earnings = _earnings[borrower];
        view_.collateral = position.collateral;
        view_.debtUnits = position.debtUnits;
        view_.debt = _debt(position.debtUnits, VAULT.borrowIndex());
        view_.pendingRevenue = _pending(position.collateral, earnings.revenueSnapshot, SHARES.pointsPerShare());
        view_.credit = earnings.credit;
        (view_.price, view_.priceFresh) = NAV.priceOf(ASSET_ID);
        view_.value = uint256(position.collateral).mulDiv(view_.price, WAD);

        // What touching would do: pending revenue repays the debt first (to the unit), the rest is credit.
        uint256 debtAfter = view_.debt > view_.pendingRevenue ? view_.debt - view_.pendingRevenue : 0;
        if (view_.debt <= view_.pendingRevenue) view_.credit += view_.pendingRevenue - view_.debt;
        if (debtAfter == 0) return view_;
        view_.ltvBps = view_.value == 0 ? type(uint256).max : debtAfter.mulDiv(BPS, view_.value, Math.Rounding.Ceil);
        view_.liquidatable =
            view_.price != 0 && debtAfter > _maxDebt(position.collateral, view_.price, _config.liquidationLtvBps);
    }

    /// @inheritdoc ICollateralMarket
    function maxBorrow(address borrower) external view returns (uint256) {
        PositionView memory view_ = positionOf(borrower);
        if (!view_.priceFresh || _config.paused) return 0;
        uint256 debtAfter = view_.debt > view_.pendingRevenue ? view_.debt - view_.pendingRevenue : 0;
        uint256 maxDebt = _maxDebt(view_.collateral, view_.price, _config.maxLtvBps);
        if (debtAfter >= maxDebt) return 0;
        return Math.min(maxDebt - debtAfter, VAULT.idleCash());
    }

    // ---------------------------------------------------------------- internal

    /// @dev Loads `borrower`'s position with its pending revenue applied; writes the earnings (snapshot, credit) and,
    /// when revenue repaid debt, the position's debt units.
    function _touch(address borrower) private returns (Position memory position) {
        position = _positions[borrower];
        Earnings memory earnings = _earnings[borrower];
        uint256 pointsPerShare = SHARES.pointsPerShare();
        if (pointsPerShare == earnings.revenueSnapshot) return position;
        if (position.collateral == 0) {
            _earnings[borrower].revenueSnapshot = uint128(pointsPerShare); // the share token's index is a uint128
        } else {
            position = _applyRevenue(borrower, position, earnings, pointsPerShare);
            _positions[borrower].debtUnits = position.debtUnits;
        }
    }

    /// @dev Repays the position's debt with its pending revenue and credits what is left (the surplus over the debt,
    /// or all of it when it is worth less than one debt unit); moves the snapshot to `pointsPerShare`. Writes the
    /// earnings; returns the position with its new debt units for the caller to write.
    function _applyRevenue(
        address borrower,
        Position memory position,
        Earnings memory earnings,
        uint256 pointsPerShare
    ) private returns (Position memory) {
        uint256 pending = _pending(position.collateral, earnings.revenueSnapshot, pointsPerShare);
        earnings.revenueSnapshot = uint128(pointsPerShare);
        uint256 repaid;
        uint256 units;
        if (position.debtUnits != 0 && pending != 0) {
            uint256 index = VAULT.accrue(); // the repayment below then accrues nothing more
            uint256 debt = _debt(position.debtUnits, index);
            if (pending >= debt) {
                repaid = debt; // burns every unit
            } else if (pending.mulDiv(WAD, index) != 0) {
                repaid = pending; // burns floor(pending / index) units: the sub-unit remainder goes to the lenders
            }
            if (repaid != 0) {
                _ensureCash(repaid);
                units = VAULT.repay(repaid);
                position.debtUnits -= uint96(units);
            }
        }
        uint256 credited = pending - repaid;
        if (credited != 0) {
            earnings.credit = SafeCast.toUint128(earnings.credit + credited);
            _totalCredit += credited;
        }
        _earnings[borrower] = earnings;
        if (pending != 0) emit RevenueApplied(borrower, repaid, credited, units);
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
        Config memory risk = _config;
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
        Config storage config = _config;
        (config.maxLtvBps, config.liquidationLtvBps, config.liquidationBonusBps, config.closeFactorBps) =
            (risk.maxLtvBps, risk.liquidationLtvBps, risk.liquidationBonusBps, risk.closeFactorBps);
        config.dustDebt = uint88(risk.dustDebt); // <= MAX_DUST_DEBT < 2^88
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

    function _requireNotFrozen(address account) private view {
        if (COMPLIANCE.investorOf(account).frozen || SHARES.isFrozen(account)) {
            revert CollateralMarketNotCompliant(account);
        }
    }

    function _pending(uint256 collateral, uint256 snapshot, uint256 pointsPerShare) private pure returns (uint256) {
        return collateral * (pointsPerShare - snapshot) / MAGNITUDE;
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
