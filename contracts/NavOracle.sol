// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IAssetSharesFactory} from "./interfaces/IAssetSharesFactory.sol";
import {INavOracle} from "./interfaces/INavOracle.sol";
import {IRevenueRouter} from "./interfaces/IRevenueRouter.sol";

/// @title NavOracle
/// @notice Price per share of each compute asset: the lower of a signed appraisal and a multiple of the asset's
/// trailing attested net revenue (see {INavOracle}).
/// @dev Governance functions are `restricted` (AccessManager: GOVERNOR). Does not check that an asset exists, is
/// active, or has shares (an asset without shares has a revenue price of zero, so a price of zero); nor what an
/// appraiser's figure rests on: appraisers are trusted for the appraisal leg, bounded per update by `maxChangeBps`
/// and capped by the revenue leg.
contract NavOracle is INavOracle, AccessManaged, EIP712 {
    bytes32 private constant APPRAISAL_TYPEHASH =
        keccak256("Appraisal(uint256 assetId,uint256 pricePerShare,uint64 timestamp,uint64 nonce)");
    uint256 private constant BPS = 10_000;
    uint256 private constant YEAR_SECONDS = 365 days;
    uint256 private constant SHARE_UNIT = 1e18;

    /// @inheritdoc INavOracle
    uint256 public constant MIN_HEARTBEAT = 1 hours;
    /// @inheritdoc INavOracle
    uint256 public constant MAX_HEARTBEAT = 30 days;
    /// @inheritdoc INavOracle
    uint256 public constant MIN_CHANGE_BPS = 100;
    /// @inheritdoc INavOracle
    uint256 public constant MAX_CHANGE_BPS = 5_000;
    /// @inheritdoc INavOracle
    uint256 public constant MIN_MULTIPLE_BPS = 1_000;
    /// @inheritdoc INavOracle
    uint256 public constant MAX_MULTIPLE_BPS = 100_000;
    /// @inheritdoc INavOracle
    uint256 public constant MIN_REVENUE_WINDOW = 7 days;
    /// @inheritdoc INavOracle
    uint256 public constant MAX_REVENUE_WINDOW = 365 days;

    /// @inheritdoc INavOracle
    IRevenueRouter public immutable ROUTER;
    /// @inheritdoc INavOracle
    IAssetSharesFactory public immutable FACTORY;

    /// @dev The governed parameters, in one slot (each bounded far below 2^32 by its setter).
    struct Params {
        uint32 heartbeat;
        uint32 maxChangeBps;
        uint32 multipleBps;
        uint32 revenueWindow;
    }

    /// @dev An accepted appraisal, in one slot; `timestamp == 0` means none.
    struct Stored {
        uint128 pricePerShare;
        uint64 timestamp;
        uint64 nonce;
    }

    /// @dev A recorded revenue price, in one slot; `updatedAt == 0` means none.
    struct RevenueLeg {
        uint128 price;
        uint64 updatedAt;
    }

    Params private _params;
    /// @inheritdoc INavOracle
    mapping(address account => bool) public isAppraiser;
    mapping(uint256 assetId => Stored) private _appraisals;
    mapping(uint256 assetId => RevenueLeg) private _revenueLegs;

    constructor(
        address initialAuthority,
        IRevenueRouter router,
        IAssetSharesFactory factory,
        uint256 heartbeat_,
        uint256 maxChangeBps_,
        uint256 multipleBps_,
        uint256 revenueWindow_
    ) AccessManaged(initialAuthority) EIP712("CAP NavOracle", "1") {
        if (initialAuthority == address(0) || address(router) == address(0) || address(factory) == address(0)) {
            revert NavOracleZeroAddress();
        }
        address routerFactory = address(router.FACTORY());
        if (address(factory) != routerFactory) revert NavOracleFactoryMismatch(address(factory), routerFactory);
        ROUTER = router;
        FACTORY = factory;
        _setHeartbeat(heartbeat_);
        _setMaxChangeBps(maxChangeBps_);
        _setMultipleBps(multipleBps_);
        _setRevenueWindow(revenueWindow_);
    }

    // ---------------------------------------------------------------- actions

    /// @inheritdoc INavOracle
    /// @dev Checks (cheapest first, the signature last), then stores, then emits.
    function submitAppraisal(Appraisal calldata appraisal, bytes calldata signature) external {
        uint256 assetId = appraisal.assetId;
        uint256 price = appraisal.pricePerShare;
        if (price == 0 || price > type(uint128).max) revert NavOracleInvalidPrice(price);
        if (appraisal.timestamp > block.timestamp) {
            revert NavOracleFutureTimestamp(appraisal.timestamp, block.timestamp);
        }
        uint256 heartbeat_ = _params.heartbeat;
        if (block.timestamp - appraisal.timestamp > heartbeat_) {
            revert NavOracleExpiredAppraisal(appraisal.timestamp, heartbeat_);
        }
        Stored memory previous = _appraisals[assetId];
        uint256 expectedNonce;
        if (previous.timestamp != 0) {
            if (appraisal.timestamp <= previous.timestamp) {
                revert NavOracleOutdatedAppraisal(assetId, appraisal.timestamp, previous.timestamp);
            }
            expectedNonce = uint256(previous.nonce) + 1;
            uint256 maxChange = _params.maxChangeBps;
            uint256 previousPrice = previous.pricePerShare;
            uint256 change = price > previousPrice ? price - previousPrice : previousPrice - price;
            // Both products fit: prices are below 2^128 and the bounds below 2^32.
            if (change * BPS > previousPrice * maxChange) {
                revert NavOracleChangeTooLarge(assetId, previousPrice, price, maxChange);
            }
        }
        if (appraisal.nonce != expectedNonce) revert NavOracleInvalidNonce(assetId, appraisal.nonce, expectedNonce);

        (address signer, ECDSA.RecoverError recoverError,) =
            ECDSA.tryRecoverCalldata(appraisalDigest(appraisal), signature);
        if (recoverError != ECDSA.RecoverError.NoError) revert NavOracleInvalidSignature();
        if (!isAppraiser[signer]) revert NavOracleUnauthorizedAppraiser(signer);

        // The cast is exact: the price was checked to fit 128 bits.
        _appraisals[assetId] =
            Stored({pricePerShare: uint128(price), timestamp: appraisal.timestamp, nonce: appraisal.nonce});
        emit AppraisalSubmitted(assetId, signer, price, appraisal.timestamp, appraisal.nonce);
        _updateRevenuePrice(assetId);
    }

    /// @inheritdoc INavOracle
    function updateRevenuePrice(uint256 assetId) external returns (uint256) {
        return _updateRevenuePrice(assetId);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc INavOracle
    function setAppraiser(address appraiser, bool enabled) external restricted {
        if (appraiser == address(0)) revert NavOracleZeroAddress();
        if (isAppraiser[appraiser] == enabled) revert NavOracleAppraiserStatusUnchanged(appraiser, enabled);
        isAppraiser[appraiser] = enabled;
        emit AppraiserSet(appraiser, enabled);
    }

    /// @inheritdoc INavOracle
    function setHeartbeat(uint256 heartbeat_) external restricted {
        _setHeartbeat(heartbeat_);
    }

    /// @inheritdoc INavOracle
    function setMaxChangeBps(uint256 maxChangeBps_) external restricted {
        _setMaxChangeBps(maxChangeBps_);
    }

    /// @inheritdoc INavOracle
    function setMultipleBps(uint256 multipleBps_) external restricted {
        _setMultipleBps(multipleBps_);
    }

    /// @inheritdoc INavOracle
    function setRevenueWindow(uint256 revenueWindow_) external restricted {
        _setRevenueWindow(revenueWindow_);
    }

    // ---------------------------------------------------------------- internal

    function _setHeartbeat(uint256 value) private {
        if (value < MIN_HEARTBEAT || value > MAX_HEARTBEAT) revert NavOracleInvalidHeartbeat(value);
        _params.heartbeat = uint32(value); // exact: at most MAX_HEARTBEAT < 2^32
        emit HeartbeatSet(value);
    }

    function _setMaxChangeBps(uint256 value) private {
        if (value < MIN_CHANGE_BPS || value > MAX_CHANGE_BPS) revert NavOracleInvalidMaxChange(value);
        _params.maxChangeBps = uint32(value); // exact: at most MAX_CHANGE_BPS < 2^32
        emit MaxChangeSet(value);
    }

    function _setMultipleBps(uint256 value) private {
        if (value < MIN_MULTIPLE_BPS || value > MAX_MULTIPLE_BPS) revert NavOracleInvalidMultiple(value);
        _params.multipleBps = uint32(value); // exact: at most MAX_MULTIPLE_BPS < 2^32
        emit MultipleSet(value);
    }

    function _setRevenueWindow(uint256 value) private {
        if (value < MIN_REVENUE_WINDOW || value > MAX_REVENUE_WINDOW || value % 1 days != 0) {
            revert NavOracleInvalidRevenueWindow(value);
        }
        _params.revenueWindow = uint32(value); // exact: at most MAX_REVENUE_WINDOW < 2^32
        emit RevenueWindowSet(value);
    }

    /// @dev Fresh: an appraisal exists and at most `heartbeat` seconds have passed since its timestamp.
    function _updateRevenuePrice(uint256 assetId) private returns (uint256 price) {
        // Saturates: a revenue price beyond 2^128 - 1 (absurd) is recorded as the largest one; the min with the
        // appraisal (below 2^128) makes the difference moot.
        price = Math.min(revenuePriceOf(assetId), type(uint128).max);
        _revenueLegs[assetId] = RevenueLeg({price: uint128(price), updatedAt: uint64(block.timestamp)});
        emit RevenuePriceUpdated(assetId, price);
    }

    function _isFresh(Stored memory stored) private view returns (bool) {
        return stored.timestamp != 0 && block.timestamp - stored.timestamp <= _params.heartbeat;
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc INavOracle
    function heartbeat() external view returns (uint256) {
        return _params.heartbeat;
    }

    /// @inheritdoc INavOracle
    function maxChangeBps() external view returns (uint256) {
        return _params.maxChangeBps;
    }

    /// @inheritdoc INavOracle
    function multipleBps() external view returns (uint256) {
        return _params.multipleBps;
    }

    /// @inheritdoc INavOracle
    function revenueWindow() external view returns (uint256) {
        return _params.revenueWindow;
    }

    /// @inheritdoc INavOracle
    function priceOf(uint256 assetId) external view returns (uint256 price, bool fresh) {
        Stored memory stored = _appraisals[assetId];
        if (stored.timestamp == 0) return (0, false);
        RevenueLeg memory leg = _revenueLegs[assetId]; // recorded with the first appraisal at the latest
        price = Math.min(stored.pricePerShare, leg.price);
        fresh = _isFresh(stored) && block.timestamp - leg.updatedAt <= _params.heartbeat;
    }

    /// @inheritdoc INavOracle
    function recordedRevenuePriceOf(uint256 assetId) external view returns (uint256 revenuePrice, uint256 updatedAt) {
        RevenueLeg memory leg = _revenueLegs[assetId];
        return (leg.price, leg.updatedAt);
    }

    /// @inheritdoc INavOracle
    function appraisalOf(uint256 assetId)
        external
        view
        returns (uint256 pricePerShare, uint256 timestamp, uint256 nonce, bool fresh)
    {
        Stored memory stored = _appraisals[assetId];
        return (stored.pricePerShare, stored.timestamp, stored.nonce, _isFresh(stored));
    }

    /// @inheritdoc INavOracle
    function revenuePriceOf(uint256 assetId) public view returns (uint256) {
        address shares = FACTORY.sharesOf(assetId);
        if (shares == address(0)) return 0;
        uint256 supply = IERC20(shares).totalSupply();
        if (supply == 0) return 0;
        Params memory params = _params;
        uint256 trailing = _trailingNetRevenue(assetId, params.revenueWindow);
        if (trailing == 0) return 0;
        // Annualised value of the asset at the multiple, rounded down, then per 1e18 shares, rounded down.
        uint256 value = Math.mulDiv(trailing, YEAR_SECONDS * params.multipleBps, uint256(params.revenueWindow) * BPS);
        return Math.mulDiv(value, SHARE_UNIT, supply);
    }

    /// @inheritdoc INavOracle
    function trailingNetRevenueOf(uint256 assetId) external view returns (uint256) {
        return _trailingNetRevenue(assetId, _params.revenueWindow);
    }

    /// @inheritdoc INavOracle
    function nextNonce(uint256 assetId) external view returns (uint256) {
        Stored memory stored = _appraisals[assetId];
        return stored.timestamp == 0 ? 0 : uint256(stored.nonce) + 1;
    }

    /// @inheritdoc INavOracle
    function appraisalDigest(Appraisal calldata appraisal) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    APPRAISAL_TYPEHASH, appraisal.assetId, appraisal.pricePerShare, appraisal.timestamp, appraisal.nonce
                )
            )
        );
    }

    /// @dev The router counts the days after the day of `from` up to the day of `to`: with `from = now - window` and a
    /// window of whole days, that is the current day and the `window / 1 days - 1` days before it.
    function _trailingNetRevenue(uint256 assetId, uint256 window) private view returns (uint256) {
        uint256 from = block.timestamp > window ? block.timestamp - window : 0;
        return ROUTER.netRevenueBetween(assetId, from, block.timestamp);
    }
}
