"""Magento's price rounding, as PHP 8.4's `round($x, 2)` does it.

How this works: `PriceCurrency::round($p)` is plain `round((float)$p, 2)`. PHP 8.4 rounds half away
from zero on the value the double actually holds, reading the double by its shortest decimal
representation; `Decimal(repr(x))` quantised half-up reproduces that (CONTRACT.md §9, the 8.4
recipe). Every amount that crosses a function boundary here is a `Decimal`; floats only appear
when rendering, and when reproducing Magento's own unrounded double arithmetic (`double_diff`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")


def to_decimal(value: Decimal | float | int | str | None) -> Decimal:
    """A Decimal read the way PHP reads a number: floats by their shortest repr."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_price(value: Decimal | float | int | str | None) -> Decimal:
    """`PriceCurrency::round`: two places, half away from zero (PHP 8.4 semantics)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_column(value: Decimal) -> Decimal:
    """What a decimal(12|20,4) column stores."""
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def to_float(value: Decimal | float | int | str | None) -> float:
    """A stored decimal rendered as PHP's `(float)` cast would: `"34.0000"` -> 34.0."""
    return float(to_decimal(value))


def double_diff(a: Decimal, b: Decimal) -> float:
    """`(float)$a - (float)$b` with IEEE double noise kept (REST totals' grand_total − tax)."""
    return float(a) - float(b)
