// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice TEST ONLY. A regulated-stablecoin stand-in (6 decimals) whose issuer can mint, blacklist addresses and
/// pause all transfers, as GENIUS-Act-style USD tokens can.
contract MockStablecoin is ERC20 {
    error MockStablecoinBlacklisted(address account);
    error MockStablecoinPaused();
    error MockStablecoinNotIssuer(address caller);

    address public immutable ISSUER;
    bool public paused;
    mapping(address => bool) public blacklisted;

    constructor() ERC20("Mock USD", "mUSD") {
        ISSUER = msg.sender;
    }

    modifier onlyIssuer() {
        if (msg.sender != ISSUER) revert MockStablecoinNotIssuer(msg.sender);
        _;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Open faucet for tests and the demo.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlacklisted(address account, bool value) external onlyIssuer {
        blacklisted[account] = value;
    }

    function setPaused(bool value) external onlyIssuer {
        paused = value;
    }

    function _update(address from, address to, uint256 value) internal virtual override {
        if (paused) revert MockStablecoinPaused();
        if (blacklisted[from]) revert MockStablecoinBlacklisted(from);
        if (blacklisted[to]) revert MockStablecoinBlacklisted(to);
        super._update(from, to, value);
    }
}
