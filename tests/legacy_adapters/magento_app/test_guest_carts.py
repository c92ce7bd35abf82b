"""Guest carts over real HTTP against the legacy service, checked against the rows it wrote.

Expectations come from CONTRACT.md §3.3, §4, §6, §7, §13.5–§13.7 and from the product rows in
the session catalog; nothing is copied from the service's own output. Every test makes its own
cart, so tests sharing the session database never see each other's lines. The helpers at the top
are shared with the other cart test files.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from legacy_adapters.magento_wire import phpjson
from tests.conftest import MagentoDb

Client = TestClient[Any, Any]
Row = dict[str, Any]
CENT = Decimal("0.01")

# Enabled, in-stock simple products without a special price: their cart price is `price`.
PLAIN_SIMPLES = """
SELECT e.entity_id, e.sku, p.value AS price, COALESCE(n1.value, n0.value) AS name, s.qty AS stock
FROM catalog_product_entity e
JOIN eav_entity_type t ON t.entity_type_code = 'catalog_product'
JOIN eav_attribute ap ON ap.entity_type_id = t.entity_type_id AND ap.attribute_code = 'price'
JOIN eav_attribute an ON an.entity_type_id = t.entity_type_id AND an.attribute_code = 'name'
JOIN eav_attribute ast ON ast.entity_type_id = t.entity_type_id AND ast.attribute_code = 'status'
JOIN catalog_product_entity_decimal p
  ON p.entity_id = e.entity_id AND p.attribute_id = ap.attribute_id AND p.store_id = 0
JOIN catalog_product_entity_varchar n0
  ON n0.entity_id = e.entity_id AND n0.attribute_id = an.attribute_id AND n0.store_id = 0
LEFT JOIN catalog_product_entity_varchar n1
  ON n1.entity_id = e.entity_id AND n1.attribute_id = an.attribute_id AND n1.store_id = 1
JOIN catalog_product_entity_int st0
  ON st0.entity_id = e.entity_id AND st0.attribute_id = ast.attribute_id AND st0.store_id = 0
LEFT JOIN catalog_product_entity_int st1
  ON st1.entity_id = e.entity_id AND st1.attribute_id = ast.attribute_id AND st1.store_id = 1
JOIN cataloginventory_stock_item s ON s.product_id = e.entity_id AND s.stock_id = 1
WHERE e.type_id = 'simple' AND COALESCE(st1.value, st0.value) = 1
  AND s.is_in_stock = 1 AND s.qty >= 100 AND s.use_config_manage_stock = 1
  AND s.use_config_backorders = 1 AND s.use_config_max_sale_qty = 1
  AND s.use_config_min_sale_qty = 1 AND s.use_config_min_qty = 1
  AND NOT EXISTS (
    SELECT 1 FROM catalog_product_entity_decimal sp
    JOIN eav_attribute asp ON asp.attribute_id = sp.attribute_id
    WHERE asp.entity_type_id = t.entity_type_id AND asp.attribute_code = 'special_price'
      AND sp.entity_id = e.entity_id AND sp.value IS NOT NULL)
"""

NO_SUCH_CART = (
    b'{"message":"No such entity with %fieldName = %fieldValue",'
    b'"parameters":{"fieldName":"cartId","fieldValue":null}}'
)
QUOTE_ID_REQUIRED = (
    b'{"message":"\\"%fieldName\\" is required. Enter and try again.",'
    b'"parameters":{"fieldName":"quoteId"}}'
)
CART_KEYS = [
    "id",
    "created_at",
    "updated_at",
    "is_active",
    "is_virtual",
    "items",
    "items_count",
    "items_qty",
    "customer",
    "billing_address",
    "orig_order_id",
    "currency",
    "customer_is_guest",
    "customer_note_notify",
    "customer_tax_class_id",
    "store_id",
    "extension_attributes",
]
CART_ITEM_KEYS = ["item_id", "sku", "qty", "name", "price", "product_type", "quote_id"]
EMPTY_ADDRESS_KEYS = [
    "id",
    "region",
    "region_id",
    "region_code",
    "country_id",
    "street",
    "telephone",
    "postcode",
    "city",
    "firstname",
    "lastname",
    "email",
    "same_as_billing",
    "save_in_address_book",
]
GUEST_CUSTOMER = {"email": None, "firstname": None, "lastname": None}
USD_CURRENCY = {
    "global_currency_code": "USD",
    "base_currency_code": "USD",
    "store_currency_code": "USD",
    "quote_currency_code": "USD",
    "store_to_base_rate": 0,
    "store_to_quote_rate": 0,
    "base_to_global_rate": 1,
    "base_to_quote_rate": 1,
}


# ---------------------------------------------------------------- helpers (shared)


def r2(value: Decimal) -> Decimal:
    """PHP 8.4 round($x, 2) on a decimal value: half away from zero (CONTRACT.md §9)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Any) -> Decimal:
    """A JSON number as the exact decimal it spells."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(repr(value))


def query(magento_db: MagentoDb, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def plain_simples(magento_db: MagentoDb, *, cents: bool | None = None) -> list[Row]:
    """Products whose line price is their `price`; `cents` filters on a fractional price."""
    where = {
        None: "",
        True: " AND p.value <> FLOOR(p.value)",
        False: " AND p.value = FLOOR(p.value) AND p.value > 0",
    }
    rows = query(magento_db, PLAIN_SIMPLES + where[cents] + " ORDER BY e.entity_id LIMIT 200")
    assert rows, "the session catalog has no product of this kind"
    return rows


def simple(magento_db: MagentoDb, index: int = 0, *, cents: bool | None = None) -> Row:
    return plain_simples(magento_db, cents=cents)[index]


async def call(
    legacy: Client,
    method: str,
    path: str,
    *,
    json_body: Any = None,
    token: str | None = None,
    raw: bytes | None = None,
) -> tuple[int, bytes]:
    """One request to `/rest/V1/<path>`; the status and the raw response bytes."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if raw is not None:
        headers["Content-Type"] = "application/json"
        kwargs["data"] = raw
    elif json_body is not None:
        kwargs["json"] = json_body
    response = await legacy.request(method, f"/rest/V1/{path}", **kwargs)
    return response.status, await response.read()


async def ok(legacy: Client, method: str, path: str, **kwargs: Any) -> Any:
    status, body = await call(legacy, method, path, **kwargs)
    assert status == 200, body
    return json.loads(body)


async def new_guest_cart(legacy: Client) -> str:
    mask = await ok(legacy, "POST", "guest-carts")
    assert isinstance(mask, str)
    return mask


async def add_item(legacy: Client, mask: str, sku: str, qty: Any) -> tuple[int, bytes]:
    return await call(
        legacy,
        "POST",
        f"guest-carts/{mask}/items",
        json_body={"cartItem": {"sku": sku, "qty": qty, "quote_id": mask}},
    )


async def added(legacy: Client, mask: str, sku: str, qty: Any) -> dict[str, Any]:
    status, body = await add_item(legacy, mask, sku, qty)
    assert status == 200, body
    line: dict[str, Any] = json.loads(body)
    return line


def quote_id_of(magento_db: MagentoDb, mask: str) -> int:
    rows = query(magento_db, "SELECT quote_id FROM quote_id_mask WHERE masked_id = %s", (mask,))
    assert len(rows) == 1, rows
    return int(rows[0]["quote_id"])


def quote_row(magento_db: MagentoDb, quote_id: int) -> Row:
    return query(magento_db, "SELECT * FROM quote WHERE entity_id = %s", (quote_id,))[0]


def item_rows(magento_db: MagentoDb, quote_id: int) -> list[Row]:
    return query(
        magento_db, "SELECT * FROM quote_item WHERE quote_id = %s ORDER BY item_id", (quote_id,)
    )


def address_rows(magento_db: MagentoDb, quote_id: int) -> list[Row]:
    return query(
        magento_db,
        "SELECT * FROM quote_address WHERE quote_id = %s ORDER BY address_id",
        (quote_id,),
    )


def stamp(value: Any) -> str:
    return str(value.strftime("%Y-%m-%d %H:%M:%S"))


def empty_address(row: Row) -> dict[str, Any]:
    """A quote address nobody has filled in, as §6 renders it (nulls kept, street [""])."""
    return {
        "id": row["address_id"],
        "region": None,
        "region_id": None,
        "region_code": None,
        "country_id": None,
        "street": [""],
        "telephone": None,
        "postcode": None,
        "city": None,
        "firstname": None,
        "lastname": None,
        "email": None,
        "same_as_billing": row["same_as_billing"],
        "save_in_address_book": 0,
    }


def cart_item(row: Row, sku_row: Row, qty: int, quote_ref: str) -> dict[str, Any]:
    """The §7 CartItem expected for a simple product line."""
    return {
        "item_id": row["item_id"],
        "sku": sku_row["sku"],
        "qty": qty,
        "name": sku_row["name"],
        "price": float(sku_row["price"]),
        "product_type": "simple",
        "quote_id": quote_ref,
    }


# ---------------------------------------------------------------- create


async def test_create_answers_a_32_character_masked_id(legacy: Client) -> None:
    response = await legacy.post("/rest/V1/guest-carts")
    body = await response.read()
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert re.fullmatch(rb'"[A-Za-z0-9]{32}"', body), body


async def test_create_writes_one_quote_two_addresses_and_one_mask(
    legacy: Client, magento_db: MagentoDb
) -> None:
    mask = await new_guest_cart(legacy)
    masks = query(magento_db, "SELECT * FROM quote_id_mask WHERE masked_id = %s", (mask,))
    assert len(masks) == 1
    quote = quote_row(magento_db, int(masks[0]["quote_id"]))
    expected = {
        "store_id": 1,
        "is_active": 1,
        "is_virtual": 0,
        "items_count": 0,
        "items_qty": Decimal(0),
        "orig_order_id": 0,
        "customer_id": None,
        "customer_is_guest": 1,
        "customer_group_id": 0,
        "customer_tax_class_id": 3,
        "customer_note_notify": 1,
        "global_currency_code": "USD",
        "base_currency_code": "USD",
        "store_currency_code": "USD",
        "quote_currency_code": "USD",
        "store_to_base_rate": Decimal(0),
        "store_to_quote_rate": Decimal(0),
        "base_to_global_rate": Decimal(1),
        "base_to_quote_rate": Decimal(1),
    }
    assert {k: quote[k] for k in expected} == expected
    addresses = address_rows(magento_db, quote["entity_id"])
    assert [(a["address_type"], a["same_as_billing"]) for a in addresses] == [
        ("billing", 0),
        ("shipping", 1),
    ]
    assert addresses[1]["collect_shipping_rates"] == 1
    assert all(a["customer_id"] is None for a in addresses)


async def test_two_carts_get_two_quotes_and_two_masks(
    legacy: Client, magento_db: MagentoDb
) -> None:
    first, second = await new_guest_cart(legacy), await new_guest_cart(legacy)
    assert first != second
    assert quote_id_of(magento_db, first) != quote_id_of(magento_db, second)


# ---------------------------------------------------------------- GET cart


async def test_empty_cart_renders_every_field_in_interface_order(
    legacy: Client, magento_db: MagentoDb
) -> None:
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    quote = quote_row(magento_db, quote_id)
    billing = address_rows(magento_db, quote_id)[0]
    body = await ok(legacy, "GET", f"guest-carts/{mask}")
    assert list(body) == CART_KEYS
    assert body == {
        "id": quote_id,
        "created_at": stamp(quote["created_at"]),
        "updated_at": stamp(quote["updated_at"]),
        "is_active": True,
        "is_virtual": False,
        "items": [],
        "items_count": 0,
        "items_qty": 0,
        "customer": GUEST_CUSTOMER,
        "billing_address": empty_address(billing),
        "orig_order_id": 0,
        "currency": USD_CURRENCY,
        "customer_is_guest": True,
        "customer_note_notify": True,
        "customer_tax_class_id": 3,
        "store_id": 1,
        "extension_attributes": {"shipping_assignments": []},
    }
    assert list(body["customer"]) == ["email", "firstname", "lastname"]
    assert list(body["billing_address"]) == EMPTY_ADDRESS_KEYS
    assert list(body["currency"]) == list(USD_CURRENCY)


async def test_cart_with_a_line_lists_it_with_the_numeric_quote_id(
    legacy: Client, magento_db: MagentoDb
) -> None:
    product = simple(magento_db)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    await added(legacy, mask, product["sku"], 2)
    [row] = item_rows(magento_db, quote_id)
    body = await ok(legacy, "GET", f"guest-carts/{mask}")
    line = cart_item(row, product, 2, str(quote_id))
    assert body["items"] == [line]
    assert [list(i) for i in body["items"]] == [CART_ITEM_KEYS]
    assert (body["items_count"], body["items_qty"]) == (1, 2)
    assert list(body) == CART_KEYS


async def test_shipping_assignment_appears_once_the_cart_has_items(
    legacy: Client, magento_db: MagentoDb
) -> None:
    product = simple(magento_db)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    await added(legacy, mask, product["sku"], 1)
    [row] = item_rows(magento_db, quote_id)
    shipping = address_rows(magento_db, quote_id)[1]
    assert shipping["address_type"] == "shipping"
    body = await ok(legacy, "GET", f"guest-carts/{mask}")
    [assignment] = body["extension_attributes"]["shipping_assignments"]
    assert assignment == {
        "shipping": {"address": empty_address(shipping), "method": None},
        "items": [cart_item(row, product, 1, str(quote_id))],
    }
    assert list(assignment) == ["shipping", "items"]
    assert list(assignment["shipping"]) == ["address", "method"]
    assert list(assignment["shipping"]["address"]) == EMPTY_ADDRESS_KEYS
    assert assignment["shipping"]["address"]["same_as_billing"] == 1


# ---------------------------------------------------------------- items


async def test_add_answers_the_line_with_the_numeric_quote_id(
    legacy: Client, magento_db: MagentoDb
) -> None:
    product = simple(magento_db, cents=True)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    status, raw = await add_item(legacy, mask, product["sku"], 2)
    assert status == 200, raw
    [row] = item_rows(magento_db, quote_id)
    body = json.loads(raw)
    assert body == cart_item(row, product, 2, str(quote_id))
    assert list(body) == CART_ITEM_KEYS
    assert (row["product_id"], row["sku"], row["qty"], row["price"]) == (
        product["entity_id"],
        product["sku"],
        Decimal(2),
        product["price"],
    )


async def test_add_writes_the_buy_request_option(legacy: Client, magento_db: MagentoDb) -> None:
    product = simple(magento_db)
    mask = await new_guest_cart(legacy)
    line = await added(legacy, mask, product["sku"], 3)
    options = query(
        magento_db, "SELECT * FROM quote_item_option WHERE item_id = %s", (line["item_id"],)
    )
    assert [(o["code"], o["product_id"]) for o in options] == [
        ("info_buyRequest", product["entity_id"])
    ]
    buy_request = json.loads(options[0]["value"])
    assert buy_request["qty"] == 3
    # Magento stores it with its own json_encode: compact, no `.0` on whole numbers.
    assert options[0]["value"] == phpjson.encode(buy_request).decode()


async def test_add_accepts_snake_case_cart_item(legacy: Client, magento_db: MagentoDb) -> None:
    product = simple(magento_db)
    mask = await new_guest_cart(legacy)
    body = await ok(
        legacy,
        "POST",
        f"guest-carts/{mask}/items",
        json_body={"cart_item": {"sku": product["sku"], "qty": 1}},
    )
    assert (body["sku"], body["qty"]) == (product["sku"], 1)


async def test_items_list_carries_the_mask_as_quote_id(
    legacy: Client, magento_db: MagentoDb
) -> None:
    first, second = simple(magento_db, 0), simple(magento_db, 1)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    await added(legacy, mask, first["sku"], 1)
    await added(legacy, mask, second["sku"], 4)
    rows = item_rows(magento_db, quote_id)
    body = await ok(legacy, "GET", f"guest-carts/{mask}/items")
    assert body == [cart_item(rows[0], first, 1, mask), cart_item(rows[1], second, 4, mask)]


async def test_item_id_is_the_table_wide_auto_increment(
    legacy: Client, magento_db: MagentoDb
) -> None:
    product = simple(magento_db)
    [before] = query(magento_db, "SELECT COALESCE(MAX(item_id), 0) AS top FROM quote_item")
    first_mask, second_mask = await new_guest_cart(legacy), await new_guest_cart(legacy)
    first = await added(legacy, first_mask, product["sku"], 1)
    second = await added(legacy, second_mask, product["sku"], 1)
    [first_row] = item_rows(magento_db, quote_id_of(magento_db, first_mask))
    [second_row] = item_rows(magento_db, quote_id_of(magento_db, second_mask))
    assert (first["item_id"], second["item_id"]) == (first_row["item_id"], second_row["item_id"])
    assert before["top"] < first["item_id"] < second["item_id"]


async def test_adding_the_same_sku_again_merges_into_its_line(
    legacy: Client, magento_db: MagentoDb
) -> None:
    product = simple(magento_db)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    first = await added(legacy, mask, product["sku"], 2)
    second = await added(legacy, mask, product["sku"], 3)
    assert second["item_id"] == first["item_id"]
    assert (first["qty"], second["qty"]) == (2, 5)
    [row] = item_rows(magento_db, quote_id)
    assert (row["item_id"], row["qty"]) == (first["item_id"], Decimal(5))
    quote = quote_row(magento_db, quote_id)
    assert (quote["items_count"], quote["items_qty"]) == (1, Decimal(5))
    options = query(
        magento_db, "SELECT value FROM quote_item_option WHERE item_id = %s", (row["item_id"],)
    )
    assert [json.loads(o["value"])["qty"] for o in options] == [5]


async def test_update_sets_the_quantity(legacy: Client, magento_db: MagentoDb) -> None:
    product = simple(magento_db, cents=True)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    line = await added(legacy, mask, product["sku"], 1)
    body = await ok(
        legacy,
        "PUT",
        f"guest-carts/{mask}/items/{line['item_id']}",
        json_body={"cartItem": {"qty": 4, "quote_id": mask}},
    )
    [row] = item_rows(magento_db, quote_id)
    assert body == cart_item(row, product, 4, str(quote_id))
    assert list(body) == CART_ITEM_KEYS
    assert row["qty"] == Decimal(4)
    assert row["row_total"] == r2(r2(product["price"]) * 4)
    quote = quote_row(magento_db, quote_id)
    assert (quote["items_count"], quote["items_qty"]) == (1, Decimal(4))


async def test_delete_answers_literal_true_and_removes_the_rows(
    legacy: Client, magento_db: MagentoDb
) -> None:
    kept, dropped = simple(magento_db, 0), simple(magento_db, 1)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    await added(legacy, mask, kept["sku"], 1)
    line = await added(legacy, mask, dropped["sku"], 2)
    status, raw = await call(legacy, "DELETE", f"guest-carts/{mask}/items/{line['item_id']}")
    assert (status, raw) == (200, b"true")
    assert [r["sku"] for r in item_rows(magento_db, quote_id)] == [kept["sku"]]
    options = query(
        magento_db, "SELECT * FROM quote_item_option WHERE item_id = %s", (line["item_id"],)
    )
    assert options == []
    quote = quote_row(magento_db, quote_id)
    assert (quote["items_count"], quote["items_qty"], quote["subtotal"]) == (
        1,
        Decimal(1),
        r2(kept["price"]),
    )


async def test_deleting_the_last_line_empties_the_cart(
    legacy: Client, magento_db: MagentoDb
) -> None:
    product = simple(magento_db)
    mask = await new_guest_cart(legacy)
    line = await added(legacy, mask, product["sku"], 1)
    await ok(legacy, "DELETE", f"guest-carts/{mask}/items/{line['item_id']}")
    body = await ok(legacy, "GET", f"guest-carts/{mask}")
    assert (body["items"], body["items_count"], body["items_qty"]) == ([], 0, 0)
    assert body["extension_attributes"] == {"shipping_assignments": []}
    quote = quote_row(magento_db, quote_id_of(magento_db, mask))
    assert (quote["grand_total"], quote["subtotal"]) == (Decimal(0), Decimal(0))


# ---------------------------------------------------------------- errors


UNKNOWN_MASK = "A" * 32


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("GET", "guest-carts/{mask}", id="get-cart"),
        pytest.param("GET", "guest-carts/{mask}/items", id="get-items"),
        pytest.param("GET", "guest-carts/{mask}/totals", id="totals"),
        pytest.param("DELETE", "guest-carts/{mask}/items/1", id="delete-item"),
    ],
)
async def test_unknown_mask_is_404_with_null_field_value(
    legacy: Client, method: str, path: str
) -> None:
    assert await call(legacy, method, path.format(mask=UNKNOWN_MASK)) == (404, NO_SUCH_CART)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "guest-carts/{mask}/items", id="add-item"),
        pytest.param("PUT", "guest-carts/{mask}/items/1", id="update-item"),
    ],
)
async def test_unknown_mask_on_item_save_is_400_quote_id_required(
    legacy: Client, magento_db: MagentoDb, method: str, path: str
) -> None:
    item = {"sku": simple(magento_db)["sku"], "qty": 1, "quote_id": UNKNOWN_MASK}
    answer = await call(
        legacy, method, path.format(mask=UNKNOWN_MASK), json_body={"cartItem": item}
    )
    assert answer == (400, QUOTE_ID_REQUIRED)


async def test_unknown_sku_is_404_product_not_found(legacy: Client, magento_db: MagentoDb) -> None:
    mask = await new_guest_cart(legacy)
    answer = await add_item(legacy, mask, "NO-SUCH-SKU-4711", 1)
    assert answer == (
        404,
        b'{"message":"The product that was requested doesn\'t exist. '
        b'Verify the product and try again."}',
    )
    assert item_rows(magento_db, quote_id_of(magento_db, mask)) == []


@pytest.mark.parametrize(
    ("qty", "expected"),
    [
        pytest.param(0, b"0", id="zero"),
        pytest.param(-1, b"-1", id="negative"),
    ],
)
async def test_non_positive_qty_is_400_invalid_value(
    legacy: Client, magento_db: MagentoDb, qty: int, expected: bytes
) -> None:
    mask = await new_guest_cart(legacy)
    answer = await add_item(legacy, mask, simple(magento_db)["sku"], qty)
    assert answer == (
        400,
        b'{"message":"Invalid value of \\"%value\\" provided for the '
        b'%fieldName field.","parameters":{"fieldName":"qty","value":' + expected + b"}}",
    )
    assert item_rows(magento_db, quote_id_of(magento_db, mask)) == []


async def test_non_positive_qty_on_update_is_400_invalid_value(
    legacy: Client, magento_db: MagentoDb
) -> None:
    mask = await new_guest_cart(legacy)
    line = await added(legacy, mask, simple(magento_db)["sku"], 2)
    status, raw = await call(
        legacy,
        "PUT",
        f"guest-carts/{mask}/items/{line['item_id']}",
        json_body={"cartItem": {"qty": 0}},
    )
    assert (status, json.loads(raw)["parameters"]) == (400, {"fieldName": "qty", "value": 0})
    [row] = item_rows(magento_db, quote_id_of(magento_db, mask))
    assert row["qty"] == Decimal(2)


async def test_qty_is_checked_before_the_item_lookup(legacy: Client) -> None:
    """CartItemPersister::save rejects the qty before it looks the item up."""
    mask = await new_guest_cart(legacy)
    status, raw = await call(
        legacy, "PUT", f"guest-carts/{mask}/items/999999999", json_body={"cartItem": {"qty": -1}}
    )
    assert (status, json.loads(raw)["parameters"]) == (400, {"fieldName": "qty", "value": -1})


async def test_non_numeric_qty_is_400_type_error(legacy: Client, magento_db: MagentoDb) -> None:
    mask = await new_guest_cart(legacy)
    answer = await add_item(legacy, mask, simple(magento_db)["sku"], "abc")
    assert answer == (
        400,
        b'{"message":"The \\"abc\\" value\'s type is invalid. The \\"float\\" '
        b'type was expected. Verify and try again."}',
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"sku": "24-MB01", "qty": 1}, id="item-fields-at-top-level"),
        pytest.param({}, id="empty-object"),
        pytest.param(None, id="no-body"),
    ],
)
async def test_missing_cart_item_is_400_required(legacy: Client, body: Any) -> None:
    mask = await new_guest_cart(legacy)
    answer = await call(legacy, "POST", f"guest-carts/{mask}/items", json_body=body)
    assert answer == (
        400,
        b'{"message":"\\"%fieldName\\" is required. Enter and try again.",'
        b'"parameters":{"fieldName":"cartItem"}}',
    )


@pytest.mark.parametrize(
    "method", [pytest.param("PUT", id="update"), pytest.param("DELETE", id="delete")]
)
async def test_item_of_another_cart_is_404_not_in_cart(
    legacy: Client, magento_db: MagentoDb, method: str
) -> None:
    product = simple(magento_db)
    mask, other = await new_guest_cart(legacy), await new_guest_cart(legacy)
    await added(legacy, mask, product["sku"], 1)
    foreign = await added(legacy, other, product["sku"], 1)
    body = {"cartItem": {"qty": 2}} if method == "PUT" else None
    status, raw = await call(
        legacy, method, f"guest-carts/{mask}/items/{foreign['item_id']}", json_body=body
    )
    error = json.loads(raw)
    assert (status, error["message"]) == (404, "The %1 Cart doesn't contain the %2 item.")
    assert list(error) == ["message", "parameters"]
    cart_ref, item_ref = error["parameters"]  # positional placeholders: a JSON array
    # The cart is named by its internal id; PHP passes it uncast, so compare it loosely.
    assert str(cart_ref) == str(quote_id_of(magento_db, mask))
    assert item_ref == foreign["item_id"]
    [row] = item_rows(magento_db, quote_id_of(magento_db, other))
    assert row["qty"] == Decimal(1)


@pytest.mark.parametrize(
    "method", [pytest.param("PUT", id="update"), pytest.param("DELETE", id="delete")]
)
async def test_non_numeric_item_id_is_400_type_error(legacy: Client, method: str) -> None:
    mask = await new_guest_cart(legacy)
    body = {"cartItem": {"qty": 2}} if method == "PUT" else None
    answer = await call(legacy, method, f"guest-carts/{mask}/items/abc", json_body=body)
    assert answer == (
        400,
        b'{"message":"The \\"abc\\" value\'s type is invalid. The \\"int\\" '
        b'type was expected. Verify and try again."}',
    )


async def test_malformed_json_is_400_decoding_error(legacy: Client) -> None:
    mask = await new_guest_cart(legacy)
    answer = await call(legacy, "POST", f"guest-carts/{mask}/items", raw=b'{"cartItem": {"sku"')
    assert answer == (400, b'{"message":"Decoding error."}')


async def test_configurable_parent_needs_options(legacy: Client, magento_db: MagentoDb) -> None:
    rows = query(
        magento_db,
        "SELECT sku FROM catalog_product_entity "
        "WHERE type_id = 'configurable' ORDER BY entity_id LIMIT 1",
    )
    assert rows, "the session catalog has no configurable product"
    mask = await new_guest_cart(legacy)
    answer = await add_item(legacy, mask, rows[0]["sku"], 1)
    assert answer == (400, b'{"message":"You need to choose options for your item."}')
    assert item_rows(magento_db, quote_id_of(magento_db, mask)) == []


async def test_qty_above_stock_is_not_available(legacy: Client, magento_db: MagentoDb) -> None:
    product = simple(magento_db)
    stock = int(product["stock"])
    mask = await new_guest_cart(legacy)
    answer = await add_item(legacy, mask, product["sku"], stock + 1)
    assert answer == (400, b'{"message":"The requested qty is not available"}')
    assert item_rows(magento_db, quote_id_of(magento_db, mask)) == []


async def test_merge_above_stock_is_refused_and_keeps_the_line(
    legacy: Client, magento_db: MagentoDb
) -> None:
    product = simple(magento_db)
    stock = int(product["stock"])
    mask = await new_guest_cart(legacy)
    await added(legacy, mask, product["sku"], stock - 1)
    answer = await add_item(legacy, mask, product["sku"], 2)
    assert answer == (400, b'{"message":"The requested qty is not available"}')
    [row] = item_rows(magento_db, quote_id_of(magento_db, mask))
    assert row["qty"] == Decimal(stock - 1)
