"""Hostile requests: smuggling, ambiguous framing, header injection, odd targets.

Each is written byte for byte to the proxy's socket; each must get a clean 4xx and must never
reach a backend (let alone twice).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.strangler.conftest import routes_yaml

ROUTES = """
- id: everything
  match: {path: "/**"}
  new: new
  mode: shadow
  shadow: {writes: true}
"""


async def _raw(port: int, payload: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(payload)
    await writer.drain()
    try:
        data = await asyncio.wait_for(reader.read(65536), 10)
    finally:
        writer.close()
    return data


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(
            b"POST /rest/V1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /rest/V1/y HTTP/1.1\r\n"
            b"Host: a\r\n\r\n",
            id="cl-and-te",
        ),
        pytest.param(
            b"POST /rest/V1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
            b"Content-Length: 6\r\n\r\nhello!",
            id="conflicting-lengths",
        ),
        pytest.param(
            b"POST /rest/V1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!",
            id="list-length",
        ),
        pytest.param(
            b"POST /rest/V1/x HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            id="negative-length",
        ),
        pytest.param(
            b"POST /rest/V1/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\nhello\r\n0\r\n\r\n",
            id="bad-chunk-size",
        ),
        pytest.param(
            b"POST /rest/V1/x HTTP/1.1\r\nHost: a\r\n"
            b"Transfer-Encoding: gzip, chunked, identity\r\n\r\n0\r\n\r\n",
            id="te-not-ending-in-chunked",
        ),
        pytest.param(
            b"GET /rest/V1/x HTTP/1.1\r\nHost: a\r\nX-A: one\r\n  two\r\n\r\n", id="obs-fold"
        ),
        pytest.param(
            b"GET /rest/V1/x HTTP/1.1\r\nHost: a\r\nX-A: one\x00two\r\n\r\n", id="nul-in-header"
        ),
        pytest.param(
            b"GET /rest/V1/x HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n", id="space-in-header-name"
        ),
        pytest.param(b"GET /rest/V1/x HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n", id="bare-lf"),
        pytest.param(
            b"GET http://evil.example/rest/V1/x HTTP/1.1\r\nHost: a\r\n\r\n", id="absolute-form"
        ),
        pytest.param(b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", id="asterisk-form"),
        pytest.param(b"GET /rest/V1/x HTTP/9.9\r\nHost: a\r\n\r\n", id="bad-version"),
        pytest.param(b"GET /rest/V1/\x01x HTTP/1.1\r\nHost: a\r\n\r\n", id="control-in-target"),
        pytest.param(b"GE\x00T /rest/V1/x HTTP/1.1\r\nHost: a\r\n\r\n", id="nul-in-method"),
    ],
)
async def test_hostile_requests_get_a_clean_4xx_and_reach_no_backend(
    make_backend: Any, make_proxy: Any, payload: bytes
) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    proxy = await make_proxy(routes_yaml({"legacy": legacy.url, "new": new.url}, ROUTES))
    answer = await _raw(proxy.client.port, payload)
    assert 400 <= _status(answer) < 500, answer[:200]
    assert b"Traceback" not in answer
    await proxy.drain()
    assert legacy.seen == [] and new.seen == []


async def test_what_the_proxy_itself_refuses_is_magento_shaped_json(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy = await make_backend("legacy")
    proxy = await make_proxy(
        routes_yaml(
            {"legacy": legacy.url},
            "- {id: all, match: {path: '/**'}}",
            defaults="defaults: {max_body_bytes: 10}",
        )
    )
    answer = await _raw(
        proxy.client.port,
        b"POST /rest/V1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world",
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert _status(answer) == 413
    assert b"Content-Type: application/json; charset=utf-8" in head
    assert json.loads(body) == {"message": "Request body is larger than 10 bytes."}
    assert legacy.seen == []


async def test_a_chunked_body_is_forwarded_once_with_a_content_length(
    make_backend: Any, make_proxy: Any
) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    proxy = await make_proxy(routes_yaml({"legacy": legacy.url, "new": new.url}, ROUTES))
    answer = await _raw(
        proxy.client.port,
        b"POST /rest/V1/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    )
    assert _status(answer) == 200
    await proxy.drain()
    assert [(s.method, s.body) for s in legacy.seen] == [("POST", b"hello world")]
    assert legacy.seen[0].headers.get("content-length") == "11"
    assert "transfer-encoding" not in legacy.seen[0].headers
    assert [(s.method, s.body) for s in new.seen] == [("POST", b"hello world")]
