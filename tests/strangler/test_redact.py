"""redact: no secret or personal datum survives, useful data does, and redaction never raises.

The end-to-end tests build Magento-shaped requests and responses full of credentials and
customer data, redact every part the divergence store keeps (target, headers, body), and scan
the output bytes for each original secret string.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strangler.redact import (
    REDACTED,
    redact_body,
    redact_headers,
    redact_json,
    redact_path,
    redact_text,
    secret_key,
)

JWT = (
    "eyJraWQiOiIxIiwiYWxnIjoiSFMyNTYifQ.eyJ1aWQiOjEsInV0eXBpZCI6MywiaWF0IjoxNzE0NTU0MDAwfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
OAUTH_TOKEN = "k8lwnoyuxhjr6bt2xfv3q4rmpczsa9e1"  # Magento 2.3-style 32-char access token
SESSION = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
API_KEY = "sk_live_51HqT8uC9fJ3kLmNoPqRsTuVwXyZ0123456789abcdef"
FORM_KEY = "Zx9Yw8Vu7Ts6Rq5P"
PASSWORD = "roni_cost3@example.com"  # Luma's demo password is an address-looking string
OTHER_PASSWORD = "Hunter2!Secret"
EMAIL = "roni_cost@example.com"
PHONES = ("(555) 229-3326", "+1 555 229 3326", "555-229-3326", "+44 20 7946 0958", "555.229.3326")
FIRSTNAME, LASTNAME = "Veronica", "Costello"
STREET = "6146 Honey Bluff Parkway"
CITY = "Calder"
POSTCODE = "49628-7978"
REGION = "Michigan"
DOB = "1973-12-15"
TAXVAT = "GB123456789"
CARD = "4111111111111111"
CVV = "737"
BASIC = "YWRtaW46YWRtaW4xMjM="
MASKED_CART = "rzTq7IuhXkHdtZyw5QJcYbY9bqF7Fz1p"

SECRETS = (
    JWT, OAUTH_TOKEN, SESSION, API_KEY, FORM_KEY, PASSWORD, OTHER_PASSWORD, EMAIL, *PHONES,
    FIRSTNAME, LASTNAME, STREET, CITY, POSTCODE, REGION, DOB, TAXVAT, CARD, BASIC,
    "roni_cost%40example.com", "5552293326",
)  # fmt: skip
KEPT = ("24-MB01", "Joust Duffle Bag", "2024-05-01 09:00:00", MASKED_CART, "34")


def address() -> dict[str, Any]:
    return {
        "id": 1,
        "customer_id": 1,
        "region": {"region_code": "MI", "region": REGION, "region_id": 33},
        "region_id": 33,
        "country_id": "US",
        "street": [STREET],
        "telephone": PHONES[0],
        "postcode": POSTCODE,
        "city": CITY,
        "firstname": FIRSTNAME,
        "lastname": LASTNAME,
        "default_billing": True,
    }


def customer() -> dict[str, Any]:
    return {
        "id": 1,
        "group_id": 1,
        "created_at": "2024-05-01 09:00:00",
        "email": EMAIL,
        "firstname": FIRSTNAME,
        "lastname": LASTNAME,
        "dob": DOB,
        "taxvat": TAXVAT,
        "store_id": 1,
        "addresses": [address()],
        "custom_attributes": [{"attribute_code": "mobile_phone", "value": "5552293326"}],
    }


def cart() -> dict[str, Any]:
    return {
        "id": 5,
        "items": [{"item_id": 9, "sku": "24-MB01", "name": "Joust Duffle Bag", "price": 34}],
        "customer": {"email": EMAIL, "firstname": FIRSTNAME},
        "billing_address": address(),
        "payment": {"method": "checkmo", "additional_data": {"cc_number": CARD, "cc_cid": CVV}},
        "masked_id": MASKED_CART,
        "options": orjson.dumps([{"label": "Gift message", "email": EMAIL}]).decode(),
        "updated_at": "2024-05-01 09:00:00",
    }


REQUEST_HEADERS = {
    "Authorization": f"Bearer {JWT}",
    "Cookie": f"PHPSESSID={SESSION}; form_key={FORM_KEY}",
    "X-Api-Key": API_KEY,
    "X-Magento-Auth-Token": OAUTH_TOKEN,
    "X-Client-Secret": OTHER_PASSWORD,
    "Proxy-Authorization": f"Basic {BASIC}",
    "Referer": f"https://shop.test/checkout?email={EMAIL}&token={OAUTH_TOKEN}",
    "X-Forwarded-For": "203.0.113.9",
    "Content-Type": "application/json",
}
RESPONSE_HEADERS = {
    "Set-Cookie": f"PHPSESSID={SESSION}; path=/; HttpOnly",
    "Location": f"https://shop.test/customer/account?sid={SESSION}",
    "X-Debug": f"customer {EMAIL} phone {PHONES[1]}",
    "Content-Type": "application/json; charset=utf-8",
}
TARGETS = (
    f"/rest/default/V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=email"
    f"&searchCriteria[filter_groups][0][filters][0][value]=roni_cost%40example.com"
    f"&access_token={OAUTH_TOKEN}&api_key={API_KEY}",
    f"/rest/V1/guest-carts/{MASKED_CART}/items?form_key={FORM_KEY}&sku=24-MB01",
    f"/rest/V1/customers/email/{EMAIL}?password={OTHER_PASSWORD}",
    f"/rest/V1/customers/me?telephone=%2B1%20555%20229%203326&key={SESSION}#token={JWT}",
    f"/checkout/onepage/success?phone=(555)+229-3326&firstname={FIRSTNAME}",
)
BODIES = (
    orjson.dumps({"username": EMAIL, "password": PASSWORD}),
    orjson.dumps(customer()),
    orjson.dumps(cart()),
    orjson.dumps({"customer": customer(), "password": OTHER_PASSWORD}),
    f"username={EMAIL.replace('@', '%40')}&password={OTHER_PASSWORD}&form_key={FORM_KEY}".encode(),
    (
        f"<html><body>Contact {EMAIL} or call {PHONES[0]} / {PHONES[1]} / {PHONES[3]} / "
        f"{PHONES[4]} / {PHONES[2]}. Report for 24-MB01 (Joust Duffle Bag).</body></html>"
    ).encode(),
    (
        f"POST /rest/V1/carts/mine HTTP/1.1\r\nAuthorization: Bearer {OAUTH_TOKEN}\r\n"
        f"Cookie: PHPSESSID={SESSION}\r\nX-Api-Key: {API_KEY}\r\n\r\n"
        f"login with password: {OTHER_PASSWORD} api_key: {API_KEY}"
    ).encode(),
    # a body cut off by the store's size limit: no longer JSON
    orjson.dumps(customer())[:-40],
    (
        f'{{"customer":{{"firstname":"{FIRSTNAME}","lastname":"{LASTNAME}","dob":"{DOB}",'
        f'"taxvat":"{TAXVAT}","street":["{STREET}","Apt 2"],"city":"{CITY}",'
        f'"postcode":"{POSTCODE}","region":{{"region":"{REGION}"}},"password":"{PASSWORD}'
    ).encode(),
    orjson.dumps({"message": f"Token {JWT} expired", "trace": f"basic {BASIC}"}),
    orjson.dumps(f"Bearer {OAUTH_TOKEN}"),
    f"https://admin:{OTHER_PASSWORD}@db.internal/".encode(),
)


def everything_redacted() -> bytes:
    out: list[Any] = [redact_headers(REQUEST_HEADERS), redact_headers(RESPONSE_HEADERS)]
    out.extend(redact_path(t) for t in TARGETS)
    out.extend(redact_body(b) for b in BODIES)
    out.extend(redact_json(orjson.loads(b)) for b in BODIES[:4])
    out.extend(redact_text(b.decode()) for b in BODIES)
    return orjson.dumps(out)


def test_no_secret_survives_anywhere() -> None:
    output = everything_redacted()
    survivors = [s for s in SECRETS if s.encode() in output]
    assert survivors == []


def test_the_scan_would_have_found_them() -> None:
    raw = orjson.dumps([REQUEST_HEADERS, RESPONSE_HEADERS, TARGETS, [b.decode() for b in BODIES]])
    assert [s for s in SECRETS if s.encode() not in raw] == []


def test_useful_data_is_kept() -> None:
    output = everything_redacted().decode()
    assert [k for k in KEPT if k not in output] == []
    assert redact_headers(REQUEST_HEADERS)["Content-Type"] == "application/json"
    assert redact_headers(REQUEST_HEADERS)["X-Forwarded-For"] == "203.0.113.9"


def test_the_shape_of_redacted_json() -> None:
    redacted = redact_json(cart())
    assert redacted["items"] == cart()["items"]
    assert redacted["customer"] == {"email": REDACTED, "firstname": REDACTED}
    assert redacted["billing_address"]["region"] == REDACTED
    assert redacted["billing_address"]["country_id"] == "US"
    assert redacted["payment"]["additional_data"] == {"cc_number": REDACTED, "cc_cid": REDACTED}
    assert orjson.loads(redacted["options"]) == [{"label": "Gift message", "email": REDACTED}]
    assert redacted["masked_id"] == MASKED_CART
    assert redact_json(customer())["custom_attributes"] == [
        {"attribute_code": "mobile_phone", "value": REDACTED}
    ]


@pytest.mark.parametrize(
    ("header", "value", "redacted"),
    [
        pytest.param("Authorization", "Bearer x", True, id="authorization"),
        pytest.param("cookie", "a=b", True, id="cookie-lower"),
        pytest.param("Set-Cookie", "a=b", True, id="set-cookie"),
        pytest.param("X-Api-Key", "k", True, id="api-key"),
        pytest.param("X-Auth-Token", "t", True, id="token-word"),
        pytest.param("X-My-Secret", "s", True, id="secret-word"),
        pytest.param("X-Password-Reset", "p", True, id="password-word"),
        pytest.param("X-Oauth-Signature", "s", True, id="auth-word"),
        pytest.param("Content-Type", "application/json", False, id="content-type"),
        pytest.param("X-Request-Id", "abc", False, id="request-id"),
    ],
)
def test_headers_by_name(header: str, value: str, redacted: bool) -> None:
    assert (redact_headers({header: value})[header] == REDACTED) is redacted


@pytest.mark.parametrize(
    "key",
    [
        "password", "Password", "current_password", "newPassword", "passwd", "token",
        "rp_token", "accessToken", "secret", "client_secret", "authorization", "cookie",
        "email", "customer_email", "telephone", "phone", "mobile_phone", "fax", "street",
        "city", "postcode", "region", "region_id", "region_code", "firstname", "lastname",
        "customer_firstname", "dob", "taxvat", "cc_number", "cc_exp_month", "ccNumber", "card",
        "credit_card_number", "vat_id",
    ],
)  # fmt: skip
def test_secret_keys(key: str) -> None:
    assert secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "sku", "name", "price", "url_key", "attribute_code", "value", "capacity", "id",
        "quote_id", "masked_id", "cartId", "created_at", "updated_at", "category_ids",
        "country_id", "discount_amount", "items_qty", "position", "media_type",
    ],
)  # fmt: skip
def test_ordinary_keys(key: str) -> None:
    assert not secret_key(key)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("call (555) 229-3326 now", f"call {REDACTED} now", id="us-parens"),
        pytest.param("call +1 555 229 3326 now", f"call {REDACTED} now", id="intl-spaces"),
        pytest.param("tel +15552293326.", f"tel {REDACTED}.", id="intl-compact"),
        pytest.param("fax 1-800-555-0199", f"fax {REDACTED}", id="us-toll-free"),
        pytest.param("+44 (0)20 7946 0958", REDACTED, id="uk"),
        pytest.param("mail a.b+c@mail.example.co.uk!", f"mail {REDACTED}!", id="email"),
        pytest.param("x=a%40b.io", f"x={REDACTED}", id="email-encoded"),
        pytest.param("Authorization: Basic abc", f"Authorization: {REDACTED}", id="header-line"),
        pytest.param(f"got {JWT}", f"got {REDACTED}", id="jwt"),
        pytest.param("bearer abcdef123456", f"bearer {REDACTED}", id="bearer-lower"),
        pytest.param("?key=" + "ab" * 20, f"?key={REDACTED}", id="long-key"),
        pytest.param("&token=abc", f"&token={REDACTED}", id="token-param"),
        pytest.param('{"email": "x@y.zz"', f'{{"email": "{REDACTED}"', id="json-pair"),
        pytest.param('{"telephone":5552293326}', f'{{"telephone":"{REDACTED}"}}', id="json-num"),
        pytest.param('"password":"abc', f'"password":"{REDACTED}"', id="json-cut"),
        pytest.param('{\\"email\\":\\"x@y.zz\\"}', f'{{\\"email\\":\\"{REDACTED}\\"}}', id="esc"),
        # kept
        pytest.param("2024-05-01 09:00:00", "2024-05-01 09:00:00", id="timestamp"),
        pytest.param("24-MB01 costs 34.00", "24-MB01 costs 34.00", id="sku-price"),
        pytest.param(MASKED_CART, MASKED_CART, id="masked-cart-id"),
        pytest.param("order 000000123", "order 000000123", id="increment-id"),
        pytest.param("ids 3,4 and 8,11", "ids 3,4 and 8,11", id="id-lists"),
        pytest.param("the token is invalid", "the token is invalid", id="word-token"),
        pytest.param("url_key=joust-duffle-bag", "url_key=joust-duffle-bag", id="url-key"),
        pytest.param("", "", id="empty"),
    ],
)
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param(
            f"/rest/V1/guest-carts/{MASKED_CART}/items",
            f"/rest/V1/guest-carts/{MASKED_CART}/items",
            id="masked-id-kept",
        ),
        pytest.param(
            "/rest/V1/products?searchCriteria[pageSize]=5&access_token=abc",
            f"/rest/V1/products?searchCriteria[pageSize]=5&access_token={REDACTED}",
            id="secret-param",
        ),
        pytest.param(
            "/x?searchCriteria[filter_groups][0][filters][0][value]=a%40b.io&q=bag",
            f"/x?searchCriteria[filter_groups][0][filters][0][value]={REDACTED}&q=bag",
            id="email-value",
        ),
        pytest.param("/x?a[password]=p", f"/x?a[password]={REDACTED}", id="bracket-name"),
        pytest.param("/x?flag&sku=1", "/x?flag&sku=1", id="bare-flag"),
        pytest.param("/V1/customers/email/a@b.io", f"/V1/customers/email/{REDACTED}", id="path"),
    ],
)
def test_redact_path(target: str, expected: str) -> None:
    assert redact_path(target) == expected


class Hostile:
    def __str__(self) -> str:
        raise RuntimeError("no")


class HostileMapping(dict[str, Any]):
    def items(self) -> Any:
        raise RuntimeError("no")


def test_redaction_never_raises_and_fails_closed() -> None:
    assert redact_headers({"X-A": Hostile()}) == {"X-A": REDACTED}  # type: ignore[dict-item]
    assert redact_headers(HostileMapping()) == {"[headers]": REDACTED}
    assert redact_text(None) == REDACTED  # type: ignore[arg-type]
    assert redact_path(None) == REDACTED  # type: ignore[arg-type]
    assert redact_json(HostileMapping(a=1)) == REDACTED
    assert (
        redact_body(b"\xff\xfe not utf-8 " + EMAIL.encode()) == f"\ufffd\ufffd not utf-8 {REDACTED}"
    )
    deep: Any = "x@y.io"
    for _ in range(5000):
        deep = [deep]
    assert "x@y.io" not in orjson.dumps(redact_json(deep)).decode()
    assert redact_body(b"[" * 100_000) == "[" * 100_000


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("z" * 60_000, id="long-word"),
        pytest.param("+" + "1" * 20_000, id="plus-digits"),
        pytest.param("a." * 20_000 + "@", id="dotted-run"),
        pytest.param("1-" * 20_000, id="dashed-digits"),
        pytest.param("eyJ" * 20_000, id="jwt-prefixes"),
        pytest.param('"a":' * 20_000, id="json-keys"),
        pytest.param("a=" * 20_000, id="params"),
    ],
)
def test_long_pathological_text_is_kept_whole(text: str) -> None:
    # Every pattern may only start where a run of its characters starts; a pattern that tried
    # each position of a 60 KB run would take seconds here (quadratic), not milliseconds.
    assert redact_text(text) == text


TEXT = st.lists(
    st.sampled_from(
        [*'aZ09@.+-()" :=&?/\\[]{},_#%\n', "token", "password", "Bearer ", "eyJ", "555",
         "+1 ", "example.com", "%40", '"email"', "://", "key=", REDACTED, "Cookie:"]
    ),
    max_size=40,
).map("".join)  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_and_path_redaction_is_idempotent(text: str) -> None:
    once = redact_text(text)
    assert redact_text(once) == once
    path = redact_path(text)
    assert redact_path(path) == path


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_json_redaction_is_idempotent(value: Any) -> None:
    once = redact_json(value)
    assert redact_json(once) == once
    body = redact_body(orjson.dumps(value))
    assert redact_body(body) == body


def test_headers_redaction_is_idempotent() -> None:
    once = redact_headers(REQUEST_HEADERS | RESPONSE_HEADERS)
    assert redact_headers(once) == once
