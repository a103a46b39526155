// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IUsageOracle — proof of compute
/// @notice Attested usage of each compute asset, one report per asset per epoch.
/// A report is accepted when at least `quorum()` distinct registered attesters signed it (EIP-712). Accepted
/// epochs are append-only per asset: a report must be for a finished epoch later than the asset's latest accepted
/// one, so an accepted epoch never changes and an epoch that was skipped stays missing forever. Missing epochs count
/// as downtime (0 uptime, 0 GPU-hours) in every range query.
/// Cumulative checkpoints make range queries O(log n) in the number of accepted epochs, whatever the range length.
/// @dev TRUST: attesters are appointed by the oracle admin. A quorum of colluding attesters can report any usage; the
/// oracle only guarantees that what it stores was signed by that quorum and never changes afterwards.
interface IUsageOracle {
    /// @notice What the machine's power was used for during an epoch (the demand-response record).
    enum EnergyMode {
        Idle,
        AI,
        Mining,
        Curtailed
    }

    /// @notice One epoch of attested usage for one asset: the EIP-712 message attesters sign.
    /// @param assetId the ComputeAssetRegistry token id
    /// @param epoch the epoch number, `(timestamp - genesis) / epochSeconds`
    /// @param uptimeBps share of the epoch the machine was up and healthy, in basis points (0..10_000)
    /// @param utilizationBps mean GPU utilization over the epoch, in basis points (0..10_000)
    /// @param gpuMilliHours delivered GPU-hours in thousandths (healthy GPUs x time)
    /// @param energyWh energy drawn during the epoch, in watt-hours
    /// @param mode what the power was used for (EnergyMode as uint8)
    /// @param metricsHash hash of the raw telemetry the report was aggregated from (kept off-chain)
    struct UsageReport {
        uint256 assetId;
        uint32 epoch;
        uint16 uptimeBps;
        uint16 utilizationBps;
        uint64 gpuMilliHours;
        uint64 energyWh;
        uint8 mode;
        bytes32 metricsHash;
    }

    /// @notice Cumulative totals after an accepted epoch (one storage slot).
    /// @dev The per-epoch values are the difference with the previous checkpoint.
    struct Checkpoint {
        uint32 epoch;
        uint8 mode;
        uint48 cumUptimeBps;
        uint48 cumUtilizationBps;
        uint64 cumGpuMilliHours;
        uint56 cumEnergyWh;
    }

    /// @notice Usage summed over an epoch range; missing epochs add nothing.
    struct UsageTotals {
        uint256 uptimeBpsSum;
        uint256 utilizationBpsSum;
        uint256 gpuMilliHours;
        uint256 energyWh;
        uint256 reportedEpochs;
    }

    // ---------------------------------------------------------------- errors

    /// @notice Fewer valid signatures than the quorum, or no quorum set yet (an unconfigured oracle accepts nothing).
    error UsageOracleQuorumNotMet(uint256 assetId, uint32 epoch, uint256 signatures, uint256 quorum);
    /// @notice A signature recovered to an address that is not a registered attester (this is also what a
    /// signature made for another chain or another oracle contract recovers to).
    error UsageOracleUnknownAttester(address signer);
    /// @notice The same attester signed twice.
    error UsageOracleDuplicateSigner(address signer);
    /// @notice Signatures must be ordered by strictly ascending signer address.
    error UsageOracleSignersNotAscending(address previous, address signer);
    /// @notice A signature could not be parsed or recovered (wrong length, malleable s, bad v).
    error UsageOracleInvalidSignature(uint256 index);
    /// @notice A basis-point field above 10_000.
    error UsageOracleBpsOutOfRange(uint256 value);
    /// @notice The mode is not an EnergyMode.
    error UsageOracleInvalidMode(uint8 mode);
    /// @notice The epoch has not finished yet.
    error UsageOracleEpochNotFinished(uint32 epoch, uint32 currentEpoch);
    /// @notice The epoch is not after the asset's latest accepted epoch: accepted epochs never change.
    error UsageOracleEpochFinalized(uint256 assetId, uint32 epoch, uint32 latestEpoch);
    /// @notice The range is empty or reversed.
    error UsageOracleInvalidRange(uint32 fromEpoch, uint32 toEpoch);
    /// @notice A batch whose report and signature lists differ in length, or an empty batch.
    error UsageOracleBatchLengthMismatch(uint256 reports, uint256 signatureSets);
    /// @notice Quorum of zero, or above the number of registered attesters.
    error UsageOracleInvalidQuorum(uint256 quorum, uint256 attesterCount);
    /// @notice Adding an attester twice, removing an unknown one, or the zero address.
    error UsageOracleAttesterStatusUnchanged(address attester, bool registered);
    /// @notice Epoch length of zero or a genesis in the future at deployment.
    error UsageOracleInvalidConfig();

    // ---------------------------------------------------------------- events

    event AttesterAdded(address indexed attester);
    event AttesterRemoved(address indexed attester);
    event QuorumSet(uint256 quorum);
    /// @notice A report was accepted.
    event UsageReported(
        uint256 indexed assetId,
        uint32 indexed epoch,
        uint16 uptimeBps,
        uint16 utilizationBps,
        uint64 gpuMilliHours,
        uint64 energyWh,
        uint8 mode,
        bytes32 metricsHash
    );

    // ---------------------------------------------------------------- actions

    /// @notice Accepts one report; anyone may relay it.
    /// @param signatures 65-byte ECDSA signatures over the report's EIP-712 digest, by strictly ascending signer
    function submitReport(UsageReport calldata report, bytes[] calldata signatures) external;

    /// @notice Accepts several reports atomically: one bad report reverts the whole batch.
    function submitReports(UsageReport[] calldata reports, bytes[][] calldata signatures) external;

    // ---------------------------------------------------------------- admin (restricted: oracle admin)

    function addAttester(address attester) external;
    function removeAttester(address attester) external;
    function setQuorum(uint256 quorum) external;

    // ---------------------------------------------------------------- views

    function epochSeconds() external view returns (uint256);
    function genesis() external view returns (uint256);
    function currentEpoch() external view returns (uint32);
    function epochStart(uint32 epoch) external view returns (uint256);
    function quorum() external view returns (uint256);
    function attesterCount() external view returns (uint256);
    function isAttester(address account) external view returns (bool);
    /// @notice EIP-712 digest an attester signs for `report`.
    function reportDigest(UsageReport calldata report) external view returns (bytes32);

    /// @return reported whether the asset has any accepted epoch
    /// @return epoch the latest accepted epoch (0 when none)
    function latestEpoch(uint256 assetId) external view returns (bool reported, uint32 epoch);
    function checkpointCount(uint256 assetId) external view returns (uint256);
    function checkpointAt(uint256 assetId, uint256 index) external view returns (Checkpoint memory);

    /// @notice The accepted report for one epoch, recovered from the checkpoints (all zero when missing).
    function usageAt(uint256 assetId, uint32 epoch)
        external
        view
        returns (bool reported, uint16 uptimeBps, uint16 utilizationBps, uint64 gpuMilliHours, uint64 energyWh, uint8 mode);

    /// @notice Totals over the epochs `[fromEpoch, toEpoch)`, O(log n).
    function usageBetween(uint256 assetId, uint32 fromEpoch, uint32 toEpoch)
        external
        view
        returns (UsageTotals memory);

    /// @notice Mean uptime over `[fromEpoch, toEpoch)` in basis points, missing epochs as 0, rounded down.
    function uptimeBps(uint256 assetId, uint32 fromEpoch, uint32 toEpoch) external view returns (uint256);

    /// @notice Whether each of the `count` epochs ending at `lastEpoch` (inclusive) was reported with at least
    /// `minUptimeBps`: the burn-in test. O(count): the caller bounds `count`. A `count` of zero is true.
    function hasStreak(uint256 assetId, uint32 lastEpoch, uint256 count, uint256 minUptimeBps)
        external
        view
        returns (bool);
}
