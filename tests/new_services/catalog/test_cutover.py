"""The catalog cutover, for real: the repository's routes.yaml in a real `strangler serve`.

Three real processes (tests/new_services/catalog/cutover.py): the legacy service on the
session's Magento catalog answers; the catalog service, on the new catalog the ETL filled from
that same database, gets a copy of every catalog read. Every product SKU of the catalog, the
storefront's searches and category reads (the demo's own set), and Magento's error answers go
through the proxy; the proxy's own comparison — with the compare rules routes.yaml declares for
these routes, nothing added by the test — must find no divergence at all.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from typing import Any

import aiohttp

from scripts.stack import traffic
from tests.new_services.catalog.cutover import CATALOG_ROUTES, Cutover
from tests.strangler.served import ServedProxy

ERROR_READS = [  # Magento's errors are answers too: both sides must give the same ones
    "products/no-such-sku-anywhere",
    "products?searchCriteria[filter_groups][0][filters][0][field]=no_such_attribute"
    "&searchCriteria[filter_groups][0][filters][0][value]=1",
    "products?searchCriteria[pageSize]=abc",
    "categories/999999",
]


def all_skus(magento_db: Any) -> list[str]:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT sku FROM catalog_product_entity ORDER BY entity_id")
        return [str(r["sku"]) for r in cursor.fetchall()]


async def _send(proxy: ServedProxy, paths_: list[str], token: str) -> dict[int, int]:
    """GET every path through the proxy, 16 at a time; how many answers per status."""
    statuses: dict[int, int] = {}
    queue = iter(paths_)
    headers = {"Authorization": f"Bearer {token}"}

    async def worker(http: aiohttp.ClientSession) -> None:
        for path in queue:
            async with http.get(f"{proxy.url}/rest/V1/{path}", headers=headers) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(worker(http) for _ in range(16)))
    return statuses


async def _compared(proxy: ServedProxy, want: dict[str, int]) -> dict[str, Any]:
    """Poll the admin API (off the loop the services live on) until every copy is compared."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + 120
    while True:
        _, body = await asyncio.to_thread(proxy.admin, "/stats?window=1h")
        rows = {r["route_id"]: r for r in body["routes"]}
        if all(rows.get(route, {}).get("shadowed", 0) >= n for route, n in want.items()):
            return rows
        assert loop.time() < give_up, f"comparisons still missing: {rows}"
        await asyncio.sleep(0.2)


async def test_every_sku_search_and_category_read_shadows_without_divergence(
    cutover: Cutover, magento_db: Any, admin_token: str
) -> None:
    proxy = cutover.proxy
    skus = all_skus(magento_db)
    products = [f"products/{urllib.parse.quote(sku, safe='')}" for sku in skus]
    searches = [f"products?{q}" for q in traffic.SEARCHES] + ERROR_READS[1:3]
    categories = traffic.CATEGORY_READS + ERROR_READS[3:]
    statuses = await _send(proxy, [*products, ERROR_READS[0], *searches, *categories], admin_token)
    assert statuses.get(200, 0) >= len(products) + len(traffic.SEARCHES), statuses
    rows = await _compared(
        proxy,
        {
            "catalog-product": len(products) + 1,
            "catalog-search": len(searches),
            "catalog-categories": len(categories),
        },
    )
    for route in CATALOG_ROUTES:
        row = rows[route]
        assert row["mismatch"] == 0 and row["error"] == 0, (route, row, _examples(proxy, route))
        assert row["match"] == row["shadowed"], (route, row)
    assert rows["catalog-product"]["shadowed"] == len(skus) + 1


def _examples(proxy: ServedProxy, route: str) -> list[Any]:
    _, body = proxy.admin(f"/divergences?route={route}")
    return [(d["path"], d["differences"][:3]) for d in body["divergences"][:5]]
