"""Fuzzing the running legacy service: whatever a client sends, the answer is Magento's JSON error.

How this works: requests go over a raw socket (`send`), so paths, headers and bodies reach the
server byte for byte as written — no client normalising `..`, re-encoding `%zz` or refusing a
bad header. Every answer must be a 4xx with `Content-Type: application/json; charset=utf-8` and
a JSON object body whose `message` is a non-empty string (`faults`): never a 5xx, HTML, text/plain
or a traceback. Hand-written nasty cases come first, some with the exact Magento answer; then
hypothesis generates paths, searchCriteria, bodies and headers (derandomized, bounded examples)
that are malformed by construction, so the same rule holds for every one of them. Hypothesis runs
in a worker thread and sends each request through the test's event loop, where the service runs.
A last group is odd but valid (`pageSize=-1`, junk `fields=`): those must answer 200 JSON.

Transport-level garbage that aiohttp's HTTP parser rejects before any application code runs
(raw non-ASCII bytes in the request line, control characters in header values, unknown methods
like `FOO`, malformed chunked framing, `Content-Encoding: br`) is not sent: those answers are
aiohttp's own text/plain 400s, which the application cannot shape.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import string
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from legacy_adapters.magento_app import routes
from legacy_adapters.magento_wire import tokens, urls
from scripts.stack import catalog as catalogs

JSON_TYPE = "application/json; charset=utf-8"
BODY_METHODS = ("POST", "PUT", "PATCH")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE")
NO_ROUTE = (404, "Request does not match any route.")
DECODING = (400, "Decoding error.")
MISSING = "fz~missing"  # no SKU, mask or category looks like this
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


# ---------------------------------------------------------------- requests and answers


@dataclass(frozen=True)
class Req:
    """One request as written on the wire. `{mask}`/`{item}` in target, headers and body are
    filled per test; `auth` names a token kind (see `token_kinds`)."""

    method: str = "GET"
    target: str = "/rest/V1/products"
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    auth: str | None = None


def req(
    target: str,
    method: str = "GET",
    *,
    body: bytes | str = b"",
    auth: str | None = None,
    content_type: str | None = None,
    **headers: str,
) -> Req:
    """A request; `content_type` defaults to JSON whenever there is a body."""
    raw = body.encode() if isinstance(body, str) else body
    pairs = [(k.replace("_", "-"), v) for k, v in headers.items()]
    if content_type is None and raw:
        content_type = "application/json"
    if content_type is not None:
        pairs.insert(0, ("Content-Type", content_type))
    return Req(method, target, raw, tuple(pairs), auth)


def jbody(value: Any) -> bytes:
    return json.dumps(value).encode()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def _fill(text: str, values: Mapping[str, str]) -> str:
    for name in ("mask", "item"):
        text = text.replace("{" + name + "}", values.get(name, "{" + name + "}"))
    return text


def _parse_answer(raw: bytes) -> Answer:
    head, _, rest = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    if status == 100:  # `Expect: 100-continue`: the real answer follows
        return _parse_answer(rest)
    headers: dict[str, str] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            body, rest = body + rest[:size], rest[size + 2 :]
    elif "content-length" in headers:
        body = rest[: int(headers["content-length"])]
    else:
        body = rest
    return Answer(status, headers, body)


async def _upload(writer: asyncio.StreamWriter, body: bytes) -> None:
    with contextlib.suppress(ConnectionError):  # the server may answer (413, 401) and stop reading
        writer.write(body)
        await writer.drain()


async def send(port: int, r: Req, values: Mapping[str, str]) -> Answer:
    """Send `r` over a fresh connection exactly as written; the answer once the server closes."""
    lines = [
        f"{r.method} {_fill(r.target, values)} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Connection: close",
    ]
    if r.auth is not None:
        lines.append(f"Authorization: Bearer {values[r.auth]}")
    lines += [f"{name}: {_fill(value, values)}" for name, value in r.headers]
    body = _fill(r.body.decode("latin-1"), values).encode("latin-1")
    if body or r.method in BODY_METHODS:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        async with asyncio.timeout(60):  # a deadline against hangs, not a speed assertion
            writer.write(head)
            upload = asyncio.ensure_future(_upload(writer, body))
            raw = await reader.read()
            await upload
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return _parse_answer(raw)


def faults(answer: Answer, expected: tuple[int, str] | None = None) -> list[str]:
    """Everything wrong with `answer` as a Magento error (empty when it is one)."""
    found: list[str] = []
    if not 400 <= answer.status < 500:
        found.append(f"status {answer.status}")
    if answer.headers.get("content-type") != JSON_TYPE:
        found.append(f"content-type {answer.headers.get('content-type')!r}")
    if not answer.body.isascii():
        found.append("body is not ASCII (json_encode escapes everything else)")
    try:
        body = json.loads(answer.body)
    except ValueError:
        return [*found, f"body is not JSON: {answer.body[:160]!r}"]
    if not isinstance(body, dict):
        return [*found, f"body is not a JSON object: {answer.body[:160]!r}"]
    message = body.get("message")
    if not isinstance(message, str) or not message:
        found.append(f"no string message: {answer.body[:160]!r}")
    elif "Traceback" in message or "Internal Error" in message:
        found.append(f"internal error leaked: {message[:160]!r}")
    extra = set(body) - {"message", "errors", "code", "parameters"}
    if extra:
        found.append(f"unexpected keys {sorted(extra)} (a trace?)")
    if expected is not None and (answer.status, message) != expected:
        found.append(f"expected {expected}, got {(answer.status, message)}")
    return found


# ---------------------------------------------------------------- fixtures


@dataclass
class Fuzzer:
    """The running service, filled placeholders and tokens: `ask` one request, `check` many.

    `{mask}`/`{item}` name a guest cart holding one line; it is made on first use and shared by
    the session's tests (no request here changes it: every one of them fails)."""

    client: Any
    sku: str
    cart_key: str
    values: dict[str, str] = field(default_factory=dict)

    async def ask(self, r: Req) -> Answer:
        if "{" in r.target + r.body.decode("latin-1") + repr(r.headers):
            await self._guest_cart()
        return await send(self.client.server.port, r, self.values)

    async def _guest_cart(self) -> None:
        if self.cart_key not in GUEST_CARTS:
            created = await self.client.post("/rest/V1/guest-carts")
            assert created.status == 200
            mask = await created.json()
            added = await self.client.post(
                f"/rest/V1/guest-carts/{mask}/items", json={"cartItem": {"sku": self.sku, "qty": 1}}
            )
            assert added.status == 200, await added.text()
            GUEST_CARTS[self.cart_key] = (mask, str((await added.json())["item_id"]))
        self.values["mask"], self.values["item"] = GUEST_CARTS[self.cart_key]

    async def check(self, cases: Iterable[tuple[Req, tuple[int, str] | None]]) -> None:
        failures = []
        for r, expected in cases:
            problems = faults(await self.ask(r), expected)
            if problems:
                failures.append(
                    f"{r.method} {r.target[:120]} auth={r.auth} "
                    f"headers={r.headers!r:.160} body={r.body[:80]!r}: {problems}"
                )
        assert failures == []


GUEST_CARTS: dict[str, tuple[str, str]] = {}  # database -> (mask, item id)
SKUS: dict[str, str] = {}


def _simple_sku(magento_db: Any) -> str:
    """A simple, enabled product with a price and plenty of stock."""
    key = f"{magento_db.address.port}/{magento_db.name}"
    if key in SKUS:
        return SKUS[key]
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT e.sku FROM catalog_product_entity e "
            "JOIN cataloginventory_stock_item s ON s.product_id = e.entity_id "
            "JOIN catalog_product_entity_int st ON st.entity_id = e.entity_id AND st.store_id = 0 "
            "JOIN eav_attribute a ON a.attribute_id = st.attribute_id "
            "AND a.attribute_code = 'status' AND a.entity_type_id = 4 "
            "WHERE e.type_id = 'simple' AND st.value = 1 AND s.is_in_stock = 1 AND s.qty >= 100 "
            "ORDER BY e.entity_id LIMIT 1"
        )
        SKUS[key] = str(cursor.fetchone()["sku"])
    return SKUS[key]


DEMO_USERS: dict[str, tuple[int, int]] = {}  # database -> (admin user id, customer id)


def _demo_users(magento_db: Any) -> tuple[int, int]:
    """The demo admin and customer the `admin_token`/`customer_token` fixtures sign for; looked
    up once (those fixtures query per test, which adds up over hundreds of cases)."""
    key = f"{magento_db.address.port}/{magento_db.name}"
    if key not in DEMO_USERS:
        with magento_db.connect() as conn, conn.cursor() as cursor:
            cursor.execute(
                "SELECT user_id FROM admin_user WHERE username = %s",
                (catalogs.DEMO_ADMIN.username,),
            )
            admin = int(cursor.fetchone()["user_id"])
            cursor.execute(
                "SELECT entity_id FROM customer_entity WHERE email = %s",
                (catalogs.DEMO_CUSTOMER.email,),
            )
            DEMO_USERS[key] = (admin, int(cursor.fetchone()["entity_id"]))
    return DEMO_USERS[key]


@pytest.fixture
def token_kinds(magento_db: Any, token_key: str) -> dict[str, str]:
    """Every kind of bearer token a caller might hold, valid or not (issued as the token
    endpoint and the `admin_token`/`customer_token` fixtures issue them)."""
    now = int(time.time())
    admin_id, customer_id = _demo_users(magento_db)

    def issue(user_id: int, kind: tokens.UserType, at: int = now, key: str = token_key) -> str:
        return tokens.issue(user_id, kind, key=key, now=at)

    admin, customer = tokens.UserType.ADMIN, tokens.UserType.CUSTOMER
    return {
        "admin": issue(admin_id, admin),
        "customer": issue(customer_id, customer),
        # validly signed, for users that don't exist
        "ghost_admin": issue(10**12, admin),
        "ghost_customer": issue(10**12, customer),
        "expired_admin": issue(admin_id, admin, at=1_000_000),
        "expired_customer": issue(customer_id, customer, at=1_000_000),
        "forged_admin": issue(admin_id, admin, key=secrets.token_urlsafe(48)),
        "junk": "a.b.c",
    }


@pytest.fixture
def fuzzer(legacy: Any, magento_db: Any, token_kinds: dict[str, str]) -> Fuzzer:
    return Fuzzer(
        legacy,
        _simple_sku(magento_db),
        f"{magento_db.address.port}/{magento_db.name}",
        dict(token_kinds),
    )


AUTHORIZED = {
    routes.ANONYMOUS: {
        None,
        *(
            "admin",
            "customer",
            "ghost_admin",
            "ghost_customer",
            "expired_admin",
            "expired_customer",
            "forged_admin",
            "junk",
        ),
    },
    routes.SELF: {"customer", "ghost_customer"},
}
ADMINS = {"admin", "ghost_admin"}


def authorized(route: routes.Route, auth: str | None) -> bool:
    if routes.ANONYMOUS in route.resources:
        return True
    if routes.SELF in route.resources:
        return auth in AUTHORIZED[routes.SELF]
    return auth in ADMINS


# ---------------------------------------------------------------- hand-written: paths


def _admin(target: str, method: str = "GET") -> Req:
    return req(target, method, auth="admin")


PRODUCT_MISSING = (
    404,
    "The product that was requested doesn't exist. Verify the product and try again.",
)
CART_MISSING = (404, "No such entity with %fieldName = %fieldValue")
NOT_IN_CART = (404, "The %1 Cart doesn't contain the %2 item.")
SC_REQUIRED = (400, '"%fieldName" is required. Enter and try again.')
UNAUTHORIZED = (401, "The consumer isn't authorized to access %resources.")


def type_error(value: str, expected: str = "int") -> tuple[int, str]:
    return 400, (
        f'The "{value}" value\'s type is invalid. The "{expected}" type was expected. '
        "Verify and try again."
    )


# `None`: any Magento error will do (where a real store's answer depends on its web server,
# e.g. whether `..` is resolved before routing)
PATH_CASES = [
    pytest.param(_admin("/rest/V1/../V1/products"), None, id="dot-dot-segment"),
    pytest.param(_admin("/rest/V1/products/../products"), None, id="dot-dot-after-route"),
    pytest.param(_admin("/rest/../rest/V1/products"), None, id="dot-dot-before-v1"),
    pytest.param(_admin("/rest/V1/products/%2e%2e"), PRODUCT_MISSING, id="encoded-dot-dot-sku"),
    pytest.param(_admin("/rest/V1/products/."), PRODUCT_MISSING, id="dot-sku"),
    pytest.param(_admin("/rest/V1/products/%00"), PRODUCT_MISSING, id="nul-sku"),
    pytest.param(req("/rest/V1/%00"), NO_ROUTE, id="nul-segment"),
    pytest.param(req("/rest/V1/guest-carts/%00"), CART_MISSING, id="nul-mask"),
    pytest.param(_admin("/rest/V1/products/%zz"), PRODUCT_MISSING, id="invalid-escape-sku"),
    pytest.param(_admin("/rest/V1/products/%"), PRODUCT_MISSING, id="lone-percent-sku"),
    pytest.param(_admin("/rest/V1/products/%4"), PRODUCT_MISSING, id="short-escape-sku"),
    pytest.param(req("/rest/V1/pr%zzoducts"), NO_ROUTE, id="invalid-escape-route"),
    pytest.param(_admin("/rest/V1/pr%6Fducts/x"), None, id="encoded-route-literal"),
    pytest.param(_admin("/rest/V1/products/24-MB01%2Fx"), PRODUCT_MISSING, id="encoded-slash"),
    pytest.param(
        _admin("/rest/V1/products/" + "a" * 10_000), PRODUCT_MISSING, id="overlong-sku-10k"
    ),
    pytest.param(req("/rest/V1/" + "b" * 10_000), NO_ROUTE, id="overlong-segment-10k"),
    pytest.param(req("/rest/V1/guest-carts/" + "c" * 10_000), CART_MISSING, id="overlong-mask-10k"),
    pytest.param(req("/rest/V1/" + "/".join(["d"] * 3000)), NO_ROUTE, id="3000-segments"),
    pytest.param(
        _admin("/rest/V1/products?searchCriteria[pageSize]=" + "9" * 40_000),
        type_error("9" * 40_000),
        id="overlong-query-40k",
    ),
    pytest.param(
        _admin("/rest/V1/products/" + quote("é€😀\u202e\ufeff")), PRODUCT_MISSING, id="unicode-sku"
    ),
    pytest.param(
        _admin("/rest/V1/products/%FF%FE%C0%AF%ED%A0%80"), PRODUCT_MISSING, id="invalid-utf8-sku"
    ),
    pytest.param(req("/rest/V1/pr%C3%B6ducts"), NO_ROUTE, id="unicode-route"),
    pytest.param(
        _admin("/rest/V1/categories/" + quote("٣")),
        type_error("٣"),
        id="arabic-digit-category-id",
    ),
    pytest.param(
        _admin("/rest/V1/categories/%C2%B2"),
        type_error("²"),
        id="superscript-category-id",
    ),
    pytest.param(
        _admin("/rest/V1/categories?depth=%C2%B2"),
        type_error("²"),
        id="superscript-tree-depth",
    ),
    pytest.param(
        _admin("/rest/V1/carts/%C2%B2"),
        type_error("²"),
        id="superscript-cart-id",
    ),
    pytest.param(
        req("/rest/V1/guest-carts/{mask}/items/%C2%B2", "DELETE"),
        type_error("²"),
        id="superscript-item-id",
    ),
    pytest.param(req("/rest"), NO_ROUTE, id="rest"),
    pytest.param(req("/rest/"), NO_ROUTE, id="rest-slash"),
    pytest.param(req("/rest/V1"), NO_ROUTE, id="rest-v1"),
    pytest.param(req("/rest/V1/"), NO_ROUTE, id="rest-v1-slash"),
    pytest.param(req("/rest/default"), NO_ROUTE, id="rest-store-only"),
    pytest.param(req("/rest/all/V1"), NO_ROUTE, id="rest-admin-scope-v1"),
    pytest.param(_admin("/rest/nostore/V1/products"), NO_ROUTE, id="unknown-store-code"),
    pytest.param(_admin("/rest/default/default/V1/products"), NO_ROUTE, id="two-store-codes"),
    pytest.param(_admin("/V1/products"), NO_ROUTE, id="no-rest-prefix"),
    pytest.param(_admin("/restx/V1/products"), NO_ROUTE, id="rest-prefix-lookalike"),
    pytest.param(req("/"), NO_ROUTE, id="root"),
    pytest.param(_admin("//rest/V1/products"), NO_ROUTE, id="leading-double-slash"),
    pytest.param(_admin("/rest//V1//products"), NO_ROUTE, id="inner-double-slashes"),
    pytest.param(req("/rest/V1/guest-carts//items"), NO_ROUTE, id="empty-param-segment"),
    pytest.param(_admin("/rest/v1/products"), NO_ROUTE, id="lowercase-v1"),
    pytest.param(_admin("/rest/V1/Products"), NO_ROUTE, id="capitalised-route"),
    pytest.param(_admin("/rest/V1/products//"), SC_REQUIRED, id="trailing-slashes"),
    pytest.param(_admin("/rest/V1/products?"), SC_REQUIRED, id="empty-query"),
    pytest.param(_admin("/rest/V1/products#fragment"), None, id="fragment"),
    pytest.param(req("*", "OPTIONS"), NO_ROUTE, id="asterisk-form"),
    pytest.param(_admin("http://127.0.0.1/rest/V1/nothing"), None, id="absolute-form"),
    pytest.param(_admin("/healthz/../rest/V1/products"), None, id="health-dot-dot"),
    pytest.param(
        _admin("/rest/V1/carts/99999999999999999999999999"), CART_MISSING, id="huge-cart-id"
    ),
    pytest.param(_admin("/rest/V1/carts/-1"), CART_MISSING, id="negative-cart-id"),
    pytest.param(
        req("/rest/V1/guest-carts/{mask}/items/-1", "DELETE"), NOT_IN_CART, id="negative-item-id"
    ),
    pytest.param(
        req("/rest/V1/guest-carts/{mask}/items/abc", "DELETE"), type_error("abc"), id="junk-item-id"
    ),
    pytest.param(
        req("/rest/V1/guest-carts/{mask}/items/99999999999999999999999", "DELETE"),
        NOT_IN_CART,
        id="huge-item-id",
    ),
    pytest.param(
        req("/rest/V1/guest-carts/{mask}/items/%20", "DELETE"), type_error(" "), id="blank-item-id"
    ),
    pytest.param(_admin("/rest/V1/categories/abc"), type_error("abc"), id="junk-category-id"),
    pytest.param(_admin("/rest/V1/categories/99999999999999999999"), None, id="huge-category-id"),
    pytest.param(
        _admin("/rest/V1/categories?rootCategoryId=abc"), type_error("abc"), id="junk-root-category"
    ),
    pytest.param(_admin("/rest/V1/categories?rootCategoryId[]=1"), None, id="array-root-category"),
    pytest.param(_admin("/rest/V1/categories?depth=x"), type_error("x"), id="junk-depth"),
    pytest.param(
        _admin("/rest/V1/categories?rootCategoryId=999999"), None, id="unknown-root-category"
    ),
    pytest.param(_admin("/rest/V1/stockItems/%00"), PRODUCT_MISSING, id="nul-stock-sku"),
    pytest.param(req("/rest/V1/products"), UNAUTHORIZED, id="no-token-products"),
    pytest.param(
        req("/rest/V1/products", auth="customer"), UNAUTHORIZED, id="customer-token-products"
    ),
    pytest.param(req("/rest/V1/carts/mine", auth="admin"), UNAUTHORIZED, id="admin-token-mine"),
]


@pytest.mark.parametrize(("request_", "expected"), PATH_CASES)
async def test_malformed_paths(
    fuzzer: Fuzzer, request_: Req, expected: tuple[int, str] | None
) -> None:
    await fuzzer.check([(request_, expected)])


# ---------------------------------------------------------------- every route: auth and methods


def _route_target(route: routes.Route) -> str:
    filled = {
        ":sku": "24-MB01",
        ":productSku": "24-MB01",
        ":categoryId": "3",
        ":cartId": "{mask}",
        ":itemId": "{item}",
    }
    return "/rest" + "/".join(filled.get(s, s) for s in route.template.split("/"))


HTML = {"Accept": "text/html"}
NOT_ACCEPTABLE = (
    "Server cannot match any of the given Accept HTTP header media type(s) from "
    'the request: "{}" with media types from the config of response renderer.'
)
# per route: a request that fails even for an authorised caller, and that failure
ROUTE_PROBES: dict[str, tuple[Req, tuple[int, str]]] = {
    "admin_token": (req("/rest/V1/integration/admin/token", "POST", body="{"), DECODING),
    "customer_token": (req("/rest/V1/integration/customer/token", "POST", body="{"), DECODING),
    "revoke_customer_token": (
        req("/rest/V1/integration/customer/revoke-customer-token", "POST", **HTML),
        (406, ""),
    ),
    "product_search": (req("/rest/V1/products"), SC_REQUIRED),
    "product_get": (req(f"/rest/V1/products/{MISSING}"), PRODUCT_MISSING),
    "stock_item_get": (req(f"/rest/V1/stockItems/{MISSING}"), PRODUCT_MISSING),
    "category_tree": (req("/rest/V1/categories?rootCategoryId=abc"), type_error("abc")),
    "category_list": (req("/rest/V1/categories/list"), SC_REQUIRED),
    "category_get": (req("/rest/V1/categories/abc"), type_error("abc")),
    "store_websites": (req("/rest/V1/store/websites", **HTML), (406, "")),
    "store_groups": (req("/rest/V1/store/storeGroups", **HTML), (406, "")),
    "store_views": (req("/rest/V1/store/storeViews", **HTML), (406, "")),
    "customer_me": (req("/rest/V1/customers/me", **HTML), (406, "")),
    "guest_cart_create": (req("/rest/V1/guest-carts", "POST", body="{"), DECODING),
    "guest_cart_get": (req(f"/rest/V1/guest-carts/{MISSING}"), CART_MISSING),
    "guest_cart_assign": (req("/rest/V1/guest-carts/{mask}", "PUT", body="{"), DECODING),
    "guest_cart_items": (req(f"/rest/V1/guest-carts/{MISSING}/items"), CART_MISSING),
    "guest_cart_item_add": (
        req("/rest/V1/guest-carts/{mask}/items", "POST", body=jbody({"cartItem": {"qty": 0}})),
        (400, 'Invalid value of "%value" provided for the %fieldName field.'),
    ),
    "guest_cart_item_update": (
        req(
            "/rest/V1/guest-carts/{mask}/items/{item}", "PUT", body=jbody({"cartItem": {"qty": -1}})
        ),
        (400, 'Invalid value of "%value" provided for the %fieldName field.'),
    ),
    "guest_cart_item_delete": (
        req("/rest/V1/guest-carts/{mask}/items/abc", "DELETE"),
        type_error("abc"),
    ),
    "guest_cart_totals": (req(f"/rest/V1/guest-carts/{MISSING}/totals"), CART_MISSING),
    "mine_cart_create": (req("/rest/V1/carts/mine", "POST", body="{"), DECODING),
    "mine_cart_get": (req("/rest/V1/carts/mine", **HTML), (406, "")),
    "mine_cart_items": (req("/rest/V1/carts/mine/items", **HTML), (406, "")),
    "mine_cart_item_add": (req("/rest/V1/carts/mine/items", "POST", body="["), DECODING),
    "mine_cart_item_update": (req("/rest/V1/carts/mine/items/1", "PUT", body="{"), DECODING),
    "mine_cart_item_delete": (req("/rest/V1/carts/mine/items/abc", "DELETE"), type_error("abc")),
    "mine_cart_totals": (req("/rest/V1/carts/mine/totals", **HTML), (406, "")),
    "admin_cart_get": (req("/rest/V1/carts/abc"), type_error("abc")),
}
AUTH_KINDS = (
    None,
    "admin",
    "customer",
    "ghost_admin",
    "ghost_customer",
    "expired_admin",
    "expired_customer",
    "forged_admin",
    "junk",
)


def test_every_route_has_a_probe() -> None:
    assert set(ROUTE_PROBES) == {r.handler for r in routes.ROUTES}


@pytest.mark.parametrize("route", routes.ROUTES, ids=lambda r: r.handler)
async def test_every_route_with_every_token(fuzzer: Fuzzer, route: routes.Route) -> None:
    probe, (status, message) = ROUTE_PROBES[route.handler]
    cases = []
    for auth in AUTH_KINDS:
        if status == 406:  # Accept is checked before the caller
            expected = (406, NOT_ACCEPTABLE.format("text/html"))
        elif authorized(route, auth):
            expected = (status, message)
        else:
            expected = UNAUTHORIZED
        cases.append((replace(probe, auth=auth), expected))
    await fuzzer.check(cases)


def _wrong_methods(route: routes.Route) -> list[str]:
    segments = urls.route_segments(route.template)
    return [m for m in METHODS if routes.match(m, segments) is None]


@pytest.mark.parametrize(
    "route",
    # one representative per path template
    list({r.template: r for r in routes.ROUTES}.values()),
    ids=lambda r: r.template,
)
async def test_every_route_with_wrong_methods(fuzzer: Fuzzer, route: routes.Route) -> None:
    wrong = _wrong_methods(route)
    assert wrong, route.template
    body = jbody({"cartItem": {"sku": "24-MB01", "qty": 1}})
    await fuzzer.check(
        (
            req(
                _route_target(route),
                method,
                auth=auth,
                body=body if method in BODY_METHODS else b"",
            ),
            NO_ROUTE,
        )
        for method in wrong
        for auth in (None, "admin", "customer")
    )


# ---------------------------------------------------------------- hand-written: bodies


def deep(depth: int, *, close: bool = True, obj: bool = False) -> bytes:
    opening, ending = (b'{"a":', b"}") if obj else (b"[", b"]")
    return opening * depth + (b"1" + ending * depth if close else b"")


ANY_BODY = [  # 4xx on every cart-item route
    pytest.param(b"{", DECODING, id="truncated-object"),
    pytest.param(b"{'cartItem': {}}", DECODING, id="single-quotes"),
    pytest.param(b'{"cartItem":{"qty":0},}', DECODING, id="trailing-comma"),
    pytest.param(b'{"cartItem":{"qty":NaN}}', DECODING, id="nan-literal"),
    pytest.param(b'{"cartItem":{"qty":Infinity}}', DECODING, id="infinity-literal"),
    pytest.param(b"hello", DECODING, id="bare-word"),
    pytest.param(b'"abc', DECODING, id="unterminated-string"),
    pytest.param(b'"\\uZZZZ"', DECODING, id="bad-unicode-escape"),
    pytest.param(b" ", DECODING, id="whitespace-only"),
    pytest.param(b"\xef\xbb\xbf{}", DECODING, id="utf8-bom"),
    pytest.param('{"cartItem":{}}'.encode("utf-16"), DECODING, id="utf16"),
    pytest.param(b'{"cartItem":{"sku":"\xff\xfe","qty":1}}', DECODING, id="non-utf8-bytes"),
    pytest.param(b'{"a":"caf\xe9"}', DECODING, id="latin1-bytes"),
    pytest.param(b'{"cartItem":{"sku":"\\ud800","qty":1}}', DECODING, id="lone-surrogate"),
    pytest.param(b"[" * 10_000, DECODING, id="deep-10000-unclosed"),
    pytest.param(deep(10_000), DECODING, id="deep-10000-arrays"),
    pytest.param(deep(10_000, obj=True), DECODING, id="deep-10000-objects"),
    pytest.param(deep(900, obj=True), DECODING, id="deep-900-objects"),
    pytest.param(deep(600, obj=True), DECODING, id="deep-600-objects"),
    pytest.param(deep(513), DECODING, id="deep-513-past-php-limit"),
    pytest.param(deep(512, obj=True), None, id="deep-512-at-php-limit"),
    pytest.param(b'{"cartItem":' + deep(600, obj=True) + b"}", DECODING, id="deep-cart-item"),
    pytest.param(b'{"cartItem":{"qty":' + b"9" * 400 + b"}}", None, id="qty-400-digit-int"),
    pytest.param(b'{"cartItem":{"qty":-' + b"9" * 400 + b"}}", None, id="qty-negative-huge"),
    pytest.param(b'{"cartItem":{"qty":1e400}}', None, id="qty-1e400"),
    pytest.param(b'{"cartItem":{"qty":1e-400}}', None, id="qty-1e-400"),
    pytest.param(b'{"cartItem":{"qty":100000000000000000000}}', None, id="qty-1e20"),
    pytest.param(b'{"cartItem":{"qty":"1e999"}}', None, id="qty-string-1e999"),
    pytest.param(b'{"cartItem":{"qty":"NaN"}}', None, id="qty-string-nan"),
    pytest.param(b'{"cartItem":{"qty":"abc"}}', None, id="qty-word"),
    pytest.param(b'{"cartItem":{"qty":"-0"}}', None, id="qty-minus-zero"),
    pytest.param(b'{"cartItem":{"qty":0}}', None, id="qty-zero"),
    pytest.param(b'{"cartItem":{"qty":-1}}', None, id="qty-negative"),
    pytest.param(b'{"cartItem":{"qty":true}}', None, id="qty-bool"),
    pytest.param(b'{"cartItem":{"qty":null}}', None, id="qty-null"),
    pytest.param(b'{"cartItem":{"qty":[]}}', None, id="qty-array"),
    pytest.param(b'{"cartItem":{"qty":{"a":1}}}', None, id="qty-object"),
    pytest.param(b'{"cartItem":{}}', None, id="cart-item-empty"),
    pytest.param(b'{"cartItem":"x"}', None, id="cart-item-string"),
    pytest.param(b'{"cartItem":1}', None, id="cart-item-number"),
    pytest.param(b'{"cartItem":[]}', None, id="cart-item-empty-list"),
    pytest.param(b'{"cartItem":[1,{"qty":1}]}', None, id="cart-item-list"),
    pytest.param(b'{"cartItem":true}', None, id="cart-item-bool"),
    pytest.param(b'{"cartItem":null}', None, id="cart-item-null"),
    pytest.param(
        b'{"cartItem":{"qty":1},"cart_item":{"qty":0}}', None, id="both-spellings-last-bad"
    ),
    pytest.param(b'{"cartItem":{"qty":1},"cartItem":{"qty":0}}', None, id="duplicate-key"),
    pytest.param(b'"str"', None, id="json-string"),
    pytest.param(b"1", None, id="json-number"),
    pytest.param(b"0", None, id="json-zero-falsy"),
    pytest.param(b"true", None, id="json-true"),
    pytest.param(b"null", None, id="json-null"),
    pytest.param(b"[]", None, id="json-empty-array"),
    pytest.param(b'[{"cartItem":{"qty":1}}]', None, id="json-array-of-items"),
    pytest.param(b"{}", None, id="json-empty-object"),
    pytest.param(jbody({f"k{i}": i for i in range(20_000)}), None, id="20k-keys"),
    pytest.param(jbody({"cartItem": {"qty": 0, "sku": "x" * 100_000}}), None, id="long-sku"),
]
ADD_BODY = [  # a valid quantity: 4xx only where the SKU matters (adding)
    pytest.param(
        jbody({"cartItem": {"qty": 1, "sku": MISSING}}), PRODUCT_MISSING, id="sku-missing"
    ),
    pytest.param(jbody({"cartItem": {"qty": 1, "sku": ""}}), PRODUCT_MISSING, id="sku-empty"),
    pytest.param(jbody({"cartItem": {"qty": 1, "sku": ["24-MB01"]}}), None, id="sku-list"),
    pytest.param(jbody({"cartItem": {"qty": 1, "sku": {"a": "24-MB01"}}}), None, id="sku-object"),
    pytest.param(jbody({"cartItem": {"qty": 1, "sku": 24}}), None, id="sku-number"),
    pytest.param(jbody({"cartItem": {"qty": 1, "sku": None}}), None, id="sku-null"),
    pytest.param(jbody({"cartItem": {"qty": 1, "sku": True}}), None, id="sku-bool"),
    pytest.param(jbody({"cartItem": {"qty": 1, "sku": "a\u0000b"}}), PRODUCT_MISSING, id="sku-nul"),
    pytest.param(jbody({"cartItem": {"qty": 1, "sku": "%"}}), PRODUCT_MISSING, id="sku-wildcard"),
    pytest.param(jbody({"cartItem": {"qty": 1}}), None, id="sku-absent"),
]
ITEM_TARGETS = {
    "guest-add": req("/rest/V1/guest-carts/{mask}/items", "POST"),
    "guest-update": req("/rest/V1/guest-carts/{mask}/items/{item}", "PUT"),
    "mine-add": req("/rest/V1/carts/mine/items", "POST", auth="customer"),
    "mine-update": req("/rest/V1/carts/mine/items/{item}", "PUT", auth="customer"),
    "admin-token": req("/rest/V1/integration/admin/token", "POST"),
}


def _with_body(r: Req, body: bytes, content_type: str = "application/json") -> Req:
    return replace(r, body=body, headers=(("Content-Type", content_type), *r.headers))


@pytest.mark.parametrize(("body", "expected"), ANY_BODY)
async def test_malformed_bodies(
    fuzzer: Fuzzer, body: bytes, expected: tuple[int, str] | None
) -> None:
    await fuzzer.check((_with_body(r, body), expected) for r in ITEM_TARGETS.values())


@pytest.mark.parametrize(("body", "expected"), ADD_BODY)
async def test_malformed_cart_items_on_add(
    fuzzer: Fuzzer, body: bytes, expected: tuple[int, str] | None
) -> None:
    # the customer may have no active cart (404 before the SKU is looked at): any 4xx there
    await fuzzer.check(
        [
            (_with_body(ITEM_TARGETS["guest-add"], body), expected),
            (_with_body(ITEM_TARGETS["mine-add"], body), None),
        ]
    )


def test_deep_bodies_are_deep() -> None:
    # the helper really nests: guards the depth cases above against a silent typo
    assert json.loads(deep(5)) == [[[[[1]]]]]
    assert json.loads(deep(3, obj=True)) == {"a": {"a": {"a": 1}}}


# ---------------------------------------------------------------- hand-written: headers


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        pytest.param(None, (400, "Content-Type header is empty."), id="missing"),
        pytest.param("", (400, "Content-Type header is empty."), id="empty"),
        pytest.param(
            "text/plain",
            (400, "Server cannot understand Content-Type HTTP header media type text/plain"),
            id="text-plain",
        ),
        pytest.param("application/x-www-form-urlencoded", None, id="form"),
        pytest.param("application/xml", None, id="xml"),
        pytest.param("*/*", None, id="wildcard"),
        pytest.param(
            "APPLICATION/JSON",
            (400, "Server cannot understand Content-Type HTTP header media type APPLICATION/JSON"),
            id="uppercase-json",
        ),
        pytest.param(
            "multipart/form-data; boundary=x",
            (400, "Content-Type header is invalid."),
            id="multipart",
        ),
        pytest.param(
            "application/json; foo=bar",
            (400, "Content-Type header is invalid."),
            id="unknown-parameter",
        ),
        pytest.param(
            "application json",
            (400, "Content-Type header is invalid."),
            id="space-instead-of-slash",
        ),
        pytest.param(
            "application/json; charset=latin1",
            (400, "UTF-8 is the only supported charset."),
            id="latin1",
        ),
        pytest.param(
            "application/json; charset=utf8",
            (400, "UTF-8 is the only supported charset."),
            id="utf8-without-dash",
        ),
        pytest.param(
            'application/json; charset="utf-8"',
            (400, "UTF-8 is the only supported charset."),
            id="quoted-charset",
        ),
        pytest.param(
            "application/json;charset=UTF-8",
            (400, '"%fieldName" is required. Enter and try again.'),
            id="valid-upper-charset",
        ),
        # the UTF-8 bytes of an emoji, as a client would put them on the wire
        pytest.param(
            "😀".encode().decode("latin-1"),
            (400, "Content-Type header is invalid."),
            id="non-ascii",
        ),
    ],
)
async def test_wrong_and_missing_content_type(
    fuzzer: Fuzzer, content_type: str | None, expected: tuple[int, str] | None
) -> None:
    headers = () if content_type is None else (("Content-Type", content_type),)
    cases = [(Req("POST", "/rest/V1/guest-carts/{mask}/items", b"{}", headers), expected)]
    if content_type != "application/json;charset=UTF-8":  # there, `{}` would create a cart
        cases.append((Req("POST", "/rest/V1/guest-carts", b"{}", headers), expected))
    await fuzzer.check(cases)


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param("text/html", id="html"),
        pytest.param("application/xml", id="xml"),
        pytest.param("text/html, image/png;q=0.9", id="list"),
        pytest.param("text/*", id="text-wildcard"),
        pytest.param(",,,;;;", id="punctuation"),
        pytest.param("application/jsonx", id="json-lookalike"),
        pytest.param("x" * 10_000, id="overlong"),
    ],
)
async def test_accept_without_json(fuzzer: Fuzzer, accept: str) -> None:
    expected = (406, NOT_ACCEPTABLE.format(accept))
    await fuzzer.check(
        [
            (req("/rest/V1/guest-carts/{mask}", Accept=accept), expected),
            (req("/rest/V1/guest-carts/{mask}/totals", Accept=accept), expected),
            (req("/rest/V1/store/websites", auth="admin", Accept=accept), expected),
            (req("/rest/V1/nothing", Accept=accept), NO_ROUTE),  # JSON even for a 404
        ]
    )


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Bearer", id="scheme-only"),
        pytest.param("Bearer ", id="scheme-and-space"),
        pytest.param("Bearer  {admin}", id="two-spaces"),
        pytest.param("Bearer {admin} extra", id="three-pieces"),
        pytest.param("Basic Zm9vOmJhcg==", id="basic"),
        pytest.param("Bearer a.b.c", id="junk-jwt"),
        pytest.param("Bearer {admin}x", id="tampered-admin"),
        pytest.param("Bearer " + "a" * 10_000, id="overlong-token"),
        pytest.param("Bearer {expired_admin}", id="expired-admin"),
        pytest.param("Bearer {forged_admin}", id="forged-admin"),
        pytest.param("Bearer {customer}", id="customer-on-admin-route"),
        pytest.param("{admin}", id="no-scheme"),
        pytest.param("%00%01", id="encoded-control-characters"),
    ],
)
async def test_junk_authorization(fuzzer: Fuzzer, authorization: str) -> None:
    for kind in ("admin", "expired_admin", "forged_admin", "customer"):
        authorization = authorization.replace("{" + kind + "}", fuzzer.values[kind])
    cases = [
        (
            req("/rest/V1/products?searchCriteria[pageSize]=1", Authorization=authorization),
            UNAUTHORIZED,
        )
    ]
    if authorization != "Bearer " + fuzzer.values["customer"]:
        cases.append((req("/rest/V1/carts/mine", Authorization=authorization), UNAUTHORIZED))
    await fuzzer.check(cases)


async def test_odd_headers(fuzzer: Fuzzer) -> None:
    many = tuple((f"X-Fuzz-{i}", "v" * 100) for i in range(100))
    await fuzzer.check(
        [
            # two Authorization headers, the first one wins
            (
                Req(
                    "GET",
                    "/rest/V1/products",
                    headers=(("Authorization", "Bearer junk"), ("Authorization", "Bearer {admin}")),
                ),
                UNAUTHORIZED,
            ),
            (
                Req(
                    "GET",
                    "/rest/V1/products",
                    headers=(("Authorization", "Bearer x"), ("X-Request-ID", "r" * 10_000)),
                ),
                UNAUTHORIZED,
            ),
            (Req("GET", "/rest/V1/guest-carts/" + MISSING, headers=many), CART_MISSING),
            (
                Req(
                    "GET",
                    "/rest/V1/guest-carts/" + MISSING,
                    headers=(("X-Obs-Text", "\xff\xfe caf\xe9"),),
                ),
                CART_MISSING,
            ),
            (
                Req(
                    "GET",
                    "/rest/V1/guest-carts/" + MISSING,
                    headers=(("X-!#$%&'*+.^_`|~", "odd-name"),),
                ),
                CART_MISSING,
            ),
            # repeated Accept headers: one list, JSON in it
            (
                Req(
                    "GET",
                    "/rest/V1/guest-carts/" + MISSING,
                    headers=(("Accept", "text/html"), ("Accept", "application/json")),
                ),
                CART_MISSING,
            ),
            (
                Req(
                    "POST",
                    "/rest/V1/guest-carts/{mask}/items",
                    b"{}",
                    (("Content-Type", "application/json"), ("Expect", "100-continue")),
                ),
                (400, '"%fieldName" is required. Enter and try again.'),
            ),
            # a gzip header over bytes that are not gzip: Magento would see undecodable bytes
            (
                Req(
                    "POST",
                    "/rest/V1/guest-carts/{mask}/items",
                    b"not gzip at all",
                    (("Content-Type", "application/json"), ("Content-Encoding", "gzip")),
                ),
                DECODING,
            ),
            (
                Req(
                    "POST",
                    "/rest/V1/guest-carts/{mask}/items",
                    b"not deflate",
                    (("Content-Type", "application/json"), ("Content-Encoding", "deflate")),
                ),
                DECODING,
            ),
        ]
    )


async def test_oversized_body(fuzzer: Fuzzer, legacy: Any) -> None:
    limit = legacy.server.app._client_max_size
    huge = b'{"cartItem":{"qty":1,"sku":"' + b"x" * (limit + 1024) + b'"}}'
    await fuzzer.check(
        [
            (_with_body(ITEM_TARGETS["guest-add"], huge), (413, "Request Entity Too Large")),
            (_with_body(ITEM_TARGETS["guest-update"], huge), (413, "Request Entity Too Large")),
            (
                _with_body(req("/rest/V1/guest-carts", "POST"), huge),
                (413, "Request Entity Too Large"),
            ),
            # the caller is refused before the body is read
            (_with_body(req("/rest/V1/carts/mine/items", "POST"), huge), UNAUTHORIZED),
        ]
    )


# ---------------------------------------------------------------- hand-written: searchCriteria


def filt(field_: str, value: str, condition: str | None = None, g: int = 0, f: int = 0) -> str:
    base = f"searchCriteria[filter_groups][{g}][filters][{f}]"
    out = f"{base}[field]={field_}&{base}[value]={value}"
    return out + (f"&{base}[condition_type]={condition}" if condition else "")


SC_CASES = [
    pytest.param("", SC_REQUIRED, id="absent"),
    pytest.param("searchCriteria=x", None, id="scalar-criteria"),
    pytest.param("searchCriteria[]=x", None, id="appended-criteria"),
    pytest.param("searchCriteria[pageSize][]=1", type_error("array"), id="page-size-array"),
    pytest.param("searchCriteria[currentPage][a][b]=1", type_error("array"), id="current-page-map"),
    pytest.param("searchCriteria[pageSize]=1e30", None, id="page-size-1e30"),
    pytest.param("searchCriteria[pageSize]=NaN", type_error("NaN"), id="page-size-nan"),
    pytest.param(
        "searchCriteria[pageSize]=-1&searchCriteria[zzz]=1", None, id="page-size-minus-one-and-junk"
    ),
    pytest.param("searchCriteria[pageSize]=%FF", type_error("\ufffd"), id="page-size-bad-utf8"),
    pytest.param("searchCriteria[filter_groups]=x", None, id="filter-groups-string"),
    pytest.param("searchCriteria[filter_groups][0]=x", None, id="filter-group-string"),
    pytest.param("searchCriteria[filter_groups][0][filters]=x", None, id="filters-string"),
    pytest.param("searchCriteria[filter_groups][0][filters][0]=x", None, id="filter-string"),
    pytest.param("searchCriteria" + "[a]" * 200 + "=1", SC_REQUIRED, id="200-level-brackets"),
    pytest.param("searchCriteria[filter_groups]" + "[0]" * 62 + "=1", None, id="64-level-brackets"),
    pytest.param("searchCriteria[" * 200 + "=1", SC_REQUIRED, id="200-unclosed-brackets"),
    pytest.param("searchCriteria]]]]=1", SC_REQUIRED, id="only-closing-brackets"),
    pytest.param(
        "searchCriteria[sortOrders][0][field]=price&"
        "searchCriteria[sortOrders][0][direction]=sideways",
        None,
        id="direction-junk",
    ),
    pytest.param(
        "searchCriteria[sortOrders][0][direction][]=ASC",
        type_error("array", "string"),
        id="direction-array",
    ),
    pytest.param("searchCriteria[sortOrders]=ASC", None, id="sort-orders-string"),
    pytest.param(
        filt("sku", "x") + "&searchCriteria[filter_groups][0][filters][0][condition_type][]=eq",
        type_error("array", "string"),
        id="condition-type-array",
    ),
    pytest.param(
        "searchCriteria[filter_groups][0][filters][0][condition_type]=junk",
        None,
        id="condition-junk-without-field",
    ),
    pytest.param(filt("no_such_attribute", "1"), None, id="unknown-filter-field"),
    pytest.param(filt("sku%3B%20DROP%20TABLE%20x", "1"), None, id="sql-in-field-name"),
    pytest.param(filt("e.sku", "1"), None, id="qualified-field-name"),
    pytest.param(
        filt("sku", "1") + "&searchCriteria[filterGroups][0][bogus]=1", None, id="unknown-group-key"
    ),
    pytest.param(
        "searchCriteria[pageSize]=2&searchCriteria[page_size]=3&searchCriteria[pageSize]=abc",
        type_error("abc"),
        id="bad-spelling-overridden-by-later-good-spelling",
    ),
    pytest.param(
        "fields=items[sku]&searchCriteria[pageSize]=x",
        type_error("x"),
        id="fields-with-bad-criteria",
    ),
    pytest.param(
        "fields=" + "[" * 10_000 + "&searchCriteria=x", None, id="deep-fields-with-bad-criteria"
    ),
    pytest.param("&".join(f"v{i}=1" for i in range(1500)), SC_REQUIRED, id="1500-variables"),
    pytest.param(
        "&".join(f"v{i}=1" for i in range(1000)) + "&searchCriteria[pageSize]=1",
        SC_REQUIRED,
        id="criteria-past-max-input-vars",
    ),
]


@pytest.mark.parametrize(("query", "expected"), SC_CASES)
async def test_malformed_search_criteria(
    fuzzer: Fuzzer, query: str, expected: tuple[int, str] | None
) -> None:
    await fuzzer.check(
        [
            (req(f"/rest/V1/products?{query}", auth="admin"), expected),
            (req(f"/rest/all/V1/categories/list?{query}", auth="admin"), expected),
            # without the token the ACL answers first
            (req(f"/rest/V1/products?{query}"), UNAUTHORIZED),
        ]
    )


# ---------------------------------------------------------------- odd but valid: 200, never 5xx


async def _ok(fuzzer: Fuzzer, query: str) -> Any:
    answer = await fuzzer.ask(req(f"/rest/V1/products?{query}", auth="admin"))
    assert (answer.status, answer.headers.get("content-type")) == (200, JSON_TYPE), answer.body
    return json.loads(answer.body)


async def test_odd_page_values_answer_200(fuzzer: Fuzzer) -> None:
    prefix = filt("sku", quote(fuzzer.sku[:3]) + "%25", "like")
    everything = await _ok(fuzzer, prefix + "&searchCriteria[pageSize]=-1")
    unlimited = await _ok(fuzzer, prefix + "&searchCriteria[pageSize]=0")
    first = await _ok(fuzzer, prefix + "&searchCriteria[pageSize]=1&searchCriteria[currentPage]=1")
    negative = await _ok(
        fuzzer, prefix + "&searchCriteria[pageSize]=1&searchCriteria[currentPage]=-5"
    )
    past = await _ok(
        fuzzer, prefix + "&searchCriteria[pageSize]=1&searchCriteria[currentPage]=999999"
    )

    skus = [p["sku"] for p in everything["items"]]
    assert fuzzer.sku in skus
    assert everything["total_count"] == len(skus)
    assert [p["sku"] for p in unlimited["items"]] == skus
    assert negative["items"] == first["items"] == everything["items"][:1]  # page < 1 is page 1
    assert negative["search_criteria"]["current_page"] == -5  # echoed as sent
    assert past["items"] == []
    assert past["total_count"] == len(skus)


@pytest.mark.parametrize(
    ("condition", "total"),
    [
        pytest.param(("sku", "{sku}", "bogus"), 1, id="condition-junk-is-eq"),
        pytest.param(("sku", "{sku}", "LIKE"), 1, id="condition-uppercase-is-eq"),
        pytest.param(("price", "abc", "gt"), None, id="price-greater-than-word"),
        pytest.param(("created_at", "junk", "gt"), None, id="date-greater-than-word"),
        pytest.param(("category_id", "abc,%00,", "in"), 0, id="category-junk-ids"),
        pytest.param(("sku", "%00%FF", "like"), 0, id="nul-and-bad-utf8-value"),
        pytest.param(("sku", "", "in"), 0, id="empty-in-list"),
        pytest.param(("entity_id", "9" * 30, "eq"), 0, id="huge-id"),
    ],
)
# MariaDB only warns on `price > 'abc'`: the service answers 200 like Magento's PDO does
# (db.QuietCursor drops the warnings, which pytest's -W error would otherwise turn into a 500).
async def test_odd_filters_answer_200(
    fuzzer: Fuzzer, condition: tuple[str, str, str], total: int | None
) -> None:
    field_, value, kind = condition
    value = value.replace("{sku}", quote(fuzzer.sku))
    query = filt(field_, value, kind) + "&searchCriteria[sortOrders][0][field]=no_such_field"
    body = await _ok(fuzzer, query)
    assert body["search_criteria"]["filter_groups"][0]["filters"][0]["condition_type"] == kind
    assert isinstance(body["total_count"], int)
    if total is not None:
        assert body["total_count"] == total == len(body["items"])


@pytest.mark.parametrize(
    ("fields", "kept"),
    [
        pytest.param("items[sku", set(), id="unbalanced"),
        pytest.param("]]]", set(), id="closing-brackets"),
        pytest.param("[" * 10_000, set(), id="10k-open-brackets"),
        pytest.param(",,,", set(), id="only-commas"),
        pytest.param("", None, id="empty"),
        pytest.param("items[sku],total_count", {"items", "total_count"}, id="valid"),
        pytest.param("a[" * 5000 + "]" * 5000, set(), id="5000-deep-unknown-field"),
    ],
)
async def test_junk_fields_answer_200(fuzzer: Fuzzer, fields: str, kept: set[str] | None) -> None:
    """FieldsFilter::filter: an empty parameter is not applied; one that does not parse (or names
    nothing present) filters everything away, answering PHP's empty array."""
    body = await _ok(fuzzer, filt("sku", quote(fuzzer.sku)) + "&fields=" + quote(fields, safe=""))
    if kept is None:
        assert list(body) == ["items", "search_criteria", "total_count"]
        assert body["items"][0]["sku"] == fuzzer.sku
        assert "custom_attributes" in body["items"][0]
    elif not kept:
        assert body == []
    else:
        assert set(body) == kept
        assert body["items"] == [{"sku": fuzzer.sku}]


async def test_fields_given_as_an_array_filters_everything(fuzzer: Fuzzer) -> None:
    body = await _ok(fuzzer, filt("sku", quote(fuzzer.sku)) + "&fields[]=items&fields[x]=y")
    assert body == []


# ---------------------------------------------------------------- hypothesis


def _run(fuzzer: Fuzzer, loop: asyncio.AbstractEventLoop) -> Callable[[Req], Answer]:
    """A blocking `ask` for the hypothesis thread: the request runs on the service's loop."""

    def ask(r: Req) -> Answer:
        return asyncio.run_coroutine_threadsafe(fuzzer.ask(r), loop).result()

    return ask


def _explain(r: Req, answer: Answer) -> str:
    return (
        f"{r.method} {r.target[:300]!r} auth={r.auth} headers={r.headers!r:.300} "
        f"body={r.body[:200]!r} -> {answer.status} {answer.headers.get('content-type')} "
        f"{answer.body[:300]!r}"
    )


ROUTE_WORDS = sorted({s for r in routes.ROUTES for s in r.segments if not s.startswith(":")})
JUNK_SEGMENTS = [
    "..",
    ".",
    "",
    "%00",
    "%zz",
    "%",
    "%2F",
    "%2e%2e",
    "~",
    "rest",
    "all",
    "default",
    "mine",
    "list",
    MISSING,
    "-1",
    "99999999999999999999",
    "%C2%B3x",
    "a" * 300,
]
texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
segment = st.one_of(
    st.sampled_from(ROUTE_WORDS),
    st.sampled_from(JUNK_SEGMENTS),
    texts.map(lambda t: MISSING + quote(t, safe="")),
    st.integers(min_value=10**9).map(str),
)
store = st.sampled_from(["", "/default", "/all"])
auth_kind = st.sampled_from(AUTH_KINDS)
accept = st.sampled_from([None, "application/json", "*/*", "text/html", "application/*"])
# routes that answer 200 for a caller they admit and a request with no other fault
CAN_SUCCEED = {
    "category_tree",
    "store_websites",
    "store_groups",
    "store_views",
    "customer_me",
    "mine_cart_get",
    "mine_cart_items",
    "mine_cart_totals",
    "guest_cart_create",
    "mine_cart_create",
    "revoke_customer_token",
}


def would_succeed(r: Req) -> bool:
    """Whether `r` is a well-formed request for a parameterless route (a 200, not a fault)."""
    rest = urls.split(r.target.partition("?")[0], frozenset({"default"}))
    if rest is None:
        return False
    found = routes.match(r.method, urls.route_segments(rest.service_path))
    if found is None or not authorized(found.route, r.auth):
        return False
    accepts = dict(r.headers).get("Accept")
    if accepts not in (None, "application/json", "*/*", "application/*"):
        return False
    return found.route.handler in CAN_SUCCEED


def rarely(draw: st.DrawFn, one_in: int = 8) -> bool:
    return draw(st.integers(1, one_in)) == 1


@st.composite
def service_paths(draw: st.DrawFn) -> tuple[str, str]:
    """(method, `V1/...` path): mostly a route's template with junk parameters, mutated."""
    if rarely(draw):  # anything at all
        return draw(st.sampled_from(METHODS)), "/".join(draw(st.lists(segment, max_size=6)))
    route = draw(st.sampled_from(routes.ROUTES))
    parts = [draw(segment) if p.startswith(":") else p for p in route.segments]
    mutation = (
        "none"
        if not rarely(draw, 3)
        else draw(
            st.sampled_from(["insert", "drop", "replace", "double-slash", "trailing-slash", "case"])
        )
    )
    at = draw(st.integers(0, len(parts) - 1))
    if mutation == "insert":
        parts.insert(at, draw(segment))
    elif mutation == "drop":
        del parts[at]
    elif mutation == "replace":
        parts[at] = draw(segment)
    elif mutation == "double-slash":
        parts.insert(at, "")
    elif mutation == "trailing-slash":
        parts.append("")
    elif mutation == "case":
        parts[at] = parts[at].swapcase()
    method = draw(st.sampled_from(METHODS)) if rarely(draw, 4) else route.method
    return method, "/".join(parts)


@st.composite
def path_requests(draw: st.DrawFn) -> Req:
    method, path = draw(service_paths())
    if path.startswith("V1/") and rarely(draw):
        path = draw(st.sampled_from(["v1", "V2", "", "V1/V1"])) + path[2:]
    target = "/rest" + draw(store) + "/" + path
    if rarely(draw):
        prefix = draw(st.sampled_from(["", "/", "//", "/restV1", "/x", "/rest/nostore"]))
        target = prefix + target[5:]
    if rarely(draw, 3):
        target += "?" + quote_plus(draw(texts), safe="=&[]")
    headers = []
    if (a := draw(accept)) is not None:
        headers.append(("Accept", a))
    body = b""
    if method in BODY_METHODS and draw(st.booleans()):
        body = draw(st.sampled_from([b"{", b"[]", b"null", b"\xff", b'{"cartItem":{"qty":0}}']))
        headers.append(("Content-Type", "application/json"))
    return Req(method, target, body, tuple(headers), draw(auth_kind))


async def test_generated_paths(fuzzer: Fuzzer) -> None:
    ask = _run(fuzzer, asyncio.get_running_loop())

    @settings(FUZZ, max_examples=300)
    @given(path_requests())
    def check(r: Req) -> None:
        assume(not would_succeed(r))
        answer = ask(r)
        assert faults(answer) == [], _explain(r, answer)

    await asyncio.to_thread(check)


SC_KEYS = [
    "filter_groups",
    "filterGroups",
    "filters",
    "field",
    "value",
    "condition_type",
    "conditionType",
    "sortOrders",
    "sort_orders",
    "direction",
    "pageSize",
    "page_size",
    "currentPage",
    "current_page",
    "0",
    "1",
    "",
    " ",
    "-1",
    "07",
]
SC_VALUES = [
    "sku",
    "name",
    "price",
    "entity_id",
    "category_id",
    "24-MB0%25",
    "%25",
    "",
    "-1",
    "0",
    "2",
    "1e30",
    "NaN",
    "asc",
    "DESC",
    "like",
    "in",
    "finset",
    "nlike",
    "null",
    "from",
    "to",
    "gteq",
    "3,4,5",
    MISSING,
]
sc_key = st.one_of(st.sampled_from(SC_KEYS), texts).map(lambda t: quote(t, safe=""))
sc_value = st.one_of(st.sampled_from(SC_VALUES), texts.map(quote_plus))
BREAKERS = [  # appended last, each makes any searchCriteria invalid
    "searchCriteria[fz{n}]=1",
    "searchCriteria[pageSize]=x{n}",
    "searchCriteria[currentPage][]={n}",
    "searchCriteria[sortOrders][fz{n}][direction]=up",
    "searchCriteria[filter_groups][fz{n}][filters][0][condition_type]=eq",
    "searchCriteria[filter_groups][fz{n}][filters][0][field][]=sku",
    "searchCriteria[filterGroups][fz{n}]=x",
    "searchCriteria=fz{n}",
]


@st.composite
def criteria_queries(draw: st.DrawFn) -> str:
    pairs = []
    for _ in range(draw(st.integers(0, 8))):
        root = draw(
            st.sampled_from(["searchCriteria", "search_criteria", "searchCriteria", "fields", "x"])
        )
        keys = draw(st.lists(sc_key, max_size=6))
        brackets = "".join(f"[{k}]" for k in keys)
        if draw(st.booleans()):
            brackets = brackets.replace("[", "%5B").replace("]", "%5D")
        pairs.append(f"{root}{brackets}={draw(sc_value)}")
    breaker = draw(st.sampled_from(BREAKERS)).format(n=draw(st.integers(0, 99)))
    return "&".join([*pairs, breaker])


async def test_generated_search_criteria(fuzzer: Fuzzer) -> None:
    ask = _run(fuzzer, asyncio.get_running_loop())

    @settings(FUZZ, max_examples=300)
    @given(
        criteria_queries(),
        st.sampled_from(
            ["/rest/V1/products", "/rest/all/V1/products", "/rest/default/V1/categories/list"]
        ),
    )
    def check(query: str, path: str) -> None:
        r = req(f"{path}?{query}", auth="admin")
        answer = ask(r)
        assert faults(answer) == [], _explain(r, answer)

    await asyncio.to_thread(check)


PHP_NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", re.ASCII)


def _positive(text: str) -> bool:
    return bool(PHP_NUMBER.fullmatch(text)) and float(text) > 0


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)
bad_qty = st.one_of(
    st.integers(max_value=0),
    st.integers(min_value=10**8),
    st.floats(max_value=0.0),
    st.floats(min_value=1e8),
    st.sampled_from([float("nan"), float("inf"), 10**400]),
    texts.filter(lambda t: not _positive(t)),
    st.lists(json_leaf, max_size=3),
    st.dictionaries(texts, json_leaf, max_size=3),
    st.booleans(),
    st.none(),
)
bad_cart_item = st.one_of(
    st.fixed_dictionaries(
        {"qty": bad_qty},
        optional={
            "sku": json_value,
            "quote_id": json_value,
            "item_id": json_value,
            "product_type": json_value,
        },
    ),
    json_leaf,
    st.lists(json_value, max_size=3),
)


@st.composite
def item_bodies(draw: st.DrawFn) -> bytes:
    extra = draw(
        st.dictionaries(
            texts.filter(lambda t: t.lower().replace("_", "") != "cartitem"), json_value, max_size=3
        )
    )
    doc = {
        **extra,
        draw(st.sampled_from(["cartItem", "cart_item", "CartItem"])): draw(bad_cart_item),
    }
    raw = json.dumps(doc, allow_nan=True).encode()
    mangle = draw(st.sampled_from(["none", "none", "truncate", "garbage", "utf16"]))
    if mangle == "truncate":
        raw = raw[: draw(st.integers(0, max(len(raw) - 1, 0)))]
    elif mangle == "garbage":
        at = draw(st.integers(0, len(raw)))
        # a NUL byte is never valid JSON text, so the mangled body cannot turn valid
        raw = raw[:at] + b"\x00" + draw(st.binary(max_size=8)) + raw[at:]
    elif mangle == "utf16":
        raw = raw.decode().encode("utf-16")
    return raw


content_types = st.sampled_from(
    [
        "application/json",
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/json; charset=latin1",
        "application/xml",
    ]
)


async def test_generated_bodies(fuzzer: Fuzzer) -> None:
    ask = _run(fuzzer, asyncio.get_running_loop())
    targets = [ITEM_TARGETS[t] for t in ("guest-add", "guest-update", "mine-add", "mine-update")]

    @settings(FUZZ, max_examples=250)
    @given(item_bodies(), st.sampled_from(targets), content_types)
    def check(body: bytes, target: Req, content_type: str) -> None:
        r = _with_body(target, body, content_type)
        answer = ask(r)
        assert faults(answer) == [], _explain(r, answer)

    await asyncio.to_thread(check)


# aiohttp refuses a second one of these itself (text/plain 400), before the application
SINGLETONS = {
    "content-length",
    "content-location",
    "content-range",
    "content-type",
    "etag",
    "host",
    "max-forwards",
    "server",
    "transfer-encoding",
    "user-agent",
}
FRAMING = {
    "content-length",
    "transfer-encoding",
    "connection",
    "host",
    "expect",
    "upgrade",
    "content-encoding",
    "te",
    "trailer",
    "keep-alive",
    "proxy-connection",
}
TOKEN_CHARS = string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~"
header_name = st.one_of(
    st.sampled_from(
        [
            "Accept",
            "Authorization",
            "Content-Type",
            "X-Request-ID",
            "Cookie",
            "Origin",
            "User-Agent",
            "If-None-Match",
            "Range",
            "X-Forwarded-For",
        ]
    ),
    st.text(TOKEN_CHARS, min_size=1, max_size=20),
).filter(lambda n: n.lower() not in FRAMING)
header_value = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)
FAILING = [
    req(f"/rest/V1/guest-carts/{MISSING}"),
    req("/rest/V1/products"),
    req("/rest/V1/carts/mine/totals"),
    req("/rest/V1/guest-carts/{mask}/items", "POST", body=jbody({"cartItem": {"qty": -2}})),
    req("/rest/V1/guest-carts/{mask}/items/abc", "DELETE"),
]


async def test_generated_headers(fuzzer: Fuzzer) -> None:
    ask = _run(fuzzer, asyncio.get_running_loop())

    @settings(FUZZ, max_examples=150)
    @given(st.sampled_from(FAILING), st.lists(st.tuples(header_name, header_value), max_size=6))
    def check(base: Req, headers: list[tuple[str, str]]) -> None:
        seen = {name.lower() for name, _ in base.headers}
        extra = []
        for name, value in headers:
            if name.lower() not in SINGLETONS or name.lower() not in seen:
                extra.append((name, value))
                seen.add(name.lower())
        r = replace(base, headers=(*base.headers, *extra))
        answer = ask(r)
        assert faults(answer) == [], _explain(r, answer)

    await asyncio.to_thread(check)
