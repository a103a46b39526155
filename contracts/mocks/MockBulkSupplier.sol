// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ICollateralMarket} from "../interfaces/ICollateralMarket.sol";

/// @notice TEST ONLY. Opens many collateral positions in one transaction (for scaling measurements). It must be a
/// system holder to hold the shares it supplies.
contract MockBulkSupplier {
    function supplyMany(ICollateralMarket market, address[] calldata borrowers, uint256 each) external {
        IERC20 shares = IERC20(address(market.SHARES()));
        shares.approve(address(market), type(uint256).max);
        for (uint256 i; i < borrowers.length; ++i) {
            market.supplyCollateral(borrowers[i], each);
        }
    }
}
