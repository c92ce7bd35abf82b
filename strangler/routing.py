"""route(meta, table) -> Decision: who answers a request and who gets a copy (pure).

How this works: routes are tried in file order and the first whose match accepts the request
wins; anything unmatched goes to the default (legacy) backend. The route's mode then decides:

    legacy   legacy answers, nobody is shadowed
    shadow   legacy answers; the new backend gets a copy when the request is sampled
             (`sample < shadow.sample`) and is not a write, unless the route allows writes
    canary   a request whose bucket is below percent/100 goes to the new backend, others to
             legacy; the bucket is a stable hash of the sticky key (customer id, a path
             parameter, a header or a cookie), so one customer always lands on the same side;
             without a key (sticky: none, or the key is absent) the per-request draw decides
    new      the new backend answers

In `canary` and `new`, `fallback: legacy` names legacy as the backend to retry an idempotent
request on when the new one fails. Randomness is an input (`meta.sample`): the handler draws it.
"""

from __future__ import annotations

import hashlib
from http.cookies import CookieError, SimpleCookie
from typing import Any

from strangler.model import (
    WRITE_METHODS,
    Decision,
    Fallback,
    Mode,
    RequestMeta,
    Route,
    RouteTable,
)

BUCKET_SALT = b"strangler-canary-v1"
DEFAULT_ROUTE = "default"


def bucket_of(key: str) -> float:
    """A stable position in [0, 1) for a sticky key (the same key always maps the same)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8, key=BUCKET_SALT).digest()
    return int.from_bytes(digest, "big") / 2**64


def _cookie(header: str | None, name: str) -> str | None:
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


def sticky_key(sticky: str, meta: RequestMeta, params: dict[str, str]) -> str | None:
    """The value a canary route keys its buckets on, or None when the request has none."""
    if sticky == "customer":
        return None if meta.customer_id is None else f"customer:{meta.customer_id}"
    if sticky.startswith("path."):
        value = params.get(sticky[5:])
        return None if not value else f"path:{value}"
    if sticky.startswith("header:"):
        value = meta.headers.get(sticky[7:].lower())
        return None if not value else f"header:{value}"
    if sticky.startswith("cookie:"):
        value = _cookie(meta.headers.get("cookie"), sticky[7:])
        return None if not value else f"cookie:{value}"
    return None


def decide(r: Route, meta: RequestMeta, table: RouteTable, params: dict[str, str]) -> Decision:
    """The decision for a request already matched to route `r`."""
    legacy = table.backend(table.default_backend)
    new = table.backends.get(r.new) if r.new else None
    common: dict[str, Any] = {
        "rules": r.compare,
        "params": params,
        "route": r,
        "shadow_timeout_ms": r.shadow.timeout_ms,
    }
    if new is None or r.mode is Mode.LEGACY:
        return Decision(r.id, Mode.LEGACY, legacy, **common)
    fallback = legacy if r.fallback is Fallback.LEGACY else None
    if r.mode is Mode.SHADOW:
        wanted = meta.sample < r.shadow.sample
        allowed = meta.method not in WRITE_METHODS or r.shadow.writes
        shadow = new if wanted and allowed else None
        return Decision(r.id, Mode.SHADOW, legacy, shadow, **common)
    if r.mode is Mode.CANARY:
        key = sticky_key(r.canary.sticky, meta, params)
        bucket = bucket_of(key) if key is not None else meta.sample
        side, fallback = (new, fallback) if bucket < r.canary.percent / 100 else (legacy, None)
        return Decision(r.id, Mode.CANARY, side, fallback=fallback, bucket=bucket, **common)
    return Decision(r.id, Mode.NEW, new, fallback=fallback, **common)


def route(meta: RequestMeta, table: RouteTable) -> Decision:
    """The first route (in file order) that accepts the request decides; else legacy."""
    for r in table.routes:
        params = r.match.accepts(meta)
        if params is not None:
            return decide(r, meta, table, params)
    return Decision(DEFAULT_ROUTE, Mode.LEGACY, table.backend(table.default_backend))
