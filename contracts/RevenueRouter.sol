// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAssetShares} from "./interfaces/IAssetShares.sol";
import {IAssetSharesFactory} from "./interfaces/IAssetSharesFactory.sol";
import {IComputeAssetRegistry} from "./interfaces/IComputeAssetRegistry.sol";
import {IRevenueRouter} from "./interfaces/IRevenueRouter.sol";

/// @title RevenueRouter
/// @notice Splits each deposit of an asset's revenue into the protocol fee, the operator fee and the holders' part,
/// pushes the holders' part into the asset's shares and keeps the cumulative revenue record (see IRevenueRouter).
/// @dev Custody and accounting: the router's stablecoin balance is exactly protocolFeesOwed + the operator fees owed
/// per asset + `owedTo` over all accounts; a deposit adds `amount` to it and pushes `holdersPart` out to the shares
/// (or credits it), within one transaction.
/// A steady deposit (the asset's shares cached, an earlier deposit the same day for the same source) touches four
/// slots: the rent-source flag (Rent only; other sources read the registry's operator instead), the fees with the
/// protocol fees owed, the asset's route with its operator fees owed, and the day's checkpoint of the (asset, source).
/// A checkpoint packs the cumulative gross revenue (high 104 bits) and the cumulative holders' part (low 104 bits) of
/// its source; the net record of an asset is the sum over its four sources. 104 bits hold 2e31 units (2e25 dollars
/// at 6 decimals), 96 bits of operator fees per asset 7.9e28: SafeCast reverts past them (a withdrawal resets the
/// latter, and anyone can trigger it).
/// Not checked here: the asset's status (rent earned before a suspension or retirement is still routed); that the
/// stablecoin is a plain ERC-20 (fee-on-transfer is refused, rebasing tokens are unsupported; into shares the fee is
/// seen at the share token, so stablecoin sent straight to it since its last distribution could hide a fee as small
/// as that amount).
contract RevenueRouter is IRevenueRouter, AccessManaged, ReentrancyGuardTransient {
    using Checkpoints for Checkpoints.Trace208;
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    uint256 private constant NET_BITS = 104;
    uint256 private constant NET_MASK = (1 << NET_BITS) - 1;
    uint256 private constant SOURCE_COUNT = 4;
    /// @dev The record's granularity: checkpoints are keyed by `timestamp / DAY_SECONDS` (UTC days).
    uint256 private constant DAY_SECONDS = 1 days;

    /// @inheritdoc IRevenueRouter
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 2_000;
    /// @inheritdoc IRevenueRouter
    uint256 public constant MAX_OPERATOR_FEE_BPS = 3_000;

    /// @inheritdoc IRevenueRouter
    IERC20 public immutable STABLECOIN;
    /// @inheritdoc IRevenueRouter
    IComputeAssetRegistry public immutable ASSETS;
    /// @inheritdoc IRevenueRouter
    IAssetSharesFactory public immutable FACTORY;

    /// @dev Read and written by every deposit: one slot. The treasury, read only by withdrawals, is apart.
    struct Fees {
        uint16 protocolFeeBps;
        uint16 operatorFeeBps;
        uint128 protocolFeesOwed;
    }

    /// @dev Read and written by every deposit for the asset: one slot. `shares` is zero until the asset's first
    /// deposit or sync, and while it has no live shares.
    struct Route {
        address shares;
        uint96 operatorFeesOwed;
    }

    /// @dev The yield record of one (asset, source): the latest day's checkpoint in one slot, so that a deposit on a
    /// day that already has one reads and writes a single slot; earlier days in an OpenZeppelin Trace208.
    struct Record {
        Checkpoint latest;
        Checkpoints.Trace208 past;
    }

    /// @dev A UTC day and the cumulative value up to its end: gross << 104 | holders' part.
    struct Checkpoint {
        uint48 day;
        uint208 cumulative;
    }

    Fees private _fees;
    /// @inheritdoc IRevenueRouter
    address public treasury;
    /// @inheritdoc IRevenueRouter
    mapping(address account => bool) public isRentSource;
    /// @inheritdoc IRevenueRouter
    mapping(address account => uint256) public owedTo;
    mapping(uint256 assetId => Route) private _routes;
    mapping(uint256 assetId => mapping(Source => Record)) private _revenue;

    constructor(
        address authority,
        IERC20 stablecoin,
        IComputeAssetRegistry assets,
        IAssetSharesFactory factory,
        address treasury_,
        uint256 protocolFeeBps_,
        uint256 operatorFeeBps_
    ) AccessManaged(authority) {
        if (address(stablecoin) == address(0) || address(assets) == address(0) || address(factory) == address(0)) {
            revert RevenueRouterZeroAddress();
        }
        STABLECOIN = stablecoin;
        ASSETS = assets;
        FACTORY = factory;
        _setTreasury(treasury_);
        _setFees(protocolFeeBps_, operatorFeeBps_);
    }

    // ---------------------------------------------------------------- depositors

    /// @inheritdoc IRevenueRouter
    function deposit(uint256 assetId, uint256 amount, Source source) external nonReentrant {
        if (amount == 0) revert RevenueRouterZeroAmount();
        _checkDepositor(assetId, source);
        Route memory route = _routes[assetId];
        // The cached token is live unless redeemed since (zero supply): then the factory says what replaced it.
        address shares = route.shares;
        if (shares == address(0) || IAssetShares(shares).totalSupply() == 0) shares = _liveSharesOf(assetId);

        Fees memory fees = _fees;
        (uint256 protocolFee, uint256 operatorFee, uint256 holdersPart) = _splitDown(amount, fees);
        _fees.protocolFeesOwed = SafeCast.toUint128(fees.protocolFeesOwed + protocolFee);
        _routes[assetId] = Route(shares, SafeCast.toUint96(route.operatorFeesOwed + operatorFee));
        if (shares != route.shares) emit RouteUpdated(assetId, shares);
        address recipient = shares;
        if (shares == address(0)) {
            recipient = ASSETS.ownerOf(assetId);
            owedTo[recipient] += holdersPart;
        }
        _record(assetId, source, amount, holdersPart);
        emit RevenueRouted(assetId, source, recipient, amount, protocolFee, operatorFee, holdersPart);

        if (shares == address(0)) {
            _pullExactly(amount);
        } else {
            // Push, then notify. The share token distributes what it holds above its accounted revenue: a token
            // taking a fee on transfer delivers the push short (cheaper than a balance-delta check on the pull).
            STABLECOIN.safeTransferFrom(msg.sender, address(this), amount);
            STABLECOIN.safeTransfer(shares, holdersPart);
            uint256 distributed = IAssetShares(shares).notifyRevenue();
            if (distributed < holdersPart) revert RevenueRouterTransferShortfall(holdersPart, distributed);
        }
    }

    /// @inheritdoc IRevenueRouter
    function syncRoute(uint256 assetId) external nonReentrant returns (address shares) {
        shares = _liveSharesOf(assetId);
        Route storage route = _routes[assetId];
        if (route.shares != shares) {
            route.shares = shares;
            emit RouteUpdated(assetId, shares);
        }
    }

    // ---------------------------------------------------------------- payees

    /// @inheritdoc IRevenueRouter
    function withdraw() external returns (uint256) {
        return _withdraw(msg.sender);
    }

    /// @inheritdoc IRevenueRouter
    function withdrawFor(address account) external returns (uint256) {
        return _withdraw(account);
    }

    /// @inheritdoc IRevenueRouter
    function withdrawProtocolFees() external nonReentrant returns (uint256 amount) {
        address treasury_ = treasury;
        amount = _fees.protocolFeesOwed;
        if (amount == 0) revert RevenueRouterNothingToWithdraw(treasury_);
        _fees.protocolFeesOwed = 0;
        emit ProtocolFeesWithdrawn(treasury_, amount);
        STABLECOIN.safeTransfer(treasury_, amount);
    }

    /// @inheritdoc IRevenueRouter
    function withdrawOperatorFees(uint256 assetId) external nonReentrant returns (uint256 amount) {
        address operator = ASSETS.operatorOf(assetId);
        amount = _routes[assetId].operatorFeesOwed;
        if (amount == 0) revert RevenueRouterNothingToWithdraw(operator);
        _routes[assetId].operatorFeesOwed = 0;
        emit OperatorFeesWithdrawn(assetId, operator, amount);
        STABLECOIN.safeTransfer(operator, amount);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IRevenueRouter
    function setFees(uint256 protocolFeeBps_, uint256 operatorFeeBps_) external restricted {
        _setFees(protocolFeeBps_, operatorFeeBps_);
    }

    /// @inheritdoc IRevenueRouter
    function setTreasury(address treasury_) external restricted {
        _setTreasury(treasury_);
    }

    /// @inheritdoc IRevenueRouter
    function setRentSource(address source, bool enabled) external restricted {
        if (source == address(0)) revert RevenueRouterZeroAddress();
        isRentSource[source] = enabled;
        emit RentSourceSet(source, enabled);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRevenueRouter
    function protocolFeeBps() external view returns (uint256) {
        return _fees.protocolFeeBps;
    }

    /// @inheritdoc IRevenueRouter
    function operatorFeeBps() external view returns (uint256) {
        return _fees.operatorFeeBps;
    }

    /// @inheritdoc IRevenueRouter
    function protocolFeesOwed() external view returns (uint256) {
        return _fees.protocolFeesOwed;
    }

    /// @inheritdoc IRevenueRouter
    function operatorFeesOwed(uint256 assetId) external view returns (uint256) {
        return _routes[assetId].operatorFeesOwed;
    }

    /// @inheritdoc IRevenueRouter
    function routeOf(uint256 assetId) external view returns (address) {
        return _routes[assetId].shares;
    }

    /// @inheritdoc IRevenueRouter
    function previewSplit(uint256 amount)
        external
        view
        returns (uint256 protocolFee, uint256 operatorFee, uint256 holdersPart)
    {
        return _splitDown(amount, _fees);
    }

    /// @inheritdoc IRevenueRouter
    function cumulativeRevenueAt(uint256 assetId, Source source, uint256 timestamp) external view returns (uint256) {
        return _grossAt(assetId, source, timestamp);
    }

    /// @inheritdoc IRevenueRouter
    function cumulativeNetRevenueAt(uint256 assetId, uint256 timestamp) external view returns (uint256) {
        return _netAt(assetId, timestamp);
    }

    /// @inheritdoc IRevenueRouter
    function revenueBetween(uint256 assetId, Source source, uint256 from, uint256 to) external view returns (uint256) {
        if (from > to) revert RevenueRouterInvalidRange(from, to);
        // Cumulative values never decrease, so the difference is never negative.
        return _grossAt(assetId, source, to) - _grossAt(assetId, source, from);
    }

    /// @inheritdoc IRevenueRouter
    function netRevenueBetween(uint256 assetId, uint256 from, uint256 to) external view returns (uint256) {
        if (from > to) revert RevenueRouterInvalidRange(from, to);
        return _netAt(assetId, to) - _netAt(assetId, from);
    }

    /// @inheritdoc IRevenueRouter
    function totalRevenueOf(uint256 assetId, Source source) external view returns (uint256) {
        return _revenue[assetId][source].latest.cumulative >> NET_BITS;
    }

    /// @inheritdoc IRevenueRouter
    function totalNetRevenueOf(uint256 assetId) external view returns (uint256 total) {
        for (uint256 i; i < SOURCE_COUNT; ++i) {
            total += _revenue[assetId][Source(i)].latest.cumulative & NET_MASK;
        }
    }

    /// @inheritdoc IRevenueRouter
    function checkpointCount(uint256 assetId, Source source) external view returns (uint256) {
        Record storage record = _revenue[assetId][source];
        return record.past.length() + (record.latest.cumulative == 0 ? 0 : 1);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Rent from a registered rent source; any other source from the asset's operator (an unknown asset has none).
    function _checkDepositor(uint256 assetId, Source source) private view {
        if (source == Source.Rent) {
            if (isRentSource[msg.sender]) return;
        } else {
            address operator = ASSETS.operatorOf(assetId);
            if (operator == address(0)) revert RevenueRouterUnknownAsset(assetId);
            if (msg.sender == operator) return;
        }
        revert RevenueRouterUnauthorizedDepositor(msg.sender, assetId, source);
    }

    /// @dev The asset's live share token from the factory, zero when it has none (never fractionalized, or redeemed:
    /// a redeemed token has no supply left, and the asset's revenue goes to the NFT's owner). The cold path.
    function _liveSharesOf(uint256 assetId) private view returns (address shares) {
        if (ASSETS.operatorOf(assetId) == address(0)) revert RevenueRouterUnknownAsset(assetId);
        shares = FACTORY.sharesOf(assetId);
        if (shares != address(0) && IAssetShares(shares).totalSupply() == 0) shares = address(0);
    }

    /// @dev Both fees round down; the holders' part is the remainder, so the parts add up to `amount`.
    function _splitDown(uint256 amount, Fees memory fees)
        private
        pure
        returns (uint256 protocolFee, uint256 operatorFee, uint256 holdersPart)
    {
        protocolFee = amount * fees.protocolFeeBps / BPS;
        operatorFee = amount * fees.operatorFeeBps / BPS;
        unchecked {
            // protocolFee + operatorFee <= amount * (MAX_PROTOCOL_FEE_BPS + MAX_OPERATOR_FEE_BPS) / BPS <= amount / 2
            holdersPart = amount - protocolFee - operatorFee;
        }
    }

    /// @dev Adds the deposit to the (asset, source) record: one checkpoint per day, updated in place within it. On a
    /// day's first deposit, the previous day's checkpoint (if any) moves to the history.
    function _record(uint256 assetId, Source source, uint256 amount, uint256 holdersPart) private {
        Record storage record = _revenue[assetId][source];
        Checkpoint memory latest = record.latest;
        uint48 today = SafeCast.toUint48(block.timestamp / DAY_SECONDS);
        if (latest.day != today && latest.cumulative != 0) record.past.push(latest.day, latest.cumulative);
        uint256 gross = (latest.cumulative >> NET_BITS) + amount;
        uint256 net = (latest.cumulative & NET_MASK) + holdersPart;
        record.latest = Checkpoint(today, uint208(SafeCast.toUint104(gross)) << NET_BITS | SafeCast.toUint104(net));
    }

    /// @dev Pulls `amount` from the caller, refusing any shortfall (balance-delta check).
    function _pullExactly(uint256 amount) private {
        uint256 balanceBefore = STABLECOIN.balanceOf(address(this));
        STABLECOIN.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = STABLECOIN.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert RevenueRouterTransferShortfall(amount, received);
    }

    function _withdraw(address account) private nonReentrant returns (uint256 amount) {
        amount = owedTo[account];
        if (amount == 0) revert RevenueRouterNothingToWithdraw(account);
        owedTo[account] = 0;
        emit Withdrawn(account, amount);
        STABLECOIN.safeTransfer(account, amount);
    }

    function _setFees(uint256 protocolFeeBps_, uint256 operatorFeeBps_) private {
        if (protocolFeeBps_ > MAX_PROTOCOL_FEE_BPS || operatorFeeBps_ > MAX_OPERATOR_FEE_BPS) {
            revert RevenueRouterInvalidFees(protocolFeeBps_, operatorFeeBps_);
        }
        // Both fit in 16 bits: bounded above.
        _fees.protocolFeeBps = uint16(protocolFeeBps_);
        _fees.operatorFeeBps = uint16(operatorFeeBps_);
        emit FeesSet(protocolFeeBps_, operatorFeeBps_);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert RevenueRouterZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    /// @dev The cumulative value up to the end of the day of `timestamp`; days past 2^48 read the latest value.
    function _at(uint256 assetId, Source source, uint256 timestamp) private view returns (uint256) {
        uint256 day = timestamp / DAY_SECONDS;
        Record storage record = _revenue[assetId][source];
        Checkpoint memory latest = record.latest;
        if (day >= latest.day) return latest.cumulative;
        return record.past.upperLookupRecent(uint48(day)); // day < latest.day < 2^48
    }

    function _grossAt(uint256 assetId, Source source, uint256 timestamp) private view returns (uint256) {
        return _at(assetId, source, timestamp) >> NET_BITS;
    }

    function _netAt(uint256 assetId, uint256 timestamp) private view returns (uint256 net) {
        for (uint256 i; i < SOURCE_COUNT; ++i) {
            net += _at(assetId, Source(i), timestamp) & NET_MASK;
        }
    }
}
