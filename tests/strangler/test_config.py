"""routes.yaml parsing: a good file becomes a RouteTable; every problem is located and listed."""

from __future__ import annotations

import textwrap

import pytest

from strangler import config
from strangler.errors import ConfigError
from strangler.model import Fallback, Mode

ENV = {"LEGACY_URL": "http://127.0.0.1:8081", "CATALOG_URL": "http://127.0.0.1:8082"}

GOOD = """\
version: 1
backends:
  legacy:  {url: "${LEGACY_URL}", connect_timeout_ms: 300, timeout_ms: 5000, pool: 200}
  catalog: {url: "${CATALOG_URL}", timeout_ms: 800}
  cart:    {url: "${CART_URL:-http://127.0.0.1:8083}"}
defaults:
  backend: legacy
  shadow:  {sample: 1.0, max_in_flight: 64, timeout_ms: 2000}
  compare: {headers: [content-type], ignore_headers: [date, x-request-id, set-cookie]}
  max_body_bytes: 65536
routes:
  - id: catalog-product
    match: {methods: [GET], path: "/rest/V1/products/{sku}"}
    new: catalog
    mode: shadow
    shadow: {sample: 0.25}
    fallback: legacy
    compare:
      ignore: ["$.updated_at"]
      keyed:  {"$.custom_attributes": attribute_code}
      unordered: ["$.media_gallery_entries"]
      tolerance: {"$.price": 0.005}
  - id: guest-cart-one
    match: {path: "/rest/V1/guest-carts/{cartId}/**"}
    new: cart
    mode: canary
    canary: {percent: 10, sticky: path.cartId}
    shadow: {writes: true}
    correlate:
      - {id: cartId, from: response.body, on: {method: POST, path: "/rest/V1/guest-carts"}}
    rollout: {}
  - id: header-route
    match: {path: "/rest/V1/carts/mine", headers: {X-Beta: "1"}, query: {debug: "1"}}
    mode: legacy
"""


def problems(text: str, env: dict[str, str] = ENV) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config.parse(textwrap.dedent(text), source="routes.yaml", env=env)
    return [str(p) for p in caught.value.problems]


def test_a_good_file_parses_into_the_table() -> None:
    table = config.parse(GOOD, source="routes.yaml", env=ENV)
    assert list(table.backends) == ["legacy", "catalog", "cart"]
    assert table.backends["cart"].url == "http://127.0.0.1:8083"  # ${VAR:-default}
    assert table.backends["legacy"].pool == 200
    assert table.max_in_flight == 64 and table.max_body_bytes == 65536
    product, cart, header = table.routes
    assert product.mode is Mode.SHADOW and product.new == "catalog"
    assert product.shadow.sample == 0.25 and product.shadow.timeout_ms == 2000
    assert product.fallback is Fallback.LEGACY
    assert product.compare.keyed == {"$.custom_attributes": "attribute_code"}
    assert product.compare.tolerance == {"$.price": 0.005}
    assert product.match.methods == frozenset({"GET"})
    assert cart.canary.percent == 10 and cart.canary.sticky == "path.cartId"
    assert cart.shadow.writes is True
    assert header.match.headers == {"x-beta": "1"} and header.match.query == {"debug": "1"}
    assert product.line == 12 and cart.line == 23
    assert len(table.digest) == 64


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "version: 2\nbackends: {legacy: {url: 'http://a:1'}}\n",
            "routes.yaml:1: version: must be 1, got '2'",
            id="version",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1', pool: 0}}\n",
            "routes.yaml:2: backends.legacy.pool: must be within [1, 100000], got 0",
            id="pool-range",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'ftp://a'}}\n",
            "routes.yaml:2: backends.legacy.url: must be http(s)://host[:port] without "
            "a path, got 'ftp://a'",
            id="url-scheme",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: '${NOPE}'}}\n",
            "routes.yaml:2: backends.legacy.url: environment variable NOPE is not set",
            id="unset-env",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1', colour: red}}\n",
            "routes.yaml:2: backends.legacy.colour: unknown key (expected one of: "
            "connect_timeout_ms, pool, timeout_ms, url)",
            id="unknown-backend-key",
        ),
        pytest.param(
            "version: 1\nbackends: {other: {url: 'http://a:1'}}\n",
            "routes.yaml:1: defaults.backend: unknown backend 'legacy' (anything "
            "unmatched goes there)",
            id="no-default-backend",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes: {a: 1}\n",
            "routes.yaml:3: routes: must be a list, got a mapping",
            id="routes-type",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: 'rest/V1/x'}}\n",
            "routes.yaml:4: routes[0].match.path: bad template 'rest/V1/x': must start with '/'",
            id="template-slash",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/rest/V1/**/x'}}\n",
            "routes.yaml:4: routes[0].match.path: bad template '/rest/V1/**/x': '**' "
            "may only end a template",
            id="template-wildcard",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/rest/V1/p-{sku}'}}\n",
            "routes.yaml:4: routes[0].match.path: bad template '/rest/V1/p-{sku}': "
            "bad segment 'p-{sku}': a parameter is a whole segment like {sku}",
            id="template-partial-param",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/rest/default/V1/x'}}\n",
            "routes.yaml:4: routes[0].match.path: bad template '/rest/default/V1/x': "
            "write templates without the store code (/rest/V1/...): it is normalised "
            "away",
            id="template-store-code",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/x', methods: [get]}}\n",
            "routes.yaml:4: routes[0].match.methods: HTTP methods are upper-case words, got 'get'",
            id="method-case",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/x'}, mode: shadow}\n",
            "routes.yaml:4: routes[0].new: is required when mode is shadow",
            id="mode-needs-new",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/x'}, mode: blue}\n",
            "routes.yaml:4: routes[0].mode: must be one of legacy, shadow, canary, new, got 'blue'",
            id="mode-value",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/x'}, canary: {sticky: 'path.id'}}\n",
            "routes.yaml:4: routes[0].canary.sticky: 'id' is not a parameter of '/x'",
            id="sticky-param",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/x'}, canary: {sticky: 'ip'}}\n",
            "routes.yaml:4: routes[0].canary.sticky: must be customer, none, "
            "path.<param>, header:<name> or cookie:<name>, got 'ip'",
            id="sticky-kind",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/x'}, fallback: maybe}\n",
            "routes.yaml:4: routes[0].fallback: must be one of none, legacy, got 'maybe'",
            id="fallback",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {id: a, match: {path: '/x'}, shadow: {writes: perhaps}}\n",
            "routes.yaml:4: routes[0].shadow.writes: must be true or false, got 'perhaps'",
            id="writes-bool",
        ),
        pytest.param(
            "version: 1\nbackends: {legacy: {url: 'http://a:1'}}\nroutes:\n"
            "  - {match: {path: '/x'}}\n",
            "routes.yaml:4: routes[0].id: is required",
            id="id-required",
        ),
        pytest.param(
            "version: 1\nbackends:\n  legacy: {url: 'http://a:1'}\n  legacy: {url: 'http://a:2'}\n",
            "routes.yaml:4: backends.legacy: duplicate backend",
            id="dup-backend",
        ),
    ],
)
def test_each_problem_is_located(text: str, expected: str) -> None:
    assert expected in problems(text)


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace("sample: 0.25", "sample: 1.5").replace("percent: 10", "percent: 101")
    text = text.replace("new: cart\n", "new: carts\n") + textwrap.indent(
        textwrap.dedent("""\
        - id: catalog-product
          match: {path: "/rest/V1/products/{sku}/{sku}"}
          bogus: 1
        - id: shadowed
          match: {methods: [GET], path: "/rest/V1/guest-carts/{cartId}/items"}
        """),
        "  ",
    )
    found = problems(text)
    assert found == [
        "routes.yaml:16: routes[0].shadow.sample: must be within [0, 1], got 1.5",
        "routes.yaml:25: routes[1].new: unknown backend 'carts' (defined: cart, catalog, legacy)",
        "routes.yaml:27: routes[1].canary.percent: must be within [0, 100], got 101",
        "routes.yaml:35: routes[3].id: duplicate route id 'catalog-product' (first at line 12)",
        "routes.yaml:36: routes[3].match.path: bad template '/rest/V1/products/{sku}/{sku}': "
        "parameter {sku} appears twice",
        "routes.yaml:37: routes[3].bogus: unknown key (expected one of: canary, compare, "
        "correlate, description, fallback, id, match, mode, new, rollout, shadow)",
        "routes.yaml:38: routes[4]: route 'shadowed' can never match: route 'guest-cart-one' "
        "(line 23) already matches everything it does",
    ]


@pytest.mark.parametrize(
    ("earlier", "later", "unreachable"),
    [
        pytest.param("{path: '/a/{x}'}", "{path: '/a/b'}", True, id="param-covers-literal"),
        pytest.param("{path: '/a/b'}", "{path: '/a/{x}'}", False, id="literal-not-param"),
        pytest.param("{path: '/a/**'}", "{path: '/a/b/c'}", True, id="wildcard-covers"),
        pytest.param("{path: '/a/**'}", "{path: '/a'}", True, id="wildcard-covers-empty-rest"),
        pytest.param("{path: '/a/b/c'}", "{path: '/a/**'}", False, id="literal-not-wildcard"),
        pytest.param("{methods: [GET], path: '/a'}", "{path: '/a'}", False, id="methods-narrower"),
        pytest.param("{path: '/a'}", "{methods: [GET], path: '/a'}", True, id="any-method"),
        pytest.param("{path: '/a', headers: {x: '1'}}", "{path: '/a'}", False, id="predicate"),
        pytest.param(
            "{methods: [GET, POST], path: '/a'}",
            "{methods: [POST], path: '/a'}",
            True,
            id="method-subset",
        ),
    ],
)
def test_unreachable_routes(earlier: str, later: str, unreachable: bool) -> None:
    text = (
        f"version: 1\nbackends: {{legacy: {{url: 'http://a:1'}}}}\nroutes:\n"
        f"  - {{id: first, match: {earlier}}}\n  - {{id: second, match: {later}}}\n"
    )
    if unreachable:
        assert any("can never match" in p for p in problems(text))
    else:
        table = config.parse(text, source="routes.yaml", env={})
        assert [r.id for r in table.routes] == ["first", "second"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("version: 1\nbackends: [\n", "routes.yaml:3: not valid YAML", id="syntax"),
        pytest.param("", "routes.yaml:1: the file is empty", id="empty"),
        pytest.param("- a\n", "routes.yaml:1: must be a mapping, got a list", id="top-list"),
    ],
)
def test_malformed_yaml_names_file_and_line(text: str, fragment: str) -> None:
    assert any(fragment in p for p in problems(text))


def test_load_names_an_unreadable_file(tmp_path: object) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        config.load("/nonexistent/routes.yaml", env={})
