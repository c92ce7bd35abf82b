"""The proxy with real backends: every mode, fallback, breakers, headers, store codes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from strangler.breaker import Breakers
from tests.strangler.conftest import routes_yaml


async def test_unmatched_and_legacy_routes_go_to_legacy(make_backend: Any, make_proxy: Any) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url, "new": new.url},
            """
        - id: products
          match: {methods: [GET], path: "/rest/V1/products/{sku}"}
          new: new
          mode: legacy
        """,
        )
    )
    for path in ("/rest/V1/products/a", "/rest/V1/orders", "/elsewhere?x=1"):
        response = await proxy.client.get(path)
        assert response.status == 200
        assert (await response.json())["backend"] == "legacy"
    assert [s.path for s in legacy.seen] == [
        "/rest/V1/products/a",
        "/rest/V1/orders",
        "/elsewhere?x=1",
    ]
    assert new.seen == []


async def test_new_mode_answers_from_the_new_backend(make_backend: Any, make_proxy: Any) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url, "new": new.url},
            """
        - id: products
          match: {path: "/rest/V1/products/**"}
          new: new
          mode: new
        """,
        )
    )
    response = await proxy.client.post(
        "/rest/default/V1/products/x", data=b'{"a":1}', headers={"Content-Type": "application/json"}
    )
    assert (await response.json())["backend"] == "new"
    assert new.seen[0].path == "/rest/default/V1/products/x"  # the original URL is forwarded
    assert new.seen[0].body == b'{"a":1}'
    assert legacy.seen == []


async def test_store_code_segments_are_normalised_before_matching(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url, "new": new.url},
            """
        - id: products
          match: {methods: [GET], path: "/rest/V1/products/{sku}"}
          new: new
          mode: new
        """,
        )
    )
    for path in (
        "/rest/V1/products/a",
        "/rest/default/V1/products/a",
        "/rest/all/V1/products/a",
        "/rest/french/V1/products/a",
    ):
        assert (await (await proxy.client.get(path)).json())["backend"] == "new", path
    assert (await (await proxy.client.get("/rest/V1/products/a/b")).json())["backend"] == "legacy"


@pytest.mark.parametrize("failure", ["fail500", "close", "slow", "down"])
async def test_fallback_retries_idempotent_requests_on_legacy(
    make_backend: Any, make_proxy: Any, failure: str
) -> None:
    legacy = await make_backend("legacy")
    new = await make_backend(
        "new",
        behaviour=failure if failure != "down" else "ok",
        delay_s=1.0 if failure == "slow" else 0.0,
    )
    new_url = new.url if failure != "down" else "http://127.0.0.1:1"
    text = routes_yaml(
        {"legacy": legacy.url, "new": new_url},
        """
        - id: products
          match: {path: "/rest/V1/products/**"}
          new: new
          mode: new
          fallback: legacy
        """,
    ).replace(
        f'new: {{url: "{new_url}", timeout_ms: 2000}}',
        f'new: {{url: "{new_url}", timeout_ms: 300}}',
    )
    proxy = await make_proxy(text)
    response = await proxy.client.get("/rest/V1/products/a")
    assert response.status == 200
    assert (await response.json())["backend"] == "legacy"
    reason = {"fail500": "status_5xx", "close": "protocol", "slow": "timeout", "down": "connect"}[
        failure
    ]
    assert proxy.counter("strangler_fallbacks_total", route="products", reason=reason) == 1
    posted = await proxy.client.post("/rest/V1/products/a", data=b"{}")
    assert posted.status in (500, 502, 504)  # a write is never retried on legacy
    assert [s.method for s in legacy.seen] == ["GET"]


async def test_upstream_failure_without_fallback_is_a_json_502_naming_the_route(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy = await make_backend("legacy")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": "http://127.0.0.1:1", "new": legacy.url},
            """
        - id: products
          match: {path: "/rest/V1/products/**"}
          new: new
          mode: legacy
        """,
        )
    )
    response = await proxy.client.get("/rest/V1/products/a")
    assert response.status == 502
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = await response.json()
    assert body == {
        "message": "Backend %1 could not answer route %2 (%3).",
        "parameters": ["legacy", "products", "connect"],
    }
    assert proxy.counter("strangler_upstream_errors_total", backend="legacy", kind="connect") == 1


async def test_timeouts_answer_504(make_backend: Any, make_proxy: Any) -> None:
    slow = await make_backend("legacy", delay_s=2.0)
    text = routes_yaml(
        {"legacy": slow.url},
        """
        - id: all
          match: {path: "/rest/V1/**"}
        """,
    ).replace("timeout_ms: 2000", "timeout_ms: 200")
    proxy = await make_proxy(text)
    response = await proxy.client.get("/rest/V1/x")
    assert response.status == 504
    assert (await response.json())["parameters"] == ["legacy", "all", "timeout"]


async def test_circuit_breaker_opens_then_probes_back(make_backend: Any, make_proxy: Any) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new", behaviour="fail500")
    now = [1000.0]
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url, "new": new.url},
            """
        - id: products
          match: {path: "/rest/V1/products/**"}
          new: new
          mode: new
          fallback: legacy
        """,
        ),
        breakers=Breakers(failures_to_open=3, cooldown_s=30),
        clock=lambda: now[0],
    )
    for _ in range(6):
        response = await proxy.client.get("/rest/V1/products/a")
        assert (await response.json())["backend"] == "legacy"
    assert len(new.seen) == 3  # opened after 3 failures: the next 3 never touched it
    assert proxy.counter("strangler_fallbacks_total", route="products", reason="circuit_open") == 3
    assert proxy.counter("strangler_circuit_open", backend="new") == 1
    new.behaviour = "ok"
    now[0] += 31  # cooldown over: one probe goes through, succeeds, closes the circuit
    assert (await (await proxy.client.get("/rest/V1/products/a")).json())["backend"] == "new"
    assert (await (await proxy.client.get("/rest/V1/products/a")).json())["backend"] == "new"
    assert proxy.counter("strangler_circuit_open", backend="new") == 0


async def test_headers_forwarded_and_echoed(make_backend: Any, make_proxy: Any) -> None:
    legacy = await make_backend("legacy")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url},
            """
        - id: all
          match: {path: "/**"}
        """,
        )
    )
    trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = await proxy.client.get(
        "/x",
        headers={
            "X-Request-ID": "req-123",
            "traceparent": trace,
            "Connection": "keep-alive, X-Secret",
            "X-Secret": "hop",
            "Keep-Alive": "timeout=5",
            "Authorization": "Bearer t",
            "X-Forwarded-For": "10.0.0.1",
            "Cookie": "a=1",
        },
    )
    assert response.headers["X-Request-ID"] == "req-123"
    assert response.headers["X-Backend"] == "legacy"
    assert response.headers.getall("Set-Cookie") == ["b=legacy"]
    seen = legacy.seen[0].headers
    assert seen["x-request-id"] == "req-123"
    assert seen["authorization"] == "Bearer t" and seen["cookie"] == "a=1"
    assert "x-secret" not in seen and "keep-alive" not in seen  # hop-by-hop stripped
    assert seen["x-forwarded-for"] == "10.0.0.1, 127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert seen["traceparent"] != trace  # our own span id
    fresh = await proxy.client.get("/x")
    generated = fresh.headers["X-Request-ID"]
    assert len(generated) == 32 and legacy.seen[1].headers["x-request-id"] == generated
    assert legacy.seen[1].headers["traceparent"].startswith("00-")


async def test_bodies_over_the_limit_are_refused_before_any_backend(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy = await make_backend("legacy")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url},
            """
        - id: all
          match: {path: "/**"}
        """,
            defaults="defaults: {max_body_bytes: 1000}",
        )
    )
    response = await proxy.client.post("/x", data=b"x" * 1001)
    assert response.status == 413
    assert (await response.json())["message"] == "Request body is larger than 1000 bytes."

    async def chunks() -> Any:
        for _ in range(20):
            yield b"y" * 100

    chunked = await proxy.client.post("/x", data=chunks())
    assert chunked.status == 413
    ok = await proxy.client.post("/x", data=b"z" * 1000)
    assert ok.status == 200
    assert [len(s.body) for s in legacy.seen] == [1000]
    assert proxy.counter("strangler_rejected_total", reason="body_too_large") == 2


async def test_legacy_answer_is_passed_through_byte_for_byte(
    legacy: Any, make_proxy: Any, admin_token: str
) -> None:
    url = str(legacy.make_url("")).rstrip("/")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": url},
            """
        - id: products
          match: {methods: [GET], path: "/rest/V1/products/{sku}"}
        """,
        )
    )
    for path in (
        "/rest/V1/products/24-MB01",
        "/rest/default/V1/products/nope",
        "/rest/V1/products",
    ):
        headers = {"Authorization": f"Bearer {admin_token}"}
        direct = await legacy.get(path, headers=headers)
        via = await proxy.client.get(path, headers=headers)
        assert via.status == direct.status
        assert await via.read() == await direct.read()
        assert via.headers["Content-Type"] == direct.headers["Content-Type"]
        assert json.loads(await via.read()) is not None
