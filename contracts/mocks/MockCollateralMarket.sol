// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILendingVault} from "../interfaces/ILendingVault.sol";

/// @notice TEST ONLY. A collateral market without collateral: it borrows from and repays to the LendingVault the way
/// a real market does (per-position debt units, O(1); repayment pulled from the payer, then by the vault), so that
/// the vault can be tested on its own. Anyone may open debt on their own position.
contract MockCollateralMarket {
    using SafeERC20 for IERC20;
    using Math for uint256;

    ILendingVault public immutable VAULT;
    IERC20 public immutable STABLECOIN;

    mapping(address borrower => uint256) public debtUnitsOf;

    constructor(ILendingVault vault) {
        VAULT = vault;
        STABLECOIN = IERC20(vault.asset());
        STABLECOIN.forceApprove(address(vault), type(uint256).max);
    }

    /// @notice Borrows `assets` for the caller's position, sent to `receiver`.
    function borrow(uint256 assets, address receiver) external returns (uint256 units) {
        units = VAULT.borrow(assets, receiver);
        debtUnitsOf[msg.sender] += units;
    }

    /// @notice Repays `assets` of `borrower`'s debt, paid by the caller.
    function repay(address borrower, uint256 assets) external returns (uint256 units) {
        STABLECOIN.safeTransferFrom(msg.sender, address(this), assets);
        units = VAULT.repay(assets);
        debtUnitsOf[borrower] -= units;
    }

    /// @notice Repays `borrower`'s whole debt, paid by the caller; returns what was paid.
    function repayAll(address borrower) external returns (uint256 assets) {
        assets = debtOf(borrower);
        STABLECOIN.safeTransferFrom(msg.sender, address(this), assets);
        debtUnitsOf[borrower] -= VAULT.repay(assets);
    }

    /// @notice Writes `borrower`'s whole debt off as bad debt (a liquidation that ran out of collateral).
    function writeOff(address borrower) external returns (uint256 assets) {
        assets = debtOf(borrower);
        debtUnitsOf[borrower] -= VAULT.recognizeBadDebt(assets);
    }

    /// @notice Writes `assets` of `borrower`'s debt off.
    function writeOffAssets(address borrower, uint256 assets) external returns (uint256 units) {
        units = VAULT.recognizeBadDebt(assets);
        debtUnitsOf[borrower] -= units;
    }

    /// @notice A position's debt: its units at the vault's index, rounded up.
    function debtOf(address borrower) public view returns (uint256) {
        return debtUnitsOf[borrower].mulDiv(VAULT.borrowIndex(), 1e18, Math.Rounding.Ceil);
    }
}
