// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

/// @notice TEST ONLY. Plain OpenZeppelin ERC4626: the gas baseline that LendingVault deposits are measured against.
contract BaselineERC4626 is ERC4626 {
    constructor(IERC20 asset_) ERC20("Baseline Vault", "bVAULT") ERC4626(asset_) {}
}
