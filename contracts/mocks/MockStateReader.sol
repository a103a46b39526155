// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice TEST ONLY. Reads many view functions in one `eth_call` (the stateful fuzzing suite reads the whole
/// protocol's books after every step). Each call must succeed; the raw return data comes back in order.
contract MockStateReader {
    /// @notice The call at `index` reverted.
    error MockStateReaderCallFailed(uint256 index);

    function read(address[] calldata targets, bytes[] calldata data) external view returns (bytes[] memory results) {
        results = new bytes[](targets.length);
        for (uint256 i; i < targets.length; ++i) {
            (bool ok, bytes memory result) = targets[i].staticcall(data[i]);
            if (!ok) revert MockStateReaderCallFailed(i);
            results[i] = result;
        }
    }

    /// @notice The timestamp the reads see.
    function timestamp() external view returns (uint256) {
        return block.timestamp;
    }
}
