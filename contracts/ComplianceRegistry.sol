// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {IComplianceRegistry} from "./interfaces/IComplianceRegistry.sol";
import {IAssetShares} from "./interfaces/IAssetShares.sol";
import {IComputeAssetRegistry} from "./interfaces/IComputeAssetRegistry.sol";
import {AssetShares} from "./AssetShares.sol";

/// @title ComplianceRegistry
/// @notice Investor records, system holders and the compliance agent's powers over share tokens (see
/// IComplianceRegistry). The deployed registry is also the implementation that every AssetShares clone runs
/// (inherited from AssetShares), so that a transfer's compliance read hits an already-warm address.
/// @dev Every function of this file runs only in the registry's own context (`onlyRegistryContext`); AssetShares'
/// state-changing functions run only in a clone's. Privileged functions are `restricted` (AccessManager roles:
/// compliance agent for investor actions, governance for system holders, the SYSTEM role for the factory).
contract ComplianceRegistry is IComplianceRegistry, AccessManaged, AssetShares {
    mapping(address account => InvestorRecord) private _records;
    mapping(address token => bool) private _isShareToken;

    constructor(address authority, IERC20 stablecoin, IComputeAssetRegistry assets)
        AccessManaged(authority)
        AssetShares(stablecoin, assets)
    {}

    modifier onlyRegistryContext() {
        if (address(this) != _SELF) revert ComplianceRegistryWrongContext();
        _;
    }

    // ---------------------------------------------------------------- compliance agent

    /// @inheritdoc IComplianceRegistry
    function verifyInvestor(address investor, uint64 verifiedUntil, uint16 jurisdiction)
        external
        onlyRegistryContext
        restricted
    {
        _verify(investor, verifiedUntil, jurisdiction);
    }

    /// @inheritdoc IComplianceRegistry
    function verifyInvestors(address[] calldata investors, uint64[] calldata verifiedUntil, uint16[] calldata jurisdictions)
        external
        onlyRegistryContext
        restricted
    {
        uint256 count = investors.length;
        if (count == 0 || verifiedUntil.length != count || jurisdictions.length != count) {
            revert ComplianceRegistryLengthMismatch();
        }
        for (uint256 i; i < count; ++i) {
            _verify(investors[i], verifiedUntil[i], jurisdictions[i]);
        }
    }

    /// @inheritdoc IComplianceRegistry
    function revokeInvestor(address investor) external onlyRegistryContext restricted {
        InvestorRecord storage record = _records[investor];
        if (record.verifiedUntil == 0) revert ComplianceRegistryUnchanged(investor);
        record.verifiedUntil = 0;
        emit InvestorRevoked(investor);
    }

    /// @inheritdoc IComplianceRegistry
    function freeze(address investor, bool frozen, address[] calldata tokens) external onlyRegistryContext restricted {
        InvestorRecord storage record = _records[investor];
        if (investor == address(0)) revert ComplianceRegistryZeroAddress();
        if (record.systemHolder) revert ComplianceRegistrySystemHolderConflict(investor);
        if (record.frozen == frozen) revert ComplianceRegistryUnchanged(investor);
        record.frozen = frozen;
        emit InvestorFrozen(investor, frozen);
        for (uint256 i; i < tokens.length; ++i) {
            _shareToken(tokens[i]).setHolderFrozen(investor, frozen);
        }
    }

    /// @inheritdoc IComplianceRegistry
    function freezeOnToken(address token, address holder, bool frozen) external onlyRegistryContext restricted {
        if (holder == address(0)) revert ComplianceRegistryZeroAddress();
        if (_records[holder].systemHolder) revert ComplianceRegistrySystemHolderConflict(holder);
        IAssetShares shares = _shareToken(token);
        if (shares.isFrozen(holder) == frozen) revert ComplianceRegistryUnchanged(holder);
        shares.setHolderFrozen(holder, frozen);
    }

    /// @inheritdoc IComplianceRegistry
    function forceTransfer(address token, address from, address to, uint256 amount)
        external
        onlyRegistryContext
        restricted
    {
        // A system holder's shares are other people's collateral or escrow: only its own rules move them.
        if (_records[from].systemHolder) revert ComplianceRegistrySystemHolderConflict(from);
        _shareToken(token).forcedTransfer(from, to, amount);
    }

    /// @inheritdoc IComplianceRegistry
    function recoverWallet(address lost, address replacement, address[] calldata tokens)
        external
        onlyRegistryContext
        restricted
    {
        InvestorRecord memory record = _records[lost];
        InvestorRecord memory existing = _records[replacement];
        bool replacementFree = existing.verifiedUntil == 0 && !existing.frozen && !existing.systemHolder;
        if (replacement == address(0) || replacement == lost || !replacementFree || record.systemHolder) {
            revert ComplianceRegistryInvalidReplacement(lost, replacement);
        }
        _records[replacement] = InvestorRecord(record.verifiedUntil, record.jurisdiction, false, false);
        _records[lost] = InvestorRecord(0, record.jurisdiction, true, false);
        emit WalletRecovered(lost, replacement);
        emit InvestorVerified(replacement, record.verifiedUntil, record.jurisdiction);
        emit InvestorFrozen(lost, true);
        for (uint256 i; i < tokens.length; ++i) {
            _shareToken(tokens[i]).recoverPosition(lost, replacement);
        }
    }

    // ---------------------------------------------------------------- governance / system

    /// @inheritdoc IComplianceRegistry
    function setSystemHolder(address account, bool enabled) external onlyRegistryContext restricted {
        InvestorRecord storage record = _records[account];
        // Only contracts: an EOA as system holder would bypass verification.
        if (account.code.length == 0 || record.verifiedUntil != 0 || record.frozen) {
            revert ComplianceRegistrySystemHolderConflict(account);
        }
        if (record.systemHolder == enabled) revert ComplianceRegistryUnchanged(account);
        record.systemHolder = enabled;
        emit SystemHolderSet(account, enabled);
    }

    /// @inheritdoc IComplianceRegistry
    function registerShareToken(address token, uint256 assetId_) external onlyRegistryContext restricted {
        if (token == address(0)) revert ComplianceRegistryZeroAddress();
        if (_isShareToken[token]) revert ComplianceRegistryUnchanged(token);
        _isShareToken[token] = true;
        emit ShareTokenRegistered(token, assetId_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IComplianceRegistry
    function investorOf(address account) external view onlyRegistryContext returns (InvestorRecord memory) {
        return _records[account];
    }

    /// @inheritdoc IComplianceRegistry
    function isVerified(address account) external view onlyRegistryContext returns (bool) {
        return _records[account].verifiedUntil >= block.timestamp;
    }

    /// @inheritdoc IComplianceRegistry
    function isShareToken(address token) external view onlyRegistryContext returns (bool) {
        return _isShareToken[token];
    }

    /// @inheritdoc IComplianceRegistry
    function requireCanReceive(address recipient) external view onlyRegistryContext {
        if (recipient == address(0)) revert ComplianceRegistryZeroAddress();
        InvestorRecord memory record = _records[recipient];
        if (record.frozen) revert ComplianceRegistryRecipientFrozen(recipient);
        if (record.systemHolder) return;
        if (record.verifiedUntil == 0) revert ComplianceRegistryRecipientNotVerified(recipient);
        if (record.verifiedUntil < block.timestamp) {
            revert ComplianceRegistryRecipientVerificationExpired(recipient, record.verifiedUntil);
        }
    }

    /// @inheritdoc IComplianceRegistry
    function canReceive(address recipient) external view onlyRegistryContext returns (bool) {
        return _recipientRestriction(recipient) == Restriction.None;
    }

    /// @inheritdoc IComplianceRegistry
    function recipientRestriction(address recipient) external view onlyRegistryContext returns (uint8) {
        return uint8(_recipientRestriction(recipient));
    }

    /// @inheritdoc IComplianceRegistry
    function detectTransferRestriction(address from, address to, uint256 value)
        external
        view
        override(IAssetShares, IComplianceRegistry)
        returns (uint8)
    {
        // In a clone's context this is the token's check (AssetShares); here, the registry's.
        if (address(this) != _SELF) return _tokenRestriction(from, to, value);
        if (_records[from].frozen) return uint8(Restriction.SenderFrozen);
        return uint8(_recipientRestriction(to));
    }

    /// @inheritdoc IComplianceRegistry
    function messageForTransferRestriction(uint8 restrictionCode) external pure returns (string memory) {
        if (restrictionCode == uint8(Restriction.None)) return "No restriction";
        if (restrictionCode == uint8(Restriction.RecipientZero)) return "Recipient is the zero address";
        if (restrictionCode == uint8(Restriction.RecipientNotVerified)) return "Recipient is not a verified investor";
        if (restrictionCode == uint8(Restriction.RecipientVerificationExpired)) {
            return "Recipient's verification has expired";
        }
        if (restrictionCode == uint8(Restriction.RecipientFrozen)) return "Recipient is frozen";
        if (restrictionCode == uint8(Restriction.SenderFrozen)) return "Sender is frozen";
        if (restrictionCode == uint8(Restriction.InsufficientBalance)) return "Sender's balance is too low";
        return "Unknown restriction code";
    }

    // ---------------------------------------------------------------- internal

    function _verify(address investor, uint64 verifiedUntil, uint16 jurisdiction) private {
        if (investor == address(0)) revert ComplianceRegistryZeroAddress();
        if (verifiedUntil <= block.timestamp) revert ComplianceRegistryVerificationInPast(investor, verifiedUntil);
        InvestorRecord storage record = _records[investor];
        if (record.systemHolder) revert ComplianceRegistrySystemHolderConflict(investor);
        record.verifiedUntil = verifiedUntil;
        record.jurisdiction = jurisdiction;
        emit InvestorVerified(investor, verifiedUntil, jurisdiction);
    }

    function _recipientRestriction(address recipient) private view returns (Restriction) {
        if (recipient == address(0)) return Restriction.RecipientZero;
        InvestorRecord memory record = _records[recipient];
        if (record.frozen) return Restriction.RecipientFrozen;
        if (record.systemHolder) return Restriction.None;
        if (record.verifiedUntil == 0) return Restriction.RecipientNotVerified;
        if (record.verifiedUntil < block.timestamp) return Restriction.RecipientVerificationExpired;
        return Restriction.None;
    }

    function _shareToken(address token) private view returns (IAssetShares) {
        if (!_isShareToken[token]) revert ComplianceRegistryUnknownShareToken(token);
        return IAssetShares(token);
    }
}
