"""Sinks: where facts observed off the request path go (metrics, log, divergence store).

The shadow runner records a `ShadowResult` once per copy; it never knows whether the fact
becomes a counter, a log line or a stored example. `Fanout` sends one fact to several sinks and
isolates them: a failing sink is logged and the others still get the fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

from strangler.compare import Divergence
from strangler.model import Observed

log = structlog.get_logger("strangler.sinks")


@dataclass(frozen=True, slots=True)
class ShadowResult:
    route_id: str
    request_id: str
    method: str
    path: str  # the request target as received (a sink redacts before storing)
    outcome: str  # match | mismatch | error | dropped | skipped
    divergence: Divergence | None = None
    reason: str | None = None  # why dropped/errored/skipped, when it was
    legacy_ms: float = 0.0
    new_ms: float = 0.0
    # the evidence, for sinks that keep examples (unredacted here: redact before storing)
    request_headers: Sequence[tuple[str, str]] = ()
    request_body: bytes = b""
    legacy: Observed | None = None
    new: Observed | None = None
    noise: tuple[str, ...] = ()  # paths whose differences were excused as learned noise


class Sink(Protocol):
    def record(self, result: ShadowResult) -> None: ...


class Fanout:
    def __init__(self, sinks: Sequence[Sink]) -> None:
        self.sinks = list(sinks)

    def record(self, result: ShadowResult) -> None:
        for sink in self.sinks:
            try:
                sink.record(result)
            except Exception:  # a broken sink must not stop the others
                log.exception("sink_failed", sink=type(sink).__name__, route=result.route_id)


class ListSink:
    """Keeps every result in memory: a real sink for tests and the CLI."""

    def __init__(self) -> None:
        self.results: list[ShadowResult] = []

    def record(self, result: ShadowResult) -> None:
        self.results.append(result)
