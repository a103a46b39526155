// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Plain OpenZeppelin ERC20: the gas baseline that share transfers are measured against.
contract BaselineERC20 is ERC20 {
    constructor(uint256 supply) ERC20("Baseline", "BASE") {
        _mint(msg.sender, supply);
    }
}
