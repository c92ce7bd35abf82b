"""route(meta, table): first match wins, modes decide who answers and who gets a copy."""

from __future__ import annotations

from typing import Any

import pytest

from strangler import config, routing
from strangler.model import Mode, RequestMeta

ROUTES = """\
version: 1
backends:
  legacy:  {url: "http://127.0.0.1:1"}
  catalog: {url: "http://127.0.0.1:2"}
  cart:    {url: "http://127.0.0.1:3"}
routes:
  - id: product
    match: {methods: [GET], path: "/rest/V1/products/{sku}"}
    new: catalog
    mode: shadow
    shadow: {sample: 0.25}
  - id: product-writes
    match: {methods: [POST, PUT, DELETE], path: "/rest/V1/products/**"}
    new: catalog
    mode: shadow
  - id: cart-items
    match: {path: "/rest/V1/guest-carts/{cartId}/**"}
    new: cart
    mode: canary
    canary: {percent: 10, sticky: path.cartId}
    fallback: legacy
  - id: mine
    match: {path: "/rest/V1/carts/mine/**"}
    new: cart
    mode: canary
    canary: {percent: 30, sticky: customer}
  - id: beta
    match: {path: "/rest/V1/categories", headers: {x-beta: "on"}}
    new: catalog
    mode: new
    fallback: legacy
  - id: cookie
    match: {path: "/rest/V1/store/**"}
    new: catalog
    mode: canary
    canary: {percent: 50, sticky: "cookie:sid"}
  - id: off
    match: {path: "/rest/V1/customers/**"}
    mode: legacy
"""
TABLE = config.parse(ROUTES, source="routes.yaml", env={})


def meta(path: str = "/rest/V1/products/24-MB01", method: str = "GET", **kw: Any) -> RequestMeta:
    return RequestMeta(method=method, path=path, headers=kw.pop("headers", {}), **kw)


def test_unmatched_requests_go_to_legacy() -> None:
    decision = routing.route(meta("/rest/V1/orders"), TABLE)
    assert decision.route_id == "default" and decision.mode is Mode.LEGACY
    assert decision.primary.name == "legacy" and decision.shadow is None


@pytest.mark.parametrize(
    ("sample", "shadowed"),
    [
        pytest.param(0.0, True, id="sample-0"),
        pytest.param(0.2499, True, id="below-rate"),
        pytest.param(0.25, False, id="at-rate"),
        pytest.param(0.9, False, id="above-rate"),
    ],
)
def test_shadow_is_sampled(sample: float, shadowed: bool) -> None:
    decision = routing.route(meta(sample=sample), TABLE)
    assert decision.route_id == "product" and decision.primary.name == "legacy"
    assert (decision.shadow is not None and decision.shadow.name == "catalog") is shadowed
    assert decision.params == {"sku": "24-MB01"}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_writes_are_not_shadowed_unless_allowed(method: str) -> None:
    decision = routing.route(meta("/rest/V1/products/x", method=method), TABLE)
    assert decision.route_id == "product-writes" and decision.shadow is None
    assert decision.primary.name == "legacy"


def test_legacy_mode_has_no_shadow_even_with_a_new_backend() -> None:
    decision = routing.route(meta("/rest/V1/customers/me"), TABLE)
    assert decision.route_id == "off" and decision.shadow is None


def test_new_mode_with_fallback_and_header_predicate() -> None:
    hit = routing.route(meta("/rest/V1/categories", headers={"x-beta": "on"}), TABLE)
    assert hit.route_id == "beta" and hit.primary.name == "catalog"
    assert hit.fallback is not None and hit.fallback.name == "legacy"
    miss = routing.route(meta("/rest/V1/categories", headers={"x-beta": "off"}), TABLE)
    assert miss.route_id == "default"


def test_canary_stickiness_and_split_over_10000_keys() -> None:
    """Each key always lands on the same side, and the split is within ±2 points of 10%."""
    keys = [f"cart{n:05d}" for n in range(10_000)]
    first = {}
    for key in keys:
        decision = routing.route(meta(f"/rest/V1/guest-carts/{key}/items", sample=0.99), TABLE)
        first[key] = decision.primary.name
    for sample in (0.0, 0.5):  # the per-request draw must not matter for a keyed request
        for key in keys[::7]:
            again = routing.route(meta(f"/rest/V1/guest-carts/{key}/items", sample=sample), TABLE)
            assert again.primary.name == first[key], key
    share = sum(1 for side in first.values() if side == "cart") / len(keys)
    assert 0.08 <= share <= 0.12


@pytest.mark.parametrize(
    ("bucket_key", "percent"),
    [pytest.param("customer", 30, id="customer"), pytest.param("cookie", 50, id="cookie")],
)
def test_customer_and_cookie_stickiness(bucket_key: str, percent: int) -> None:
    sides = []
    for n in range(4000):
        if bucket_key == "customer":
            m = meta("/rest/V1/carts/mine/items", customer_id=n, sample=0.999)
            again = meta("/rest/V1/carts/mine/items", customer_id=n, sample=0.0)
        else:
            cookie = {"cookie": f"other=1; sid=s{n}"}
            m = meta("/rest/V1/store/websites", headers=cookie, sample=0.999)
            again = meta("/rest/V1/store/websites", headers=cookie, sample=0.0)
        side = routing.route(m, TABLE).primary.name
        assert routing.route(again, TABLE).primary.name == side
        sides.append(side != "legacy")
    assert abs(sum(sides) / len(sides) - percent / 100) <= 0.03


def test_a_canary_request_without_its_key_uses_the_request_draw() -> None:
    low = routing.route(meta("/rest/V1/carts/mine/items", sample=0.05), TABLE)
    high = routing.route(meta("/rest/V1/carts/mine/items", sample=0.95), TABLE)
    assert (low.primary.name, high.primary.name) == ("cart", "legacy")
    assert low.bucket == 0.05


def test_bucket_is_stable_and_spread() -> None:
    assert routing.bucket_of("customer:1") == routing.bucket_of("customer:1")
    values = [routing.bucket_of(f"k{n}") for n in range(1000)]
    assert all(0 <= v < 1 for v in values)
    assert len(set(values)) == 1000
    assert 0.45 < sum(values) / len(values) < 0.55


def test_first_match_in_file_order_wins() -> None:
    text = ROUTES.replace(
        "  - id: off\n",
        "  - id: off-first\n    match: {path: "
        '"/rest/V1/customers/me"}\n    mode: legacy\n  - id: off\n',
    )
    table = config.parse(text, source="routes.yaml", env={})
    assert routing.route(meta("/rest/V1/customers/me"), table).route_id == "off-first"
    assert routing.route(meta("/rest/V1/customers/5"), table).route_id == "off"
