// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @notice A share holder's whole state in one storage slot, so that a transfer touches one slot per party:
/// bits 0..95 balance, bit 96 frozen on this token, bits 104..255 the revenue correction (int152, two's complement).
type Holder is uint256;

/// @title HolderLib
/// @notice Packing and unpacking of `Holder`.
/// @dev Bounds: balances never exceed the token's supply, itself at most 1e27 < 2^96. The correction is at most the
/// token's cumulative revenue times MAGNITUDE (1e27) in absolute value; `pack` reverts (SafeCast) past int152, i.e.
/// past ~2.8e18 stablecoin units (2.8 trillion dollars) of revenue per token.
library HolderLib {
    uint256 private constant BALANCE_MASK = (1 << 96) - 1;
    uint256 private constant FROZEN_BIT = 1 << 96;
    uint256 private constant CORRECTION_SHIFT = 104;

    function balance(Holder holder) internal pure returns (uint256) {
        return Holder.unwrap(holder) & BALANCE_MASK;
    }

    function frozen(Holder holder) internal pure returns (bool) {
        return Holder.unwrap(holder) & FROZEN_BIT != 0;
    }

    function correction(Holder holder) internal pure returns (int256) {
        // Arithmetic shift: sign-extends the int152 stored in the top bits.
        return int256(Holder.unwrap(holder)) >> CORRECTION_SHIFT;
    }

    /// @dev `balance_` must be below 2^96 (callers keep it within the supply).
    function pack(uint256 balance_, bool frozen_, int256 correction_) internal pure returns (Holder) {
        uint256 correctionBits = uint256(int256(SafeCast.toInt152(correction_))) << CORRECTION_SHIFT;
        return Holder.wrap(correctionBits | (frozen_ ? FROZEN_BIT : 0) | balance_);
    }
}
