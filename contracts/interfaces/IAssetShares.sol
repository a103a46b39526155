// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title IAssetShares
/// @notice Fractional, compliant shares of one compute asset, made by the AssetSharesFactory as a clone of the
/// ComplianceRegistry. The asset's NFT is locked inside; the supply is fixed at creation. Every transfer passes the
/// compliance check (recipient verified and not frozen, sender not frozen on this token).
///
/// Revenue: stablecoin sent with `distribute` (or pushed, then `notifyRevenue`) is owed to holders pro rata at that instant, in O(1) whatever the
/// number of holders, by a points-per-share accumulator with per-holder corrections (ERC-2222, Maple FDT):
///   owed(holder) = (balance * pointsPerShare + correction) / MAGNITUDE
/// A transfer moves `pointsPerShare * amount` of correction with the shares, so revenue earned before a transfer stays
/// with the sender. Rounding is down for every holder: the dust (below one unit per holder per claim and per
/// distribution) stays in the contract.
/// A holder of the whole supply can redeem the NFT unless the asset is bound (lease or loan).
interface IAssetShares is IERC20Metadata {
    // ---------------------------------------------------------------- errors

    /// @notice The sender lacks the shares (ERC-6093 style).
    error AssetSharesInsufficientBalance(address holder, uint256 balance, uint256 needed);
    /// @notice The spender's allowance is too small (ERC-6093 style).
    error AssetSharesInsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    /// @notice The holder is frozen on this token (or in the registry, for revenue claims).
    error AssetSharesHolderFrozen(address holder);
    /// @notice `initialize` on a token that already has an asset.
    error AssetSharesAlreadyInitialized();
    /// @notice Supply outside [MIN_SUPPLY, MAX_SUPPLY].
    error AssetSharesInvalidSupply(uint256 supply);
    /// @notice Redeeming needs the whole supply.
    error AssetSharesNotWholeSupply(address holder, uint256 balance, uint256 totalSupply);
    /// @notice The asset is bound by a lease or a loan.
    error AssetSharesAssetBound(uint256 assetId);
    /// @notice Nothing to claim.
    error AssetSharesNothingToClaim(address holder);
    /// @notice Zero amount of revenue, or no shares outstanding to receive it.
    error AssetSharesNothingToDistribute(uint256 amount, uint256 totalSupply);
    /// @notice The stablecoin arrived short (a fee-on-transfer token is not supported).
    error AssetSharesTransferShortfall(uint256 expected, uint256 received);
    /// @notice The zero address as spender or owner.
    error AssetSharesZeroAddress();

    // ---------------------------------------------------------------- events

    event SharesInitialized(uint256 indexed assetId, address indexed recipient, uint256 supply);
    event RevenueDistributed(address indexed from, uint256 amount, uint256 pointsPerShare);
    event RevenueClaimed(address indexed holder, uint256 amount);
    event HolderFrozen(address indexed holder, bool frozen);
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount);
    event PositionRecovered(address indexed lost, address indexed replacement, uint256 shares);
    event Redeemed(address indexed holder, uint256 indexed assetId);

    // ---------------------------------------------------------------- factory / registry only

    /// @notice Sets the asset and mints the whole supply to `recipient`; once, by the factory, in the creating call.
    function initialize(uint256 assetId, address recipient, uint256 supply) external;
    function setHolderFrozen(address holder, bool frozen) external;
    function forcedTransfer(address from, address to, uint256 amount) external;
    function recoverPosition(address lost, address replacement) external;

    // ---------------------------------------------------------------- holders

    /// @notice Pulls `amount` of stablecoin from the caller and owes it, with any revenue pushed earlier and not yet
    /// distributed, to the holders of this instant.
    function distribute(uint256 amount) external;
    /// @notice Distributes the stablecoin sent to this token since the last distribution (push, then notify: the
    /// revenue router's path, one transfer cheaper than `distribute`). Anyone may call it.
    /// @return amount what was distributed
    function notifyRevenue() external returns (uint256 amount);
    /// @notice Pays the caller's revenue to the caller.
    function claim() external returns (uint256 amount);
    /// @notice Pays `holder`'s revenue to `holder` (keepers, wallets paying gas for a holder).
    function claimFor(address holder) external returns (uint256 amount);
    /// @notice Burns the whole supply, held by the caller, and sends them the asset's NFT.
    function redeem() external;

    // ---------------------------------------------------------------- views

    function assetId() external view returns (uint256);
    function redeemed() external view returns (bool);
    function pointsPerShare() external view returns (uint256);
    function claimableOf(address holder) external view returns (uint256);
    function isFrozen(address holder) external view returns (bool);
    /// @notice Stablecoin this token holds for its holders: distributed and not yet claimed (rounding dust included).
    function accountedRevenue() external view returns (uint256);
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8);
}
