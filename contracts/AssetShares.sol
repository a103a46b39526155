// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAssetShares} from "./interfaces/IAssetShares.sol";
import {IComplianceRegistry} from "./interfaces/IComplianceRegistry.sol";
import {IComputeAssetRegistry} from "./interfaces/IComputeAssetRegistry.sol";
import {Holder, HolderLib} from "./libraries/HolderLib.sol";

/// @title AssetShares
/// @notice The share-token logic of one fractionalized compute asset (see IAssetShares). It runs only in ERC-1167
/// clones of the ComplianceRegistry, which inherits it: every state-changing function refuses the registry's own
/// context, and compliance reads go to `_SELF`, the registry, an address the clone's delegatecall made warm.
/// @dev Storage is linear and used only in a clone's context; the registry's own variables (declared in
/// ComplianceRegistry) are used only in the registry's context. Neither context ever writes the other's slots.
/// Not checked here: that the stablecoin is a plain ERC-20 (fee-on-transfer is refused by a balance-delta check;
/// rebasing tokens are unsupported, see SECURITY.md).
abstract contract AssetShares is IAssetShares, ReentrancyGuardTransient {
    using HolderLib for Holder;
    using SafeERC20 for IERC20;

    /// @notice Scale of `pointsPerShare`: revenue lost to rounding per distribution is below supply / MAGNITUDE,
    /// i.e. below one stablecoin unit for any supply up to MAX_SUPPLY.
    uint256 public constant MAGNITUDE = 1e27;
    uint256 public constant MIN_SUPPLY = 1e18;
    uint256 public constant MAX_SUPPLY = 1e27;

    /// @dev The registry (and implementation) address, fixed at its construction.
    address internal immutable _SELF = address(this);
    IERC20 public immutable STABLECOIN;
    IComputeAssetRegistry public immutable ASSETS;

    /// @dev One slot, read by every transfer and claim and written by every distribution and claim.
    /// `accounted` is the stablecoin owed to holders (distributed, not yet claimed, dust included): any balance above
    /// it is revenue not yet distributed. Bounds: pointsPerShare <= cumulative revenue x 1e9 (supply >= 1e18), far
    /// below 2^128 within the correction bound of HolderLib.
    struct Revenue {
        uint128 pointsPerShare;
        uint128 accounted;
    }

    uint256 private _assetId;
    uint256 private _totalSupply;
    Revenue private _revenue;
    bool private _initialized;
    bool private _redeemed;
    mapping(address holder => Holder) private _holders;
    mapping(address owner => mapping(address spender => uint256)) private _allowances;

    constructor(IERC20 stablecoin, IComputeAssetRegistry assets) {
        STABLECOIN = stablecoin;
        ASSETS = assets;
    }

    modifier onlyClone() {
        _checkClone();
        _;
    }

    modifier onlyRegistry() {
        _checkClone();
        if (msg.sender != _SELF) revert IComplianceRegistry.ComplianceRegistryWrongContext();
        _;
    }

    // ---------------------------------------------------------------- factory / registry

    /// @inheritdoc IAssetShares
    function initialize(uint256 assetId_, address recipient, uint256 supply) external onlyClone {
        if (_initialized || !_registry().isShareToken(address(this))) revert AssetSharesAlreadyInitialized();
        if (supply < MIN_SUPPLY || supply > MAX_SUPPLY) revert AssetSharesInvalidSupply(supply);
        _registry().requireCanReceive(recipient);

        _initialized = true;
        _assetId = assetId_;
        _totalSupply = supply;
        _holders[recipient] = HolderLib.pack(supply, false, 0);
        emit SharesInitialized(assetId_, recipient, supply);
        emit Transfer(address(0), recipient, supply);
    }

    /// @inheritdoc IAssetShares
    function setHolderFrozen(address holder, bool frozen) external onlyRegistry {
        Holder h = _holders[holder];
        _holders[holder] = HolderLib.pack(h.balance(), frozen, h.correction());
        emit HolderFrozen(holder, frozen);
    }

    /// @inheritdoc IAssetShares
    function forcedTransfer(address from, address to, uint256 amount) external onlyRegistry {
        _move(from, to, amount, true);
        emit ForcedTransfer(from, to, amount);
    }

    /// @inheritdoc IAssetShares
    function recoverPosition(address lost, address replacement) external onlyRegistry {
        _registry().requireCanReceive(replacement);
        Holder from = _holders[lost];
        Holder to = _holders[replacement];
        if (to.frozen()) revert AssetSharesHolderFrozen(replacement);
        // Balances and corrections are additive: the merged position owes exactly what the two owed.
        _holders[lost] = HolderLib.pack(0, true, 0);
        _holders[replacement] = HolderLib.pack(to.balance() + from.balance(), false, to.correction() + from.correction());
        emit PositionRecovered(lost, replacement, from.balance());
        emit Transfer(lost, replacement, from.balance());
    }

    // ---------------------------------------------------------------- ERC-20

    function transfer(address to, uint256 amount) external onlyClone returns (bool) {
        _move(msg.sender, to, amount, false);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external onlyClone returns (bool) {
        uint256 allowed = _allowances[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert AssetSharesInsufficientAllowance(msg.sender, allowed, amount);
            unchecked {
                _allowances[from][msg.sender] = allowed - amount; // allowed >= amount
            }
        }
        _move(from, to, amount, false);
        return true;
    }

    function approve(address spender, uint256 amount) external onlyClone returns (bool) {
        if (spender == address(0)) revert AssetSharesZeroAddress();
        _allowances[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    // ---------------------------------------------------------------- revenue

    /// @inheritdoc IAssetShares
    function distribute(uint256 amount) external onlyClone nonReentrant {
        if (amount == 0) revert AssetSharesNothingToDistribute(0, _totalSupply);
        STABLECOIN.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _distributeUnaccounted();
        // Less than `amount` arrived: a fee-on-transfer token (more is revenue pushed earlier, now distributed too).
        if (received < amount) revert AssetSharesTransferShortfall(amount, received);
    }

    /// @inheritdoc IAssetShares
    function notifyRevenue() external onlyClone nonReentrant returns (uint256 amount) {
        return _distributeUnaccounted();
    }

    /// @inheritdoc IAssetShares
    function claim() external returns (uint256) {
        return _claim(msg.sender);
    }

    /// @inheritdoc IAssetShares
    function claimFor(address holder) external returns (uint256) {
        return _claim(holder);
    }

    // ---------------------------------------------------------------- redemption

    /// @inheritdoc IAssetShares
    function redeem() external onlyClone nonReentrant {
        Holder h = _holders[msg.sender];
        uint256 supply = _totalSupply;
        if (supply == 0 || h.balance() != supply) revert AssetSharesNotWholeSupply(msg.sender, h.balance(), supply);
        if (h.frozen()) revert AssetSharesHolderFrozen(msg.sender);
        uint256 assetId_ = _assetId;
        if (ASSETS.isBound(assetId_)) revert AssetSharesAssetBound(assetId_);

        // Burning keeps the revenue earned so far claimable: the correction absorbs balance * pointsPerShare.
        int256 earned = SafeCast.toInt256(supply * _revenue.pointsPerShare);
        _holders[msg.sender] = HolderLib.pack(0, false, h.correction() + earned);
        _totalSupply = 0;
        _redeemed = true;
        emit Transfer(msg.sender, address(0), supply);
        emit Redeemed(msg.sender, assetId_);

        ASSETS.safeTransferFrom(address(this), msg.sender, assetId_);
    }

    // ---------------------------------------------------------------- views

    function name() external view returns (string memory) {
        return string.concat("Compute Asset #", Strings.toString(_assetId), " Shares");
    }

    function symbol() external view returns (string memory) {
        return string.concat("CAS-", Strings.toString(_assetId));
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function totalSupply() external view returns (uint256) {
        return _totalSupply;
    }

    function balanceOf(address holder) external view returns (uint256) {
        return _holders[holder].balance();
    }

    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    /// @inheritdoc IAssetShares
    function assetId() external view returns (uint256) {
        return _assetId;
    }

    /// @inheritdoc IAssetShares
    function redeemed() external view returns (bool) {
        return _redeemed;
    }

    /// @inheritdoc IAssetShares
    function pointsPerShare() external view returns (uint256) {
        return _revenue.pointsPerShare;
    }

    /// @inheritdoc IAssetShares
    function accountedRevenue() external view returns (uint256) {
        return _revenue.accounted;
    }

    /// @inheritdoc IAssetShares
    function claimableOf(address holder) external view returns (uint256) {
        return _claimable(_holders[holder], _revenue.pointsPerShare);
    }

    /// @inheritdoc IAssetShares
    function isFrozen(address holder) external view returns (bool) {
        return _holders[holder].frozen();
    }

    /// @dev The token's ERC-1404 check (exposed by ComplianceRegistry.detectTransferRestriction in a clone's context):
    /// exactly what `_move` enforces.
    function _tokenRestriction(address from, address to, uint256 value) internal view returns (uint8) {
        Holder sender = _holders[from];
        if (sender.frozen()) return uint8(IComplianceRegistry.Restriction.SenderFrozen);
        if (sender.balance() < value) return uint8(IComplianceRegistry.Restriction.InsufficientBalance);
        if (_holders[to].frozen()) return uint8(IComplianceRegistry.Restriction.RecipientFrozen);
        return _registry().recipientRestriction(to);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Moves shares and `pointsPerShare * amount` of revenue correction with them, so revenue earned before
    /// the move stays with `from`. A forced move ignores `from`'s freeze. One slot read and written per party.
    function _move(address from, address to, uint256 amount, bool forced) private {
        _registry().requireCanReceive(to);

        Holder sender = _holders[from];
        if (sender.frozen() && !forced) revert AssetSharesHolderFrozen(from);
        uint256 senderBalance = sender.balance();
        if (senderBalance < amount) revert AssetSharesInsufficientBalance(from, senderBalance, amount);
        int256 correction = SafeCast.toInt256(uint256(_revenue.pointsPerShare) * amount);
        unchecked {
            // senderBalance >= amount
            _holders[from] = HolderLib.pack(senderBalance - amount, sender.frozen(), sender.correction() + correction);
        }

        // Read after the sender's write, so that a transfer to oneself is a no-op.
        Holder recipient = _holders[to];
        if (recipient.frozen()) revert AssetSharesHolderFrozen(to);
        unchecked {
            // the sum of balances is the supply, at most MAX_SUPPLY < 2^96
            _holders[to] = HolderLib.pack(recipient.balance() + amount, false, recipient.correction() - correction);
        }
        emit Transfer(from, to, amount);
    }

    function _claim(address holder) private onlyClone nonReentrant returns (uint256 amount) {
        Holder h = _holders[holder];
        if (h.frozen() || _registry().investorOf(holder).frozen) revert AssetSharesHolderFrozen(holder);
        Revenue memory revenue = _revenue;
        amount = _claimable(h, revenue.pointsPerShare);
        if (amount == 0) revert AssetSharesNothingToClaim(holder);

        _holders[holder] = HolderLib.pack(h.balance(), false, h.correction() - SafeCast.toInt256(amount * MAGNITUDE));
        // accounted >= the sum of what holders can claim (dust included), so this cannot underflow.
        _revenue.accounted = revenue.accounted - uint128(amount);
        emit RevenueClaimed(holder, amount);
        STABLECOIN.safeTransfer(holder, amount);
    }

    /// @dev Distributes the stablecoin held above `accounted` to the holders of this instant.
    function _distributeUnaccounted() private returns (uint256 amount) {
        Revenue memory revenue = _revenue;
        uint256 supply = _totalSupply;
        amount = STABLECOIN.balanceOf(address(this)) - revenue.accounted;
        if (amount == 0 || supply == 0) revert AssetSharesNothingToDistribute(amount, supply);

        // Rounds down: what the division drops stays in `accounted` as dust.
        uint256 pointsPerShare_ = revenue.pointsPerShare + amount * MAGNITUDE / supply;
        _revenue = Revenue(SafeCast.toUint128(pointsPerShare_), SafeCast.toUint128(revenue.accounted + amount));
        emit RevenueDistributed(msg.sender, amount, pointsPerShare_);
    }

    /// @dev Rounds down. `balance * pointsPerShare + correction` is what the holder earned, never negative.
    function _claimable(Holder h, uint256 pointsPerShare_) private pure returns (uint256) {
        int256 earned = SafeCast.toInt256(h.balance() * pointsPerShare_) + h.correction();
        return SafeCast.toUint256(earned) / MAGNITUDE;
    }

    function _registry() private view returns (IComplianceRegistry) {
        return IComplianceRegistry(_SELF);
    }

    function _checkClone() private view {
        if (address(this) == _SELF) revert IComplianceRegistry.ComplianceRegistryWrongContext();
    }
}
