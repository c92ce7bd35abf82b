"""searchCriteria -> SQL over a catalog entity (pure): Magento's collection filtering and paging.

How this works: every field a filter or sort names is turned into an SQL expression — a static
field of the entity, or an attribute's store value, or a custom filter (a product's
`category_id` / `website_id`). Where attribute values live is the entity's `values` strategy:
`EavValues` is Magento's EAV (the store value over its store-0 default, two LEFT JOINs per
attribute, `COALESCE(store, default)`); `FlatValues` is the new catalog's flat tables (entity
rows per store, one typed value row per attribute code, one LEFT JOIN). Filters in a group are
OR-ed, groups AND-ed. Table and column names only ever come from the attribute metadata and the
fixed maps below; every value is a parameter. Results are ordered by the requested sort orders
and then by entity id, so equal sort keys page deterministically (Magento leaves ties to the
database).
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
FLAT_LINK_FILTERS = {
    "category_id": "SELECT entity_id FROM product_category WHERE category_id IN ({ids})",
    "website_id": "SELECT entity_id FROM product_website WHERE website_id IN ({ids})",
}
PRODUCT_STATIC = (
    "entity_id", "sku", "type_id", "attribute_set_id", "created_at", "updated_at",
    "has_options", "required_options",
)  # fmt: skip
CATEGORY_STATIC = (
    "entity_id", "parent_id", "path", "position", "level", "children_count", "created_at",
    "updated_at", "attribute_set_id",
)  # fmt: skip
# flat VALUE_COLUMNS, by backend type (new_services/catalog/schema.sql)
FLAT_COLUMNS = {t: f"value_{t}" for t in VALUE_TABLES}


@dataclass(frozen=True, slots=True)
class Join:
    """What reading one attribute adds to a query: JOIN clauses, their parameters, the value."""

    clauses: tuple[str, ...]
    params: tuple[Any, ...]
    value: str


@dataclass(frozen=True, slots=True)
class EavValues:
    """Magento's EAV tables (`<prefix>_<backend type>`): the store's value over store 0's."""

    prefix: str

    def rows(self, store_id: int) -> tuple[str, ...]:
        """Conditions that keep the entity rows of one store (EAV rows are store-less)."""
        return ()

    def join(self, n: int, attr: Attribute, store_id: int) -> Join:
        table = f"{self.prefix}_{attr.backend_type}"
        clauses, params = [], []
        for alias, store in ((f"d{n}", 0), (f"s{n}", store_id)):
            clauses.append(
                f"LEFT JOIN {table} {alias} ON {alias}.entity_id = e.entity_id "
                f"AND {alias}.attribute_id = %s AND {alias}.store_id = %s"
            )
            params += [attr.attribute_id, store]
        return Join(tuple(clauses), tuple(params), f"COALESCE(s{n}.value, d{n}.value)")


@dataclass(frozen=True, slots=True)
class FlatValues:
    """The new catalog's flat tables: entity rows per store, values already store-resolved
    in `table` (one row per store, entity and attribute code, typed `value_<backend type>`)."""

    table: str

    def rows(self, store_id: int) -> tuple[str, ...]:
        return ("e.store_id = %s",)

    def join(self, n: int, attr: Attribute, store_id: int) -> Join:
        alias = f"v{n}"
        clause = (
            f"LEFT JOIN {self.table} {alias} ON {alias}.store_id = %s "
            f"AND {alias}.entity_id = e.entity_id AND {alias}.code = %s"
        )
        return Join((clause,), (store_id, attr.code), f"{alias}.{FLAT_COLUMNS[attr.backend_type]}")


ValueSource = EavValues | FlatValues


@dataclass(frozen=True, slots=True)
class Entity:
    """A catalog entity type as search sees it.

    `static` maps each static field to its SQL (a column of the entity table `e`, or an
    expression where the flat table keeps the field elsewhere); `values` says where attribute
    values live.
    """

    table: str
    values: ValueSource
    static: Mapping[str, str]
    attributes: Mapping[str, Attribute]
    link_filters: Mapping[str, str] = field(default_factory=dict)
    ignored_filters: frozenset[str] = frozenset()


def _columns(names: tuple[str, ...]) -> dict[str, str]:
    return {name: f"e.{name}" for name in names}


def product_entity(attributes: Mapping[str, Attribute]) -> Entity:
    return Entity(
        table="catalog_product_entity",
        values=EavValues("catalog_product_entity"),
        static=_columns(PRODUCT_STATIC),
        attributes=attributes,
        link_filters=LINK_FILTERS,
        ignored_filters=frozenset({"store_id"}),
    )


def category_entity(attributes: Mapping[str, Attribute]) -> Entity:
    return Entity(
        table="catalog_category_entity",
        values=EavValues("catalog_category_entity"),
        static=_columns(CATEGORY_STATIC),
        attributes=attributes,
    )


def _flat_value(table: str, code: str, column: str) -> str:
    """A static field the flat catalog keeps in its value table, as a scalar subquery."""
    return (
        f"(SELECT x.{column} FROM {table} x WHERE x.store_id = e.store_id "
        f"AND x.entity_id = e.entity_id AND x.code = '{code}')"
    )


def _document(field_name: str, cast: str) -> str:
    """A static field the flat catalog keeps only in the row's JSON document."""
    return f"CAST(JSON_VALUE(e.document, '$.{field_name}') AS {cast})"


def flat_product_entity(attributes: Mapping[str, Attribute]) -> Entity:
    """Products in the new catalog (`product`, `product_value`, the link tables)."""
    static = _columns(PRODUCT_STATIC[:6])
    for code in ("has_options", "required_options"):  # custom attributes of the document
        static[code] = _flat_value("product_value", code, "value_varchar")
    return Entity(
        table="product",
        values=FlatValues("product_value"),
        static=static,
        attributes=attributes,
        link_filters=FLAT_LINK_FILTERS,
        ignored_filters=frozenset({"store_id"}),
    )


def flat_category_entity(attributes: Mapping[str, Attribute]) -> Entity:
    """Categories in the new catalog (`category`, `category_value`)."""
    static = _columns(("entity_id", "parent_id", "path", "position", "level", "updated_at"))
    static["children_count"] = _document("children_count", "SIGNED")
    static["attribute_set_id"] = _document("attribute_set_id", "SIGNED")
    static["created_at"] = _document("created_at", "DATETIME")
    return Entity(
        table="category",
        values=FlatValues("category_value"),
        static=static,
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
        if code in self.entity.static:
            return self.entity.static[code]
        if code in self.aliases:
            return self.aliases[code]
        attr = self.entity.attributes.get(code)
        if attr is None or attr.backend_type not in VALUE_TABLES:
            return None
        join = self.entity.values.join(len(self.aliases), attr, self.store_id)
        self.joins += join.clauses
        self.join_params += join.params
        self.aliases[code] = join.value
        return join.value

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
    where = list(entity.values.rows(store_id))
    where_params: list[Any] = [store_id] * len(where)
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
