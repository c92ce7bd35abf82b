"""Stateful shadowing end to end: a whole guest-cart flow through the proxy with writes shadowed.

Two real legacy services on two real databases loaded with the same catalog stand on each side:
legacy is the session's database, "new" a database of its own whose quote tables start at
different ids, so every id the flow mints (masked cart id, quote id, item ids) differs between
the sides exactly as it will between Magento and the new cart service. With the correlations
and the justified ignore rules of the flow the comparison finds nothing; change one product's
price on the new side and it finds that, on the routes and fields that carry it, and nothing else.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import web

from legacy_adapters.magento_app.app import make_app
from scripts.stack import catalog as catalogs
from scripts.stack.servers import MariaDB
from strangler.sinks import ShadowResult
from tests.conftest import MagentoDb
from tests.legacy_adapters.magento_app.test_guest_carts import PLAIN_SIMPLES
from tests.strangler.conftest import ProxyUnderTest, routes_yaml

ID_OFFSET = 50_000  # the new side's quote, item and address ids start this far above legacy's

CORRELATIONS = """\
correlations:
  cartId:                        # the masked id POST /guest-carts answers with
    from: response.body
    on: {method: POST, path: "/rest/V1/guest-carts"}
    param: cartId
    fields: [quote_id]           # GET .../items answers quote_id = the mask
  itemId:
    from: response.body.item_id
    on: {method: POST, path: "/rest/V1/guest-carts/{cartId}/items"}
    param: itemId
  quoteId:                       # the numeric quote id: item quote_id on POST, the cart's id
    from: response.body.quote_id
    on: {method: POST, path: "/rest/V1/guest-carts/{cartId}/items"}
    fields: [quote_id, "$.id"]
"""
FLOW_ROUTES = """\
- id: guest-cart-create
  match: {methods: [POST], path: "/rest/V1/guest-carts"}
  new: new
  mode: shadow
  shadow: {writes: true}
  correlate: [cartId]
- id: guest-cart-item
  match: {path: "/rest/V1/guest-carts/{cartId}/items/{itemId}"}
  new: new
  mode: shadow
  shadow: {writes: true}
  correlate: [cartId, itemId, quoteId]
  compare: &cart-compare
    ignore:
      - $.created_at             # two writes, two clocks: the second may tick between them
      - $.updated_at
      - $.billing_address.id     # address rows are created with the cart, never named by a request
      - $.extension_attributes.shipping_assignments[*].shipping.address.id
- id: guest-cart
  match: {path: "/rest/V1/guest-carts/{cartId}/**"}
  new: new
  mode: shadow
  shadow: {writes: true}
  correlate: [cartId, itemId, quoteId]
  compare: *cart-compare
"""


def flow_routes(legacy_url: str, new_url: str) -> str:
    return routes_yaml({"legacy": legacy_url, "new": new_url}, FLOW_ROUTES, CORRELATIONS)


def plain_simples(db: MagentoDb, count: int) -> list[tuple[str, Decimal]]:
    with db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(PLAIN_SIMPLES + " ORDER BY e.entity_id LIMIT %s", (count,))
        return [(row["sku"], Decimal(row["price"])) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def new_db(mariadb: MariaDB, catalog_choice: catalogs.CatalogChoice) -> Iterator[MagentoDb]:
    """The new side's database: the same catalog, its quote tables minting different ids."""
    name = f"new_{secrets.token_hex(6)}"
    report = catalogs.load_into(mariadb.address, name, catalog_choice.catalog)
    db = MagentoDb(mariadb.address, name, report, catalog_choice)
    with db.connect() as conn, conn.cursor() as cursor:
        for table in ("quote", "quote_item", "quote_address", "quote_id_mask"):
            cursor.execute(f"ALTER TABLE `{table}` AUTO_INCREMENT = {ID_OFFSET}")
    yield db
    with mariadb.address.connect() as conn, conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
async def new_side(
    new_db: MagentoDb, token_key: str, aiohttp_server: Callable[..., Any]
) -> tuple[str, MagentoDb]:
    """A second legacy service on the new side's database."""
    server = await aiohttp_server(make_app(new_db.settings(token_key)))
    return f"http://127.0.0.1:{server.port}", new_db


@pytest.fixture
async def legacy_url(
    magento_db: MagentoDb, token_key: str, aiohttp_server: Callable[..., Any]
) -> str:
    server = await aiohttp_server(make_app(magento_db.settings(token_key)))
    return f"http://127.0.0.1:{server.port}"


async def cart_flow(proxy: ProxyUnderTest, skus: list[str]) -> str:
    """A shopper's guest cart: create, add, read, update, remove, totals. The legacy mask."""
    client = proxy.client
    created = await client.post("/rest/V1/guest-carts")
    assert created.status == 200, await created.text()
    mask = await created.json()
    base = f"/rest/V1/guest-carts/{mask}"
    item_ids = []
    for sku in skus:
        added = await client.post(
            f"{base}/items", json={"cartItem": {"sku": sku, "qty": 1, "quote_id": mask}}
        )
        assert added.status == 200, await added.text()
        item_ids.append((await added.json())["item_id"])
    for path in (base, f"{base}/items", f"{base}/totals"):
        assert (await client.get(path)).status == 200
    updated = await client.request(
        "PUT", f"{base}/items/{item_ids[0]}", json={"cartItem": {"qty": 3, "quote_id": mask}}
    )
    assert updated.status == 200, await updated.text()
    if len(item_ids) > 1:
        assert (await client.request("DELETE", f"{base}/items/{item_ids[-1]}")).status == 200
    for path in (base, f"{base}/items", f"{base}/totals"):
        assert (await client.get(path)).status == 200
    await proxy.drain()
    return str(mask)


def outcomes(results: list[ShadowResult]) -> list[tuple[str, str, str, list[str]]]:
    return [
        (
            r.route_id,
            f"{r.method} {r.path}",
            r.outcome,
            [d.path for d in r.divergence.differences] if r.divergence else [r.reason or ""],
        )
        for r in results
    ]


def new_side_cart(db: MagentoDb) -> list[tuple[str, float]]:
    """(sku, qty) of the newest cart on the new side, as its rows say."""
    with db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT sku, qty FROM quote_item WHERE quote_id = (SELECT MAX(entity_id) FROM quote)"
            " ORDER BY item_id"
        )
        return [(row["sku"], float(row["qty"])) for row in cursor.fetchall()]


async def test_a_whole_guest_cart_flow_shadows_without_divergence(
    make_proxy: Callable[..., Any],
    legacy_url: str,
    new_side: tuple[str, MagentoDb],
    magento_db: MagentoDb,
) -> None:
    proxy = await make_proxy(flow_routes(legacy_url, new_side[0]))
    skus = [sku for sku, _ in plain_simples(magento_db, 2)]
    mask = await cart_flow(proxy, skus)
    seen = outcomes(proxy.results.results)
    assert len(seen) == 11
    assert [o for o in seen if o[2] != "match"] == []
    # the copies really went to the other cart: the new side holds the flow's end state
    assert new_side_cart(new_side[1]) == [(skus[0], 3.0)]
    new_mask = proxy.shadow.ids.to_new("cartId", mask, now=proxy.shadow.clock())
    assert new_mask is not None and new_mask != mask
    # ...and what was excused was only what the rules name
    ignored = {d.path for r in proxy.results.results if r.divergence for d in r.divergence.ignored}
    assert ignored <= {
        "$.created_at",
        "$.updated_at",
        "$.billing_address.id",
        "$.extension_attributes.shipping_assignments[0].shipping.address.id",
    }, ignored


async def test_without_correlation_the_same_flow_diverges(
    make_proxy: Callable[..., Any],
    legacy_url: str,
    new_side: tuple[str, MagentoDb],
    magento_db: MagentoDb,
) -> None:
    """The control: the ids really differ, and only the correlations make the sides agree."""
    text = flow_routes(legacy_url, new_side[0])
    text = text.replace("correlate: [cartId, itemId, quoteId]", "correlate: []")
    text = text.replace("correlate: [cartId]", "correlate: []")
    proxy = await make_proxy(text)
    skus = [sku for sku, _ in plain_simples(magento_db, 2)]
    await cart_flow(proxy, skus)
    results = proxy.results.results
    assert results[0].outcome == "mismatch"  # two different masked ids
    assert all(r.outcome != "match" for r in results[1:]), outcomes(results)


async def test_a_price_bug_on_the_new_side_shows_on_exactly_the_fields_that_carry_it(
    make_proxy: Callable[..., Any],
    legacy_url: str,
    new_side: tuple[str, MagentoDb],
    magento_db: MagentoDb,
) -> None:
    (bad_sku, _), (good_sku, _) = plain_simples(magento_db, 2)
    shift_price(new_side[1], bad_sku, +1)
    try:
        await price_bug_is_caught(make_proxy, legacy_url, new_side[0], bad_sku, good_sku)
    finally:
        shift_price(new_side[1], bad_sku, -1)


def shift_price(db: MagentoDb, sku: str, delta: int) -> None:
    with db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_product_entity_decimal d JOIN catalog_product_entity e"
            " ON e.entity_id = d.entity_id JOIN eav_attribute a ON a.attribute_id = d.attribute_id"
            " SET d.value = d.value + %s WHERE e.sku = %s AND a.attribute_code = 'price'",
            (delta, sku),
        )


async def price_bug_is_caught(
    make_proxy: Callable[..., Any], legacy_url: str, new_url: str, bad_sku: str, good_sku: str
) -> None:
    proxy = await make_proxy(flow_routes(legacy_url, new_url))
    await cart_flow(proxy, [good_sku])  # a cart without the product: nothing to see
    clean = len(proxy.results.results)
    assert [o for o in outcomes(proxy.results.results) if o[2] != "match"] == []
    await cart_flow(proxy, [bad_sku, good_sku])
    flagged = {(o[0], o[1].split("/")[-1], tuple(o[3])) for o in
               outcomes(proxy.results.results[clean:]) if o[2] != "match"}  # fmt: skip
    money = {"price", "base_price", "row_total", "base_row_total", "price_incl_tax",
             "base_price_incl_tax", "row_total_incl_tax", "base_row_total_incl_tax",
             "subtotal", "base_subtotal", "grand_total", "base_grand_total",
             "subtotal_incl_tax", "base_subtotal_incl_tax", "subtotal_with_discount",
             "base_subtotal_with_discount", "value"}  # fmt: skip
    paths = {p for _, _, diff_paths in flagged for p in diff_paths}
    assert paths, "the price bug went unnoticed"
    assert {p.rsplit(".", 1)[-1] for p in paths} <= money, paths
    kinds = {(route, last) for route, last, _ in flagged}
    # the create call and the item removal carry no price; every price-bearing answer does
    assert ("guest-cart-create", "guest-carts") not in kinds
    assert any(route == "guest-cart-item" for route, _ in kinds)  # PUT answers the line
    assert {last for route, last in kinds if route == "guest-cart"} >= {"items", "totals"}, kinds


async def test_a_cart_created_before_shadowing_is_skipped_not_compared(
    make_proxy: Callable[..., Any],
    legacy_url: str,
    new_side: tuple[str, MagentoDb],
) -> None:
    """Its id was never learned: comparing would compare two different carts."""
    proxy = await make_proxy(flow_routes(legacy_url, new_side[0]))
    created = await proxy.client.session.post(f"{legacy_url}/rest/V1/guest-carts")
    mask = await created.json()
    assert (await proxy.client.get(f"/rest/V1/guest-carts/{mask}")).status == 200
    await proxy.drain()
    [result] = proxy.results.results
    assert (result.outcome, result.reason) == ("skipped", "uncorrelated:cartId")
    assert proxy.counter("strangler_shadow_total", route="guest-cart", outcome="skipped") == 1


# ------------------------------------------------------------------ noise learning
def volatile_app(price: int, calls: list[str]) -> web.Application:
    """A stand-in for a legacy endpoint with a field that changes on every answer.

    The legacy service answers deterministically, so the field that differs between two answers
    of the same system (a render timestamp, a request id: common in real Magento extensions)
    is made here.
    """

    async def product(request: web.Request) -> web.Response:
        calls.append(request.method)
        return web.json_response(
            {"sku": request.match_info["sku"], "price": price, "rendered_at": uuid.uuid4().hex}
        )

    app = web.Application()
    app.router.add_route("*", "/rest/V1/products/{sku}", product)
    return app


NOISY_ROUTE = """\
- id: product
  match: {path: "/rest/V1/products/{sku}"}
  new: new
  mode: shadow
  shadow: {writes: true}
  compare: {noise: {sample: 1.0, per_minute: %d}}
"""


async def noisy_proxy(
    make_proxy: Callable[..., Any],
    aiohttp_server: Callable[..., Any],
    *,
    new_price: int,
    per_minute: int = 1000,
) -> tuple[ProxyUnderTest, list[str]]:
    legacy_calls: list[str] = []
    legacy = await aiohttp_server(volatile_app(34, legacy_calls))
    new = await aiohttp_server(volatile_app(new_price, []))
    urls = {"legacy": f"http://127.0.0.1:{legacy.port}", "new": f"http://127.0.0.1:{new.port}"}
    proxy = await make_proxy(routes_yaml(urls, NOISY_ROUTE % per_minute))
    return proxy, legacy_calls


async def test_a_field_legacy_disagrees_with_itself_on_is_learned_as_noise(
    make_proxy: Callable[..., Any], aiohttp_server: Callable[..., Any]
) -> None:
    proxy, legacy_calls = await noisy_proxy(make_proxy, aiohttp_server, new_price=34)
    for _ in range(20):
        assert (await proxy.client.get("/rest/V1/products/24-MB01")).status == 200
        await proxy.drain()  # one at a time: the learning order is deterministic
    results = proxy.results.results
    assert len(legacy_calls) == 40  # every read asked legacy twice (sample 1.0, in budget)
    # the fifth self-comparison (made with the fifth copy) is the first to teach anything
    assert {r.outcome for r in results[:4]} == {"mismatch"}
    assert {r.outcome for r in results[4:]} == {"match"}
    assert all(r.noise == ("$.rendered_at",) for r in results[4:])
    assert proxy.shadow.noise.noisy_fields("product") == {"$.rendered_at": 1.0}


async def test_noise_learning_still_reports_a_real_divergence(
    make_proxy: Callable[..., Any], aiohttp_server: Callable[..., Any]
) -> None:
    proxy, _ = await noisy_proxy(make_proxy, aiohttp_server, new_price=35)
    for _ in range(10):
        await proxy.client.get("/rest/V1/products/24-MB01")
        await proxy.drain()
    last = proxy.results.results[-1]
    assert last.outcome == "mismatch"
    assert last.divergence is not None
    assert [d.path for d in last.divergence.differences] == ["$.price"]
    assert [d.path for d in last.divergence.ignored] == ["$.rendered_at"]


async def test_the_extra_legacy_calls_stay_within_budget_and_skip_writes(
    make_proxy: Callable[..., Any], aiohttp_server: Callable[..., Any]
) -> None:
    proxy, legacy_calls = await noisy_proxy(make_proxy, aiohttp_server, new_price=34, per_minute=3)
    for _ in range(10):
        await proxy.client.get("/rest/V1/products/24-MB01")
        await proxy.drain()
    for _ in range(3):
        await proxy.client.request("PUT", "/rest/V1/products/24-MB01", json={"product": {}})
        await proxy.drain()
    assert legacy_calls.count("GET") == 13  # 10 answers + 3 probes (the route's budget)
    assert legacy_calls.count("PUT") == 3  # a write is never sent to legacy twice
    # 3 self-comparisons are too few to call anything noise: the difference stays visible
    assert {r.outcome for r in proxy.results.results} == {"mismatch"}
