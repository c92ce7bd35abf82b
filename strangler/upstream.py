"""A lean pooled HTTP/1.1 client for the proxy's hot path; upstream trouble is a value.

How this works: each backend has a `Pool` of keep-alive connections: at most `backend.pool` are
in use at once (callers beyond that wait in line for one to come back). A `_Connection` is an
asyncio protocol feeding bytes to httptools' C parser; a request is written in one
`transport.write` and its response collected whole. One deadline covers the whole exchange
(waiting for a slot, connecting, answering): the backend's `timeout_ms`, or the caller's.

`send()` never raises for upstream trouble: a refused or slow connect, a timeout, a reset or an
unparseable answer comes back as a `Reply` with `error` set ("connect", "timeout", "protocol"),
so the proxy decides what the client sees and the shadow path records it as data. A keep-alive
connection the backend closed while idle is detected when the request fails before any
response byte; idempotent requests are then re-sent once on a fresh connection (never a POST,
so a write is never sent twice). Idle connections older than `MAX_IDLE_S` are not reused.

aiohttp's ClientSession costs ~90 µs of CPU per request here; this costs a fraction of that:
the common path (an idle connection is free) takes no lock and arms one timer.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httptools

from strangler.model import IDEMPOTENT_METHODS, Backend

Headers = list[tuple[str, str]]
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
MAX_IDLE_S = 30.0  # idle connections older than this are closed, not reused (backends time out)
BODYLESS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


@dataclass(slots=True)
class Reply:
    status: int
    headers: Headers
    body: bytes
    error: str | None = None  # connect | timeout | protocol | too_large
    elapsed_ms: float = 0.0
    backend: str = ""

    @property
    def failed(self) -> bool:
        return self.error is not None


class _StaleConnection(Exception):
    """The connection died before any byte of the answer: safe to retry idempotent requests."""


class _ProtocolError(Exception):
    pass


class _ConnectFailed(Exception):
    pass


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Reply] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.headers: Headers = []
        self.body: list[bytes] = []
        self.size = 0
        self.got_bytes = False
        self.closed = False
        self.reusable = False
        self.idle_since = 0.0

    # -- asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._fail(_ProtocolError("unparseable response"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            if self.got_bytes:
                self._fail(_ProtocolError("connection closed mid-response"))
            else:
                self._settle(_StaleConnection())

    # -- httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_body(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_RESPONSE_BYTES:
            self._fail(_ProtocolError("too_large"))
            return
        self.body.append(chunk)

    def on_message_complete(self) -> None:
        if self.waiter is None or self.waiter.done():
            return
        self.reusable = bool(self.parser.should_keep_alive())
        self._settle(Reply(self.parser.get_status_code(), self.headers, b"".join(self.body)))

    # -- use
    def _settle(self, outcome: Reply | BaseException) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.waiter is None or self.waiter.done():
            return
        if isinstance(outcome, Reply):
            self.waiter.set_result(outcome)
        else:
            self.waiter.set_exception(outcome)

    def _fail(self, exc: BaseException) -> None:
        self.reusable = False
        self._settle(exc)
        self.close()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def request(self, payload: bytes, timeout_s: float) -> asyncio.Future[Reply]:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        self.waiter = loop.create_future()
        self.headers = []
        self.body = []
        self.size = 0
        self.got_bytes = False
        self.reusable = False
        self.parser = httptools.HttpResponseParser(self)
        self.timer = loop.call_later(timeout_s, self._fail, TimeoutError())
        self.transport.write(payload)
        return self.waiter


class Pool:
    """Keep-alive connections to one backend, at most `backend.pool` in use at once."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.host, self.port = backend.host, backend.port
        self.host_header = f"{self.host}:{self.port}"
        self.idle: collections.deque[_Connection] = collections.deque()
        self.in_use = 0
        self.waiting: collections.deque[asyncio.Future[None]] = collections.deque()

    async def acquire(self, deadline: float) -> None:
        """A slot for one exchange; waits in line (until `deadline`) when all are in use."""
        if self.in_use < self.backend.pool and not self.waiting:
            self.in_use += 1
            return
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        self.waiting.append(turn)
        try:
            await asyncio.wait_for(turn, max(deadline - loop.time(), 0))
        except BaseException:
            if turn.done() and not turn.cancelled():
                self.release()  # the slot was handed over just as we gave up
            else:
                self.waiting.remove(turn)
            raise

    def release(self) -> None:
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # the slot passes straight to the next in line
                return
        self.in_use -= 1

    async def connect(self, timeout_s: float) -> _Connection:
        loop = asyncio.get_running_loop()
        _, conn = await asyncio.wait_for(
            loop.create_connection(_Connection, self.host, self.port), timeout_s
        )
        return conn

    def take_idle(self) -> _Connection | None:
        now = time.monotonic()
        while self.idle:
            conn = self.idle.pop()
            if not conn.closed and now - conn.idle_since < MAX_IDLE_S:
                return conn
            conn.close()
        return None

    def give_back(self, conn: _Connection) -> None:
        if conn.reusable and not conn.closed:
            conn.idle_since = time.monotonic()
            self.idle.append(conn)
        else:
            conn.close()

    def close(self) -> None:
        while self.idle:
            self.idle.pop().close()


def _payload(method: str, target: str, headers: Headers, body: bytes, host: str) -> bytes:
    lines = [f"{method} {target} HTTP/1.1"]
    has_host = False
    for name, value in headers:
        if not has_host and name.lower() == "host":
            has_host = True
        lines.append(f"{name}: {value}")
    if not has_host:
        lines.append(f"Host: {host}")
    if body or method not in BODYLESS:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Upstream:
    """One pool per backend; `send` returns a Reply (never raises for upstream trouble)."""

    def __init__(self) -> None:
        self.pools: dict[str, Pool] = {}

    def pool(self, backend: Backend) -> Pool:
        pool = self.pools.get(backend.name)
        if pool is None or pool.backend != backend:  # a reload may change a backend
            if pool is not None:
                pool.close()
            pool = self.pools[backend.name] = Pool(backend)
        return pool

    async def send(
        self,
        backend: Backend,
        method: str,
        target: str,
        headers: Headers,
        body: bytes = b"",
        *,
        timeout_ms: int | None = None,
    ) -> Reply:
        """Send one request; `timeout_ms` overrides the backend's total timeout."""
        started = time.perf_counter()
        deadline = asyncio.get_running_loop().time() + (timeout_ms or backend.timeout_ms) / 1000
        pool = self.pool(backend)
        payload = _payload(method, target, headers, body, pool.host_header)
        try:
            await pool.acquire(deadline)
            try:
                reply = await self._exchange(pool, method, payload, deadline)
            finally:
                pool.release()
        except TimeoutError:
            reply = Reply(0, [], b"", "timeout")
        except (OSError, _ConnectFailed):
            reply = Reply(0, [], b"", "connect")
        except _ProtocolError as exc:
            reply = Reply(0, [], b"", "too_large" if str(exc) == "too_large" else "protocol")
        reply.elapsed_ms = (time.perf_counter() - started) * 1000
        reply.backend = backend.name
        return reply

    async def _exchange(self, pool: Pool, method: str, payload: bytes, deadline: float) -> Reply:
        loop = asyncio.get_running_loop()
        conn = pool.take_idle()
        reused = conn is not None
        for attempt in range(2):
            if conn is None:
                connect_s = min(pool.backend.connect_timeout_ms / 1000, deadline - loop.time())
                try:
                    conn = await pool.connect(max(connect_s, 0))
                except TimeoutError:
                    if loop.time() >= deadline:
                        raise
                    raise _ConnectFailed() from None
                except OSError as exc:
                    raise _ConnectFailed() from exc
                reused = False
            try:
                reply = await conn.request(payload, max(deadline - loop.time(), 0))
            except _StaleConnection:
                pool.give_back(conn)
                conn = None
                if reused and attempt == 0 and method in IDEMPOTENT_METHODS:
                    continue
                raise _ProtocolError("connection closed before the answer") from None
            except BaseException:
                conn.reusable = False
                pool.give_back(conn)
                raise
            pool.give_back(conn)
            return reply
        raise _ProtocolError("no connection")

    def send_soon(
        self,
        backend: Backend,
        method: str,
        target: str,
        headers: Headers,
        body: bytes,
        *,
        timeout_ms: int,
        done: Callable[[Reply], None],
    ) -> asyncio.Future[Any]:
        """Start an exchange now and call `done(reply)` when it ends (shadow copies).

        When a slot and an idle connection are free — the steady state — no task and no
        coroutine is created: the request is written and the parser's future carries the rest.
        Otherwise it falls back to a task running `send`. The returned future is done once
        `done` has run (what drain waits for).
        """
        loop = asyncio.get_running_loop()
        pool = self.pool(backend)
        conn = pool.take_idle() if pool.in_use < backend.pool and not pool.waiting else None
        if conn is None:
            task = loop.create_task(
                self.send(backend, method, target, headers, body, timeout_ms=timeout_ms)
            )
            task.add_done_callback(lambda t: done(_outcome(t, backend.name)))
            return task
        pool.in_use += 1
        started = time.perf_counter()
        finished: asyncio.Future[None] = loop.create_future()
        exchange = conn.request(
            _payload(method, target, headers, body, pool.host_header), timeout_ms / 1000
        )

        def complete(future: asyncio.Future[Reply]) -> None:
            pool.release()
            error = None if future.cancelled() else future.exception()
            if future.cancelled() or error is not None:
                conn.reusable = False
            pool.give_back(conn)
            if isinstance(error, _StaleConnection) and method in IDEMPOTENT_METHODS:
                retry = loop.create_task(
                    self.send(backend, method, target, headers, body, timeout_ms=timeout_ms)
                )
                retry.add_done_callback(
                    lambda t: _finish(done, _outcome(t, backend.name), finished)
                )
                return
            reply = _outcome(future, backend.name)
            reply.elapsed_ms = (time.perf_counter() - started) * 1000
            _finish(done, reply, finished)

        exchange.add_done_callback(complete)
        return finished

    async def close(self) -> None:
        for pool in self.pools.values():
            pool.close()


def _outcome(future: asyncio.Future[Reply], backend: str) -> Reply:
    """A finished exchange as a Reply (its exception, if any, as an error value)."""
    if future.cancelled():
        return Reply(0, [], b"", "cancelled", backend=backend)
    error = future.exception()
    if error is None:
        reply = future.result()
    elif isinstance(error, TimeoutError):
        reply = Reply(0, [], b"", "timeout")
    elif isinstance(error, _ProtocolError) and str(error) == "too_large":
        reply = Reply(0, [], b"", "too_large")
    else:
        reply = Reply(0, [], b"", "protocol")
    reply.backend = backend
    return reply


def _finish(done: Callable[[Reply], None], reply: Reply, finished: asyncio.Future[None]) -> None:
    try:
        done(reply)
    finally:
        if not finished.done():
            finished.set_result(None)
