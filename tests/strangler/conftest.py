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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from strangler import config
from strangler.breaker import Breakers
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


@dataclass
class ProxyUnderTest:
    proxy: Proxy
    runtime: Runtime
    metrics: Metrics
    shadow: ShadowRunner
    results: ListSink
    client: Any  # aiohttp TestClient on the proxy's real socket

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
def make_proxy(
    aiohttp_client: Callable[..., Any], aiohttp_raw_server: Callable[..., Any]
) -> Callable[..., Any]:
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
            runtime, upstream, shadow, metrics, breakers, token_key=token_key, rng=rng, **kwargs
        )
        client = await aiohttp_client(await aiohttp_raw_server(proxy.handle))
        return ProxyUnderTest(proxy, runtime, metrics, shadow, results, client)

    return start


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Any]:
    """The proxy runs on uvloop in production (`strangler serve`): its tests run on uvloop."""
    import uvloop

    return {"uvloop": uvloop.new_event_loop}
