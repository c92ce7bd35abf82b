"""Token endpoints (2.4.4+ JWT), revocation and `customers/me` (CONTRACT.md §2).

Credentials are checked against Magento's own hashes (`passwords.verify_password`); six failed
attempts lock the account for 30 minutes in `oauth_token_request_log`, after which even the
right password is refused, as Magento's RequestThrottler does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from legacy_adapters.magento_app.context import Call
from legacy_adapters.magento_app.service import Legacy
from legacy_adapters.magento_wire import casts, errors, tokens, variants
from legacy_adapters.magento_wire.passwords import verify_password
from legacy_adapters.magento_wire.shapes import customer as shapes
from legacy_adapters.plans import quote as plans
from legacy_adapters.sql import customer as sql

# `oauth_token_request_log.user_type` uses RequestThrottler's numbering (USER_TYPE_CUSTOMER = 2,
# USER_TYPE_ADMIN = 3), the reverse of the token's UserContextInterface types.
THROTTLE_USER_TYPE = {tokens.UserType.CUSTOMER: 2, tokens.UserType.ADMIN: 3}


def _credentials(call: Call) -> tuple[str, str]:
    username, password = call.body.get("username"), call.body.get("password")
    missing = [
        errors.required_field(name)
        for name, value in (("username", username), ("password", password))
        if value in (None, "")
    ]
    if missing:
        raise errors.aggregate(missing)
    if not isinstance(username, str) or not isinstance(password, str):
        bad = username if not isinstance(username, str) else password
        raise errors.invalid_type(casts.shown(bad), "string")
    return username, password


def _utc(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


async def _locked(legacy: Legacy, username: str, user_type: tokens.UserType, now: float) -> bool:
    rows = await legacy.db.fetch(sql.TOKEN_FAILURES, (username, THROTTLE_USER_TYPE[user_type]))
    expires = rows[0]["lock_expires_at"] if rows else None
    return bool(expires and expires.replace(tzinfo=dt.UTC).timestamp() > now)


async def _issue(
    call: Call,
    legacy: Legacy,
    user_type: tokens.UserType,
    user_id: int | None,
    password_hash: str | None,
    username: str,
    password: str,
) -> str:
    now = call.now
    locked = await _locked(legacy, username, user_type, now)
    # Argon2id costs ~50 ms of CPU: keep it off the event loop.
    ok = await asyncio.to_thread(verify_password, password, password_hash)
    if locked or not ok or user_id is None:
        lock_until = _utc(now + variants.TOKEN_LOCK_SECONDS)
        await legacy.db.execute(
            sql.RECORD_FAILURE,
            (username, THROTTLE_USER_TYPE[user_type], variants.MAX_TOKEN_FAILURES, lock_until),
        )
        raise errors.sign_in_incorrect()
    await legacy.db.execute(sql.RESET_FAILURES, (username, THROTTLE_USER_TYPE[user_type]))
    return tokens.issue(user_id, user_type, key=legacy.token_key, now=int(now))


async def admin_token(call: Call, legacy: Legacy) -> Any:
    username, password = _credentials(call)
    rows = await legacy.db.fetch(sql.ADMIN_BY_USERNAME, (username,))
    user = rows[0] if rows and rows[0]["is_active"] else None
    return await _issue(
        call,
        legacy,
        tokens.UserType.ADMIN,
        int(user["user_id"]) if user else None,
        user["password"] if user else None,
        username,
        password,
    )


async def customer_token(call: Call, legacy: Legacy) -> Any:
    username, password = _credentials(call)
    rows = await legacy.db.fetch(sql.CUSTOMER_BY_EMAIL, (username, call.scope.website_id or 1))
    user = rows[0] if rows and rows[0]["is_active"] else None
    return await _issue(
        call,
        legacy,
        tokens.UserType.CUSTOMER,
        int(user["entity_id"]) if user else None,
        user["password_hash"] if user else None,
        username,
        password,
    )


async def revoke_customer_token(call: Call, legacy: Legacy) -> Any:
    await legacy.db.execute(
        sql.REVOKE, (int(tokens.UserType.CUSTOMER), call.customer_id(), int(call.now))
    )
    return True


async def customer_me(call: Call, legacy: Legacy) -> Any:
    customer = await legacy.db.run(plans.customer_plan(call.customer_id()))
    if customer is None:
        raise errors.no_such_entity("customerId", call.customer_id())
    return shapes.customer(customer)
