"""Switch a SQLite file to WAL, waiting out a peer that is doing the same.

Turning a file to WAL takes an exclusive lock, and SQLite does not run the busy handler for it:
two processes (or two stores in one) opening a new file at once can see "database is locked"
at once, whatever the connection's timeout. `enable_wal()` retries for that long instead.
Blocking: call it from the worker thread that owns the connection.
"""

from __future__ import annotations

import sqlite3
import time

RETRY_S = 0.01


def enable_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(RETRY_S)
