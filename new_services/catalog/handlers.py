"""The catalog routes over the new catalog's flat tables, answering exactly as legacy does.

How this works: a product is one row holding its store-resolved record as a JSON document
(`documents.product`); it is rendered with legacy's own shapes and PHP-compatible encoder, and
the rendered bytes are cached in Redis per store and SKU (`cache.py`). Searches build their SQL
with legacy's search builder over the flat tables (`search.flat_product_entity`), then fetch the
page's documents in one query. Categories answer through legacy's category answers, from the
store's category documents.
"""

from __future__ import annotations

from typing import Any

from legacy_adapters.magento_app import category_answers as answers
from legacy_adapters.magento_app.context import Call
from legacy_adapters.magento_app.pipeline import Rendered
from legacy_adapters.magento_wire import errors, phpjson, search_criteria
from legacy_adapters.magento_wire.shapes import catalog as shapes
from legacy_adapters.records import Category, Product
from legacy_adapters.sql import in_list, in_params, search
from new_services.catalog import documents, sql
from new_services.catalog.service import Catalog


async def _product(catalog: Catalog, store_id: int, sku: str) -> tuple[str, Product] | None:
    rows = await catalog.db.fetch(sql.PRODUCT_BY_SKU, (store_id, sku))
    return (rows[0]["sku"], documents.product(rows[0]["document"])) if rows else None


async def product_get(call: Call, catalog: Catalog) -> Any:
    store_id, sku = call.scope.store_id, call.params["sku"]
    cached = await catalog.cache.get(store_id, sku)
    if cached is not None:
        return Rendered(cached)
    generation = await catalog.cache.generation()  # before the read: see invalidation.py
    found = await _product(catalog, store_id, sku)
    if found is None:
        raise errors.product_not_found()
    stored_sku, product = found
    body = phpjson.encode(shapes.product(product))
    # Only under the SKU's own key (any case): the one the ETL invalidates. A lookup that
    # matched otherwise (trailing spaces under the collation) is answered but not cached.
    if generation is not None and stored_sku.lower() == sku.lower():
        await catalog.cache.fill(store_id, sku, generation, body)
    return Rendered(body)


async def _page(catalog: Catalog, entity: search.Entity, call: Call) -> tuple[Any, list[int], int]:
    criteria = search_criteria.parse(call.query)
    count, page = search.build(entity, criteria, call.scope.store_id)
    total = int((await catalog.db.fetch(count.sql, count.params))[0]["n"])
    ids = [int(r["entity_id"]) for r in await catalog.db.fetch(page.sql, page.params)]
    return criteria, ids, total


async def _documents(
    catalog: Catalog, statement: str, store_id: int, ids: list[int]
) -> dict[int, str]:
    rows = await catalog.db.fetch(in_list(statement, len(ids)), (store_id, *in_params(ids)))
    return {int(r["entity_id"]): r["document"] for r in rows}


async def product_search(call: Call, catalog: Catalog) -> Any:
    criteria, ids, total = await _page(catalog, catalog.product_entity, call)
    docs = await _documents(catalog, sql.PRODUCT_DOCUMENTS, call.scope.store_id, ids) if ids else {}
    items = [shapes.product(documents.product(docs[i]), with_stock=False) for i in ids if i in docs]
    return shapes.search_result(items, search_criteria.echo(criteria), total)


async def stock_item_get(call: Call, catalog: Catalog) -> Any:
    found = await _product(catalog, call.scope.store_id, call.params["productSku"])
    if found is None or found[1].stock is None:
        raise errors.product_not_found()
    return shapes.stock_item(found[1].stock)


async def _categories(call: Call, catalog: Catalog) -> dict[int, Category]:
    rows = await catalog.db.fetch(sql.CATEGORY_DOCUMENTS, (call.scope.store_id,))
    return {int(r["entity_id"]): documents.category(r["document"]) for r in rows}


async def category_tree(call: Call, catalog: Catalog) -> Any:
    root_id, depth = answers.tree_request(call.query, catalog.root_category_id(call.scope))
    return answers.tree(await _categories(call, catalog), root_id, depth)


async def category_get(call: Call, catalog: Catalog) -> Any:
    category_id = answers.int_param(call.params["categoryId"])
    return answers.one(await _categories(call, catalog), category_id)


async def category_list(call: Call, catalog: Catalog) -> Any:
    criteria, ids, total = await _page(catalog, catalog.category_entity, call)
    store_id = call.scope.store_id
    docs = await _documents(catalog, sql.CATEGORY_DOCUMENTS_BY_ID, store_id, ids) if ids else {}
    items = [shapes.category(documents.category(docs[i])) for i in ids if i in docs]
    return shapes.search_result(items, search_criteria.echo(criteria), total)
