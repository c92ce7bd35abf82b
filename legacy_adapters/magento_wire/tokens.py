"""Magento 2.4.4+ bearer tokens: HS256 JWTs that carry the user id and user type.

How this works: `issue()` signs `{"uid", "utypid", "iat", "exp"}` with header
`{"kid": "1", "alg": "HS256"}` using a key from configuration (Magento derives it from the
deployment crypt key; we take the same secret from settings), so any service holding the key can
verify a token the legacy side issued — this is how identity crosses the cut. `verify()` returns
the claims or None: like Magento, an invalid or expired token makes the caller a guest rather than
raising. Revocation is a per-user cut-off (`jwt_auth_revoked.revoke_before`): a token issued at or
before it is no longer valid; `is_revoked()` decides that from values the caller looked up.
The clock is passed in so the decision stays pure.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
KEY_ID = "1"
CUSTOMER_LIFETIME_S = 3600  # oauth/access_token_lifetime/customer = 1 hour
ADMIN_LIFETIME_S = 4 * 3600  # oauth/access_token_lifetime/admin = 4 hours
MIN_KEY_BYTES = 32


class UserType(enum.IntEnum):
    """Magento\\Authorization\\Model\\UserContextInterface user types."""

    INTEGRATION = 1
    ADMIN = 2
    CUSTOMER = 3
    GUEST = 4


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    user_type: UserType
    issued_at: int
    expires_at: int


def _key_bytes(key: str | bytes) -> bytes:
    raw = key.encode() if isinstance(key, str) else key
    if len(raw) < MIN_KEY_BYTES:
        raise ValueError(f"token signing key must be at least {MIN_KEY_BYTES} bytes")
    return raw


def lifetime(user_type: UserType) -> int:
    return ADMIN_LIFETIME_S if user_type is UserType.ADMIN else CUSTOMER_LIFETIME_S


def issue(user_id: int, user_type: UserType, *, key: str | bytes, now: int) -> str:
    """A signed token for `user_id`, valid from `now` for the user type's configured lifetime."""
    payload = {
        "uid": user_id,
        "utypid": int(user_type),
        "iat": now,
        "exp": now + lifetime(user_type),
    }
    # typ=None: Magento's header is exactly {"kid":"1","alg":"HS256"}, without PyJWT's "typ".
    headers = {"kid": KEY_ID, "typ": None}
    return jwt.encode(payload, _key_bytes(key), algorithm=ALGORITHM, headers=headers)


def verify(token: str, *, key: str | bytes, now: int) -> TokenClaims | None:
    """Claims of a valid, unexpired token; None for anything else (the caller is then a guest)."""
    raw_key = _key_bytes(key)  # a short key is a configuration error, not a guest caller
    try:
        payload = jwt.decode(
            token,
            raw_key,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "require": ["uid", "utypid", "exp"]},
        )
        claims = TokenClaims(
            user_id=int(payload["uid"]),
            user_type=UserType(int(payload["utypid"])),
            issued_at=int(payload.get("iat", 0)),
            expires_at=int(payload["exp"]),
        )
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        return None
    if claims.expires_at <= now:
        return None
    return claims


def is_revoked(claims: TokenClaims, revoke_before: int | None) -> bool:
    """True when the user's tokens were revoked at or after this one was issued."""
    return revoke_before is not None and claims.issued_at <= revoke_before


def bearer(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if that is what it holds."""
    if not authorization:
        return None
    # TokenUserContext: explode(" ", $header) must give exactly two pieces.
    pieces = authorization.strip().split(" ")
    if len(pieces) != 2 or pieces[0].lower() != "bearer" or not pieces[1]:
        return None
    return pieces[1]
