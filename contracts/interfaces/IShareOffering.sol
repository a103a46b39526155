// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAssetShares} from "./IAssetShares.sol";
import {IComplianceRegistry} from "./IComplianceRegistry.sol";
import {IComputeAssetRegistry} from "./IComputeAssetRegistry.sol";

/// @title IShareOffering — primary offerings of compute-asset shares
/// @notice An asset's operator sells its shares to verified investors for the stablecoin, at a fixed price, between
/// an open and a close time, with a soft and a hard cap, per-investor limits and a list of allowed jurisdictions.
/// One contract holds every offering (`offeringId`, from 1).
///
/// Life of an offering:
///   - `createOffering` (the asset's operator, per the ComputeAssetRegistry): the hard cap's shares move from the
///     operator into this contract (a system holder of the ComplianceRegistry) and stay there until claimed or
///     returned. The protocol fee in force is fixed for the offering.
///   - `subscribe` during `[opensAt, closesAt)`: a verified (unexpired), unfrozen investor of an allowed jurisdiction
///     pays `shares × pricePerShare / 1e18` (rounded up) into escrow. Its position (all its subscriptions) must stay
///     within `[minShares, maxShares]`, and the offering's total within the hard cap.
///   - `settle` (anyone), once `closesAt` passed or the hard cap sold out:
///       soft cap met -> Succeeded: the operator is credited the proceeds less the protocol fee (rounded down), the
///       treasury the fee; each investor claims its shares (`claimShares`, or anyone with `claimSharesFor`);
///       soft cap missed -> Failed: each investor takes back exactly what it paid (`refund`).
///   - `returnShares` (anyone): the shares not sold (all of them when Failed or Cancelled) go back to the operator.
///   - `cancel`: by the operator before `opensAt`, by governance (the GOVERNOR role on `cancel`) any time before
///     settlement; refunds open as for a failed offering.
/// Payouts are pull payments: proceeds, fees and forwarded revenue accrue in `owedOf` and are paid by `withdraw`;
/// refunds by `refund`; shares by the claims. Pausing stops new offerings and subscriptions, never a settlement, a
/// claim, a refund or a withdrawal.
///
/// Revenue. Shares held here earn the share token's revenue. All of it belongs to the asset's operator (the
/// registry's operator of an asset never changes, and only it creates offerings of the asset's shares): unsold
/// shares earn for it until returned, sold shares until their investor claims them (so claim promptly, or let a
/// keeper `claimSharesFor`). `forwardRevenue(token)` (anyone) claims the contract's revenue from the token and
/// credits it to `owedOf(operator)`.
///
/// Conservation: the contract's stablecoin balance is the payments of offerings not settled as Succeeded less the
/// refunds taken, plus `totalOwed()` (credited payouts not yet withdrawn). Its shares of an offering are the hard
/// cap less the shares claimed and returned.
///
/// @dev TRUST: governance sets the protocol fee (at most `MAX_FEE_BPS`, fixed per offering at creation) and the
/// treasury, and may cancel an unsettled offering (investors are refunded in full). The compliance agent can freeze
/// this contract on a share token (`freezeOnToken`), which stops the claims and returns of that token's offerings
/// until undone.
/// CAUTION: nothing stops an operator from subscribing through another verified wallet to reach its own soft cap
/// (only its own address is refused). The stablecoin must not take a fee on transfer (a short receipt reverts).
interface IShareOffering {
    enum Status {
        None,
        Active, // created; before, during or after its window, not yet settled
        Succeeded, // settled with the soft cap met
        Failed, // settled with the soft cap missed
        Cancelled // cancelled before settlement
    }

    /// @notice What an operator asks for. Share amounts in 18-decimal share units.
    /// @param shareToken an AssetShares token of the ComplianceRegistry; the caller must be its asset's operator
    /// @param pricePerShare stablecoin units per 1e18 shares, non-zero
    /// @param softCap shares that must sell for the offering to succeed, non-zero, at most the hard cap
    /// @param hardCap shares on offer, escrowed at creation
    /// @param minShares smallest position per investor (0: none)
    /// @param maxShares largest position per investor, non-zero, at least `minShares`, at most the hard cap
    /// @param opensAt first second of the window, not in the past, at most `MAX_LEAD_TIME` ahead
    /// @param closesAt end of the window (exclusive), after `opensAt`, at most `MAX_DURATION` after it
    /// @param jurisdictions allowed investor jurisdictions (ISO 3166-1 numeric, as in the ComplianceRegistry):
    /// 1 to `MAX_JURISDICTIONS` entries
    struct OfferingParams {
        IAssetShares shareToken;
        uint96 pricePerShare;
        uint96 softCap;
        uint96 hardCap;
        uint96 minShares;
        uint96 maxShares;
        uint40 opensAt;
        uint40 closesAt;
        uint16[] jurisdictions;
    }

    /// @notice One offering (five storage slots, ordered for the hot paths: a subscription reads the first four and
    /// writes the second, which `closesAt` keeps non-zero; a claim of shares reads the first and the last).
    /// @param feeBps the protocol fee when created
    /// @param sharesReturned whether the unsold shares went back to the operator
    /// @param sold shares subscribed
    /// @param raised stablecoin paid in by the subscribers
    struct Offering {
        address operator;
        uint40 opensAt;
        uint16 feeBps;
        bool sharesReturned;
        Status status;
        uint96 sold;
        uint120 raised;
        uint40 closesAt;
        uint96 pricePerShare;
        uint96 hardCap;
        uint96 minShares;
        uint96 maxShares;
        IAssetShares shareToken;
        uint96 softCap;
    }

    /// @notice An investor's position in one offering (one slot).
    struct Subscription {
        uint96 shares;
        uint120 paid;
    }

    // ---------------------------------------------------------------- errors

    /// @notice No such offering.
    error ShareOfferingUnknown(uint256 offeringId);
    /// @notice The token is not a share token of the ComplianceRegistry.
    error ShareOfferingUnknownShareToken(address token);
    /// @notice The caller is not the operator of the shares' asset (or of the offering).
    error ShareOfferingNotOperator(address caller, uint256 assetId);
    /// @notice A zero price.
    error ShareOfferingInvalidPrice();
    /// @notice Caps or per-investor limits that break the rules of `OfferingParams`.
    error ShareOfferingInvalidCaps(uint256 softCap, uint256 hardCap, uint256 minShares, uint256 maxShares);
    /// @notice A window that starts in the past or too far ahead, is empty, or lasts too long.
    error ShareOfferingInvalidWindow(uint256 opensAt, uint256 closesAt);
    /// @notice No jurisdictions, or more than `MAX_JURISDICTIONS`.
    error ShareOfferingInvalidJurisdictions(uint256 count);
    /// @notice The proceeds at the hard cap would not fit the accounting (price × hard cap too large).
    error ShareOfferingProceedsTooLarge(uint256 proceeds);
    /// @notice The action needs the offering in another status.
    error ShareOfferingInvalidStatus(uint256 offeringId, Status status);
    /// @notice A subscription outside `[opensAt, closesAt)`.
    error ShareOfferingOutsideWindow(uint256 offeringId, uint256 timestamp, uint256 opensAt, uint256 closesAt);
    /// @notice A zero share amount.
    error ShareOfferingZeroAmount();
    /// @notice The subscriber has no verification in the ComplianceRegistry (system holders cannot subscribe).
    error ShareOfferingInvestorNotVerified(address investor);
    /// @notice The subscriber's verification expired.
    error ShareOfferingVerificationExpired(address investor, uint256 verifiedUntil);
    /// @notice The subscriber is frozen in the ComplianceRegistry.
    error ShareOfferingInvestorFrozen(address investor);
    /// @notice The subscriber's jurisdiction is not one the offering allows.
    error ShareOfferingJurisdictionNotAllowed(uint256 offeringId, uint16 jurisdiction);
    /// @notice The operator subscribing to its own offering.
    error ShareOfferingOperatorSubscription(uint256 offeringId);
    /// @notice The investor's position after this subscription would be below the minimum.
    error ShareOfferingBelowMinimum(uint256 offeringId, uint256 position, uint256 minShares);
    /// @notice The investor's position after this subscription would be above the maximum.
    error ShareOfferingAboveMaximum(uint256 offeringId, uint256 position, uint256 maxShares);
    /// @notice More shares than remain below the hard cap.
    error ShareOfferingHardCapExceeded(uint256 offeringId, uint256 requested, uint256 remaining);
    /// @notice The stablecoin arrived short (a fee-on-transfer token is not supported).
    error ShareOfferingTransferShortfall(uint256 expected, uint256 received);
    /// @notice Settling before `closesAt` while the hard cap has not sold out.
    error ShareOfferingNotClosed(uint256 offeringId, uint256 closesAt);
    /// @notice The operator cancelling once the window opened (governance may until settlement).
    error ShareOfferingAlreadyOpen(uint256 offeringId, uint256 opensAt);
    /// @notice The caller may not cancel this offering.
    error ShareOfferingUnauthorized(address caller, uint256 offeringId);
    /// @notice No shares to claim: never subscribed, or claimed already.
    error ShareOfferingNothingToClaim(uint256 offeringId, address investor);
    /// @notice Nothing to refund: never subscribed, or refunded already.
    error ShareOfferingNothingToRefund(uint256 offeringId, address investor);
    /// @notice The shares went back to the operator already, or none are left to return.
    error ShareOfferingNothingToReturn(uint256 offeringId);
    /// @notice No revenue of the token to forward.
    error ShareOfferingNoRevenue(address token);
    /// @notice Nothing owed to the account.
    error ShareOfferingNothingToWithdraw(address account);
    /// @notice A protocol fee above `MAX_FEE_BPS`.
    error ShareOfferingFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    /// @notice The zero address as treasury.
    error ShareOfferingZeroAddress();

    // ---------------------------------------------------------------- events

    event OfferingCreated(
        uint256 indexed offeringId,
        address indexed operator,
        address indexed shareToken,
        uint256 pricePerShare,
        uint256 softCap,
        uint256 hardCap,
        uint256 minShares,
        uint256 maxShares,
        uint40 opensAt,
        uint40 closesAt,
        uint16[] jurisdictions,
        uint16 feeBps
    );
    event Subscribed(uint256 indexed offeringId, address indexed investor, uint256 shares, uint256 paid);
    /// @notice Settled: `succeeded` when the soft cap was met; then `fee` went to the treasury and the rest of
    /// `raised` to the operator.
    event OfferingSettled(uint256 indexed offeringId, bool succeeded, uint256 sold, uint256 raised, uint256 fee);
    event OfferingCancelled(uint256 indexed offeringId, address indexed by);
    event SharesClaimed(uint256 indexed offeringId, address indexed investor, uint256 shares);
    event Refunded(uint256 indexed offeringId, address indexed investor, uint256 amount);
    event SharesReturned(uint256 indexed offeringId, address indexed operator, uint256 shares);
    event RevenueForwarded(address indexed shareToken, address indexed operator, uint256 amount);
    /// @notice A payout became withdrawable by `account`: proceeds or fee of an offering, or (offering 0) revenue.
    event Credited(address indexed account, uint256 indexed offeringId, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);
    event ProtocolFeeSet(uint256 feeBps);
    event TreasurySet(address indexed treasury);

    // ---------------------------------------------------------------- operator

    /// @notice Opens an offering of the caller's shares: pulls `hardCap` shares from the caller (approval needed).
    /// Caller: the operator of the shares' asset. Paused: refused.
    function createOffering(OfferingParams calldata params) external returns (uint256 offeringId);

    /// @notice Cancels an unsettled offering: by its operator before it opens, or by the GOVERNOR role at any time
    /// before settlement. Subscribers then `refund`; the shares can be returned.
    function cancel(uint256 offeringId) external;

    // ---------------------------------------------------------------- investors

    /// @notice Buys `shares` at the offering's price, paid now into escrow (approval needed). Paused: refused.
    /// @return paid the stablecoin taken: `shares × pricePerShare / 1e18`, rounded up
    function subscribe(uint256 offeringId, uint256 shares) external returns (uint256 paid);

    /// @notice Sends the caller its shares of a succeeded offering.
    function claimShares(uint256 offeringId) external returns (uint256 shares);

    /// @notice Sends `investor` its shares of a succeeded offering (keepers).
    function claimSharesFor(uint256 offeringId, address investor) external returns (uint256 shares);

    /// @notice Pays the caller back what it paid into a failed or cancelled offering.
    function refund(uint256 offeringId) external returns (uint256 amount);

    // ---------------------------------------------------------------- anyone (keeper)

    /// @notice Settles an offering after its close, or once its hard cap sold out (see the rules above).
    function settle(uint256 offeringId) external returns (bool succeeded);

    /// @notice Sends the operator the shares the offering did not sell (all of them when failed or cancelled).
    function returnShares(uint256 offeringId) external returns (uint256 shares);

    /// @notice Claims the revenue the contract's shares of `token` earned and credits it to the asset's operator.
    function forwardRevenue(IAssetShares token) external returns (uint256 amount);

    /// @notice Pays the caller what it is owed (proceeds, fees, forwarded revenue).
    function withdraw() external returns (uint256 amount);

    /// @notice Pays `account` what it is owed.
    function withdrawFor(address account) external returns (uint256 amount);

    // ---------------------------------------------------------------- governance (restricted)

    /// @notice Sets the protocol fee for offerings created from now on (at most `MAX_FEE_BPS`).
    function setProtocolFee(uint16 feeBps) external;

    /// @notice Sets the account credited with the protocol fee at settlement.
    function setTreasury(address treasury) external;

    /// @notice Stops new offerings and subscriptions.
    function pause() external;

    function unpause() external;

    // ---------------------------------------------------------------- views

    /// @notice Highest protocol fee, in basis points.
    function MAX_FEE_BPS() external view returns (uint256);
    /// @notice Most jurisdictions one offering lists.
    function MAX_JURISDICTIONS() external view returns (uint256);
    /// @notice Longest subscription window.
    function MAX_DURATION() external view returns (uint256);
    /// @notice Furthest ahead an offering may open.
    function MAX_LEAD_TIME() external view returns (uint256);

    function STABLECOIN() external view returns (IERC20);
    function COMPLIANCE() external view returns (IComplianceRegistry);
    function ASSETS() external view returns (IComputeAssetRegistry);

    function protocolFeeBps() external view returns (uint16);
    function treasury() external view returns (address);
    function offeringCount() external view returns (uint256);
    function offeringOf(uint256 offeringId) external view returns (Offering memory);
    function subscriptionOf(uint256 offeringId, address investor) external view returns (Subscription memory);
    function isJurisdictionAllowed(uint256 offeringId, uint16 jurisdiction) external view returns (bool);
    /// @notice Stablecoin `shares` cost in the offering (rounded up).
    function costOf(uint256 offeringId, uint256 shares) external view returns (uint256);
    /// @notice Revenue of `token` that `forwardRevenue` would credit now.
    function pendingRevenueOf(IAssetShares token) external view returns (uint256);
    function owedOf(address account) external view returns (uint256);
    /// @notice Credited payouts not yet withdrawn.
    function totalOwed() external view returns (uint256);
}
