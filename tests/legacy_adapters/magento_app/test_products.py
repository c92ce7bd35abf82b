"""GET /V1/products/{sku} over a real socket (CONTRACT.md §1, §2, §10.1, §12).

Expectations come from the loaded catalog: the CSV specs of the sample data
(`magento_db.choice.catalog.products()`) and the rows in the database, never from a previous
answer of the service. Luma-only checks (24-MB01, MH01, ...) use `requires_luma`.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient

from legacy_adapters.magento_app.app import make_app
from legacy_adapters.magento_wire import tokens
from legacy_adapters.sample_data.model import ProductSpec
from scripts.stack import catalog as catalogs
from tests.conftest import bearer

# ProductInterface getter order (§10.1); optional keys vanish but never move.
PRODUCT_KEYS = (
    "id", "sku", "name", "attribute_set_id", "price", "status", "visibility", "type_id",
    "created_at", "updated_at", "weight", "extension_attributes", "product_links", "options",
    "media_gallery_entries", "tier_prices", "custom_attributes",
)  # fmt: skip
ALWAYS = frozenset(
    {
        "id",
        "sku",
        "attribute_set_id",
        "type_id",
        "created_at",
        "updated_at",
        "product_links",
        "options",
        "media_gallery_entries",
        "tier_prices",
    }
)
# StockItemInterface order (§12).
STOCK_KEYS = (
    "item_id", "product_id", "stock_id", "qty", "is_in_stock", "is_qty_decimal",
    "show_default_notification_message", "use_config_min_qty", "min_qty",
    "use_config_min_sale_qty", "min_sale_qty", "use_config_max_sale_qty", "max_sale_qty",
    "use_config_backorders", "backorders", "use_config_notify_stock_qty", "notify_stock_qty",
    "use_config_qty_increments", "qty_increments", "use_config_enable_qty_inc",
    "enable_qty_increments", "use_config_manage_stock", "manage_stock", "low_stock_date",
    "is_decimal_divided", "stock_status_changed_auto",
)  # fmt: skip
CONFIGURABLE_OPTION_KEYS = ("id", "attribute_id", "label", "position", "values", "product_id")
JSON_TYPE = "application/json; charset=utf-8"
NOT_FOUND = {
    "message": "The product that was requested doesn't exist. Verify the product and try again."
}
NO_ROUTE = {"message": "Request does not match any route."}
NOT_AUTHORIZED = {
    "message": "The consumer isn't authorized to access %resources.",
    "parameters": {"resources": "Magento_Catalog::products"},
}
SLASH_SKU = "strangler/slash-sku"


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def specs(magento_db: Any) -> dict[str, ProductSpec]:
    """Every product spec of the loaded catalog, by SKU (read once per module)."""
    return {p.sku: p for p in magento_db.choice.catalog.products()}


def row(magento_db: Any, sql: str, *params: Any) -> dict[str, Any]:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        found: dict[str, Any] = cursor.fetchone()
    assert found is not None, (sql, params)
    return found


def rows(magento_db: Any, sql: str, *params: Any) -> list[dict[str, Any]]:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def entity_id(magento_db: Any, sku: str) -> int:
    return int(
        row(magento_db, "SELECT entity_id FROM catalog_product_entity WHERE sku = %s", sku)[
            "entity_id"
        ]
    )


def first_sku(magento_db: Any) -> str:
    return str(
        row(magento_db, "SELECT sku FROM catalog_product_entity ORDER BY entity_id LIMIT 1")["sku"]
    )


def float_tokens(raw: bytes) -> list[str]:
    """The JSON number tokens that carry a fraction or exponent, exactly as on the wire."""
    found: list[str] = []

    def keep(token: str) -> float:
        found.append(token)
        return float(token)

    json.loads(raw, parse_float=keep)
    return found


def expected_from_spec(spec: ProductSpec) -> dict[str, Any]:
    """The ProductInterface scalars a CSV row determines (store values over the defaults)."""
    values = {**spec.values, **spec.store_values.get("default", {})}
    out: dict[str, Any] = {
        "sku": spec.sku,
        "name": values["name"],
        "type_id": spec.type_id,
        "status": int(values.get("status") or 1),
        "visibility": int(values.get("visibility") or 4),
    }
    if values.get("price"):
        out["price"] = float(Decimal(values["price"]))
    if values.get("weight"):
        out["weight"] = float(Decimal(values["weight"]))
    return out


async def get_product(
    legacy: TestClient[Any, Any], sku: str, token: str, prefix: str = "/rest/V1"
) -> tuple[int, Any, bytes]:
    response = await legacy.get(
        f"{prefix}/products/{quote(sku, safe='')}", headers=bearer(token), allow_redirects=False
    )
    raw = await response.read()
    assert response.headers["Content-Type"] == JSON_TYPE
    return response.status, json.loads(raw), raw


# ---------------------------------------------------------------- shape and values


async def test_key_order_follows_product_interface(
    legacy: Any, admin_token: str, magento_db: Any
) -> None:
    """Every product, whatever its type, keeps ProductInterface's getter order."""
    samples = rows(
        magento_db,
        "SELECT MIN(sku) AS sku FROM catalog_product_entity GROUP BY type_id ORDER BY type_id",
    )
    assert samples
    for sample in samples:
        status, body, _ = await get_product(legacy, sample["sku"], admin_token)
        assert status == 200
        assert list(body) == [k for k in PRODUCT_KEYS if k in body], sample["sku"]
        assert set(body) >= ALWAYS, sample["sku"]


@pytest.mark.usefixtures("requires_luma")
async def test_joust_duffle_bag_has_exact_keys_and_no_weight(legacy: Any, admin_token: str) -> None:
    status, body, raw = await get_product(legacy, "24-MB01", admin_token)
    assert status == 200
    assert list(body) == [k for k in PRODUCT_KEYS if k != "weight"]
    assert (body["sku"], body["name"], body["price"]) == ("24-MB01", "Joust Duffle Bag", 34)
    assert b'"price":34,' in raw


@pytest.mark.usefixtures("requires_luma")
@pytest.mark.parametrize(
    "sku",
    [
        pytest.param("24-MB01", id="gear-bag-without-weight"),
        pytest.param("24-WB05", id="bag-with-special-price-keeps-base-price"),
        pytest.param("MJ06-XS-Blue", id="configurable-child-with-cents-and-weight"),
        pytest.param("MH01", id="configurable-parent"),
    ],
)
async def test_luma_product_matches_its_csv_row(
    legacy: Any, admin_token: str, specs: dict[str, ProductSpec], sku: str
) -> None:
    status, body, _ = await get_product(legacy, sku, admin_token)
    expected = expected_from_spec(specs[sku])
    assert status == 200
    assert {k: body.get(k) for k in expected} == expected
    assert ("weight" in body) == ("weight" in expected)


async def test_first_products_match_their_csv_rows(
    legacy: Any, admin_token: str, specs: dict[str, ProductSpec]
) -> None:
    """Any catalog (Luma or generated): the first 25 CSV rows come back as written."""
    for spec in itertools.islice(specs.values(), 25):
        status, body, _ = await get_product(legacy, spec.sku, admin_token)
        expected = expected_from_spec(spec)
        assert status == 200, spec.sku
        assert {k: body.get(k) for k in expected} == expected, spec.sku
        assert ("weight" in body) == ("weight" in expected), spec.sku


async def test_extension_attributes_follow_the_database(
    legacy: Any, admin_token: str, magento_db: Any
) -> None:
    sku = row(
        magento_db,
        "SELECT sku FROM catalog_product_entity WHERE type_id = 'simple' "
        "ORDER BY entity_id LIMIT 1",
    )["sku"]
    product_id = entity_id(magento_db, sku)
    websites = [
        int(r["website_id"])
        for r in rows(
            magento_db,
            "SELECT website_id FROM catalog_product_website WHERE product_id = %s "
            "ORDER BY website_id",
            product_id,
        )
    ]
    links = rows(
        magento_db,
        "SELECT category_id, position FROM catalog_category_product WHERE product_id = %s",
        product_id,
    )
    status, body, _ = await get_product(legacy, sku, admin_token)
    ext = body["extension_attributes"]
    assert status == 200
    assert list(ext)[:3] == ["website_ids", "category_links", "stock_item"]
    assert ext["website_ids"] == websites
    assert all(list(link) == ["position", "category_id"] for link in ext["category_links"])
    assert all(isinstance(link["category_id"], str) for link in ext["category_links"])
    assert sorted(
        (link["category_id"], link["position"]) for link in ext["category_links"]
    ) == sorted((str(r["category_id"]), int(r["position"])) for r in links)


async def test_stock_item_keys_and_row_values(
    legacy: Any, admin_token: str, magento_db: Any
) -> None:
    stock = row(
        magento_db,
        "SELECT s.*, e.sku FROM cataloginventory_stock_item s "
        "JOIN catalog_product_entity e ON e.entity_id = s.product_id "
        "WHERE s.stock_id = 1 ORDER BY s.product_id LIMIT 1",
    )
    status, body, _ = await get_product(legacy, stock["sku"], admin_token)
    item = body["extension_attributes"]["stock_item"]
    assert status == 200
    assert tuple(item) == STOCK_KEYS
    assert (item["item_id"], item["product_id"], item["stock_id"]) == (
        int(stock["item_id"]),
        int(stock["product_id"]),
        1,
    )
    assert item["qty"] == float(stock["qty"])
    assert item["is_in_stock"] is bool(stock["is_in_stock"])
    assert item["use_config_min_sale_qty"] == int(stock["use_config_min_sale_qty"])
    assert type(item["use_config_min_sale_qty"]) is int  # the one int among the use_config_*


@pytest.mark.usefixtures("requires_luma")
async def test_joust_duffle_bag_stock_item_is_the_contract_example(
    legacy: Any, admin_token: str, magento_db: Any, specs: dict[str, ProductSpec]
) -> None:
    """§10.1's example stock_item, with the ids this install gave 24-MB01."""
    product_id = entity_id(magento_db, "24-MB01")
    item_id = int(
        row(
            magento_db,
            "SELECT item_id FROM cataloginventory_stock_item "
            "WHERE product_id = %s AND stock_id = 1",
            product_id,
        )["item_id"]
    )
    status, body, raw = await get_product(legacy, "24-MB01", admin_token)
    assert status == 200
    assert body["extension_attributes"]["stock_item"] == {
        "item_id": item_id,
        "product_id": product_id,
        "stock_id": 1,
        "qty": float(specs["24-MB01"].stock.qty),
        "is_in_stock": True,
        "is_qty_decimal": False,
        "show_default_notification_message": False,
        "use_config_min_qty": True,
        "min_qty": 0,
        "use_config_min_sale_qty": 1,
        "min_sale_qty": 1,
        "use_config_max_sale_qty": True,
        "max_sale_qty": 10000,
        "use_config_backorders": True,
        "backorders": 0,
        "use_config_notify_stock_qty": True,
        "notify_stock_qty": 1,
        "use_config_qty_increments": True,
        "qty_increments": 0,
        "use_config_enable_qty_inc": True,
        "enable_qty_increments": False,
        "use_config_manage_stock": True,
        "manage_stock": True,
        "low_stock_date": None,
        "is_decimal_divided": False,
        "stock_status_changed_auto": 0,
    }
    assert b'"qty":100,' in raw


async def test_configurable_options_and_links_follow_super_link_rows(
    legacy: Any, admin_token: str, magento_db: Any
) -> None:
    parent = row(
        magento_db,
        "SELECT entity_id, sku FROM catalog_product_entity "
        "WHERE type_id = 'configurable' ORDER BY entity_id LIMIT 1",
    )
    parent_id = int(parent["entity_id"])
    children = sorted(
        int(r["product_id"])
        for r in rows(
            magento_db,
            "SELECT product_id FROM catalog_product_super_link WHERE parent_id = %s",
            parent_id,
        )
    )
    expected: dict[str, tuple[Any, ...]] = {}
    for sa in rows(
        magento_db,
        "SELECT sa.product_super_attribute_id, sa.attribute_id, "
        "sa.position, a.frontend_label "
        "FROM catalog_product_super_attribute sa "
        "JOIN eav_attribute a ON a.attribute_id = sa.attribute_id "
        "WHERE sa.product_id = %s",
        parent_id,
    ):
        used = rows(
            magento_db,
            "SELECT DISTINCT i.value FROM catalog_product_entity_int i "
            "JOIN catalog_product_super_link l ON l.product_id = i.entity_id "
            "WHERE l.parent_id = %s AND i.attribute_id = %s "
            "AND i.store_id = 0",
            parent_id,
            sa["attribute_id"],
        )
        expected[str(sa["attribute_id"])] = (
            int(sa["product_super_attribute_id"]),
            sa["frontend_label"],
            int(sa["position"]),
            sorted(int(u["value"]) for u in used),
            parent_id,
        )
    status, body, _ = await get_product(legacy, parent["sku"], admin_token)
    ext = body["extension_attributes"]
    assert status == 200
    assert children and expected
    assert sorted(ext["configurable_product_links"]) == children
    assert all(tuple(o) == CONFIGURABLE_OPTION_KEYS for o in ext["configurable_product_options"])
    assert {
        o["attribute_id"]: (
            o["id"],
            o["label"],
            o["position"],
            sorted(v["value_index"] for v in o["values"]),
            o["product_id"],
        )
        for o in ext["configurable_product_options"]
    } == expected


@pytest.mark.usefixtures("requires_luma")
async def test_chaz_hoodie_links_are_its_csv_variations(
    legacy: Any, admin_token: str, magento_db: Any, specs: dict[str, ProductSpec]
) -> None:
    variations = specs["MH01"].variations
    status, body, _ = await get_product(legacy, "MH01", admin_token)
    ext = body["extension_attributes"]
    assert status == 200
    assert sorted(ext["configurable_product_links"]) == sorted(
        entity_id(magento_db, v.sku) for v in variations
    )
    labels = {o["label"] for o in ext["configurable_product_options"]}
    assert labels == {"Size", "Color"}
    assert {len(o["values"]) for o in ext["configurable_product_options"]} == {
        len({v.values["size"] for v in variations}),
        len({v.values["color"] for v in variations}),
    }


async def test_bundle_without_price_row_answers_price_zero(
    legacy: Any, admin_token: str, magento_db: Any
) -> None:
    """§10.1: without price data, getPrice() asks the type's price model; a bundle's says 0."""
    bundles = rows(
        magento_db,
        "SELECT e.sku FROM catalog_product_entity e "
        "WHERE e.type_id = 'bundle' AND NOT EXISTS ("
        " SELECT 1 FROM catalog_product_entity_decimal d "
        " JOIN eav_attribute a ON a.attribute_id = d.attribute_id "
        " WHERE d.entity_id = e.entity_id AND a.attribute_code = 'price')"
        " ORDER BY e.entity_id LIMIT 1",
    )
    if not bundles:
        pytest.skip("the loaded catalog has no bundle without a price row")
    status, body, raw = await get_product(legacy, bundles[0]["sku"], admin_token)
    assert status == 200
    assert body["price"] == 0
    assert b'"price":0,' in raw


# ---------------------------------------------------------------- wire bytes


@pytest.mark.usefixtures("requires_luma")
async def test_wire_bytes_escape_slashes_and_drop_zero_fractions(
    legacy: Any, admin_token: str
) -> None:
    status, _, raw = await get_product(legacy, "24-MB01", admin_token)
    assert status == 200
    assert b"<\\/li>" in raw and b"</li>" not in raw
    assert raw.count(b"/") == raw.count(b"\\/")  # every slash escaped
    assert b'"file":"\\/m\\/b\\/mb01-blue-0.jpg"' in raw
    assert not any(re.fullmatch(r"-?\d+\.0+", t) for t in float_tokens(raw))
    # §1.3 recipe: compact separators, ASCII escapes, then every "/" as "\/".
    php = json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=True)
    assert raw == php.replace("/", "\\/").encode()


async def test_wire_bytes_of_a_priced_child_keep_cents(
    legacy: Any, admin_token: str, magento_db: Any
) -> None:
    """A price with cents is printed shortest-round-trip, never as a padded decimal."""
    found = row(
        magento_db,
        "SELECT e.sku, d.value FROM catalog_product_entity e "
        "JOIN catalog_product_entity_decimal d ON d.entity_id = e.entity_id "
        "JOIN eav_attribute a ON a.attribute_id = d.attribute_id "
        "AND a.attribute_code = 'price' "
        "WHERE d.store_id = 0 AND d.value <> FLOOR(d.value) "
        "ORDER BY e.entity_id LIMIT 1",
    )
    status, body, raw = await get_product(legacy, found["sku"], admin_token)
    assert status == 200
    assert body["price"] == float(found["value"])
    assert f'"price":{float(found["value"])!r},'.encode() in raw


# ---------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    "spell",
    [
        pytest.param(str.lower, id="lower-case"),
        pytest.param(str.upper, id="upper-case"),
        pytest.param(str.swapcase, id="swapped-case"),
        pytest.param(lambda sku: sku + " ", id="trailing-space-ignored-by-collation"),
    ],
)
async def test_sku_lookup_is_case_insensitive_and_echoes_stored_sku(
    legacy: Any, admin_token: str, magento_db: Any, spell: Any
) -> None:
    stored = row(
        magento_db,
        "SELECT sku FROM catalog_product_entity "
        "WHERE sku <> LOWER(sku) COLLATE utf8mb4_bin "
        "ORDER BY entity_id LIMIT 1",
    )["sku"]
    status, body, _ = await get_product(legacy, spell(stored), admin_token)
    assert status == 200
    assert body["sku"] == stored


async def test_unknown_sku_is_404_with_the_exact_message(legacy: Any, admin_token: str) -> None:
    status, body, _ = await get_product(legacy, "no-such-sku-strangler", admin_token)
    assert (status, body) == (404, NOT_FOUND)


async def test_encoded_slash_reaches_the_sku_lookup(
    legacy: Any, admin_token: str, magento_db: Any
) -> None:
    """`%2F` stays inside the SKU segment: the product lookup answers, not the router."""
    sku = first_sku(magento_db)
    response = await legacy.get(f"/rest/V1/products/{sku}%2Fextra", headers=bearer(admin_token))
    assert (response.status, await response.json()) == (404, NOT_FOUND)


@pytest.fixture
async def slash_legacy(
    mariadb: Any, fresh_database: str, aiohttp_client: Any, magento_db: Any, token_key: str
) -> tuple[TestClient[Any, Any], str]:
    """A service over a three-product catalog of its own whose first simple SKU has a '/'."""
    first = list(itertools.islice(magento_db.choice.catalog.products(), 3))
    renamed = next(s.sku for s in first if s.type_id == "simple" and not s.variations)
    products = [dataclasses.replace(s, sku=SLASH_SKU) if s.sku == renamed else s for s in first]
    small = dataclasses.replace(
        magento_db.choice.catalog, products=lambda: iter(products), expected_products=len(products)
    )
    catalogs.load_into(mariadb.address, fresh_database, small)
    client = await aiohttp_client(make_app(magento_db.settings(token_key, db_name=fresh_database)))
    with mariadb.address.connect(fresh_database) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT user_id FROM admin_user WHERE username = %s", (catalogs.DEMO_ADMIN.username,)
        )
        (admin_id,) = cursor.fetchone()
    token = tokens.issue(int(admin_id), tokens.UserType.ADMIN, key=token_key, now=int(time.time()))
    return client, token


async def test_sku_containing_a_slash_is_found_when_sent_as_2f(
    slash_legacy: tuple[TestClient[Any, Any], str],
) -> None:
    client, token = slash_legacy
    found = await client.get(
        f"/rest/V1/products/{quote(SLASH_SKU, safe='')}", headers=bearer(token)
    )
    raw_slash = await client.get(f"/rest/V1/products/{SLASH_SKU}", headers=bearer(token))
    assert found.status == 200
    assert (await found.json())["sku"] == SLASH_SKU
    assert (raw_slash.status, await raw_slash.json()) == (404, NO_ROUTE)


# ---------------------------------------------------------------- authorization


def _expired_admin(magento_db: Any, token_key: str) -> str:
    admin_id = int(
        row(
            magento_db,
            "SELECT user_id FROM admin_user WHERE username = %s",
            catalogs.DEMO_ADMIN.username,
        )["user_id"]
    )
    issued = int(time.time()) - tokens.ADMIN_LIFETIME_S - 60
    return tokens.issue(admin_id, tokens.UserType.ADMIN, key=token_key, now=issued)


def _foreign_admin(magento_db: Any, token_key: str) -> str:
    admin_id = int(
        row(
            magento_db,
            "SELECT user_id FROM admin_user WHERE username = %s",
            catalogs.DEMO_ADMIN.username,
        )["user_id"]
    )
    return tokens.issue(admin_id, tokens.UserType.ADMIN, key="x" * 48, now=int(time.time()))


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda db, key, customer: {}, id="no-token"),
        pytest.param(lambda db, key, customer: bearer(customer), id="customer-token"),
        pytest.param(
            lambda db, key, customer: bearer(_expired_admin(db, key)), id="expired-admin-token"
        ),
        pytest.param(
            lambda db, key, customer: bearer(_foreign_admin(db, key)),
            id="admin-token-signed-with-another-key",
        ),
        pytest.param(lambda db, key, customer: bearer("not.a.jwt"), id="garbage-token"),
        pytest.param(
            lambda db, key, customer: {"Authorization": "Basic YWRtaW46YWRtaW4="}, id="basic-auth"
        ),
    ],
)
async def test_without_an_admin_token_the_answer_is_401(
    legacy: Any, magento_db: Any, token_key: str, customer_token: str, headers: Any
) -> None:
    sku = first_sku(magento_db)
    response = await legacy.get(
        f"/rest/V1/products/{sku}", headers=headers(magento_db, token_key, customer_token)
    )
    assert response.status == 401
    assert response.headers["Content-Type"] == JSON_TYPE
    assert await response.json() == NOT_AUTHORIZED


# ---------------------------------------------------------------- URL forms and ?fields=


@pytest.fixture(name="first_sku")
def first_sku_fixture(magento_db: Any) -> str:
    return first_sku(magento_db)


async def test_fields_trims_to_the_named_keys_in_response_order(
    legacy: Any, admin_token: str, first_sku: str
) -> None:
    response = await legacy.get(
        f"/rest/V1/products/{first_sku}?fields=price,sku", headers=bearer(admin_token)
    )
    body = await response.json()
    assert response.status == 200
    assert list(body) == ["sku", "price"]
    assert body["sku"] == first_sku


async def test_fields_reaches_into_nested_objects(
    legacy: Any, admin_token: str, first_sku: str
) -> None:
    response = await legacy.get(
        f"/rest/V1/products/{first_sku}?fields=sku,extension_attributes[website_ids]",
        headers=bearer(admin_token),
    )
    body = await response.json()
    assert response.status == 200
    assert list(body) == ["sku", "extension_attributes"]
    assert list(body["extension_attributes"]) == ["website_ids"]


def _store_name(magento_db: Any, sku: str, store_id: int) -> str:
    values = rows(
        magento_db,
        "SELECT v.store_id, v.value FROM catalog_product_entity_varchar v "
        "JOIN catalog_product_entity e ON e.entity_id = v.entity_id "
        "JOIN eav_attribute a ON a.attribute_id = v.attribute_id "
        "AND a.attribute_code = 'name' AND a.entity_type_id = 4 "
        "WHERE e.sku = %s AND v.store_id IN (0, %s)",
        sku,
        store_id,
    )
    by_store = {int(v["store_id"]): v["value"] for v in values}
    return str(by_store.get(store_id, by_store[0]))


@pytest.mark.parametrize(
    ("prefix", "store_id"),
    [
        pytest.param("/rest/V1", 1, id="no-store-segment"),
        pytest.param("/rest/default/V1", 1, id="default-store-view"),
        pytest.param("/rest/all/V1", 0, id="admin-scope"),
    ],
)
async def test_store_segment_forms_are_served(
    legacy: Any, admin_token: str, magento_db: Any, first_sku: str, prefix: str, store_id: int
) -> None:
    status, body, _ = await get_product(legacy, first_sku, admin_token, prefix=prefix)
    assert status == 200
    assert (body["sku"], body["name"]) == (first_sku, _store_name(magento_db, first_sku, store_id))


async def test_trailing_slash_is_served_without_a_redirect(
    legacy: Any, admin_token: str, first_sku: str
) -> None:
    response = await legacy.get(
        f"/rest/V1/products/{first_sku}/", headers=bearer(admin_token), allow_redirects=False
    )
    assert response.status == 200
    assert (await response.json())["sku"] == first_sku


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("GET", "/rest/nosuchstore/V1/products/{sku}", id="unknown-store-code"),
        pytest.param("PATCH", "/rest/V1/products/{sku}", id="patch-product"),
        pytest.param("POST", "/rest/V1/products/{sku}", id="post-to-sku"),
        pytest.param("GET", "/rest/V2/products/{sku}", id="unknown-version"),
        pytest.param("GET", "/rest/V1/products/{sku}/nothing-here", id="unknown-sub-path"),
    ],
)
async def test_unmatched_requests_are_404_no_route(
    legacy: Any, admin_token: str, first_sku: str, method: str, path: str
) -> None:
    response = await legacy.request(method, path.format(sku=first_sku), headers=bearer(admin_token))
    assert response.status == 404
    assert response.headers["Content-Type"] == JSON_TYPE
    assert await response.read() == b'{"message":"Request does not match any route."}'


def _iter_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _iter_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _iter_keys(item)


async def test_response_keys_are_snake_case(legacy: Any, admin_token: str, first_sku: str) -> None:
    status, body, _ = await get_product(legacy, first_sku, admin_token)
    assert status == 200
    assert all(re.fullmatch(r"[a-z0-9_]+", key) for key in _iter_keys(body))
