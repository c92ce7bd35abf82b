"""The proxy's HTTP/1.1 listener on real sockets: limits, keep-alive, pipelining, draining."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from strangler.httpserver import HttpServer, Request, Response


def _error(status: int, message: str) -> Response:
    return Response(
        status, [("Content-Type", "application/json")], json.dumps({"message": message}).encode()
    )


@pytest.fixture
async def server() -> AsyncIterator[tuple[HttpServer, int, list[Request]]]:
    seen: list[Request] = []
    release = asyncio.Event()
    release.set()

    async def handler(request: Request) -> Response:
        seen.append(request)
        if request.raw_path.startswith("/slow"):
            await asyncio.sleep(float(request.query.get("s", "0.3")))
        body = json.dumps({"path": request.raw_path, "body": request.body.decode()}).encode()
        return Response(
            200, [("Content-Type", "application/json"), ("Content-Length", "999")], body
        )

    srv = HttpServer(
        handler,
        error_response=_error,
        max_body=lambda: 100,
        request_deadline_s=0.5,
        keep_alive_s=0.5,
    )
    port = await srv.start("127.0.0.1", 0)
    yield srv, port, seen
    await srv.shutdown(2)


async def _exchange(port: int, payload: bytes, *, read_all: bool = True) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(payload)
    await writer.drain()
    data = await asyncio.wait_for(reader.read() if read_all else reader.read(65536), 10)
    writer.close()
    return data


def _responses(data: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        out.append((int(lines[0].split(" ")[1]), headers, rest[:length]))
        data = rest[length:]
    return out


async def test_keep_alive_and_pipelined_requests_are_answered_in_order(server: Any) -> None:
    _, port, seen = server
    data = await _exchange(
        port,
        b"GET /slow?s=0.2 HTTP/1.1\r\nHost: a\r\n\r\n"
        b"POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz"
        b"GET /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    )
    answers = _responses(data)
    assert [json.loads(b)["path"] for _, _, b in answers] == ["/slow?s=0.2", "/b", "/c"]
    assert json.loads(answers[1][2])["body"] == "xyz"
    assert answers[2][1]["connection"] == "close"
    assert answers[0][1]["content-length"] == str(len(answers[0][2]))  # ours, not the handler's
    assert [r.method for r in seen] == ["GET", "POST", "GET"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        pytest.param(
            b"GET /" + b"a" * 40_000 + b" HTTP/1.1\r\nHost: a\r\n\r\n", 414, id="long-target"
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\n" + b"X-A: " + b"b" * 70_000 + b"\r\n\r\n", 431, id="huge-header"
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(300)) + b"\r\n",
            431,
            id="too-many-headers",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n",
            413,
            id="declared-too-large",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"65\r\n" + b"z" * 101 + b"\r\n0\r\n\r\n",
            413,
            id="chunked-too-large",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx",
            417,
            id="bad-expect",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            400,
            id="upgrade",
        ),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400, id="tls-hello"),
    ],
)
async def test_limits_are_refused_before_the_handler(
    server: Any, payload: bytes, status: int
) -> None:
    _, port, seen = server
    answers = _responses(await _exchange(port, payload))
    assert answers[0][0] == status
    assert "message" in json.loads(answers[0][2])
    assert answers[0][1]["connection"] == "close"
    assert seen == []


async def test_expect_100_continue(server: Any) -> None:
    _, port, _ = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
        b"Connection: close\r\n\r\n"
    )
    await writer.drain()
    interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    writer.write(b"ok")
    final = _responses(await asyncio.wait_for(reader.read(), 5))
    writer.close()
    assert final[0][0] == 200 and json.loads(final[0][2])["body"] == "ok"


async def test_a_slow_request_times_out_with_408(server: Any) -> None:
    _, port, seen = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: a\r\n")  # never finishes its headers
    await writer.drain()
    answers = _responses(await asyncio.wait_for(reader.read(), 10))
    writer.close()
    assert answers[0][0] == 408 and seen == []


async def test_idle_keep_alive_connections_are_closed(server: Any) -> None:
    _, port, _ = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
    await writer.drain()
    first = await asyncio.wait_for(reader.readuntil(b"}"), 5)
    assert first.startswith(b"HTTP/1.1 200")
    assert await asyncio.wait_for(reader.read(), 10) == b""  # closed after keep_alive_s
    writer.close()


async def test_http_1_0_and_head(server: Any) -> None:
    _, port, _ = server
    old = _responses(await _exchange(port, b"GET /old HTTP/1.0\r\n\r\n"))
    assert old[0][0] == 200 and old[0][1]["connection"] == "close"
    head = await _exchange(port, b"HEAD /h HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    status_line, _, rest = head.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 200 OK" and rest.endswith(b"\r\n\r\n")
    assert b"Content-Length: 999" in rest  # a HEAD keeps the length the handler gave


async def test_shutdown_finishes_in_flight_requests(server: Any) -> None:
    srv, port, _ = server
    pending = asyncio.create_task(_exchange(port, b"GET /slow?s=0.4 HTTP/1.1\r\nHost: a\r\n\r\n"))
    while srv.in_flight == 0:  # the request is being handled
        await asyncio.sleep(0.01)
    await srv.shutdown(5)
    answers = _responses(await pending)
    assert answers[0][0] == 200 and answers[0][1]["connection"] == "close"
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)
