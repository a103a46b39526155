// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {ITokenTransferHook} from "./ReentrantToken.sol";

/// @notice TEST ONLY. A contract account (renter, holder, lender, operator) that re-enters a target when it gets
/// control: an ERC-721 or ERC-1155 safe-transfer callback, a ReentrantToken transfer hook (a payout received, or a
/// payment pulled from it), or plain ether. `execute` makes it act (approve, rent, claim ...); `setAttack` loads the
/// call it makes, once, at the next callback; the outcome is recorded (`attempted`, `succeeded`, `returnData`),
/// never bubbled, so the outer operation completes and the test can check what the re-entry achieved.
contract ReentrantReceiver is IERC721Receiver, IERC1155Receiver, ITokenTransferHook {
    error ReentrantReceiverCallFailed(bytes returnData);

    address public target;
    bytes public payload;
    bool public armed;
    bool public attempted;
    bool public succeeded;
    bytes public returnData;
    uint256 public callbacks;

    /// @notice Makes a call as this account; bubbles a failure.
    function execute(address to, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = to.call(data);
        if (!ok) revert ReentrantReceiverCallFailed(result);
    }

    function setAttack(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
        armed = true;
        attempted = false;
        succeeded = false;
        delete returnData;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        _attack();
        return IERC721Receiver.onERC721Received.selector;
    }

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
        _attack();
        return IERC1155Receiver.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        returns (bytes4)
    {
        _attack();
        return IERC1155Receiver.onERC1155BatchReceived.selector;
    }

    function onTokenTransfer(address, address, uint256) external {
        _attack();
    }

    receive() external payable {
        _attack();
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC721Receiver).interfaceId || interfaceId == type(IERC1155Receiver).interfaceId
            || interfaceId == type(IERC165).interfaceId;
    }

    function _attack() private {
        ++callbacks;
        if (!armed) return;
        armed = false;
        attempted = true;
        (succeeded, returnData) = target.call(payload);
    }
}
