"""What Magento's REST front controller checks before a handler runs (pure).

`accept()` refuses responses we cannot render (406), `body()` decodes a JSON body the way
`Webapi\\Rest\\Request::getBodyParams` does (Content-Type present and JSON, UTF-8 only,
"Decoding error." on bad JSON) and snake_cases its keys, since Magento accepts `cartItem` and
`cart_item` alike. The decoded body is what PHP's `json_decode($body, true)` yields: nesting deeper
than 512 or an unpaired UTF-16 surrogate is a decoding error, an integer beyond PHP_INT_MAX is a
float. That walk is iterative, so no body can exhaust Python's stack.
"""

from __future__ import annotations

import math
import re
from typing import Any

from legacy_adapters.magento_wire import errors, phpjson
from legacy_adapters.magento_wire.search_criteria import snake

JSON_TYPES = ("application/json", "application/*", "*/*")
MAX_JSON_DEPTH = 512  # json_decode()'s default $depth
PHP_INTS = range(-(2**63), 2**63)
# Webapi\Rest\Request::getContentType()
_CONTENT_TYPE = re.compile(r"([a-z\d/\-+.]+)(?:; *charset=(.+))?", re.IGNORECASE | re.ASCII)


def accept(header: str | None) -> None:
    """Raise 406 unless the Accept header admits JSON (absent or empty admits everything)."""
    if not header or not header.strip():
        return
    types = [part.split(";")[0].strip().lower() for part in header.split(",")]
    if not any(t in JSON_TYPES for t in types):
        raise errors.not_acceptable(header)


def snake_keys(value: Any) -> Any:
    """`value` as PHP decoded it, map keys snake_cased; raises phpjson.DecodeError."""
    root: list[Any] = [None]
    stack: list[tuple[Any, int, Any, Any]] = [(value, 1, root, 0)]
    while stack:
        item, depth, parent, slot = stack.pop()
        if isinstance(item, dict | list) and depth > MAX_JSON_DEPTH:
            raise phpjson.DecodeError("Maximum stack depth exceeded")
        children: list[tuple[Any, Any]]
        if isinstance(item, dict):
            out: Any = {}
            children = []
            for key, child in item.items():
                name = snake(_utf8(key))
                out[name] = None  # keeps the first spelling's position
                children.append((name, child))
        elif isinstance(item, list):
            out = [None] * len(item)
            children = list(enumerate(item))
        else:
            parent[slot] = _php_scalar(item)
            continue
        parent[slot] = out
        # pushed in reverse so they are written in order: a later duplicate key wins
        stack.extend((child, depth + 1, out, key) for key, child in reversed(children))
    return root[0]


def _php_scalar(value: Any) -> Any:
    if isinstance(value, str):
        return _utf8(value)
    if isinstance(value, int) and not isinstance(value, bool) and value not in PHP_INTS:
        return _php_float(value)
    return value


def _utf8(text: str) -> str:
    """json_decode refuses an unpaired surrogate escape (`"\\ud800"`)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise phpjson.DecodeError("Single unpaired UTF-16 surrogate") from exc
    return text


def _php_float(n: int) -> float:
    """json_decode turns an integer beyond PHP_INT_MAX into a float (INF when out of range)."""
    try:
        return float(n)
    except OverflowError:
        return math.inf if n > 0 else -math.inf


def body(content_type: str | None, raw: bytes) -> dict[str, Any]:
    """Body parameters of a POST/PUT; an empty body (or PHP-falsy `"0"`) has none."""
    if not raw or raw == b"0":
        return {}
    if not content_type:
        raise errors.content_type_empty()
    parsed = _CONTENT_TYPE.fullmatch(content_type)
    if parsed is None:
        raise errors.InputError("Content-Type header is invalid.")
    media, charset = parsed.groups()
    if charset is not None and charset.lower() != "utf-8":
        raise errors.unsupported_charset()
    if media != "application/json":  # the deserializer lookup is case-sensitive
        raise errors.content_type_unsupported(media)
    try:
        decoded = snake_keys(phpjson.decode(raw))
    except phpjson.DecodeError:
        raise errors.decoding_error() from None
    # PHP's (array) cast: a scalar or list body carries no named parameters.
    return decoded if isinstance(decoded, dict) else {}
