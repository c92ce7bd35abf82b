"""Token endpoints, lock-out, revocation and customers/me over a real socket (CONTRACT.md §2, §3).

Tests that fail logins or revoke tokens use an admin user or customer of their own, inserted
with a Magento password hash and deleted afterwards, so the demo accounts that other tests use
are never locked or revoked.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from legacy_adapters.magento_wire import tokens
from legacy_adapters.magento_wire.passwords import hash_password
from scripts.stack import catalog as catalogs
from tests.conftest import bearer

JSON = {"Content-Type": "application/json"}
SIGN_IN_INCORRECT = {
    "message": "The account sign-in was incorrect or your account is disabled "
    "temporarily. Please wait and try again later."
}
REQUIRED = '"%fieldName" is required. Enter and try again.'
NOT_SELF = {
    "message": "The consumer isn't authorized to access %resources.",
    "parameters": {"resources": "self"},
}
# CONTRACT.md §6, Customer order
CUSTOMER_KEYS = (
    "id", "group_id", "default_billing", "default_shipping", "confirmation", "created_at",
    "updated_at", "created_in", "dob", "email", "firstname", "lastname", "middlename", "prefix",
    "suffix", "gender", "store_id", "taxvat", "website_id", "addresses",
    "disable_auto_group_change", "extension_attributes", "custom_attributes",
)  # fmt: skip
# Customer\Api\Data\AddressInterface getter order
ADDRESS_KEYS = (
    "id", "customer_id", "region", "region_id", "country_id", "street", "company", "telephone",
    "fax", "postcode", "city", "firstname", "lastname", "middlename", "prefix", "suffix",
    "vat_id", "default_shipping", "default_billing", "extension_attributes", "custom_attributes",
)  # fmt: skip
ADMIN, CUSTOMER = "admin", "customer"
# RequestThrottler::USER_TYPE_CUSTOMER / USER_TYPE_ADMIN, as stored in oauth_token_request_log
THROTTLE_TYPE = {CUSTOMER: 2, ADMIN: 3}


@dataclass(frozen=True)
class Account:
    kind: str  # ADMIN or CUSTOMER
    user_id: int
    username: str
    password: str

    @property
    def endpoint(self) -> str:
        return f"/rest/V1/integration/{self.kind}/token"

    @property
    def user_type(self) -> tokens.UserType:
        return tokens.UserType.ADMIN if self.kind == ADMIN else tokens.UserType.CUSTOMER


def _insert(magento_db: Any, kind: str) -> Account:
    tag = secrets.token_hex(5)
    password = f"Pw-{secrets.token_hex(6)}"
    with magento_db.connect() as conn, conn.cursor() as cursor:
        if kind == ADMIN:
            username = f"strangler-admin-{tag}"
            cursor.execute(
                "INSERT INTO admin_user (firstname, lastname, email, username, "
                "password, is_active) VALUES ('Throw', 'Away', %s, %s, %s, 1)",
                (f"{username}@example.com", username, hash_password(password)),
            )
        else:
            username = f"strangler-{tag}@example.com"
            cursor.execute(
                "INSERT INTO customer_entity (website_id, email, group_id, store_id, "
                "created_in, firstname, lastname, password_hash, is_active) "
                "VALUES (1, %s, 1, 1, 'Default Store View', 'Throw', 'Away', %s, 1)",
                (username, hash_password(password)),
            )
        return Account(kind, int(cursor.lastrowid), username, password)


def _delete(magento_db: Any, account: Account) -> None:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "DELETE FROM oauth_token_request_log WHERE user_name = %s", (account.username,)
        )
        cursor.execute(
            "DELETE FROM jwt_auth_revoked WHERE user_type_id = %s AND user_id = %s",
            (int(account.user_type), account.user_id),
        )
        if account.kind == ADMIN:
            cursor.execute("DELETE FROM admin_user WHERE user_id = %s", (account.user_id,))
        else:
            cursor.execute("DELETE FROM customer_entity WHERE entity_id = %s", (account.user_id,))


@pytest.fixture(params=[pytest.param(ADMIN, id="admin"), pytest.param(CUSTOMER, id="customer")])
def account(request: pytest.FixtureRequest, magento_db: Any) -> Iterator[Account]:
    """A throwaway admin user or customer with a known password."""
    created = _insert(magento_db, request.param)
    yield created
    _delete(magento_db, created)


@pytest.fixture
def customer_account(magento_db: Any) -> Iterator[Account]:
    created = _insert(magento_db, CUSTOMER)
    yield created
    _delete(magento_db, created)


async def login(legacy: Any, account: Account, password: str | None = None) -> Any:
    return await legacy.post(
        account.endpoint,
        headers=JSON,
        data=json.dumps({"username": account.username, "password": password or account.password}),
    )


def _segment(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# ---------------------------------------------------------------- issuing tokens


async def test_token_is_a_jwt_for_the_user(legacy: Any, account: Account) -> None:
    response = await login(legacy, account)
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    token = await response.json()
    assert isinstance(token, str)
    header, payload, signature = token.split(".")
    assert _segment(header) == {"kid": "1", "alg": "HS256"}  # §2, exactly
    claims = _segment(payload)
    assert (claims["uid"], claims["utypid"]) == (account.user_id, int(account.user_type))
    lifetime = 4 * 3600 if account.kind == ADMIN else 3600  # §2: admin 4 h, customer 1 h
    assert claims["exp"] - claims["iat"] == lifetime
    assert signature


async def test_issued_token_then_works(legacy: Any, account: Account) -> None:
    token = await (await login(legacy, account)).json()
    probe = (
        "/rest/V1/products?searchCriteria[pageSize]=1"
        if account.kind == ADMIN
        else "/rest/V1/customers/me"
    )
    response = await legacy.get(probe, headers=bearer(token))
    assert response.status == 200


async def test_demo_customer_logs_in_with_the_sample_data_password(legacy: Any) -> None:
    customer = catalogs.DEMO_CUSTOMER
    response = await legacy.post(
        "/rest/V1/integration/customer/token",
        headers=JSON,
        data=json.dumps({"username": customer.email, "password": customer.password}),
    )
    assert response.status == 200
    me = await legacy.get("/rest/V1/customers/me", headers=bearer(await response.json()))
    assert (await me.json())["email"] == customer.email


# ---------------------------------------------------------------- refusing credentials


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param("password", id="wrong-password"),
        pytest.param("username", id="unknown-user"),
    ],
)
async def test_bad_credentials_are_401(legacy: Any, account: Account, wrong: str) -> None:
    body = {"username": account.username, "password": account.password}
    body[wrong] += "-nope"
    response = await legacy.post(account.endpoint, headers=JSON, data=json.dumps(body))
    assert response.status == 401
    assert await response.json() == SIGN_IN_INCORRECT


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"password": "x"},
            {"message": REQUIRED, "parameters": {"fieldName": "username"}},
            id="missing-username",
        ),
        pytest.param(
            {"username": "someone", "password": ""},
            {"message": REQUIRED, "parameters": {"fieldName": "password"}},
            id="empty-password",
        ),
        pytest.param(
            {},
            {
                "message": "One or more input exceptions have occurred.",
                "errors": [
                    {"message": REQUIRED, "parameters": {"fieldName": "username"}},
                    {"message": REQUIRED, "parameters": {"fieldName": "password"}},
                ],
            },
            id="both-missing",
        ),
    ],
)
@pytest.mark.parametrize(
    "kind", [pytest.param(ADMIN, id="admin"), pytest.param(CUSTOMER, id="customer")]
)
async def test_missing_credentials_are_400(
    legacy: Any, kind: str, body: dict[str, str], expected: dict[str, Any]
) -> None:
    response = await legacy.post(
        f"/rest/V1/integration/{kind}/token", headers=JSON, data=json.dumps(body)
    )
    assert response.status == 400
    assert await response.json() == expected


async def test_lockout_refuses_the_right_password_after_six_failures(
    legacy: Any, account: Account
) -> None:
    for _ in range(6):
        assert (await login(legacy, account, password="wrong")).status == 401
    refused = await login(legacy, account)
    assert refused.status == 401
    assert await refused.json() == SIGN_IN_INCORRECT


async def test_five_failures_do_not_lock(legacy: Any, account: Account) -> None:
    for _ in range(5):
        assert (await login(legacy, account, password="wrong")).status == 401
    assert (await login(legacy, account)).status == 200


async def test_a_success_resets_the_failure_count(legacy: Any, account: Account) -> None:
    for _ in range(5):
        await login(legacy, account, password="wrong")
    assert (await login(legacy, account)).status == 200
    for _ in range(5):
        await login(legacy, account, password="wrong")
    assert (await login(legacy, account)).status == 200


async def test_failures_are_logged_with_magentos_throttle_user_type(
    legacy: Any, magento_db: Any, account: Account
) -> None:
    await login(legacy, account, password="wrong")
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT user_type, failures_count FROM oauth_token_request_log WHERE user_name = %s",
            (account.username,),
        )
        logged = cursor.fetchall()
    assert [(r["user_type"], r["failures_count"]) for r in logged] == [
        (THROTTLE_TYPE[account.kind], 1)
    ]


# ---------------------------------------------------------------- revocation and expiry


async def test_revoked_customer_token_is_refused(legacy: Any, customer_account: Account) -> None:
    token = await (await login(legacy, customer_account)).json()
    assert (await legacy.get("/rest/V1/customers/me", headers=bearer(token))).status == 200
    revoked = await legacy.post(
        "/rest/V1/integration/customer/revoke-customer-token", headers=bearer(token)
    )
    assert revoked.status == 200
    assert await revoked.read() == b"true"
    after = await legacy.get("/rest/V1/customers/me", headers=bearer(token))
    assert after.status == 401
    assert await after.json() == NOT_SELF


async def test_revoke_needs_a_customer_token(legacy: Any, admin_token: str) -> None:
    for headers in ({}, bearer(admin_token)):
        response = await legacy.post(
            "/rest/V1/integration/customer/revoke-customer-token", headers=headers
        )
        assert response.status == 401
        assert await response.json() == NOT_SELF


async def test_expired_customer_token_is_a_guest(
    legacy: Any, customer_account: Account, token_key: str
) -> None:
    issued = int(time.time()) - tokens.CUSTOMER_LIFETIME_S - 60
    token = tokens.issue(
        customer_account.user_id, tokens.UserType.CUSTOMER, key=token_key, now=issued
    )
    response = await legacy.get("/rest/V1/customers/me", headers=bearer(token))
    assert response.status == 401
    assert await response.json() == NOT_SELF


# ---------------------------------------------------------------- customers/me


def _demo_rows(magento_db: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM customer_entity WHERE email = %s AND website_id = 1",
            (catalogs.DEMO_CUSTOMER.email,),
        )
        customer = cursor.fetchone()
        cursor.execute(
            "SELECT a.*, r.code AS region_code FROM customer_address_entity a "
            "LEFT JOIN directory_country_region r ON r.region_id = a.region_id "
            "WHERE a.parent_id = %s ORDER BY a.entity_id",
            (customer["entity_id"],),
        )
        return customer, list(cursor.fetchall())


async def test_customers_me_is_the_customer_object(
    legacy: Any, customer_token: str, magento_db: Any
) -> None:
    customer, addresses = _demo_rows(magento_db)
    response = await legacy.get("/rest/V1/customers/me", headers=bearer(customer_token))
    body = await response.json()
    assert response.status == 200
    assert list(body) == [k for k in CUSTOMER_KEYS if k in body]
    assert {
        k: body[k]
        for k in (
            "id",
            "group_id",
            "default_billing",
            "default_shipping",
            "email",
            "firstname",
            "lastname",
            "store_id",
            "website_id",
            "disable_auto_group_change",
        )
    } == {
        "id": customer["entity_id"],
        "group_id": customer["group_id"],
        "default_billing": str(customer["default_billing"]),
        "default_shipping": str(customer["default_shipping"]),
        "email": customer["email"],
        "firstname": customer["firstname"],
        "lastname": customer["lastname"],
        "store_id": customer["store_id"],
        "website_id": customer["website_id"],
        "disable_auto_group_change": customer["disable_auto_group_change"],
    }
    assert body["created_at"] == customer["created_at"].strftime("%Y-%m-%d %H:%M:%S")
    assert body["extension_attributes"] == {"is_subscribed": False}
    assert [a["id"] for a in body["addresses"]] == [a["entity_id"] for a in addresses]


async def test_customers_me_addresses_carry_a_region_object(
    legacy: Any, customer_token: str, magento_db: Any
) -> None:
    customer, addresses = _demo_rows(magento_db)
    response = await legacy.get("/rest/V1/customers/me", headers=bearer(customer_token))
    body = await response.json()
    assert response.status == 200
    for got, row in zip(body["addresses"], addresses, strict=True):
        assert list(got) == [k for k in ADDRESS_KEYS if k in got]
        assert list(got["region"]) == ["region_code", "region", "region_id"]
        assert got["region"] == {
            "region_code": row["region_code"],
            "region": row["region"],
            "region_id": row["region_id"],
        }
        assert (
            got["customer_id"],
            got["street"],
            got["city"],
            got["postcode"],
            got["country_id"],
            got["telephone"],
        ) == (
            customer["entity_id"],
            row["street"].split("\n"),
            row["city"],
            row["postcode"],
            row["country_id"],
            row["telephone"],
        )
        assert got.get("default_billing", False) is (
            row["entity_id"] == customer["default_billing"]
        )
        assert got.get("default_shipping", False) is (
            row["entity_id"] == customer["default_shipping"]
        )


@pytest.mark.usefixtures("requires_luma")
async def test_customers_me_is_roni_cost_in_luma(legacy: Any, customer_token: str) -> None:
    response = await legacy.get("/rest/V1/customers/me", headers=bearer(customer_token))
    body = await response.json()
    assert (body["email"], body["firstname"], body["lastname"], body["dob"], body["gender"]) == (
        "roni_cost@example.com",
        "Veronica",
        "Costello",
        "1973-12-15",
        2,
    )
    (address,) = body["addresses"]
    assert address["region"] == {
        "region_code": "MI",
        "region": "Michigan",
        "region_id": address["region_id"],
    }
    assert address["street"] == ["6146 Honey Bluff Parkway"]


@pytest.mark.parametrize(
    "who", [pytest.param("admin", id="admin-token"), pytest.param("nobody", id="no-token")]
)
async def test_customers_me_needs_a_customer_token(legacy: Any, admin_token: str, who: str) -> None:
    headers = bearer(admin_token) if who == "admin" else {}
    response = await legacy.get("/rest/V1/customers/me", headers=headers)
    assert response.status == 401
    assert await response.json() == NOT_SELF


# ---------------------------------------------------------------- request bodies


@pytest.mark.parametrize(
    ("headers", "data", "raw"),
    [
        pytest.param(
            JSON,
            b'{"username": "a", "password":',
            b'{"message":"Decoding error."}',
            id="malformed-json",
        ),
        pytest.param(
            {"Content-Type": "text/plain"},
            b'{"username":"a","password":"b"}',
            b'{"message":"Server cannot understand Content-Type HTTP header media type '
            b'text\\/plain"}',
            id="text-plain",
        ),
    ],
)
async def test_unreadable_bodies_are_400(
    legacy: Any, headers: dict[str, str], data: bytes, raw: bytes
) -> None:
    response = await legacy.post("/rest/V1/integration/customer/token", headers=headers, data=data)
    assert response.status == 400
    assert await response.read() == raw
