"""Shopper traffic for the demo: catalog reads and whole guest-cart flows through the proxy.

How this works: `play(rest, admin_credentials)` signs in as the demo admin (catalog reads need
an admin token in Magento), reads `products` SKUs one by one, runs the storefront's catalog
searches (`SEARCHES`: filters, sorts, pages) and category reads (`CATEGORY_READS`), and runs
`carts` guest-cart flows (create, add two items, read, update a quantity, remove a line,
totals) — the requests a storefront makes — and returns what it sent per kind. Plain urllib:
the demo needs no client. The same search and category sets are what the catalog cutover's
parity test sends for every product, so the demo shows what CI proves.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from legacy_adapters.magento_client import search_query
from scripts.stack.services import http_json


def criteria(
    groups: Sequence[Sequence[tuple[str, str, str]]],
    sorts: Sequence[tuple[str, str]] = (),
    size: int | None = None,
    page: int | None = None,
) -> str:
    """A searchCriteria query string: filter groups of (field, value, condition), sorts, page."""
    return urllib.parse.urlencode(
        search_query(groups, sort_orders=sorts, page_size=size, current_page=page)
    )


SEARCHES = [  # what a storefront and its integrations ask the catalog, as query strings
    criteria([[("type_id", "configurable", "eq")]], [("price", "ASC")], 10),
    criteria([[("price", "50", "gt")], [("visibility", "4", "eq")]], [("price", "DESC")], 12, 2),
    criteria([[("name", "%Tee%", "like")]], [("name", "ASC")], 20),
    criteria([[("sku", "24-MB01,24-MB04,24-WG080,no-such-sku", "in")]]),
    criteria([[("category_id", "3", "eq")]], [("created_at", "DESC")], 5),
    criteria([[("sku", "MH%", "like"), ("sku", "WJ%", "like")]], [("sku", "ASC")], 15, 3),
    criteria([[("price", "20", "from")], [("price", "40", "to")]], [("price", "ASC")], 8),
    criteria([[("status", "1", "eq")]], [], 30, 70),  # past the last page
    criteria([[("color", "49", "eq")]], [("name", "DESC")], 6),
    criteria([[("special_price", "", "notnull")]], [("price", "ASC")], 10),
]
CATEGORY_READS = [
    "categories",
    "categories?depth=1",
    "categories?rootCategoryId=20",
    "categories/3",
    "categories/list?" + criteria([[("level", "2", "eq")]], [("position", "ASC")]),
    "categories/list?" + criteria([[("name", "%Men%", "like")]], [], 5),
]


def call(url: str, method: str = "GET", body: Any = None, token: str | None = None) -> Any:
    return http_json(url, method=method, token=token, body=body, timeout=30)


def _skus(rest: str, token: str, count: int, first: str | None) -> list[str]:
    query = criteria([[("type_id", "simple", "eq")]], size=count)
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
    token = admin_token(rest, admin)
    skus = _skus(rest, token, max(products, 3), first_sku)
    for sku in skus:
        read_product(rest, sku, token)
        sent["product read"] += 1
    progress(f"traffic: {len(skus)} product reads")
    for path in [f"products?{q}" for q in SEARCHES] + CATEGORY_READS:
        # a Luma category absent from a generated catalog: Magento's error is compared too
        with contextlib.suppress(urllib.error.HTTPError):
            call(f"{rest}/{path}", token=token)
        sent["catalog search" if path.startswith("products") else "category read"] += 1
    progress(f"traffic: {len(SEARCHES)} product searches, {len(CATEGORY_READS)} category reads")
    shelf = skus[1:] if first_sku else skus  # the first SKU's price is the demo's to change
    for n in range(carts):
        pair = [shelf[(2 * n) % len(shelf)], shelf[(2 * n + 1) % len(shelf)]]
        sent.update(_cart_flow(rest, pair))
    progress(f"traffic: {carts} guest-cart flows")
    return sent


def admin_token(rest: str, admin: dict[str, str]) -> str:
    return str(call(f"{rest}/integration/admin/token", "POST", admin))


def read_product(rest: str, sku: str, token: str) -> Any:
    return call(f"{rest}/products/{urllib.parse.quote(sku, safe='')}", token=token)


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
