// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IShareOffering} from "./interfaces/IShareOffering.sol";
import {IAssetShares} from "./interfaces/IAssetShares.sol";
import {IComplianceRegistry} from "./interfaces/IComplianceRegistry.sol";
import {IComputeAssetRegistry} from "./interfaces/IComputeAssetRegistry.sol";
import {ComplianceRegistry} from "./ComplianceRegistry.sol";

/// @title ShareOffering
/// @notice Primary offerings of compute-asset shares: escrowed subscriptions, soft and hard caps, settlement into
/// pull payouts, refunds when the soft cap fails (see {IShareOffering}).
/// @dev Must be a system holder of the ComplianceRegistry (it holds the shares on offer). `cancel` is open to the
/// offering's operator before the window and to whoever the AccessManager lets call it (governance) until settlement.
/// Every function that moves tokens or calls a token is `nonReentrant` and runs checks -> effects -> events ->
/// transfers. Not checked: that the asset behind the shares is Active (an offering sells shares, not machine time).
contract ShareOffering is IShareOffering, AccessManaged, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    uint256 private constant ONE_SHARE = 1e18;

    /// @inheritdoc IShareOffering
    uint256 public constant MAX_FEE_BPS = 1_000;
    /// @inheritdoc IShareOffering
    uint256 public constant MAX_JURISDICTIONS = 64;
    /// @inheritdoc IShareOffering
    uint256 public constant MAX_DURATION = 180 days;
    /// @inheritdoc IShareOffering
    uint256 public constant MAX_LEAD_TIME = 365 days;

    /// @inheritdoc IShareOffering
    IERC20 public immutable STABLECOIN;
    /// @inheritdoc IShareOffering
    IComplianceRegistry public immutable COMPLIANCE;
    /// @inheritdoc IShareOffering
    IComputeAssetRegistry public immutable ASSETS;

    /// @inheritdoc IShareOffering
    uint16 public protocolFeeBps;
    /// @inheritdoc IShareOffering
    address public treasury;
    uint256 private _totalOwed;
    uint256 private _offeringCount;
    mapping(uint256 offeringId => Offering) private _offerings;
    mapping(uint256 offeringId => mapping(uint256 word => uint256 bits)) private _jurisdictions;
    mapping(uint256 offeringId => mapping(address investor => Subscription)) private _subscriptions;
    mapping(address account => uint256) private _owed;

    /// @dev The stablecoin is the compliance registry's (the share tokens' revenue currency).
    constructor(address authority, IComplianceRegistry compliance, address treasury_, uint16 feeBps)
        AccessManaged(authority)
    {
        STABLECOIN = ComplianceRegistry(address(compliance)).STABLECOIN();
        COMPLIANCE = compliance;
        ASSETS = ComplianceRegistry(address(compliance)).ASSETS();
        _setProtocolFee(feeBps);
        _setTreasury(treasury_);
    }

    // ---------------------------------------------------------------- operator

    /// @inheritdoc IShareOffering
    function createOffering(OfferingParams calldata params)
        external
        nonReentrant
        whenNotPaused
        returns (uint256 offeringId)
    {
        IAssetShares token = params.shareToken;
        if (!COMPLIANCE.isShareToken(address(token))) revert ShareOfferingUnknownShareToken(address(token));
        uint256 assetId = token.assetId();
        if (ASSETS.operatorOf(assetId) != msg.sender) revert ShareOfferingNotOperator(msg.sender, assetId);
        _checkParams(params);

        offeringId = ++_offeringCount;
        uint16 feeBps = protocolFeeBps;
        _offerings[offeringId] = Offering({
            operator: msg.sender,
            opensAt: params.opensAt,
            feeBps: feeBps,
            sharesReturned: false,
            status: Status.Active,
            sold: 0,
            raised: 0,
            closesAt: params.closesAt,
            pricePerShare: params.pricePerShare,
            hardCap: params.hardCap,
            minShares: params.minShares,
            maxShares: params.maxShares,
            shareToken: token,
            softCap: params.softCap
        });
        mapping(uint256 => uint256) storage allowed = _jurisdictions[offeringId];
        for (uint256 i; i < params.jurisdictions.length; ++i) {
            uint16 jurisdiction = params.jurisdictions[i];
            allowed[jurisdiction >> 8] |= 1 << (jurisdiction & 0xff);
        }
        _emitCreated(offeringId, params, feeBps);

        uint256 before = token.balanceOf(address(this));
        IERC20(address(token)).safeTransferFrom(msg.sender, address(this), params.hardCap);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != params.hardCap) revert ShareOfferingTransferShortfall(params.hardCap, received);
    }

    /// @inheritdoc IShareOffering
    function cancel(uint256 offeringId) external {
        Offering storage offering = _existing(offeringId);
        if (offering.status != Status.Active) revert ShareOfferingInvalidStatus(offeringId, offering.status);
        if (msg.sender == offering.operator) {
            if (block.timestamp >= offering.opensAt) revert ShareOfferingAlreadyOpen(offeringId, offering.opensAt);
        } else {
            (bool allowed,) = IAccessManager(authority()).canCall(msg.sender, address(this), msg.sig);
            if (!allowed) revert ShareOfferingUnauthorized(msg.sender, offeringId);
        }
        offering.status = Status.Cancelled;
        emit OfferingCancelled(offeringId, msg.sender);
    }

    // ---------------------------------------------------------------- investors

    /// @inheritdoc IShareOffering
    function subscribe(uint256 offeringId, uint256 shares) external nonReentrant whenNotPaused returns (uint256 paid) {
        Offering storage offering = _existing(offeringId);
        (uint40 opensAt, uint40 closesAt, Status status, address operator) =
            (offering.opensAt, offering.closesAt, offering.status, offering.operator);
        if (status != Status.Active) revert ShareOfferingInvalidStatus(offeringId, status);
        if (block.timestamp < opensAt || block.timestamp >= closesAt) {
            revert ShareOfferingOutsideWindow(offeringId, block.timestamp, opensAt, closesAt);
        }
        if (shares == 0) revert ShareOfferingZeroAmount();
        if (msg.sender == operator) revert ShareOfferingOperatorSubscription(offeringId);
        _checkInvestor(offeringId, msg.sender);

        Subscription memory position = _subscriptions[offeringId][msg.sender];
        uint256 newPosition = position.shares + shares;
        if (newPosition < offering.minShares) revert ShareOfferingBelowMinimum(offeringId, newPosition, offering.minShares);
        if (newPosition > offering.maxShares) revert ShareOfferingAboveMaximum(offeringId, newPosition, offering.maxShares);
        uint256 remaining = offering.hardCap - offering.sold;
        if (shares > remaining) revert ShareOfferingHardCapExceeded(offeringId, shares, remaining);

        paid = Math.mulDiv(shares, offering.pricePerShare, ONE_SHARE, Math.Rounding.Ceil);
        // Casts are exact: newPosition <= maxShares < 2^96, sold <= hardCap < 2^96, and the hard cap's cost fits in
        // uint120 (checked at creation), so every sum of payments does too.
        _subscriptions[offeringId][msg.sender] = Subscription(uint96(newPosition), uint120(position.paid + paid));
        offering.sold += uint96(shares);
        offering.raised += uint120(paid);
        emit Subscribed(offeringId, msg.sender, shares, paid);

        uint256 before = STABLECOIN.balanceOf(address(this));
        STABLECOIN.safeTransferFrom(msg.sender, address(this), paid);
        uint256 received = STABLECOIN.balanceOf(address(this)) - before;
        if (received != paid) revert ShareOfferingTransferShortfall(paid, received);
    }

    /// @inheritdoc IShareOffering
    function claimShares(uint256 offeringId) external returns (uint256) {
        return _claimShares(offeringId, msg.sender);
    }

    /// @inheritdoc IShareOffering
    function claimSharesFor(uint256 offeringId, address investor) external returns (uint256) {
        return _claimShares(offeringId, investor);
    }

    /// @inheritdoc IShareOffering
    function refund(uint256 offeringId) external nonReentrant returns (uint256 amount) {
        Offering storage offering = _existing(offeringId);
        Status status = offering.status;
        if (status != Status.Failed && status != Status.Cancelled) revert ShareOfferingInvalidStatus(offeringId, status);
        amount = _subscriptions[offeringId][msg.sender].paid;
        if (amount == 0) revert ShareOfferingNothingToRefund(offeringId, msg.sender);

        delete _subscriptions[offeringId][msg.sender];
        emit Refunded(offeringId, msg.sender, amount);
        STABLECOIN.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- anyone

    /// @inheritdoc IShareOffering
    function settle(uint256 offeringId) external returns (bool succeeded) {
        Offering storage offering = _existing(offeringId);
        if (offering.status != Status.Active) revert ShareOfferingInvalidStatus(offeringId, offering.status);
        uint96 sold = offering.sold;
        if (block.timestamp < offering.closesAt && sold < offering.hardCap) {
            revert ShareOfferingNotClosed(offeringId, offering.closesAt);
        }
        succeeded = sold >= offering.softCap;
        uint256 raised = offering.raised;
        uint256 fee;
        if (succeeded) {
            offering.status = Status.Succeeded;
            // The payments become payouts: what the contract holds is unchanged.
            fee = raised * offering.feeBps / BPS; // rounded down
            emit OfferingSettled(offeringId, true, sold, raised, fee);
            _credit(offering.operator, offeringId, raised - fee);
            _credit(treasury, offeringId, fee);
        } else {
            offering.status = Status.Failed;
            emit OfferingSettled(offeringId, false, sold, raised, 0);
        }
    }

    /// @inheritdoc IShareOffering
    function returnShares(uint256 offeringId) external nonReentrant returns (uint256 shares) {
        Offering storage offering = _existing(offeringId);
        Status status = offering.status;
        if (status == Status.Active) revert ShareOfferingInvalidStatus(offeringId, status);
        shares = status == Status.Succeeded ? offering.hardCap - offering.sold : offering.hardCap;
        if (offering.sharesReturned || shares == 0) revert ShareOfferingNothingToReturn(offeringId);

        offering.sharesReturned = true;
        address operator = offering.operator;
        emit SharesReturned(offeringId, operator, shares);
        IERC20(address(offering.shareToken)).safeTransfer(operator, shares);
    }

    /// @inheritdoc IShareOffering
    function forwardRevenue(IAssetShares token) external nonReentrant returns (uint256 amount) {
        if (!COMPLIANCE.isShareToken(address(token))) revert ShareOfferingUnknownShareToken(address(token));
        amount = token.claimableOf(address(this));
        if (amount == 0) revert ShareOfferingNoRevenue(address(token));
        address operator = ASSETS.operatorOf(token.assetId());
        emit RevenueForwarded(address(token), operator, amount);
        _credit(operator, 0, amount);
        uint256 before = STABLECOIN.balanceOf(address(this));
        token.claim();
        uint256 received = STABLECOIN.balanceOf(address(this)) - before;
        if (received != amount) revert ShareOfferingTransferShortfall(amount, received);
    }

    /// @inheritdoc IShareOffering
    function withdraw() external returns (uint256) {
        return _withdraw(msg.sender);
    }

    /// @inheritdoc IShareOffering
    function withdrawFor(address account) external returns (uint256) {
        return _withdraw(account);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IShareOffering
    function setProtocolFee(uint16 feeBps) external restricted {
        _setProtocolFee(feeBps);
    }

    /// @inheritdoc IShareOffering
    function setTreasury(address treasury_) external restricted {
        _setTreasury(treasury_);
    }

    /// @inheritdoc IShareOffering
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc IShareOffering
    function unpause() external restricted {
        _unpause();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IShareOffering
    function offeringCount() external view returns (uint256) {
        return _offeringCount;
    }

    /// @inheritdoc IShareOffering
    function offeringOf(uint256 offeringId) external view returns (Offering memory) {
        return _offerings[offeringId];
    }

    /// @inheritdoc IShareOffering
    function subscriptionOf(uint256 offeringId, address investor) external view returns (Subscription memory) {
        return _subscriptions[offeringId][investor];
    }

    /// @inheritdoc IShareOffering
    function isJurisdictionAllowed(uint256 offeringId, uint16 jurisdiction) public view returns (bool) {
        return _jurisdictions[offeringId][jurisdiction >> 8] & (1 << (jurisdiction & 0xff)) != 0;
    }

    /// @inheritdoc IShareOffering
    function costOf(uint256 offeringId, uint256 shares) external view returns (uint256) {
        return Math.mulDiv(shares, _existing(offeringId).pricePerShare, ONE_SHARE, Math.Rounding.Ceil);
    }

    /// @inheritdoc IShareOffering
    function pendingRevenueOf(IAssetShares token) external view returns (uint256) {
        return token.claimableOf(address(this));
    }

    /// @inheritdoc IShareOffering
    function owedOf(address account) external view returns (uint256) {
        return _owed[account];
    }

    /// @inheritdoc IShareOffering
    function totalOwed() external view returns (uint256) {
        return _totalOwed;
    }

    // ---------------------------------------------------------------- internal

    function _claimShares(uint256 offeringId, address investor) private nonReentrant returns (uint256 shares) {
        Offering storage offering = _existing(offeringId);
        if (offering.status != Status.Succeeded) revert ShareOfferingInvalidStatus(offeringId, offering.status);
        shares = _subscriptions[offeringId][investor].shares;
        if (shares == 0) revert ShareOfferingNothingToClaim(offeringId, investor);

        delete _subscriptions[offeringId][investor];
        emit SharesClaimed(offeringId, investor, shares);
        IERC20(address(offering.shareToken)).safeTransfer(investor, shares);
    }

    function _emitCreated(uint256 offeringId, OfferingParams calldata params, uint16 feeBps) private {
        emit OfferingCreated(
            offeringId,
            msg.sender,
            address(params.shareToken),
            params.pricePerShare,
            params.softCap,
            params.hardCap,
            params.minShares,
            params.maxShares,
            params.opensAt,
            params.closesAt,
            params.jurisdictions,
            feeBps
        );
    }

    function _checkInvestor(uint256 offeringId, address investor) private view {
        IComplianceRegistry.InvestorRecord memory record = COMPLIANCE.investorOf(investor);
        if (record.frozen) revert ShareOfferingInvestorFrozen(investor);
        if (record.verifiedUntil == 0) revert ShareOfferingInvestorNotVerified(investor);
        if (record.verifiedUntil < block.timestamp) {
            revert ShareOfferingVerificationExpired(investor, record.verifiedUntil);
        }
        if (!isJurisdictionAllowed(offeringId, record.jurisdiction)) {
            revert ShareOfferingJurisdictionNotAllowed(offeringId, record.jurisdiction);
        }
    }

    function _checkParams(OfferingParams calldata params) private view {
        if (params.pricePerShare == 0) revert ShareOfferingInvalidPrice();
        (uint256 soft, uint256 hard, uint256 min, uint256 max) =
            (params.softCap, params.hardCap, params.minShares, params.maxShares);
        if (soft == 0 || soft > hard || max == 0 || min > max || max > hard) {
            revert ShareOfferingInvalidCaps(soft, hard, min, max);
        }
        (uint256 opensAt, uint256 closesAt) = (params.opensAt, params.closesAt);
        if (
            opensAt < block.timestamp || opensAt > block.timestamp + MAX_LEAD_TIME || closesAt <= opensAt
                || closesAt - opensAt > MAX_DURATION
        ) revert ShareOfferingInvalidWindow(opensAt, closesAt);
        uint256 count = params.jurisdictions.length;
        if (count == 0 || count > MAX_JURISDICTIONS) revert ShareOfferingInvalidJurisdictions(count);
        uint256 proceeds = Math.mulDiv(hard, params.pricePerShare, ONE_SHARE, Math.Rounding.Ceil);
        if (proceeds > type(uint120).max) revert ShareOfferingProceedsTooLarge(proceeds);
    }

    function _credit(address account, uint256 offeringId, uint256 amount) private {
        if (amount == 0) return;
        _owed[account] += amount;
        _totalOwed += amount;
        emit Credited(account, offeringId, amount);
    }

    function _withdraw(address account) private nonReentrant returns (uint256 amount) {
        amount = _owed[account];
        if (amount == 0) revert ShareOfferingNothingToWithdraw(account);
        _owed[account] = 0;
        _totalOwed -= amount;
        emit Withdrawn(account, amount);
        STABLECOIN.safeTransfer(account, amount);
    }

    function _setProtocolFee(uint16 feeBps) private {
        if (feeBps > MAX_FEE_BPS) revert ShareOfferingFeeTooHigh(feeBps, MAX_FEE_BPS);
        protocolFeeBps = feeBps;
        emit ProtocolFeeSet(feeBps);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert ShareOfferingZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    function _existing(uint256 offeringId) private view returns (Offering storage offering) {
        offering = _offerings[offeringId];
        if (offering.status == Status.None) revert ShareOfferingUnknown(offeringId);
    }
}
