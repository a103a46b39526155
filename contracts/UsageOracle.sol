// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IUsageOracle} from "./interfaces/IUsageOracle.sol";

/// @title UsageOracle
/// @notice Proof of compute: quorum-signed usage reports, one per asset per epoch, kept as cumulative checkpoints.
/// @dev Does not check that `assetId` exists in the asset registry (a report for an unknown id is stored and read by
/// nobody), nor what the figures mean: a quorum of attesters is trusted for that (see {IUsageOracle}).
/// A report is not bound to a submission deadline: a quorum may still report an old epoch that was skipped, as long
/// as no later epoch of that asset was accepted.
contract UsageOracle is IUsageOracle, AccessManaged, EIP712 {
    bytes32 private constant USAGE_REPORT_TYPEHASH = keccak256(
        "UsageReport(uint256 assetId,uint32 epoch,uint16 uptimeBps,uint16 utilizationBps,uint64 gpuMilliHours,"
        "uint64 energyWh,uint8 mode,bytes32 metricsHash)"
    );
    uint256 private constant MAX_BPS = 10_000;

    /// @inheritdoc IUsageOracle
    uint256 public immutable epochSeconds;
    /// @inheritdoc IUsageOracle
    uint256 public immutable genesis;

    /// @inheritdoc IUsageOracle
    uint256 public quorum;
    /// @inheritdoc IUsageOracle
    uint256 public attesterCount;
    /// @inheritdoc IUsageOracle
    mapping(address account => bool) public isAttester;

    /// @dev Per asset, one checkpoint per accepted epoch, epochs strictly increasing. Append-only.
    mapping(uint256 assetId => Checkpoint[]) private _checkpoints;

    /// @param genesis_ start of epoch 0; 0 means the deployment time
    constructor(address initialAuthority, uint256 epochSeconds_, uint256 genesis_)
        AccessManaged(initialAuthority)
        EIP712("CAP UsageOracle", "1")
    {
        if (genesis_ == 0) genesis_ = block.timestamp;
        if (epochSeconds_ == 0 || genesis_ > block.timestamp) revert UsageOracleInvalidConfig();
        epochSeconds = epochSeconds_;
        genesis = genesis_;
    }

    // ---------------------------------------------------------------- actions

    /// @inheritdoc IUsageOracle
    function submitReport(UsageReport calldata report, bytes[] calldata signatures) external {
        _submit(report, signatures);
    }

    /// @inheritdoc IUsageOracle
    function submitReports(UsageReport[] calldata reports, bytes[][] calldata signatures) external {
        if (reports.length == 0 || reports.length != signatures.length) {
            revert UsageOracleBatchLengthMismatch(reports.length, signatures.length);
        }
        for (uint256 i; i < reports.length; ++i) {
            _submit(reports[i], signatures[i]);
        }
    }

    // ---------------------------------------------------------------- admin

    /// @inheritdoc IUsageOracle
    function addAttester(address attester) external restricted {
        if (attester == address(0) || isAttester[attester]) {
            revert UsageOracleAttesterStatusUnchanged(attester, isAttester[attester]);
        }
        isAttester[attester] = true;
        ++attesterCount;
        emit AttesterAdded(attester);
    }

    /// @inheritdoc IUsageOracle
    function removeAttester(address attester) external restricted {
        if (!isAttester[attester]) revert UsageOracleAttesterStatusUnchanged(attester, false);
        uint256 remaining = attesterCount - 1;
        if (quorum > remaining) revert UsageOracleInvalidQuorum(quorum, remaining);
        isAttester[attester] = false;
        attesterCount = remaining;
        emit AttesterRemoved(attester);
    }

    /// @inheritdoc IUsageOracle
    function setQuorum(uint256 newQuorum) external restricted {
        if (newQuorum == 0 || newQuorum > attesterCount) revert UsageOracleInvalidQuorum(newQuorum, attesterCount);
        quorum = newQuorum;
        emit QuorumSet(newQuorum);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Checks, then appends the checkpoint, then emits. Checks the signatures last: they cost the most.
    function _submit(UsageReport calldata report, bytes[] calldata signatures) private {
        if (report.uptimeBps > MAX_BPS) revert UsageOracleBpsOutOfRange(report.uptimeBps);
        if (report.utilizationBps > MAX_BPS) revert UsageOracleBpsOutOfRange(report.utilizationBps);
        if (report.mode > uint8(type(EnergyMode).max)) revert UsageOracleInvalidMode(report.mode);
        uint32 current = currentEpoch();
        if (report.epoch >= current) revert UsageOracleEpochNotFinished(report.epoch, current);
        Checkpoint[] storage checkpoints = _checkpoints[report.assetId];
        Checkpoint memory previous;
        if (checkpoints.length != 0) {
            previous = checkpoints[checkpoints.length - 1];
            if (report.epoch <= previous.epoch) {
                revert UsageOracleEpochFinalized(report.assetId, report.epoch, previous.epoch);
            }
        }
        _checkSignatures(report, signatures);

        checkpoints.push(
            Checkpoint({
                epoch: report.epoch,
                mode: report.mode,
                // Checked, and cannot overflow: at most 2^32 epochs of at most 10_000 (< 2^14) each fit 48 bits.
                cumUptimeBps: previous.cumUptimeBps + report.uptimeBps,
                cumUtilizationBps: previous.cumUtilizationBps + report.utilizationBps,
                cumGpuMilliHours: SafeCast.toUint64(uint256(previous.cumGpuMilliHours) + report.gpuMilliHours),
                cumEnergyWh: SafeCast.toUint56(uint256(previous.cumEnergyWh) + report.energyWh)
            })
        );
        emit UsageReported(
            report.assetId,
            report.epoch,
            report.uptimeBps,
            report.utilizationBps,
            report.gpuMilliHours,
            report.energyWh,
            report.mode,
            report.metricsHash
        );
    }

    /// @dev Every signature must recover to a registered attester, by strictly ascending address, and there must be
    /// at least `quorum` of them. A quorum never set (zero) accepts nothing.
    function _checkSignatures(UsageReport calldata report, bytes[] calldata signatures) private view {
        uint256 required = quorum;
        if (required == 0 || signatures.length < required) {
            revert UsageOracleQuorumNotMet(report.assetId, report.epoch, signatures.length, required);
        }
        bytes32 digest = reportDigest(report);
        address previous;
        for (uint256 i; i < signatures.length; ++i) {
            (address signer, ECDSA.RecoverError recoverError,) = ECDSA.tryRecoverCalldata(digest, signatures[i]);
            if (recoverError != ECDSA.RecoverError.NoError) revert UsageOracleInvalidSignature(i);
            if (!isAttester[signer]) revert UsageOracleUnknownAttester(signer);
            if (signer == previous) revert UsageOracleDuplicateSigner(signer);
            if (signer < previous) revert UsageOracleSignersNotAscending(previous, signer);
            previous = signer;
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IUsageOracle
    function currentEpoch() public view returns (uint32) {
        return SafeCast.toUint32((block.timestamp - genesis) / epochSeconds);
    }

    /// @inheritdoc IUsageOracle
    function epochStart(uint32 epoch) external view returns (uint256) {
        return genesis + uint256(epoch) * epochSeconds;
    }

    /// @inheritdoc IUsageOracle
    function reportDigest(UsageReport calldata report) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    USAGE_REPORT_TYPEHASH,
                    report.assetId,
                    report.epoch,
                    report.uptimeBps,
                    report.utilizationBps,
                    report.gpuMilliHours,
                    report.energyWh,
                    report.mode,
                    report.metricsHash
                )
            )
        );
    }

    /// @inheritdoc IUsageOracle
    function latestEpoch(uint256 assetId) external view returns (bool reported, uint32 epoch) {
        Checkpoint[] storage checkpoints = _checkpoints[assetId];
        if (checkpoints.length != 0) return (true, checkpoints[checkpoints.length - 1].epoch);
    }

    /// @inheritdoc IUsageOracle
    function checkpointCount(uint256 assetId) external view returns (uint256) {
        return _checkpoints[assetId].length;
    }

    /// @inheritdoc IUsageOracle
    function checkpointAt(uint256 assetId, uint256 index) external view returns (Checkpoint memory) {
        return _checkpoints[assetId][index];
    }

    /// @inheritdoc IUsageOracle
    function usageAt(uint256 assetId, uint32 epoch)
        external
        view
        returns (bool, uint16, uint16, uint64, uint64, uint8)
    {
        Checkpoint[] storage checkpoints = _checkpoints[assetId];
        uint256 index = _countBefore(checkpoints, epoch);
        if (index == checkpoints.length || checkpoints[index].epoch != epoch) return (false, 0, 0, 0, 0, 0);
        Checkpoint memory checkpoint = checkpoints[index];
        Checkpoint memory previous = _cumulativeOfFirst(checkpoints, index);
        // The casts are exact: each difference is one accepted report's value, which had that type.
        return (
            true,
            uint16(checkpoint.cumUptimeBps - previous.cumUptimeBps),
            uint16(checkpoint.cumUtilizationBps - previous.cumUtilizationBps),
            checkpoint.cumGpuMilliHours - previous.cumGpuMilliHours,
            checkpoint.cumEnergyWh - previous.cumEnergyWh,
            checkpoint.mode
        );
    }

    /// @inheritdoc IUsageOracle
    function usageBetween(uint256 assetId, uint32 fromEpoch, uint32 toEpoch) public view returns (UsageTotals memory) {
        if (fromEpoch >= toEpoch) revert UsageOracleInvalidRange(fromEpoch, toEpoch);
        Checkpoint[] storage checkpoints = _checkpoints[assetId];
        uint256 toCount = _countBefore(checkpoints, toEpoch);
        uint256 fromCount = _countBefore(checkpoints, fromEpoch);
        Checkpoint memory end = _cumulativeOfFirst(checkpoints, toCount);
        Checkpoint memory start = _cumulativeOfFirst(checkpoints, fromCount);
        return UsageTotals({
            uptimeBpsSum: end.cumUptimeBps - start.cumUptimeBps,
            utilizationBpsSum: end.cumUtilizationBps - start.cumUtilizationBps,
            gpuMilliHours: end.cumGpuMilliHours - start.cumGpuMilliHours,
            energyWh: end.cumEnergyWh - start.cumEnergyWh,
            reportedEpochs: toCount - fromCount
        });
    }

    /// @inheritdoc IUsageOracle
    function uptimeBps(uint256 assetId, uint32 fromEpoch, uint32 toEpoch) external view returns (uint256) {
        return usageBetween(assetId, fromEpoch, toEpoch).uptimeBpsSum / (toEpoch - fromEpoch);
    }

    /// @inheritdoc IUsageOracle
    function hasStreak(uint256 assetId, uint32 lastEpoch, uint256 count, uint256 minUptimeBps)
        external
        view
        returns (bool)
    {
        if (count == 0) return true;
        Checkpoint[] storage checkpoints = _checkpoints[assetId];
        uint256 index = _countBefore(checkpoints, lastEpoch);
        if (index == checkpoints.length || checkpoints[index].epoch != lastEpoch || index + 1 < count) return false;
        uint256 first = index + 1 - count;
        // Epochs strictly increase, so `count` checkpoints that span `count - 1` epochs are consecutive.
        if (lastEpoch - checkpoints[first].epoch != count - 1) return false;
        uint256 cumulativeBefore = first == 0 ? 0 : checkpoints[first - 1].cumUptimeBps;
        for (uint256 i = first; i <= index; ++i) {
            uint256 cumulative = checkpoints[i].cumUptimeBps;
            if (cumulative - cumulativeBefore < minUptimeBps) return false;
            cumulativeBefore = cumulative;
        }
        return true;
    }

    // ---------------------------------------------------------------- internal views

    /// @dev Number of checkpoints before `epoch`, i.e. the index of the first one at or after it.
    /// Epochs strictly increase, so checkpoint `i` lies in `[first + i, last - (length - 1 - i)]`: the answer is in a
    /// window as wide as the number of epochs missing from the history. With none missing before `epoch` (the common
    /// case) one probe settles it; otherwise a binary search of that window: O(log min(length, missing epochs)).
    function _countBefore(Checkpoint[] storage checkpoints, uint32 epoch) private view returns (uint256) {
        uint256 length = checkpoints.length;
        if (length == 0) return 0;
        uint32 first = checkpoints[0].epoch;
        if (epoch <= first) return 0;
        // Checkpoints from index `epoch - first` on are at or after `epoch`.
        uint256 high = Math.min(length, epoch - first);
        if (checkpoints[high - 1].epoch < epoch) return high;
        // The answer is in [low, high - 1]; `last >= epoch` here since checkpoint `high - 1` is at or after it.
        high -= 1;
        uint256 stepsFromLast = checkpoints[length - 1].epoch - epoch;
        uint256 low = stepsFromLast < length ? length - 1 - stepsFromLast : 0;
        while (low < high) {
            uint256 mid = Math.average(low, high);
            if (checkpoints[mid].epoch < epoch) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /// @dev Cumulative totals of the first `count` checkpoints (all zero for none).
    function _cumulativeOfFirst(Checkpoint[] storage checkpoints, uint256 count)
        private
        view
        returns (Checkpoint memory cumulative)
    {
        if (count != 0) cumulative = checkpoints[count - 1];
    }
}
