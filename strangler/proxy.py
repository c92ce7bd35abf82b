"""The request handler: meta -> route -> send -> maybe shadow -> response.

How this works, per request:
1. Refuse what must never reach a backend (a non origin-form target, a header value with CR/LF,
   a body over `max_body_bytes`) with a Magento-shaped JSON 4xx. Ambiguous framing (both
   Content-Length and Transfer-Encoding, conflicting lengths) is already refused by the HTTP
   parser; the body is read whole here and forwarded with one Content-Length, so nothing
   reaches a backend with framing it could read differently.
2. Route with the effective table (`routing.route`), store-code segment normalised away.
3. Send to the primary backend with the forwarded headers (hop-by-hop stripped, X-Forwarded-*,
   X-Request-ID, traceparent). For a new backend: its circuit breaker may say no, and a failure
   (connect, timeout, 5xx) of an idempotent request is retried once on legacy when the route
   has `fallback: legacy` — counted. Upstream trouble with no fallback becomes a JSON 502/504
   naming the route and backend, never a traceback.
4. Hand a copy to the ShadowRunner (returns at once) and answer the client with the primary's
   status, headers and body bytes unchanged.
5. One access-log line and the metrics.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from typing import Any

import structlog
from aiohttp import web

from legacy_adapters.magento_wire import phpjson, tokens, urls
from strangler.breaker import Breakers
from strangler.errors import RequestRejected
from strangler.metrics import Metrics
from strangler.model import IDEMPOTENT_METHODS, Backend, Decision, Mode, RequestMeta, RouteTable
from strangler.routing import route
from strangler.runtime import Runtime
from strangler.shadow import ShadowRunner
from strangler.upstream import Headers, Reply, Upstream

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
        "content-length",
    }
)
OWN_HEADERS = frozenset(
    {"x-request-id", "traceparent", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}
)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
BAD_VALUE = re.compile(r"[\r\n\x00]")
log = structlog.get_logger("strangler.proxy")


def magento_error(
    status: int, message: str, parameters: list[Any] | None = None, request_id: str = ""
) -> web.Response:
    """A proxy-made answer in Magento's error shape (`message` template + `parameters`)."""
    body: dict[str, Any] = {"message": message}
    if parameters:
        body["parameters"] = parameters
    return web.Response(
        status=status,
        body=phpjson.encode(body),
        headers={"Content-Type": phpjson.JSON_CONTENT_TYPE, "X-Request-ID": request_id},
    )


def _traceparent(incoming: str | None) -> str:
    """Continue the caller's W3C trace with our own span id, or start a new trace."""
    span = os.urandom(8).hex()
    found = TRACEPARENT.match(incoming or "")
    if found and found.group(1) != "0" * 32:
        return f"00-{found.group(1)}-{span}-{found.group(3)}"
    return f"00-{os.urandom(16).hex()}-{span}-01"


def forward_headers(request: web.BaseRequest, request_id: str) -> Headers:
    """End-to-end headers for the backend, with our X-Forwarded-*, request id and trace."""
    connection_listed = {
        token.strip().lower()
        for token in request.headers.get("Connection", "").split(",")
        if token.strip()
    }
    out: Headers = []
    for raw_name, raw_value in request.raw_headers:
        name = raw_name.decode("latin-1")
        lowered = name.lower()
        if lowered in HOP_BY_HOP or lowered in OWN_HEADERS or lowered in connection_listed:
            continue
        value = raw_value.decode("latin-1")
        if BAD_VALUE.search(value):
            raise RequestRejected(400, f"Header {name} carries a line break or NUL.")
        out.append((name, value))
    peer = request.remote or ""
    prior = request.headers.get("X-Forwarded-For")
    out.append(("X-Forwarded-For", f"{prior}, {peer}" if prior else peer))
    out.append(("X-Forwarded-Proto", request.headers.get("X-Forwarded-Proto", request.scheme)))
    if request.host:
        out.append(("X-Forwarded-Host", request.headers.get("X-Forwarded-Host", request.host)))
    out.append(("X-Request-ID", request_id))
    out.append(("traceparent", _traceparent(request.headers.get("traceparent"))))
    return out


def response_headers(reply: Reply, request_id: str) -> list[tuple[str, str]]:
    headers = [
        (n, v)
        for n, v in reply.headers
        if n.lower() not in HOP_BY_HOP and n.lower() != "x-request-id"
    ]
    headers.append(("X-Request-ID", request_id))
    return headers


class Proxy:
    def __init__(
        self,
        runtime: Runtime,
        upstream: Upstream,
        shadow: ShadowRunner,
        metrics: Metrics,
        breakers: Breakers,
        *,
        token_key: str | None = None,
        rng: Callable[[], float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        access_log: bool = True,
    ) -> None:
        self.runtime = runtime
        self.upstream = upstream
        self.shadow = shadow
        self.metrics = metrics
        self.breakers = breakers
        self.token_key = token_key
        self.rng = rng or _fast_random
        self.clock = clock
        self.access_log = access_log
        self.in_flight = 0

    # ------------------------------------------------------------ the handler
    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else os.urandom(16).hex()
        self.in_flight += 1
        decision: Decision | None = None
        response: web.StreamResponse
        try:
            table = self.runtime.effective
            decision, reply = await self._serve(request, table, request_id)
            response = (
                reply
                if isinstance(reply, web.Response)
                else web.Response(
                    status=reply.status,
                    body=reply.body,
                    headers=response_headers(reply, request_id),
                )
            )
        except RequestRejected as exc:
            self.metrics.rejected.labels(_reason(exc.status)).inc()
            response = magento_error(exc.status, exc.message, request_id=request_id)
        except Exception:
            log.exception("proxy_failed", request_id=request_id)
            response = magento_error(
                500,
                "Internal Error. The proxy failed; see its log for request %1.",
                [request_id],
                request_id,
            )
        finally:
            self.in_flight -= 1
        self._observe(request, response, decision, request_id, started)
        return response

    async def _serve(
        self, request: web.BaseRequest, table: RouteTable, request_id: str
    ) -> tuple[Decision, Reply | web.Response]:
        target = request.raw_path
        if not target.startswith("/"):
            raise RequestRejected(400, "Request target must be a path.")
        path = urls.normalize(target.partition("?")[0])
        meta = RequestMeta(
            request.method,
            path,
            request.headers,
            request.query,
            sample=self.rng(),
            customer_id=self._customer(request, table),
        )
        decision = route(meta, table)
        body = await _read_body(request, table.max_body_bytes) if request.body_exists else b""
        headers = forward_headers(request, request_id)
        reply = await self._primary(decision, table, request.method, target, headers, body)
        if isinstance(reply, Reply) and decision.shadow is not None and not reply.failed:
            self.shadow.submit(decision, request_id, request.method, target, headers, body, reply)
        return decision, reply

    def _customer(self, request: web.BaseRequest, table: RouteTable) -> int | None:
        """The verified customer id, only when a canary route keys on it."""
        if self.token_key is None or not any(
            r.mode is Mode.CANARY and r.canary.sticky == "customer" for r in table.routes
        ):
            return None
        token = tokens.bearer(request.headers.get("Authorization"))
        claims = tokens.verify(token, key=self.token_key, now=int(time.time())) if token else None
        if claims is None or claims.user_type is not tokens.UserType.CUSTOMER:
            return None
        return claims.user_id

    # ------------------------------------------------------------ sending
    async def _primary(
        self,
        decision: Decision,
        table: RouteTable,
        method: str,
        target: str,
        headers: Headers,
        body: bytes,
    ) -> Reply | web.Response:
        backend = decision.primary
        guarded = backend.name != table.default_backend  # breakers guard new backends
        breaker = self.breakers[backend.name] if guarded else None
        can_fall_back = decision.fallback is not None and method in IDEMPOTENT_METHODS
        if breaker is not None and not breaker.allow(self.clock()):
            if can_fall_back:
                return await self._fallback(decision, "circuit_open", method, target, headers, body)
            return _unavailable(decision, backend, "circuit_open")
        reply = await self.upstream.send(backend, method, target, headers, body)
        failed = reply.failed or reply.status >= 500
        if breaker is not None:
            breaker.record(not failed, self.clock())
            self.metrics.circuit_open.labels(backend.name).set(int(breaker.is_open))
        if reply.failed:
            self.metrics.upstream_errors.labels(backend.name, reply.error or "").inc()
        if failed and can_fall_back:
            reason = reply.error or f"status_{reply.status // 100}xx"
            return await self._fallback(decision, reason, method, target, headers, body)
        if reply.failed:
            return _unavailable(decision, backend, reply.error or "protocol")
        return reply

    async def _fallback(
        self,
        decision: Decision,
        reason: str,
        method: str,
        target: str,
        headers: Headers,
        body: bytes,
    ) -> Reply | web.Response:
        assert decision.fallback is not None
        self.metrics.fallbacks.labels(decision.route_id, reason).inc()
        reply = await self.upstream.send(decision.fallback, method, target, headers, body)
        if reply.failed:
            self.metrics.upstream_errors.labels(decision.fallback.name, reply.error or "").inc()
            return _unavailable(decision, decision.fallback, reply.error or "protocol")
        return reply

    # ------------------------------------------------------------ observing
    def _observe(
        self,
        request: web.BaseRequest,
        response: web.StreamResponse,
        decision: Decision | None,
        request_id: str,
        started: float,
    ) -> None:
        elapsed = time.perf_counter() - started
        route_id = decision.route_id if decision else "rejected"
        mode = decision.mode.value if decision else "none"
        backend = decision.primary.name if decision else "none"
        status_class = f"{response.status // 100}xx"
        self.metrics.requests.labels(route_id, mode, backend, status_class).inc()
        self.metrics.latency.labels(route_id, backend).observe(elapsed)
        if self.access_log:
            log.info(
                "request",
                request_id=request_id,
                method=request.method,
                path=request.raw_path.partition("?")[0],
                route=route_id,
                mode=mode,
                backend=backend,
                status=response.status,
                duration_ms=round(elapsed * 1000, 3),
                shadow=decision.shadow.name if decision and decision.shadow else None,
            )


def _unavailable(decision: Decision, backend: Backend, error: str) -> web.Response:
    status = 504 if error == "timeout" else 502
    return magento_error(
        status,
        "Backend %1 could not answer route %2 (%3).",
        [backend.name, decision.route_id, error],
    )


def _reason(status: int) -> str:
    return {400: "bad_request", 413: "body_too_large"}.get(status, f"status_{status}")


async def _read_body(request: web.BaseRequest, limit: int) -> bytes:
    """The whole request body, refusing (413) anything larger than `limit` bytes."""
    length = request.content_length
    if length is not None and length > limit:
        raise RequestRejected(413, f"Request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise RequestRejected(413, f"Request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _fast_random() -> float:
    return int.from_bytes(os.urandom(7), "big") / 2**56
