// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ILeaseMarket} from "./interfaces/ILeaseMarket.sol";
import {IBindingHook} from "./interfaces/IBindingHook.sol";
import {IComputeAssetRegistry} from "./interfaces/IComputeAssetRegistry.sol";
import {IRevenueRouter} from "./interfaces/IRevenueRouter.sol";
import {IUsageOracle} from "./interfaces/IUsageOracle.sol";

/// @title LeaseMarket
/// @notice Rental escrow for compute assets: offers, prepaid leases, per-period SLA settlement, early termination,
/// cancellation, disputes and pull refunds (see {ILeaseMarket}).
/// @dev Needs the LEASE_MARKET role on `ComputeAssetRegistry.setUser` and to be a registry binding hook. Does not
/// check that the RevenueRouter routes what it receives, nor what attesters report. Every function that moves tokens
/// or calls out is `nonReentrant`, and runs checks -> effects -> events -> transfers.
contract LeaseMarket is ILeaseMarket, IBindingHook, AccessManaged, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;

    /// @inheritdoc ILeaseMarket
    uint256 public constant MAX_LEASE_HOURS = 365 * 24;
    /// @inheritdoc ILeaseMarket
    uint256 public constant MAX_TERMINATION_FEE_BPS = 5_000;
    uint256 private constant MAX_SLA_TIERS = 8;
    uint256 private constant MAX_ATTESTATION_GRACE = 7 days;
    uint256 private constant MIN_DISPUTE_WINDOW = 1 hours;
    uint256 private constant MAX_DISPUTE_WINDOW = 30 days;
    uint256 private constant MAX_ADVANCE = 365 days;

    /// @inheritdoc ILeaseMarket
    IERC20 public immutable STABLECOIN;
    /// @inheritdoc ILeaseMarket
    IComputeAssetRegistry public immutable ASSETS;
    /// @inheritdoc ILeaseMarket
    IUsageOracle public immutable USAGE_ORACLE;
    /// @inheritdoc ILeaseMarket
    IRevenueRouter public immutable REVENUE_ROUTER;
    /// @inheritdoc ILeaseMarket
    uint256 public immutable EPOCH_SECONDS;
    /// @inheritdoc ILeaseMarket
    uint256 public immutable GENESIS;
    uint256 private immutable EPOCHS_PER_HOUR;

    uint128 private _totalEscrowed;
    uint128 private _totalRefundable;
    uint128 private _leaseCount;
    uint128 private _totalUnrouted;
    Terms[] private _terms;
    mapping(uint256 assetId => Offer) private _offers;
    mapping(uint256 assetId => AssetLedger) private _ledgers;
    mapping(uint256 assetId => uint256) private _rentRouted;
    mapping(uint256 leaseId => Lease) private _leases;
    mapping(address account => uint256) private _refundable;

    /// @dev The usage oracle is the registry's, so leases and burn-ins read the same epochs. Starts with default
    /// terms: daily SLA periods, a day of attestation grace, a three-day dispute window, bookings up to 90 days
    /// ahead, and credits of 10 % up to 1 % below target, 25 % up to 5 % below, 100 % beyond.
    constructor(address authority, IERC20 stablecoin, IComputeAssetRegistry assets, IRevenueRouter revenueRouter)
        AccessManaged(authority)
    {
        IUsageOracle oracle = assets.USAGE_ORACLE();
        uint256 epochSeconds = oracle.epochSeconds();
        if (epochSeconds == 0 || 1 hours % epochSeconds != 0) revert LeaseMarketInvalidEpochLength(epochSeconds);
        STABLECOIN = stablecoin;
        ASSETS = assets;
        USAGE_ORACLE = oracle;
        REVENUE_ROUTER = revenueRouter;
        EPOCH_SECONDS = epochSeconds;
        GENESIS = oracle.genesis();
        EPOCHS_PER_HOUR = 1 hours / epochSeconds;

        SlaTier[] memory tiers = new SlaTier[](4);
        tiers[0] = SlaTier({maxShortfallBps: 0, creditBps: 0});
        tiers[1] = SlaTier({maxShortfallBps: 100, creditBps: 1_000});
        tiers[2] = SlaTier({maxShortfallBps: 500, creditBps: 2_500});
        tiers[3] = SlaTier({maxShortfallBps: 10_000, creditBps: 10_000});
        _setTerms(
            Terms({
                slaPeriodHours: 24,
                attestationGraceSeconds: 1 days,
                disputeWindowSeconds: 3 days,
                maxAdvanceSeconds: 90 days,
                tiers: tiers
            })
        );
    }

    // ---------------------------------------------------------------- operator

    /// @inheritdoc ILeaseMarket
    function setOffer(uint256 assetId, Offer calldata offer) external whenNotPaused {
        _checkOperator(assetId);
        _checkActive(assetId);
        if (offer.pricePerHour == 0) revert LeaseMarketInvalidPrice();
        if (offer.minHours == 0 || offer.minHours > offer.maxHours || offer.maxHours > MAX_LEASE_HOURS) {
            revert LeaseMarketInvalidHoursRange(offer.minHours, offer.maxHours);
        }
        if (offer.slaUptimeBps > BPS) revert LeaseMarketInvalidSlaTarget(offer.slaUptimeBps);
        if (offer.terminationFeeBps > MAX_TERMINATION_FEE_BPS) {
            revert LeaseMarketTerminationFeeTooHigh(offer.terminationFeeBps, MAX_TERMINATION_FEE_BPS);
        }
        if (offer.availableFrom >= offer.availableUntil || offer.availableUntil <= block.timestamp) {
            revert LeaseMarketInvalidAvailability(offer.availableFrom, offer.availableUntil);
        }
        _offers[assetId] = offer;
        // Nothing can be booked before the current epoch: moving the calendar's start there changes no booking, and
        // leaves the slot non-zero, so the asset's first rent does not pay for a fresh slot.
        AssetLedger storage ledger = _ledgers[assetId];
        uint32 currentEpoch = _currentEpoch();
        if (ledger.bookedUntilEpoch < currentEpoch) ledger.bookedUntilEpoch = currentEpoch;
        emit OfferSet(assetId, msg.sender, offer);
    }

    /// @inheritdoc ILeaseMarket
    function withdrawOffer(uint256 assetId) external {
        _checkOperator(assetId);
        if (_offers[assetId].pricePerHour == 0) revert LeaseMarketNoOffer(assetId);
        delete _offers[assetId];
        emit OfferWithdrawn(assetId, msg.sender);
    }

    /// @inheritdoc ILeaseMarket
    function cancelLease(uint256 leaseId) external nonReentrant {
        Lease storage lease = _existingLease(leaseId);
        uint256 assetId = lease.assetId;
        _checkOperator(assetId);
        _checkStatus(lease, leaseId, LeaseStatus.Booked);
        uint256 startsAt = _epochStart(lease.startEpoch);
        if (block.timestamp >= startsAt) revert LeaseMarketLeaseStarted(leaseId, startsAt);

        uint128 refund = lease.unsettled;
        lease.unsettled = 0;
        lease.status = LeaseStatus.Cancelled;
        AssetLedger storage ledger = _ledgers[assetId];
        ledger.openLeases -= 1;
        if (ledger.bookedUntilEpoch == lease.endEpoch) ledger.bookedUntilEpoch = lease.bookedUntilBefore;
        _totalEscrowed -= refund;
        emit LeaseCancelled(leaseId, refund);
        _creditRefund(lease.renter, leaseId, refund);
    }

    // ---------------------------------------------------------------- renter

    /// @inheritdoc ILeaseMarket
    function rent(uint256 assetId, uint256 start, uint256 durationHours, uint256 maxTotalPrice)
        external
        nonReentrant
        whenNotPaused
        returns (uint256 leaseId)
    {
        _checkActive(assetId);
        Offer memory offer = _offers[assetId];
        if (offer.pricePerHour == 0) revert LeaseMarketNoOffer(assetId);
        if (durationHours < offer.minHours || durationHours > offer.maxHours) {
            revert LeaseMarketHoursOutOfBounds(durationHours, offer.minHours, offer.maxHours);
        }
        uint256 termsId = _terms.length - 1;
        uint32 startEpoch = _checkStart(start, _terms[termsId].maxAdvanceSeconds);
        uint256 end = start + durationHours * 1 hours;
        if (start < offer.availableFrom || end > offer.availableUntil) {
            revert LeaseMarketOutsideAvailability(start, end, offer.availableFrom, offer.availableUntil);
        }
        AssetLedger storage ledger = _ledgers[assetId];
        uint32 bookedUntil = ledger.bookedUntilEpoch;
        if (startEpoch < bookedUntil) revert LeaseMarketOverlap(assetId, start, _epochStart(bookedUntil));
        uint256 price = offer.pricePerHour * durationHours;
        if (price > maxTotalPrice) revert LeaseMarketPriceAboveMax(price, maxTotalPrice);

        leaseId = ++_leaseCount;
        uint32 endEpoch = SafeCast.toUint32(startEpoch + durationHours * EPOCHS_PER_HOUR);
        // The cast is exact: price < 2^96 * MAX_LEASE_HOURS < 2^128.
        _leases[leaseId] = Lease({
            renter: msg.sender,
            assetId: SafeCast.toUint32(assetId),
            startEpoch: startEpoch,
            bookedUntilBefore: bookedUntil,
            endEpoch: endEpoch,
            settledEpoch: startEpoch,
            unsettled: uint128(price),
            slaUptimeBps: offer.slaUptimeBps,
            terminationFeeBps: offer.terminationFeeBps,
            termsId: SafeCast.toUint16(termsId),
            status: LeaseStatus.Booked
        });
        ledger.bookedUntilEpoch = endEpoch;
        ledger.openLeases += 1;
        _totalEscrowed += uint128(price);
        emit LeaseBooked(leaseId, assetId, msg.sender, startEpoch, endEpoch, price, termsId);

        _pullExact(msg.sender, price);
        if (startEpoch == _currentEpoch()) _setUser(leaseId, assetId, msg.sender, endEpoch);
    }

    /// @inheritdoc ILeaseMarket
    function terminateLease(uint256 leaseId) external nonReentrant {
        Lease storage lease = _existingLease(leaseId);
        address renter = lease.renter;
        if (msg.sender != renter) revert LeaseMarketNotRenter(msg.sender, leaseId);
        _checkStatus(lease, leaseId, LeaseStatus.Booked);
        uint32 endEpoch = lease.endEpoch;
        uint32 currentEpoch = _currentEpoch();
        bool started = currentEpoch >= lease.startEpoch;
        uint32 newEndEpoch = started ? currentEpoch + 1 : lease.startEpoch;
        if (newEndEpoch >= endEpoch) revert LeaseMarketLeaseEnded(leaseId, _epochStart(endEpoch));

        // The unused epochs' share of the unsettled rent, rounded down; the fee on it rounded up.
        uint256 unsettled = lease.unsettled;
        uint256 unused = Math.mulDiv(unsettled, endEpoch - newEndEpoch, endEpoch - lease.settledEpoch);
        uint256 fee = Math.mulDiv(unused, lease.terminationFeeBps, BPS, Math.Rounding.Ceil);
        uint256 assetId = lease.assetId;

        lease.endEpoch = newEndEpoch;
        lease.unsettled = uint128(unsettled - unused);
        AssetLedger storage ledger = _ledgers[assetId];
        if (ledger.bookedUntilEpoch == endEpoch) {
            ledger.bookedUntilEpoch = started ? newEndEpoch : lease.bookedUntilBefore;
        }
        if (!started) {
            lease.status = LeaseStatus.Cancelled;
            ledger.openLeases -= 1;
        }
        _totalEscrowed -= uint128(unused);
        emit LeaseTerminated(leaseId, newEndEpoch, unused - fee, fee);
        _creditRefund(renter, leaseId, unused - fee);
        _release(leaseId, assetId, fee);

        if (started) _shortenUser(assetId, renter, endEpoch, newEndEpoch);
    }

    /// @inheritdoc ILeaseMarket
    function dispute(uint256 leaseId) external {
        Lease storage lease = _existingLease(leaseId);
        if (msg.sender != lease.renter) revert LeaseMarketNotRenter(msg.sender, leaseId);
        if (lease.status == LeaseStatus.Disputed) revert LeaseMarketAlreadyDisputed(leaseId);
        _checkStatus(lease, leaseId, LeaseStatus.Booked);
        uint256 endsAt = _epochStart(lease.endEpoch);
        if (block.timestamp < endsAt) revert LeaseMarketLeaseNotEnded(leaseId, endsAt);
        uint256 closesAt = endsAt + _terms[lease.termsId].disputeWindowSeconds;
        if (block.timestamp >= closesAt) revert LeaseMarketDisputeWindowClosed(leaseId, closesAt);

        lease.status = LeaseStatus.Disputed;
        emit LeaseDisputed(leaseId, lease.unsettled);
    }

    /// @inheritdoc ILeaseMarket
    function withdraw() external nonReentrant returns (uint256 amount) {
        amount = _refundable[msg.sender];
        if (amount == 0) revert LeaseMarketNothingToWithdraw(msg.sender);
        _refundable[msg.sender] = 0;
        _totalRefundable -= uint128(amount);
        emit Withdrawn(msg.sender, amount);
        STABLECOIN.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- keeper

    /// @inheritdoc ILeaseMarket
    function startLease(uint256 leaseId) external nonReentrant {
        Lease storage lease = _existingLease(leaseId);
        _checkStatus(lease, leaseId, LeaseStatus.Booked);
        uint256 startsAt = _epochStart(lease.startEpoch);
        if (block.timestamp < startsAt) revert LeaseMarketLeaseNotStarted(leaseId, startsAt);
        uint256 endsAt = _epochStart(lease.endEpoch);
        // The registry needs an expiry (`endsAt - 1`) in the future.
        if (block.timestamp + 1 >= endsAt) revert LeaseMarketLeaseEnded(leaseId, endsAt);
        _setUser(leaseId, lease.assetId, lease.renter, lease.endEpoch);
    }

    /// @inheritdoc ILeaseMarket
    function settle(uint256 leaseId) external nonReentrant {
        Lease storage lease = _existingLease(leaseId);
        _checkStatus(lease, leaseId, LeaseStatus.Booked);
        Terms storage terms = _terms[lease.termsId];
        (uint32 fromEpoch, uint32 toEpoch, bool ready) = _nextSettlement(lease, terms);
        if (!ready) revert LeaseMarketNotSettleable(leaseId, fromEpoch, toEpoch);

        uint256 assetId = lease.assetId;
        bool last = toEpoch == lease.endEpoch;
        uint256 unsettled = lease.unsettled;
        // The period's pro-rata share, rounded down; the last period takes the rest, so nothing is left over.
        uint256 earned = last ? unsettled : Math.mulDiv(unsettled, toEpoch - fromEpoch, lease.endEpoch - fromEpoch);
        uint256 shortfallBps = _shortfallBps(assetId, fromEpoch, toEpoch, lease.slaUptimeBps);
        uint256 creditBps = _creditBps(terms, shortfallBps);
        uint256 credit = earned * creditBps / BPS; // rounded down: the dust goes to the released rent

        lease.settledEpoch = toEpoch;
        lease.unsettled = uint128(unsettled - earned);
        if (last) {
            lease.status = LeaseStatus.Finalized;
            _ledgers[assetId].openLeases -= 1;
        }
        _totalEscrowed -= uint128(earned);
        emit LeaseSettled(leaseId, fromEpoch, toEpoch, shortfallBps, creditBps, earned, credit);
        _creditRefund(lease.renter, leaseId, credit);
        if (last) emit LeaseFinalized(leaseId);

        _release(leaseId, assetId, earned - credit);
    }

    /// @inheritdoc ILeaseMarket
    function routeRent(uint256 assetId) external nonReentrant returns (uint256 amount) {
        uint256 released = _ledgers[assetId].rentReleased;
        amount = released - _rentRouted[assetId];
        if (amount == 0) revert LeaseMarketNothingToRoute(assetId);
        _rentRouted[assetId] = released;
        _totalUnrouted -= uint128(amount);
        emit RentRouted(assetId, amount);
        STABLECOIN.forceApprove(address(REVENUE_ROUTER), amount);
        REVENUE_ROUTER.deposit(assetId, amount, IRevenueRouter.Source.Rent);
    }

    // ---------------------------------------------------------------- arbiter

    /// @inheritdoc ILeaseMarket
    function resolveDispute(uint256 leaseId, uint256 renterAmount, uint256 operatorAmount)
        external
        restricted
        nonReentrant
    {
        Lease storage lease = _existingLease(leaseId);
        if (lease.status != LeaseStatus.Disputed) revert LeaseMarketNotDisputed(leaseId);
        uint128 disputed = lease.unsettled;
        if (renterAmount > disputed || operatorAmount != disputed - renterAmount) {
            revert LeaseMarketInvalidSplit(renterAmount, operatorAmount, disputed);
        }
        uint256 assetId = lease.assetId;

        lease.unsettled = 0;
        lease.settledEpoch = lease.endEpoch;
        lease.status = LeaseStatus.Finalized;
        _ledgers[assetId].openLeases -= 1;
        _totalEscrowed -= disputed;
        emit DisputeResolved(leaseId, renterAmount, operatorAmount);
        _creditRefund(lease.renter, leaseId, renterAmount);
        emit LeaseFinalized(leaseId);

        _release(leaseId, assetId, operatorAmount);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc ILeaseMarket
    function setTerms(Terms calldata terms) external restricted {
        _setTerms(terms);
    }

    /// @inheritdoc ILeaseMarket
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc ILeaseMarket
    function unpause() external restricted {
        _unpause();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IBindingHook
    /// @dev True while a lease on the asset is booked, running, disputed or not fully settled.
    function isBound(uint256 assetId) external view returns (bool) {
        return _ledgers[assetId].openLeases != 0;
    }

    /// @inheritdoc ILeaseMarket
    function offerOf(uint256 assetId) external view returns (Offer memory) {
        return _offers[assetId];
    }

    /// @inheritdoc ILeaseMarket
    function ledgerOf(uint256 assetId) external view returns (AssetLedger memory) {
        return _ledgers[assetId];
    }

    /// @inheritdoc ILeaseMarket
    function leaseOf(uint256 leaseId) external view returns (Lease memory) {
        return _existingLease(leaseId);
    }

    /// @inheritdoc ILeaseMarket
    function leaseCount() external view returns (uint256) {
        return _leaseCount;
    }

    /// @inheritdoc ILeaseMarket
    function currentTermsId() external view returns (uint256) {
        return _terms.length - 1;
    }

    /// @inheritdoc ILeaseMarket
    function termsOf(uint256 termsId) external view returns (Terms memory) {
        return _existingTerms(termsId);
    }

    /// @inheritdoc ILeaseMarket
    function nextSettlement(uint256 leaseId) external view returns (uint32, uint32, bool) {
        Lease storage lease = _existingLease(leaseId);
        return _nextSettlement(lease, _terms[lease.termsId]);
    }

    /// @inheritdoc ILeaseMarket
    function unroutedRentOf(uint256 assetId) external view returns (uint256) {
        return _ledgers[assetId].rentReleased - _rentRouted[assetId];
    }

    /// @inheritdoc ILeaseMarket
    function totalUnrouted() external view returns (uint256) {
        return _totalUnrouted;
    }

    /// @inheritdoc ILeaseMarket
    function refundableOf(address account) external view returns (uint256) {
        return _refundable[account];
    }

    /// @inheritdoc ILeaseMarket
    function totalEscrowed() external view returns (uint256) {
        return _totalEscrowed;
    }

    /// @inheritdoc ILeaseMarket
    function totalRefundable() external view returns (uint256) {
        return _totalRefundable;
    }

    // ---------------------------------------------------------------- internal: money

    /// @dev Pulls exactly `amount` from `from`, or reverts: a token that takes a fee on transfer arrives short.
    function _pullExact(address from, uint256 amount) private {
        uint256 balanceBefore = STABLECOIN.balanceOf(address(this));
        STABLECOIN.safeTransferFrom(from, address(this), amount);
        uint256 received = STABLECOIN.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert LeaseMarketTransferShortfall(amount, received);
    }

    /// @dev Adds earned rent to the asset's unrouted rent, which `routeRent` deposits into the RevenueRouter.
    function _release(uint256 leaseId, uint256 assetId, uint256 amount) private {
        if (amount == 0) return;
        _ledgers[assetId].rentReleased += uint128(amount);
        _totalUnrouted += uint128(amount);
        emit RentReleased(leaseId, assetId, amount);
    }

    /// @dev Every refund and credit is a pull credit: nothing is ever pushed to a renter.
    function _creditRefund(address account, uint256 leaseId, uint256 amount) private {
        if (amount == 0) return;
        _refundable[account] += amount;
        _totalRefundable += uint128(amount);
        emit RefundCredited(account, leaseId, amount);
    }

    // ---------------------------------------------------------------- internal: ERC-4907 user

    /// @dev The registry's expiry is inclusive: `end - 1` makes the renter the user for exactly `[start, end)`.
    function _setUser(uint256 leaseId, uint256 assetId, address renter, uint32 endEpoch) private {
        uint256 expires = _epochStart(endEpoch) - 1;
        if (expires <= block.timestamp) return; // the last second of the lease: nothing left to use
        ASSETS.setUser(assetId, renter, uint64(expires));
        emit LeaseStarted(leaseId, renter, uint64(expires));
    }

    /// @dev Shortens the renter's use to the new end, if the registry's record is this lease's (leases on an asset
    /// never share an end, so the expiry identifies it); clears it when it cannot be shortened (the new end is the
    /// next second, or the asset is no longer Active).
    function _shortenUser(uint256 assetId, address renter, uint32 oldEndEpoch, uint32 newEndEpoch) private {
        if (ASSETS.userExpires(assetId) != _epochStart(oldEndEpoch) - 1) return;
        uint256 newExpires = _epochStart(newEndEpoch) - 1;
        if (newExpires > block.timestamp && ASSETS.statusOf(assetId) == IComputeAssetRegistry.Status.Active) {
            ASSETS.setUser(assetId, renter, uint64(newExpires));
        } else {
            ASSETS.setUser(assetId, address(0), 0);
        }
    }

    // ---------------------------------------------------------------- internal: settlement

    /// @dev The next SLA period `[fromEpoch, toEpoch)` and whether it can settle now (see {ILeaseMarket}).
    function _nextSettlement(Lease storage lease, Terms storage terms)
        private
        view
        returns (uint32 fromEpoch, uint32 toEpoch, bool ready)
    {
        fromEpoch = lease.settledEpoch;
        uint32 endEpoch = lease.endEpoch;
        toEpoch = uint32(Math.min(uint256(fromEpoch) + terms.slaPeriodHours * EPOCHS_PER_HOUR, endEpoch));
        if (lease.status != LeaseStatus.Booked) return (fromEpoch, toEpoch, false);
        uint256 endsAt = _epochStart(endEpoch);
        if (toEpoch == endEpoch) return (fromEpoch, toEpoch, block.timestamp >= endsAt + terms.disputeWindowSeconds);
        if (block.timestamp >= endsAt + terms.attestationGraceSeconds) return (fromEpoch, toEpoch, true);
        (bool reported, uint32 latest) = USAGE_ORACLE.latestEpoch(lease.assetId);
        ready = reported && latest >= toEpoch - 1;
    }

    /// @dev Target minus the mean attested uptime over `[fromEpoch, toEpoch)` (missing epochs as 0), in whole basis
    /// points rounded down; 0 at or above target. One O(log n) oracle query, whatever the range length.
    function _shortfallBps(uint256 assetId, uint32 fromEpoch, uint32 toEpoch, uint256 targetBps)
        private
        view
        returns (uint256)
    {
        uint256 epochs = toEpoch - fromEpoch;
        uint256 uptimeSum = USAGE_ORACLE.usageBetween(assetId, fromEpoch, toEpoch).uptimeBpsSum;
        uint256 targetSum = targetBps * epochs;
        return uptimeSum >= targetSum ? 0 : (targetSum - uptimeSum) / epochs;
    }

    /// @dev The first tier covering the shortfall; the last tier covers 10_000, so one always does.
    function _creditBps(Terms storage terms, uint256 shortfallBps) private view returns (uint256) {
        SlaTier[] storage tiers = terms.tiers;
        uint256 count = tiers.length;
        for (uint256 i; i < count; ++i) {
            SlaTier storage tier = tiers[i];
            if (shortfallBps <= tier.maxShortfallBps) return tier.creditBps;
        }
        return BPS;
    }

    // ---------------------------------------------------------------- internal: checks and config

    /// @dev Tiers are checked as they are stored: a bad one reverts the whole version.
    function _setTerms(Terms memory terms) private {
        uint256 termsId = _terms.length;
        if (terms.slaPeriodHours == 0 || terms.slaPeriodHours > MAX_LEASE_HOURS) {
            revert LeaseMarketInvalidSlaPeriod(terms.slaPeriodHours);
        }
        if (
            terms.attestationGraceSeconds > MAX_ATTESTATION_GRACE || terms.disputeWindowSeconds < MIN_DISPUTE_WINDOW
                || terms.disputeWindowSeconds > MAX_DISPUTE_WINDOW
                || terms.disputeWindowSeconds < terms.attestationGraceSeconds
        ) revert LeaseMarketInvalidWindows(terms.attestationGraceSeconds, terms.disputeWindowSeconds);
        if (terms.maxAdvanceSeconds > MAX_ADVANCE) revert LeaseMarketInvalidMaxAdvance(terms.maxAdvanceSeconds);
        uint256 count = terms.tiers.length;
        if (count == 0 || count > MAX_SLA_TIERS) revert LeaseMarketInvalidTierCount(count);

        Terms storage stored = _terms.push();
        stored.slaPeriodHours = terms.slaPeriodHours;
        stored.attestationGraceSeconds = terms.attestationGraceSeconds;
        stored.disputeWindowSeconds = terms.disputeWindowSeconds;
        stored.maxAdvanceSeconds = terms.maxAdvanceSeconds;
        for (uint256 i; i < count; ++i) {
            SlaTier memory tier = terms.tiers[i];
            bool lastTier = i == count - 1;
            if (
                tier.creditBps > BPS || (lastTier && tier.maxShortfallBps != BPS)
                    || (i != 0 && tier.maxShortfallBps <= terms.tiers[i - 1].maxShortfallBps)
                    || (i != 0 && tier.creditBps < terms.tiers[i - 1].creditBps)
            ) revert LeaseMarketInvalidTier(i, tier.maxShortfallBps, tier.creditBps);
            stored.tiers.push(tier);
        }
        emit TermsSet(termsId, terms);
    }

    /// @dev The start must be an epoch start, not before the current epoch, at most `maxAdvance` from now.
    function _checkStart(uint256 start, uint256 maxAdvance) private view returns (uint32) {
        uint256 currentStart = _epochStart(_currentEpoch());
        if (start < currentStart) revert LeaseMarketStartInPast(start, currentStart);
        if ((start - GENESIS) % EPOCH_SECONDS != 0) revert LeaseMarketStartNotAligned(start);
        if (start > block.timestamp + maxAdvance) revert LeaseMarketStartTooFar(start, block.timestamp + maxAdvance);
        return SafeCast.toUint32((start - GENESIS) / EPOCH_SECONDS);
    }

    function _checkOperator(uint256 assetId) private view {
        if (msg.sender != ASSETS.operatorOf(assetId)) revert LeaseMarketNotOperator(msg.sender, assetId);
    }

    function _checkActive(uint256 assetId) private view {
        IComputeAssetRegistry.Status status = ASSETS.statusOf(assetId);
        if (status != IComputeAssetRegistry.Status.Active) revert LeaseMarketAssetNotActive(assetId, status);
    }

    function _checkStatus(Lease storage lease, uint256 leaseId, LeaseStatus expected) private view {
        LeaseStatus status = lease.status;
        if (status != expected) revert LeaseMarketInvalidLeaseStatus(leaseId, status);
    }

    function _existingLease(uint256 leaseId) private view returns (Lease storage lease) {
        lease = _leases[leaseId];
        if (lease.status == LeaseStatus.None) revert LeaseMarketUnknownLease(leaseId);
    }

    function _existingTerms(uint256 termsId) private view returns (Terms storage) {
        if (termsId >= _terms.length) revert LeaseMarketUnknownTerms(termsId);
        return _terms[termsId];
    }

    function _currentEpoch() private view returns (uint32) {
        return SafeCast.toUint32((block.timestamp - GENESIS) / EPOCH_SECONDS);
    }

    function _epochStart(uint32 epoch) private view returns (uint256) {
        return GENESIS + uint256(epoch) * EPOCH_SECONDS;
    }
}
