"""The fleet divergence store: one Redis shared by every proxy.

How this works: examples go to a capped stream `<prefix>:records` (`XADD MAXLEN ~ maxlen`;
fields `r` = route id, `d` = the record as zlib-compressed JSON); the stream id is the record's
id. Each route also has a stream `<prefix>:route:<route id>` of *references*: entries under the
very same ids with no payload, so `recent(route)` reads one route's newest ids cheaply and
fetches just those records. One Lua script appends to both (it reuses the id the first XADD
made; ids only grow, so the second XADD always accepts it) and remembers the route in the set
`<prefix>:routes`. A reference whose record was trimmed away is skipped on read and trimmed by
`prune()`. In Redis Cluster put a hash tag in the prefix (`{strangler:div}`): the script's
keys must share a slot.

Counts go to hashes, one per minute (`<prefix>:m:<minute>`) and one per hour
(`<prefix>:h:<hour>`), field `<route id>\\n<counter>` or `<route id>\\nf:<kind path>`, by
HINCRBY; each hash expires `max_age_s` after its period ends (EXPIREAT). A batch — every
record and every count — is ONE pipeline, one round trip. `totals()` reads whole hours from
the hour hashes and only the ragged start of a window from minute hashes: a 24 h window is
~24 + 60 HGETALLs in one pipeline instead of 1,440.

Retention: the stream cap (`maxlen`, approximate on every XADD, exact in `prune()`) and age
(`XTRIM MINID` in `prune()`, which `add()` also runs every `PRUNE_EVERY_ADDS` batches).
"""

from __future__ import annotations

import math
import re
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
import redis.asyncio as aioredis

from strangler.store import DivergenceRecord, MinuteStats

ADD = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'r', ARGV[2], 'd', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], id, 'r', '')
redis.call('SADD', KEYS[3], ARGV[2])
return id
"""
STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
PRUNE_EVERY_ADDS = 60
CLOCK_SKEW_S = 300.0  # how far a proxy's clock may run ahead of Redis's for `since`
COMPRESSION = 3
FIELD_PREFIX = "f:"


class RedisDivergenceStore:
    """Examples and counts in Redis; `RedisDivergenceStore("redis://10.0.0.5:6379/0")`."""

    def __init__(
        self,
        url: str,
        prefix: str = "strangler:div",
        *,
        maxlen: int = 100_000,
        max_age_s: float = 7 * 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.prefix = prefix
        self.maxlen = maxlen
        self.max_age_s = max_age_s
        self.clock = clock
        self.records_key = f"{prefix}:records"
        self.routes_key = f"{prefix}:routes"
        self._client = aioredis.Redis.from_url(url)  # bytes: records are compressed
        self._add = self._client.register_script(ADD)
        self._adds_since_prune = 0

    def route_key(self, route_id: str) -> str:
        return f"{self.prefix}:route:{route_id}"

    def minute_key(self, minute: int) -> str:
        return f"{self.prefix}:m:{minute}"

    def hour_key(self, hour: int) -> str:
        return f"{self.prefix}:h:{hour}"

    # -- writing -----------------------------------------------------------------------------

    async def add(self, records: Sequence[DivergenceRecord], stats: Sequence[MinuteStats]) -> None:
        """Append `records` and add `stats` to the counts: one pipeline, one round trip."""
        if not records and not stats:
            return
        pipe = self._client.pipeline(transaction=False)
        for record in records:
            await self._add(
                keys=[self.records_key, self.route_key(record.route_id), self.routes_key],
                args=[self.maxlen, record.route_id, encode(record)],
                client=pipe,
            )
        for row in stats:
            self._count(pipe, row)
        await pipe.execute()
        self._adds_since_prune += 1
        if self._adds_since_prune >= PRUNE_EVERY_ADDS:
            await self.prune(self.clock())

    def _count(self, pipe: Any, row: MinuteStats) -> None:
        hour = row.minute // 60
        keys = (
            (self.minute_key(row.minute), (row.minute + 1) * 60 + self.max_age_s),
            (self.hour_key(hour), (hour + 1) * 3600 + self.max_age_s),
        )
        for key, expires in keys:
            for name, n in _hash_fields(row):
                pipe.hincrby(key, name, n)
            pipe.expireat(key, int(expires))

    async def prune(self, now: float) -> int:
        """Trim the stream to `maxlen` and past `max_age_s`; drop references to trimmed
        records. Returns how many records went."""
        self._adds_since_prune = 0
        cutoff = f"{max(0, int((now - self.max_age_s) * 1000))}-0"
        removed = int(await self._client.xtrim(self.records_key, minid=cutoff, approximate=False))
        removed += int(
            await self._client.xtrim(self.records_key, maxlen=self.maxlen, approximate=False)
        )
        oldest: Any = await self._client.xrange(self.records_key, "-", "+", count=1)
        floor = _text(oldest[0][0]) if oldest else cutoff
        pipe = self._client.pipeline(transaction=False)
        for route in await self._client.smembers(self.routes_key):
            pipe.xtrim(self.route_key(_text(route)), minid=floor, approximate=False)
        await pipe.execute()
        return removed

    # -- reading -----------------------------------------------------------------------------

    async def recent(
        self,
        route_id: str | None = None,
        *,
        since: float = 0.0,
        limit: int = 50,
        before_id: str | None = None,
    ) -> list[DivergenceRecord]:
        """Newest first; `before_id` pages on to older examples."""
        if before_id is not None and not STREAM_ID.match(before_id):
            return []
        high = f"({before_id}" if before_id else "+"
        # Ids are taken when Redis writes, after the record's `at` — unless the proxy's clock
        # runs ahead of Redis's: the id range allows for that, `at` is filtered again below.
        low = str(max(0, int((since - CLOCK_SKEW_S) * 1000))) if since > 0 else "-"
        entries: Any
        if route_id is None:
            entries = await self._client.xrevrange(self.records_key, high, low, count=limit)
        else:
            refs: Any = await self._client.xrevrange(
                self.route_key(route_id), high, low, count=limit
            )
            entries = await self._fetch([ref for ref, _ in refs])
        found = (decode(_text(entry_id), fields[b"d"]) for entry_id, fields in entries)
        return [record for record in found if record.at >= since]

    async def _fetch(self, ids: Sequence[bytes]) -> list[Any]:
        pipe = self._client.pipeline(transaction=False)
        for entry_id in ids:
            pipe.xrange(self.records_key, entry_id, entry_id, count=1)
        return [entries[0] for entries in await pipe.execute() if entries]

    async def get(self, record_id: str) -> DivergenceRecord | None:
        if not STREAM_ID.match(record_id):
            return None
        entries: Any = await self._client.xrange(self.records_key, record_id, record_id, count=1)
        return decode(record_id, entries[0][1][b"d"]) if entries else None

    async def stats(self, since_minute: int) -> list[MinuteStats]:
        """Every route's per-minute counts from `since_minute` on, oldest first."""
        now_minute = int(self.clock() // 60)
        first = max(since_minute, now_minute - math.ceil(self.max_age_s / 60))
        minutes = range(first, now_minute + 2)  # +1: a proxy whose clock runs a little ahead
        hashes = await self._hashes([self.minute_key(m) for m in minutes])
        rows: list[MinuteStats] = []
        for minute, fields in zip(minutes, hashes, strict=True):
            rows.extend(_rows(minute, [fields]))
        return rows

    async def totals(self, since_minute: int, route_id: str | None = None) -> list[MinuteStats]:
        """One row per route (or just `route_id`'s): counts summed from `since_minute` on."""
        now_hour = int(self.clock() // 3600)
        first_hour = -(-since_minute // 60)  # the first hour that starts inside the window
        ragged = range(since_minute, min(first_hour * 60, (now_hour + 1) * 60))
        keys = [self.minute_key(m) for m in ragged]
        keys += [self.hour_key(h) for h in range(first_hour, now_hour + 2)]
        rows = _rows(since_minute, await self._hashes(keys))
        return [row for row in rows if route_id is None or row.route_id == route_id]

    async def _hashes(self, keys: Sequence[str]) -> list[dict[bytes, bytes]]:
        pipe = self._client.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        return list(await pipe.execute())

    async def ping(self) -> bool:
        return bool(await self._client.ping())

    async def close(self) -> None:
        await self._client.aclose()


def encode(record: DivergenceRecord) -> bytes:
    return zlib.compress(orjson.dumps(record.document()), COMPRESSION)


def decode(record_id: str, doc: bytes) -> DivergenceRecord:
    return DivergenceRecord.from_document(orjson.loads(zlib.decompress(doc)), record_id)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _hash_fields(row: MinuteStats) -> Iterable[tuple[str, int]]:
    for name, n in row.counts().items():
        if n:
            yield f"{row.route_id}\n{name}", n
    for name, n in row.fields.items():
        yield f"{row.route_id}\n{FIELD_PREFIX}{name}", n


def _rows(minute: int, hashes: Iterable[dict[bytes, bytes]]) -> list[MinuteStats]:
    """Hash contents (`route\\ncounter` -> n) summed into one MinuteStats per route."""
    counts: dict[str, dict[str, int]] = {}
    fields: dict[str, dict[str, int]] = {}
    for contents in hashes:
        for raw, value in contents.items():
            route_id, _, name = raw.decode().partition("\n")
            if name.startswith(FIELD_PREFIX):
                into, name = fields.setdefault(route_id, {}), name[len(FIELD_PREFIX) :]
            elif name in MinuteStats.COUNTERS:
                into = counts.setdefault(route_id, {})
            else:
                continue  # a counter this version does not know: written by a newer proxy
            into[name] = into.get(name, 0) + int(value)
    return [
        MinuteStats(route, minute, fields=fields.get(route, {}), **counts.get(route, {}))
        for route in sorted(counts.keys() | fields.keys())
    ]
