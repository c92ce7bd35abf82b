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
from typing import Any, Protocol


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

    async def prune(self, now: float) -> int:
        """Apply retention (count and age); returns how many records went."""

    async def close(self) -> None: ...
