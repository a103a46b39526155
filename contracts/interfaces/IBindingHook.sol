// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IBindingHook
/// @notice A protocol contract that can hold a compute asset in place (a lease booked on it, a loan against its
/// shares). While any registered hook reports an asset as bound, its shares cannot be redeemed for the NFT and the
/// asset cannot be retired.
interface IBindingHook {
    function isBound(uint256 assetId) external view returns (bool);
}
