"""A small HTTP/1.1 server for the proxy listener: httptools parsing, keep-alive, draining.

How this works: one `_Connection` protocol per client feeds bytes to httptools' request parser
(llhttp, strict: both Content-Length and Transfer-Encoding, conflicting lengths, bad chunk
sizes, obs-fold and stray control characters are parse errors). A complete request becomes a
`Request` value and is handed to the handler; its `Response` is written as one buffer. Requests
pipelined on one connection are answered in order (reading pauses while one is handled). Limits
are enforced while reading, before any handler runs: target length (414), header bytes (431),
body size from Content-Length or while a chunked body streams in (413), and a deadline for a
request to arrive completely (408). Anything the parser refuses gets a 400 and the connection
is closed. `shutdown()` stops accepting, lets in-flight requests finish, and closes idle
keep-alive connections. aiohttp's server costs ~30 µs of CPU per request here; this is leaner,
and it is what lets the proxy stay a fraction of nginx's cost (STYLE.md, "Hot path").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import httptools

MAX_TARGET_BYTES = 32 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_HEADERS = 200
REASONS = {s.value: s.phrase for s in HTTPStatus}


@dataclass(slots=True)
class Request:
    method: str
    raw_path: str  # the request target as received (origin-form unless refused later)
    version: str
    headers: dict[str, str]  # lower-case name -> value (repeated headers joined with ", ")
    raw_headers: list[tuple[str, str]]  # as received, in order
    body: bytes
    remote: str
    keep_alive: bool
    scheme: str = "http"
    _query: Mapping[str, str] | None = None

    @property
    def query(self) -> Mapping[str, str]:
        """The query string as a mapping, parsed only when a route asks for it."""
        if self._query is None:
            self._query = dict(parse_qsl(self.raw_path.partition("?")[2], keep_blank_values=True))
        return self._query

    @property
    def host(self) -> str:
        return self.headers.get("host", "")


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


Handler = Callable[[Request], Awaitable[Response]]
ErrorResponse = Callable[[int, str], Response]


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def render(response: Response, *, keep_alive: bool, head: bool) -> bytes:
    """Status line, headers (with our Content-Length and Connection) and body as one buffer."""
    reason = REASONS.get(response.status, "Unknown")
    lines = [f"HTTP/1.1 {response.status} {reason}"]
    length = None
    for name, value in response.headers:
        lowered = name.lower()
        if lowered == "content-length":
            length = value
            continue
        if lowered == "connection":
            continue
        lines.append(f"{name}: {value}")
    if head and length is not None:
        lines.append(f"Content-Length: {length}")
    else:
        lines.append(f"Content-Length: {len(response.body)}")
    if not keep_alive:
        lines.append("Connection: close")
    head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head_bytes if head else head_bytes + response.body


class _Connection(asyncio.Protocol):
    def __init__(self, server: HttpServer) -> None:
        self.server = server
        self.loop = asyncio.get_running_loop()
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.remote = ""
        self.queue: collections.deque[Request] = collections.deque()
        self.task: asyncio.Task[None] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.deadline = 0.0
        self.deadline_status: int | None = None
        self.closing = False
        self._reset()

    def _reset(self) -> None:
        self.url: list[bytes] = []
        self.url_size = 0
        self.header_list: list[tuple[str, str]] = []
        self.header_size = 0
        self.body: list[bytes] = []
        self.body_size = 0
        self.limit = self.server.max_body()

    # ------------------------------------------------------------ asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport
        peer = transport.get_extra_info("peername")
        self.remote = str(peer[0]) if isinstance(peer, tuple) else ""
        self.server.connections.add(self)
        self._arm(self.server.keep_alive_s)
        self.timer = self.loop.call_at(self.deadline, self._tick)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.server.connections.discard(self)
        if self.timer is not None:
            self.timer.cancel()
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._refuse(400, "Protocol upgrades are not supported.")
        except httptools.HttpParserError as exc:
            limit = exc.__context__  # a limit raised from one of our callbacks
            if isinstance(limit, HttpError):
                self._refuse(limit.status, limit.message)
            else:
                self._refuse(400, "The request is not valid HTTP/1.1.")

    # ------------------------------------------------------------ parser callbacks
    def on_message_begin(self) -> None:
        self._reset()
        self._arm(self.server.request_deadline_s, 408)

    def on_url(self, url: bytes) -> None:
        self.url_size += len(url)
        if self.url_size > MAX_TARGET_BYTES:
            raise HttpError(414, "The request target is too long.")
        self.url.append(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_size += len(name) + len(value)
        if self.header_size > MAX_HEADER_BYTES or len(self.header_list) >= MAX_HEADERS:
            raise HttpError(431, "The request headers are too large.")
        self.header_list.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        length = next((v for n, v in self.header_list if n.lower() == "content-length"), None)
        if length is not None and length.isdigit() and int(length) > self.limit:
            raise HttpError(413, f"Request body is larger than {self.limit} bytes.")
        expect = next((v for n, v in self.header_list if n.lower() == "expect"), None)
        if expect is not None:
            if expect.lower() != "100-continue":
                raise HttpError(417, "Only 'Expect: 100-continue' is supported.")
            assert self.transport is not None
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, chunk: bytes) -> None:
        self.body_size += len(chunk)
        if self.body_size > self.limit:
            raise HttpError(413, f"Request body is larger than {self.limit} bytes.")
        self.body.append(chunk)

    def on_message_complete(self) -> None:
        headers: dict[str, str] = {}
        for name, value in self.header_list:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        request = Request(
            method=self.parser.get_method().decode("ascii"),
            raw_path=b"".join(self.url).decode("latin-1"),
            version=self.parser.get_http_version(),
            headers=headers,
            raw_headers=self.header_list,
            body=b"".join(self.body),
            remote=self.remote,
            keep_alive=bool(self.parser.should_keep_alive()),
        )
        self._reset()
        self._arm(self.server.keep_alive_s)
        self.queue.append(request)
        if self.task is None:
            self.task = self.loop.create_task(self._serve())

    # ------------------------------------------------------------ answering
    async def _serve(self) -> None:
        assert self.transport is not None
        try:
            while self.queue and not self.closing:
                if len(self.queue) > 1:
                    self.transport.pause_reading()  # pipelining: answer in order
                request = self.queue.popleft()
                self.server.in_flight += 1
                try:
                    response = await self.server.handler(request)
                finally:
                    self.server.in_flight -= 1
                keep = request.keep_alive and not self.server.draining
                self.transport.write(
                    render(response, keep_alive=keep, head=request.method == "HEAD")
                )
                if not keep:
                    self.closing = True
                    self.transport.close()
                    return
                self.transport.resume_reading()
        finally:
            self.task = None

    def _refuse(self, status: int, message: str) -> None:
        """Answer a request the server itself cannot accept, then close the connection."""
        self.closing = True
        if self.transport is None or self.transport.is_closing():
            return
        response = self.server.error_response(status, message)
        self.transport.write(render(response, keep_alive=False, head=False))
        self.transport.close()

    def _arm(self, seconds: float, status: int | None = None) -> None:
        """Move the connection's deadline; the one timer (`_tick`) follows it lazily, so a
        request costs an attribute write instead of cancelling and creating a timer."""
        self.deadline = self.loop.time() + seconds
        self.deadline_status = status

    def _tick(self) -> None:
        self.timer = None
        if self.closing:
            return
        if self.loop.time() < self.deadline:
            self.timer = self.loop.call_at(self.deadline, self._tick)
        elif self.task is not None:  # a request is being answered: its own timeouts apply
            self.timer = self.loop.call_later(self.server.keep_alive_s, self._tick)
        elif self.deadline_status is not None and (self.url or self.header_list or self.body):
            self._refuse(self.deadline_status, "The request did not arrive in time.")
        elif self.transport is not None:
            self.transport.close()

    def close_if_idle(self) -> None:
        if self.task is None and self.transport is not None:
            self.closing = True
            self.transport.close()


class HttpServer:
    """The listener: `start()` binds, `shutdown()` drains.

    `request_deadline_s`: a request must arrive completely within this (slowloris);
    `keep_alive_s`: an idle keep-alive connection is closed after this.
    """

    def __init__(
        self,
        handler: Handler,
        *,
        error_response: ErrorResponse,
        max_body: Callable[[], int],
        request_deadline_s: float = 30.0,
        keep_alive_s: float = 75.0,
    ) -> None:
        self.handler = handler
        self.request_deadline_s = request_deadline_s
        self.keep_alive_s = keep_alive_s
        self.error_response = error_response
        self.max_body = max_body
        self.connections: set[_Connection] = set()
        self.in_flight = 0
        self.draining = False
        self.server: asyncio.AbstractServer | None = None

    async def start(self, host: str, port: int, *, backlog: int = 1024) -> int:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: _Connection(self), host, port, backlog=backlog, reuse_address=True
        )
        sockets: Any = getattr(self.server, "sockets", None) or []
        bound: int = sockets[0].getsockname()[1] if sockets else port
        return bound

    async def shutdown(self, timeout_s: float) -> None:
        """Stop accepting; finish in-flight requests (up to `timeout_s`); close connections."""
        self.draining = True
        if self.server is not None:
            self.server.close()
        loop = asyncio.get_running_loop()
        give_up = loop.time() + timeout_s
        while True:
            for conn in list(self.connections):
                conn.close_if_idle()
            if self.in_flight == 0 or loop.time() > give_up:
                break
            await asyncio.sleep(0.05)
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.transport.close()
        if self.server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 1)
