"""PHP's query-string parsing (`parse_str`): `a[b][0][c]=x` becomes nested maps.

How this works: each `name[k1][k2]...=value` pair is split into a base name and bracket keys and
written into a tree of dicts; an empty key (`a[]=`) appends the next integer key, as PHP does. A
later pair with the same keys wins. Like PHP, a key that was a string and is now indexed
replaces the string with a map. Leaves are strings; nothing is typed here (Magento casts per
declared type later, and reports failures as type errors). Malformed names follow
`php_register_variable_ex`: leading spaces are skipped, `.` and ` ` in the base name become `_`,
an unterminated first `[` becomes `_` (`a[b=1` -> `a_b`), a variable with an empty base name or
nested deeper than `MAX_DEPTH` is dropped.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

MAX_DEPTH = 64  # PHP's max_input_nesting_level
MAX_VARS = 1000  # PHP's max_input_vars

QueryTree = dict[str, Any]
_INT_KEY = re.compile(r"-?[1-9][0-9]*|0")  # keys PHP stores as integers (ASCII digits only)
_PHP_INT = range(-(2**63), 2**63)


def _split_name(name: str) -> list[str] | None:
    """`a[b][]` -> ["a", "b", ""]; None when PHP drops the variable."""
    name = name.lstrip(" ")
    open_at = name.find("[")
    base = (name if open_at < 0 else name[:open_at]).replace(" ", "_").replace(".", "_")
    if not base:
        return None
    keys = [base]
    rest = name[open_at:] if open_at >= 0 else ""
    while rest.startswith("["):
        if len(keys) > MAX_DEPTH:  # max_input_nesting_level exceeded: the variable is dropped
            return None
        close = rest.find("]")
        if close < 0:
            if len(keys) == 1:  # `a[b` is the plain name `a_b`
                return [base + "_" + re.sub(r"[ .\[]", "_", rest[1:])]
            break
        key = rest[1:close]
        keys.append("" if key == " " else key)
        rest = rest[close + 1 :]
    return keys


def _int_key(key: str) -> int | None:
    """The integer PHP stores `key` as, or None for a string key (`"05"`, `"-0"`, `"²"`)."""
    if len(key) > 20 or not _INT_KEY.fullmatch(key):
        return None
    n = int(key)
    return n if n in _PHP_INT else None


class _Tree:
    """The tree being built, with PHP's next free index per array (`nNextFreeElement`)."""

    def __init__(self) -> None:
        self.root: QueryTree = {}
        self._next: dict[int, tuple[dict[str, Any], int]] = {}  # keeps the node alive

    def slot(self, node: dict[str, Any], key: str) -> str:
        """The key to write under: `""` appends; an integer key moves the next free index."""
        if key == "":
            _, free = self._next.get(id(node), (node, 0))
            key = str(free)
        n = _int_key(key)
        if n is not None:
            _, free = self._next.get(id(node), (node, n + 1))
            self._next[id(node)] = (node, max(free, n + 1))
        return key


def parse(query: str) -> QueryTree:
    """Parse a raw query string (without `?`) into PHP's nested array shape."""
    tree = _Tree()
    pairs = [p for p in query.split("&") if p][:MAX_VARS]
    for pair in pairs:
        raw_name, _, raw_value = pair.partition("=")
        name, value = unquote_plus(raw_name), unquote_plus(raw_value)
        keys = _split_name(name)
        if keys is None:
            continue
        node = tree.root
        for key in keys[:-1]:
            key = tree.slot(node, key)
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child
        node[tree.slot(node, keys[-1])] = value
    return tree.root
