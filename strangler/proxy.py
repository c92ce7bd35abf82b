"""The request handler: meta -> route -> send -> maybe shadow -> response.

How this works, per request:
1. Refuse what must never reach a backend (a non origin-form target, a header value with CR/LF)
   with a Magento-shaped JSON 4xx. Ambiguous framing (both Content-Length and Transfer-Encoding,
   conflicting lengths), oversized bodies and headers are already refused by the listener
   (`httpserver`); the body arrives whole and is forwarded with one Content-Length, so nothing
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

import random
import re
import time
from collections.abc import Callable
from typing import Any

from legacy_adapters.magento_wire import phpjson, tokens, urls
from strangler.accesslog import AccessLog
from strangler.breaker import Breakers
from strangler.errors import RequestRejected
from strangler.httpserver import Request, Response
from strangler.metrics import Metrics
from strangler.model import IDEMPOTENT_METHODS, Backend, Decision, Mode, RequestMeta, RouteTable
from strangler.routing import route
from strangler.runtime import Runtime
from strangler.shadow import ShadowRunner
from strangler.upstream import Headers, Reply, Upstream

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade", "proxy-connection", "content-length",
})  # fmt: skip
OWN_HEADERS = frozenset(
    {"x-request-id", "traceparent", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}
)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
BAD_VALUE = re.compile(r"[\r\n\x00]")
_ids = random.Random()  # request and trace ids need uniqueness, not secrecy: no syscall each


def new_id(bits: int = 128) -> str:
    return f"{_ids.getrandbits(bits):0{bits // 4}x}"


def magento_error(
    status: int, message: str, parameters: list[Any] | None = None, request_id: str = ""
) -> Response:
    """A proxy-made answer in Magento's error shape (`message` template + `parameters`)."""
    body: dict[str, Any] = {"message": message}
    if parameters:
        body["parameters"] = parameters
    headers = [("Content-Type", phpjson.JSON_CONTENT_TYPE)]
    if request_id:
        headers.append(("X-Request-ID", request_id))
    return Response(status, headers, phpjson.encode(body))


def _traceparent(incoming: str | None) -> str:
    """Continue the caller's W3C trace with our own span id, or start a new trace."""
    span = new_id(64)
    found = TRACEPARENT.match(incoming or "")
    if found and found.group(1) != "0" * 32:
        return f"00-{found.group(1)}-{span}-{found.group(3)}"
    return f"00-{new_id(128)}-{span}-01"


def forward_headers(request: Request, request_id: str) -> Headers:
    """End-to-end headers for the backend, with our X-Forwarded-*, request id and trace."""
    listed = request.headers.get("connection")
    connection_listed = (
        {token.strip().lower() for token in listed.split(",") if token.strip()} if listed else ()
    )
    out: Headers = []
    for name, value in request.raw_headers:
        lowered = name.lower()
        if lowered in HOP_BY_HOP or lowered in OWN_HEADERS or lowered in connection_listed:
            continue
        if BAD_VALUE.search(value):
            raise RequestRejected(400, f"Header {name} carries a line break or NUL.")
        out.append((name, value))
    peer = request.remote
    prior = request.headers.get("x-forwarded-for")
    out.append(("X-Forwarded-For", f"{prior}, {peer}" if prior else peer))
    out.append(("X-Forwarded-Proto", request.headers.get("x-forwarded-proto", request.scheme)))
    if request.host:
        out.append(("X-Forwarded-Host", request.headers.get("x-forwarded-host", request.host)))
    out.append(("X-Request-ID", request_id))
    out.append(("traceparent", _traceparent(request.headers.get("traceparent"))))
    return out


def to_response(reply: Reply, request_id: str, *, head: bool = False) -> Response:
    """The backend's answer for the client: status, end-to-end headers and body bytes as they
    came (a HEAD answer keeps the backend's Content-Length), plus our request id."""
    headers = [
        (n, v)
        for n, v in reply.headers
        if (n.lower() not in HOP_BY_HOP or (head and n.lower() == "content-length"))
        and n.lower() != "x-request-id"
    ]
    headers.append(("X-Request-ID", request_id))
    return Response(reply.status, headers, reply.body)


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
        access_log: AccessLog | None = None,
        on_request: Callable[[str], None] | None = None,
    ) -> None:
        self.runtime = runtime
        self.upstream = upstream
        self.shadow = shadow
        self.metrics = metrics
        self.breakers = breakers
        self.token_key = token_key
        self.rng = rng or _ids.random
        self.clock = clock
        self.access_log = access_log
        self.on_request = on_request  # called with the route id of every request (traffic)
        self.in_flight = 0
        self._children: dict[tuple[str, ...], tuple[Any, Any]] = {}

    def error_response(self, status: int, message: str) -> Response:
        """What the listener answers for requests it refuses itself (400, 408, 413, 431 ...)."""
        self.metrics.rejected.labels(_reason(status)).inc()
        self._count("rejected", "none", "none", status, 0.0)
        return magento_error(status, message)

    # ------------------------------------------------------------ the handler
    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        incoming = request.headers.get("x-request-id", "")
        request_id = incoming if REQUEST_ID.match(incoming) else new_id()
        self.in_flight += 1
        decision: Decision | None = None
        response: Response
        try:
            decision, reply = await self._serve(request, self.runtime.effective, request_id)
            if isinstance(reply, Response):
                response = reply
                response.headers.append(("X-Request-ID", request_id))
            else:
                response = to_response(reply, request_id, head=request.method == "HEAD")
        except RequestRejected as exc:
            self.metrics.rejected.labels(_reason(exc.status)).inc()
            response = magento_error(exc.status, exc.message, request_id=request_id)
        except Exception:
            if self.access_log is not None:
                self.access_log.exception("proxy_failed", request_id)
            response = magento_error(
                500, "Internal Error. The proxy failed; see its log for request %1.",
                [request_id], request_id,
            )  # fmt: skip
        finally:
            self.in_flight -= 1
        elapsed = time.perf_counter() - started
        route_id = decision.route_id if decision else "rejected"
        mode = decision.mode.value if decision else "none"
        backend = decision.primary.name if decision else "none"
        self._count(route_id, mode, backend, response.status, elapsed)
        if self.on_request is not None:
            self.on_request(route_id)
        if self.access_log is not None:
            shadow = decision.shadow.name if decision and decision.shadow else None
            self.access_log.request(
                request_id,
                request.method,
                request.raw_path,
                route_id,
                mode,
                backend,
                response.status,
                elapsed,
                shadow,
            )
        return response

    def _count(self, route_id: str, mode: str, backend: str, status: int, elapsed: float) -> None:
        key = (route_id, mode, backend, str(status // 100))
        children = self._children.get(key)
        if children is None:  # label lookups cost more than the increments: cache them
            children = self._children[key] = (
                self.metrics.requests.labels(route_id, mode, backend, f"{status // 100}xx"),
                self.metrics.latency.labels(route_id, backend),
            )
        children[0].inc()
        children[1].observe(elapsed)

    async def _serve(
        self, request: Request, table: RouteTable, request_id: str
    ) -> tuple[Decision, Reply | Response]:
        target = request.raw_path
        if not target.startswith("/"):
            raise RequestRejected(400, "Request target must be a path.")
        path = urls.normalize(target.partition("?")[0])
        meta = RequestMeta(
            request.method,
            path,
            request.headers,
            _LazyQuery(request),
            sample=self.rng(),
            customer_id=self._customer(request, table),
        )
        decision = route(meta, table)
        body = request.body
        headers = forward_headers(request, request_id)
        reply = await self._primary(decision, table, request.method, target, headers, body)
        if isinstance(reply, Reply) and decision.shadow is not None and not reply.failed:
            self.shadow.submit(decision, request_id, request.method, target, headers, body, reply)
        return decision, reply

    def _customer(self, request: Request, table: RouteTable) -> int | None:
        """The verified customer id, only when a canary route keys on it."""
        if self.token_key is None or not any(
            r.mode is Mode.CANARY and r.canary.sticky == "customer" for r in table.routes
        ):
            return None
        token = tokens.bearer(request.headers.get("authorization"))
        claims = tokens.verify(token, key=self.token_key, now=int(time.time())) if token else None
        if claims is None or claims.user_type is not tokens.UserType.CUSTOMER:
            return None
        return claims.user_id

    # ------------------------------------------------------------ sending
    async def _primary(
        self, decision: Decision, table: RouteTable, method: str, target: str,
        headers: Headers, body: bytes,
    ) -> Reply | Response:  # fmt: skip
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
        self, decision: Decision, reason: str, method: str, target: str, headers: Headers,
        body: bytes,
    ) -> Reply | Response:  # fmt: skip
        assert decision.fallback is not None
        self.metrics.fallbacks.labels(decision.route_id, reason).inc()
        reply = await self.upstream.send(decision.fallback, method, target, headers, body)
        if reply.failed:
            self.metrics.upstream_errors.labels(decision.fallback.name, reply.error or "").inc()
            return _unavailable(decision, decision.fallback, reply.error or "protocol")
        return reply


def _unavailable(decision: Decision, backend: Backend, error: str) -> Response:
    status = 504 if error == "timeout" else 502
    return magento_error(
        status,
        "Backend %1 could not answer route %2 (%3).",
        [backend.name, decision.route_id, error],
    )


def _reason(status: int) -> str:
    return {
        400: "bad_request",
        408: "too_slow",
        413: "body_too_large",
        414: "target_too_long",
        417: "expectation",
        431: "headers_too_large",
    }.get(status, f"status_{status}")


class _LazyQuery(dict[str, str]):
    """The query mapping for route predicates, parsed on first use (most routes have none)."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self.request: Request | None = request

    def _load(self) -> None:
        if self.request is not None:
            self.update(self.request.query)
            self.request = None

    def get(self, key: str, default: Any = None) -> Any:
        self._load()
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self._load()
        return super().__getitem__(key)
