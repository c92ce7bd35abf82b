"""Magento's REST request pipeline, shared by every Magento-compatible service (legacy, catalog).

How this works: one catch-all route sends every request through `dispatch`: split the store
segment off the `/rest` path, match the service's route table, check Accept and the caller's
ACL, decode the body, run the handler, apply `?fields=`, render with the PHP-compatible
encoder. Any `MagentoError` becomes Magento's error body with its status; anything else becomes
Magento's production 500 ("Internal Error ... Report ID") and is logged with the traceback under
that id. `observe` gives every answer an X-Request-ID, counts it by route and status class,
times it and writes one JSON log line. What differs between services is a `Service` (name, route
table, handlers) and its `Site` (the running state: store scopes, token key, revocation).
A handler may answer `Rendered` bytes (a cached answer): they are sent as they are, and only
decoded when `?fields=` needs to filter them.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

import structlog
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from legacy_adapters.magento_app import requests
from legacy_adapters.magento_app.context import GUEST, Call, Caller, Scope, allowed
from legacy_adapters.magento_app.routes import Match, Route, match
from legacy_adapters.magento_wire import errors, fields, phpjson, query, tokens, urls

Handler = Callable[[Call, Any], Awaitable[Any]]
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# aiohttp answers a request line or header over 8190 bytes itself, in text/plain, before the app
# sees it; long searchCriteria queries and SKUs must reach `dispatch` and get Magento's JSON.
HTTP_LIMITS = {"max_line_size": 64 * 1024, "max_field_size": 64 * 1024}
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class Site(Protocol):
    """What the pipeline needs from a running service."""

    clock: Callable[[], float]

    @property
    def store_codes(self) -> frozenset[str]: ...

    def scope(self, code: str | None) -> Scope: ...

    def claims(self, token: str, now: int) -> tokens.TokenClaims | None:
        """The claims of a valid, unexpired bearer token (`tokens.verify`)."""
        ...

    async def revoked_before(self, claims: tokens.TokenClaims) -> int | None: ...

    async def ping(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Service:
    name: str  # metric prefix and logger name
    routes: tuple[Route, ...]
    handlers: Mapping[str, Handler]


@dataclass(frozen=True, slots=True)
class Rendered:
    """An answer already encoded by `phpjson` (e.g. from a cache)."""

    body: bytes


class VerifiedTokens:
    """Signature checks remembered per token, for a service that sees the same tokens often: a
    token's claims never change, so only its expiry is checked again on every use. Bounded:
    when full, it starts over."""

    def __init__(self, key: str, size: int = 10_000) -> None:
        self.key, self.size = key, size
        self.known: dict[str, tokens.TokenClaims] = {}

    def claims(self, token: str, now: int) -> tokens.TokenClaims | None:
        claims = self.known.get(token)
        if claims is None:
            claims = tokens.verify(token, key=self.key, now=now)
            if claims is None:
                return None
            if len(self.known) >= self.size:
                self.known.clear()
            self.known[token] = claims
        return claims if claims.expires_at > now else None


@dataclass(frozen=True, slots=True)
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram

    @classmethod
    def create(cls, prefix: str) -> Metrics:
        registry = CollectorRegistry()
        return cls(
            registry,
            Counter(
                f"{prefix}_requests",
                f"Requests answered by the {prefix} service",
                ["route", "status_class"],
                registry=registry,
            ),
            Histogram(
                f"{prefix}_request_seconds",
                "Time to answer a request",
                ["route"],
                registry=registry,
                buckets=LATENCY_BUCKETS,
            ),
        )


SERVICE = web.AppKey("magento_service", Service)
SITE = web.AppKey("magento_site", object)  # a Site: read it with site_of()
METRICS = web.AppKey("magento_metrics", Metrics)
REQUEST_ID_KEY = web.RequestKey("request_id", str)
ROUTE_KEY = web.RequestKey("route", str)
log = structlog.get_logger("magento")


def site_of(app: web.Application) -> Site:
    return cast(Site, app[SITE])


def json_response(status: int, value: Any, request_id: str) -> web.Response:
    body = value.body if isinstance(value, Rendered) else phpjson.encode(value)
    return web.Response(
        status=status,
        body=body,
        headers={"Content-Type": phpjson.JSON_CONTENT_TYPE, "X-Request-ID": request_id},
    )


async def caller_of(site: Site, authorization: str | None, now: float) -> Caller:
    """Who is calling: a valid, unrevoked token's user, else a guest (never an error)."""
    token = tokens.bearer(authorization)
    claims = site.claims(token, int(now)) if token else None
    if claims is None:
        return GUEST
    if tokens.is_revoked(claims, await site.revoked_before(claims)):
        return GUEST
    return Caller(claims.user_type, claims.user_id)


def _match(request: web.Request, site: Site, routes: tuple[Route, ...]) -> Match | None:
    rest = urls.split(request.raw_path.partition("?")[0], site.store_codes)
    return match(request.method, urls.route_segments(rest.service_path), routes) if rest else None


def _respond(result: Any, spec: Any) -> Any:
    if isinstance(result, Rendered):
        if not spec:
            return result
        result = phpjson.decode(result.body)
    return fields.respond(result, spec)


async def _call(request: web.Request, service: Service, site: Site) -> Any:
    raw_path, _, raw_query = request.raw_path.partition("?")
    rest = urls.split(raw_path, site.store_codes)
    if rest is None:
        raise errors.route_not_found()
    found = match(request.method, urls.route_segments(rest.service_path), service.routes)
    if found is None:
        raise errors.route_not_found()
    request[ROUTE_KEY] = found.route.handler
    # repeated Accept lines are one comma-separated list (RFC 9110 §5.3), as PHP sees them
    requests.accept(", ".join(request.headers.getall("Accept", [])) or None)
    now = site.clock()
    caller = await caller_of(site, request.headers.get("Authorization"), now)
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
    call = Call(found.route, found.params, parsed, body, site.scope(rest.store_code), caller, now)
    result = await service.handlers[found.route.handler](call, site)
    return _respond(result, parsed.get("fields"))


async def dispatch(request: web.Request) -> web.Response:
    service, site = request.app[SERVICE], site_of(request.app)
    request_id = request[REQUEST_ID_KEY]
    try:
        return json_response(200, await _call(request, service, site), request_id)
    except errors.MagentoError as exc:
        return json_response(exc.status, exc.body(), request_id)
    except web.HTTPException as exc:  # aiohttp's own: body too large, etc.
        return json_response(exc.status, {"message": exc.reason}, request_id)
    except Exception:
        failure = errors.InternalError()
        route = request.get(ROUTE_KEY, "unmatched")
        log.exception("unhandled_error", report_id=failure.report_id, route=route)
        return json_response(failure.status, failure.body(), request_id)


def _route_label(request: web.Request, path: str) -> str:
    if path == "/metrics":
        return "metrics"
    if ROUTE_KEY in request:
        return request[ROUTE_KEY]
    found = _match(request, site_of(request.app), request.app[SERVICE].routes)
    return found.route.handler if found else "unmatched"


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
        response = json_response(failure.status, failure.body(), request_id)
    elapsed = time.perf_counter() - started
    metrics = request.app[METRICS]
    path = request.raw_path.partition("?")[0]
    route = _route_label(request, path)
    metrics.requests.labels(route, f"{response.status // 100}xx").inc()
    metrics.latency.labels(route).observe(elapsed)
    log.info(
        "request",
        service=request.app[SERVICE].name,
        method=request.method,
        path=path,
        status=response.status,
        route=route,
        duration_ms=round(elapsed * 1000, 3),
    )
    structlog.contextvars.unbind_contextvars("request_id")
    return response


async def metrics_endpoint(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def healthz(request: web.Request) -> web.Response:
    await site_of(request.app).ping()
    return web.json_response({"status": "ok"})


def application(service: Service, metrics: Metrics | None = None) -> web.Application:
    """An app serving `service`; the caller sets `app[SITE]` (a `Site`) in a cleanup context."""
    app = web.Application(
        middlewares=[observe], client_max_size=2 * 1024 * 1024, handler_args=HTTP_LIMITS
    )
    app[SERVICE] = service
    app[METRICS] = metrics or Metrics.create(service.name)
    app.router.add_get("/metrics", metrics_endpoint)
    app.router.add_get("/healthz", healthz)
    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app
