// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title ProtocolAccessManager
/// @notice The single OpenZeppelin AccessManager that holds every role of the protocol. Every protocol contract is
/// `AccessManaged` by it and marks its privileged functions `restricted`; role ids are listed in `cap/roles.py`.
/// @dev No code of its own: the name gives the deployment a project artifact. Execution delays on roles and target
/// functions (the timelock on risky changes) are configured at deployment.
contract ProtocolAccessManager is AccessManager {
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
