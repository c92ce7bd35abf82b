"""The web API's casts of request values to declared types (`Reflection\\TypeProcessor`).

How this works: a parameter declared `int` or `float` accepts a number or a string PHP's
`is_numeric()` accepts (optional whitespace and sign, digits, fraction, exponent — no `nan`,
`inf`, `1_000` or non-ASCII digits); anything else is the already-rendered type error
`The "<value>" value's type is invalid. The "<type>" type was expected. Verify and try again.`
where an array shows as `array` (PHP's `gettype()`) and a boolean as PHP's string cast.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from legacy_adapters.magento_wire import errors

NUMERIC = re.compile(
    r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*", re.ASCII
)
INT_LIMIT = 2**63 - 1


def is_numeric(text: str) -> bool:
    """PHP's is_numeric() for a string."""
    return NUMERIC.fullmatch(text) is not None


def shown(value: Any) -> str:
    """How the type error shows a value: arrays as `array`, booleans as PHP strings them."""
    if isinstance(value, Mapping | list | tuple):
        return "array"
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def to_float(value: Any) -> float:
    """A `float` parameter: numbers pass, numeric strings are cast, the rest is a type error."""
    if isinstance(value, bool | Mapping | list | tuple):
        raise errors.invalid_type(shown(value), "float")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and is_numeric(value):
        return float(value)
    raise errors.invalid_type(shown(value), "float")


def to_int(value: Any, limit: int = INT_LIMIT, *, saturate: bool = False) -> int:
    """An `int` parameter: like `to_float`, then truncated.

    Beyond `limit` is a type error, or with `saturate` clamps to ±limit as PHP's `(int)` of an
    overlong integer string does (an id of 99999999999999999999 then simply finds nothing).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = float(value) if abs(value) <= limit else float("inf") * (1 if value > 0 else -1)
    else:
        try:
            number = to_float(value)
        except errors.MagentoError:
            raise errors.invalid_type(shown(value), "int") from None
    if number != number:
        raise errors.invalid_type(shown(value), "int")
    if abs(number) > limit:
        if not saturate:
            raise errors.invalid_type(shown(value), "int")
        return limit if number > 0 else -limit
    return int(number)
