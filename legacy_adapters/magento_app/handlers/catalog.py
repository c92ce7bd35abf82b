"""Products, stock items and categories (CONTRACT.md §10–§12)."""

from __future__ import annotations

from typing import Any

from legacy_adapters.magento_app import category_answers as answers
from legacy_adapters.magento_app.context import Call
from legacy_adapters.magento_app.service import Legacy
from legacy_adapters.magento_wire import errors, search_criteria
from legacy_adapters.magento_wire.shapes import catalog as shapes
from legacy_adapters.plans import catalog as plans
from legacy_adapters.records import Category


async def product_get(call: Call, legacy: Legacy) -> Any:
    product = await legacy.db.run(
        plans.product_by_sku_plan(
            call.params["sku"], store_id=call.scope.store_id, meta=legacy.meta
        )
    )
    if product is None:
        raise errors.product_not_found()
    return shapes.product(product)


async def product_search(call: Call, legacy: Legacy) -> Any:
    criteria = search_criteria.parse(call.query)
    products, total = await legacy.db.run(
        plans.product_search_plan(criteria, store_id=call.scope.store_id, meta=legacy.meta)
    )
    items = [shapes.product(p, with_stock=False) for p in products]
    return shapes.search_result(items, search_criteria.echo(criteria), total)


async def stock_item_get(call: Call, legacy: Legacy) -> Any:
    product = await legacy.db.run(
        plans.product_by_sku_plan(
            call.params["productSku"], store_id=call.scope.store_id, meta=legacy.meta
        )
    )
    if product is None or product.stock is None:
        raise errors.product_not_found()
    return shapes.stock_item(product.stock)


async def _categories(call: Call, legacy: Legacy) -> dict[int, Category]:
    return await legacy.db.run(
        plans.categories_plan(
            store_id=call.scope.store_id, website_id=call.scope.website_id, meta=legacy.meta
        )
    )


async def category_tree(call: Call, legacy: Legacy) -> Any:
    root_id, depth = answers.tree_request(call.query, legacy.root_category_id(call.scope))
    return answers.tree(await _categories(call, legacy), root_id, depth)


async def category_get(call: Call, legacy: Legacy) -> Any:
    category_id = answers.int_param(call.params["categoryId"])
    return answers.one(await _categories(call, legacy), category_id)


async def category_list(call: Call, legacy: Legacy) -> Any:
    criteria = search_criteria.parse(call.query)
    categories, total = await legacy.db.run(
        plans.category_search_plan(
            criteria,
            store_id=call.scope.store_id,
            website_id=call.scope.website_id,
            meta=legacy.meta,
        )
    )
    items = [shapes.category(c) for c in categories]
    return shapes.search_result(items, search_criteria.echo(criteria), total)
