"""Category answers from a store's categories (pure): the tree with its root and depth, one
category by id. Both Magento-compatible services load the categories their own way and answer
through these."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from legacy_adapters.magento_wire import casts, errors
from legacy_adapters.magento_wire.shapes import catalog as shapes
from legacy_adapters.records import Category


def int_param(value: Any) -> int:
    """An `int` service parameter: numeric text is cast, anything else is a type error."""
    return casts.to_int(value, saturate=True)


def tree_request(query: Mapping[str, Any], default_root: int) -> tuple[int, int | None]:
    """(root category id, depth or None) of a `GET categories` query."""
    root_raw = query.get("rootCategoryId", query.get("root_category_id"))
    depth_raw = query.get("depth")
    root_id = default_root if root_raw in (None, "") else int_param(root_raw)
    depth = None if depth_raw in (None, "") else int_param(depth_raw)
    return root_id, depth


def _tree(categories: Mapping[int, Category], node: Category, depth: int | None) -> dict[str, Any]:
    children = []
    if depth is None or depth > 0:
        children = [
            _tree(categories, categories[c], None if depth is None else depth - 1)
            for c in node.children
            if c in categories
        ]
    return shapes.category_tree(node, children)


def tree(categories: Mapping[int, Category], root_id: int, depth: int | None) -> dict[str, Any]:
    if root_id not in categories:
        raise errors.no_such_entity("id", root_id)
    return _tree(categories, categories[root_id], depth)


def one(categories: Mapping[int, Category], category_id: int) -> dict[str, Any]:
    if category_id not in categories:
        raise errors.no_such_entity("id", category_id)
    return shapes.category(categories[category_id])
