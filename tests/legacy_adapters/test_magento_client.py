"""The async Magento REST client against the real legacy service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from legacy_adapters.magento_client import MagentoApiError, MagentoClient, search_query
from scripts.stack import catalog as catalogs


def test_search_query_encodes_groups_sorts_and_paging() -> None:
    assert search_query(
        [[("sku", "24-MB0%", "like"), ("price", 5, "gt")], [("status", 1, "eq")]],
        sort_orders=[("price", "DESC")],
        page_size=3,
        current_page=2,
    ) == {
        "searchCriteria[filter_groups][0][filters][0][field]": "sku",
        "searchCriteria[filter_groups][0][filters][0][value]": "24-MB0%",
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "like",
        "searchCriteria[filter_groups][0][filters][1][field]": "price",
        "searchCriteria[filter_groups][0][filters][1][value]": "5",
        "searchCriteria[filter_groups][0][filters][1][condition_type]": "gt",
        "searchCriteria[filter_groups][1][filters][0][field]": "status",
        "searchCriteria[filter_groups][1][filters][0][value]": "1",
        "searchCriteria[filter_groups][1][filters][0][condition_type]": "eq",
        "searchCriteria[sortOrders][0][field]": "price",
        "searchCriteria[sortOrders][0][direction]": "DESC",
        "searchCriteria[pageSize]": "3",
        "searchCriteria[currentPage]": "2",
    }
    assert search_query() == {"searchCriteria": ""}


@pytest.fixture
async def shop(legacy: Any) -> Any:
    async with aiohttp.ClientSession() as http:
        yield MagentoClient(str(legacy.make_url("")).rstrip("/"), http, store_code="default")


async def test_tokens_catalog_and_errors(shop: MagentoClient, magento_db: Any) -> None:
    admin = await shop.admin_token(catalogs.DEMO_ADMIN.username, catalogs.DEMO_ADMIN.password)
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT sku FROM catalog_product_entity WHERE type_id = 'simple' "
            "ORDER BY entity_id LIMIT 1"
        )
        sku = cursor.fetchone()["sku"]
    product = await shop.product(sku, token=admin, fields="sku,name")
    assert list(product) == ["sku", "name"] and product["sku"] == sku
    page = await shop.products(token=admin, filter_groups=[[("sku", sku, "eq")]])
    assert page["total_count"] == 1 and page["items"][0]["sku"] == sku
    tree = await shop.category_tree(token=admin, depth=1)
    assert tree["id"] == 2
    with pytest.raises(MagentoApiError) as missing:
        await shop.product("no-such-sku-xyz", token=admin)
    assert missing.value.status == 404
    assert missing.value.body["message"].startswith("The product that was requested")
    with pytest.raises(MagentoApiError) as denied:
        await shop.product(sku, token="not-a-token")
    assert denied.value.status == 401


async def test_guest_and_customer_cart_flows(shop: MagentoClient, magento_db: Any) -> None:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT e.sku, d.value AS price FROM catalog_product_entity e "
            "JOIN catalog_product_entity_decimal d ON d.entity_id = e.entity_id AND d.store_id = 0 "
            "AND d.attribute_id = (SELECT attribute_id FROM eav_attribute WHERE entity_type_id = 4"
            " AND attribute_code = 'price') WHERE e.type_id = 'simple' ORDER BY e.entity_id "
            "LIMIT 2"
        )
        (a, price_a), (b, price_b) = ((r["sku"], Decimal(r["price"])) for r in cursor.fetchall())
    mask = await shop.guest_cart_create()
    first = await shop.guest_cart_add(mask, a, 2)
    await shop.guest_cart_add(mask, b, 1)
    await shop.guest_cart_update(mask, first["item_id"], 3)
    totals = await shop.guest_cart_totals(mask)
    assert Decimal(str(totals["subtotal"])) == price_a * 3 + price_b
    assert await shop.guest_cart_delete(mask, first["item_id"]) is True
    assert [i["sku"] for i in await shop.guest_cart_items(mask)] == [b]
    customer = await shop.customer_token(
        catalogs.DEMO_CUSTOMER.email, catalogs.DEMO_CUSTOMER.password
    )
    assert (await shop.me(customer))["email"] == catalogs.DEMO_CUSTOMER.email
    cart_id = await shop.my_cart_create(customer)
    assert await shop.my_cart_create(customer) == cart_id
    line = await shop.my_cart_add(customer, a, 1)
    assert (await shop.my_cart(customer))["id"] == cart_id
    await shop.my_cart_update(customer, line["item_id"], 2)
    assert (await shop.my_cart_totals(customer))["items_qty"] >= 2
    assert await shop.my_cart_delete(customer, line["item_id"]) is True
