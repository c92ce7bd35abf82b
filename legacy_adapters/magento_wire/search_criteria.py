"""`searchCriteria`: Magento's list-query grammar, parsed into values and echoed back.

How this works: the query string is first parsed PHP-style (`query.parse`), then the
`searchCriteria` subtree is read like Magento's ServiceInputProcessor reads a
`SearchCriteriaInterface`: snake_case and camelCase keys are both accepted, unknown keys are
refused, numbers are type-checked. Filters inside one group are OR-ed, groups are AND-ed (see
`FilterProcessor`); condition types are kept as sent and defaulted to `eq`. `echo()` renders the
`search_criteria` object of a list response in Magento's key order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from legacy_adapters.magento_wire import errors

CONDITIONS = frozenset(
    {"eq", "neq", "like", "nlike", "in", "nin", "notnull", "null", "gt", "lt", "gteq", "lteq",
     "moreq", "from", "to", "finset", "nfinset", "fulltext"}
)  # fmt: skip
MAX_PAGE = 2**31 - 1
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake(key: str) -> str:
    """`pageSize` -> `page_size`; snake_case passes through (Magento accepts both spellings)."""
    return _CAMEL.sub("_", key).lower()


@dataclass(frozen=True, slots=True)
class Filter:
    field: str
    value: str | None
    condition_type: str = "eq"

    @property
    def condition(self) -> str:
        """The condition actually applied: unknown types fall back to equality, like Magento."""
        return self.condition_type if self.condition_type in CONDITIONS else "eq"


@dataclass(frozen=True, slots=True)
class FilterGroup:
    filters: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class SortOrder:
    field: str
    direction: str | None  # "ASC" | "DESC" | None (not sent: ascending, not echoed)

    @property
    def descending(self) -> bool:
        return self.direction == "DESC"


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    filter_groups: tuple[FilterGroup, ...] = ()
    sort_orders: tuple[SortOrder, ...] | None = None
    page_size: int | None = None
    current_page: int | None = None

    @property
    def offset(self) -> int:
        """Rows to skip: Magento treats a current page below 1 as page 1."""
        if not self.page_size:
            return 0
        return (max(self.current_page or 1, 1) - 1) * self.page_size


def _entries(value: Any, expected: str) -> list[Any]:
    """A PHP array given as a map of indices (or a list) -> its values in order."""
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, list):
        return value
    raise errors.invalid_type(value, expected)


def _object(value: Any, expected: str) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if value == "":
        return {}
    raise errors.invalid_type(value, expected)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip() if isinstance(value, str | float) else None
    try:
        number = float(text) if text else None
    except ValueError:
        number = None
    if number is None or number != number or abs(number) > MAX_PAGE:
        raise errors.invalid_type(value, "int")
    return int(number)


def _string(value: Any, expected: str = "string") -> str:
    if isinstance(value, Mapping | list):
        raise errors.invalid_type("Array", expected)
    return str(value)


def _filter(raw: Any) -> Filter:
    fields = {snake(k): v for k, v in _object(raw, "Magento\\Framework\\Api\\Filter").items()}
    unknown = set(fields) - {"field", "value", "condition_type"}
    if unknown:
        raise errors.unsupported_field(sorted(unknown)[0])
    if not fields.get("field"):
        raise errors.required_field("field")
    condition = fields.get("condition_type") or "eq"
    value = fields.get("value")
    return Filter(
        field=_string(fields["field"]),
        value=None if value is None else _string(value),
        condition_type=_string(condition),
    )


def _group(raw: Any) -> FilterGroup:
    fields = {snake(k): v for k, v in _object(raw, "Magento\\Framework\\Api\\Search\\FilterGroup").items()}
    unknown = set(fields) - {"filters"}
    if unknown:
        raise errors.unsupported_field(sorted(unknown)[0])
    raw_filters = fields.get("filters", {})
    return FilterGroup(tuple(_filter(f) for f in _entries(raw_filters, "Magento\\Framework\\Api\\Filter[]")))


def _sort(raw: Any) -> SortOrder:
    fields = {snake(k): v for k, v in _object(raw, "Magento\\Framework\\Api\\SortOrder").items()}
    unknown = set(fields) - {"field", "direction"}
    if unknown:
        raise errors.unsupported_field(sorted(unknown)[0])
    direction = fields.get("direction")
    normalized = None
    if direction not in (None, ""):
        normalized = _string(direction).upper()
        if normalized not in ("ASC", "DESC"):
            raise errors.InputError(
                'Sort order "%1" is not supported. Use "ASC" or "DESC" and try again.',
                [_string(direction)],
            )
    return SortOrder(field=_string(fields.get("field") or ""), direction=normalized)


def parse(tree: Mapping[str, Any], *, required: bool = True) -> SearchCriteria:
    """Read `searchCriteria` from a parsed query tree; raise a MagentoError like Magento would.

    >>> parse({"searchCriteria": {"pageSize": "2"}}).page_size
    2
    """
    raw = tree.get("searchCriteria", tree.get("search_criteria"))
    if raw is None:
        if required:
            raise errors.required_field("searchCriteria")
        return SearchCriteria()
    fields = {snake(k): v for k, v in _object(raw, "Magento\\Framework\\Api\\SearchCriteriaInterface").items()}
    unknown = set(fields) - {"filter_groups", "sort_orders", "page_size", "current_page"}
    if unknown:
        raise errors.unsupported_field(sorted(unknown)[0])
    groups = tuple(
        _group(g)
        for g in _entries(fields.get("filter_groups", {}), "Magento\\Framework\\Api\\Search\\FilterGroup[]")
    )
    sorts = None
    if "sort_orders" in fields:
        sorts = tuple(_sort(s) for s in _entries(fields["sort_orders"], "Magento\\Framework\\Api\\SortOrder[]"))
    page_size = _int(fields["page_size"]) if "page_size" in fields else None
    current_page = _int(fields["current_page"]) if "current_page" in fields else None
    return SearchCriteria(groups, sorts, page_size, current_page)


def echo(criteria: SearchCriteria) -> dict[str, Any]:
    """The `search_criteria` object of a list response, in SearchCriteriaInterface order."""
    out: dict[str, Any] = {
        "filter_groups": [
            {
                "filters": [
                    {"field": f.field, "value": f.value, "condition_type": f.condition_type}
                    for f in group.filters
                ]
            }
            for group in criteria.filter_groups
        ]
    }
    if criteria.sort_orders:
        out["sort_orders"] = [
            {"field": s.field, "direction": s.direction} if s.direction else {"field": s.field}
            for s in criteria.sort_orders
        ]
    if criteria.page_size is not None:
        out["page_size"] = criteria.page_size
    if criteria.current_page is not None:
        out["current_page"] = criteria.current_page
    return out


def page_bounds(criteria: SearchCriteria) -> tuple[int | None, int]:
    """(LIMIT, OFFSET) for a collection: no page size means every match (input limiting off)."""
    if not criteria.page_size or criteria.page_size < 0:
        return None, 0
    return criteria.page_size, criteria.offset
