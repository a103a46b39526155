// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAssetSharesFactory} from "./IAssetSharesFactory.sol";
import {IRevenueRouter} from "./IRevenueRouter.sol";

/// @title INavOracle — the price of a compute asset's shares
/// @notice Price per share, in stablecoin units per 1e18 shares, for each fractionalized asset:
///
///   price = min(appraisalPrice, revenuePrice)
///
/// - appraisalPrice: the latest appraisal signed (EIP-712, {Appraisal}) by a governance-appointed appraiser and
///   submitted by anyone. An appraisal is accepted only when its timestamp is later than the asset's last one and not
///   in the future, its nonce is the asset's next one (0, 1, 2, ...), and its price is non-zero and within
///   `maxChangeBps` of the previous appraisal (the first appraisal of an asset is free). It is fresh for `heartbeat`
///   seconds after its timestamp, stale afterwards.
/// - revenuePrice: a governance-set multiple of the asset's trailing attested revenue, annualised:
///
///     trailing     = router.netRevenueBetween(assetId, now - revenueWindow, now)   (the holders' part, all sources)
///     revenuePrice = trailing * (365 days / revenueWindow) * multipleBps / 10_000 * 1e18 / totalSupply
///
///   with totalSupply the supply of the asset's share token (`FACTORY.sharesOf`); rounded down at each division.
///   The router's checkpoints are per UTC day and `revenueWindow` is whole days, so `trailing` is the revenue of the
///   current (partial) day and the `revenueWindow / 1 days - 1` whole days before it: early in a day it reads a little
///   low, which errs on the lenders' side. An asset without shares, with zero supply, or without revenue in the window
///   has a revenue price of zero.
///
/// Because the price is the lower of the two, an appraisal cannot talk the shares above what the machine earns, and
/// revenue pushed through the router cannot lift them above the appraisal.
///
/// The revenue leg is read from the router's checkpoints (four sources, two days each: ~25,000 gas), so `priceOf`
/// uses the value last recorded by `updateRevenuePrice` (anyone may call it; every accepted appraisal calls it too),
/// and a recorded value is fresh for `heartbeat` seconds, as an appraisal is. `revenuePriceOf` is the live value.
/// Whoever the live value favours has the incentive to record it: a liquidator when revenue fell, a borrower when it
/// rose; and the trailing window moves slowly (a day is 1/30 of a 30-day window), so a recorded value is close to the
/// live one for as long as it is fresh.
///
/// Stale-price policy (what the collateral markets should do; this oracle only reports):
/// - `priceOf` returns `fresh = false` when the asset has no appraisal, or its appraisal or recorded revenue price is
///   stale. On a price that is
///   not fresh, markets refuse new borrowing and collateral withdrawal.
/// - Liquidation stays open on a stale price, valued at min(stale appraisal, current revenue price) — exactly what
///   `priceOf` returns: a lapsed appraiser must never shield an unhealthy position, and the revenue leg keeps tracking
///   what the machine earns. With no appraisal at all the price is zero (such collateral cannot back any debt).
///
/// @dev TRUST: governance (GOVERNOR) appoints the appraisers and sets the parameters within the bounds below.
/// CAUTION: an appraiser can move the price by up to `maxChangeBps` per appraisal and may sign several in a row (each
/// with a later timestamp), so the bound limits a single mistaken or replayed signature, not a compromised key; a
/// compromised appraiser can lower prices (and trigger liquidations) but cannot raise the price above the revenue leg.
/// CAUTION: the revenue leg counts whatever the router recorded: the operator (and a registered rent source) can
/// deposit their own money to raise it, buying price at `365 days / revenueWindow * multipleBps / 10_000` times the
/// holders' part deposited; the appraisal caps that. Changing `heartbeat` changes the freshness of the appraisals
/// already stored; changing `revenueWindow` or `multipleBps` reprices every asset at once.
/// Does not check that an asset exists or is active in the registry (an appraisal for an unknown id is stored and
/// prices nothing that a market holds).
interface INavOracle {
    /// @notice The EIP-712 message an appraiser signs.
    /// @param assetId the ComputeAssetRegistry token id
    /// @param pricePerShare stablecoin units per 1e18 shares
    /// @param timestamp when the appraisal was made (unix seconds)
    /// @param nonce the asset's appraisal sequence number: 0 for the first, then one more each time
    struct Appraisal {
        uint256 assetId;
        uint256 pricePerShare;
        uint64 timestamp;
        uint64 nonce;
    }

    // ---------------------------------------------------------------- errors

    /// @notice The zero address as authority, router, factory or appraiser.
    error NavOracleZeroAddress();
    /// @notice The factory is not the router's factory.
    error NavOracleFactoryMismatch(address factory, address routerFactory);
    /// @notice `setAppraiser` that would not change the appraiser's status.
    error NavOracleAppraiserStatusUnchanged(address appraiser, bool enabled);
    /// @notice A heartbeat outside [MIN_HEARTBEAT, MAX_HEARTBEAT].
    error NavOracleInvalidHeartbeat(uint256 heartbeat);
    /// @notice A change bound outside [MIN_CHANGE_BPS, MAX_CHANGE_BPS].
    error NavOracleInvalidMaxChange(uint256 maxChangeBps);
    /// @notice A revenue multiple outside [MIN_MULTIPLE_BPS, MAX_MULTIPLE_BPS].
    error NavOracleInvalidMultiple(uint256 multipleBps);
    /// @notice A revenue window outside [MIN_REVENUE_WINDOW, MAX_REVENUE_WINDOW] or not whole days.
    error NavOracleInvalidRevenueWindow(uint256 revenueWindow);
    /// @notice The signature is malformed (bad length, high s, or no signer recovered).
    error NavOracleInvalidSignature();
    /// @notice The signature recovers to an address that is not an appraiser (also what a signature made for another
    /// chain, contract or message gives).
    error NavOracleUnauthorizedAppraiser(address signer);
    /// @notice A zero price, or one above 2^128 - 1.
    error NavOracleInvalidPrice(uint256 pricePerShare);
    /// @notice The appraisal's timestamp lies after the current block's.
    error NavOracleFutureTimestamp(uint256 timestamp, uint256 blockTimestamp);
    /// @notice The appraisal is not later than the asset's last accepted one.
    error NavOracleOutdatedAppraisal(uint256 assetId, uint256 timestamp, uint256 lastTimestamp);
    /// @notice The appraisal is already older than the heartbeat: it would be stale on arrival.
    error NavOracleExpiredAppraisal(uint256 timestamp, uint256 heartbeat);
    /// @notice The nonce is not the asset's next one.
    error NavOracleInvalidNonce(uint256 assetId, uint256 nonce, uint256 expected);
    /// @notice The price moves further than `maxChangeBps` from the previous appraisal.
    error NavOracleChangeTooLarge(uint256 assetId, uint256 previousPrice, uint256 pricePerShare, uint256 maxChangeBps);

    // ---------------------------------------------------------------- events

    event AppraisalSubmitted(
        uint256 indexed assetId, address indexed appraiser, uint256 pricePerShare, uint64 timestamp, uint64 nonce
    );
    /// @notice The revenue leg of `assetId`'s price was recorded.
    event RevenuePriceUpdated(uint256 indexed assetId, uint256 revenuePrice);
    event AppraiserSet(address indexed appraiser, bool enabled);
    event HeartbeatSet(uint256 heartbeat);
    event MaxChangeSet(uint256 maxChangeBps);
    event MultipleSet(uint256 multipleBps);
    event RevenueWindowSet(uint256 revenueWindow);

    // ---------------------------------------------------------------- actions

    /// @notice Stores an appraisal signed by an appraiser; anyone may submit it.
    /// @param signature the appraiser's 65-byte `r || s || v` signature of `appraisalDigest(appraisal)`
    function submitAppraisal(Appraisal calldata appraisal, bytes calldata signature) external;

    /// @notice Records the asset's live revenue price (anyone; keepers and liquidators). Returns it.
    function updateRevenuePrice(uint256 assetId) external returns (uint256 revenuePrice);

    // ---------------------------------------------------------------- governance (restricted)

    /// @notice Appoints (`enabled`) or removes an appraiser. Appraisals it signed earlier stay valid.
    function setAppraiser(address appraiser, bool enabled) external;

    /// @notice Sets how long an appraisal stays fresh after its timestamp.
    function setHeartbeat(uint256 heartbeat) external;

    /// @notice Sets the largest move of one appraisal from the previous one, in basis points of the previous price.
    function setMaxChangeBps(uint256 maxChangeBps) external;

    /// @notice Sets the multiple of annualised trailing net revenue, in basis points (10_000 = 1x a year's revenue).
    function setMultipleBps(uint256 multipleBps) external;

    /// @notice Sets the trailing revenue window, in seconds (whole days).
    function setRevenueWindow(uint256 revenueWindow) external;

    // ---------------------------------------------------------------- views

    function ROUTER() external view returns (IRevenueRouter);
    function FACTORY() external view returns (IAssetSharesFactory);
    function MIN_HEARTBEAT() external view returns (uint256);
    function MAX_HEARTBEAT() external view returns (uint256);
    function MIN_CHANGE_BPS() external view returns (uint256);
    function MAX_CHANGE_BPS() external view returns (uint256);
    function MIN_MULTIPLE_BPS() external view returns (uint256);
    function MAX_MULTIPLE_BPS() external view returns (uint256);
    function MIN_REVENUE_WINDOW() external view returns (uint256);
    function MAX_REVENUE_WINDOW() external view returns (uint256);

    function heartbeat() external view returns (uint256);
    function maxChangeBps() external view returns (uint256);
    function multipleBps() external view returns (uint256);
    function revenueWindow() external view returns (uint256);
    function isAppraiser(address account) external view returns (bool);

    /// @notice The price per 1e18 shares: min(appraisal, recorded revenue price); `fresh` when the asset has an
    /// appraisal and a recorded revenue price, neither stale. Zero without an appraisal. See the stale-price policy.
    function priceOf(uint256 assetId) external view returns (uint256 price, bool fresh);

    /// @notice The asset's latest accepted appraisal (all zero when it has none) and whether it is fresh.
    function appraisalOf(uint256 assetId)
        external
        view
        returns (uint256 pricePerShare, uint256 timestamp, uint256 nonce, bool fresh);

    /// @notice The revenue price last recorded and when (zeros when never).
    function recordedRevenuePriceOf(uint256 assetId) external view returns (uint256 revenuePrice, uint256 updatedAt);
    /// @notice The live revenue leg of the price (rounded down): see the formula above.
    function revenuePriceOf(uint256 assetId) external view returns (uint256);

    /// @notice The holders' part of the asset's revenue over the trailing window (the current day included).
    function trailingNetRevenueOf(uint256 assetId) external view returns (uint256);

    /// @notice The nonce the asset's next appraisal must carry.
    function nextNonce(uint256 assetId) external view returns (uint256);

    /// @notice The EIP-712 digest an appraiser signs for `appraisal` on this chain and contract.
    function appraisalDigest(Appraisal calldata appraisal) external view returns (bytes32);
}
