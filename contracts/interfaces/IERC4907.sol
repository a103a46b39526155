// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ERC-4907: rental NFT, an added role "user" with an expiry
/// @dev interfaceId 0xad092b5c
interface IERC4907 {
    /// @notice The user of an NFT or its expiry changed (a zero user means no user).
    event UpdateUser(uint256 indexed tokenId, address indexed user, uint64 expires);

    /// @notice Sets the user and expiry of an NFT.
    function setUser(uint256 tokenId, address user, uint64 expires) external;

    /// @notice The current user of an NFT, or the zero address when there is none or the use has expired.
    function userOf(uint256 tokenId) external view returns (address);

    /// @notice The end of the current use (unix seconds), or 0 when there is no user.
    function userExpires(uint256 tokenId) external view returns (uint256);
}
