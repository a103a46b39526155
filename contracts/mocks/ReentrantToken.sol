// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MockStablecoin} from "./MockStablecoin.sol";

/// @notice TEST ONLY. Receives ERC-777-style transfer hooks from ReentrantToken.
interface ITokenTransferHook {
    function onTokenTransfer(address from, address to, uint256 value) external;
}

/// @notice TEST ONLY. A MockStablecoin (open mint, issuer blacklist and pause) that calls out during transfers, as
/// hook-bearing tokens (ERC-777, some ERC-1363 wrappers) do:
/// - `arm(target, payload, skip)`: the transfer after the next `skip` ones, once its balances moved, calls `target`
///   with `payload` (the caller is this token); the outcome is recorded in `attempted`, `succeeded` and `returnData`,
///   never bubbled;
/// - `setHooked(account, true)`: every transfer from or to `account` calls `account.onTokenTransfer` (a contract
///   account such as ReentrantReceiver then runs its own attack, as the sender or the recipient).
contract ReentrantToken is MockStablecoin {
    address public target;
    bytes public payload;
    bool public armed;
    uint256 public skip;
    bool public attempted;
    bool public succeeded;
    bytes public returnData;
    mapping(address account => bool) public hooked;

    function arm(address target_, bytes calldata payload_, uint256 skip_) external {
        target = target_;
        skip = skip_;
        payload = payload_;
        armed = true;
        attempted = false;
        succeeded = false;
        delete returnData;
    }

    function setHooked(address account, bool value) external {
        hooked[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from == address(0) || to == address(0)) return;
        if (armed && skip > 0) {
            --skip;
        } else if (armed) {
            armed = false;
            attempted = true;
            (succeeded, returnData) = target.call(payload);
        }
        if (hooked[from]) ITokenTransferHook(from).onTokenTransfer(from, to, value);
        if (hooked[to] && to != from) ITokenTransferHook(to).onTokenTransfer(from, to, value);
    }
}
