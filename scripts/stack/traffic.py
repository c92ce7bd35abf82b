"""Shopper traffic for the demo: product reads and whole guest-cart flows through the proxy.

How this works: `play(rest, admin_credentials)` signs in as the demo admin (product reads need
an admin token in Magento), reads `products` SKUs one by one and runs `carts` guest-cart flows
(create, add two items, read, update a quantity, remove a line, totals) — the requests a
storefront makes — and returns what it sent per kind. Plain urllib: the demo needs no client.

`inject_price_bug()` makes the candidate (the stand-in for the new services) answer one
product's price one unit higher than legacy, so the divergence dashboard has a real difference
to show; it is idempotent (the candidate's price is set from legacy's, not shifted).
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from collections.abc import Callable
from typing import Any

from scripts.stack.servers import MySQLAddress
from scripts.stack.stack import http_json

PRICE = """
SELECT e.sku, d.value AS price FROM catalog_product_entity e
JOIN eav_attribute a ON a.attribute_code = 'price'
  AND a.entity_type_id = (SELECT entity_type_id FROM eav_entity_type
                          WHERE entity_type_code = 'catalog_product')
JOIN catalog_product_entity_decimal d
  ON d.entity_id = e.entity_id AND d.attribute_id = a.attribute_id AND d.store_id = 0
WHERE e.type_id = 'simple' AND d.value > 0
ORDER BY e.entity_id LIMIT 1
"""
SET_PRICE = """
UPDATE catalog_product_entity_decimal d
JOIN catalog_product_entity e ON e.entity_id = d.entity_id
JOIN eav_attribute a ON a.attribute_id = d.attribute_id AND a.attribute_code = 'price'
SET d.value = %s WHERE e.sku = %s AND d.store_id = 0
"""


def call(url: str, method: str = "GET", body: Any = None, token: str | None = None) -> Any:
    return http_json(url, method=method, token=token, body=body, timeout=30)


def inject_price_bug(address: MySQLAddress, legacy_db: str, candidate_db: str) -> str:
    """Candidate's price of the first simple product := legacy's + 1; returns its SKU."""
    with address.connect(legacy_db) as conn, conn.cursor() as cursor:
        cursor.execute(PRICE)
        sku, price = cursor.fetchone()
    with address.connect(candidate_db) as conn, conn.cursor() as cursor:
        cursor.execute(SET_PRICE, (price + 1, sku))
    return str(sku)


def _skus(rest: str, token: str, count: int, first: str | None) -> list[str]:
    query = urllib.parse.urlencode(
        {
            "searchCriteria[filter_groups][0][filters][0][field]": "type_id",
            "searchCriteria[filter_groups][0][filters][0][value]": "simple",
            "searchCriteria[pageSize]": str(count),
        }
    )
    found = [p["sku"] for p in call(f"{rest}/products?{query}", token=token)["items"]]
    return ([first] if first else []) + [s for s in found if s != first][: count - 1]


def play(
    rest: str,
    admin: dict[str, str],
    *,
    products: int = 40,
    carts: int = 3,
    first_sku: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Counter[str]:
    """Send a storefront's worth of requests through `rest`; counts per kind of request."""
    sent: Counter[str] = Counter()
    token = call(f"{rest}/integration/admin/token", "POST", admin)
    skus = _skus(rest, token, max(products, 2), first_sku)
    for sku in skus:
        call(f"{rest}/products/{urllib.parse.quote(sku, safe='')}", token=token)
        sent["product read"] += 1
    progress(f"traffic: {len(skus)} product reads")
    for n in range(carts):
        pair = [skus[(2 * n) % len(skus)], skus[(2 * n + 1) % len(skus)]]
        sent.update(_cart_flow(rest, pair))
    progress(f"traffic: {carts} guest-cart flows")
    return sent


def _cart_flow(rest: str, skus: list[str]) -> Counter[str]:
    sent: Counter[str] = Counter()
    mask = call(f"{rest}/guest-carts", "POST", {})
    base = f"{rest}/guest-carts/{mask}"
    items = []
    for sku in skus:
        line = call(f"{base}/items", "POST", {"cartItem": {"sku": sku, "qty": 1, "quote_id": mask}})
        items.append(line["item_id"])
    call(base)
    call(f"{base}/items/{items[0]}", "PUT", {"cartItem": {"qty": 2, "quote_id": mask}})
    call(f"{base}/items/{items[-1]}", "DELETE")
    call(f"{base}/totals")
    sent["cart request"] += 3 + len(skus) + 2
    return sent
