// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IRevenueRouter} from "../interfaces/IRevenueRouter.sol";

/// @notice TEST ONLY. A RevenueRouter stand-in for the lease market's unit tests: `deposit` (the one function the
/// market calls, same selector) pulls the funds and records totals per asset and source, without splitting or routing
/// anything. It does not implement the rest of IRevenueRouter.
contract MockRevenueRouter {
    using SafeERC20 for IERC20;

    IERC20 public immutable STABLECOIN;

    uint256 public totalDeposited;
    mapping(uint256 assetId => mapping(IRevenueRouter.Source => uint256)) public depositedOf;

    event Deposited(uint256 indexed assetId, address indexed from, uint256 amount, IRevenueRouter.Source source);

    constructor(IERC20 stablecoin) {
        STABLECOIN = stablecoin;
    }

    function deposit(uint256 assetId, uint256 amount, IRevenueRouter.Source source) external {
        totalDeposited += amount;
        depositedOf[assetId][source] += amount;
        emit Deposited(assetId, msg.sender, amount, source);
        STABLECOIN.safeTransferFrom(msg.sender, address(this), amount);
    }
}
