// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC4907} from "./IERC4907.sol";
import {IUsageOracle} from "./IUsageOracle.sol";

/// @title IComputeAssetRegistry
/// @notice One ERC-721 token per physical machine or cluster, with its hardware spec, a unique serial/attestation
/// hash and a legal-document hash. Lifecycle: Registered -> Active (only after an attested burn-in) <-> Suspended,
/// and Retired from any state (final).
/// ERC-4907: the asset's user (renter) and expiry can be set only by the lease-market role, never by the owner, so
/// an owner (or a share holder redeeming the NFT) cannot take a rented machine away mid-lease. Unlike the ERC-4907
/// reference, a transfer of the NFT does NOT clear the user.
/// @dev TRUST: registration is open to onboarded operators (OPERATOR role); the registry does not verify that the
/// hardware exists: the burn-in, attested by the UsageOracle's quorum, is what proves it runs.
interface IComputeAssetRegistry is IERC721, IERC4907 {
    enum Status {
        None,
        Registered,
        Active,
        Suspended,
        Retired
    }

    /// @notice What the machine is. Units are in the names.
    /// @param gpuModel short model name, UTF-8 right-padded with zeros (e.g. "NVIDIA H100 SXM5 80GB")
    /// @param gpuCount number of GPUs
    /// @param gpuMemoryGb memory per GPU, in GB
    /// @param denseTflops dense BF16 throughput of the whole machine, in TFLOPS
    /// @param powerWatts nameplate power of the whole machine, in watts
    /// @param region where it runs, UTF-8 right-padded (e.g. "us-tx-1")
    struct HardwareSpec {
        bytes32 gpuModel;
        uint16 gpuCount;
        uint32 gpuMemoryGb;
        uint32 denseTflops;
        uint32 powerWatts;
        bytes32 region;
    }

    /// @notice ERC-4907 state of an asset.
    struct UserInfo {
        address user;
        uint64 expires;
    }

    struct Asset {
        HardwareSpec spec;
        bytes32 serialHash;
        bytes32 legalDocHash;
        address operator;
        Status status;
        uint64 registeredAt;
        uint64 statusChangedAt;
    }

    // ---------------------------------------------------------------- errors

    /// @notice The asset id was never registered.
    error ComputeAssetRegistryUnknownAsset(uint256 assetId);
    /// @notice Another asset already carries this serial/attestation hash.
    error ComputeAssetRegistryDuplicateSerial(bytes32 serialHash, uint256 existingAssetId);
    /// @notice A spec or hash field that must be set is zero.
    error ComputeAssetRegistryInvalidSpec(string field);
    /// @notice The action needs the asset in another status.
    error ComputeAssetRegistryInvalidStatus(uint256 assetId, Status status);
    /// @notice The latest attested epochs do not show the required burn-in.
    error ComputeAssetRegistryBurnInIncomplete(uint256 assetId, uint256 requiredEpochs, uint256 minUptimeBps);
    /// @notice The caller is neither the asset's operator nor allowed by the AccessManager.
    error ComputeAssetRegistryUnauthorized(address caller, uint256 assetId);
    /// @notice Burn-in parameters outside their bounds.
    error ComputeAssetRegistryInvalidBurnIn(uint256 epochs, uint256 minUptimeBps);
    /// @notice A user for a zero address, an expiry in the past, or on an asset that is not active.
    error ComputeAssetRegistryInvalidUser(uint256 assetId, address user, uint64 expires);
    /// @notice The asset is held in place by a lease or a loan.
    error ComputeAssetRegistryAssetBound(uint256 assetId);
    /// @notice Adding a hook twice, removing an unknown one, the zero address, or too many hooks.
    error ComputeAssetRegistryInvalidHook(address hook);

    // ---------------------------------------------------------------- events

    event AssetRegistered(
        uint256 indexed assetId, address indexed operator, bytes32 indexed serialHash, HardwareSpec spec, bytes32 legalDocHash
    );
    event AssetStatusChanged(uint256 indexed assetId, Status previous, Status current);
    event BurnInSet(uint256 epochs, uint256 minUptimeBps);
    event BindingHookSet(address indexed hook, bool enabled);

    // ---------------------------------------------------------------- operator actions

    /// @notice Registers a machine and mints its token to the caller, who becomes its operator. Restricted to
    /// onboarded operators.
    function registerAsset(HardwareSpec calldata spec, bytes32 serialHash, bytes32 legalDocHash)
        external
        returns (uint256 assetId);

    /// @notice Registered or Suspended -> Active, once the `burnInEpochs` epochs ending at the asset's latest
    /// accepted epoch (itself one of the last two finished epochs, and all after the last status change) were
    /// attested with at least `burnInMinUptimeBps` uptime each. Caller: the asset's operator.
    function activate(uint256 assetId) external;

    /// @notice Active -> Suspended (maintenance, incident). Caller: the asset's operator or an authorized role.
    function suspend(uint256 assetId) external;

    /// @notice Any status -> Retired, final; refused while the asset is bound. Caller: the asset's operator or an
    /// authorized role.
    function retire(uint256 assetId) external;

    // ---------------------------------------------------------------- governance (restricted)

    function setBurnIn(uint256 epochs, uint256 minUptimeBps) external;
    function setBindingHook(address hook, bool enabled) external;
    function pause() external;
    function unpause() external;

    // ---------------------------------------------------------------- views

    function USAGE_ORACLE() external view returns (IUsageOracle);
    function assetCount() external view returns (uint256);
    function assetOf(uint256 assetId) external view returns (Asset memory);
    function statusOf(uint256 assetId) external view returns (Status);
    function operatorOf(uint256 assetId) external view returns (address);
    function assetIdBySerial(bytes32 serialHash) external view returns (uint256);
    function burnInEpochs() external view returns (uint256);
    function burnInMinUptimeBps() external view returns (uint256);
    function bindingHooks() external view returns (address[] memory);
    /// @notice Whether a current ERC-4907 user or any binding hook holds the asset in place.
    function isBound(uint256 assetId) external view returns (bool);
}
