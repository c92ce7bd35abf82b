"""ShadowRunner: send a copy to the new backend and compare, off the request path, bounded.

How this works: `submit()` is called after the client's answer is known and returns at once.
It starts the copy (`Upstream.send_soon`: no task in the steady state) unless `max_in_flight`
copies are already out, in which case the copy is dropped and counted — never queued without
bound, so a slow new backend can't build up memory or slow the proxy. When the copy's answer is
in (or its shadow timeout passed), the two answers are compared with `compare.diff` and one
`ShadowResult` goes to the sinks. Any exception is caught there and recorded as an `error`.
`drain()` (on SIGTERM) waits for running copies up to a deadline and counts the rest as dropped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from strangler.breaker import Breakers
from strangler.compare import diff
from strangler.model import Decision, Observed
from strangler.sinks import ShadowResult, Sink
from strangler.upstream import Headers, Reply, Upstream


def observed(reply: Reply) -> Observed:
    """A reply as the comparator sees it: lower-case header names, repeated ones joined."""
    headers: dict[str, str] = {}
    for name, value in reply.headers:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return Observed(reply.status, headers, reply.body, reply.error, reply.elapsed_ms)


@dataclass(frozen=True, slots=True)
class Copy:
    """One shadowed request: what was asked, and legacy's answer to compare with."""

    decision: Decision
    request_id: str
    method: str
    target: str
    headers: Headers
    body: bytes
    legacy: Reply


class ShadowRunner:
    def __init__(
        self,
        upstream: Upstream,
        sink: Sink,
        *,
        max_in_flight: int,
        breakers: Breakers | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.upstream = upstream
        self.sink = sink
        self.max_in_flight = max_in_flight
        self.breakers = breakers
        self.clock = clock
        self.pending: set[asyncio.Future[Any]] = set()
        self.dropped = 0

    @property
    def in_flight(self) -> int:
        return len(self.pending)

    def submit(
        self,
        decision: Decision,
        request_id: str,
        method: str,
        target: str,
        headers: Headers,
        body: bytes,
        legacy: Reply,
    ) -> bool:
        """Start the copy if there is room; False (and a `dropped` result) if not."""
        backend = decision.shadow
        assert backend is not None
        reason = None
        if len(self.pending) >= self.max_in_flight:
            reason = "pool_full"
        elif self.breakers is not None and not self.breakers[backend.name].allow(self.clock()):
            reason = "circuit_open"
        if reason is not None:
            self._drop(decision, request_id, method, target, reason)
            return False

        copy = Copy(decision, request_id, method, target, headers, body, legacy)

        def compare(new: Reply) -> None:
            self._compare(copy, new)

        handle = self.upstream.send_soon(
            backend,
            method,
            target,
            headers,
            body,
            timeout_ms=decision.shadow_timeout_ms,
            done=compare,
        )
        self.pending.add(handle)
        handle.add_done_callback(self.pending.discard)
        return True

    def _drop(
        self, decision: Decision, request_id: str, method: str, target: str, reason: str
    ) -> None:
        self.dropped += 1
        self.sink.record(
            ShadowResult(decision.route_id, request_id, method, target, "dropped", reason=reason)
        )

    def _compare(self, copy: Copy, new: Reply) -> None:
        """Called when the copy's answer is in: compare and record (never raises)."""
        d = copy.decision
        assert d.shadow is not None
        if new.error == "cancelled":
            self._drop(d, copy.request_id, copy.method, copy.target, "shutdown")
            return
        try:
            if self.breakers is not None:
                self.breakers[d.shadow.name].record(
                    not new.failed and new.status < 500, self.clock()
                )
            old_side, new_side = observed(copy.legacy), observed(new)
            divergence = diff(old_side, new_side, d.rules)
            result = ShadowResult(
                d.route_id, copy.request_id, copy.method, copy.target, divergence.outcome.value,
                divergence, divergence.error, copy.legacy.elapsed_ms, new.elapsed_ms,
                copy.headers, copy.body, old_side, new_side,
            )  # fmt: skip
        except Exception as exc:  # the shadow side may fail quietly, never the client's side
            result = ShadowResult(
                d.route_id,
                copy.request_id,
                copy.method,
                copy.target,
                "error",
                reason=f"{type(exc).__name__}: {exc}",
            )
        self.sink.record(result)

    async def drain(self, timeout_s: float) -> int:
        """Let running copies finish for up to `timeout_s`; cancel (and count) the rest."""
        pending = set(self.pending)
        if not pending:
            return 0
        _, still = await asyncio.wait(pending, timeout=timeout_s)
        for future in still:
            future.cancel()
        if still:
            await asyncio.gather(*still, return_exceptions=True)
        return len(still)
