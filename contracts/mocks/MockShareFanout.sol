// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice TEST ONLY. Sends the same amount of a token to many recipients in one transaction (to build large holder
/// populations for scaling measurements). It must be a system holder to hold share tokens.
contract MockShareFanout {
    function fanOut(IERC20 token, address[] calldata recipients, uint256 each) external {
        for (uint256 i; i < recipients.length; ++i) {
            token.transfer(recipients[i], each);
        }
    }
}
