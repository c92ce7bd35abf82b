"""ShadowRunner: send a copy to the new backend and compare, off the request path, bounded.

How this works: `submit()` is called after the client's answer is known and returns at once.
It starts one task per copy unless `max_in_flight` copies are already running, in which case
the copy is dropped and counted — never queued without bound, so a slow new backend can't
build up memory or slow the proxy. Each task sends the request with the route's shadow timeout,
compares the two answers with `compare.diff`, and records one `ShadowResult` to the sinks. Any
exception is caught at the task boundary and recorded as an `error` result. `drain()` (on
SIGTERM) waits for running copies up to a deadline and counts the rest as dropped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

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
        self.tasks: set[asyncio.Task[None]] = set()
        self.dropped = 0

    @property
    def in_flight(self) -> int:
        return len(self.tasks)

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
        assert decision.shadow is not None
        reason = None
        if len(self.tasks) >= self.max_in_flight:
            reason = "pool_full"
        elif self.breakers is not None and not self.breakers[decision.shadow.name].allow(
            self.clock()
        ):
            reason = "circuit_open"
        if reason is not None:
            self.dropped += 1
            self.sink.record(
                ShadowResult(
                    decision.route_id, request_id, method, target, "dropped", reason=reason
                )
            )
            return False
        task = asyncio.get_running_loop().create_task(
            self._run(decision, request_id, method, target, headers, body, legacy)
        )
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return True

    async def _run(
        self,
        decision: Decision,
        request_id: str,
        method: str,
        target: str,
        headers: Headers,
        body: bytes,
        legacy: Reply,
    ) -> None:
        assert decision.shadow is not None
        try:
            new = await self.upstream.send(
                decision.shadow,
                method,
                target,
                headers,
                body,
                timeout_ms=decision.shadow_timeout_ms,
            )
            if self.breakers is not None:
                self.breakers[decision.shadow.name].record(
                    not new.failed and new.status < 500, self.clock()
                )
            divergence = diff(observed(legacy), observed(new), decision.rules)
            result = ShadowResult(
                decision.route_id,
                request_id,
                method,
                target,
                divergence.outcome.value,
                divergence,
                divergence.error,
                legacy.elapsed_ms,
                new.elapsed_ms,
            )
        except asyncio.CancelledError:
            self.sink.record(
                ShadowResult(
                    decision.route_id, request_id, method, target, "dropped", reason="shutdown"
                )
            )
            raise
        except Exception as exc:  # the shadow side may fail quietly, never the client's side
            result = ShadowResult(
                decision.route_id,
                request_id,
                method,
                target,
                "error",
                reason=f"{type(exc).__name__}: {exc}",
            )
        self.sink.record(result)

    async def drain(self, timeout_s: float) -> int:
        """Let running copies finish for up to `timeout_s`; cancel (and count) the rest."""
        pending = set(self.tasks)
        if not pending:
            return 0
        _, still = await asyncio.wait(pending, timeout=timeout_s)
        for task in still:
            task.cancel()
        if still:
            await asyncio.gather(*still, return_exceptions=True)
        return len(still)
