"""A third-party Magento client, unchanged, against the running legacy service.

`pymagento` (PyPI; import name `magento`) is a synchronous `requests` client written for real
Magento stores. Each test runs its calls in a worker thread (`asyncio.to_thread`) while the
test's event loop serves the legacy app on its real socket (`legacy`). What it gets back is
checked against the database the service reads (and the Luma CSVs where they are loaded), not
just for success. pymagento's default scope is `all` (`/rest/all/V1/...`, admin store 0);
`scope="default"` sends no store segment (`/rest/V1/...`, the default store view): tests run
in both.
"""

from __future__ import annotations

import asyncio
import csv
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
from magento import Magento, make_field_value_query, make_search_query
from magento.exceptions import MagentoException

from scripts.stack import catalog as catalogs

T = TypeVar("T")
SCOPES = [pytest.param("all", id="scope-all"), pytest.param("default", id="scope-default")]
GUEST = "not-a-token"
PRODUCT = 4  # eav_entity_type ids
CATEGORY = 3


def client(legacy: Any, token: str, scope: str) -> Magento:
    """pymagento as its users build it: token, base URL, scope."""
    return Magento(
        token=token, base_url=str(legacy.make_url("")), scope=scope, user_agent="strangler-tests"
    )


async def blocking(call: Callable[[], T]) -> T:
    """Run a blocking client call off the loop that serves the legacy app."""
    return await asyncio.to_thread(call)


# pymagento raises MagentoException from its POST/PUT/DELETE helpers and requests' HTTPError
# from `get_json_api` (api_session's raise_for_response); both carry the response.
ClientError = (MagentoException, requests.HTTPError)


def refusal(call: Callable[[], Any]) -> tuple[int, dict[str, Any]]:
    """The status and Magento error body of a call that must fail."""
    try:
        call()
    except ClientError as exc:
        assert exc.response is not None
        return exc.response.status_code, exc.response.json()
    raise AssertionError("the call succeeded")


# ---------------------------------------------------------------- the database as oracle


class Db:
    """Read-only lookups on the catalog the service serves, with store-view fallback."""

    def __init__(self, magento_db: Any) -> None:
        self.magento_db = magento_db

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self.magento_db.connect() as conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def store_id(self, scope: str) -> int:
        code = "admin" if scope == "all" else scope
        return int(self.rows("SELECT store_id FROM store WHERE code = %s", (code,))[0]["store_id"])

    def attribute(self, entity_type: int, code: str) -> tuple[int, str]:
        row = self.rows(
            "SELECT attribute_id, backend_type FROM eav_attribute "
            "WHERE entity_type_id = %s AND attribute_code = %s",
            (entity_type, code),
        )[0]
        return int(row["attribute_id"]), str(row["backend_type"])

    def values(self, entity_type: int, code: str, store_id: int) -> dict[int, Any]:
        """entity_id -> the attribute's value in `store_id`, falling back to store 0."""
        table = "catalog_product_entity" if entity_type == PRODUCT else "catalog_category_entity"
        attribute_id, backend = self.attribute(entity_type, code)
        rows = self.rows(
            f"SELECT entity_id, store_id, value FROM {table}_{backend} "
            "WHERE attribute_id = %s AND store_id IN (0, %s) ORDER BY store_id",
            (attribute_id, store_id),
        )
        out: dict[int, Any] = {}
        for r in rows:  # store 0 first, the store's own value overrides it
            if r["value"] is not None or int(r["store_id"]) == 0:
                out[int(r["entity_id"])] = r["value"]
        return out

    def products(self) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT entity_id, sku, type_id, attribute_set_id "
            "FROM catalog_product_entity ORDER BY entity_id"
        )

    def cart_skus(self, count: int) -> list[tuple[str, Decimal, str]]:
        """Simple, enabled, stocked products without a special price: (sku, price, name)."""
        special, _ = self.attribute(PRODUCT, "special_price")
        status = self.values(PRODUCT, "status", 0)
        names = self.values(PRODUCT, "name", 0)
        prices = self.values(PRODUCT, "price", 0)
        rows = self.rows(
            "SELECT e.entity_id, e.sku FROM catalog_product_entity e "
            "JOIN cataloginventory_stock_item s ON s.product_id = e.entity_id "
            "JOIN catalog_product_website w ON w.product_id = e.entity_id AND w.website_id = 1 "
            "WHERE e.type_id = 'simple' AND s.is_in_stock = 1 AND s.qty >= 100 "
            "AND NOT EXISTS (SELECT 1 FROM catalog_product_entity_decimal d "
            "  WHERE d.entity_id = e.entity_id AND d.attribute_id = %s) "
            "ORDER BY e.entity_id",
            (special,),
        )
        found = [
            (r["sku"], Decimal(prices[r["entity_id"]]), names[r["entity_id"]])
            for r in rows
            if status.get(r["entity_id"]) == 1 and prices.get(r["entity_id"])
        ]
        # distinct prices, so a mixed-up line shows in the totals
        chosen: list[tuple[str, Decimal, str]] = []
        for sku, price, name in found:
            if all(price != p for _, p, _ in chosen):
                chosen.append((sku, price, name))
        return chosen[:count]


@pytest.fixture
def db(magento_db: Any) -> Db:
    return Db(magento_db)


def like(pattern: str) -> re.Pattern[str]:
    """SQL LIKE under a case-insensitive collation, as a regex."""
    parts = (".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def money(value: Decimal) -> float:
    return float(value)


# ---------------------------------------------------------------- products


def _expected_product(db: Db, sku: str, store_id: int) -> dict[str, Any]:
    row = next(p for p in db.products() if p["sku"].lower() == sku.lower())
    eid = int(row["entity_id"])
    price = db.values(PRODUCT, "price", store_id).get(eid)
    expected: dict[str, Any] = {
        "id": eid,
        "sku": row["sku"],
        "name": db.values(PRODUCT, "name", store_id)[eid],
        "attribute_set_id": int(row["attribute_set_id"]),
        "status": int(db.values(PRODUCT, "status", store_id)[eid]),
        "visibility": int(db.values(PRODUCT, "visibility", store_id)[eid]),
        "type_id": row["type_id"],
    }
    if price is not None:
        expected["price"] = float(price)
    elif row["type_id"] == "configurable":
        expected["price"] = 0  # Configurable Price::getPrice with no child selected
    return expected


def _sample_skus(db: Db) -> list[str]:
    products = db.products()
    by_type: dict[str, str] = {}
    for p in products:
        by_type.setdefault(p["type_id"], p["sku"])
    return sorted(by_type.values())


@pytest.mark.parametrize("scope", SCOPES)
async def test_get_product_matches_the_database(
    legacy: Any, admin_token: str, db: Db, scope: str
) -> None:
    store_id = db.store_id(scope)
    skus = _sample_skus(db)
    m = client(legacy, admin_token, scope)

    products = await blocking(lambda: [m.get_product(sku) for sku in skus])

    assert len(skus) >= 2
    for sku, product in zip(skus, products, strict=True):
        assert product is not None, sku
        expected = _expected_product(db, sku, store_id)
        assert {k: product.get(k) for k in expected} == expected
        ext = product["extension_attributes"]
        eid = expected["id"]
        websites = db.rows(
            "SELECT website_id FROM catalog_product_website WHERE product_id = %s", (eid,)
        )
        assert sorted(ext["website_ids"]) == sorted(int(w["website_id"]) for w in websites)
        links = db.rows(
            "SELECT category_id FROM catalog_category_product WHERE product_id = %s", (eid,)
        )
        assert sorted(link["category_id"] for link in ext.get("category_links", [])) == sorted(
            str(r["category_id"]) for r in links
        )
        stock = db.rows(
            "SELECT qty, is_in_stock FROM cataloginventory_stock_item WHERE product_id = %s", (eid,)
        )[0]
        assert ext["stock_item"]["qty"] == float(stock["qty"])
        assert ext["stock_item"]["is_in_stock"] is bool(stock["is_in_stock"])
        attrs = {a["attribute_code"]: a["value"] for a in product["custom_attributes"]}
        assert attrs["url_key"] == db.values(PRODUCT, "url_key", store_id)[eid]
        assert sorted(attrs["category_ids"]) == sorted(str(r["category_id"]) for r in links)


async def test_get_product_is_case_insensitive_and_echoes_the_stored_sku(
    legacy: Any, admin_token: str, db: Db
) -> None:
    sku = _sample_skus(db)[0]
    m = client(legacy, admin_token, "all")
    product = await blocking(lambda: m.get_product(sku.lower()))
    assert product is not None
    assert product["sku"] == sku


async def test_unknown_sku_is_none(legacy: Any, admin_token: str) -> None:
    m = client(legacy, admin_token, "all")
    missing, by_id = await blocking(
        lambda: (m.get_product("fz-no-such-sku"), m.get_product_by_id(10**9))
    )
    assert missing is None
    assert by_id is None


LUMA_BAGS = (
    "magento2-sample-data/app/code/Magento/CatalogSampleData/fixtures/SimpleProduct/"
    "products_gear_bags.csv"
)


@pytest.mark.usefixtures("requires_luma")
async def test_products_match_the_luma_csv(
    legacy: Any, admin_token: str, sample_root: Path
) -> None:
    with (sample_root / LUMA_BAGS).open(newline="", encoding="utf-8") as f:
        bags = list(csv.DictReader(f))
    m = client(legacy, admin_token, "default")

    products = await blocking(lambda: [m.get_product(row["sku"]) for row in bags])

    assert len(bags) >= 10
    for row, product in zip(bags, products, strict=True):
        assert product is not None, row["sku"]
        assert (product["sku"], product["name"], product["price"], product["type_id"]) == (
            row["sku"],
            row["name"],
            float(row["price"]),
            "simple",
        )
        assert product["extension_attributes"]["stock_item"]["qty"] == float(row["qty"])
    joust = next(p for p in products if p and p["sku"] == "24-MB01")
    assert joust["name"] == "Joust Duffle Bag"
    assert joust["price"] == 34


def _search_oracle(
    db: Db, store_id: int, patterns: list[str], type_id: str, min_price: Decimal
) -> list[str]:
    """(sku LIKE a OR sku LIKE b) AND type_id = t AND price > p, by price DESC then id."""
    prices = db.values(PRODUCT, "price", store_id)
    regexes = [like(p) for p in patterns]
    hits = [
        p
        for p in db.products()
        if any(r.fullmatch(p["sku"]) for r in regexes)
        and p["type_id"] == type_id
        and prices.get(p["entity_id"]) is not None
        and Decimal(prices[p["entity_id"]]) > min_price
    ]
    hits.sort(key=lambda p: (-Decimal(prices[p["entity_id"]]), p["entity_id"]))
    return [p["sku"] for p in hits]


@pytest.mark.parametrize("scope", SCOPES)
async def test_get_products_with_filters_and_sort(
    legacy: Any, admin_token: str, db: Db, scope: str
) -> None:
    skus = [p["sku"] for p in db.products()]
    patterns = [skus[0][:4] + "%", skus[len(skus) // 2][:3] + "_%"]
    prices = sorted(Decimal(v) for v in db.values(PRODUCT, "price", 0).values() if v)
    floor = prices[len(prices) // 4]
    query = make_search_query(
        [
            [("sku", patterns[0], "like"), ("sku", patterns[1], "like")],
            [("type_id", "simple", None)],
            [("price", str(floor), "gt")],
        ],
        sort_orders=[("price", "desc")],
    )
    expected = _search_oracle(db, db.store_id(scope), patterns, "simple", floor)
    m = client(legacy, admin_token, scope)

    everything, paged, first3, trimmed = await blocking(
        lambda: (
            list(m.get_products(query=query)),
            list(m.get_products(query=query, page_size=2)),  # many small pages
            list(m.get_products(query=query, limit=3)),
            list(m.get_products(query=query, fields="sku,price")),
        )
    )

    assert len(expected) >= 3, expected
    assert [p["sku"] for p in everything] == expected
    assert [p["sku"] for p in paged] == expected
    assert [p["sku"] for p in first3] == expected[:3]
    assert [p["sku"] for p in trimmed] == expected
    assert all(set(p) == {"sku", "price"} for p in trimmed)
    assert [p["price"] for p in trimmed] == [p["price"] for p in everything]
    assert all(float(floor) < p["price"] for p in trimmed)
    assert [p["price"] for p in trimmed] == sorted((p["price"] for p in trimmed), reverse=True)


async def test_get_product_by_id_and_search_errors(legacy: Any, admin_token: str, db: Db) -> None:
    first = db.products()[0]
    m = client(legacy, admin_token, "all")

    found, error = await blocking(
        lambda: (
            m.get_product_by_id(int(first["entity_id"])),
            refusal(
                lambda: m.get_json_api("/V1/products", params={"searchCriteria[pageSize]": "many"})
            ),
        )
    )
    assert found is not None
    assert found["sku"] == first["sku"]
    assert error == (
        400,
        {
            "message": 'The "many" value\'s type is invalid. The "int" type was '
            "expected. Verify and try again."
        },
    )


# ---------------------------------------------------------------- categories


def _categories(db: Db, store_id: int) -> dict[int, dict[str, Any]]:
    names = db.values(CATEGORY, "name", store_id)
    active = db.values(CATEGORY, "is_active", store_id)
    return {
        int(r["entity_id"]): {
            **r,
            "name": names.get(int(r["entity_id"])),
            "is_active": active.get(int(r["entity_id"])),
        }
        for r in db.rows(
            "SELECT entity_id, parent_id, path, position, level "
            "FROM catalog_category_entity ORDER BY entity_id"
        )
    }


@pytest.mark.parametrize("scope", SCOPES)
async def test_get_categories_by_path_prefix(
    legacy: Any, admin_token: str, db: Db, scope: str
) -> None:
    known = _categories(db, db.store_id(scope))
    root = "1/2"
    m = client(legacy, admin_token, scope)

    with_root, without_root, under_root = await blocking(
        lambda: (
            list(m.get_categories(path_prefix=root)),
            list(m.get_categories(path_prefix=root + "/")),
            list(m.get_categories_under_root(root_category_id=2)),
        )
    )

    below = [i for i, c in known.items() if c["path"].startswith(root + "/")]
    assert len(below) >= 3
    assert [c["id"] for c in with_root] == sorted([2, *below])
    assert [c["id"] for c in without_root] == sorted(below)
    assert [c["id"] for c in under_root] == sorted(below)
    for c in with_root:
        row = known[c["id"]]
        assert (c["parent_id"], c["path"], c["level"], c["position"]) == (
            row["parent_id"],
            row["path"],
            row["level"],
            row["position"],
        )
        assert c["name"] == row["name"]


@pytest.mark.parametrize("scope", SCOPES)
async def test_get_category(legacy: Any, admin_token: str, db: Db, scope: str) -> None:
    known = _categories(db, db.store_id(scope))
    parent = next(
        i
        for i, c in sorted(known.items())
        if c["level"] == 2 and any(k["parent_id"] == i for k in known.values())
    )
    m = client(legacy, admin_token, scope)

    category, missing = await blocking(lambda: (m.get_category(parent), m.get_category(999_999)))

    assert missing is None
    assert category is not None
    row = known[parent]
    assert category["id"] == parent
    assert category["name"] == row["name"]
    assert category["parent_id"] == row["parent_id"]
    assert category["path"] == row["path"]
    assert category["level"] == row["level"]
    assert category["is_active"] is bool(int(row["is_active"]))
    children = {i for i, c in known.items() if c["parent_id"] == parent}
    assert set(map(int, category["children"].split(","))) == children


# ---------------------------------------------------------------- guest cart


def _quote(db: Db, quote_id: int) -> dict[str, Any]:
    return db.rows("SELECT * FROM quote WHERE entity_id = %s", (quote_id,))[0]


def _quote_items(db: Db, quote_id: int) -> list[dict[str, Any]]:
    return db.rows(
        "SELECT item_id, sku, qty, price, row_total FROM quote_item "
        "WHERE quote_id = %s AND parent_item_id IS NULL ORDER BY item_id",
        (quote_id,),
    )


@pytest.mark.parametrize("scope", SCOPES)
async def test_guest_cart_flow(legacy: Any, db: Db, scope: str) -> None:
    (sku1, price1, name1), (sku2, price2, _) = db.cart_skus(2)
    # pymagento insists on a token; one that isn't valid makes the caller a guest, as in Magento
    m = client(legacy, GUEST, scope)
    steps: dict[str, Any] = {}

    def flow() -> None:
        mask = steps["mask"] = m.post_json_api("/V1/guest-carts")
        base = f"/V1/guest-carts/{mask}"
        steps["first"] = m.post_json_api(
            f"{base}/items", json={"cartItem": {"sku": sku1, "qty": 2, "quote_id": mask}}
        )
        steps["second"] = m.post_json_api(
            f"{base}/items", json={"cart_item": {"sku": sku2, "qty": 1}}
        )
        steps["merged"] = m.post_json_api(
            f"{base}/items", json={"cartItem": {"sku": sku1.lower(), "qty": 1}}
        )
        second_id = steps["second"]["item_id"]
        steps["updated"] = m.put_json_api(
            f"{base}/items/{second_id}", json={"cartItem": {"qty": 4, "quote_id": mask}}
        )
        steps["totals_before"] = m.get_json_api(f"{base}/totals")
        steps["deleted"] = m.delete_json_api(f"{base}/items/{steps['first']['item_id']}")
        steps["items"] = m.get_json_api(f"{base}/items")
        steps["totals"] = m.get_json_api(f"{base}/totals")
        steps["cart"] = m.get_json_api(base)

    await blocking(flow)

    mask = steps["mask"]
    assert isinstance(mask, str)
    assert re.fullmatch(r"[A-Za-z0-9]{32}", mask)
    quote_id = int(
        db.rows("SELECT quote_id FROM quote_id_mask WHERE masked_id = %s", (mask,))[0]["quote_id"]
    )
    first, second, merged, updated = (steps[k] for k in ("first", "second", "merged", "updated"))
    assert (first["sku"], first["qty"], first["price"], first["name"], first["product_type"]) == (
        sku1,
        2,
        money(price1),
        name1,
        "simple",
    )
    assert first["quote_id"] == str(quote_id)
    assert (second["sku"], second["qty"], second["price"]) == (sku2, 1, money(price2))
    assert second["item_id"] != first["item_id"]
    # the same SKU again merges into its line
    assert (merged["item_id"], merged["sku"], merged["qty"]) == (first["item_id"], sku1, 3)
    assert (updated["item_id"], updated["qty"]) == (second["item_id"], 4)

    before = steps["totals_before"]
    subtotal_before = price1 * 3 + price2 * 4
    assert before["subtotal"] == money(subtotal_before)
    assert before["grand_total"] == money(subtotal_before)
    assert before["items_qty"] == 7
    assert [(i["item_id"], i["qty"], i["row_total"]) for i in before["items"]] == [
        (first["item_id"], 3, money(price1 * 3)),
        (second["item_id"], 4, money(price2 * 4)),
    ]

    assert steps["deleted"] is True
    items = steps["items"]
    assert [(i["item_id"], i["sku"], i["qty"], i["price"]) for i in items] == [
        (second["item_id"], sku2, 4, money(price2))
    ]
    assert items[0]["quote_id"] == mask  # GET guest items shows the masked id
    totals = steps["totals"]
    assert totals["subtotal"] == money(price2 * 4)
    assert totals["base_subtotal"] == money(price2 * 4)
    assert totals["grand_total"] == money(price2 * 4)
    assert totals["items_qty"] == 4
    segments = {s["code"]: s["value"] for s in totals["total_segments"]}
    assert segments["subtotal"] == money(price2 * 4)
    assert segments["grand_total"] == money(price2 * 4)
    cart = steps["cart"]
    assert (cart["id"], cart["items_count"], cart["items_qty"], cart["is_active"]) == (
        quote_id,
        1,
        4,
        True,
    )
    assert cart["customer"] == {"email": None, "firstname": None, "lastname": None}

    # what the service wrote is what it answered
    quote = _quote(db, quote_id)
    assert (int(quote["items_count"]), Decimal(quote["items_qty"])) == (1, 4)
    assert Decimal(quote["subtotal"]) == price2 * 4
    assert Decimal(quote["grand_total"]) == price2 * 4
    assert quote["customer_id"] is None
    rows = _quote_items(db, quote_id)
    assert [(r["item_id"], r["sku"], Decimal(r["qty"]), Decimal(r["row_total"])) for r in rows] == [
        (second["item_id"], sku2, 4, price2 * 4)
    ]


async def test_guest_cart_errors_reach_the_client(legacy: Any) -> None:
    m = client(legacy, GUEST, "all")

    def calls() -> tuple[Any, tuple[int, dict[str, Any]], MagentoException]:
        missing = m.get_json_api("/V1/guest-carts/fz-unknown-mask")  # 404 -> None
        unknown = refusal(
            lambda: m.get_json_api("/V1/guest-carts/fz-unknown-mask", none_on_404=False)
        )
        mask = m.post_json_api("/V1/guest-carts")
        try:
            m.post_json_api(
                f"/V1/guest-carts/{mask}/items",
                json={"cartItem": {"sku": "fz-no-such-sku", "qty": 1}},
            )
        except MagentoException as exc:
            return missing, unknown, exc
        raise AssertionError("an unknown SKU was added")

    missing, unknown, error = await blocking(calls)
    assert missing is None
    assert unknown == (
        404,
        {
            "message": "No such entity with %fieldName = %fieldValue",
            "parameters": {"fieldName": "cartId", "fieldValue": None},
        },
    )
    # pymagento's own exception for POST helpers
    assert error.message == (
        "The product that was requested doesn't exist. Verify the product and try again."
    )
    assert str(error).startswith("The product that was requested doesn't exist.")
    assert error.response is not None
    assert error.response.status_code == 404


# ---------------------------------------------------------------- customer cart


@pytest.mark.parametrize("scope", SCOPES)
async def test_customer_cart_flow(
    legacy: Any, customer_token: str, admin_token: str, db: Db, scope: str
) -> None:
    (sku1, price1, _), (sku2, price2, _) = db.cart_skus(2)
    me = client(legacy, customer_token, scope)
    admin = client(legacy, admin_token, scope)
    steps: dict[str, Any] = {}

    def flow() -> None:
        steps["me"] = me.get_current_customer()
        cart_id = steps["cart_id"] = me.post_json_api("/V1/carts/mine")
        # the demo customer's cart may hold lines from earlier tests: start empty
        for line in me.get_json_api("/V1/carts/mine/items"):
            assert me.delete_json_api(f"/V1/carts/mine/items/{line['item_id']}") is True
        steps["again"] = me.post_json_api("/V1/carts/mine")
        steps["first"] = me.post_json_api(
            "/V1/carts/mine/items", json={"cartItem": {"sku": sku1, "qty": 1, "quote_id": cart_id}}
        )
        steps["second"] = me.post_json_api(
            "/V1/carts/mine/items", json={"cartItem": {"sku": sku2, "qty": 2}}
        )
        steps["updated"] = me.put_json_api(
            f"/V1/carts/mine/items/{steps['first']['item_id']}", json={"cartItem": {"qty": 5}}
        )
        steps["deleted"] = me.delete_json_api(f"/V1/carts/mine/items/{steps['second']['item_id']}")
        steps["cart"] = me.get_json_api("/V1/carts/mine")
        steps["totals"] = me.get_json_api("/V1/carts/mine/totals")
        steps["admin_view"] = admin.get_cart(cart_id)
        steps["admin_refused"] = refusal(lambda: admin.get_json_api("/V1/carts/mine"))
        # leave the demo customer's cart empty for whoever comes next
        assert me.delete_json_api(f"/V1/carts/mine/items/{steps['first']['item_id']}") is True
        steps["emptied"] = me.get_json_api("/V1/carts/mine/totals")

    await blocking(flow)

    customer = db.rows(
        "SELECT entity_id, email, firstname, lastname, group_id, website_id "
        "FROM customer_entity WHERE email = %s",
        (catalogs.DEMO_CUSTOMER.email,),
    )[0]
    me_json = steps["me"]
    assert (
        me_json["id"],
        me_json["email"],
        me_json["firstname"],
        me_json["lastname"],
        me_json["group_id"],
        me_json["website_id"],
    ) == (
        customer["entity_id"],
        customer["email"],
        customer["firstname"],
        customer["lastname"],
        customer["group_id"],
        customer["website_id"],
    )

    cart_id = steps["cart_id"]
    assert isinstance(cart_id, int)
    assert steps["again"] == cart_id  # POST carts/mine returns the active cart
    quote = _quote(db, cart_id)
    assert (quote["customer_id"], quote["is_active"]) == (customer["entity_id"], 1)

    first, second, updated = steps["first"], steps["second"], steps["updated"]
    assert (first["sku"], first["qty"], first["price"], first["quote_id"]) == (
        sku1,
        1,
        money(price1),
        str(cart_id),
    )
    assert (second["sku"], second["qty"], second["price"]) == (sku2, 2, money(price2))
    assert (updated["item_id"], updated["qty"]) == (first["item_id"], 5)
    assert steps["deleted"] is True

    cart = steps["cart"]
    assert cart["id"] == cart_id
    assert cart["customer"]["email"] == customer["email"]
    assert cart["customer"]["id"] == customer["entity_id"]
    assert [(i["item_id"], i["sku"], i["qty"]) for i in cart["items"]] == [
        (first["item_id"], sku1, 5)
    ]
    assert (cart["items_count"], cart["items_qty"]) == (1, 5)
    totals = steps["totals"]
    assert totals["subtotal"] == money(price1 * 5)
    assert totals["grand_total"] == money(price1 * 5)
    assert totals["items_qty"] == 5
    assert [(i["item_id"], i["price"], i["qty"], i["row_total"]) for i in totals["items"]] == [
        (first["item_id"], money(price1), 5, money(price1 * 5))
    ]
    assert steps["admin_view"]["id"] == cart_id
    assert steps["admin_view"]["items_qty"] == 5

    assert steps["admin_refused"] == (
        401,
        {
            "message": "The consumer isn't authorized to access %resources.",
            "parameters": {"resources": "self"},
        },
    )

    emptied = steps["emptied"]
    assert (emptied["subtotal"], emptied["grand_total"], emptied["items_qty"]) == (0, 0, 0)
    assert emptied["items"] == []
    assert _quote_items(db, cart_id) == []


async def test_customer_token_cannot_read_the_catalog(legacy: Any, customer_token: str) -> None:
    me = client(legacy, customer_token, "all")

    error = await blocking(
        lambda: refusal(lambda: list(me.get_products(query=make_field_value_query("sku", "x"))))
    )
    assert error == (
        401,
        {
            "message": "The consumer isn't authorized to access %resources.",
            "parameters": {"resources": "Magento_Catalog::products"},
        },
    )
