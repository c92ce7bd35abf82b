"""make_app(settings): the legacy service's aiohttp application — the only place that wires.

How this works: one catch-all route sends every request through `dispatch`: split the store
segment off the `/rest` path, match Magento's route table, check Accept and the caller's ACL,
decode the body, run the handler, apply `?fields=`, render with the PHP-compatible encoder. Any
`MagentoError` becomes Magento's error body with its status; anything else becomes Magento's
production 500 ("Internal Error ... Report ID") and is logged with the traceback under that id.
The database pool and the attribute metadata are opened in a cleanup context, so two apps can
run in one process (tests do).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from legacy_adapters import mapping
from legacy_adapters.magento_app import requests, routes
from legacy_adapters.magento_app.context import GUEST, Call, Caller, allowed
from legacy_adapters.magento_app.db import Database
from legacy_adapters.magento_app.handlers import auth, carts, catalog, stores
from legacy_adapters.magento_app.service import Legacy
from legacy_adapters.magento_app.settings import Settings
from legacy_adapters.magento_wire import errors, fields, phpjson, query, tokens, urls
from legacy_adapters.plans import catalog as catalog_plans
from legacy_adapters.records import Store, StoreGroup, Website
from legacy_adapters.sql import catalog as catalog_sql
from legacy_adapters.sql import customer as customer_sql

Handler = Callable[[Call, Legacy], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {
    name: getattr(module, name)
    for module in (auth, carts, catalog, stores)
    for name in dir(module)
    if name in {r.handler for r in routes.ROUTES}
}
LEGACY = web.AppKey("legacy", Legacy)
METRICS = web.AppKey("metrics", dict)
REQUEST_ID_KEY = web.RequestKey("request_id", str)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# aiohttp answers a request line or header over 8190 bytes itself, in text/plain, before the app
# sees it; long searchCriteria queries and SKUs must reach `dispatch` and get Magento's JSON.
HTTP_LIMITS = {"max_line_size": 64 * 1024, "max_field_size": 64 * 1024}
log = structlog.get_logger("legacy")


def _metrics() -> dict[str, Any]:
    registry = CollectorRegistry()
    return {
        "registry": registry,
        "requests": Counter(
            "legacy_requests",
            "Requests answered by the legacy service",
            ["route", "status_class"],
            registry=registry,
        ),
        "latency": Histogram(
            "legacy_request_seconds",
            "Time to answer a request",
            ["route"],
            registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        ),
    }


def _json(status: int, value: Any, request_id: str) -> web.Response:
    return web.Response(
        status=status,
        body=phpjson.encode(value),
        headers={"Content-Type": phpjson.JSON_CONTENT_TYPE, "X-Request-ID": request_id},
    )


async def _caller(legacy: Legacy, authorization: str | None, now: float) -> Caller:
    """Who is calling: a valid, unrevoked token's user, else a guest (never an error)."""
    token = tokens.bearer(authorization)
    claims = tokens.verify(token, key=legacy.token_key, now=int(now)) if token else None
    if claims is None:
        return GUEST
    rows = await legacy.db.fetch(
        customer_sql.REVOKED_BEFORE, (int(claims.user_type), claims.user_id)
    )
    if tokens.is_revoked(claims, int(rows[0]["revoke_before"]) if rows else None):
        return GUEST
    return Caller(claims.user_type, claims.user_id)


async def _call(request: web.Request, legacy: Legacy) -> tuple[routes.Route, Any]:
    raw_path, _, raw_query = request.raw_path.partition("?")
    rest = urls.split(raw_path, legacy.store_codes)
    if rest is None:
        raise errors.route_not_found()
    found = routes.match(request.method, urls.route_segments(rest.service_path))
    if found is None:
        raise errors.route_not_found()
    # repeated Accept lines are one comma-separated list (RFC 9110 §5.3), as PHP sees them
    requests.accept(", ".join(request.headers.getall("Accept", [])) or None)
    now = legacy.clock()
    caller = await _caller(legacy, request.headers.get("Authorization"), now)
    if not allowed(caller, found.route.resources):
        raise errors.not_authorized(found.route.resources)
    body: dict[str, Any] = {}
    if found.route.body:
        try:
            raw = await request.read()
        except web.RequestPayloadError:  # e.g. `Content-Encoding: gzip` over bytes that aren't
            raise errors.decoding_error() from None
        body = requests.body(request.headers.get("Content-Type"), raw)
    parsed = query.parse(raw_query)
    call = Call(found.route, found.params, parsed, body, legacy.scope(rest.store_code), caller, now)
    result = await HANDLERS[found.route.handler](call, legacy)
    return found.route, fields.respond(result, parsed.get("fields"))


async def dispatch(request: web.Request) -> web.Response:
    legacy = request.app[LEGACY]
    request_id = request[REQUEST_ID_KEY]
    route_name = "unmatched"
    try:
        route, result = await _call(request, legacy)
        route_name = route.handler
        return _json(200, result, request_id)
    except errors.MagentoError as exc:
        return _json(exc.status, exc.body(), request_id)
    except web.HTTPException as exc:  # aiohttp's own: body too large, etc.
        return _json(exc.status, {"message": exc.reason}, request_id)
    except Exception:
        failure = errors.InternalError()
        log.exception("unhandled_error", report_id=failure.report_id, route=route_name)
        return _json(failure.status, failure.body(), request_id)


@web.middleware
async def observe(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    incoming = request.headers.get("X-Request-ID", "")
    request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
    request[REQUEST_ID_KEY] = request_id
    structlog.contextvars.bind_contextvars(request_id=request_id)
    started = time.perf_counter()
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # the router's own 404/405 (`OPTIONS *`): Magento JSON too
        if exc.status < 400:
            raise
        failure = (
            errors.route_not_found()
            if exc.status in (404, 405)
            else errors.WebapiError(exc.reason, exc.status)
        )
        response = _json(failure.status, failure.body(), request_id)
    elapsed = time.perf_counter() - started
    metrics = request.app[METRICS]
    path = request.raw_path.partition("?")[0]
    route = "metrics" if path == "/metrics" else _route_label(request)
    metrics["requests"].labels(route, f"{response.status // 100}xx").inc()
    metrics["latency"].labels(route).observe(elapsed)
    log.info(
        "request",
        method=request.method,
        path=path,
        status=response.status,
        route=route,
        duration_ms=round(elapsed * 1000, 3),
    )
    structlog.contextvars.unbind_contextvars("request_id")
    return response


def _route_label(request: web.Request) -> str:
    legacy = request.app[LEGACY]
    rest = urls.split(request.raw_path.partition("?")[0], legacy.store_codes)
    found = routes.match(request.method, urls.route_segments(rest.service_path)) if rest else None
    return found.route.handler if found else "unmatched"


async def metrics_endpoint(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS]["registry"])
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def healthz(request: web.Request) -> web.Response:
    await request.app[LEGACY].db.fetch("SELECT 1")
    return web.json_response({"status": "ok"})


async def load_stores(db: Database) -> tuple[list[Website], list[StoreGroup], list[Store]]:
    websites = [
        Website(int(r["website_id"]), r["code"], r["name"], int(r["default_group_id"]))
        for r in await db.fetch(catalog_sql.WEBSITES)
    ]
    groups = [
        StoreGroup(
            int(r["group_id"]),
            int(r["website_id"]),
            r["name"],
            int(r["root_category_id"]),
            int(r["default_store_id"]),
            r["code"],
        )
        for r in await db.fetch(catalog_sql.STORE_GROUPS)
    ]
    stores = [
        Store(
            int(r["store_id"]),
            r["code"],
            int(r["website_id"]),
            int(r["group_id"]),
            r["name"],
            bool(r["is_active"]),
        )
        for r in await db.fetch(catalog_sql.STORES)
    ]
    return websites, groups, stores


def make_app(settings: Settings, *, clock: Callable[[], float] = time.time) -> web.Application:
    """The legacy service for `settings`; resources open when the app starts."""
    app = web.Application(
        middlewares=[observe], client_max_size=2 * 1024 * 1024, handler_args=HTTP_LIMITS
    )
    app[METRICS] = _metrics()

    async def resources(app: web.Application) -> AsyncIterator[None]:
        db = await Database.connect(
            host=settings.db_host,
            port=settings.db_port,
            user=settings.db_user,
            password=settings.db_password,
            db=settings.db_name,
            size=settings.pool_size,
        )
        meta: mapping.CatalogMeta = await db.run(catalog_plans.catalog_meta_plan())
        websites, groups, stores_ = await load_stores(db)
        app[LEGACY] = Legacy(db, meta, settings.token_key, websites, groups, stores_, clock)
        yield
        await db.close()

    app.cleanup_ctx.append(resources)
    app.router.add_get("/metrics", metrics_endpoint)
    app.router.add_get("/healthz", healthz)
    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app
