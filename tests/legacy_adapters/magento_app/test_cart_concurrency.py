"""Concurrent writes to one cart over real HTTP: the quote row lock must serialise them.

Each add reads the cart's lines, decides merge-or-insert and writes; without the
`SELECT ... FOR UPDATE` on the quote row two requests read the same lines and both insert (or both
add to the same old quantity), so these tests fail with duplicate lines or lost quantities.
"""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

from tests.conftest import MagentoDb
from tests.legacy_adapters.magento_app.test_customer_carts import customer_quotes, insert_customer
from tests.legacy_adapters.magento_app.test_guest_carts import (
    Client,
    add_item,
    call,
    item_rows,
    money,
    new_guest_cart,
    ok,
    plain_simples,
    quote_id_of,
    quote_row,
    r2,
)

REQUESTS = 20


async def test_concurrent_adds_of_one_sku_merge_into_one_line(
    legacy: Client, magento_db: MagentoDb
) -> None:
    product = plain_simples(magento_db, cents=True)[0]
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    answers = await asyncio.gather(
        *(add_item(legacy, mask, product["sku"], 1) for _ in range(REQUESTS))
    )
    assert [status for status, _ in answers] == [200] * REQUESTS, answers
    lines = [json.loads(raw) for _, raw in answers]
    # Serialised adds each see the previous one: every intermediate quantity exactly once.
    assert sorted(line["qty"] for line in lines) == list(range(1, REQUESTS + 1))
    assert {line["item_id"] for line in lines} == {lines[0]["item_id"]}
    [row] = item_rows(magento_db, quote_id)
    assert (row["item_id"], row["qty"]) == (lines[0]["item_id"], Decimal(REQUESTS))
    subtotal = r2(r2(product["price"]) * REQUESTS)
    assert row["row_total"] == subtotal
    quote = quote_row(magento_db, quote_id)
    assert (quote["items_count"], quote["items_qty"], quote["subtotal"], quote["grand_total"]) == (
        1,
        Decimal(REQUESTS),
        subtotal,
        subtotal,
    )
    totals = await ok(legacy, "GET", f"guest-carts/{mask}/totals")
    assert (money(totals["subtotal"]), totals["items_qty"]) == (subtotal, REQUESTS)


async def test_concurrent_adds_of_different_skus_keep_every_line(
    legacy: Client, magento_db: MagentoDb
) -> None:
    products = plain_simples(magento_db)[:REQUESTS]
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    answers = await asyncio.gather(*(add_item(legacy, mask, p["sku"], 2) for p in products))
    assert [status for status, _ in answers] == [200] * len(products), answers
    rows = item_rows(magento_db, quote_id)
    assert sorted(r["sku"] for r in rows) == sorted(p["sku"] for p in products)
    assert all(r["qty"] == Decimal(2) for r in rows)
    subtotal = sum((r2(r2(p["price"]) * 2) for p in products), Decimal(0))
    quote = quote_row(magento_db, quote_id)
    assert (quote["items_count"], quote["items_qty"], quote["subtotal"]) == (
        len(products),
        Decimal(2 * len(products)),
        subtotal,
    )
    totals = await ok(legacy, "GET", f"guest-carts/{mask}/totals")
    assert (money(totals["grand_total"]), len(totals["items"])) == (subtotal, len(products))


async def test_concurrent_updates_and_adds_leave_consistent_totals(
    legacy: Client, magento_db: MagentoDb
) -> None:
    first, second = plain_simples(magento_db)[:2]
    mask = await new_guest_cart(legacy)
    quote_id = quote_id_of(magento_db, mask)
    status, raw = await add_item(legacy, mask, first["sku"], 1)
    assert status == 200, raw
    item_id = json.loads(raw)["item_id"]
    updates = (
        call(
            legacy, "PUT", f"guest-carts/{mask}/items/{item_id}", json_body={"cartItem": {"qty": q}}
        )
        for q in range(1, 11)
    )
    adds = (add_item(legacy, mask, second["sku"], 1) for _ in range(10))
    answers = await asyncio.gather(*updates, *adds)
    assert [status for status, _ in answers] == [200] * 20, answers
    rows = {r["sku"]: r for r in item_rows(magento_db, quote_id)}
    assert set(rows) == {first["sku"], second["sku"]}
    assert rows[second["sku"]]["qty"] == Decimal(10)
    assert rows[first["sku"]]["qty"] in {Decimal(q) for q in range(1, 11)}
    # the recollect after the last write saw every line as it ended up
    subtotal = sum((r["row_total"] for r in rows.values()), Decimal(0))
    for r in rows.values():
        assert r["row_total"] == r2(r["price"] * r["qty"])
    quote = quote_row(magento_db, quote_id)
    assert (quote["items_qty"], quote["subtotal"]) == (
        sum(r["qty"] for r in rows.values()),
        subtotal,
    )


async def test_concurrent_customer_cart_creates_answer_one_cart(
    legacy: Client, magento_db: MagentoDb, token_key: str
) -> None:
    """POST carts/mine returns the existing active cart (§5), even when the posts race."""
    shopper = insert_customer(magento_db, token_key)
    answers = await asyncio.gather(
        *(call(legacy, "POST", "carts/mine", token=shopper.token) for _ in range(10))
    )
    assert {status for status, _ in answers} == {200}, answers
    [quote] = customer_quotes(magento_db, shopper.customer_id)
    assert {raw for _, raw in answers} == {str(quote["entity_id"]).encode()}
