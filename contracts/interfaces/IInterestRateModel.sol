// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IInterestRateModel
/// @notice The borrow rate of the LendingVault as a function of its liquidity. The vault calls it on every accrual
/// with its state before the accrual, and charges the returned rate for the whole time since the previous accrual.
/// @dev A model is a pure function of its arguments and of parameters fixed at deployment: no state, no owner. It
/// must not revert for any `cash` and `debt` (a reverting model would stop every vault action that accrues).
interface IInterestRateModel {
    /// @notice The borrow rate per second, WAD-scaled (1e18 = 100% per second), for a pool holding `cash` idle
    /// stablecoin units with `debt` units lent out.
    function borrowRatePerSecond(uint256 cash, uint256 debt) external view returns (uint256);
}
