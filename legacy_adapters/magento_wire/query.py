"""PHP's query-string parsing (`parse_str`): `a[b][0][c]=x` becomes nested maps.

How this works: each `name[k1][k2]...=value` pair is split into a base name and bracket keys and
written into a tree of dicts; an empty key (`a[]=`) appends the next integer key, as PHP does. A
later pair with the same keys wins. Like PHP, a key that was a string and is now indexed
replaces the string with a map. Leaves are strings; nothing is typed here (Magento casts per
declared type later, and reports failures as type errors).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

MAX_DEPTH = 64  # PHP's max_input_nesting_level
MAX_VARS = 1000  # PHP's max_input_vars

QueryTree = dict[str, Any]


def _split_name(name: str) -> list[str]:
    """`a[b][]` -> ["a", "b", ""]; PHP stops at the first malformed bracket."""
    open_at = name.find("[")
    if open_at <= 0:
        return [name]
    keys = [name[:open_at]]
    rest = name[open_at:]
    while rest.startswith("[") and len(keys) <= MAX_DEPTH:
        close = rest.find("]")
        if close < 0:
            break
        keys.append(rest[1:close])
        rest = rest[close + 1 :]
    return keys


def _next_index(node: dict[str, Any]) -> str:
    ints = [int(k) for k in node if k.lstrip("-").isdigit()]
    return str(max(ints) + 1) if ints else "0"


def parse(query: str) -> QueryTree:
    """Parse a raw query string (without `?`) into PHP's nested array shape."""
    tree: QueryTree = {}
    pairs = [p for p in query.split("&") if p][:MAX_VARS]
    for pair in pairs:
        raw_name, _, raw_value = pair.partition("=")
        name, value = unquote_plus(raw_name), unquote_plus(raw_value)
        if not name:
            continue
        keys = _split_name(name)
        node = tree
        for key in keys[:-1]:
            if key == "":
                key = _next_index(node)
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child
        last = keys[-1]
        if last == "":
            last = _next_index(node)
        node[last] = value
    return tree
