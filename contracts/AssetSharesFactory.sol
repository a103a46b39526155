// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IAssetSharesFactory} from "./interfaces/IAssetSharesFactory.sol";
import {IAssetShares} from "./interfaces/IAssetShares.sol";
import {IComplianceRegistry} from "./interfaces/IComplianceRegistry.sol";
import {IComputeAssetRegistry} from "./interfaces/IComputeAssetRegistry.sol";

/// @title AssetSharesFactory
/// @notice Makes the share token of an active compute asset: an ERC-1167 clone of the ComplianceRegistry (which is
/// also the AssetShares implementation), registered with the registry, holding the asset's NFT (see
/// IAssetSharesFactory).
/// @dev Needs the SYSTEM role on `ComplianceRegistry.registerShareToken`. Clone creation, registration, custody and
/// initialization happen in one call, so a token can never be initialized by anyone but this factory.
contract AssetSharesFactory is IAssetSharesFactory, AccessManaged, Pausable {
    IComplianceRegistry public immutable COMPLIANCE;
    IComputeAssetRegistry public immutable ASSETS;

    mapping(uint256 assetId => address) private _sharesOf;

    constructor(address authority, IComplianceRegistry compliance, IComputeAssetRegistry assets)
        AccessManaged(authority)
    {
        COMPLIANCE = compliance;
        ASSETS = assets;
    }

    /// @inheritdoc IAssetSharesFactory
    function fractionalize(uint256 assetId, address recipient, uint256 supply)
        external
        whenNotPaused
        returns (address shares)
    {
        address owner = ASSETS.ownerOf(assetId);
        if (owner != msg.sender) revert AssetSharesFactoryNotAssetOwner(assetId, msg.sender, owner);
        IComputeAssetRegistry.Status status = ASSETS.statusOf(assetId);
        if (status != IComputeAssetRegistry.Status.Active) revert AssetSharesFactoryAssetNotActive(assetId, uint8(status));
        // A redeemed token no longer holds the NFT: the asset may be fractionalized again.
        address current = _sharesOf[assetId];
        if (current != address(0) && !IAssetShares(current).redeemed()) {
            revert AssetSharesFactoryAlreadyFractionalized(assetId, current);
        }

        shares = Clones.clone(address(COMPLIANCE));
        _sharesOf[assetId] = shares;
        emit Fractionalized(assetId, shares, recipient, supply);

        COMPLIANCE.registerShareToken(shares, assetId);
        ASSETS.transferFrom(msg.sender, shares, assetId);
        IAssetShares(shares).initialize(assetId, recipient, supply);
    }

    /// @inheritdoc IAssetSharesFactory
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc IAssetSharesFactory
    function unpause() external restricted {
        _unpause();
    }

    /// @inheritdoc IAssetSharesFactory
    function sharesOf(uint256 assetId) external view returns (address) {
        return _sharesOf[assetId];
    }
}
