"""Catalog read plans: attribute metadata, products, search, categories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Sequence
from typing import Any

from legacy_adapters import mapping
from legacy_adapters.magento_wire.search_criteria import SearchCriteria
from legacy_adapters.plans import Plan, Query, Rows
from legacy_adapters.records import Category, CategoryLink, Product
from legacy_adapters.sql import catalog as sql
from legacy_adapters.sql import in_list, in_params, search


def catalog_meta_plan() -> Plan[mapping.CatalogMeta]:
    attributes = yield Query(sql.ATTRIBUTES)
    options = yield Query(sql.ATTRIBUTE_OPTIONS)
    return mapping.catalog_meta(attributes, options)


def _by_ids(statement: str, ids: Sequence[int], *extra: Any) -> Query:
    return Query(in_list(statement, len(ids)), (*extra, *in_params(ids)))


def products_plan(
    ids: Sequence[int], *, store_id: int, meta: mapping.CatalogMeta, with_stock: bool = True
) -> Plan[list[Product]]:
    """Products by entity id, in the order of `ids` (missing ids are skipped)."""
    if not ids:
        return []
    entities = yield _by_ids(sql.PRODUCT_ENTITIES, ids)
    rows = {int(e["entity_id"]): mapping.ProductRows(entity=e) for e in entities}
    if not rows:
        return []
    found = list(rows)
    per_table = (*in_params(found), store_id)
    value_rows = yield Query(
        in_list(sql.PRODUCT_VALUES, len(found)), per_table * len(sql.VALUE_TABLES)
    )
    for entity_id, values in mapping.resolve_values(value_rows, store_id).items():
        rows[entity_id].values = values
    for w in (yield _by_ids(sql.PRODUCT_WEBSITES, found)):
        rows[int(w["product_id"])].website_ids.append(int(w["website_id"]))
    for link in (yield _by_ids(sql.PRODUCT_CATEGORY_LINKS, found)):
        rows[int(link["product_id"])].category_links.append(
            CategoryLink(int(link["category_id"]), int(link["position"]))
        )
    if with_stock:
        for stock in (yield _by_ids(sql.STOCK_ITEMS, found)):
            rows[int(stock["product_id"])].stock = stock
    for media in (yield _by_ids(sql.PRODUCT_MEDIA, found, store_id)):
        rows[int(media["entity_id"])].media.append(media)
    parents = [i for i, r in rows.items() if r.entity["type_id"] == "configurable"]
    if parents:
        yield from _configurable_rows(rows, parents)
    by_id = {i: mapping.product(r, meta) for i, r in rows.items()}
    return [by_id[i] for i in ids if i in by_id]


def _configurable_rows(
    rows: dict[int, mapping.ProductRows], parents: list[int]
) -> Generator[Query, Rows, None]:
    for sa in (yield _by_ids(sql.SUPER_ATTRIBUTES, parents)):
        rows[int(sa["product_id"])].super_attributes.append(sa)
    for link in (yield _by_ids(sql.SUPER_LINKS, parents)):
        rows[int(link["parent_id"])].super_links.append(int(link["product_id"]))
    values: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for v in (yield _by_ids(sql.SUPER_VALUES, parents)):
        values[int(v["parent_id"])][int(v["attribute_id"])].append(int(v["option_id"]))
    for parent, by_attribute in values.items():
        rows[parent].super_values = dict(by_attribute)


def product_by_sku_plan(
    sku: str, *, store_id: int, meta: mapping.CatalogMeta, with_stock: bool = True
) -> Plan[Product | None]:
    """A product by SKU (the column collation makes the match case-insensitive)."""
    found = yield Query(sql.PRODUCT_ID_BY_SKU, (sku,))
    if not found:
        return None
    products = yield from products_plan(
        [int(found[0]["entity_id"])], store_id=store_id, meta=meta, with_stock=with_stock
    )
    return products[0] if products else None


def categories_plan(
    *, store_id: int, website_id: int, meta: mapping.CatalogMeta
) -> Plan[dict[int, Category]]:
    """Every category as `store_id` sees it, with product counts for `website_id` (0 = all)."""
    entities = yield Query(sql.CATEGORY_ENTITIES)
    values = yield Query(sql.CATEGORY_VALUES, (store_id,) * len(sql.VALUE_TABLES))
    direct = yield Query(sql.CATEGORY_DIRECT_COUNTS, (website_id, website_id))
    subtree = yield Query(sql.CATEGORY_SUBTREE_COUNTS, (website_id, website_id))
    return mapping.categories(
        entities,
        values,
        meta,
        store_id,
        {int(r["category_id"]): int(r["n"]) for r in direct},
        {int(r["category_id"]): int(r["n"]) for r in subtree},
    )


def product_search_plan(
    criteria: SearchCriteria, *, store_id: int, meta: mapping.CatalogMeta
) -> Plan[tuple[list[Product], int]]:
    """A page of products matching `criteria` and the total (no stock_item in search results)."""
    count, page = search.build(search.product_entity(meta.product), criteria, store_id)
    total = int((yield count)[0]["n"])
    ids = [int(r["entity_id"]) for r in (yield page)]
    products = yield from products_plan(ids, store_id=store_id, meta=meta, with_stock=False)
    return products, total


def category_search_plan(
    criteria: SearchCriteria, *, store_id: int, website_id: int, meta: mapping.CatalogMeta
) -> Plan[tuple[list[Category], int]]:
    count, page = search.build(search.category_entity(meta.category), criteria, store_id)
    total = int((yield count)[0]["n"])
    ids = [int(r["entity_id"]) for r in (yield page)]
    categories = yield from categories_plan(store_id=store_id, website_id=website_id, meta=meta)
    return [categories[i] for i in ids if i in categories], total
