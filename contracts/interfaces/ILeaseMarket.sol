// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IComputeAssetRegistry} from "./IComputeAssetRegistry.sol";
import {IRevenueRouter} from "./IRevenueRouter.sol";
import {IUsageOracle} from "./IUsageOracle.sol";

/// @title ILeaseMarket — rental escrow for compute assets
/// @notice Operators list offers for their Active assets; renters prepay leases into escrow; earned rent, less SLA
/// credits, is released for the RevenueRouter as attested uptime comes in.
///
/// Time. Leases align to the UsageOracle's epochs: a lease starts at an epoch start and lasts a whole number of
/// hours; the oracle's `epochSeconds` must divide 3_600 (checked at deployment), so an hour is a whole number of
/// epochs. Lease bounds are stored as epoch numbers; `IUsageOracle.epochStart` turns them into timestamps.
/// A lease may start in the current epoch (immediate start, the whole epoch is paid) or at a later epoch start, at
/// most `maxAdvanceSeconds` ahead.
///
/// Calendar. Leases on one asset never overlap: each asset keeps `bookedUntilEpoch`, the end of its latest booking,
/// and a new lease must start at or after it (append-only: a gap left before a booking cannot be booked while that
/// booking stands). When the latest booking is cancelled (by the operator, or by its renter before it starts) the
/// calendar rolls back to where it stood before that booking, so cancelling latest-first frees any run of bookings;
/// when it is terminated early, to its new end. Against calendar griefing (dust bookings far ahead): the offer's
/// `minHours`, the `maxAdvanceSeconds` bound, the price of the booking, and the operator's cancellation.
///
/// User (ERC-4907). The renter is the asset's user for exactly the lease, `[start, end)`: the registry's expiry is
/// inclusive, so the market sets `userExpires = end - 1`. It is set by `rent` for an immediate start, otherwise by
/// `startLease` (anyone, once the lease started). Early termination shortens it (or clears it when it cannot be
/// shortened: last second, or an asset no longer Active).
///
/// Settlement (anyone). A lease is settled one SLA period at a time: periods of the terms' `slaPeriodHours`, counted
/// from the lease start, the last one cut at the lease end. The SLA is measured per period, so the outcome does not
/// depend on who settles when:
///   - a period that is not the lease's last settles once the oracle accepted an epoch at or after its last epoch
///     (accepted epochs never change, and a skipped one stays missing), or once `attestationGraceSeconds` passed
///     after the lease end; missing epochs count as downtime (0 uptime);
///   - the last period is the holdback: it settles only after the dispute window closed (`disputeWindowSeconds`
///     after the lease end, never shorter than the attestation grace) and only if the renter did not dispute.
/// A period's rent is its pro-rata share of the lease's unsettled prepaid rent (the last period takes the rest, so
/// the lease's rent is released or credited to the unit). The shortfall is `slaUptimeBps` minus the period's mean
/// attested uptime, in whole basis points rounded down; the first tier whose `maxShortfallBps` covers it gives the
/// credit in basis points of the period's rent. The credit is rounded down (the unit of dust goes to the released
/// rent, the protocol's side) and credited to the renter; the rest is released as the asset's rent.
/// Each settlement costs the same whatever the lease length: one O(log n) oracle range query per period.
///
/// Routing. Released rent (settled periods, termination fees, the arbiter's operator part) accrues per asset and is
/// deposited into the RevenueRouter by `routeRent` (anyone, any time, all of the asset's unrouted rent at once).
/// Settlement never calls the router, so a router or share token that refuses a deposit delays only that asset's
/// routing, never a settlement, a credit, a refund or the end of a lease.
///
/// Early termination (renter). Ends the lease at the next epoch boundary (at its start if it has not started). The
/// prepaid rent of the epochs given up (pro rata of the unsettled rent, rounded down) is refunded less the offer's
/// `terminationFeeBps` (fee rounded up); the fee is released as rent at once. The rest of the lease settles as usual.
/// Cancellation (operator). Before the lease starts: a full refund.
///
/// Dispute. During `[end, end + disputeWindowSeconds)` the renter may dispute once: the lease's whole unsettled
/// rent (at least the last period) stays in escrow, settlement stops, and the arbiter (an AccessManager role on
/// `resolveDispute`) splits it between the renter and released rent.
///
/// Payouts. Rent goes to the RevenueRouter only. Every refund and credit to a renter is a pull credit
/// (`refundableOf`, taken with `withdraw`, paid to the renter's own address only), so a blacklisted, frozen or
/// reverting renter never blocks a settlement.
///
/// Conservation: every unit a renter prepaid is, at any time, unsettled in escrow, refundable (refund or credit),
/// released and awaiting routing, routed to the RevenueRouter, or withdrawn by the renter. Solvency: the market's
/// stablecoin balance is at least `totalEscrowed() + totalRefundable() + totalUnrouted()` (equal unless someone sent
/// tokens directly).
///
/// @dev TRUST: the UsageOracle's attester quorum decides uptime, hence credits. Governance sets the terms (SLA tiers,
/// period, grace, dispute window, booking horizon); a lease keeps the terms version in force when it was booked, so
/// a change never alters a running lease.
/// CAUTION: a disputed lease's remaining escrow waits for the arbiter: it has no deadline. The market does not
/// check who rents: an operator renting its own asset pays the protocol fee on its own revenue.
/// The stablecoin must not take a fee on transfer (a short receipt reverts `rent`).
interface ILeaseMarket {
    /// @notice An operator's offer for one asset. Prices in stablecoin units (6 decimals for USD tokens).
    /// @param pricePerHour rent for one hour of the whole asset
    /// @param minHours shortest lease, at least 1
    /// @param maxHours longest lease, at most `MAX_LEASE_HOURS`
    /// @param slaUptimeBps uptime target per SLA period, in basis points
    /// @param terminationFeeBps share of the refundable prepaid rent kept on early termination, at most
    /// `MAX_TERMINATION_FEE_BPS`
    /// @param availableFrom leases may start at or after this timestamp
    /// @param availableUntil leases must end at or before this timestamp
    struct Offer {
        uint96 pricePerHour;
        uint32 minHours;
        uint32 maxHours;
        uint16 slaUptimeBps;
        uint16 terminationFeeBps;
        uint64 availableFrom;
        uint64 availableUntil;
    }

    /// @notice A credit tier: a shortfall at most `maxShortfallBps` below the target earns `creditBps` of the
    /// period's rent back.
    struct SlaTier {
        uint16 maxShortfallBps;
        uint16 creditBps;
    }

    /// @notice Governance terms; each `setTerms` adds a version, leases keep the one in force when booked.
    /// @param slaPeriodHours length of an SLA (and settlement) period: 1 to `MAX_LEASE_HOURS`
    /// @param attestationGraceSeconds after the lease end, how long attesters have before missing epochs count: at
    /// most 7 days
    /// @param disputeWindowSeconds after the lease end, how long the renter may dispute: 1 hour to 30 days, and at
    /// least the attestation grace
    /// @param maxAdvanceSeconds how far ahead of now a lease may start: at most 365 days
    /// @param tiers 1 to 8 credit tiers by strictly increasing `maxShortfallBps`, the last one at 10_000, credits not
    /// decreasing and at most 10_000
    struct Terms {
        uint32 slaPeriodHours;
        uint32 attestationGraceSeconds;
        uint32 disputeWindowSeconds;
        uint32 maxAdvanceSeconds;
        SlaTier[] tiers;
    }

    enum LeaseStatus {
        None,
        Booked, // booked, running or ended, not yet fully settled
        Disputed, // the renter disputed; waits for the arbiter
        Cancelled, // cancelled by the operator or terminated by the renter before it started
        Finalized // fully settled or resolved
    }

    /// @notice One lease (two storage slots). Epochs are the UsageOracle's.
    /// @param assetId the asset (ids above 2^32 - 1 cannot be leased)
    /// @param bookedUntilBefore the asset's `bookedUntilEpoch` before this booking (where a cancellation rolls it back)
    /// @param endEpoch the first epoch after the lease (moved earlier by an early termination)
    /// @param settledEpoch epochs before it are settled; the next period starts here
    /// @param unsettled prepaid rent still in escrow for `[settledEpoch, endEpoch)`
    /// @param slaUptimeBps the offer's SLA target when booked
    /// @param terminationFeeBps the offer's early-termination fee when booked
    /// @param termsId the governance terms version when booked
    struct Lease {
        address renter;
        uint32 assetId;
        uint32 startEpoch;
        uint32 bookedUntilBefore;
        uint32 endEpoch;
        uint32 settledEpoch;
        uint128 unsettled;
        uint16 slaUptimeBps;
        uint16 terminationFeeBps;
        uint16 termsId;
        LeaseStatus status;
    }

    /// @notice Per-asset calendar and rent record (one storage slot).
    /// @param bookedUntilEpoch a new lease must start at or after this epoch (`setOffer` moves it up to the current
    /// epoch when behind)
    /// @param openLeases leases booked and not yet finalized or cancelled: the asset is bound while non-zero
    /// @param rentReleased all rent ever released for the asset (routed or not)
    struct AssetLedger {
        uint32 bookedUntilEpoch;
        uint32 openLeases;
        uint128 rentReleased;
    }

    // ---------------------------------------------------------------- errors

    /// @notice The oracle's epoch length does not divide an hour.
    error LeaseMarketInvalidEpochLength(uint256 epochSeconds);
    /// @notice The caller is not the asset's operator.
    error LeaseMarketNotOperator(address caller, uint256 assetId);
    /// @notice The caller is not the lease's renter.
    error LeaseMarketNotRenter(address caller, uint256 leaseId);
    /// @notice The asset is not Active (unknown, registered, suspended or retired).
    error LeaseMarketAssetNotActive(uint256 assetId, IComputeAssetRegistry.Status status);
    /// @notice The asset has no offer.
    error LeaseMarketNoOffer(uint256 assetId);
    /// @notice An offer with a zero price per hour.
    error LeaseMarketInvalidPrice();
    /// @notice Offer hours with a zero minimum, a minimum above the maximum, or a maximum above `MAX_LEASE_HOURS`.
    error LeaseMarketInvalidHoursRange(uint256 minHours, uint256 maxHours);
    /// @notice An SLA uptime target above 10_000 basis points.
    error LeaseMarketInvalidSlaTarget(uint256 slaUptimeBps);
    /// @notice An availability window that is empty or already over.
    error LeaseMarketInvalidAvailability(uint256 availableFrom, uint256 availableUntil);
    /// @notice A termination fee above `MAX_TERMINATION_FEE_BPS`.
    error LeaseMarketTerminationFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    /// @notice The lease length is outside the offer's bounds.
    error LeaseMarketHoursOutOfBounds(uint256 durationHours, uint256 minHours, uint256 maxHours);
    /// @notice The start is not an epoch start.
    error LeaseMarketStartNotAligned(uint256 start);
    /// @notice The start is before the current epoch.
    error LeaseMarketStartInPast(uint256 start, uint256 currentEpochStart);
    /// @notice The start is further ahead than the terms allow.
    error LeaseMarketStartTooFar(uint256 start, uint256 latestStart);
    /// @notice The lease `[start, end)` is not inside the offer's availability window.
    error LeaseMarketOutsideAvailability(uint256 start, uint256 end, uint256 availableFrom, uint256 availableUntil);
    /// @notice The lease would overlap a booking: it must start at or after `bookedUntil` (a timestamp).
    error LeaseMarketOverlap(uint256 assetId, uint256 start, uint256 bookedUntil);
    /// @notice The total price exceeds the renter's maximum (slippage guard).
    error LeaseMarketPriceAboveMax(uint256 price, uint256 maxTotalPrice);
    /// @notice The stablecoin arrived short (a fee-on-transfer token is not supported).
    error LeaseMarketTransferShortfall(uint256 expected, uint256 received);
    /// @notice No such lease.
    error LeaseMarketUnknownLease(uint256 leaseId);
    /// @notice The action needs the lease in another status.
    error LeaseMarketInvalidLeaseStatus(uint256 leaseId, LeaseStatus status);
    /// @notice The lease has not started yet (`startsAt` is a timestamp).
    error LeaseMarketLeaseNotStarted(uint256 leaseId, uint256 startsAt);
    /// @notice The lease already started: too late to cancel.
    error LeaseMarketLeaseStarted(uint256 leaseId, uint256 startedAt);
    /// @notice The lease has ended or ends at the next epoch boundary: nothing left to terminate or start.
    error LeaseMarketLeaseEnded(uint256 leaseId, uint256 endsAt);
    /// @notice The lease has not ended: too early to dispute.
    error LeaseMarketLeaseNotEnded(uint256 leaseId, uint256 endsAt);
    /// @notice The dispute window closed at `closedAt`.
    error LeaseMarketDisputeWindowClosed(uint256 leaseId, uint256 closedAt);
    /// @notice The renter already disputed this lease.
    error LeaseMarketAlreadyDisputed(uint256 leaseId);
    /// @notice The lease is not disputed.
    error LeaseMarketNotDisputed(uint256 leaseId);
    /// @notice The arbiter's split does not add up to the disputed amount.
    error LeaseMarketInvalidSplit(uint256 renterAmount, uint256 operatorAmount, uint256 disputedAmount);
    /// @notice The next period `[fromEpoch, toEpoch)` cannot settle yet: not attested and before the grace ends, or
    /// the lease's last period before the dispute window closed.
    error LeaseMarketNotSettleable(uint256 leaseId, uint32 fromEpoch, uint32 toEpoch);
    /// @notice Nothing refundable for the account.
    error LeaseMarketNothingToWithdraw(address account);
    /// @notice The asset has no released rent awaiting routing.
    error LeaseMarketNothingToRoute(uint256 assetId);
    /// @notice An SLA period of zero or above `MAX_LEASE_HOURS`.
    error LeaseMarketInvalidSlaPeriod(uint256 slaPeriodHours);
    /// @notice An attestation grace above 7 days, or a dispute window outside [1 hour, 30 days] or shorter than the
    /// grace.
    error LeaseMarketInvalidWindows(uint256 attestationGraceSeconds, uint256 disputeWindowSeconds);
    /// @notice A booking horizon above 365 days.
    error LeaseMarketInvalidMaxAdvance(uint256 maxAdvanceSeconds);
    /// @notice No tiers, or more than 8.
    error LeaseMarketInvalidTierCount(uint256 count);
    /// @notice No such terms version.
    error LeaseMarketUnknownTerms(uint256 termsId);
    /// @notice The tier at `index` breaks the tier rules (see `Terms`).
    error LeaseMarketInvalidTier(uint256 index, uint256 maxShortfallBps, uint256 creditBps);

    // ---------------------------------------------------------------- events

    event OfferSet(uint256 indexed assetId, address indexed operator, Offer offer);
    event OfferWithdrawn(uint256 indexed assetId, address indexed operator);
    event TermsSet(uint256 indexed termsId, Terms terms);
    event LeaseBooked(
        uint256 indexed leaseId,
        uint256 indexed assetId,
        address indexed renter,
        uint32 startEpoch,
        uint32 endEpoch,
        uint256 price,
        uint256 termsId
    );
    /// @notice The renter became the asset's ERC-4907 user until `userExpires` (inclusive).
    event LeaseStarted(uint256 indexed leaseId, address indexed renter, uint64 userExpires);
    /// @notice One SLA period settled: `earned` rent, of which `credit` went back to the renter.
    event LeaseSettled(
        uint256 indexed leaseId,
        uint32 fromEpoch,
        uint32 toEpoch,
        uint256 shortfallBps,
        uint256 creditBps,
        uint256 earned,
        uint256 credit
    );
    event LeaseTerminated(uint256 indexed leaseId, uint32 endEpoch, uint256 refund, uint256 fee);
    event LeaseCancelled(uint256 indexed leaseId, uint256 refund);
    event LeaseDisputed(uint256 indexed leaseId, uint256 amount);
    event DisputeResolved(uint256 indexed leaseId, uint256 renterAmount, uint256 operatorAmount);
    /// @notice Nothing of the lease is left in escrow.
    event LeaseFinalized(uint256 indexed leaseId);
    /// @notice Rent earned by a lease (or its termination fee), added to the asset's unrouted rent.
    event RentReleased(uint256 indexed leaseId, uint256 indexed assetId, uint256 amount);
    /// @notice The asset's unrouted rent was deposited into the RevenueRouter.
    event RentRouted(uint256 indexed assetId, uint256 amount);
    /// @notice A refund or credit became withdrawable by `account`.
    event RefundCredited(address indexed account, uint256 indexed leaseId, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    // ---------------------------------------------------------------- operator

    /// @notice Lists or replaces the offer for an Active asset. Caller: the asset's operator. Paused: refused.
    /// Leases already booked keep their terms.
    function setOffer(uint256 assetId, Offer calldata offer) external;

    /// @notice Withdraws the offer; booked leases are unaffected. Caller: the asset's operator.
    function withdrawOffer(uint256 assetId) external;

    /// @notice Cancels a lease before it starts, refunding the whole prepaid rent to the renter (pull credit).
    /// Caller: the asset's operator.
    function cancelLease(uint256 leaseId) external;

    // ---------------------------------------------------------------- renter

    /// @notice Books `durationHours` from `start` (an epoch start, the current one or later) and prepays
    /// `pricePerHour * durationHours` from the caller into escrow. Paused: refused.
    /// @param maxTotalPrice the most the caller accepts to pay (the offer may change before the transaction lands)
    function rent(uint256 assetId, uint256 start, uint256 durationHours, uint256 maxTotalPrice)
        external
        returns (uint256 leaseId);

    /// @notice Ends the lease at the next epoch boundary (at its start if not started): the unused prepaid rent,
    /// less the offer's termination fee, becomes refundable; the fee is released as rent. Caller: the renter.
    function terminateLease(uint256 leaseId) external;

    /// @notice Disputes the lease's remaining escrow during its dispute window, once. Caller: the renter.
    function dispute(uint256 leaseId) external;

    /// @notice Pays the caller's refundable balance.
    function withdraw() external returns (uint256 amount);

    // ---------------------------------------------------------------- anyone (keeper)

    /// @notice Makes the renter the asset's ERC-4907 user for the rest of the lease; once it started.
    function startLease(uint256 leaseId) external;

    /// @notice Settles the lease's next SLA period (see the settlement rules above).
    function settle(uint256 leaseId) external;

    /// @notice Deposits all of the asset's released, unrouted rent into the RevenueRouter as `Source.Rent`.
    function routeRent(uint256 assetId) external returns (uint256 amount);

    // ---------------------------------------------------------------- arbiter (restricted)

    /// @notice Splits a disputed lease's remaining escrow: `renterAmount` refundable to the renter, `operatorAmount`
    /// released as rent. They must add up to the lease's unsettled rent.
    function resolveDispute(uint256 leaseId, uint256 renterAmount, uint256 operatorAmount) external;

    // ---------------------------------------------------------------- governance (restricted)

    /// @notice Adds a terms version, in force for leases booked from now on.
    function setTerms(Terms calldata terms) external;

    /// @notice Stops new offers and new leases; settlement, termination, disputes and withdrawals go on.
    function pause() external;

    function unpause() external;

    // ---------------------------------------------------------------- views

    /// @notice Longest lease and longest SLA period, in hours (a year).
    function MAX_LEASE_HOURS() external view returns (uint256);
    /// @notice Highest early-termination fee an offer may state, in basis points.
    function MAX_TERMINATION_FEE_BPS() external view returns (uint256);

    function STABLECOIN() external view returns (IERC20);
    function ASSETS() external view returns (IComputeAssetRegistry);
    function USAGE_ORACLE() external view returns (IUsageOracle);
    function REVENUE_ROUTER() external view returns (IRevenueRouter);
    function EPOCH_SECONDS() external view returns (uint256);
    function GENESIS() external view returns (uint256);

    function offerOf(uint256 assetId) external view returns (Offer memory);
    function ledgerOf(uint256 assetId) external view returns (AssetLedger memory);
    function leaseOf(uint256 leaseId) external view returns (Lease memory);
    function leaseCount() external view returns (uint256);
    function currentTermsId() external view returns (uint256);
    function termsOf(uint256 termsId) external view returns (Terms memory);

    /// @notice The lease's next SLA period `[fromEpoch, toEpoch)` and whether `settle` would settle it now.
    function nextSettlement(uint256 leaseId) external view returns (uint32 fromEpoch, uint32 toEpoch, bool ready);


    function refundableOf(address account) external view returns (uint256);
    /// @notice Prepaid rent not yet settled, over all leases.
    function totalEscrowed() external view returns (uint256);
    /// @notice Refunds and credits not yet withdrawn, over all accounts.
    function totalRefundable() external view returns (uint256);
    /// @notice Released rent of the asset not yet deposited into the RevenueRouter.
    function unroutedRentOf(uint256 assetId) external view returns (uint256);
    /// @notice Released rent not yet deposited into the RevenueRouter, over all assets.
    function totalUnrouted() external view returns (uint256);
}
