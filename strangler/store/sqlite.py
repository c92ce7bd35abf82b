"""The embedded divergence store: one SQLite file of examples and per-minute counts.

How this works: three tables. `records` holds one row per kept example — its time and route
(both indexed: the dashboard lists a route's newest examples by `(route_id, id)`, retention
deletes by `at`) and the whole record as a zlib-compressed JSON document (bodies make up most
of a record; JSON compresses about 4:1). `minutes` holds one row of counters per route and
minute, `minute_fields` one row per route, minute and diverging field ("kind path"); `add()`
upserts into both by *adding* to what is there, so several proxies sharing the file (or one
proxy after a restart) sum up. Window totals are `GROUP BY` over those rows, never a scan of
the examples.

`add()` writes one batch in ONE transaction. Retention — at most `max_records` examples, none
older than `max_age_s`, counters no older than that either — is `prune()`, which `add()` also
runs every `PRUNE_EVERY_ADDS` batches (or sooner when a burst added 1% of the cap).

The file runs in WAL mode (readers never wait for the writer). sqlite3 is blocking, so every
call runs on worker threads that own their connections: one writer thread (writes are
serialised anyway) and `READERS` reader threads, so a slow dashboard query never delays a
flush and the event loop never waits for the disk.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import orjson

from strangler.sqlite_wal import enable_wal
from strangler.store import DivergenceRecord, MinuteStats

T = TypeVar("T")
COUNTERS = MinuteStats.COUNTERS
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS records (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a link keeps its record
    at       REAL NOT NULL,
    route_id TEXT NOT NULL,
    doc      BLOB NOT NULL                        -- zlib(JSON of DivergenceRecord.document())
);
CREATE INDEX IF NOT EXISTS records_at ON records (at);
CREATE INDEX IF NOT EXISTS records_route ON records (route_id, id);
CREATE TABLE IF NOT EXISTS minutes (
    minute   INTEGER NOT NULL,
    route_id TEXT NOT NULL,
    {", ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in COUNTERS)},
    PRIMARY KEY (minute, route_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS minute_fields (
    minute   INTEGER NOT NULL,
    route_id TEXT NOT NULL,
    field    TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (minute, route_id, field)
) WITHOUT ROWID;
"""
INSERT_RECORD = "INSERT INTO records (at, route_id, doc) VALUES (?, ?, ?)"
UPSERT_MINUTE = (
    f"INSERT INTO minutes (minute, route_id, {', '.join(COUNTERS)}) "
    f"VALUES (?, ?, {', '.join('?' for _ in COUNTERS)}) ON CONFLICT (minute, route_id) "
    f"DO UPDATE SET {', '.join(f'{n} = {n} + excluded.{n}' for n in COUNTERS)}"
)
UPSERT_FIELD = (
    "INSERT INTO minute_fields (minute, route_id, field, n) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (minute, route_id, field) DO UPDATE SET n = n + excluded.n"
)
SUM_COUNTERS = ", ".join(f"sum({name})" for name in COUNTERS)
BUSY_TIMEOUT_S = 5.0
READERS = 2
PRUNE_EVERY_ADDS = 60  # with one flush a second: about once a minute
COMPRESSION = 3


def encode(record: DivergenceRecord) -> bytes:
    return zlib.compress(orjson.dumps(record.document()), COMPRESSION)


def decode(record_id: int, doc: bytes) -> DivergenceRecord:
    return DivergenceRecord.from_document(orjson.loads(zlib.decompress(doc)), str(record_id))


class SqliteDivergenceStore:
    """Examples and counts in a SQLite file; `SqliteDivergenceStore("divergences.db")`."""

    def __init__(
        self,
        path: str,
        *,
        max_records: int = 100_000,
        max_age_s: float = 7 * 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.max_records = max_records
        self.max_age_s = max_age_s
        self.clock = clock
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="strangler-div-write")
        self._readers = ThreadPoolExecutor(READERS, thread_name_prefix="strangler-div-read")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()  # guards the schema and the connection list
        self._schema_ready = False
        self._adds_since_prune = 0
        self._added_since_prune = 0

    # -- the protocol ------------------------------------------------------------------------

    async def add(self, records: Sequence[DivergenceRecord], stats: Sequence[MinuteStats]) -> None:
        """Append `records` and add `stats` to the stored counts, in one transaction."""
        if records or stats:
            await self._write(self._add, records, stats)

    async def recent(
        self,
        route_id: str | None = None,
        *,
        since: float = 0.0,
        limit: int = 50,
        before_id: str | None = None,
    ) -> list[DivergenceRecord]:
        """Newest first; `before_id` pages on to older examples."""
        before = _as_id(before_id) if before_id is not None else None
        if before_id is not None and before is None:
            return []
        return await self._read(self._recent, route_id, since, limit, before)

    async def get(self, record_id: str) -> DivergenceRecord | None:
        found = _as_id(record_id)
        return None if found is None else await self._read(self._get, found)

    async def stats(self, since_minute: int) -> list[MinuteStats]:
        """Every route's per-minute counts from `since_minute` on, oldest first."""
        return await self._read(self._stats, since_minute)

    async def totals(self, since_minute: int, route_id: str | None = None) -> list[MinuteStats]:
        """One row per route (or just `route_id`'s): counts summed from `since_minute` on."""
        return await self._read(self._totals, since_minute, route_id)

    async def prune(self, now: float) -> int:
        """Drop examples past the count or age limit and counts past the age limit."""
        return await self._write(self._prune, now)

    async def count(self) -> int:
        """How many examples are stored (tests, the bench)."""
        return await self._read(lambda conn: int(_one(conn, "SELECT count(*) FROM records")))

    async def close(self) -> None:
        """Finish queued work, then close every connection."""
        await asyncio.to_thread(self._close)

    # -- threads and connections -------------------------------------------------------------

    async def _write(self, work: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, self._call, work, args)

    async def _read(self, work: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._call, work, args)

    def _call(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return work(conn, *args)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, fast
            with self._lock:
                if not self._schema_ready:
                    enable_wal(conn, BUSY_TIMEOUT_S)
                    conn.executescript(SCHEMA)
                    self._schema_ready = True
                self._connections.append(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _close(self) -> None:
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    # -- blocking halves, on the worker threads ----------------------------------------------

    def _add(
        self,
        conn: sqlite3.Connection,
        records: Sequence[DivergenceRecord],
        stats: Sequence[MinuteStats],
    ) -> None:
        rows = [(r.at, r.route_id, encode(r)) for r in records]
        with _transaction(conn):
            conn.executemany(INSERT_RECORD, rows)
            conn.executemany(UPSERT_MINUTE, _minute_rows(stats))
            conn.executemany(UPSERT_FIELD, _field_rows(stats))
        self._adds_since_prune += 1
        self._added_since_prune += len(records)
        burst = max(1, self.max_records // 100)
        if self._adds_since_prune >= PRUNE_EVERY_ADDS or self._added_since_prune >= burst:
            self._prune(conn, self.clock())

    def _prune(self, conn: sqlite3.Connection, now: float) -> int:
        self._adds_since_prune = self._added_since_prune = 0
        cutoff = now - self.max_age_s
        with _transaction(conn):
            removed = conn.execute("DELETE FROM records WHERE at < ?", (cutoff,)).rowcount
            newest_out = conn.execute(
                "SELECT id FROM records ORDER BY id DESC LIMIT 1 OFFSET ?", (self.max_records,)
            ).fetchone()
            if newest_out is not None:
                removed += conn.execute(
                    "DELETE FROM records WHERE id <= ?", (newest_out[0],)
                ).rowcount
            first_minute = int(cutoff // 60)
            conn.execute("DELETE FROM minutes WHERE minute < ?", (first_minute,))
            conn.execute("DELETE FROM minute_fields WHERE minute < ?", (first_minute,))
        return int(removed)

    def _recent(
        self,
        conn: sqlite3.Connection,
        route_id: str | None,
        since: float,
        limit: int,
        before: int | None,
    ) -> list[DivergenceRecord]:
        args = [since, *(a for a in (route_id, before) if a is not None), limit]
        sql = recent_sql(route_id is not None, before is not None)
        return [decode(i, doc) for i, doc in conn.execute(sql, args)]

    def _get(self, conn: sqlite3.Connection, record_id: int) -> DivergenceRecord | None:
        row = conn.execute("SELECT id, doc FROM records WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else decode(row[0], row[1])

    def _stats(self, conn: sqlite3.Connection, since_minute: int) -> list[MinuteStats]:
        fields: dict[tuple[int, str], dict[str, int]] = {}
        for minute, route_id, name, n in conn.execute(
            "SELECT minute, route_id, field, n FROM minute_fields WHERE minute >= ?",
            (since_minute,),
        ):
            fields.setdefault((minute, route_id), {})[name] = n
        rows = conn.execute(
            f"SELECT minute, route_id, {', '.join(COUNTERS)} FROM minutes WHERE minute >= ? "
            "ORDER BY minute, route_id",
            (since_minute,),
        )
        return [
            _stats_row(route_id, minute, counts, fields.get((minute, route_id), {}))
            for minute, route_id, *counts in rows
        ]

    def _totals(
        self, conn: sqlite3.Connection, since_minute: int, route_id: str | None
    ) -> list[MinuteStats]:
        where, args = "minute >= ?", list[Any]([since_minute])
        if route_id is not None:
            where, args = "minute >= ? AND route_id = ?", [since_minute, route_id]
        fields: dict[str, dict[str, int]] = {}
        for route, name, n in conn.execute(
            f"SELECT route_id, field, sum(n) FROM minute_fields WHERE {where} "
            "GROUP BY route_id, field",
            args,
        ):
            fields.setdefault(route, {})[name] = n
        rows = conn.execute(
            f"SELECT route_id, {SUM_COUNTERS} FROM minutes WHERE {where} GROUP BY route_id "
            "ORDER BY route_id",
            args,
        )
        return [
            _stats_row(route, since_minute, counts, fields.get(route, {}))
            for route, *counts in rows
        ]


def recent_sql(by_route: bool, before: bool) -> str:
    """The query behind `recent()`; args: since, [route_id], [before id], limit."""
    where = ["at >= ?"] + ["route_id = ?"] * by_route + ["id < ?"] * before
    return f"SELECT id, doc FROM records WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (the write lock is taken up front,
    so a busy file waits in BEGIN, never halfway through a batch)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.conn.execute("ROLLBACK" if kind is not None else "COMMIT")


def _as_id(text: str) -> int | None:
    return int(text) if text.isdecimal() and len(text) < 19 else None


def _one(conn: sqlite3.Connection, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


def _stats_row(
    route_id: str, minute: int, counts: Iterable[int], fields: dict[str, int]
) -> MinuteStats:
    values = dict(zip(COUNTERS, (int(n or 0) for n in counts), strict=True))
    return MinuteStats(route_id, minute, fields=fields, **values)


def _minute_rows(stats: Sequence[MinuteStats]) -> list[tuple[Any, ...]]:
    return [(s.minute, s.route_id, *(getattr(s, n) for n in COUNTERS)) for s in stats]


def _field_rows(stats: Sequence[MinuteStats]) -> list[tuple[Any, ...]]:
    return [(s.minute, s.route_id, name, n) for s in stats for name, n in s.fields.items()]
