"""WAL is switched on even while another connection holds the file for a moment."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from strangler.sqlite_wal import enable_wal


def _holder(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
    conn.execute("BEGIN EXCLUSIVE")
    return conn


def test_waits_for_a_peer_that_holds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    holder = _holder(path)
    release = threading.Timer(0.2, lambda: holder.execute("COMMIT"))
    release.start()
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    enable_wal(conn, timeout_s=30)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    release.join()


def test_gives_up_after_its_timeout(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    holder = _holder(path)
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        enable_wal(conn, timeout_s=0.05)
    holder.execute("COMMIT")
