// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IAssetSharesFactory} from "./IAssetSharesFactory.sol";
import {IComputeAssetRegistry} from "./IComputeAssetRegistry.sol";

/// @title IRevenueRouter
/// @notice Where every stablecoin an asset earns goes: earned rent released by the lease market, and revenue an
/// operator deposits from other sources (inference, mining). Each deposit is split into the protocol fee, the
/// operator fee and the holders' part (basis points set by governance within bounds); the holders' part is pushed
/// into the asset's share token (transfer, then `IAssetShares.notifyRevenue`), or credited to the asset's owner when
/// it has no live shares.
/// Cumulative revenue checkpoints per asset and source, one per UTC day (day = timestamp / 1 days), are the on-chain
/// yield record that the NAV oracle reads (trailing revenue over any window of whole days in O(log n)).
///
/// Who may deposit: rent (Source.Rent) only from an address governance registered as a rent source (the lease
/// market); every other source only from the asset's operator (`IComputeAssetRegistry.operatorOf`).
///
/// Split, for a deposit of `amount`:
///   protocolFee = amount * protocolFeeBps / 10_000   (rounded down)
///   operatorFee = amount * operatorFeeBps / 10_000   (rounded down)
///   holdersPart = amount - protocolFee - operatorFee (the remainder: the rounding goes to the holders)
/// so the three parts add up to `amount` exactly and nothing stays in the router unaccounted. The fees together are
/// at most half of `amount`, so the holders' part of a deposit is never zero.
///
/// Payouts: the holders' part is pushed into the share token in the same transaction. Everything else is a pull
/// balance, paid only to its payee and never paused, so that a blacklisted or frozen payee never blocks routing:
/// - protocol fees accrue in one sum, paid by `withdrawProtocolFees` to the treasury of the moment of withdrawal;
/// - operator fees accrue per asset, paid by `withdrawOperatorFees(assetId)` to the asset's operator (fixed at
///   registration in the ComputeAssetRegistry);
/// - the holders' part of an asset without live shares is credited to the NFT's owner at the deposit (`owedTo`).
/// Invariant (between transactions): the router's stablecoin balance equals protocolFeesOwed + the sum of
/// operatorFeesOwed over assets + the sum of owedTo over accounts, plus whatever was sent to it outside `deposit`.
///
/// Route cache: the share token of each asset is read from the factory on the asset's first deposit and kept with its
/// operator fees in one slot. A deposit that finds the cached token redeemed (zero supply) reads the factory again,
/// so a redemption or a later re-fractionalization needs no action; `syncRoute` does the same on demand.
/// @dev TRUST: governance sets the fees (bounded by MAX_PROTOCOL_FEE_BPS and MAX_OPERATOR_FEE_BPS), the treasury and
/// the rent sources. A registered rent source and an operator can each write revenue into the yield record of the
/// assets they may deposit for, with their own money (revenue is never created by the router: every unit recorded
/// was received). CAUTION: the record counts what was deposited, not whether it was earned at arm's length; readers
/// that price shares from it (NAV oracle) should weigh Rent, which comes out of the lease escrow, above self-declared
/// sources. CAUTION: the record's granularity is one UTC day: a value read at a timestamp of the current day can
/// still grow until the day ends.
/// WARNING: if the stablecoin issuer blacklists a share-token contract, deposits for that asset revert (the push into
/// the shares cannot happen, and the router has no way to credit a share token's holders otherwise).
/// WARNING: changing the treasury redirects the protocol fees not yet withdrawn, too.
interface IRevenueRouter {
    /// @notice Where revenue came from.
    enum Source {
        Rent,
        Inference,
        Mining,
        Other
    }

    // ---------------------------------------------------------------- errors

    /// @notice A deposit of zero.
    error RevenueRouterZeroAmount();
    /// @notice The asset id was never registered (it has no operator).
    error RevenueRouterUnknownAsset(uint256 assetId);
    /// @notice Rent from an address that is not a registered rent source, or other revenue from someone other than
    /// the asset's operator.
    error RevenueRouterUnauthorizedDepositor(address caller, uint256 assetId, Source source);
    /// @notice The stablecoin arrived short, at the share token or at the router (a fee-on-transfer token is not
    /// supported).
    error RevenueRouterTransferShortfall(uint256 expected, uint256 received);
    /// @notice A protocol fee above MAX_PROTOCOL_FEE_BPS or an operator fee above MAX_OPERATOR_FEE_BPS.
    error RevenueRouterInvalidFees(uint256 protocolFeeBps, uint256 operatorFeeBps);
    /// @notice The zero address as treasury, rent source or wired contract.
    error RevenueRouterZeroAddress();
    /// @notice Nothing is owed to the account (the owner, the treasury, or the asset's operator).
    error RevenueRouterNothingToWithdraw(address account);
    /// @notice A range query whose start lies after its end.
    error RevenueRouterInvalidRange(uint256 from, uint256 to);

    // ---------------------------------------------------------------- events

    /// @notice A deposit was split and routed. `recipient` is the share token the holders' part was pushed into, or
    /// the owner it was credited to when the asset had no live shares.
    event RevenueRouted(
        uint256 indexed assetId,
        Source indexed source,
        address indexed recipient,
        uint256 amount,
        uint256 protocolFee,
        uint256 operatorFee,
        uint256 holdersPart
    );
    /// @notice The cached share token of the asset changed (first deposit, redemption, re-fractionalization); zero
    /// when the asset has no live shares.
    event RouteUpdated(uint256 indexed assetId, address indexed shares);
    event FeesSet(uint256 protocolFeeBps, uint256 operatorFeeBps);
    event TreasurySet(address indexed treasury);
    event RentSourceSet(address indexed source, bool enabled);
    /// @notice An owner's credit was paid.
    event Withdrawn(address indexed account, uint256 amount);
    event ProtocolFeesWithdrawn(address indexed treasury, uint256 amount);
    event OperatorFeesWithdrawn(uint256 indexed assetId, address indexed operator, uint256 amount);

    // ---------------------------------------------------------------- depositors

    /// @notice Pulls `amount` of stablecoin from the caller and routes it for `assetId`.
    /// Rent (Source.Rent) may only come from a registered rent source; other sources from the asset's operator.
    /// @dev The caller must have approved the router for `amount`. A fee on transfer is refused: into shares, when
    /// the share token distributes less than the holders' part pushed to it; to an owner, when the router receives
    /// less than `amount` (balance-delta check). Updates the day's checkpoint of the asset and source in place, or
    /// opens it on the day's first deposit.
    function deposit(uint256 assetId, uint256 amount, Source source) external;

    /// @notice Reads the asset's share token from the factory into the route cache (zero when the asset has no live
    /// shares) and returns it. Anyone may call it; deposits do it themselves when they need to.
    function syncRoute(uint256 assetId) external returns (address shares);

    // ---------------------------------------------------------------- payees (anyone may call; funds go to the payee)

    /// @notice Pays the caller what it is owed as the owner of assets without shares.
    /// @dev Pays only to the account owed, never elsewhere: an address the stablecoin issuer blacklisted withdraws
    /// once it is cleared, and cannot route its funds around the blacklist through the router.
    function withdraw() external returns (uint256 amount);

    /// @notice Pays `account` what it is owed as an owner (a keeper or wallet paying the gas).
    function withdrawFor(address account) external returns (uint256 amount);

    /// @notice Pays all protocol fees owed to the current treasury.
    function withdrawProtocolFees() external returns (uint256 amount);

    /// @notice Pays the operator fees of `assetId` to the asset's operator.
    function withdrawOperatorFees(uint256 assetId) external returns (uint256 amount);

    // ---------------------------------------------------------------- governance (restricted)

    /// @notice Sets the fees, in basis points of each deposit, for deposits from now on.
    function setFees(uint256 protocolFeeBps, uint256 operatorFeeBps) external;

    /// @notice Sets the treasury, paid every protocol fee withdrawn from now on (those owed already included).
    function setTreasury(address treasury) external;

    /// @notice Allows or stops `source` (the lease market) depositing rent.
    function setRentSource(address source, bool enabled) external;

    // ---------------------------------------------------------------- views

    function STABLECOIN() external view returns (IERC20);
    function ASSETS() external view returns (IComputeAssetRegistry);
    function FACTORY() external view returns (IAssetSharesFactory);
    function MAX_PROTOCOL_FEE_BPS() external view returns (uint256);
    function MAX_OPERATOR_FEE_BPS() external view returns (uint256);

    function protocolFeeBps() external view returns (uint256);
    function operatorFeeBps() external view returns (uint256);
    function treasury() external view returns (address);
    function isRentSource(address account) external view returns (bool);

    /// @notice What `account` can withdraw as the owner of assets without shares.
    function owedTo(address account) external view returns (uint256);

    /// @notice The protocol fees not yet withdrawn.
    function protocolFeesOwed() external view returns (uint256);

    /// @notice The operator fees of `assetId` not yet withdrawn.
    function operatorFeesOwed(uint256 assetId) external view returns (uint256);

    /// @notice The share token cached for `assetId` (zero before its first deposit or sync, or without live shares).
    function routeOf(uint256 assetId) external view returns (address shares);

    /// @notice How a deposit of `amount` would be split at the current fees.
    function previewSplit(uint256 amount)
        external
        view
        returns (uint256 protocolFee, uint256 operatorFee, uint256 holdersPart);

    /// @notice Cumulative revenue routed for the asset from `source` up to the end of the UTC day containing
    /// `timestamp` (so far, for the current day).
    function cumulativeRevenueAt(uint256 assetId, Source source, uint256 timestamp) external view returns (uint256);

    /// @notice Cumulative revenue net of protocol and operator fees (the holders' part), all sources, up to the end of
    /// the UTC day containing `timestamp`.
    function cumulativeNetRevenueAt(uint256 assetId, uint256 timestamp) external view returns (uint256);

    /// @notice Revenue routed for the asset from `source` on the days after the day of `from`, up to and including
    /// the day of `to`, in O(log n).
    function revenueBetween(uint256 assetId, Source source, uint256 from, uint256 to) external view returns (uint256);

    /// @notice The holders' part of the asset's revenue, all sources, on the days after the day of `from`, up to and
    /// including the day of `to`, in O(log n).
    function netRevenueBetween(uint256 assetId, uint256 from, uint256 to) external view returns (uint256);

    /// @notice All revenue ever routed for the asset from `source`.
    function totalRevenueOf(uint256 assetId, Source source) external view returns (uint256);

    /// @notice All of the holders' part ever routed for the asset, all sources.
    function totalNetRevenueOf(uint256 assetId) external view returns (uint256);

    /// @notice Number of revenue checkpoints of the asset and source: the days with a deposit.
    function checkpointCount(uint256 assetId, Source source) external view returns (uint256);
}
