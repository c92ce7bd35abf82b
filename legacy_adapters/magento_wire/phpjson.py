"""PHP-compatible JSON: the bytes Magento's REST renderer produces with `json_encode($data)`.

How this works: Magento encodes with default flags, so compared with Python's `json.dumps`:
- output is compact; `/` is escaped as `\\/`; non-ASCII is `\\uXXXX` (lower-case hex,
  surrogate pairs); DEL (0x7f) stays raw where Python would write `\\u007f`;
- floats print PHP's shortest round-trip form without a zero fraction (`34.0` -> `34`,
  `-0.0` -> `-0`), switching to exponent form like PHP (`1.0e+17`, `1.0e-5`);
- an empty array or map is `[]`, never `{}`.
Dict insertion order is the key order, so callers build dicts in Magento's getter order.
`decode` is the request side: what Magento accepts as a JSON body.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from json.encoder import encode_basestring_ascii
from typing import Any

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _string(s: str) -> str:
    if "\x7f" in s:
        # Put DEL back raw between escaped pieces; replacing "\\u007f" in the output would also
        # hit an escaped backslash followed by the text "u007f".
        pieces = (encode_basestring_ascii(p)[1:-1] for p in s.split("\x7f"))
        out = '"' + "\x7f".join(pieces) + '"'
    else:
        out = encode_basestring_ascii(s)
    if "/" in out:
        out = out.replace("/", "\\/")
    return out


def php_float(value: float) -> str:
    """Render a float as PHP 7.1+ does with `serialize_precision = -1`."""
    if math.isnan(value) or math.isinf(value):
        # json_encode fails on these in PHP; Magento never emits them. 0 is PHP's partial output.
        return "0"
    if value == 0.0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    digits, exponent = _shortest_digits(value)
    sign = "-" if value < 0 else ""
    decpt = exponent + len(digits)  # position of the decimal point relative to the digits
    if decpt < -3 or decpt > 17:  # php_gcvt with precision 17: exponent form
        mantissa = digits[0] + "." + (digits[1:] or "0")
        exp = decpt - 1
        return f"{sign}{mantissa}e{'+' if exp >= 0 else '-'}{abs(exp)}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if decpt >= len(digits):
        return f"{sign}{digits}{'0' * (decpt - len(digits))}"
    return f"{sign}{digits[:decpt]}.{digits[decpt:]}"


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-trip significant digits of |value| and the exponent of the last one."""
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    exponent = (int(exp) if exp else 0) - len(frac)
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    return stripped or "0", exponent


def _encode(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(php_float(value))
    elif isinstance(value, Mapping):
        if not value:
            out.append("[]")
            return
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(_string(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as Magento JSON")


def encode(value: Any) -> bytes:
    """Serialise `value` byte for byte as PHP `json_encode` with default flags.

    >>> encode({"price": 34.0, "file": "/m/b/x.jpg", "tags": {}})
    b'{"price":34,"file":"\\\\/m\\\\/b\\\\/x.jpg","tags":[]}'
    """
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("ascii")


class DecodeError(ValueError):
    """The request body is not JSON Magento would accept."""


def decode(body: bytes) -> Any:
    """Parse a request body as Magento does; raise DecodeError on anything json_decode rejects."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError("body is not UTF-8") from exc
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise DecodeError(str(exc)) from exc
    # PHP refuses a \u escape of an unpaired surrogate (JSON_ERROR_UTF16); Python keeps it.
    if "\\u" in text and _has_lone_surrogate(value):
        raise DecodeError("single unpaired UTF-16 surrogate in unicode escape")
    return value


def _has_lone_surrogate(value: Any) -> bool:
    # The text was valid UTF-8, so any surrogate left after decoding came from a lone \u escape.
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
