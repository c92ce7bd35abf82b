"""Shadow mode: the client gets legacy's bytes; the copy and comparison happen off the path."""

from __future__ import annotations

import asyncio
from typing import Any

from legacy_adapters.magento_app.app import make_app
from tests.strangler.conftest import routes_yaml

PRODUCT_ROUTE = """
- id: product
  match: {methods: [GET], path: "/rest/V1/products/{sku}"}
  new: new
  mode: shadow
"""


async def _wait_results(proxy: Any, count: int) -> None:
    await proxy.drain()
    assert len(proxy.results.results) == count


async def test_identical_answers_match(
    legacy: Any,
    aiohttp_client: Any,
    magento_db: Any,
    token_key: str,
    admin_token: str,
    make_proxy: Any,
) -> None:
    """A second real legacy service over the same database answers identically: match."""
    twin = await aiohttp_client(make_app(magento_db.settings(token_key)))
    proxy = await make_proxy(
        routes_yaml(
            {
                "legacy": str(legacy.make_url("")).rstrip("/"),
                "new": str(twin.make_url("")).rstrip("/"),
            },
            PRODUCT_ROUTE,
        )
    )
    headers = {"Authorization": f"Bearer {admin_token}"}
    for sku in ("24-MB01", "nope"):
        response = await proxy.client.get(f"/rest/V1/products/{sku}", headers=headers)
        direct = await legacy.get(f"/rest/V1/products/{sku}", headers=headers)
        assert await response.read() == await direct.read()
    await _wait_results(proxy, 2)
    assert [r.outcome for r in proxy.results.results] == ["match", "match"]
    assert proxy.counter("strangler_shadow_total", route="product", outcome="match") == 2


async def test_a_different_new_answer_is_a_mismatch_and_never_reaches_the_client(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy = await make_backend("legacy", body=b'{"sku":"a","price":34}')
    new = await make_backend("new", body=b'{"sku":"a","price":35.0,"extra":1}')
    proxy = await make_proxy(routes_yaml({"legacy": legacy.url, "new": new.url}, PRODUCT_ROUTE))
    response = await proxy.client.get("/rest/V1/products/a")
    assert await response.read() == b'{"sku":"a","price":34}'
    assert response.headers["X-Backend"] == "legacy"
    await _wait_results(proxy, 1)
    result = proxy.results.results[0]
    assert result.outcome == "mismatch"
    assert result.divergence is not None
    found = {(d.kind.value, d.path) for d in result.divergence.differences}
    assert found == {("value", "$.price"), ("extra", "$.extra")}
    assert new.seen[0].path == "/rest/V1/products/a"
    assert new.seen[0].headers["x-request-id"] == response.headers["X-Request-ID"]


async def test_numbers_compare_by_value(make_backend: Any, make_proxy: Any) -> None:
    legacy = await make_backend("legacy", body=b'{"price":34}')
    new = await make_backend("new", body=b'{"price":34.0}')
    proxy = await make_proxy(routes_yaml({"legacy": legacy.url, "new": new.url}, PRODUCT_ROUTE))
    await proxy.client.get("/rest/V1/products/a")
    await _wait_results(proxy, 1)
    assert proxy.results.results[0].outcome == "match"


async def test_the_client_does_not_wait_for_the_shadow(make_backend: Any, make_proxy: Any) -> None:
    legacy = await make_backend("legacy")
    new = await make_backend("new", delay_s=1.5)
    proxy = await make_proxy(routes_yaml({"legacy": legacy.url, "new": new.url}, PRODUCT_ROUTE))
    response = await proxy.client.get("/rest/V1/products/a")
    assert response.status == 200
    assert proxy.shadow.in_flight == 1  # answered while the copy is still out
    await _wait_results(proxy, 1)
    assert proxy.results.results[0].outcome == "mismatch"  # bodies name their backend


async def test_a_failing_new_backend_is_an_error_outcome(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy = await make_backend("legacy")
    proxy = await make_proxy(
        routes_yaml({"legacy": legacy.url, "new": "http://127.0.0.1:1"}, PRODUCT_ROUTE)
    )
    response = await proxy.client.get("/rest/V1/products/a")
    assert response.status == 200
    await _wait_results(proxy, 1)
    assert proxy.results.results[0].outcome == "error"
    assert proxy.results.results[0].reason == "new connect"


async def test_a_saturated_pool_drops_copies_and_counts_them(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy = await make_backend("legacy")
    new = await make_backend("new", delay_s=1.0)
    proxy = await make_proxy(
        routes_yaml({"legacy": legacy.url, "new": new.url}, PRODUCT_ROUTE), max_in_flight=2
    )
    answers = await asyncio.gather(*(proxy.client.get(f"/rest/V1/products/{i}") for i in range(10)))
    assert [a.status for a in answers] == [200] * 10
    assert proxy.shadow.in_flight <= 2
    await proxy.drain()
    outcomes = [r.outcome for r in proxy.results.results]
    assert outcomes.count("dropped") == 8
    assert {r.reason for r in proxy.results.results if r.outcome == "dropped"} == {"pool_full"}
    assert proxy.counter("strangler_shadow_total", route="product", outcome="dropped") == 8
    assert len(legacy.seen) == 10 and len(new.seen) == 2


async def test_writes_are_shadowed_only_where_allowed_and_never_sent_to_legacy_twice(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url, "new": new.url},
            """
        - id: carts-readonly
          match: {path: "/rest/V1/guest-carts"}
          new: new
          mode: shadow
        - id: carts-writes
          match: {path: "/rest/V1/guest-carts/{cartId}/items"}
          new: new
          mode: shadow
          shadow: {writes: true}
        """,
        )
    )
    await proxy.client.post("/rest/V1/guest-carts", data=b"{}")
    await proxy.client.post("/rest/V1/guest-carts/abc/items", data=b'{"cartItem":{}}')
    await proxy.client.get("/rest/V1/guest-carts")
    await proxy.drain()
    assert [(s.method, s.path) for s in legacy.seen] == [
        ("POST", "/rest/V1/guest-carts"),
        ("POST", "/rest/V1/guest-carts/abc/items"),
        ("GET", "/rest/V1/guest-carts"),
    ]
    assert sorted((s.method, s.path) for s in new.seen) == [
        ("GET", "/rest/V1/guest-carts"),
        ("POST", "/rest/V1/guest-carts/abc/items"),
    ]
    assert new.seen[0].body in (b'{"cartItem":{}}', b"")


async def test_sample_rate_zero_sends_no_copies(make_backend: Any, make_proxy: Any) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url, "new": new.url}, PRODUCT_ROUTE + "  shadow: {sample: 0}\n"
        )
    )
    for _ in range(5):
        await proxy.client.get("/rest/V1/products/a")
    await proxy.drain()
    assert new.seen == [] and proxy.results.results == []


async def test_canary_keeps_each_key_on_one_side(make_backend: Any, make_proxy: Any) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url, "new": new.url},
            """
        - id: carts
          match: {path: "/rest/V1/guest-carts/{cartId}/**"}
          new: new
          mode: canary
          canary: {percent: 50, sticky: path.cartId}
        """,
        )
    )
    sides: dict[str, set[str]] = {}
    for round_ in range(3):
        for n in range(40):
            response = await proxy.client.get(f"/rest/V1/guest-carts/cart{n}/items?r={round_}")
            sides.setdefault(f"cart{n}", set()).add(response.headers["X-Backend"])
    assert all(len(seen) == 1 for seen in sides.values())
    assert {next(iter(s)) for s in sides.values()} == {"legacy", "new"}
