// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IInterestRateModel} from "./interfaces/IInterestRateModel.sol";

/// @title KinkedRateModel
/// @notice A utilization-kinked borrow rate, parameters fixed at deployment:
///
///     utilization u = debt / (cash + debt)                           (WAD, rounded down; 0 when debt is 0)
///     rate per year = base + slope1 * u / kink                       for u <= kink
///                   = base + slope1 + slope2 * (u - kink) / (1 - kink) for u >  kink
///     rate per second = rate per year / 365 days                     (rounded down)
///
/// so the rate climbs gently up to the kink (the target utilization) and steeply above it, pulling borrowers out and
/// lenders in before the pool runs dry. Each division rounds down.
/// @dev Bounds, checked at deployment: `kink` in [MIN_KINK, MAX_KINK]; the highest rate, `base + slope1 + slope2`,
/// at most MAX_RATE_PER_YEAR (1_000% a year). With the vault's index in a uint120 that is years of room even at the
/// highest rate (see ILendingVault). The model does not check that slope2 exceeds slope1.
contract KinkedRateModel is IInterestRateModel {
    using Math for uint256;

    /// @notice The highest borrow rate a model may reach (at 100% utilization): 1_000% a year, WAD-scaled.
    uint256 public constant MAX_RATE_PER_YEAR = 10e18;
    /// @notice Bounds of the kink (target utilization), WAD-scaled.
    uint256 public constant MIN_KINK = 0.05e18;
    uint256 public constant MAX_KINK = 0.99e18;
    uint256 public constant SECONDS_PER_YEAR = 365 days;

    uint256 private constant WAD = 1e18;

    /// @notice Rate at zero utilization, per year, WAD-scaled.
    uint256 public immutable BASE_RATE_PER_YEAR;
    /// @notice Rate added from zero utilization to the kink, per year, WAD-scaled.
    uint256 public immutable SLOPE1_PER_YEAR;
    /// @notice Rate added from the kink to full utilization, per year, WAD-scaled.
    uint256 public immutable SLOPE2_PER_YEAR;
    /// @notice Target utilization where the slope changes, WAD-scaled.
    uint256 public immutable KINK;

    /// @notice The kink is outside [MIN_KINK, MAX_KINK].
    error KinkedRateModelKinkOutOfBounds(uint256 kink, uint256 minKink, uint256 maxKink);
    /// @notice `base + slope1 + slope2` exceeds MAX_RATE_PER_YEAR.
    error KinkedRateModelRateTooHigh(uint256 maxRatePerYear, uint256 limit);

    constructor(uint256 baseRatePerYear, uint256 slope1PerYear, uint256 slope2PerYear, uint256 kink) {
        if (kink < MIN_KINK || kink > MAX_KINK) revert KinkedRateModelKinkOutOfBounds(kink, MIN_KINK, MAX_KINK);
        // Saturating: a sum past 2^256 is too high, not a wrap-around.
        uint256 maxRatePerYear = baseRatePerYear.saturatingAdd(slope1PerYear).saturatingAdd(slope2PerYear);
        if (maxRatePerYear > MAX_RATE_PER_YEAR) revert KinkedRateModelRateTooHigh(maxRatePerYear, MAX_RATE_PER_YEAR);
        BASE_RATE_PER_YEAR = baseRatePerYear;
        SLOPE1_PER_YEAR = slope1PerYear;
        SLOPE2_PER_YEAR = slope2PerYear;
        KINK = kink;
    }

    /// @inheritdoc IInterestRateModel
    function borrowRatePerSecond(uint256 cash, uint256 debt) external view returns (uint256) {
        return borrowRatePerYear(utilization(cash, debt)) / SECONDS_PER_YEAR;
    }

    /// @notice The yearly borrow rate at utilization `utilizationWad` (WAD-scaled, at most 1e18), WAD-scaled.
    function borrowRatePerYear(uint256 utilizationWad) public view returns (uint256) {
        if (utilizationWad <= KINK) return BASE_RATE_PER_YEAR + SLOPE1_PER_YEAR.mulDiv(utilizationWad, KINK);
        return BASE_RATE_PER_YEAR + SLOPE1_PER_YEAR + SLOPE2_PER_YEAR.mulDiv(utilizationWad - KINK, WAD - KINK);
    }

    /// @notice `debt / (cash + debt)`, WAD-scaled, rounded down; 0 when `debt` is 0.
    function utilization(uint256 cash, uint256 debt) public pure returns (uint256) {
        if (debt == 0) return 0;
        return debt.mulDiv(WAD, cash + debt);
    }
}
