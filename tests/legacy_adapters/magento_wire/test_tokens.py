"""Magento 2.4.4+ JWT bearer tokens (CONTRACT.md §2): issue, verify, revocation, header parsing.

Token segments are decoded here with base64 and json directly, not with the module under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from legacy_adapters.magento_wire import tokens
from legacy_adapters.magento_wire.tokens import TokenClaims, UserType

KEY = "0123456789abcdef0123456789abcdef"  # 32 bytes, the minimum
OTHER_KEY = "fedcba9876543210fedcba9876543210"
NOW = 1_714_644_931


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def segment(token: str, index: int) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(unb64url(token.split(".")[index]))
    return value


def hs(
    header: dict[str, Any], payload: dict[str, Any], key: str, digest: Any = hashlib.sha256
) -> str:
    """A JWT signed by hand, so tests can forge exactly the token they need."""
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    signature = hmac.new(key.encode(), signing_input.encode(), digest).digest()
    return signing_input + "." + b64url(signature)


def claims(uid: Any = 7, utypid: int = 3, iat: int = NOW, exp: int = NOW + 3600) -> dict[str, Any]:
    return {"uid": uid, "utypid": utypid, "iat": iat, "exp": exp}


HEADER = {"kid": "1", "alg": "HS256"}

# ---------------------------------------------------------------- issue


@pytest.mark.parametrize(
    ("user_type", "lifetime"),
    [
        pytest.param(UserType.CUSTOMER, 3600, id="customer-1h"),
        pytest.param(UserType.ADMIN, 4 * 3600, id="admin-4h"),
    ],
)
def test_round_trip(user_type: UserType, lifetime: int) -> None:
    token = tokens.issue(42, user_type, key=KEY, now=NOW)
    assert tokens.verify(token, key=KEY, now=NOW) == TokenClaims(
        user_id=42, user_type=user_type, issued_at=NOW, expires_at=NOW + lifetime
    )


def test_payload_claims_in_magento_order() -> None:
    payload = segment(tokens.issue(42, UserType.CUSTOMER, key=KEY, now=NOW), 1)
    assert list(payload.items()) == [
        ("uid", 42),
        ("utypid", 3),
        ("iat", NOW),
        ("exp", NOW + 3600),
    ]


def test_admin_user_type_id() -> None:
    payload = segment(tokens.issue(1, UserType.ADMIN, key=KEY, now=NOW), 1)
    assert payload["utypid"] == 2


def test_header_is_kid_1_hs256() -> None:
    header = segment(tokens.issue(42, UserType.CUSTOMER, key=KEY, now=NOW), 0)
    assert header == {"kid": "1", "alg": "HS256"}


def test_signature_is_hmac_sha256_of_the_first_two_segments() -> None:
    token = tokens.issue(42, UserType.CUSTOMER, key=KEY, now=NOW)
    head, body, signature = token.split(".")
    expected = hmac.new(KEY.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert unb64url(signature) == expected


def test_bytes_key_equals_str_key() -> None:
    token = tokens.issue(42, UserType.CUSTOMER, key=KEY.encode(), now=NOW)
    assert tokens.verify(token, key=KEY, now=NOW) is not None


def test_hand_signed_magento_token_verifies() -> None:
    token = hs(HEADER, claims(uid=9, utypid=2), KEY)
    assert tokens.verify(token, key=KEY, now=NOW) == TokenClaims(9, UserType.ADMIN, NOW, NOW + 3600)


# ---------------------------------------------------------------- verify: anything else is a guest


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(NOW, id="at-issue"),
        pytest.param(NOW + 3599, id="last-second"),
    ],
)
def test_valid_until_expiry(now: int) -> None:
    token = tokens.issue(42, UserType.CUSTOMER, key=KEY, now=NOW)
    assert tokens.verify(token, key=KEY, now=now) is not None


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(NOW + 3601, id="just-expired"),
        pytest.param(NOW + 86400, id="a-day-later"),
    ],
)
def test_expired_token_is_none(now: int) -> None:
    token = tokens.issue(42, UserType.CUSTOMER, key=KEY, now=NOW)
    assert tokens.verify(token, key=KEY, now=now) is None


def test_admin_token_outlives_an_hour() -> None:
    token = tokens.issue(1, UserType.ADMIN, key=KEY, now=NOW)
    assert tokens.verify(token, key=KEY, now=NOW + 3 * 3600) is not None
    assert tokens.verify(token, key=KEY, now=NOW + 4 * 3600 + 1) is None


def test_wrong_key_is_none() -> None:
    token = tokens.issue(42, UserType.CUSTOMER, key=KEY, now=NOW)
    assert tokens.verify(token, key=OTHER_KEY, now=NOW) is None


def test_tampered_payload_is_none() -> None:
    head, _, signature = tokens.issue(42, UserType.CUSTOMER, key=KEY, now=NOW).split(".")
    forged = b64url(json.dumps(claims(uid=1)).encode())
    assert tokens.verify(f"{head}.{forged}.{signature}", key=KEY, now=NOW) is None


def test_alg_none_token_is_none() -> None:
    unsigned = (
        b64url(json.dumps({"alg": "none"}).encode())
        + "."
        + b64url(json.dumps(claims()).encode())
        + "."
    )
    assert tokens.verify(unsigned, key=KEY, now=NOW) is None


def test_other_hmac_algorithm_is_none() -> None:
    token = hs({"kid": "1", "alg": "HS512"}, claims(), KEY, hashlib.sha512)
    assert tokens.verify(token, key=KEY, now=NOW) is None


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"utypid": 3, "iat": NOW, "exp": NOW + 3600}, id="no-uid"),
        pytest.param({"uid": 7, "iat": NOW, "exp": NOW + 3600}, id="no-utypid"),
        pytest.param({"uid": 7, "utypid": 3, "iat": NOW}, id="no-exp"),
        pytest.param(claims(utypid=9), id="unknown-user-type"),
        pytest.param(claims(uid="seven"), id="non-numeric-uid"),
    ],
)
def test_signed_but_unusable_claims_are_none(payload: dict[str, Any]) -> None:
    assert tokens.verify(hs(HEADER, payload, KEY), key=KEY, now=NOW) is None


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("abc", id="one-segment"),
        pytest.param("a.b.c", id="three-junk-segments"),
        pytest.param("Bearer xyz", id="header-value"),
        pytest.param("Xk3bQp9sV1mT7cLr2NwZ8aYe4HdGf6Ju", id="opaque-pre-2.4.4-token"),
    ],
)
def test_garbage_is_none(token: str) -> None:
    assert tokens.verify(token, key=KEY, now=NOW) is None


# ---------------------------------------------------------------- keys


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="empty"),
        pytest.param("k" * 31, id="31-chars"),
        pytest.param(b"k" * 31, id="31-bytes"),
    ],
)
def test_short_key_rejected_on_issue(key: str | bytes) -> None:
    with pytest.raises(ValueError):
        tokens.issue(1, UserType.CUSTOMER, key=key, now=NOW)


def test_short_key_rejected_on_verify() -> None:
    # A misconfigured key is a configuration error, not "every caller is a guest".
    token = tokens.issue(1, UserType.CUSTOMER, key=KEY, now=NOW)
    with pytest.raises(ValueError):
        tokens.verify(token, key="k" * 31, now=NOW)


def test_32_byte_key_accepted() -> None:
    assert tokens.issue(1, UserType.CUSTOMER, key=b"k" * 32, now=NOW)


# ---------------------------------------------------------------- revocation


def issued(at: int) -> TokenClaims:
    return TokenClaims(user_id=7, user_type=UserType.CUSTOMER, issued_at=at, expires_at=at + 3600)


@pytest.mark.parametrize(
    ("iat", "revoke_before", "revoked"),
    [
        pytest.param(NOW, None, False, id="never-revoked"),
        pytest.param(NOW, NOW, True, id="issued-at-cutoff"),
        pytest.param(NOW - 1, NOW, True, id="issued-before-cutoff"),
        pytest.param(NOW + 1, NOW, False, id="issued-after-cutoff"),
    ],
)
def test_is_revoked(iat: int, revoke_before: int | None, revoked: bool) -> None:
    assert tokens.is_revoked(issued(iat), revoke_before) is revoked


# ---------------------------------------------------------------- Authorization header


@pytest.mark.parametrize(
    ("header", "token"),
    [
        pytest.param("Bearer abc.def.ghi", "abc.def.ghi", id="bearer"),
        pytest.param("bearer abc", "abc", id="lower-case-scheme"),
        pytest.param("BEARER abc", "abc", id="upper-case-scheme"),
        pytest.param("BeArEr abc", "abc", id="mixed-case-scheme"),
        pytest.param(None, None, id="missing"),
        pytest.param("", None, id="empty"),
        pytest.param("Bearer", None, id="scheme-only"),
        pytest.param("Bearer ", None, id="scheme-and-space"),
        pytest.param("Basic dXNlcjpwYXNz", None, id="basic"),
        pytest.param("OAuth oauth_token=abc", None, id="oauth"),
        pytest.param("Token abc", None, id="other-scheme"),
        pytest.param("Bearerabc", None, id="no-separator"),
        # Magento splits on single spaces and wants exactly two pieces (TokenUserContext).
        pytest.param("Bearer  abc", None, id="two-spaces"),
        pytest.param("Bearer abc def", None, id="three-pieces"),
    ],
)
def test_bearer(header: str | None, token: str | None) -> None:
    assert tokens.bearer(header) == token


@pytest.mark.parametrize(
    ("user_type", "seconds"),
    [
        pytest.param(UserType.CUSTOMER, 3600, id="customer"),
        pytest.param(UserType.ADMIN, 14400, id="admin"),
    ],
)
def test_lifetime(user_type: UserType, seconds: int) -> None:
    assert tokens.lifetime(user_type) == seconds
