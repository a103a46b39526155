// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IComplianceRegistry
/// @notice Who may hold compute-asset shares. One record per investor: verified-until (KYC expiry), jurisdiction
/// (ISO 3166-1 numeric) and a frozen flag; protocol contracts are registered as system holders. A transfer check in
/// ERC-1404 style (restriction code + message) tells wallets why a transfer would fail.
///
/// Rules, enforced by every AssetShares token:
/// - a recipient must be a system holder, or verified (verified-until in the future) and not frozen here;
/// - a sender must not be frozen on that token (a per-token freeze the compliance agent sets through this registry,
///   as in ERC-3643); `freeze` freezes an investor here and on every share token listed in the same transaction.
/// The compliance agent also forces transfers and recovers lost wallets, through this registry.
///
/// @dev The deployed registry is also the implementation behind every AssetShares token (each token is an ERC-1167
/// clone of it). A share transfer reads the recipient's record with a call to this address, which the clone's
/// delegatecall has already made warm (EIP-2929): 2,500 gas cheaper per transfer than a separate registry. Registry
/// functions refuse to run in a clone's context and token functions refuse to run in the registry's.
/// WARNING: the compliance agent can freeze any holder and move any holder's shares: it is trusted (see SECURITY.md).
interface IComplianceRegistry {
    /// @notice One investor's record, one storage slot.
    struct InvestorRecord {
        uint64 verifiedUntil;
        uint16 jurisdiction;
        bool frozen;
        bool systemHolder;
    }

    /// @notice ERC-1404-style restriction codes (0 means the transfer may go ahead).
    enum Restriction {
        None,
        RecipientZero,
        RecipientNotVerified,
        RecipientVerificationExpired,
        RecipientFrozen,
        SenderFrozen,
        InsufficientBalance
    }

    // ---------------------------------------------------------------- errors

    /// @notice The zero address as recipient or investor.
    error ComplianceRegistryZeroAddress();
    /// @notice The recipient has no verification.
    error ComplianceRegistryRecipientNotVerified(address recipient);
    /// @notice The recipient's verification expired.
    error ComplianceRegistryRecipientVerificationExpired(address recipient, uint64 verifiedUntil);
    /// @notice The recipient is frozen in the registry.
    error ComplianceRegistryRecipientFrozen(address recipient);
    /// @notice A verification that ends now or in the past.
    error ComplianceRegistryVerificationInPast(address investor, uint64 verifiedUntil);
    /// @notice An investor action on a system holder, or a system-holder action on a verified investor.
    error ComplianceRegistrySystemHolderConflict(address account);
    /// @notice The flag already has that value.
    error ComplianceRegistryUnchanged(address account);
    /// @notice The token was not made by the shares factory.
    error ComplianceRegistryUnknownShareToken(address token);
    /// @notice The replacement wallet already has a record, or equals the lost one.
    error ComplianceRegistryInvalidReplacement(address lost, address replacement);
    /// @notice Lists of different lengths, or empty.
    error ComplianceRegistryLengthMismatch();
    /// @notice A registry function called on a share token, or a token function called on the registry.
    error ComplianceRegistryWrongContext();

    // ---------------------------------------------------------------- events

    event InvestorVerified(address indexed investor, uint64 verifiedUntil, uint16 jurisdiction);
    event InvestorRevoked(address indexed investor);
    event InvestorFrozen(address indexed investor, bool frozen);
    event SystemHolderSet(address indexed account, bool enabled);
    event ShareTokenRegistered(address indexed token, uint256 indexed assetId);
    event WalletRecovered(address indexed lost, address indexed replacement);

    // ---------------------------------------------------------------- compliance agent (restricted)

    /// @notice Verifies (or re-verifies) an investor until `verifiedUntil`; keeps the frozen flag.
    function verifyInvestor(address investor, uint64 verifiedUntil, uint16 jurisdiction) external;
    /// @notice Batch form of `verifyInvestor`.
    function verifyInvestors(address[] calldata investors, uint64[] calldata verifiedUntil, uint16[] calldata jurisdictions)
        external;
    /// @notice Ends an investor's verification: they keep their shares but can no longer receive any.
    function revokeInvestor(address investor) external;
    /// @notice Freezes (or unfreezes) an investor here and on each listed share token.
    function freeze(address investor, bool frozen, address[] calldata tokens) external;
    /// @notice Freezes (or unfreezes) one holder on one share token only; never a system holder.
    function freezeOnToken(address token, address holder, bool frozen) external;
    /// @notice Moves shares without the holder's consent (court order, error correction); the revenue the holder
    /// earned so far stays theirs. The recipient must be allowed to receive. Never from a system holder: a market's
    /// collateral, an offering's escrow or a lease's shares move only by that contract's own rules.
    function forceTransfer(address token, address from, address to, uint256 amount) external;
    /// @notice Lost wallet: the record moves to `replacement`, `lost` is frozen, and on each listed token the whole
    /// position (shares and unclaimed revenue) moves to `replacement`.
    function recoverWallet(address lost, address replacement, address[] calldata tokens) external;

    // ---------------------------------------------------------------- governance / system (restricted)

    /// @notice Registers a protocol contract (lending market, offering, escrow) that may hold shares unverified.
    function setSystemHolder(address account, bool enabled) external;
    /// @notice Called by the shares factory for each token it creates.
    function registerShareToken(address token, uint256 assetId) external;

    // ---------------------------------------------------------------- views

    function investorOf(address account) external view returns (InvestorRecord memory);
    function isVerified(address account) external view returns (bool);
    function isShareToken(address token) external view returns (bool);
    /// @notice Reverts with the reason `recipient` may not receive shares; returns when it may.
    function requireCanReceive(address recipient) external view;
    /// @notice Whether `recipient` may receive shares now.
    function canReceive(address recipient) external view returns (bool);
    /// @notice The recipient's part of the transfer check, as a restriction code (0: may receive).
    function recipientRestriction(address recipient) external view returns (uint8);
    /// @notice ERC-1404 style: the registry's verdict on a transfer (recipient eligibility and registry freezes);
    /// a share token's own `detectTransferRestriction` adds per-token freezes and balances.
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8);
    function messageForTransferRestriction(uint8 restrictionCode) external view returns (string memory);
}
