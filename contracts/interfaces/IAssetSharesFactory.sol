// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAssetSharesFactory
/// @notice Splits an active compute asset into AssetShares: a minimal-proxy clone of the ComplianceRegistry takes
/// the NFT into custody and mints a fixed supply.
interface IAssetSharesFactory {
    /// @notice Only the asset's owner can fractionalize it.
    error AssetSharesFactoryNotAssetOwner(uint256 assetId, address caller, address owner);
    /// @notice The asset is not Active.
    error AssetSharesFactoryAssetNotActive(uint256 assetId, uint8 status);
    /// @notice The asset already has live (unredeemed) shares.
    error AssetSharesFactoryAlreadyFractionalized(uint256 assetId, address shares);

    event Fractionalized(uint256 indexed assetId, address indexed shares, address indexed recipient, uint256 supply);

    /// @notice Moves the NFT from the caller into a new share token and mints `supply` shares to `recipient`
    /// (who must be allowed to receive). The caller must have approved this factory on the asset registry.
    function fractionalize(uint256 assetId, address recipient, uint256 supply) external returns (address shares);

    function pause() external;
    function unpause() external;

    /// @notice The asset's current share token (zero if never fractionalized; may be redeemed).
    function sharesOf(uint256 assetId) external view returns (address);
}
