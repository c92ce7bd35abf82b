"""The admin API: see and flip routes, pull the kill switch, read the audit log, reload.

How this works: `make_admin_app()` builds a separate aiohttp app (served on the admin listener,
127.0.0.1:8079 by default). Every endpoint needs `Authorization: Bearer <STRANGLER_ADMIN_TOKEN>`
(compared in constant time; the token is never logged) except three that machines poll:
`/healthz` (liveness), `/readyz` (load balancers) and `/metrics` (Prometheus scrapes without a
secret; keep the admin listener on loopback or a private network, as by default).

A flip is: load the store's current flags -> `flags.plan_flip` (pure: validates, builds the
audit record) -> `store.commit` (state + audit, atomically) -> `runtime.set_flags`. One lock
serialises that sequence with flips arriving from elsewhere: a background task, started in the
app's cleanup context, runs `store.watch()` and applies what other proxies or the CLI committed
(`flags_changed_remotely`) from a fresh read taken under that lock, so a state read before
one of our own flips is never applied over it. Bad input answers 400 `{"message": ...}`
naming the problem; a failing store answers 503.

    GET  /routes       every route: file mode, effective mode, where it comes from, who/when/why
    POST /flips        {route, mode: legacy|shadow|canary|new|null, percent?, reason, actor?}
    POST /kill-switch  {on: bool, reason, actor?}
    GET  /audit        ?limit=N, newest first
    POST /reload       {reason?, actor?} -> 200 {digest, changed, flipped_routes} | 400 {problems}
    GET  /healthz  /readyz  /metrics     (no token)

The divergence dashboard, its JSON twins and the dashboard's sign-in are in admin_dashboard.py
(same app, same token).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from strangler import admin_dashboard
from strangler.admin_base import ADMIN, Admin, Handler, error, stored
from strangler.admin_dashboard import LiveStats
from strangler.errors import FlagError
from strangler.flags import KILL_SWITCH, FlagState, Flip, Override, plan_flip, views
from strangler.flagstore import FlagStore
from strangler.metrics import Metrics
from strangler.model import Mode
from strangler.reload import ReloadOutcome
from strangler.runtime import Runtime
from strangler.settings import Settings
from strangler.store import DivergenceStore

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
DEFAULT_AUDIT_LIMIT = 50
MAX_AUDIT_LIMIT = 10_000
WATCH_RESTART_S = 1.0
MODES = ", ".join(m.value for m in Mode)
COOKIE = "strangler_admin"
LOGIN_PATH = "/dashboard/login"
PAGE = 50  # examples per page on a route's dashboard
MAX_DIVERGENCE_LIMIT = 1000

log = structlog.get_logger("strangler.admin")


def make_admin_app(
    runtime: Runtime,
    store: FlagStore,
    metrics: Metrics,
    settings: Settings,
    *,
    reload: Callable[[], ReloadOutcome],
    clock: Callable[[], float] = time.time,
    divergences: DivergenceStore | None = None,
    stats_source: LiveStats | None = None,
) -> web.Application:
    """The admin API over one proxy's runtime; refuses to exist without an admin token.

    `divergences` (the divergence store) and `stats_source` (the StoreSink) feed the dashboard.
    """
    token = settings.require_admin_token()
    bearer = f"Bearer {token}".encode()
    app = web.Application(middlewares=[_json_errors, _authorize])
    app[ADMIN] = Admin(runtime, store, metrics, settings, reload, clock, bearer)
    app.router.add_get("/routes", get_routes)
    app.router.add_post("/flips", post_flip)
    app.router.add_post("/kill-switch", post_kill_switch)
    app.router.add_get("/audit", get_audit)
    app.router.add_post("/reload", post_reload)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_text)
    admin_dashboard.add_routes(app, token, divergences, stats_source)
    app.cleanup_ctx.append(_follow_flags)
    return app


# -- middlewares -------------------------------------------------------------------------------


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The router's own 404/405 and unexpected failures answer JSON too."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return web.json_response({"message": exc.reason}, status=exc.status, headers=allow)
    except Exception:
        log.exception("admin_error", method=request.method, path=request.path)
        return web.json_response({"message": "internal error; see the proxy log"}, status=500)


@web.middleware
async def _authorize(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in OPEN_PATHS or (
        request.path == admin_dashboard.LOGIN_PATH and request.method == "POST"
    ):
        return await handler(request)  # the sign-in form checks the token itself
    browser = request.path.startswith("/dashboard")
    if browser and request.method == "GET" and "token" in request.query:
        return admin_dashboard.token_login(request)
    given = request.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
    bearer_ok = hmac.compare_digest(given, request.app[ADMIN].bearer)
    if not (bearer_ok or admin_dashboard.has_cookie(request)):
        log.warning("admin_unauthorized", method=request.method, path=request.path)
        if browser:
            return admin_dashboard.login_page(request)
        raise error(
            web.HTTPUnauthorized,
            "missing or wrong admin token: send Authorization: Bearer <STRANGLER_ADMIN_TOKEN>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return await handler(request)


# -- request bodies ----------------------------------------------------------------------------


async def _json_object(request: web.Request, allowed: set[str]) -> dict[str, Any]:
    """The request body as a JSON object with only `allowed` keys, or a 400 naming the problem."""
    try:
        body = json.loads(await request.text() or "null")
    except ValueError as exc:
        raise error(web.HTTPBadRequest, f"request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise error(web.HTTPBadRequest, "request body must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        expected = ", ".join(sorted(allowed))
        raise error(web.HTTPBadRequest, f"unknown field {unknown[0]!r} (expected: {expected})")
    return body


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _text(body: dict[str, Any], name: str, default: str | None = None) -> str:
    value = body.get(name)
    if value is None:
        value = default
    if value is None:
        raise error(web.HTTPBadRequest, f"{name} is required")
    if not isinstance(value, str):
        raise error(web.HTTPBadRequest, f"{name} must be a string, got {_kind(value)}")
    return value


def _number(body: dict[str, Any], name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise error(web.HTTPBadRequest, f"{name} must be a number, got {_kind(value)}")
    return float(value)


def _mode(body: dict[str, Any]) -> Mode | None:
    if "mode" not in body:
        raise error(web.HTTPBadRequest, f"mode is required: one of {MODES}, or null to clear")
    value = body["mode"]
    if value is None:
        return None
    if not isinstance(value, str) or value not in {m.value for m in Mode}:
        shown = repr(value) if isinstance(value, str) else _kind(value)
        raise error(web.HTTPBadRequest, f"mode must be one of {MODES} or null, got {shown}")
    return Mode(value)


def _switch(body: dict[str, Any]) -> bool:
    value = body.get("on")
    if not isinstance(value, bool):
        raise error(web.HTTPBadRequest, f"on must be true or false, got {_kind(value)}")
    return value


# -- JSON out ----------------------------------------------------------------------------------


def _override_json(override: Override | None) -> dict[str, Any] | None:
    if override is None:
        return None
    return {
        "mode": override.mode.value,
        "percent": override.percent,
        "actor": override.actor,
        "reason": override.reason,
        "at": override.at,
    }


def routes_body(runtime: Runtime) -> dict[str, Any]:
    """What GET /routes answers: every route's effective mode and where it comes from."""
    table, state = runtime.file_table, runtime.flags
    route_views, orphaned = views(table, state)
    return {
        "config": {"source": table.source, "digest": table.digest, "loaded_at": runtime.loaded_at},
        "kill_switch": _override_json(state.kill_switch),
        "routes": [
            {
                "id": v.route_id,
                "file_mode": v.file_mode,
                "effective_mode": v.effective_mode,
                "source": v.source,
                "new": v.new,
                "override": _override_json(v.override),
            }
            for v in route_views
        ],
        "orphaned_flips": [
            {"id": rid, **(_override_json(state.overrides[rid]) or {})} for rid in orphaned
        ],
    }


# -- flips -------------------------------------------------------------------------------------


async def _flip(
    admin: Admin, route_id: str, mode: Mode | None, percent: float | None, body: dict[str, Any]
) -> Flip:
    """Plan against the store's current flags, commit, then route with the new state."""
    actor, reason = _text(body, "actor", admin.settings.actor), _text(body, "reason")
    async with admin.lock:
        current = await stored(admin.store.load())
        try:
            state, record = plan_flip(
                admin.runtime.file_table,
                current,
                route_id,
                mode,
                percent,
                actor=actor,
                reason=reason,
                at=admin.clock(),
            )
        except FlagError as exc:
            raise error(web.HTTPBadRequest, str(exc)) from None
        await stored(admin.store.commit(state, record))
        admin.runtime.set_flags(state)
    admin.metrics.flips.labels(route_id).inc()
    return record


async def post_flip(request: web.Request) -> web.Response:
    body = await _json_object(request, {"route", "mode", "percent", "reason", "actor"})
    route_id = _text(body, "route")
    if route_id == KILL_SWITCH:
        raise error(web.HTTPBadRequest, f"{KILL_SWITCH!r} is the kill switch: POST /kill-switch")
    record = await _flip(request.app[ADMIN], route_id, _mode(body), _number(body, "percent"), body)
    log.info(
        "route_flipped",
        route=record.route_id,
        from_mode=record.from_mode,
        to_mode=record.to_mode,
        actor=record.actor,
        reason=record.reason,
    )
    return web.json_response(dataclasses.asdict(record))


async def post_kill_switch(request: web.Request) -> web.Response:
    body = await _json_object(request, {"on", "reason", "actor"})
    on = _switch(body)
    mode = Mode.LEGACY if on else None
    record = await _flip(request.app[ADMIN], KILL_SWITCH, mode, None, body)
    log.info("kill_switch", on=on, actor=record.actor, reason=record.reason)
    return web.json_response(dataclasses.asdict(record))


async def get_audit(request: web.Request) -> web.Response:
    text = request.query.get("limit", str(DEFAULT_AUDIT_LIMIT))
    if not text.isdigit() or not 1 <= int(text) <= MAX_AUDIT_LIMIT:
        raise error(
            web.HTTPBadRequest, f"limit must be an integer in [1, {MAX_AUDIT_LIMIT}], got {text!r}"
        )
    records = await stored(request.app[ADMIN].store.audit(int(text)))
    return web.json_response({"audit": [dataclasses.asdict(r) for r in records]})


async def get_routes(request: web.Request) -> web.Response:
    return web.json_response(routes_body(request.app[ADMIN].runtime))


# -- reload, health, metrics -------------------------------------------------------------------


async def post_reload(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    body = await _json_object(request, {"reason", "actor"}) if request.body_exists else {}
    actor, reason = _text(body, "actor", admin.settings.actor), _text(body, "reason", "")
    outcome = admin.reload()
    admin.metrics.reloads.labels(outcome.trigger, "ok" if outcome.ok else "failed").inc()
    if not outcome.ok:
        log.warning("reload_failed", problems=list(outcome.problems), actor=actor, reason=reason)
        raise error(
            web.HTTPBadRequest,
            f"{len(outcome.problems)} problem(s); the running routes are unchanged",
            problems=list(outcome.problems),
            digest=outcome.digest,
        )
    log.info(
        "routes_reloaded",
        digest=outcome.digest,
        changed=outcome.changed,
        flipped_routes=list(outcome.flipped_routes),
        actor=actor,
        reason=reason,
    )
    return web.json_response(
        {
            "digest": outcome.digest,
            "changed": outcome.changed,
            "flipped_routes": list(outcome.flipped_routes),
        }
    )


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    reasons = []
    if not admin.runtime.file_table.digest:
        reasons.append("no routes table loaded")
    if not await admin.store.ping():
        reasons.append("flag store does not answer")
    if reasons:
        return web.json_response({"status": "unready", "reasons": reasons}, status=503)
    return web.json_response({"status": "ready", "digest": admin.runtime.file_table.digest})


async def metrics_text(request: web.Request) -> web.Response:
    body = generate_latest(request.app[ADMIN].metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


# -- flips made elsewhere ----------------------------------------------------------------------


def _changed(before: FlagState, after: FlagState) -> list[str]:
    """Route ids (and `*` for the kill switch) whose flag differs between two states."""
    ids = set(before.overrides) | set(after.overrides)
    changed = sorted(i for i in ids if before.overrides.get(i) != after.overrides.get(i))
    if before.kill_switch != after.kill_switch:
        changed.append(KILL_SWITCH)
    return changed


async def _apply_remote(admin: Admin, delivered: FlagState) -> None:
    """Route with what the store holds now, when it differs from what we route with."""
    async with admin.lock:
        if delivered == admin.runtime.flags:
            return
        # `delivered` may have been read before a flip this proxy committed since (the watch
        # waited for the lock); under the lock no local flip is in flight, so a fresh read is
        # never older than the state we route with.
        try:
            state = await admin.store.load()
        except Exception:
            log.exception("flag_store_failed")
            return
        before = admin.runtime.flags
        if state == before:
            return
        admin.runtime.set_flags(state)
    log.info(
        "flags_changed_remotely",
        routes=_changed(before, state),
        kill_switch=state.kill_switch is not None,
    )


async def _watch(admin: Admin) -> None:
    """Keep `store.watch()` running; a store that raises is logged and watched again."""
    while True:
        try:
            await admin.store.watch(functools.partial(_apply_remote, admin))
        except Exception:
            log.exception("flag_watch_failed")
        await asyncio.sleep(WATCH_RESTART_S)


async def _follow_flags(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(_watch(app[ADMIN]), name="strangler-flag-watch")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
