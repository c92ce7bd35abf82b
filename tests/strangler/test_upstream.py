"""The pooled upstream client against real aiohttp servers."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from strangler.model import Backend
from strangler.upstream import Upstream


async def _server(aiohttp_server: Any, **kwargs: Any) -> tuple[Any, list[tuple[str, int]]]:
    peers: list[tuple[str, int]] = []
    concurrent = [0, 0]  # now, max

    async def handle(request: web.Request) -> web.Response:
        assert request.transport is not None
        peers.append(request.transport.get_extra_info("peername"))
        concurrent[0] += 1
        concurrent[1] = max(concurrent)
        await asyncio.sleep(float(request.query.get("sleep", "0")))
        concurrent[0] -= 1
        body = await request.read()
        return web.Response(
            body=b"ok:" + request.method.encode() + b":" + body,
            headers={"X-Max": str(concurrent[1])},
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = await aiohttp_server(app, **kwargs)
    return server, peers


def _backend(server: Any, pool: int = 10, timeout_ms: int = 2000) -> Backend:
    return Backend("b", f"http://127.0.0.1:{server.port}", timeout_ms=timeout_ms, pool=pool)


async def test_keep_alive_connections_are_reused(aiohttp_server: Any) -> None:
    server, peers = await _server(aiohttp_server)
    upstream = Upstream()
    backend = _backend(server)
    for i in range(20):
        reply = await upstream.send(backend, "POST", f"/x?{i}", [], f"b{i}".encode())
        assert (reply.status, reply.body, reply.error) == (200, f"ok:POST:b{i}".encode(), None)
    assert len(set(peers)) == 1
    await upstream.close()


async def test_pool_size_bounds_concurrent_connections(aiohttp_server: Any) -> None:
    server, peers = await _server(aiohttp_server)
    upstream = Upstream()
    backend = _backend(server, pool=3)
    replies = await asyncio.gather(
        *(upstream.send(backend, "GET", "/x?sleep=0.1", []) for _ in range(12))
    )
    assert all(r.status == 200 for r in replies)
    assert max(int(dict(r.headers)["X-Max"]) for r in replies) <= 3
    assert len(set(peers)) <= 3
    await upstream.close()


async def test_a_connection_closed_while_idle_is_replaced(aiohttp_server: Any) -> None:
    server, peers = await _server(aiohttp_server, keepalive_timeout=0.2)
    upstream = Upstream()
    backend = _backend(server)
    assert (await upstream.send(backend, "GET", "/a", [])).status == 200
    await asyncio.sleep(0.6)  # the server closes the idle keep-alive connection
    for method in ("GET", "POST"):
        reply = await upstream.send(backend, method, "/b", [], b"")
        assert (reply.status, reply.error) == (200, None), method
    assert len(set(peers)) >= 2
    await upstream.close()


async def test_failures_are_values(aiohttp_server: Any) -> None:
    upstream = Upstream()
    refused = await upstream.send(Backend("x", "http://127.0.0.1:1"), "GET", "/", [])
    assert (refused.status, refused.error) == (0, "connect")
    server, _ = await _server(aiohttp_server)
    slow = await upstream.send(_backend(server, timeout_ms=100), "GET", "/?sleep=1", [])
    assert slow.error == "timeout"
    await upstream.close()


async def test_proxy_tests_run_on_uvloop_like_production() -> None:
    import uvloop

    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
