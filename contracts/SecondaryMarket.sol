// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ISecondaryMarket} from "./interfaces/ISecondaryMarket.sol";
import {IComplianceRegistry} from "./interfaces/IComplianceRegistry.sol";
import {ComplianceRegistry} from "./ComplianceRegistry.sol";

/// @title SecondaryMarket
/// @notice EIP-712 signed limit orders for compute-asset shares, filled on-chain wallet to wallet, with compliance
/// checked for both sides at fill time (see {ISecondaryMarket}).
/// @dev Holds no shares, and between fills no stablecoin but the protocol fees (a fill's leg passes through). Does
/// not check that the stablecoin arrived whole (fee-on-transfer tokens are unsupported). `fill` runs checks -> effects -> event -> transfers, `nonReentrant`.
contract SecondaryMarket is ISecondaryMarket, AccessManaged, Pausable, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    uint256 private constant ONE_SHARE = 1e18;

    /// @inheritdoc ISecondaryMarket
    uint256 public constant MAX_FEE_BPS = 500;
    /// @inheritdoc ISecondaryMarket
    bytes32 public constant ORDER_TYPEHASH = keccak256(
        "Order(address maker,address shareToken,uint8 side,uint256 shareAmount,uint256 pricePerShare,uint64 expiry,uint256 salt,uint64 epoch)"
    );

    /// @inheritdoc ISecondaryMarket
    IERC20 public immutable STABLECOIN;
    /// @inheritdoc ISecondaryMarket
    IComplianceRegistry public immutable COMPLIANCE;
    /// @dev Code hash of an ERC-1167 clone of the registry: every share token has it. Checking it costs no storage
    /// read (the token's account is read anyway by the transfer). A clone made outside the factory has it too, but
    /// is never registered, so it is never initialized and holds nothing: no fill of it can move anything.
    bytes32 private immutable _SHARE_TOKEN_CODEHASH;

    /// @inheritdoc ISecondaryMarket
    uint16 public feeBps;
    /// @inheritdoc ISecondaryMarket
    address public treasury;
    mapping(bytes32 orderHash => OrderState) private _orders;
    mapping(address maker => uint64) private _epochs;

    /// @dev The stablecoin is the compliance registry's (the share tokens' revenue currency).
    constructor(address authority, IComplianceRegistry compliance, address treasury_, uint16 feeBps_)
        AccessManaged(authority)
        EIP712("CAP SecondaryMarket", "1")
    {
        STABLECOIN = ComplianceRegistry(address(compliance)).STABLECOIN();
        COMPLIANCE = compliance;
        _SHARE_TOKEN_CODEHASH = keccak256(
            abi.encodePacked(hex"363d3d373d3d3d363d73", address(compliance), hex"5af43d82803e903d91602b57fd5bf3")
        );
        _setFee(feeBps_);
        _setTreasury(treasury_);
    }

    // ---------------------------------------------------------------- takers

    /// @inheritdoc ISecondaryMarket
    function fill(Order calldata order, bytes calldata signature, uint256 shareAmount, uint256 priceLimit)
        external
        nonReentrant
        whenNotPaused
        returns (uint256 stablecoinAmount, uint256 fee)
    {
        bytes32 orderHash = _hashOrder(order);
        bool makerSells = order.side == Side.Sell;
        if (makerSells ? order.pricePerShare > priceLimit : order.pricePerShare < priceLimit) {
            revert SecondaryMarketPriceWorseThanLimit(orderHash, order.pricePerShare, priceLimit);
        }
        _consume(order, orderHash, shareAmount);
        _checkSignature(order.maker, orderHash, signature);
        (address seller, address buyer) = _checkParties(order, makerSells);

        // shareAmount < 2^128 (checked in _consume); an absurd price overflows and reverts.
        uint256 value = shareAmount * order.pricePerShare;
        stablecoinAmount = makerSells ? Math.ceilDiv(value, ONE_SHARE) : value / ONE_SHARE;
        if (stablecoinAmount == 0) revert SecondaryMarketZeroAmount();
        fee = stablecoinAmount * feeBps / BPS; // rounded down
        _emitFilled(order, orderHash, shareAmount, stablecoinAmount, fee);

        IERC20(order.shareToken).safeTransferFrom(seller, buyer, shareAmount);
        // The leg passes through this contract, which keeps the fee: one allowance spent, and the second write of
        // this contract's balance in the transaction is cheap.
        STABLECOIN.safeTransferFrom(buyer, address(this), stablecoinAmount);
        STABLECOIN.safeTransfer(seller, stablecoinAmount - fee);
    }

    // ---------------------------------------------------------------- makers

    /// @inheritdoc ISecondaryMarket
    function post(Order calldata order, bytes calldata signature) external whenNotPaused returns (bytes32 orderHash) {
        orderHash = _hashOrder(order);
        if (_checkLive(order, orderHash).filled >= order.shareAmount) revert SecondaryMarketOrderFilled(orderHash);
        _checkSignature(order.maker, orderHash, signature);
        emit OrderPosted(orderHash, order.maker, order.shareToken, order, signature);
    }

    /// @inheritdoc ISecondaryMarket
    function cancel(Order calldata order) external {
        if (msg.sender != order.maker) revert SecondaryMarketNotMaker(msg.sender, order.maker);
        bytes32 orderHash = _hashOrder(order);
        OrderState storage state = _orders[orderHash];
        if (state.cancelled) revert SecondaryMarketOrderCancelled(orderHash);
        if (state.filled >= order.shareAmount) revert SecondaryMarketOrderFilled(orderHash);
        state.cancelled = true;
        emit OrderCancelled(orderHash, msg.sender);
    }

    /// @inheritdoc ISecondaryMarket
    function cancelAll() external returns (uint64 epoch) {
        epoch = ++_epochs[msg.sender];
        emit EpochIncremented(msg.sender, epoch);
    }

    // ---------------------------------------------------------------- anyone

    /// @inheritdoc ISecondaryMarket
    function withdrawFees() external nonReentrant returns (uint256 amount) {
        amount = STABLECOIN.balanceOf(address(this));
        if (amount == 0) revert SecondaryMarketNothingToWithdraw();
        address treasury_ = treasury;
        emit FeesWithdrawn(treasury_, amount);
        STABLECOIN.safeTransfer(treasury_, amount);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc ISecondaryMarket
    function setFee(uint16 feeBps_) external restricted {
        _setFee(feeBps_);
    }

    /// @inheritdoc ISecondaryMarket
    function setTreasury(address treasury_) external restricted {
        _setTreasury(treasury_);
    }

    /// @inheritdoc ISecondaryMarket
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc ISecondaryMarket
    function unpause() external restricted {
        _unpause();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ISecondaryMarket
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc ISecondaryMarket
    function hashOrder(Order calldata order) external view returns (bytes32) {
        return _hashOrder(order);
    }

    /// @inheritdoc ISecondaryMarket
    function stateOf(bytes32 orderHash) external view returns (OrderState memory) {
        return _orders[orderHash];
    }

    /// @inheritdoc ISecondaryMarket
    function remainingOf(Order calldata order) external view returns (uint256) {
        OrderState memory state = _orders[_hashOrder(order)];
        if (state.cancelled || order.epoch != _epochs[order.maker] || block.timestamp >= order.expiry) return 0;
        return state.filled >= order.shareAmount ? 0 : order.shareAmount - state.filled;
    }

    /// @inheritdoc ISecondaryMarket
    function epochOf(address maker) external view returns (uint64) {
        return _epochs[maker];
    }

    // ---------------------------------------------------------------- internal

    function _hashOrder(Order calldata order) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ORDER_TYPEHASH, order)));
    }

    /// @dev The order's own fields and its cancellation state: not expired, not cancelled, current epoch.
    function _checkLive(Order calldata order, bytes32 orderHash) private view returns (OrderState storage state) {
        if (order.shareAmount == 0 || order.pricePerShare == 0) revert SecondaryMarketZeroAmount();
        if (block.timestamp >= order.expiry) revert SecondaryMarketOrderExpired(orderHash, order.expiry);
        uint64 makerEpoch = _epochs[order.maker];
        if (order.epoch < makerEpoch) revert SecondaryMarketOrderCancelled(orderHash);
        if (order.epoch > makerEpoch) revert SecondaryMarketInvalidEpoch(orderHash, order.epoch, makerEpoch);
        state = _orders[orderHash];
        if (state.cancelled) revert SecondaryMarketOrderCancelled(orderHash);
    }

    /// @dev Checks that the order is live with at least `shareAmount` left, and adds `shareAmount` to its filled
    /// amount (the whole fill reverts if a later check fails).
    function _consume(Order calldata order, bytes32 orderHash, uint256 shareAmount) private {
        OrderState storage state = _checkLive(order, orderHash);
        uint256 filled = state.filled;
        if (shareAmount == 0) revert SecondaryMarketZeroAmount();
        uint256 remaining = order.shareAmount > filled ? order.shareAmount - filled : 0;
        if (remaining == 0) revert SecondaryMarketOrderFilled(orderHash);
        if (shareAmount > remaining) revert SecondaryMarketExceedsRemaining(orderHash, shareAmount, remaining);
        // At most order.shareAmount, below 2^128 for any real share supply (at most 1e27); a larger order fails here.
        state.filled = SafeCast.toUint128(filled + shareAmount);
    }

    function _emitFilled(
        Order calldata order,
        bytes32 orderHash,
        uint256 shareAmount,
        uint256 stablecoinAmount,
        uint256 fee
    ) private {
        emit OrderFilled(orderHash, order.maker, msg.sender, order.shareToken, shareAmount, stablecoinAmount, fee);
    }

    /// @dev Who sells and who buys, both allowed to trade now; the share token must be the registry's.
    function _checkParties(Order calldata order, bool makerSells) private view returns (address seller, address buyer) {
        address taker = msg.sender;
        if (taker == order.maker) revert SecondaryMarketSelfTrade(taker);
        (seller, buyer) = makerSells ? (order.maker, taker) : (taker, order.maker);
        address token = order.shareToken;
        if (token.codehash != _SHARE_TOKEN_CODEHASH) revert SecondaryMarketUnknownShareToken(token);
        _checkParty(seller);
        _checkParty(buyer);
    }

    /// @dev ECDSA first (no code-size read for ordinary wallets), then ERC-1271 for a maker with code.
    function _checkSignature(address maker, bytes32 orderHash, bytes calldata signature) private view {
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecoverCalldata(orderHash, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == maker) return;
        if (maker.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(maker, orderHash, signature)) {
            return;
        }
        revert SecondaryMarketInvalidSignature(orderHash, maker);
    }

    /// @dev Verified (unexpired) and unfrozen in the registry, or a system holder.
    function _checkParty(address account) private view {
        IComplianceRegistry.InvestorRecord memory record = COMPLIANCE.investorOf(account);
        if (record.frozen) revert SecondaryMarketFrozen(account);
        if (record.systemHolder) return;
        if (record.verifiedUntil == 0) revert SecondaryMarketNotVerified(account);
        if (record.verifiedUntil < block.timestamp) {
            revert SecondaryMarketVerificationExpired(account, record.verifiedUntil);
        }
    }

    function _setFee(uint16 feeBps_) private {
        if (feeBps_ > MAX_FEE_BPS) revert SecondaryMarketFeeTooHigh(feeBps_, MAX_FEE_BPS);
        feeBps = feeBps_;
        emit FeeSet(feeBps_);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert SecondaryMarketZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }
}
