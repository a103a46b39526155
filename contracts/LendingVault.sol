// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ILendingVault} from "./interfaces/ILendingVault.sol";
import {IInterestRateModel} from "./interfaces/IInterestRateModel.sol";

/// @title LendingVault
/// @notice The lenders' ERC-4626 pool over the stablecoin, lending its idle cash to registered collateral markets at
/// one utilization-driven rate (see {ILendingVault}).
/// @dev Governance functions are `restricted` (AccessManager: GOVERNOR for markets, reserve factor and reserves;
/// PAUSER for pause). Markets are recognised by the vault's own registry, not by a role. Every function that moves
/// tokens or calls out is `nonReentrant`, and runs checks -> accrue -> effects -> events -> transfers, except the
/// ERC-4626 deposit path, which keeps OpenZeppelin's order (pull the tokens, then mint). Does not check: what a
/// market declares as bad debt, who borrows through a market, the stablecoin's blacklist (a blacklisted receiver or
/// lender makes its own transfer revert).
/// Hot state is packed in two slots (accrual; cash and parameters), so that a deposit that accrues touches two slots.
contract LendingVault is ILendingVault, ERC4626, AccessManaged, ReentrancyGuardTransient {
    using Math for uint256;
    using SafeCast for uint256;
    using SafeERC20 for IERC20;

    uint256 private constant WAD = 1e18;
    uint256 private constant BPS = 10_000;
    /// @dev Shares carry 6 more decimals than the stablecoin (12 for a 6-decimal token): the virtual offset that
    /// makes an inflation attack cost the attacker about a million times what it could take.
    uint8 private constant DECIMALS_OFFSET = 6;

    /// @inheritdoc ILendingVault
    uint256 public constant MAX_RESERVE_FACTOR_BPS = 5_000;
    /// @inheritdoc ILendingVault
    IInterestRateModel public immutable RATE_MODEL;

    /// @dev Slot 1: what every accrual writes.
    struct Accrual {
        uint96 totalDebtUnits;
        uint120 borrowIndex;
        uint40 lastAccrual;
    }

    /// @dev Slot 2: cash, reserves and parameters.
    struct Books {
        uint112 idleCash;
        uint112 reserves;
        uint16 reserveFactorBps;
        bool paused;
    }

    Accrual private _accrual;
    Books private _books;
    // Slot 3: bad-debt record.
    uint128 private _badDebtCovered;
    uint128 private _badDebtSocialized;

    mapping(address market => Market) private _markets;

    /// @param authority the AccessManager
    /// @param stablecoin the asset lent and borrowed (no fee on transfer)
    /// @param rateModel the borrow-rate model, fixed for the vault's life
    /// @param reserveFactorBps_ the initial reserve factor, at most MAX_RESERVE_FACTOR_BPS
    constructor(
        address authority,
        IERC20 stablecoin,
        IInterestRateModel rateModel,
        uint16 reserveFactorBps_,
        string memory name_,
        string memory symbol_
    ) ERC20(name_, symbol_) ERC4626(stablecoin) AccessManaged(authority) {
        if (address(stablecoin) == address(0) || address(rateModel) == address(0)) revert LendingVaultZeroAddress();
        if (reserveFactorBps_ > MAX_RESERVE_FACTOR_BPS) {
            revert LendingVaultReserveFactorTooHigh(reserveFactorBps_, MAX_RESERVE_FACTOR_BPS);
        }
        RATE_MODEL = rateModel;
        _accrual = Accrual({totalDebtUnits: 0, borrowIndex: uint120(WAD), lastAccrual: uint40(block.timestamp)});
        _books.reserveFactorBps = reserveFactorBps_;
        emit ReserveFactorSet(reserveFactorBps_);
    }

    // ---------------------------------------------------------------- lenders (ERC-4626)

    /// @inheritdoc IERC4626
    /// @dev Accrues, then prices the shares on the accrued total, as `previewDeposit` does.
    function deposit(uint256 assets, address receiver)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256 shares)
    {
        (uint256 total, Books memory books) = _accrue();
        uint256 maxAssets = _maxDeposit(books);
        if (assets > maxAssets) revert ERC4626ExceededMaxDeposit(receiver, assets, maxAssets);
        shares = _toShares(assets, total, Math.Rounding.Floor);
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @inheritdoc IERC4626
    function mint(uint256 shares, address receiver)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256 assets)
    {
        (uint256 total, Books memory books) = _accrue();
        uint256 maxShares = _toShares(_maxDeposit(books), total, Math.Rounding.Floor);
        if (shares > maxShares) revert ERC4626ExceededMaxMint(receiver, shares, maxShares);
        assets = _toAssets(shares, total, Math.Rounding.Ceil);
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @inheritdoc IERC4626
    function withdraw(uint256 assets, address receiver, address owner)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256 shares)
    {
        (uint256 total, Books memory books) = _accrue();
        uint256 maxAssets = Math.min(_toAssets(balanceOf(owner), total, Math.Rounding.Floor), books.idleCash);
        if (assets > maxAssets) revert ERC4626ExceededMaxWithdraw(owner, assets, maxAssets);
        shares = _toShares(assets, total, Math.Rounding.Ceil);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
    }

    /// @inheritdoc IERC4626
    function redeem(uint256 shares, address receiver, address owner)
        public
        override(ERC4626, IERC4626)
        nonReentrant
        returns (uint256 assets)
    {
        (uint256 total, Books memory books) = _accrue();
        uint256 maxShares = _maxRedeem(owner, total, books.idleCash);
        if (shares > maxShares) revert ERC4626ExceededMaxRedeem(owner, shares, maxShares);
        assets = _toAssets(shares, total, Math.Rounding.Floor);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
    }

    // ---------------------------------------------------------------- markets

    /// @inheritdoc ILendingVault
    function borrow(uint256 assets, address receiver) external nonReentrant returns (uint256 debtUnits) {
        Market storage market = _markets[msg.sender];
        if (!market.enabled) revert LendingVaultMarketNotEnabled(msg.sender);
        if (_books.paused) revert LendingVaultBorrowingPaused();
        if (assets == 0) revert LendingVaultZeroAmount();
        if (receiver == address(0)) revert LendingVaultZeroAddress();
        _accrue();

        uint256 idle = _books.idleCash;
        if (assets > idle) revert LendingVaultInsufficientLiquidity(assets, idle);
        uint256 index = _accrual.borrowIndex;
        debtUnits = assets.mulDiv(WAD, index, Math.Rounding.Ceil);
        uint256 marketUnits = market.debtUnits + debtUnits;
        uint256 debtAfter = _toDebtUp(marketUnits, index);
        if (debtAfter > market.debtCeiling) {
            revert LendingVaultDebtCeilingExceeded(msg.sender, debtAfter, market.debtCeiling);
        }

        market.debtUnits = marketUnits.toUint96();
        _accrual.totalDebtUnits = SafeCast.toUint96(_accrual.totalDebtUnits + debtUnits);
        _books.idleCash = uint112(idle - assets); // assets <= idle
        emit Borrowed(msg.sender, receiver, assets, debtUnits);
        IERC20(asset()).safeTransfer(receiver, assets);
    }

    /// @inheritdoc ILendingVault
    function repay(uint256 assets) external nonReentrant returns (uint256 debtUnitsBurned) {
        if (assets == 0) revert LendingVaultZeroAmount();
        _accrue();
        debtUnitsBurned = _burnDebtUnits(msg.sender, assets);
        _books.idleCash = SafeCast.toUint112(_books.idleCash + assets);
        emit Repaid(msg.sender, assets, debtUnitsBurned);
        _transferIn(msg.sender, assets);
    }

    /// @inheritdoc ILendingVault
    function repayTransferred(uint256 assets) external nonReentrant returns (uint256 debtUnitsBurned) {
        if (assets == 0) revert LendingVaultZeroAmount();
        _accrue();
        debtUnitsBurned = _burnDebtUnits(msg.sender, assets);
        uint256 idle = _books.idleCash + assets;
        uint256 balance = IERC20(asset()).balanceOf(address(this));
        if (balance < idle) revert LendingVaultTransferShortfall(idle, balance);
        _books.idleCash = idle.toUint112();
        emit Repaid(msg.sender, assets, debtUnitsBurned);
    }

    /// @inheritdoc ILendingVault
    function recognizeBadDebt(uint256 assets) external nonReentrant returns (uint256 debtUnitsBurned) {
        if (assets == 0) revert LendingVaultZeroAmount();
        _accrue();
        uint256 index = _accrual.borrowIndex;
        uint256 debtBefore = _toDebtUp(_accrual.totalDebtUnits, index);
        debtUnitsBurned = _burnDebtUnits(msg.sender, assets);
        uint256 loss = debtBefore - _toDebtUp(_accrual.totalDebtUnits, index);

        uint256 reserves = _books.reserves;
        uint256 covered = Math.min(loss, reserves);
        uint256 socialized = loss - covered;
        _books.reserves = uint112(reserves - covered);
        // Cumulative losses are bounded by cumulative debt, far below 2^128.
        _badDebtCovered += uint128(covered);
        _badDebtSocialized += uint128(socialized);

        emit BadDebtRecognized(msg.sender, assets, debtUnitsBurned);
        if (covered != 0) emit BadDebtCoveredByReserves(msg.sender, covered, reserves - covered);
        if (socialized != 0) emit BadDebtSocialized(msg.sender, socialized, totalAssets());
    }

    /// @inheritdoc ILendingVault
    function accrue() external nonReentrant returns (uint256 borrowIndex_) {
        _accrue();
        return _accrual.borrowIndex;
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc ILendingVault
    function setMarket(address market, bool enabled, uint128 debtCeiling) external restricted {
        if (market == address(0)) revert LendingVaultZeroAddress();
        if (market.code.length == 0) revert LendingVaultInvalidMarket(market);
        Market storage record = _markets[market];
        record.enabled = enabled;
        record.debtCeiling = debtCeiling;
        emit MarketSet(market, enabled, debtCeiling);
    }

    /// @inheritdoc ILendingVault
    function setReserveFactor(uint16 reserveFactorBps_) external restricted nonReentrant {
        if (reserveFactorBps_ > MAX_RESERVE_FACTOR_BPS) {
            revert LendingVaultReserveFactorTooHigh(reserveFactorBps_, MAX_RESERVE_FACTOR_BPS);
        }
        _accrue();
        _books.reserveFactorBps = reserveFactorBps_;
        emit ReserveFactorSet(reserveFactorBps_);
    }

    /// @inheritdoc ILendingVault
    function withdrawReserves(address to, uint256 assets) external restricted nonReentrant {
        if (to == address(0)) revert LendingVaultZeroAddress();
        if (assets == 0) revert LendingVaultZeroAmount();
        _accrue();
        uint256 reserves = _books.reserves;
        if (assets > reserves) revert LendingVaultInsufficientReserves(assets, reserves);
        uint256 idle = _books.idleCash;
        if (assets > idle) revert LendingVaultInsufficientLiquidity(assets, idle);

        _books.reserves = uint112(reserves - assets);
        _books.idleCash = uint112(idle - assets);
        emit ReservesWithdrawn(to, assets);
        IERC20(asset()).safeTransfer(to, assets);
    }

    /// @inheritdoc ILendingVault
    function pause() external restricted {
        if (_books.paused) revert LendingVaultPauseUnchanged(true);
        _books.paused = true;
        emit Paused(_msgSender());
    }

    /// @inheritdoc ILendingVault
    function unpause() external restricted {
        if (!_books.paused) revert LendingVaultPauseUnchanged(false);
        _books.paused = false;
        emit Unpaused(_msgSender());
    }

    // ---------------------------------------------------------------- ERC-4626 views

    /// @inheritdoc IERC4626
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256 total) {
        (total,,,,) = _accruedState();
    }

    /// @inheritdoc IERC4626
    /// @dev 0 while paused; otherwise what the packed cash can still hold.
    function maxDeposit(address) public view override(ERC4626, IERC4626) returns (uint256) {
        return _maxDeposit(_books);
    }

    /// @inheritdoc IERC4626
    function maxMint(address receiver) public view override(ERC4626, IERC4626) returns (uint256) {
        return _convertToShares(maxDeposit(receiver), Math.Rounding.Floor);
    }

    /// @inheritdoc IERC4626
    /// @dev The owner's assets, capped by the idle cash (liquidity lent out cannot be withdrawn).
    function maxWithdraw(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return Math.min(_convertToAssets(balanceOf(owner), Math.Rounding.Floor), _books.idleCash);
    }

    /// @inheritdoc IERC4626
    /// @dev The owner's shares, capped by the shares that the idle cash redeems (rounded down).
    function maxRedeem(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return _maxRedeem(owner, totalAssets(), _books.idleCash);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ILendingVault
    function borrowIndex() external view returns (uint256) {
        (, Accrual memory accrual,,,) = _accruedState();
        return accrual.borrowIndex;
    }

    /// @inheritdoc ILendingVault
    function totalDebt() public view returns (uint256) {
        (, Accrual memory accrual,,,) = _accruedState();
        return _toDebtUp(accrual.totalDebtUnits, accrual.borrowIndex);
    }

    /// @inheritdoc ILendingVault
    function totalDebtUnits() external view returns (uint256) {
        return _accrual.totalDebtUnits;
    }

    /// @inheritdoc ILendingVault
    function idleCash() external view returns (uint256) {
        return _books.idleCash;
    }

    /// @inheritdoc ILendingVault
    function totalReserves() external view returns (uint256) {
        (,, Books memory books,,) = _accruedState();
        return books.reserves;
    }

    /// @inheritdoc ILendingVault
    function utilization() external view returns (uint256) {
        uint256 debt = totalDebt();
        if (debt == 0) return 0;
        return debt.mulDiv(WAD, _books.idleCash + debt);
    }

    /// @inheritdoc ILendingVault
    function borrowRatePerSecond() external view returns (uint256) {
        return RATE_MODEL.borrowRatePerSecond(_books.idleCash, totalDebt());
    }

    /// @inheritdoc ILendingVault
    function reserveFactorBps() external view returns (uint256) {
        return _books.reserveFactorBps;
    }

    /// @inheritdoc ILendingVault
    function paused() external view returns (bool) {
        return _books.paused;
    }

    /// @inheritdoc ILendingVault
    function debtOf(address market) external view returns (uint256) {
        (, Accrual memory accrual,,,) = _accruedState();
        return _toDebtUp(_markets[market].debtUnits, accrual.borrowIndex);
    }

    /// @inheritdoc ILendingVault
    function debtUnitsOf(address market) external view returns (uint256) {
        return _markets[market].debtUnits;
    }

    /// @inheritdoc ILendingVault
    function marketOf(address market) external view returns (Market memory) {
        return _markets[market];
    }

    /// @inheritdoc ILendingVault
    function badDebt() external view returns (uint256 coveredByReserves, uint256 socialized) {
        return (_badDebtCovered, _badDebtSocialized);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Writes the interest accrued since the last accrual (at most once per second); returns the total assets
    /// and the books after it.
    function _accrue() private returns (uint256 total, Books memory books) {
        Accrual memory accrual;
        uint256 interest;
        uint256 toReserves;
        (total, accrual, books, interest, toReserves) = _accruedState();
        if (accrual.lastAccrual == block.timestamp) return (total, books);
        accrual.lastAccrual = uint40(block.timestamp);
        _accrual = accrual;
        if (interest != 0) {
            _books.reserves = books.reserves;
            emit InterestAccrued(interest, toReserves, accrual.borrowIndex);
        }
    }

    /// @dev The state accrued to now, read from storage without writing (see ILendingVault for the formulas): the
    /// total assets, the accrual and books with the new index and reserves (`lastAccrual` left as stored), the
    /// interest since the last accrual and its reserve part.
    function _accruedState()
        private
        view
        returns (uint256 total, Accrual memory accrual, Books memory books, uint256 interest, uint256 toReserves)
    {
        accrual = _accrual;
        books = _books;
        uint256 units = accrual.totalDebtUnits;
        uint256 index = accrual.borrowIndex;
        uint256 debt = _toDebtUp(units, index);
        uint256 elapsed = block.timestamp - accrual.lastAccrual;
        if (elapsed != 0 && units != 0) {
            uint256 ratePerSecond = RATE_MODEL.borrowRatePerSecond(books.idleCash, debt);
            // index < 2^120, elapsed < 2^40 and a bounded model's rate < 2^40: the product fits; an absurd rate
            // reverts.
            index += (index * ratePerSecond * elapsed).ceilDiv(WAD);
            uint256 debtAfter = _toDebtUp(units, index);
            interest = debtAfter - debt;
            toReserves = interest * books.reserveFactorBps / BPS;
            debt = debtAfter;
            accrual.borrowIndex = index.toUint120();
            books.reserves = SafeCast.toUint112(books.reserves + toReserves);
        }
        total = books.idleCash + debt - books.reserves;
    }

    /// @dev Burns the units that `assets` of the market's debt are worth (rounded down), after checking the amount
    /// against the market's debt. Units burned never exceed the market's: `assets <= ceil(u * i / WAD)` implies
    /// `floor(assets * WAD / i) <= u` for `i >= WAD`.
    function _burnDebtUnits(address market, uint256 assets) private returns (uint256 units) {
        Market storage record = _markets[market];
        uint256 index = _accrual.borrowIndex;
        uint256 marketUnits = record.debtUnits;
        uint256 debt = _toDebtUp(marketUnits, index);
        if (assets > debt) revert LendingVaultAmountExceedsDebt(market, assets, debt);
        units = assets.mulDiv(WAD, index);
        if (units == 0) revert LendingVaultDustAmount(assets, index);
        record.debtUnits = uint96(marketUnits - units);
        _accrual.totalDebtUnits = uint96(_accrual.totalDebtUnits - units);
    }

    /// @dev Debt of `units` at `index`, rounded up (against the borrower). Units < 2^96 and index < 2^120: the
    /// product fits in 216 bits.
    function _toDebtUp(uint256 units, uint256 index) private pure returns (uint256) {
        return (units * index).ceilDiv(WAD);
    }

    /// @dev ERC-4626 conversions on a given total (OpenZeppelin's formula, with the virtual offset).
    function _toShares(uint256 assets, uint256 total, Math.Rounding rounding) private view returns (uint256) {
        return assets.mulDiv(totalSupply() + 10 ** DECIMALS_OFFSET, total + 1, rounding);
    }

    function _toAssets(uint256 shares, uint256 total, Math.Rounding rounding) private view returns (uint256) {
        return shares.mulDiv(total + 1, totalSupply() + 10 ** DECIMALS_OFFSET, rounding);
    }

    function _maxDeposit(Books memory books) private pure returns (uint256) {
        if (books.paused) return 0;
        return type(uint112).max - books.idleCash;
    }

    function _maxRedeem(address owner, uint256 total, uint256 idle) private view returns (uint256) {
        uint256 shares = balanceOf(owner);
        if (_toAssets(shares, total, Math.Rounding.Floor) <= idle) return shares;
        return _toShares(idle, total, Math.Rounding.Floor);
    }

    /// @dev Counts the deposit in the idle cash; refuses deposits that round to zero shares.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        if (assets == 0 || shares == 0) revert LendingVaultZeroAmount();
        _books.idleCash = SafeCast.toUint112(_books.idleCash + assets);
        super._deposit(caller, receiver, assets, shares);
    }

    /// @dev Takes the withdrawal from the idle cash (`max*` caps it there); refuses redemptions that round to zero.
    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        if (assets == 0 || shares == 0) revert LendingVaultZeroAmount();
        _books.idleCash = uint112(_books.idleCash - assets); // assets <= maxWithdraw <= idle cash; checked
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    /// @dev Pulls `assets` and checks that they all arrived.
    function _transferIn(address from, uint256 assets) internal override {
        IERC20 token = IERC20(asset());
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), assets);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received < assets) revert LendingVaultTransferShortfall(assets, received);
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }
}
