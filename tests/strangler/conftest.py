"""Fixtures for the proxy: real backends on real sockets and a real proxy in front of them.

`Backend` is a second real aiohttp app standing in where a new service does not exist yet (the
issue allows it): it records every request it receives and answers according to its current
`behaviour`, so tests can make it slow, failing or closing connections. The legacy side is the
real legacy service from tests/conftest.py wherever Magento's answers matter.
"""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from strangler import config
from strangler.accesslog import AccessLog
from strangler.breaker import Breakers
from strangler.httpserver import HttpServer
from strangler.metrics import Metrics
from strangler.proxy import Proxy
from strangler.runtime import Runtime
from strangler.shadow import ShadowRunner
from strangler.sinks import Fanout, ListSink
from strangler.sinks.metrics import MetricsSink
from strangler.upstream import Upstream


@dataclass
class Seen:
    method: str
    path: str  # raw path with query
    headers: dict[str, str]
    body: bytes


@dataclass
class Backend:
    name: str
    behaviour: str = "ok"  # ok | fail500 | slow | close | echo
    delay_s: float = 0.0
    body: bytes | None = None
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.seen.append(
            Seen(
                request.method,
                request.raw_path,
                {k.lower(): v for k, v in request.headers.items()},
                body,
            )
        )
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.behaviour == "fail500":
            return web.Response(
                status=500, body=b'{"message":"boom"}', content_type="application/json"
            )
        if self.behaviour == "close":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=200)
        payload = (
            self.body
            if self.body is not None
            else json.dumps(
                {"backend": self.name, "method": request.method, "path": request.raw_path}
            ).encode()
        )
        return web.Response(
            status=200,
            body=payload,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Backend": self.name,
                "Set-Cookie": f"b={self.name}",
            },
        )


@pytest.fixture
def make_backend(aiohttp_server: Callable[..., Any]) -> Callable[..., Any]:
    async def start(name: str, **kwargs: Any) -> Backend:
        backend = Backend(name, **kwargs)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", backend.handle)
        server = await aiohttp_server(app)
        backend.url = f"http://127.0.0.1:{server.port}"
        return backend

    return start


class Client:
    """A real HTTP client on the proxy's real socket (responses are read before returning)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.session = aiohttp.ClientSession()

    async def request(self, method: str, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        response = await self.session.request(
            method, f"http://127.0.0.1:{self.port}{path}", **kwargs
        )
        await response.read()  # cached: .read()/.json() work later; the connection is free again
        return response

    async def get(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.request("POST", path, **kwargs)


@dataclass
class ProxyUnderTest:
    proxy: Proxy
    runtime: Runtime
    metrics: Metrics
    shadow: ShadowRunner
    results: ListSink
    client: Client
    listener: HttpServer

    async def drain(self) -> None:
        await self.shadow.drain(10)

    def counter(self, name: str, **labels: str) -> float:
        return self.metrics.registry.get_sample_value(name, labels) or 0.0


def routes_yaml(backends: dict[str, str], routes: str, defaults: str = "") -> str:
    lines = ["version: 1", "backends:"]
    lines += [f'  {name}: {{url: "{url}", timeout_ms: 2000}}' for name, url in backends.items()]
    if defaults:
        lines.append(textwrap.indent(textwrap.dedent(defaults).strip(), ""))
    lines.append("routes:")
    lines.append(textwrap.indent(textwrap.dedent(routes).strip(), "  "))
    return "\n".join(lines) + "\n"


@pytest.fixture
async def make_proxy() -> AsyncIterator[Callable[..., Any]]:
    started: list[ProxyUnderTest] = []

    async def start(
        text: str,
        *,
        max_in_flight: int | None = None,
        token_key: str | None = None,
        rng: Callable[[], float] | None = None,
        breakers: Breakers | None = None,
        clock: Callable[[], float] | None = None,
    ) -> ProxyUnderTest:
        table = config.parse(text, source="routes.yaml", env={})
        runtime = Runtime(table)
        metrics = Metrics()
        upstream = Upstream()
        results = ListSink()
        breakers = breakers or Breakers()
        kwargs: dict[str, Any] = {"clock": clock} if clock else {}
        shadow = ShadowRunner(
            upstream,
            Fanout([results, MetricsSink(metrics)]),
            max_in_flight=max_in_flight or table.max_in_flight,
            breakers=breakers,
            **kwargs,
        )
        proxy = Proxy(
            runtime,
            upstream,
            shadow,
            metrics,
            breakers,
            token_key=token_key,
            rng=rng,
            access_log=AccessLog(),
            **kwargs,
        )
        listener = HttpServer(
            proxy.handle,
            error_response=proxy.error_response,
            max_body=lambda: runtime.effective.max_body_bytes,
        )
        port = await listener.start("127.0.0.1", 0)
        under_test = ProxyUnderTest(
            proxy, runtime, metrics, shadow, results, Client(port), listener
        )
        started.append(under_test)
        return under_test

    yield start
    for under_test in started:
        await under_test.listener.shutdown(5)
        await under_test.shadow.drain(5)
        await under_test.client.session.close()
        await under_test.proxy.upstream.close()


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Any]:
    """The proxy runs on uvloop in production (`strangler serve`): its tests run on uvloop."""
    import uvloop

    return {"uvloop": uvloop.new_event_loop}
