"""StoreSink: per-minute counts for every shadow result, redacted examples of the divergent ones.

How this works: `record()` runs on the event loop for every `ShadowResult` and does O(1) work
in memory: it adds to the counts of the result's route in the current minute (outcome,
shadowed, one per diverging field as "kind path" with array indices folded, ignored
differences, noise) and, for a mismatch or an error, decides whether to keep the example —
at most `per_route_per_minute` per route and minute, a `sample` of those, and only while the
queue has room. A kept example is queued with its bodies cut to what will be stored (plus a
margin, so a secret straddling the cut is still recognised and then cut off); everything else
is counted as `not_kept` (Prometheus: by reason). Nothing blocks and nothing grows without
bound: the queue holds at most `queue_max` examples, the counts one row per route and minute.

`run()` (a task the server starts) flushes every `flush_interval_s`: it takes the queue and
the counts, redacts the examples on a worker thread — request path, headers and body, both
answers' headers and bodies, the values inside the differences, the field names — and writes
everything with ONE `store.add()`. Nothing unredacted reaches the store. A failing store is
logged and counted; its counts are kept for the next flush, its examples are lost (counted).
`count_request(route_id)` is the proxy's traffic counter (the `requests` column).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
import structlog
from prometheus_client import CollectorRegistry, Counter

from strangler import redact
from strangler.compare import Difference
from strangler.model import Observed
from strangler.sinks import ShadowResult
from strangler.store import DivergenceRecord, DivergenceStore, MinuteStats, Side

KEEP = frozenset({"mismatch", "error"})
COMPARED = frozenset({"match", "mismatch", "error"})
OUTCOMES = frozenset({"match", "mismatch", "error", "dropped", "skipped"})
INDEX = re.compile(r"\[\d+\]")
KEYED_VALUE = re.compile(r"\[[^\]=]+=([^\]#]+)(?:#\d+)?\]\.value$")
REDACT_MARGIN = 256  # bytes beyond the limit still redacted, then cut: no half secret stays
MAX_FIELDS = 100  # distinct "kind path" per route and minute; the rest count as OTHER
OTHER = "other (more fields)"
MAX_VALUE_CHARS = 2048  # a difference's value beyond this is stored cut, as text

log = structlog.get_logger("strangler.sinks.store")


def fold(path: str) -> str:
    """`$.items[2].price` -> `$.items[*].price`: one count per field, not per element."""
    return INDEX.sub("[*]", path) if "[" in path else path


class _Row:
    """One route's counts in one minute, while they wait for the next flush."""

    __slots__ = ("counts", "fields")

    def __init__(self) -> None:
        self.counts = dict.fromkeys(MinuteStats.COUNTERS, 0)
        self.fields: dict[str, int] = {}

    def field(self, name: str) -> None:
        fields = self.fields
        if name in fields or len(fields) < MAX_FIELDS:
            fields[name] = fields.get(name, 0) + 1
        else:
            fields[OTHER] = fields.get(OTHER, 0) + 1

    def frozen(self, route_id: str, minute: int) -> MinuteStats:
        return MinuteStats(route_id, minute, fields=dict(self.fields), **self.counts)

    def merge(self, stats: MinuteStats) -> None:
        for name, n in stats.counts().items():
            self.counts[name] += n
        for name, n in stats.fields.items():
            self.fields[name] = self.fields.get(name, 0) + n


@dataclass(frozen=True, slots=True)
class _Pending:
    """A kept example before redaction: the result with its bodies already cut."""

    at: float
    result: ShadowResult
    cut: frozenset[str] = field(default_factory=frozenset)  # bodies longer than the limit


class StoreSink:
    def __init__(
        self,
        store: DivergenceStore,
        *,
        sample: float = 1.0,
        per_route_per_minute: int = 30,
        queue_max: int = 10_000,
        body_limit: int = 16_384,
        flush_interval_s: float = 1.0,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
        registry: CollectorRegistry | None = None,
    ) -> None:
        if not 0.0 <= sample <= 1.0:
            raise ValueError(f"sample must be within [0, 1], got {sample}")
        self.store = store
        self.sample = sample
        self.per_route_per_minute = per_route_per_minute
        self.queue_max = queue_max
        self.body_limit = body_limit
        self.flush_interval_s = flush_interval_s
        self.clock = clock
        self.rng = rng
        self.queue: deque[_Pending] = deque()
        self.pending: dict[tuple[str, int], _Row] = {}
        self.kept_this_minute: dict[str, tuple[int, int]] = {}  # route -> (minute, kept)
        self.failures = 0
        self.metrics = _SinkMetrics(registry or CollectorRegistry())
        self._flushing = asyncio.Lock()

    # -- on the event loop, per request / per result -----------------------------------------

    def count_request(self, route_id: str) -> None:
        """One request answered on `route_id` (the proxy calls this for every request)."""
        self._row(route_id, int(self.clock() // 60)).counts["requests"] += 1

    def record(self, result: ShadowResult) -> None:
        """Count the result; queue a (later redacted) example of a mismatch or an error."""
        now = self.clock()
        minute = int(now // 60)
        row = self._row(result.route_id, minute)
        counts = row.counts
        if result.outcome in OUTCOMES:
            counts[result.outcome] += 1
        if result.outcome in COMPARED:
            counts["shadowed"] += 1
        found = result.divergence
        if found is not None:
            for difference in found.differences:
                row.field(f"{difference.kind.value} {fold(difference.path)}")
            counts["ignored"] += len(found.ignored)
        counts["noise"] += len(result.noise)  # paths the noise learner excused
        if result.outcome in KEEP:
            self._keep(result, row, now, minute)

    def _row(self, route_id: str, minute: int) -> _Row:
        row = self.pending.get((route_id, minute))
        if row is None:
            row = self.pending[(route_id, minute)] = _Row()
        return row

    def _keep(self, result: ShadowResult, row: _Row, now: float, minute: int) -> None:
        route_id = result.route_id
        seen_minute, kept = self.kept_this_minute.get(route_id, (minute, 0))
        if seen_minute != minute:
            kept = 0
        reason = None
        if kept >= self.per_route_per_minute:
            reason = "cap"
        elif self.sample < 1.0 and self.rng() >= self.sample:
            reason = "sample"
        elif len(self.queue) >= self.queue_max:
            reason = "queue_full"
        if reason is not None:
            row.counts["not_kept"] += 1
            self.metrics.not_kept(route_id, reason)
            return
        self.kept_this_minute[route_id] = (minute, kept + 1)
        self.queue.append(_cut(result, now, self.body_limit + REDACT_MARGIN))
        row.counts["kept"] += 1
        self.metrics.kept(route_id)

    # -- the background flush ----------------------------------------------------------------

    async def run(self) -> None:
        """Flush every `flush_interval_s` until cancelled (the server's task)."""
        while True:
            await asyncio.sleep(self.flush_interval_s)
            try:
                await self.flush()
            except Exception:  # a bug here must not end the task: log, go on
                log.exception("divergence_flush_failed")

    async def flush(self) -> int:
        """Redact and write what is queued and counted, in one `store.add`; returns how many
        examples were written."""
        async with self._flushing:
            rows, self.pending = self.pending, {}
            batch = [self.queue.popleft() for _ in range(len(self.queue))]
            if not rows and not batch:
                return 0
            stats = [row.frozen(route, minute) for (route, minute), row in rows.items()]
            records, stats = await asyncio.to_thread(self._prepare, batch, stats)
            try:
                await self.store.add(records, stats)
            except Exception as exc:
                self._failed(exc, len(records), stats)
                return 0
            return len(records)

    def _prepare(
        self, batch: list[_Pending], stats: list[MinuteStats]
    ) -> tuple[list[DivergenceRecord], list[MinuteStats]]:
        """On a worker thread: redact the examples and the field names."""
        records = []
        for pending in batch:
            try:
                records.append(self.redacted(pending))
            except Exception:  # one unreadable example must not cost the batch
                log.exception("divergence_redaction_failed", route=pending.result.route_id)
        names: dict[str, str] = {}
        return records, [_redact_fields(row, names) for row in stats]

    def _failed(self, exc: Exception, lost: int, stats: list[MinuteStats]) -> None:
        self.failures += 1
        self.metrics.flush_failures.inc()
        log.error("divergence_store_failed", error=f"{type(exc).__name__}: {exc}", lost=lost)
        for row in stats:  # counts survive to the next flush; examples do not
            self._row(row.route_id, row.minute).merge(row)

    def live_stats(self) -> list[MinuteStats]:
        """The counts not written yet (the dashboard adds them to the store's)."""
        return [row.frozen(route, minute) for (route, minute), row in list(self.pending.items())]

    async def close(self) -> None:
        """Write what is left (on shutdown, after the shadow runner drained)."""
        await self.flush()

    # -- redaction ---------------------------------------------------------------------------

    def redacted(self, pending: _Pending) -> DivergenceRecord:
        """The example as stored: every part redacted, bodies cut to `body_limit`."""
        r, cut, limit = pending.result, pending.cut, self.body_limit
        request_body, _ = _body(r.request_body, "request" in cut, limit)
        found = r.divergence
        return DivergenceRecord(
            at=pending.at,
            route_id=r.route_id,
            request_id=r.request_id,  # the proxy's own [A-Za-z0-9._:-] id
            method=r.method,
            path=redact.redact_path(r.path),
            request_headers=_headers(r.request_headers),
            request_body=request_body,
            legacy=_side(r.legacy, "legacy" in cut, limit, r.reason),
            new=_side(r.new, "new" in cut, limit, r.reason),
            outcome=r.outcome,
            differences=_differences(found.differences if found else ()),
            ignored=_differences(found.ignored if found else ()),
        )


def _cut(result: ShadowResult, now: float, keep: int) -> _Pending:
    """The result holding only the first `keep` bytes of each body (the rest is never stored,
    so the queue never holds more)."""
    cut = set()
    request_body = result.request_body
    if len(request_body) > keep:
        cut.add("request")
        request_body = request_body[:keep]
    sides: dict[str, Observed | None] = {"legacy": result.legacy, "new": result.new}
    for name, side in sides.items():
        if side is not None and len(side.body) > keep:
            cut.add(name)
            sides[name] = replace(side, body=side.body[:keep])
    slim = replace(
        result,
        request_headers=tuple(result.request_headers),
        request_body=request_body,
        legacy=sides["legacy"],
        new=sides["new"],
    )
    return _Pending(now, slim, frozenset(cut))


def _body(raw: bytes, cut: bool, limit: int) -> tuple[str, bool]:
    """A body as stored text: redacted by structure when it is whole JSON, as text when it
    was cut (a cut body is no JSON any more); then cut to `limit`."""
    text = redact.redact_text(raw.decode("utf-8", "replace")) if cut else redact.redact_body(raw)
    return text[:limit], cut or len(text) > limit


def _headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Request headers as one mapping (lower-case names, repeated ones joined), redacted."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return redact.redact_headers(joined)


def _side(observed: Observed | None, cut: bool, limit: int, reason: str | None) -> Side:
    if observed is None:  # the comparison itself failed: no answer to keep
        return Side(0, {}, "", error=reason)
    body, truncated = _body(observed.body, cut, limit)
    return Side(
        observed.status,
        redact.redact_headers(dict(observed.headers)),
        body,
        truncated,
        observed.error,
        observed.elapsed_ms,
    )


def _differences(found: Iterable[Difference]) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "kind": d.kind.value,
            "path": redact.redact_text(d.path),
            "legacy": _value(d.path, d.legacy),
            "new": _value(d.path, d.new),
            **({"note": redact.redact_text(d.note)} if d.note else {}),
        }
        for d in found
    )


def _value(path: str, value: Any) -> Any:
    """A differing value redacted in its context: a header by its name, a JSON value under
    its key (a `$.customer.password` value is a password even as a bare string)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if path.startswith("header:"):
        name = path[len("header:") :]
        redacted = redact.redact_headers({name: str(value)})
        return _clip(next(iter(redacted.values()), ""))
    key = _last_key(path)
    clean = redact.redact_json({key: value})[key] if key else redact.redact_json(value)
    return _clip(clean)


def _last_key(path: str) -> str | None:
    """`$.customer.email` -> `email`; a keyed element's `value` is named by its key
    (`$.custom_attributes[attribute_code=telephone].value` -> `telephone`); `$.items[2]`
    and `$` -> None."""
    keyed = KEYED_VALUE.search(path)
    if keyed is not None:
        return keyed.group(1)
    if path.endswith("]") or "." not in path:
        return None
    return path.rsplit(".", 1)[1] or None


def _clip(value: Any) -> Any:
    """Values past MAX_VALUE_CHARS become their cut JSON text (a 1 MB string stays small)."""
    if isinstance(value, str):
        return value if len(value) <= MAX_VALUE_CHARS else value[:MAX_VALUE_CHARS] + "…"
    text = orjson.dumps(value).decode()
    return value if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def _redact_fields(row: MinuteStats, names: dict[str, str]) -> MinuteStats:
    """Field names are paths, and a JSON key can be an e-mail: redacted like everything."""
    if not row.fields:
        return row
    fields: dict[str, int] = {}
    for name, n in row.fields.items():
        clean = names.get(name)
        if clean is None:
            clean = names[name] = redact.redact_text(name)
        fields[clean] = fields.get(clean, 0) + n
    return replace(row, fields=fields)


class _SinkMetrics:
    """The sink's own counters, on the proxy's registry (label children cached)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.kept_total = Counter(
            "strangler_divergences_kept",
            "Divergent examples queued for the divergence store",
            ["route"],
            registry=registry,
        )
        self.not_kept_total = Counter(
            "strangler_divergences_not_kept",
            "Divergent examples not stored (cap: route's per-minute cap, sample, queue_full)",
            ["route", "reason"],
            registry=registry,
        )
        self.flush_failures = Counter(
            "strangler_divergence_flush_failures",
            "Flushes the divergence store refused (their examples are lost)",
            registry=registry,
        )
        self._kept: dict[str, Any] = {}
        self._not_kept: dict[tuple[str, str], Any] = {}

    def kept(self, route_id: str) -> None:
        child = self._kept.get(route_id)
        if child is None:
            child = self._kept[route_id] = self.kept_total.labels(route_id)
        child.inc()

    def not_kept(self, route_id: str, reason: str) -> None:
        child = self._not_kept.get((route_id, reason))
        if child is None:
            child = self._not_kept[(route_id, reason)] = self.not_kept_total.labels(
                route_id, reason
            )
        child.inc()
