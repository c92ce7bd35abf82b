"""Cart totals (`GET guest-carts/{mask}/totals`): shape (CONTRACT.md §8) and arithmetic (§9).

Expected amounts are computed here from the product prices stored in the catalog, with Magento's
rounding (`row = r2(r2(price) × qty)`, `subtotal = Σ row`, half-up on decimals), and compared to
the cent with both the wire answer and the quote, quote_item and quote_address rows.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import MagentoDb
from tests.legacy_adapters.magento_app.test_guest_carts import (
    Client,
    Row,
    added,
    address_rows,
    call,
    item_rows,
    money,
    new_guest_cart,
    ok,
    plain_simples,
    query,
    quote_id_of,
    quote_row,
    r2,
    simple,
)

EMPTY_TOTALS_KEYS = [
    "grand_total",
    "base_grand_total",
    "subtotal",
    "base_subtotal",
    "discount_amount",
    "base_discount_amount",
    "subtotal_with_discount",
    "base_subtotal_with_discount",
    "shipping_amount",
    "base_shipping_amount",
    "tax_amount",
    "base_tax_amount",
    "weee_tax_applied_amount",
    "subtotal_incl_tax",
    "base_currency_code",
    "quote_currency_code",
    "items_qty",
    "items",
    "total_segments",
]
FILLED_TOTALS_KEYS = [
    "grand_total",
    "base_grand_total",
    "subtotal",
    "base_subtotal",
    "discount_amount",
    "base_discount_amount",
    "subtotal_with_discount",
    "base_subtotal_with_discount",
    "shipping_amount",
    "base_shipping_amount",
    "shipping_discount_amount",
    "base_shipping_discount_amount",
    "tax_amount",
    "base_tax_amount",
    "weee_tax_applied_amount",
    "shipping_tax_amount",
    "base_shipping_tax_amount",
    "subtotal_incl_tax",
    "shipping_incl_tax",
    "base_shipping_incl_tax",
    "base_currency_code",
    "quote_currency_code",
    "items_qty",
    "items",
    "total_segments",
]
SHIPPING_KEYS = {
    "shipping_discount_amount",
    "base_shipping_discount_amount",
    "shipping_tax_amount",
    "base_shipping_tax_amount",
    "shipping_incl_tax",
    "base_shipping_incl_tax",
}
TOTALS_ITEM_KEYS = [
    "item_id",
    "price",
    "base_price",
    "qty",
    "row_total",
    "base_row_total",
    "row_total_with_discount",
    "tax_amount",
    "base_tax_amount",
    "tax_percent",
    "discount_amount",
    "base_discount_amount",
    "discount_percent",
    "price_incl_tax",
    "base_price_incl_tax",
    "row_total_incl_tax",
    "base_row_total_incl_tax",
    "options",
    "weee_tax_applied_amount",
    "weee_tax_applied",
    "name",
]
# A JSON number with a zero fraction (`34.0`, `0.00`) right after a key, or inside an array.
ZERO_FRACTION = re.compile(rb"[:\[,]-?\d+\.0+[,}\]]")


def totals_item(item_id: int, price: Decimal, qty: int, name: str) -> dict[str, Any]:
    """§8 TotalsItem of a simple line without tax or discounts (§9 step 3)."""
    row = r2(r2(price) * qty)
    return {
        "item_id": item_id,
        "price": float(price),
        "base_price": float(price),
        "qty": qty,
        "row_total": float(row),
        "base_row_total": float(row),
        "row_total_with_discount": 0,
        "tax_amount": 0,
        "base_tax_amount": 0,
        "tax_percent": 0,
        "discount_amount": 0,
        "base_discount_amount": 0,
        "discount_percent": 0,
        "price_incl_tax": float(price),
        "base_price_incl_tax": float(price),
        "row_total_incl_tax": float(row),
        "base_row_total_incl_tax": float(row),
        "options": "[]",
        "weee_tax_applied_amount": None,
        "weee_tax_applied": None,
        "name": name,
    }


def segments(subtotal: Decimal) -> list[dict[str, Any]]:
    return [
        {"code": "subtotal", "title": "Subtotal", "value": float(subtotal)},
        {"code": "shipping", "title": "Shipping & Handling", "value": 0},
        {
            "code": "tax",
            "title": "Tax",
            "value": 0,
            "extension_attributes": {"tax_grandtotal_details": []},
        },
        {"code": "grand_total", "title": "Grand Total", "value": float(subtotal), "area": "footer"},
    ]


def totals(
    subtotal: Decimal, items_qty: int, items: list[dict[str, Any]], *, filled: bool = True
) -> dict[str, Any]:
    """§8 totals of a simple cart: no tax, shipping, discount (§9 steps 4 and 6)."""
    s = float(subtotal)
    out: dict[str, Any] = {
        "grand_total": s,
        "base_grand_total": s,
        "subtotal": s,
        "base_subtotal": s,
        "discount_amount": 0,
        "base_discount_amount": 0,
        "subtotal_with_discount": s,
        "base_subtotal_with_discount": s,
        "shipping_amount": 0,
        "base_shipping_amount": 0,
        "shipping_discount_amount": 0,
        "base_shipping_discount_amount": 0,
        "tax_amount": 0,
        "base_tax_amount": 0,
        "weee_tax_applied_amount": None,
        "shipping_tax_amount": 0,
        "base_shipping_tax_amount": 0,
        "subtotal_incl_tax": s,
        "shipping_incl_tax": 0,
        "base_shipping_incl_tax": 0,
        "base_currency_code": "USD",
        "quote_currency_code": "USD",
        "items_qty": items_qty,
        "items": items,
        "total_segments": segments(subtotal),
    }
    if not filled:
        out = {k: v for k, v in out.items() if k not in SHIPPING_KEYS}
    return out


def cent_prices(magento_db: MagentoDb, count: int) -> list[Row]:
    """Up to `count` products with distinct fractional prices (e.g. 32.5, 56.25, 56.99)."""
    seen: dict[Decimal, Row] = {}
    for row in plain_simples(magento_db, cents=True):
        seen.setdefault(row["price"], row)
    assert len(seen) >= 2, "the catalog needs two fractional prices"
    return list(seen.values())[:count]


async def filled_cart(legacy: Client, lines: list[tuple[Row, int]]) -> str:
    mask = await new_guest_cart(legacy)
    for product, qty in lines:
        await added(legacy, mask, product["sku"], qty)
    return mask


# ---------------------------------------------------------------- shape


async def test_never_filled_cart_has_zero_totals_without_the_shipping_keys(legacy: Client) -> None:
    mask = await new_guest_cart(legacy)
    status, raw = await call(legacy, "GET", f"guest-carts/{mask}/totals")
    assert status == 200, raw
    body = json.loads(raw)
    assert list(body) == EMPTY_TOTALS_KEYS
    assert body == totals(Decimal(0), 0, [], filled=False)


async def test_filled_cart_has_every_totals_key_in_interface_order(
    legacy: Client, magento_db: MagentoDb
) -> None:
    mask = await filled_cart(legacy, [(simple(magento_db), 1)])
    body = await ok(legacy, "GET", f"guest-carts/{mask}/totals")
    assert list(body) == FILLED_TOTALS_KEYS
    assert [list(i) for i in body["items"]] == [TOTALS_ITEM_KEYS]
    assert [list(s) for s in body["total_segments"]] == [
        ["code", "title", "value"],
        ["code", "title", "value"],
        ["code", "title", "value", "extension_attributes"],
        ["code", "title", "value", "area"],
    ]


@pytest.mark.parametrize("qty", [pytest.param(1, id="one"), pytest.param(3, id="three")])
async def test_totals_bytes_render_whole_amounts_without_fraction(
    legacy: Client, magento_db: MagentoDb, qty: int
) -> None:
    product = simple(magento_db, cents=False)
    mask = await filled_cart(legacy, [(product, qty)])
    status, raw = await call(legacy, "GET", f"guest-carts/{mask}/totals")
    assert status == 200
    assert ZERO_FRACTION.search(raw) is None, raw
    whole = int(product["price"]) * qty
    assert f'"grand_total":{whole},"base_grand_total":{whole},'.encode() in raw
    assert b'"options":"[]"' in raw


async def test_empty_totals_bytes_have_no_zero_fraction(legacy: Client) -> None:
    mask = await new_guest_cart(legacy)
    status, raw = await call(legacy, "GET", f"guest-carts/{mask}/totals")
    assert status == 200
    assert ZERO_FRACTION.search(raw) is None, raw
    assert raw.startswith(b'{"grand_total":0,"base_grand_total":0,"subtotal":0,')


# ---------------------------------------------------------------- arithmetic


async def test_cents_prices_sum_to_the_cent(legacy: Client, magento_db: MagentoDb) -> None:
    products = cent_prices(magento_db, 3)
    lines = list(zip(products, [3, 7, 2], strict=False))
    mask = await filled_cart(legacy, lines)
    rows = item_rows(magento_db, quote_id_of(magento_db, mask))
    expected_items = [
        totals_item(row["item_id"], product["price"], qty, product["name"])
        for row, (product, qty) in zip(rows, lines, strict=True)
    ]
    subtotal = sum((r2(r2(p["price"]) * q) for p, q in lines), Decimal(0))
    body = await ok(legacy, "GET", f"guest-carts/{mask}/totals")
    assert body == totals(subtotal, sum(q for _, q in lines), expected_items)
    assert money(body["grand_total"]) == subtotal  # exact decimal, not merely a close float


async def test_collected_totals_are_written_to_the_rows(
    legacy: Client, magento_db: MagentoDb
) -> None:
    products = cent_prices(magento_db, 2)
    lines = [(products[0], 5), (products[1], 3)]
    mask = await filled_cart(legacy, lines)
    quote_id = quote_id_of(magento_db, mask)
    rows = item_rows(magento_db, quote_id)
    for row, (product, qty) in zip(rows, lines, strict=True):
        row_total = r2(r2(product["price"]) * qty)
        assert (row["qty"], row["price"], row["base_price"]) == (
            qty,
            product["price"],
            product["price"],
        )
        assert (row["row_total"], row["base_row_total"], row["row_total_incl_tax"]) == (
            row_total,
            row_total,
            row_total,
        )
        assert (row["price_incl_tax"], row["tax_amount"], row["discount_amount"]) == (
            product["price"],
            0,
            0,
        )
    subtotal = sum((r2(r2(p["price"]) * q) for p, q in lines), Decimal(0))
    billing, shipping = address_rows(magento_db, quote_id)
    assert (
        shipping["subtotal"],
        shipping["base_subtotal"],
        shipping["grand_total"],
        shipping["base_grand_total"],
        shipping["subtotal_with_discount"],
        shipping["subtotal_incl_tax"],
    ) == (subtotal,) * 6
    # a non-virtual quote's billing address stays at 0 (§13.7)
    assert (billing["subtotal"], billing["grand_total"]) == (0, 0)
    quote = quote_row(magento_db, quote_id)
    assert (quote["items_count"], quote["items_qty"]) == (2, 8)
    assert (
        quote["subtotal"],
        quote["base_subtotal"],
        quote["subtotal_with_discount"],
        quote["grand_total"],
        quote["base_grand_total"],
    ) == (subtotal,) * 5


async def test_totals_follow_update_and_delete(legacy: Client, magento_db: MagentoDb) -> None:
    first, second = cent_prices(magento_db, 2)
    mask = await new_guest_cart(legacy)
    kept = await added(legacy, mask, first["sku"], 1)
    dropped = await added(legacy, mask, second["sku"], 4)
    await ok(
        legacy,
        "PUT",
        f"guest-carts/{mask}/items/{kept['item_id']}",
        json_body={"cartItem": {"qty": 6}},
    )
    await ok(legacy, "DELETE", f"guest-carts/{mask}/items/{dropped['item_id']}")
    body = await ok(legacy, "GET", f"guest-carts/{mask}/totals")
    subtotal = r2(r2(first["price"]) * 6)
    assert body == totals(
        subtotal, 6, [totals_item(kept["item_id"], first["price"], 6, first["name"])]
    )
    quote = quote_row(magento_db, quote_id_of(magento_db, mask))
    assert (quote["items_count"], quote["items_qty"], quote["grand_total"]) == (1, 6, subtotal)


def special_product(magento_db: MagentoDb, sku: str) -> tuple[Decimal, Decimal, str]:
    """The stored price, special price and name of `sku` (store 0)."""
    rows = query(
        magento_db,
        """
        SELECT a.attribute_code, d.value FROM catalog_product_entity e
        JOIN catalog_product_entity_decimal d ON d.entity_id = e.entity_id AND d.store_id = 0
        JOIN eav_attribute a ON a.attribute_id = d.attribute_id
        WHERE e.sku = %s AND a.attribute_code IN ('price', 'special_price')""",
        (sku,),
    )
    values = {r["attribute_code"]: r["value"] for r in rows}
    [name] = query(
        magento_db,
        """
        SELECT v.value FROM catalog_product_entity e
        JOIN catalog_product_entity_varchar v ON v.entity_id = e.entity_id AND v.store_id = 0
        JOIN eav_attribute a ON a.attribute_id = v.attribute_id
          AND a.attribute_code = 'name' AND a.entity_type_id = 4
        WHERE e.sku = %s""",
        (sku,),
    )
    dates = query(
        magento_db,
        """
        SELECT 1 FROM catalog_product_entity e
        JOIN catalog_product_entity_datetime d ON d.entity_id = e.entity_id
        JOIN eav_attribute a ON a.attribute_id = d.attribute_id
        WHERE e.sku = %s AND a.attribute_code IN ('special_from_date', 'special_to_date')""",
        (sku,),
    )
    assert dates == [], "the special price is meant to be always active"
    return values["price"], values["special_price"], name["value"]


@pytest.mark.usefixtures("requires_luma")
async def test_special_price_is_the_line_price(legacy: Client, magento_db: MagentoDb) -> None:
    price, special, name = special_product(magento_db, "24-WB05")
    assert special < price  # Luma: price 32, special price 24
    cents = cent_prices(magento_db, 1)[0]
    mask = await new_guest_cart(legacy)
    line = await added(legacy, mask, "24-WB05", 3)
    assert line["price"] == float(special)
    other = await added(legacy, mask, cents["sku"], 2)
    body = await ok(legacy, "GET", f"guest-carts/{mask}/totals")
    subtotal = r2(special * 3) + r2(r2(cents["price"]) * 2)
    assert body == totals(
        subtotal,
        5,
        [
            totals_item(line["item_id"], special, 3, name),
            totals_item(other["item_id"], cents["price"], 2, cents["name"]),
        ],
    )
    rows = item_rows(magento_db, quote_id_of(magento_db, mask))
    assert [(r["price"], r["row_total"]) for r in rows] == [
        (special, r2(special * 3)),
        (cents["price"], r2(r2(cents["price"]) * 2)),
    ]
