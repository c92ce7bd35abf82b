"""searchCriteria -> SQL over an EAV entity (pure): Magento's collection filtering, paging, sorting.

How this works: every field a filter or sort names is turned into an SQL expression — a static
column of the entity table, or the store value of an EAV attribute over its store-0 default
(two LEFT JOINs per attribute, `COALESCE(store, default)`), or a custom filter (a product's
`category_id` / `website_id`). Filters in a group are OR-ed, groups AND-ed. Table and column
names only ever come from the attribute metadata and the fixed maps below; every value is a
parameter. Results are ordered by the requested sort orders and then by entity id, so equal
sort keys page deterministically (Magento leaves ties to the database).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from legacy_adapters.magento_wire import errors
from legacy_adapters.magento_wire.search_criteria import Filter, SearchCriteria, page_bounds
from legacy_adapters.plans import Query
from legacy_adapters.records import Attribute
from legacy_adapters.sql.catalog import VALUE_TABLES

COMPARISONS = {
    "eq": "=",
    "neq": "!=",
    "gt": ">",
    "lt": "<",
    "gteq": ">=",
    "lteq": "<=",
    "moreq": ">=",
    "from": ">=",
    "to": "<=",
}
# product filters Magento applies outside the EAV collection (CollectionProcessor custom filters)
LINK_FILTERS = {
    "category_id": "SELECT product_id FROM catalog_category_product WHERE category_id IN ({ids})",
    "website_id": "SELECT product_id FROM catalog_product_website WHERE website_id IN ({ids})",
}


@dataclass(frozen=True, slots=True)
class Entity:
    """An EAV entity type as search sees it."""

    table: str
    value_prefix: str
    static_columns: frozenset[str]
    attributes: Mapping[str, Attribute]
    link_filters: Mapping[str, str] = field(default_factory=dict)
    ignored_filters: frozenset[str] = frozenset()


def product_entity(attributes: Mapping[str, Attribute]) -> Entity:
    return Entity(
        table="catalog_product_entity",
        value_prefix="catalog_product_entity",
        static_columns=frozenset(
            {
                "entity_id",
                "sku",
                "type_id",
                "attribute_set_id",
                "created_at",
                "updated_at",
                "has_options",
                "required_options",
            }
        ),
        attributes=attributes,
        link_filters=LINK_FILTERS,
        ignored_filters=frozenset({"store_id"}),
    )


def category_entity(attributes: Mapping[str, Attribute]) -> Entity:
    return Entity(
        table="catalog_category_entity",
        value_prefix="catalog_category_entity",
        static_columns=frozenset(
            {
                "entity_id",
                "parent_id",
                "path",
                "position",
                "level",
                "children_count",
                "created_at",
                "updated_at",
                "attribute_set_id",
            }
        ),
        attributes=attributes,
    )


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * max(n, 1))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",")] or [""]


class _Builder:
    def __init__(self, entity: Entity, store_id: int) -> None:
        self.entity = entity
        self.store_id = store_id
        self.joins: list[str] = []
        self.join_params: list[Any] = []
        self.aliases: dict[str, str] = {}

    def expression(self, code: str) -> str | None:
        """SQL for a field, or None if the entity has no such field."""
        if code in self.entity.static_columns:
            return f"e.{code}"
        if code in self.aliases:
            return self.aliases[code]
        attr = self.entity.attributes.get(code)
        if attr is None or attr.backend_type not in VALUE_TABLES:
            return None
        n = len(self.aliases)
        table = f"{self.entity.value_prefix}_{attr.backend_type}"
        for alias, store in ((f"d{n}", 0), (f"s{n}", self.store_id)):
            self.joins.append(
                f"LEFT JOIN {table} {alias} ON {alias}.entity_id = e.entity_id "
                f"AND {alias}.attribute_id = %s AND {alias}.store_id = %s"
            )
            self.join_params += [attr.attribute_id, store]
        self.aliases[code] = f"COALESCE(s{n}.value, d{n}.value)"
        return self.aliases[code]

    def condition(self, f: Filter) -> tuple[str, list[Any]]:
        if f.field in self.entity.ignored_filters:
            return "1 = 1", []
        if f.field in self.entity.link_filters:
            values = _split(f.value)
            negate = "NOT " if f.condition in ("neq", "nin") else ""
            sub = self.entity.link_filters[f.field].replace("{ids}", _placeholders(len(values)))
            return f"e.entity_id {negate}IN ({sub})", values
        expr = self.expression(f.field)
        if expr is None:
            raise errors.InputError("Invalid attribute name: %1", [f.field])
        return _comparison(expr, f)


def _comparison(expr: str, f: Filter) -> tuple[str, list[Any]]:
    c, value = f.condition, f.value
    if c in COMPARISONS:
        return f"{expr} {COMPARISONS[c]} %s", [value]
    if c in ("like", "nlike"):
        return f"{expr} {'NOT ' if c == 'nlike' else ''}LIKE %s", [value]
    if c == "fulltext":
        return f"{expr} LIKE %s", [f"%{value or ''}%"]
    if c in ("in", "nin"):
        values = _split(value)
        return f"{expr} {'NOT ' if c == 'nin' else ''}IN ({_placeholders(len(values))})", values
    if c in ("null", "notnull"):
        return f"{expr} IS {'NOT ' if c == 'notnull' else ''}NULL", []
    if c in ("finset", "nfinset"):
        return f"{'NOT ' if c == 'nfinset' else ''}FIND_IN_SET(%s, {expr})", [value]
    return f"{expr} = %s", [value]


def build(entity: Entity, criteria: SearchCriteria, store_id: int) -> tuple[Query, Query]:
    """(count query, page-of-ids query) for `criteria`; raises MagentoError on unknown fields."""
    b = _Builder(entity, store_id)
    where: list[str] = []
    where_params: list[Any] = []
    for group in criteria.filter_groups:
        if not group.filters:
            continue
        parts = [b.condition(f) for f in group.filters]
        where.append("(" + " OR ".join(sql for sql, _ in parts) + ")")
        for _, condition_params in parts:
            where_params += condition_params
    order = []
    for sort in criteria.sort_orders or ():
        expr = b.expression(sort.field)
        if expr is not None:  # an unknown sort field is ignored, like addAttributeToSort
            order.append(f"{expr} {'DESC' if sort.descending else 'ASC'}")
    order.append("e.entity_id ASC")
    base = f"FROM {entity.table} e {' '.join(b.joins)} WHERE {' AND '.join(where) or '1 = 1'}"
    params = (*b.join_params, *where_params)
    count = Query(f"SELECT COUNT(*) AS n {base}", params)
    limit, offset = page_bounds(criteria)
    page_sql = f"SELECT e.entity_id {base} ORDER BY {', '.join(order)}"
    page_params: tuple[Any, ...] = params
    if limit is not None:
        page_sql += " LIMIT %s OFFSET %s"
        page_params = (*params, limit, offset)
    return count, Query(page_sql, page_params)
