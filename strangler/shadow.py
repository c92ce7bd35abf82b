"""ShadowRunner: send a copy to the new backend and compare, off the request path, bounded.

How this works: `submit()` is called after the client's answer is known and returns at once.
It starts the copy unless `max_in_flight` copies are already out (then the copy is dropped and
counted — never queued without bound, so a slow new backend can't build up memory or slow the
proxy) or the new backend's circuit is open. When the copy's answer is in (or its shadow
timeout passed) the two answers are compared with `compare.diff` and one `ShadowResult` goes to
the sinks; any exception is caught there and recorded as an `error`.

Two refinements ride on the same path:
- Noise learning (`noise.py`): for a sampled fraction of shadowed reads, within per-route and
  global budgets, legacy is asked a second time; legacy-vs-legacy differences teach which fields
  are noise, and differences at noisy fields are excused.
- Stateful flows (`correlate.py`): on routes that declare `correlate`, copies of one flow (one
  cart) run in order — each waits for the previous copy of its flow — so the ids a creating
  request mints are learned before the next request needs them; the copy's path and body are
  rewritten to the new ids, and the new answer is compared modulo the mapping. A copy whose ids
  were never learned is skipped and counted, never compared wrongly.

Steady-state copies on ordinary routes need no task (`Upstream.send_soon`). `drain()` (on
SIGTERM) waits for running copies up to a deadline and counts the rest as dropped.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from legacy_adapters.magento_wire import phpjson, urls
from strangler import correlate
from strangler.breaker import Breakers
from strangler.compare import Divergence, diff
from strangler.model import SAFE_METHODS, Decision, Observed, Route
from strangler.noise import Budgets, NoiseTracker
from strangler.sinks import ShadowResult, Sink
from strangler.upstream import Headers, Reply, Upstream


def observed(reply: Reply) -> Observed:
    """A reply as the comparator sees it: lower-case header names, repeated ones joined."""
    headers: dict[str, str] = {}
    for name, value in reply.headers:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return Observed(reply.status, headers, reply.body, reply.error, reply.elapsed_ms)


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        return None


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


class _Join:
    """Waits for the new answer and, when probing for noise, legacy's second answer."""

    def __init__(self, expected: int, done: Callable[[Reply, Reply | None], None]) -> None:
        self.expected = expected
        self.done = done
        self.new: Reply | None = None
        self.again: Reply | None = None

    def got_new(self, reply: Reply) -> None:
        self.new = reply
        self._maybe_done()

    def got_again(self, reply: Reply) -> None:
        self.again = reply
        self._maybe_done()

    def _maybe_done(self) -> None:
        self.expected -= 1
        if self.expected == 0 and self.new is not None:
            self.done(self.new, self.again)


class ShadowRunner:
    def __init__(
        self,
        upstream: Upstream,
        sink: Sink,
        *,
        max_in_flight: int,
        breakers: Breakers | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        noise: NoiseTracker | None = None,
        budgets: Budgets | None = None,
        ids: correlate.IdMap | None = None,
    ) -> None:
        self.upstream = upstream
        self.sink = sink
        self.max_in_flight = max_in_flight
        self.breakers = breakers
        self.clock = clock
        self.rng = rng
        self.noise = noise or NoiseTracker()
        self.budgets = budgets or Budgets()
        self.ids = ids or correlate.IdMap()
        self.pending: set[asyncio.Future[Any]] = set()
        self.flows: dict[str, asyncio.Task[None]] = {}
        self.dropped = 0
        self.next_expiry = 0.0

    @property
    def in_flight(self) -> int:
        return len(self.pending)

    # ------------------------------------------------------------ submitting
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
            self._result(
                Copy(decision, request_id, method, target, headers, body, legacy),
                "dropped",
                reason=reason,
            )
            return False
        copy = Copy(decision, request_id, method, target, headers, body, legacy)
        probe = self._probe(decision.route, method)
        route = decision.route
        if route is not None and route.correlate:
            self._start_flow(copy, route, probe)
            return True
        join = _Join(2 if probe else 1, lambda new, again: self._compare(copy, new, again))
        self._track(
            self.upstream.send_soon(
                backend,
                method,
                target,
                headers,
                body,
                timeout_ms=decision.shadow_timeout_ms,
                done=join.got_new,
            )
        )
        if probe:
            self._track(
                self.upstream.send_soon(
                    decision.primary,
                    method,
                    target,
                    headers,
                    body,
                    timeout_ms=decision.shadow_timeout_ms,
                    done=join.got_again,
                )
            )
        return True

    def _track(self, handle: asyncio.Future[Any]) -> None:
        self.pending.add(handle)
        handle.add_done_callback(self.pending.discard)

    def _probe(self, route: Route | None, method: str) -> bool:
        """Ask legacy a second time (noise learning)? Reads only, sampled, within budgets."""
        if route is None or route.noise.sample <= 0 or method not in SAFE_METHODS:
            return False
        if self.rng() >= route.noise.sample:
            return False
        return self.budgets.take(route.id, route.noise.per_minute, self.clock())

    # ------------------------------------------------------------ stateful flows
    def _flow_key(self, copy: Copy, route: Route) -> str | None:
        """Which flow (cart) a request belongs to: the first id it carries, else one it mints.

        Adding an item to cart X belongs to X's flow even though it mints an item id; only a
        request that carries no correlated id (creating the cart) is keyed by what it mints.
        """
        for entry in route.correlate:
            if entry.param and entry.param in copy.decision.params:
                return f"{entry.id}:{copy.decision.params[entry.param]}"
        segments = _segments(copy.target)
        for entry in route.correlate:
            minted = correlate.legacy_ids((entry,), copy.method, segments, _json(copy.legacy.body))
            if minted:
                return f"{entry.id}:{minted[0]}"
        return None

    def _start_flow(self, copy: Copy, route: Route, probe: bool) -> None:
        now = self.clock()
        if now >= self.next_expiry:  # free expired mappings once a minute (they are capped too)
            self.ids.expire(now)
            self.next_expiry = now + 60.0
        key = self._flow_key(copy, route)
        previous = self.flows.get(key) if key is not None else None
        task = asyncio.get_running_loop().create_task(self._flow(copy, route, probe, previous))
        self._track(task)
        if key is not None:
            self.flows[key] = task

            def forget(done: asyncio.Task[None], key: str = key) -> None:
                if self.flows.get(key) is done:
                    del self.flows[key]

            task.add_done_callback(forget)

    async def _flow(
        self, copy: Copy, route: Route, probe: bool, previous: asyncio.Task[None] | None
    ) -> None:
        d = copy.decision
        assert d.shadow is not None
        if previous is not None:  # keep the flow's order: create before add before update
            await asyncio.wait({previous}, timeout=d.shadow_timeout_ms / 1000)
        request_json = _json(copy.body)
        rewritten = correlate.rewrite(
            route.correlate, d.params, copy.target, request_json, self.ids, now=self.clock()
        )
        if isinstance(rewritten, correlate.Skip):
            self._result(copy, "skipped", reason=rewritten.reason)
            return
        body = (
            orjson.dumps(rewritten.body)
            if rewritten.changed and request_json is not None
            else copy.body
        )
        sends = [
            self.upstream.send(
                d.shadow,
                copy.method,
                rewritten.target,
                copy.headers,
                body,
                timeout_ms=d.shadow_timeout_ms,
            )
        ]
        if probe:
            sends.append(
                self.upstream.send(
                    d.primary,
                    copy.method,
                    copy.target,
                    copy.headers,
                    copy.body,
                    timeout_ms=d.shadow_timeout_ms,
                )
            )
        replies = await asyncio.gather(*sends)
        new = replies[0]
        if not new.failed:
            new_json = _json(new.body)
            correlate.learn(
                route.correlate,
                copy.method,
                _segments(copy.target),
                _json(copy.legacy.body),
                new_json,
                self.ids,
                now=self.clock(),
            )
            new = self._unmapped(new, new_json, route)
        self._compare(copy, new, replies[1] if probe else None)

    def _unmapped(self, new: Reply, new_json: Any, route: Route) -> Reply:
        """The new answer with its ids replaced by legacy's, for comparison."""
        if new_json is None:
            return new
        mapped = correlate.unmap(route.correlate, new_json, self.ids, now=self.clock())
        if mapped == new_json and type(mapped) is type(new_json):
            return new
        return Reply(
            new.status, new.headers, phpjson.encode(mapped), new.error, new.elapsed_ms, new.backend
        )

    # ------------------------------------------------------------ comparing
    def _compare(self, copy: Copy, new: Reply, again: Reply | None = None) -> None:
        """Called when the answers are in: compare and record (never raises)."""
        d = copy.decision
        assert d.shadow is not None
        if new.error == "cancelled":
            self._result(copy, "dropped", reason="shutdown")
            return
        try:
            if self.breakers is not None:
                self.breakers[d.shadow.name].record(
                    not new.failed and new.status < 500, self.clock()
                )
            old_side, new_side = observed(copy.legacy), observed(new)
            divergence = diff(old_side, new_side, d.rules)
            noise: tuple[str, ...] = ()
            if again is not None and not again.failed:
                self.noise.observe_self(d.route_id, diff(old_side, observed(again), d.rules))
            if d.route is not None and d.route.noise.sample > 0:
                self.noise.observe(d.route_id, divergence)
                divergence, noise = self.noise.excuse(d.route_id, divergence)
            self._result(
                copy,
                divergence.outcome.value,
                divergence=divergence,
                reason=divergence.error,
                new=new,
                sides=(old_side, new_side),
                noise=noise,
            )
        except Exception as exc:  # the shadow side may fail quietly, never the client's side
            self._result(copy, "error", reason=f"{type(exc).__name__}: {exc}")

    def _result(
        self,
        copy: Copy,
        outcome: str,
        *,
        divergence: Divergence | None = None,
        reason: str | None = None,
        new: Reply | None = None,
        sides: tuple[Observed, Observed] | None = None,
        noise: tuple[str, ...] = (),
    ) -> None:
        if outcome == "dropped":
            self.dropped += 1
        legacy_side, new_side = sides if sides is not None else (None, None)
        self.sink.record(ShadowResult(
            copy.decision.route_id, copy.request_id, copy.method, copy.target, outcome,
            divergence, reason, copy.legacy.elapsed_ms, new.elapsed_ms if new else 0.0,
            copy.headers, copy.body, legacy_side, new_side, noise,
        ))  # fmt: skip

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


def _segments(target: str) -> tuple[str, ...]:
    path = urls.normalize(target.partition("?")[0]).strip("/")
    return tuple(path.split("/")) if path else ()
