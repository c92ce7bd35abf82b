"""The `?fields=` response filter (`Magento\\Framework\\Webapi\\Rest\\Response\\FieldsFilter`).

How this works: `fields=items[sku,price],total_count` is parsed into a tree
`{"items": {"sku": {}, "price": {}}, "total_count": {}}`; the response keeps only the named keys,
recursing into nested objects and into every element of a list. Keys keep the response's own
order, not the filter's. A filter that does not parse (or is not a string) filters everything
away: `FieldsFilter::filter` answers an empty array then.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

FieldTree = dict[str, "FieldTree"]
_FORBIDDEN = re.compile(r"[^\w\[\],]", re.ASCII)


def parse(spec: str) -> FieldTree | None:
    """Parse a fields filter; None when it is empty or malformed."""
    if _FORBIDDEN.search(spec):  # Magento allows only \w, brackets and commas (no spaces)
        return None
    root: FieldTree = {}
    stack: list[FieldTree] = [root]
    name = ""
    for ch in spec:
        if ch == ",":
            if name.strip():
                stack[-1].setdefault(name.strip(), {})
            name = ""
        elif ch == "[":
            node = stack[-1].setdefault(name.strip(), {}) if name.strip() else None
            if node is None:
                return None
            stack.append(node)
            name = ""
        elif ch == "]":
            if len(stack) == 1:
                return None
            if name.strip():
                stack[-1].setdefault(name.strip(), {})
            stack.pop()
            name = ""
        else:
            name += ch
    if len(stack) != 1:
        return None
    if name.strip():
        root.setdefault(name.strip(), {})
    return root or None


def apply(value: Any, tree: FieldTree) -> Any:
    """Keep only the fields named in `tree` (lists are filtered element by element)."""
    if isinstance(value, list):
        return [apply(v, tree) for v in value]
    if not isinstance(value, Mapping):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in tree:
            sub = tree[key]
            out[key] = apply(item, sub) if sub else item
    return out


def respond(result: Any, spec: Any) -> Any:
    """What `FieldsFilter::filter` makes of a response for the raw `fields` parameter.

    No (or an empty) parameter leaves the response alone; a parameter that is not a string or
    does not parse filters everything away (`[]`), as Magento does.
    """
    if not spec:
        return result
    tree = parse(spec) if isinstance(spec, str) else None
    if tree is None:
        return []
    return apply(result, tree)
