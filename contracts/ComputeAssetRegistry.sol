// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IComputeAssetRegistry} from "./interfaces/IComputeAssetRegistry.sol";
import {IERC4907} from "./interfaces/IERC4907.sol";
import {IUsageOracle} from "./interfaces/IUsageOracle.sol";
import {IBindingHook} from "./interfaces/IBindingHook.sol";

/// @title ComputeAssetRegistry
/// @notice The registry of compute assets: one ERC-721 token per machine or cluster (see IComputeAssetRegistry).
/// @dev Operator-or-role checks (`_checkOperatorOrAuthorized`) ask the AccessManager whether the caller could call
/// the function as a restricted one, so governance can act on any asset while an operator acts on its own.
contract ComputeAssetRegistry is IComputeAssetRegistry, ERC721, AccessManaged, Pausable {
    uint256 public constant MAX_BURN_IN_EPOCHS = 24 * 30;
    uint256 public constant MIN_BURN_IN_UPTIME_BPS = 5_000;
    uint256 public constant MAX_BINDING_HOOKS = 4;

    /// @inheritdoc IComputeAssetRegistry
    IUsageOracle public immutable USAGE_ORACLE;

    uint256 private _assetCount;
    uint16 private _burnInEpochs;
    uint16 private _burnInMinUptimeBps;
    address[] private _bindingHooks;
    mapping(uint256 assetId => Asset) private _assets;
    mapping(bytes32 serialHash => uint256 assetId) private _assetIdBySerial;
    /// @dev ERC-4907 user and expiry of each asset, one slot.
    mapping(uint256 assetId => UserInfo) private _users;

    constructor(address authority, IUsageOracle usageOracle, uint256 burnInEpochs_, uint256 burnInMinUptimeBps_)
        ERC721("Compute Asset", "CAP-ASSET")
        AccessManaged(authority)
    {
        USAGE_ORACLE = usageOracle;
        _setBurnIn(burnInEpochs_, burnInMinUptimeBps_);
    }

    // ---------------------------------------------------------------- operator actions

    /// @inheritdoc IComputeAssetRegistry
    function registerAsset(HardwareSpec calldata spec, bytes32 serialHash, bytes32 legalDocHash)
        external
        restricted
        whenNotPaused
        returns (uint256 assetId)
    {
        if (spec.gpuModel == bytes32(0)) revert ComputeAssetRegistryInvalidSpec("gpuModel");
        if (spec.gpuCount == 0) revert ComputeAssetRegistryInvalidSpec("gpuCount");
        if (serialHash == bytes32(0)) revert ComputeAssetRegistryInvalidSpec("serialHash");
        if (legalDocHash == bytes32(0)) revert ComputeAssetRegistryInvalidSpec("legalDocHash");
        uint256 existing = _assetIdBySerial[serialHash];
        if (existing != 0) revert ComputeAssetRegistryDuplicateSerial(serialHash, existing);

        assetId = ++_assetCount;
        _assetIdBySerial[serialHash] = assetId;
        _assets[assetId] = Asset({
            spec: spec,
            serialHash: serialHash,
            legalDocHash: legalDocHash,
            operator: msg.sender,
            status: Status.Registered,
            registeredAt: uint64(block.timestamp),
            statusChangedAt: uint64(block.timestamp)
        });
        emit AssetRegistered(assetId, msg.sender, serialHash, spec, legalDocHash);
        emit AssetStatusChanged(assetId, Status.None, Status.Registered);
        _safeMint(msg.sender, assetId);
    }

    /// @inheritdoc IComputeAssetRegistry
    function activate(uint256 assetId) external whenNotPaused {
        Asset storage asset = _existing(assetId);
        if (msg.sender != asset.operator) revert ComputeAssetRegistryUnauthorized(msg.sender, assetId);
        Status status = asset.status;
        if (status != Status.Registered && status != Status.Suspended) {
            revert ComputeAssetRegistryInvalidStatus(assetId, status);
        }
        if (!_burnInDone(assetId, asset.statusChangedAt)) {
            revert ComputeAssetRegistryBurnInIncomplete(assetId, _burnInEpochs, _burnInMinUptimeBps);
        }
        _setStatus(asset, assetId, Status.Active);
    }

    /// @inheritdoc IComputeAssetRegistry
    function suspend(uint256 assetId) external {
        Asset storage asset = _existing(assetId);
        _checkOperatorOrAuthorized(asset, assetId);
        if (asset.status != Status.Active) revert ComputeAssetRegistryInvalidStatus(assetId, asset.status);
        _setStatus(asset, assetId, Status.Suspended);
    }

    /// @inheritdoc IComputeAssetRegistry
    function retire(uint256 assetId) external {
        Asset storage asset = _existing(assetId);
        _checkOperatorOrAuthorized(asset, assetId);
        if (asset.status == Status.Retired) revert ComputeAssetRegistryInvalidStatus(assetId, asset.status);
        if (isBound(assetId)) revert ComputeAssetRegistryAssetBound(assetId);
        _setStatus(asset, assetId, Status.Retired);
    }

    // ---------------------------------------------------------------- ERC-4907 (lease market only)

    /// @inheritdoc IERC4907
    /// @dev Restricted to the lease-market role, not to the owner. A non-zero user needs an Active asset and an
    /// expiry in the future; clearing (zero user, zero expiry) works in any status.
    function setUser(uint256 tokenId, address user, uint64 expires) external restricted {
        Asset storage asset = _existing(tokenId);
        bool clearing = user == address(0) && expires == 0;
        if (!clearing && (user == address(0) || expires <= block.timestamp || asset.status != Status.Active)) {
            revert ComputeAssetRegistryInvalidUser(tokenId, user, expires);
        }
        _users[tokenId] = UserInfo(user, expires);
        emit UpdateUser(tokenId, user, expires);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IComputeAssetRegistry
    function setBurnIn(uint256 epochs, uint256 minUptimeBps) external restricted {
        _setBurnIn(epochs, minUptimeBps);
    }

    /// @inheritdoc IComputeAssetRegistry
    function setBindingHook(address hook, bool enabled) external restricted {
        uint256 count = _bindingHooks.length;
        uint256 index = count;
        for (uint256 i; i < count; ++i) {
            if (_bindingHooks[i] == hook) index = i;
        }
        bool present = index < count;
        if (hook == address(0) || present == enabled || (enabled && count == MAX_BINDING_HOOKS)) {
            revert ComputeAssetRegistryInvalidHook(hook);
        }
        if (enabled) {
            _bindingHooks.push(hook);
        } else {
            _bindingHooks[index] = _bindingHooks[count - 1];
            _bindingHooks.pop();
        }
        emit BindingHookSet(hook, enabled);
    }

    /// @inheritdoc IComputeAssetRegistry
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc IComputeAssetRegistry
    function unpause() external restricted {
        _unpause();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IERC4907
    function userOf(uint256 tokenId) external view returns (address) {
        UserInfo memory info = _users[tokenId];
        return info.expires >= block.timestamp ? info.user : address(0);
    }

    /// @inheritdoc IERC4907
    function userExpires(uint256 tokenId) external view returns (uint256) {
        return _users[tokenId].expires;
    }

    /// @inheritdoc IComputeAssetRegistry
    function isBound(uint256 assetId) public view returns (bool) {
        UserInfo memory info = _users[assetId];
        if (info.user != address(0) && info.expires >= block.timestamp) return true;
        uint256 count = _bindingHooks.length;
        for (uint256 i; i < count; ++i) {
            if (IBindingHook(_bindingHooks[i]).isBound(assetId)) return true;
        }
        return false;
    }

    /// @inheritdoc IComputeAssetRegistry
    function assetCount() external view returns (uint256) {
        return _assetCount;
    }

    /// @inheritdoc IComputeAssetRegistry
    function assetOf(uint256 assetId) external view returns (Asset memory) {
        return _existing(assetId);
    }

    /// @inheritdoc IComputeAssetRegistry
    function statusOf(uint256 assetId) external view returns (Status) {
        return _assets[assetId].status;
    }

    /// @inheritdoc IComputeAssetRegistry
    function operatorOf(uint256 assetId) external view returns (address) {
        return _assets[assetId].operator;
    }

    /// @inheritdoc IComputeAssetRegistry
    function assetIdBySerial(bytes32 serialHash) external view returns (uint256) {
        return _assetIdBySerial[serialHash];
    }

    /// @inheritdoc IComputeAssetRegistry
    function burnInEpochs() external view returns (uint256) {
        return _burnInEpochs;
    }

    /// @inheritdoc IComputeAssetRegistry
    function burnInMinUptimeBps() external view returns (uint256) {
        return _burnInMinUptimeBps;
    }

    /// @inheritdoc IComputeAssetRegistry
    function bindingHooks() external view returns (address[] memory) {
        return _bindingHooks;
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == type(IERC4907).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internal

    /// @dev The burn-in must end at the asset's latest accepted epoch, which must be one of the last two finished
    /// epochs (reports arrive after their epoch ends), and must start after the last status change.
    function _burnInDone(uint256 assetId, uint64 since) private view returns (bool) {
        (bool reported, uint32 latest) = USAGE_ORACLE.latestEpoch(assetId);
        uint256 epochs = _burnInEpochs;
        if (!reported || uint256(latest) + 2 < USAGE_ORACLE.currentEpoch() || uint256(latest) + 1 < epochs) return false;
        uint32 first = uint32(latest + 1 - epochs);
        if (USAGE_ORACLE.epochStart(first) < since) return false;
        return USAGE_ORACLE.hasStreak(assetId, latest, epochs, _burnInMinUptimeBps);
    }

    function _setBurnIn(uint256 epochs, uint256 minUptimeBps) private {
        if (epochs == 0 || epochs > MAX_BURN_IN_EPOCHS || minUptimeBps < MIN_BURN_IN_UPTIME_BPS || minUptimeBps > 10_000) {
            revert ComputeAssetRegistryInvalidBurnIn(epochs, minUptimeBps);
        }
        _burnInEpochs = uint16(epochs);
        _burnInMinUptimeBps = uint16(minUptimeBps);
        emit BurnInSet(epochs, minUptimeBps);
    }

    function _setStatus(Asset storage asset, uint256 assetId, Status status) private {
        Status previous = asset.status;
        asset.status = status;
        asset.statusChangedAt = uint64(block.timestamp);
        emit AssetStatusChanged(assetId, previous, status);
    }

    function _existing(uint256 assetId) private view returns (Asset storage asset) {
        asset = _assets[assetId];
        if (asset.status == Status.None) revert ComputeAssetRegistryUnknownAsset(assetId);
    }

    function _checkOperatorOrAuthorized(Asset storage asset, uint256 assetId) private view {
        if (msg.sender == asset.operator) return;
        (bool allowed,) = IAccessManager(authority()).canCall(msg.sender, address(this), msg.sig);
        if (!allowed) revert ComputeAssetRegistryUnauthorized(msg.sender, assetId);
    }
}
