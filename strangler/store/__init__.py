"""The divergence store: examples of mismatches, kept redacted, bounded, off the request path.

Records are written by `sinks.store.StoreSink` (a bounded queue drained by a background task)
and read by the dashboard and `strangler divergences`. Two implementations of one protocol:

- `sqlite.SqliteDivergenceStore` (embedded default): retention by count and by age;
- `redis.RedisDivergenceStore`: a capped stream shared by a fleet of proxies.

Per-minute statistics (traffic, shadowed, outcomes, noise, top diverging fields) live beside
the examples so the dashboard can show time windows after restarts and across a fleet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol


@dataclass(frozen=True, slots=True)
class Side:
    """One backend's answer as stored: status, redacted headers, truncated (redacted) body."""

    status: int
    headers: Mapping[str, str]
    body: str  # text (UTF-8, replacement for undecodable bytes), truncated
    truncated: bool = False
    error: str | None = None
    elapsed_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class DivergenceRecord:
    at: float  # unix time
    route_id: str
    request_id: str
    method: str
    path: str  # redacted (no query values that look like secrets)
    request_headers: Mapping[str, str]  # redacted
    request_body: str  # redacted, truncated
    legacy: Side
    new: Side
    outcome: str  # mismatch | error
    differences: Sequence[Mapping[str, Any]]  # [{"kind", "path", "legacy", "new"}], redacted
    ignored: Sequence[Mapping[str, Any]] = ()
    id: str = ""  # assigned by the store

    def document(self) -> dict[str, Any]:
        """Everything but the id as plain JSON values: what a store keeps."""
        return {
            "at": self.at,
            "route_id": self.route_id,
            "request_id": self.request_id,
            "method": self.method,
            "path": self.path,
            "request_headers": dict(self.request_headers),
            "request_body": self.request_body,
            "legacy": _side_document(self.legacy),
            "new": _side_document(self.new),
            "outcome": self.outcome,
            "differences": [dict(d) for d in self.differences],
            "ignored": [dict(d) for d in self.ignored],
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], record_id: str) -> DivergenceRecord:
        """The record a store kept as `document()`, under the id the store gave it."""
        return cls(
            at=float(doc["at"]),
            route_id=str(doc["route_id"]),
            request_id=str(doc["request_id"]),
            method=str(doc["method"]),
            path=str(doc["path"]),
            request_headers=dict(doc["request_headers"]),
            request_body=str(doc["request_body"]),
            legacy=Side(**doc["legacy"]),
            new=Side(**doc["new"]),
            outcome=str(doc["outcome"]),
            differences=tuple(doc["differences"]),
            ignored=tuple(doc.get("ignored", ())),
            id=record_id,
        )


def _side_document(side: Side) -> dict[str, Any]:
    return {
        "status": side.status,
        "headers": dict(side.headers),
        "body": side.body,
        "truncated": side.truncated,
        "error": side.error,
        "elapsed_ms": side.elapsed_ms,
    }


@dataclass(frozen=True, slots=True)
class MinuteStats:
    """Counts for one route in one minute (summed over a window by the dashboard)."""

    route_id: str
    minute: int  # unix time // 60
    requests: int = 0
    shadowed: int = 0
    match: int = 0
    mismatch: int = 0
    error: int = 0
    dropped: int = 0
    noise: int = 0  # differences excused as noise
    fields: Mapping[str, int] = field(default_factory=dict)  # "kind path" -> count
    skipped: int = 0  # shadow results the runner skipped (not copied, not compared)
    ignored: int = 0  # differences the route's rules excused (Divergence.ignored)
    kept: int = 0  # mismatch/error examples queued for the store
    not_kept: int = 0  # examples not kept: over the per-route cap, not sampled, queue full

    COUNTERS: ClassVar[tuple[str, ...]] = (
        "requests", "shadowed", "match", "mismatch", "error", "dropped", "noise", "skipped",
        "ignored", "kept", "not_kept",
    )  # fmt: skip

    def counts(self) -> dict[str, int]:
        """The counters by name (without `fields`)."""
        return {name: getattr(self, name) for name in self.COUNTERS}

    def plus(self, other: MinuteStats) -> MinuteStats:
        """Counters and field counts added up; route and minute stay this row's."""
        fields = dict(self.fields)
        for name, n in other.fields.items():
            fields[name] = fields.get(name, 0) + n
        summed = {name: getattr(self, name) + getattr(other, name) for name in self.COUNTERS}
        return MinuteStats(self.route_id, self.minute, fields=fields, **summed)


class DivergenceStore(Protocol):
    async def add(self, records: Sequence[DivergenceRecord], stats: Sequence[MinuteStats]) -> None:
        """Append records and add to the per-minute counts (one batch, one round trip)."""

    async def recent(
        self,
        route_id: str | None = None,
        *,
        since: float = 0.0,
        limit: int = 50,
        before_id: str | None = None,
    ) -> list[DivergenceRecord]:
        """Newest first."""

    async def get(self, record_id: str) -> DivergenceRecord | None: ...

    async def stats(self, since_minute: int) -> list[MinuteStats]:
        """Every route's per-minute counts from `since_minute` on."""

    async def totals(self, since_minute: int, route_id: str | None = None) -> list[MinuteStats]:
        """One row per route: its counts summed from `since_minute` on (`minute` is
        `since_minute`), aggregated by the store so a 24 h window stays cheap."""

    async def prune(self, now: float) -> int:
        """Apply retention (count and age); returns how many records went."""

    async def close(self) -> None: ...
