// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice TEST ONLY. A contract wallet (ERC-1271) whose owner key signs for it and who makes it call anything.
contract MockERC1271Wallet is IERC1271 {
    error MockERC1271WalletNotOwner(address caller);
    error MockERC1271WalletCallFailed(bytes reason);

    address public immutable OWNER;

    constructor(address owner) {
        OWNER = owner;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signature);
        bool valid = err == ECDSA.RecoverError.NoError && recovered == OWNER;
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        if (msg.sender != OWNER) revert MockERC1271WalletNotOwner(msg.sender);
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) revert MockERC1271WalletCallFailed(result);
    }
}
