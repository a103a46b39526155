// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IComplianceRegistry} from "./IComplianceRegistry.sol";

/// @title ISecondaryMarket — signed limit orders for compute-asset shares
/// @notice Makers sign EIP-712 limit orders off-chain (domain `CAP SecondaryMarket` / `1` / chain id / this
/// contract) to buy or sell a share token for the stablecoin; takers fill them on-chain, wholly or in part.
/// Settlement is wallet to wallet: the seller approves its shares to this contract, the buyer its stablecoin. Shares
/// go from seller to buyer; the stablecoin leg passes through this contract within the fill, which keeps only the
/// protocol fee.
///
/// Orders. `Order(maker, shareToken, side, shareAmount, pricePerShare, expiry, salt, epoch)`: `side` is what the
/// maker does (Buy: the maker buys, the taker sells); `pricePerShare` is in stablecoin units per 1e18 shares; the
/// order can be filled while `block.timestamp < expiry`; `salt` makes otherwise equal orders distinct; `epoch` must
/// equal the maker's epoch when filled. A fill's `shareAmount` is added to the order's filled amount (by order hash),
/// up to the order's `shareAmount`.
///
/// Cancelling. `cancel(order)` cancels one order; `cancelAll()` bumps the maker's epoch, which cancels every order
/// signed with an older epoch in one write, whatever their number.
///
/// Price and fee. A fill trades at the order's price: the stablecoin leg is `shareAmount × pricePerShare / 1e18`,
/// rounded in the maker's favour (up when the maker sells, down when it buys: no choice of fill sizes can make the
/// maker pay more, or receive less, than its price). The taker's `priceLimit` guards against an order it did not
/// expect: at most that price when buying, at least that price when selling. The protocol fee (`feeBps`, at most
/// `MAX_FEE_BPS`, rounded down) comes out of the stablecoin leg: the buyer pays the whole leg, the seller receives it
/// less the fee; fees accrue here and `withdrawFees` (anyone) sends them to the treasury.
///
/// Compliance at fill time. Both the buyer and the seller must be, at the moment of the fill, verified (unexpired)
/// and unfrozen in the ComplianceRegistry, or system holders. A verification that expired, or a registry freeze,
/// after the order was signed makes the fill fail with this market's own error. The share token's own checks run
/// too: a seller frozen on that token only (`freezeOnToken`) fails with the token's `AssetSharesHolderFrozen`. Revenue earned by the shares before the fill stays claimable by the
/// seller (the share token moves revenue corrections with the shares).
///
/// Signatures. ECDSA for wallets without code (low-s, as OpenZeppelin's ECDSA requires), ERC-1271 for contract
/// wallets. An order signed for another chain or another market recovers another signer and is refused. Orders may
/// be announced on-chain with `post` (an event only) so that takers can list them from the logs.
///
/// @dev TRUST: governance sets the fee (bounded) and the treasury; the PAUSER stops fills (cancels go on).
/// CAUTION: an order is a standing authority over the maker's approved balance until it is filled, expires or is
/// cancelled; prefer short expiries and exact approvals. ERC-1271 signatures can be revoked by the wallet at any
/// time. The stablecoin must not take a fee on transfer (the seller would receive less than the leg).
interface ISecondaryMarket {
    enum Side {
        Buy,
        Sell
    }

    /// @notice A signed limit order (the EIP-712 struct `Order`).
    struct Order {
        address maker;
        address shareToken;
        Side side;
        uint256 shareAmount;
        uint256 pricePerShare;
        uint64 expiry;
        uint256 salt;
        uint64 epoch;
    }

    /// @notice What the market knows of an order, by its hash (one slot).
    struct OrderState {
        uint128 filled;
        bool cancelled;
    }

    // ---------------------------------------------------------------- errors

    /// @notice A zero share amount or price in the order, or a fill of zero shares or worth zero stablecoin.
    error SecondaryMarketZeroAmount();
    /// @notice The signature is not the maker's over this order, this chain and this market.
    error SecondaryMarketInvalidSignature(bytes32 orderHash, address maker);
    /// @notice The order expired at `expiry`.
    error SecondaryMarketOrderExpired(bytes32 orderHash, uint256 expiry);
    /// @notice The order was cancelled, one by one or by a newer epoch of its maker.
    error SecondaryMarketOrderCancelled(bytes32 orderHash);
    /// @notice The order names an epoch its maker has not reached.
    error SecondaryMarketInvalidEpoch(bytes32 orderHash, uint256 orderEpoch, uint256 makerEpoch);
    /// @notice The order is filled completely: its signature was used up.
    error SecondaryMarketOrderFilled(bytes32 orderHash);
    /// @notice More shares than the order has left.
    error SecondaryMarketExceedsRemaining(bytes32 orderHash, uint256 requested, uint256 remaining);
    /// @notice The order's price is worse for the taker than its limit.
    error SecondaryMarketPriceWorseThanLimit(bytes32 orderHash, uint256 pricePerShare, uint256 priceLimit);
    /// @notice The maker filling its own order.
    error SecondaryMarketSelfTrade(address account);
    /// @notice The token is not a share token of the ComplianceRegistry (not a clone of it).
    error SecondaryMarketUnknownShareToken(address token);
    /// @notice A party with no verification in the ComplianceRegistry.
    error SecondaryMarketNotVerified(address account);
    /// @notice A party whose verification expired.
    error SecondaryMarketVerificationExpired(address account, uint256 verifiedUntil);
    /// @notice A party frozen in the ComplianceRegistry.
    error SecondaryMarketFrozen(address account);
    /// @notice Only the maker cancels its order.
    error SecondaryMarketNotMaker(address caller, address maker);
    /// @notice No fees to withdraw.
    error SecondaryMarketNothingToWithdraw();
    /// @notice A fee above `MAX_FEE_BPS`.
    error SecondaryMarketFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    /// @notice The zero address as treasury.
    error SecondaryMarketZeroAddress();

    // ---------------------------------------------------------------- events

    /// @notice An order announced on-chain (its signature was valid when posted).
    event OrderPosted(bytes32 indexed orderHash, address indexed maker, address indexed shareToken, Order order, bytes signature);
    /// @notice `shareAmount` of the order traded for `stablecoinAmount`, of which `fee` went to the protocol.
    event OrderFilled(
        bytes32 indexed orderHash,
        address indexed maker,
        address indexed taker,
        address shareToken,
        uint256 shareAmount,
        uint256 stablecoinAmount,
        uint256 fee
    );
    event OrderCancelled(bytes32 indexed orderHash, address indexed maker);
    /// @notice Every order of `maker` signed with an epoch below `epoch` is cancelled.
    event EpochIncremented(address indexed maker, uint64 epoch);
    event FeeSet(uint256 feeBps);
    event TreasurySet(address indexed treasury);
    event FeesWithdrawn(address indexed treasury, uint256 amount);

    // ---------------------------------------------------------------- takers

    /// @notice Fills `shareAmount` of a signed order at its price. The taker is the caller: it pays the stablecoin
    /// leg when the maker sells, delivers the shares when the maker buys. Paused: refused.
    /// @param priceLimit the worst price per share the taker accepts (highest when buying, lowest when selling)
    /// @return stablecoinAmount the stablecoin leg (the buyer paid it; the seller received it less `fee`)
    /// @return fee the protocol fee
    function fill(Order calldata order, bytes calldata signature, uint256 shareAmount, uint256 priceLimit)
        external
        returns (uint256 stablecoinAmount, uint256 fee);

    // ---------------------------------------------------------------- makers

    /// @notice Announces a signed, live order in an event (anyone may post; the order is not stored).
    function post(Order calldata order, bytes calldata signature) external returns (bytes32 orderHash);

    /// @notice Cancels one order. Caller: its maker.
    function cancel(Order calldata order) external;

    /// @notice Cancels every order the caller signed so far: its epoch goes up by one.
    function cancelAll() external returns (uint64 epoch);

    // ---------------------------------------------------------------- anyone

    /// @notice Sends the fees held here to the treasury.
    function withdrawFees() external returns (uint256 amount);

    // ---------------------------------------------------------------- governance (restricted)

    function setFee(uint16 feeBps) external;
    function setTreasury(address treasury) external;
    /// @notice Stops fills and posts; cancels go on.
    function pause() external;
    function unpause() external;

    // ---------------------------------------------------------------- views

    function MAX_FEE_BPS() external view returns (uint256);
    /// @notice keccak256 of the EIP-712 type string of `Order`.
    function ORDER_TYPEHASH() external view returns (bytes32);
    function STABLECOIN() external view returns (IERC20);
    function COMPLIANCE() external view returns (IComplianceRegistry);
    function feeBps() external view returns (uint16);
    function treasury() external view returns (address);
    function domainSeparator() external view returns (bytes32);
    /// @notice The EIP-712 digest of the order (what the maker signs).
    function hashOrder(Order calldata order) external view returns (bytes32);
    function stateOf(bytes32 orderHash) external view returns (OrderState memory);
    /// @notice Shares still fillable: 0 when filled, cancelled (one by one or by epoch) or expired.
    function remainingOf(Order calldata order) external view returns (uint256);
    function epochOf(address maker) external view returns (uint64);
}
