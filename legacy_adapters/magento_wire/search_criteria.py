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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from legacy_adapters.magento_wire import casts, errors

CONDITIONS = frozenset(
    {"eq", "neq", "like", "nlike", "in", "nin", "notnull", "null", "gt", "lt", "gteq", "lteq",
     "moreq", "from", "to", "finset", "nfinset", "fulltext"}
)  # fmt: skip
MAX_PAGE = 2**31 - 1
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake(key: str) -> str:
    """`pageSize` -> `page_size`; snake_case passes through (Magento accepts both spellings)."""
    return _CAMEL.sub("_", key).lower()


def _upper_camel(key: str) -> str:
    """`page_sizes` -> `PageSizes`: how Magento names an unknown field in its error
    (`SimpleDataObjectConverter::snakeCaseToUpperCamelCase`)."""
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def _setters(
    raw: Any, expected: str, setters: Mapping[str, Callable[[Any], Any]]
) -> dict[str, Any]:
    """ServiceInputProcessor's setter loop over one object: every key in the order sent is
    converted at once (so a bad value fails even if another spelling of its key follows, and the
    later spelling wins); the first key without a setter is refused."""
    out: dict[str, Any] = {}
    for key, value in _object(raw, expected).items():
        name = snake(key)
        setter = setters.get(name)
        if setter is None:
            raise errors.unsupported_field(_upper_camel(name))
        out[name] = setter(value)
    return out


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
    return casts.to_int(value, MAX_PAGE)


def _string(value: Any, expected: str = "string") -> str:
    if isinstance(value, Mapping | list):
        raise errors.invalid_type(casts.shown(value), expected)
    return str(value)


FILTER = "Magento\\Framework\\Api\\Filter"
FILTER_GROUP = "Magento\\Framework\\Api\\Search\\FilterGroup"
SORT_ORDER = "Magento\\Framework\\Api\\SortOrder"
CRITERIA = "Magento\\Framework\\Api\\SearchCriteriaInterface"


def _direction(value: Any) -> str | None:
    """SortOrder::setDirection: ASC/DESC in any case, normalised to upper case."""
    if value == "":
        return None
    normalized = _string(value).upper()
    if normalized not in ("ASC", "DESC"):
        raise errors.InputError(
            'Sort order "%1" is not supported. Use "ASC" or "DESC" and try again.', [value]
        )
    return normalized


def _filter(raw: Any) -> Filter:
    fields = _setters(raw, FILTER, {"field": _string, "value": _string, "condition_type": _string})
    if not fields.get("field"):
        raise errors.required_field("field")
    return Filter(
        field=fields["field"],
        value=fields.get("value"),
        condition_type=fields.get("condition_type") or "eq",
    )


def _filters(value: Any) -> tuple[Filter, ...]:
    return tuple(_filter(f) for f in _entries(value, FILTER + "[]"))


def _group(raw: Any) -> FilterGroup:
    return FilterGroup(_setters(raw, FILTER_GROUP, {"filters": _filters}).get("filters", ()))


def _groups(value: Any) -> tuple[FilterGroup, ...]:
    return tuple(_group(g) for g in _entries(value, FILTER_GROUP + "[]"))


def _sort(raw: Any) -> SortOrder:
    fields = _setters(raw, SORT_ORDER, {"field": _string, "direction": _direction})
    return SortOrder(field=fields.get("field") or "", direction=fields.get("direction"))


def _sorts(value: Any) -> tuple[SortOrder, ...]:
    return tuple(_sort(s) for s in _entries(value, SORT_ORDER + "[]"))


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
    fields = _setters(
        raw,
        CRITERIA,
        {"filter_groups": _groups, "sort_orders": _sorts, "page_size": _int, "current_page": _int},
    )
    return SearchCriteria(
        fields.get("filter_groups", ()),
        fields.get("sort_orders"),
        fields.get("page_size"),
        fields.get("current_page"),
    )


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
