"""The embedded flag store: one SQLite file, shared by the proxies (and CLI) on one machine.

How this works: three tables — `overrides` (one row per flipped route id), `kill_switch` (one
row while it is on) and the append-only `audit`. `commit()` writes the flipped entry and its
audit row in ONE transaction (`BEGIN IMMEDIATE` ... `COMMIT`; any error rolls both back). Only
the entry the `Flip` names is written, so two proxies flipping different routes at once both
land instead of the later one writing back a state without the earlier flip.

`watch()` keeps one connection open, on a worker thread of its own, and polls
`PRAGMA data_version`, which changes whenever *another* connection committed to the file —
another proxy, the CLI, or this store's own `commit()` (each call opens its own connection) —
then reloads and calls `on_change`. It delivers the current state once when it starts. The file
runs in WAL mode, so readers never block the writer. The blocking sqlite3 calls run in worker
threads (`asyncio.to_thread`), each on a short-lived connection, so the event loop never waits
for the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import structlog

from strangler.flags import KILL_SWITCH, FlagState, Flip, Override
from strangler.flagstore import OnChange
from strangler.model import Mode
from strangler.sqlite_wal import enable_wal

SCHEMA = """
CREATE TABLE IF NOT EXISTS overrides (
    route_id TEXT PRIMARY KEY,
    mode     TEXT NOT NULL,
    percent  REAL,
    actor    TEXT NOT NULL,
    reason   TEXT NOT NULL,
    at       REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS kill_switch (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    actor  TEXT NOT NULL,
    reason TEXT NOT NULL,
    at     REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    route_id  TEXT NOT NULL,
    from_mode TEXT NOT NULL,
    to_mode   TEXT NOT NULL,
    actor     TEXT NOT NULL,
    reason    TEXT NOT NULL,
    at        REAL NOT NULL
);
"""
UPSERT_OVERRIDE = """
INSERT INTO overrides (route_id, mode, percent, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (route_id) DO UPDATE SET mode = excluded.mode, percent = excluded.percent,
    actor = excluded.actor, reason = excluded.reason, at = excluded.at
"""
UPSERT_KILL = "INSERT OR REPLACE INTO kill_switch (id, actor, reason, at) VALUES (1, ?, ?, ?)"
INSERT_AUDIT = (
    "INSERT INTO audit (route_id, from_mode, to_mode, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?)"
)
SELECT_AUDIT = (
    "SELECT route_id, from_mode, to_mode, actor, reason, at FROM audit ORDER BY seq DESC LIMIT ?"
)
BUSY_TIMEOUT_S = 5.0

log = structlog.get_logger("strangler.flagstore")


class SqliteFlagStore:
    """Flips in a SQLite file; `SqliteFlagStore("/var/lib/strangler/flags.db")`."""

    def __init__(self, path: str, *, poll_interval_s: float = 0.3) -> None:
        self.path = path
        self.poll_interval_s = poll_interval_s
        self._schema_ready = False

    async def load(self) -> FlagState:
        """The current overrides and kill switch."""
        return await asyncio.to_thread(self._load)

    async def commit(self, state: FlagState, flip: Flip) -> None:
        """Write the entry `flip` changes (taken from `state`) and its audit row atomically."""
        await asyncio.to_thread(self._commit, state, flip)

    async def audit(self, limit: int = 100) -> list[Flip]:
        """The most recent audit records, newest first."""
        return await asyncio.to_thread(self._audit, limit)

    async def ping(self) -> bool:
        """Whether the file can be opened and read."""
        try:
            await asyncio.to_thread(self._ping)
        except sqlite3.Error:
            return False
        return True

    async def close(self) -> None:
        """Nothing stays open between calls; `watch()` closes its own connection."""

    async def watch(self, on_change: OnChange) -> None:
        """Call `on_change` with the current state, then after every commit to the file."""
        while True:
            try:
                await self._follow(on_change)
            except sqlite3.Error as exc:
                log.warning(
                    "flag_store_unreachable", store="sqlite", path=self.path, error=str(exc)
                )
                await asyncio.sleep(self.poll_interval_s)

    async def _follow(self, on_change: OnChange) -> None:
        # The watch's connection lives on a thread of its own and every call on it is queued
        # there, so closing it (queued last, even when cancelled mid-poll) never races a poll.
        worker = ThreadPoolExecutor(1, thread_name_prefix="strangler-flag-watch")
        conn = _WatchConnection(self._open)
        loop = asyncio.get_running_loop()
        try:
            seen = await loop.run_in_executor(worker, conn.data_version)
            await _deliver(on_change, await self.load())
            while True:
                await asyncio.sleep(self.poll_interval_s)
                version = await loop.run_in_executor(worker, conn.data_version)
                if version != seen:
                    seen = version
                    await _deliver(on_change, await self.load())
        finally:
            worker.submit(conn.close)
            worker.shutdown(wait=False)

    # -- blocking halves, run in worker threads ------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,  # autocommit; transactions are explicit BEGIN ... COMMIT
        )
        if not self._schema_ready:
            try:
                enable_wal(conn, BUSY_TIMEOUT_S)
                conn.executescript(SCHEMA)
            except sqlite3.Error:
                conn.close()
                raise
            self._schema_ready = True
        return conn

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = self._open()
        try:
            yield conn
        finally:
            conn.close()

    def _load(self) -> FlagState:
        with self._connection() as conn:
            conn.execute("BEGIN")  # one snapshot for both tables
            try:
                rows = conn.execute(
                    "SELECT route_id, mode, percent, actor, reason, at FROM overrides"
                ).fetchall()
                kill = conn.execute("SELECT actor, reason, at FROM kill_switch").fetchone()
            finally:
                conn.execute("COMMIT")
        overrides = {
            str(r[0]): Override(Mode(r[1]), None if r[2] is None else float(r[2]), r[3], r[4], r[5])
            for r in rows
        }
        kill_switch = (
            None if kill is None else Override(Mode.LEGACY, None, kill[0], kill[1], float(kill[2]))
        )
        return FlagState(overrides, kill_switch)

    def _commit(self, state: FlagState, flip: Flip) -> None:
        with self._connection() as conn:
            # Take the write lock up front: a busy file waits here (busy timeout), never halfway.
            conn.execute("BEGIN IMMEDIATE")
            try:
                _write_entry(conn, state, flip.route_id)
                conn.execute(
                    INSERT_AUDIT,
                    (flip.route_id, flip.from_mode, flip.to_mode, flip.actor, flip.reason, flip.at),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _audit(self, limit: int) -> list[Flip]:
        with self._connection() as conn:
            rows = conn.execute(SELECT_AUDIT, (limit,)).fetchall()
        return [Flip(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]

    def _ping(self) -> None:
        with self._connection() as conn:
            conn.execute("SELECT count(*) FROM kill_switch").fetchone()


def _write_entry(conn: sqlite3.Connection, state: FlagState, route_id: str) -> None:
    """Make the stored entry for `route_id` (or the kill switch) match `state`."""
    if route_id == KILL_SWITCH:
        kill = state.kill_switch
        if kill is None:
            conn.execute("DELETE FROM kill_switch")
        else:
            conn.execute(UPSERT_KILL, (kill.actor, kill.reason, kill.at))
        return
    override = state.overrides.get(route_id)
    if override is None:
        conn.execute("DELETE FROM overrides WHERE route_id = ?", (route_id,))
    else:
        conn.execute(
            UPSERT_OVERRIDE,
            (
                route_id,
                override.mode.value,
                override.percent,
                override.actor,
                override.reason,
                override.at,
            ),
        )


class _WatchConnection:
    """The watch's one long-lived connection (`data_version` is relative to a connection);
    opened, polled and closed on the watch's own worker thread only."""

    def __init__(self, open_: Callable[[], sqlite3.Connection]) -> None:
        self._open = open_
        self._conn: sqlite3.Connection | None = None

    def data_version(self) -> int:
        if self._conn is None:
            self._conn = self._open()
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


async def _deliver(on_change: OnChange, state: FlagState) -> None:
    """Hand a state to the watcher's callback; its failure is logged, the watch goes on."""
    try:
        result = on_change(state)
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("flag_change_failed", store="sqlite")
