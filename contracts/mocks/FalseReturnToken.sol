// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice TEST ONLY. A 6-decimals token that signals failure by returning false instead of reverting (as some early
/// tokens do): a transfer the balance or allowance does not cover, or any transfer while `refusing`, moves nothing
/// and returns false. Callers that ignore the return value would count money that never moved.
contract FalseReturnToken is ERC20 {
    bool public refusing;

    constructor() ERC20("False USD", "xUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setRefusing(bool value) external {
        refusing = value;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (refusing || balanceOf(msg.sender) < value) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (refusing || balanceOf(from) < value || allowance(from, msg.sender) < value) return false;
        return super.transferFrom(from, to, value);
    }
}
