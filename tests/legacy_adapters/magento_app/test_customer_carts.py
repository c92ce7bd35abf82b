"""Customer carts (`carts/mine`), the admin cart read, assigning a guest cart (CONTRACT.md §4–§6).

Each test inserts a customer of its own (customer_entity row, token issued with the session key),
so "no active cart" really means none and nothing here touches roni_cost's cart.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from legacy_adapters.magento_wire import passwords, tokens
from tests.conftest import MagentoDb
from tests.legacy_adapters.magento_app.test_guest_carts import (
    CART_ITEM_KEYS,
    CART_KEYS,
    NO_SUCH_CART,
    Client,
    Row,
    added,
    address_rows,
    call,
    item_rows,
    money,
    new_guest_cart,
    ok,
    query,
    quote_id_of,
    quote_row,
    r2,
    simple,
)

CUSTOMER_KEYS = [  # §6 customer order; absent keys are null-and-omitted ones
    "id",
    "group_id",
    "default_billing",
    "default_shipping",
    "confirmation",
    "created_at",
    "updated_at",
    "created_in",
    "dob",
    "email",
    "firstname",
    "lastname",
    "middlename",
    "prefix",
    "suffix",
    "gender",
    "store_id",
    "taxvat",
    "website_id",
    "addresses",
    "disable_auto_group_change",
    "extension_attributes",
    "custom_attributes",
]
ADDRESS_KEYS = [  # §6 quote address order
    "id",
    "region",
    "region_id",
    "region_code",
    "country_id",
    "street",
    "company",
    "telephone",
    "fax",
    "postcode",
    "city",
    "firstname",
    "lastname",
    "middlename",
    "prefix",
    "suffix",
    "vat_id",
    "customer_id",
    "email",
    "same_as_billing",
    "customer_address_id",
    "save_in_address_book",
]
NOT_AUTHORIZED_SELF = (
    b'{"message":"The consumer isn\'t authorized to access %resources.",'
    b'"parameters":{"resources":"self"}}'
)
NO_ACTIVE_CART = b'{"message":"Current customer does not have an active cart."}'


@dataclass(frozen=True)
class Shopper:
    customer_id: int
    email: str
    token: str


def insert_customer(magento_db: MagentoDb, token_key: str) -> Shopper:
    email = f"cart-{secrets.token_hex(8)}@example.com"
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customer_entity (website_id, email, group_id, store_id, created_in, "
            "firstname, lastname, password_hash, is_active, disable_auto_group_change) "
            "VALUES (1, %s, 1, 1, 'Default Store View', 'Ada', 'Lovelace', %s, 1, 0)",
            (email, passwords.hash_password("cart-test-password-1")),
        )
        customer_id = int(cursor.lastrowid)
    token = tokens.issue(customer_id, tokens.UserType.CUSTOMER, key=token_key, now=int(time.time()))
    return Shopper(customer_id, email, token)


@pytest.fixture
def shopper(magento_db: MagentoDb, token_key: str) -> Shopper:
    """A customer of this test alone, without any cart."""
    return insert_customer(magento_db, token_key)


def customer_quotes(magento_db: MagentoDb, customer_id: int) -> list[Row]:
    return query(
        magento_db, "SELECT * FROM quote WHERE customer_id = %s ORDER BY entity_id", (customer_id,)
    )


def is_ordered_subset(keys: list[str], order: list[str]) -> bool:
    return [k for k in order if k in keys] == keys and set(keys) <= set(order)


async def mine(legacy: Client, shopper: Shopper, method: str, path: str = "", **kwargs: Any) -> Any:
    return await ok(legacy, method, f"carts/mine{path}", token=shopper.token, **kwargs)


async def add_mine(legacy: Client, shopper: Shopper, sku: str, qty: int) -> dict[str, Any]:
    line: dict[str, Any] = await mine(
        legacy, shopper, "POST", "/items", json_body={"cartItem": {"sku": sku, "qty": qty}}
    )
    return line


# ---------------------------------------------------------------- create


async def test_create_answers_an_int_and_then_the_same_cart(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper
) -> None:
    status, raw = await call(legacy, "POST", "carts/mine", token=shopper.token)
    assert status == 200
    assert re.fullmatch(rb"[1-9][0-9]*", raw), raw
    again = await call(legacy, "POST", "carts/mine", token=shopper.token)
    assert again == (200, raw)
    [quote] = customer_quotes(magento_db, shopper.customer_id)
    assert quote["entity_id"] == int(raw)


async def test_create_writes_a_customer_quote_without_mask(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper
) -> None:
    quote_id = await mine(legacy, shopper, "POST")
    quote = quote_row(magento_db, quote_id)
    expected = {
        "customer_id": shopper.customer_id,
        "customer_is_guest": 0,
        "is_active": 1,
        "store_id": 1,
        "customer_email": shopper.email,
        "customer_firstname": "Ada",
        "customer_lastname": "Lovelace",
        "customer_group_id": 1,
        "customer_tax_class_id": 3,
        "quote_currency_code": "USD",
    }
    assert {k: quote[k] for k in expected} == expected
    billing, shipping = address_rows(magento_db, quote_id)
    assert (billing["address_type"], billing["customer_id"], billing["email"]) == (
        "billing",
        shopper.customer_id,
        shopper.email,
    )
    assert (shipping["address_type"], shipping["same_as_billing"]) == ("shipping", 1)
    assert query(magento_db, "SELECT * FROM quote_id_mask WHERE quote_id = %s", (quote_id,)) == []


# ---------------------------------------------------------------- GET mine


async def test_get_mine_renders_the_full_customer(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper
) -> None:
    quote_id = await mine(legacy, shopper, "POST")
    body = await mine(legacy, shopper, "GET")
    assert list(body) == CART_KEYS
    assert (body["id"], body["customer_is_guest"], body["items"]) == (quote_id, False, [])
    customer = body["customer"]
    assert is_ordered_subset(list(customer), CUSTOMER_KEYS), list(customer)
    assert {
        k: customer[k]
        for k in (
            "id",
            "group_id",
            "email",
            "firstname",
            "lastname",
            "store_id",
            "website_id",
            "addresses",
        )
    } == {
        "id": shopper.customer_id,
        "group_id": 1,
        "email": shopper.email,
        "firstname": "Ada",
        "lastname": "Lovelace",
        "store_id": 1,
        "website_id": 1,
        "addresses": [],
    }
    assert customer == await ok(legacy, "GET", "customers/me", token=shopper.token)
    billing = body["billing_address"]
    assert is_ordered_subset(list(billing), ADDRESS_KEYS), list(billing)
    assert (billing["customer_id"], billing["email"], billing["street"]) == (
        shopper.customer_id,
        shopper.email,
        [""],
    )


async def test_no_active_cart_get_mine_is_404_with_the_customer_id(
    legacy: Client, shopper: Shopper
) -> None:
    answer = await call(legacy, "GET", "carts/mine", token=shopper.token)
    assert answer == (
        404,
        b'{"message":"No such entity with %fieldName = %fieldValue",'
        b'"parameters":{"fieldName":"customerId","fieldValue":'
        + str(shopper.customer_id).encode()
        + b"}}",
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        pytest.param("GET", "carts/mine/items", None, id="get-items"),
        pytest.param("POST", "carts/mine/items", {"cartItem": {"sku": "x", "qty": 1}}, id="add"),
        pytest.param("PUT", "carts/mine/items/1", {"cartItem": {"qty": 1}}, id="update"),
        pytest.param("DELETE", "carts/mine/items/1", None, id="delete"),
        pytest.param("GET", "carts/mine/totals", None, id="totals"),
    ],
)
async def test_other_mine_routes_without_active_cart_are_404(
    legacy: Client, shopper: Shopper, method: str, path: str, body: Any
) -> None:
    answer = await call(legacy, method, path, json_body=body, token=shopper.token)
    assert answer == (404, NO_ACTIVE_CART)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "carts/mine", id="create"),
        pytest.param("GET", "carts/mine", id="get"),
        pytest.param("GET", "carts/mine/items", id="get-items"),
        pytest.param("POST", "carts/mine/items", id="add"),
        pytest.param("PUT", "carts/mine/items/1", id="update"),
        pytest.param("DELETE", "carts/mine/items/1", id="delete"),
        pytest.param("GET", "carts/mine/totals", id="totals"),
        pytest.param("PUT", "guest-carts/" + "A" * 32, id="assign-guest-cart"),
    ],
)
@pytest.mark.parametrize(
    "token", [pytest.param(None, id="no-token"), pytest.param("not-a-jwt", id="garbage-token")]
)
async def test_mine_routes_refuse_guests(
    legacy: Client, method: str, path: str, token: str | None
) -> None:
    body = {"cartItem": {"sku": "x", "qty": 1}} if method in ("POST", "PUT") else None
    answer = await call(legacy, method, path, json_body=body, token=token)
    assert answer == (401, NOT_AUTHORIZED_SELF)


# ---------------------------------------------------------------- items and totals


async def test_mine_items_flow_with_numeric_quote_ids(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper
) -> None:
    product = simple(magento_db, cents=True)
    quote_id = await mine(legacy, shopper, "POST")
    line = await add_mine(legacy, shopper, product["sku"], 2)
    [row] = item_rows(magento_db, quote_id)
    expected = {
        "item_id": row["item_id"],
        "sku": product["sku"],
        "qty": 2,
        "name": product["name"],
        "price": float(product["price"]),
        "product_type": "simple",
        "quote_id": str(quote_id),
    }
    assert line == expected
    assert list(line) == CART_ITEM_KEYS
    assert await mine(legacy, shopper, "GET", "/items") == [expected]
    updated = await mine(
        legacy, shopper, "PUT", f"/items/{row['item_id']}", json_body={"cartItem": {"qty": 5}}
    )
    assert updated == {**expected, "qty": 5}
    totals = await mine(legacy, shopper, "GET", "/totals")
    subtotal = r2(r2(product["price"]) * 5)
    assert (money(totals["subtotal"]), money(totals["grand_total"]), totals["items_qty"]) == (
        subtotal,
        subtotal,
        5,
    )
    assert item_rows(magento_db, quote_id)[0]["qty"] == Decimal(5)
    status, raw = await call(
        legacy, "DELETE", f"carts/mine/items/{row['item_id']}", token=shopper.token
    )
    assert (status, raw) == (200, b"true")
    assert item_rows(magento_db, quote_id) == []


async def test_mine_item_of_another_cart_is_404(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper
) -> None:
    product = simple(magento_db)
    quote_id = await mine(legacy, shopper, "POST")
    foreign = await added(legacy, await new_guest_cart(legacy), product["sku"], 1)
    status, raw = await call(
        legacy, "DELETE", f"carts/mine/items/{foreign['item_id']}", token=shopper.token
    )
    assert status == 404
    assert json.loads(raw) == {
        "message": "The %1 Cart doesn't contain the %2 item.",
        "parameters": [quote_id, foreign["item_id"]],
    }


# ---------------------------------------------------------------- admin


async def test_admin_reads_any_cart_by_id(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper, admin_token: str
) -> None:
    quote_id = await mine(legacy, shopper, "POST")
    await add_mine(legacy, shopper, simple(magento_db)["sku"], 1)
    as_admin = await ok(legacy, "GET", f"carts/{quote_id}", token=admin_token)
    assert as_admin == await mine(legacy, shopper, "GET")


@pytest.mark.parametrize(
    "who", [pytest.param("guest", id="no-token"), pytest.param("customer", id="customer-token")]
)
async def test_admin_cart_read_needs_cart_manage(
    legacy: Client, shopper: Shopper, who: str
) -> None:
    quote_id = await mine(legacy, shopper, "POST")
    token = shopper.token if who == "customer" else None
    answer = await call(legacy, "GET", f"carts/{quote_id}", token=token)
    assert answer == (
        401,
        b'{"message":"The consumer isn\'t authorized to access '
        b'%resources.","parameters":{"resources":"Magento_Cart::manage"}}',
    )


async def test_admin_unknown_cart_is_404_with_the_id(legacy: Client, admin_token: str) -> None:
    answer = await call(legacy, "GET", "carts/2147483000", token=admin_token)
    assert answer == (
        404,
        b'{"message":"No such entity with %fieldName = %fieldValue",'
        b'"parameters":{"fieldName":"cartId","fieldValue":2147483000}}',
    )


# ---------------------------------------------------------------- assigning a guest cart


async def assign(
    legacy: Client, mask: str, shopper: Shopper, body: dict[str, Any] | None = None
) -> tuple[int, bytes]:
    return await call(
        legacy,
        "PUT",
        f"guest-carts/{mask}",
        token=shopper.token,
        json_body=body if body is not None else {"storeId": 1},
    )


async def test_assign_makes_the_guest_cart_the_customers(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper
) -> None:
    product = simple(magento_db)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    await added(legacy, mask, product["sku"], 2)
    assert await assign(legacy, mask, shopper) == (200, b"true")
    quote = quote_row(magento_db, quote_id)
    assert (
        quote["customer_id"],
        quote["customer_is_guest"],
        quote["is_active"],
        quote["customer_email"],
    ) == (shopper.customer_id, 0, 1, shopper.email)
    assert query(magento_db, "SELECT * FROM quote_id_mask WHERE quote_id = %s", (quote_id,)) == []
    billing = address_rows(magento_db, quote_id)[0]
    assert (billing["customer_id"], billing["email"]) == (shopper.customer_id, shopper.email)
    body = await mine(legacy, shopper, "GET")
    assert (body["id"], body["customer_is_guest"], body["items_qty"]) == (quote_id, False, 2)
    assert body["customer"]["id"] == shopper.customer_id


async def test_assign_merges_and_deactivates_the_previous_cart(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper
) -> None:
    shared, mine_only, guest_only = (simple(magento_db, i) for i in range(3))
    previous_id = await mine(legacy, shopper, "POST")
    await add_mine(legacy, shopper, shared["sku"], 2)
    await add_mine(legacy, shopper, mine_only["sku"], 1)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    await added(legacy, mask, shared["sku"], 1)
    await added(legacy, mask, guest_only["sku"], 3)
    assert await assign(legacy, mask, shopper) == (200, b"true")
    assert quote_row(magento_db, previous_id)["is_active"] == 0
    [active] = [q for q in customer_quotes(magento_db, shopper.customer_id) if q["is_active"]]
    assert active["entity_id"] == quote_id
    quantities = {shared["sku"]: 3, mine_only["sku"]: 1, guest_only["sku"]: 3}
    rows = item_rows(magento_db, quote_id)
    assert {r["sku"]: r["qty"] for r in rows} == quantities
    assert len(rows) == 3
    body = await mine(legacy, shopper, "GET")
    assert body["id"] == quote_id
    assert {i["sku"]: i["qty"] for i in body["items"]} == quantities
    assert (body["items_count"], body["items_qty"]) == (3, 7)
    prices = {p["sku"]: p["price"] for p in (shared, mine_only, guest_only)}
    subtotal = sum((r2(r2(prices[s]) * q) for s, q in quantities.items()), Decimal(0))
    totals = await mine(legacy, shopper, "GET", "/totals")
    assert (money(totals["subtotal"]), money(totals["grand_total"]), totals["items_qty"]) == (
        subtotal,
        subtotal,
        7,
    )
    assert quote_row(magento_db, quote_id)["subtotal"] == subtotal
    # Quote::merge copies: the deactivated cart keeps its own lines
    kept = {r["sku"]: r["qty"] for r in item_rows(magento_db, previous_id)}
    assert kept == {shared["sku"]: 2, mine_only["sku"]: 1}


async def test_assign_takes_the_customer_from_the_token(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper, token_key: str
) -> None:
    other = insert_customer(magento_db, token_key)
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    answer = await assign(legacy, mask, shopper, {"customerId": other.customer_id, "storeId": 1})
    assert answer == (200, b"true")
    assert quote_row(magento_db, quote_id)["customer_id"] == shopper.customer_id
    assert customer_quotes(magento_db, other.customer_id) == []


async def test_assigned_mask_no_longer_resolves(legacy: Client, shopper: Shopper) -> None:
    mask = await new_guest_cart(legacy)
    assert await assign(legacy, mask, shopper) == (200, b"true")
    assert await assign(legacy, mask, shopper) == (404, NO_SUCH_CART)
    assert await call(legacy, "GET", f"guest-carts/{mask}") == (404, NO_SUCH_CART)


async def test_assigning_a_customer_cart_is_refused(
    legacy: Client, magento_db: MagentoDb, shopper: Shopper, token_key: str
) -> None:
    owner = insert_customer(magento_db, token_key)
    owned_id = await mine(legacy, owner, "POST")
    mask = "".join(secrets.choice("abcdefghijkLMNOPQRSTUVWXYZ0123456789") for _ in range(32))
    with magento_db.connect() as conn, conn.cursor() as cursor:  # a stale mask on a customer cart
        cursor.execute(
            "INSERT INTO quote_id_mask (quote_id, masked_id) VALUES (%s, %s)", (owned_id, mask)
        )
    answer = await assign(legacy, mask, shopper)
    assert answer == (
        400,
        b'{"message":"The customer can\'t be assigned to the cart because '
        b"the cart isn't anonymous.\"}",
    )
    assert quote_row(magento_db, owned_id)["customer_id"] == owner.customer_id
