"""The private-server launcher: real processes on free ports, answered, stopped, never leaked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pymysql
import pytest
import redis

from scripts.stack import packages
from scripts.stack.servers import MariaDB, Redis, ServerStartError, free_port, wait_until


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie child still "exists": look at its state
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_mariadb_starts_answers_and_stops(tmp_path: Path) -> None:
    server = MariaDB(tmp_path / "db").start()
    pid = server.pid
    assert pid is not None
    with server.address.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT @@port, @@bind_address, @@collation_server")
        port, bind, collation = cursor.fetchone()
    assert (port, bind, collation) == (server.port, "127.0.0.1", "utf8mb4_general_ci")
    assert (tmp_path / "db" / "data" / "mysql").is_dir()  # data lives in the scratch folder
    server.stop()
    wait_until(lambda: not _alive(pid), what="mariadbd exit", deadline_s=30)
    with pytest.raises(pymysql.err.OperationalError):
        server.address.connect(connect_timeout=2)


def test_mariadb_restarts_on_the_same_data(tmp_path: Path) -> None:
    with MariaDB(tmp_path / "db") as server, server.address.connect() as conn:
        conn.cursor().execute("CREATE DATABASE kept")
    with MariaDB(tmp_path / "db") as server, server.address.connect() as conn:
        cursor = conn.cursor()
        cursor.execute("SHOW DATABASES LIKE 'kept'")
        assert cursor.fetchall() == (("kept",),)


def test_redis_starts_answers_and_stops(tmp_path: Path) -> None:
    server = Redis(tmp_path / "r").start()
    pid = server.pid
    assert pid is not None
    with server.client() as client:
        client.set("k", "v")
        assert client.get("k") == b"v"
        assert client.config_get("port")["port"] == str(server.port)
    server.stop()
    wait_until(lambda: not _alive(pid), what="redis exit", deadline_s=30)
    with pytest.raises(redis.ConnectionError), server.client() as client:
        client.ping()


def test_a_port_in_use_fails_instead_of_talking_to_the_other_server(tmp_path: Path) -> None:
    with Redis(tmp_path / "a") as first, pytest.raises(ServerStartError, match="redis-server"):
        Redis(tmp_path / "b", port=first.port).start()


def test_mariadb_port_in_use_is_not_mistaken_for_ours(tmp_path: Path) -> None:
    with MariaDB(tmp_path / "a") as first, pytest.raises(ServerStartError, match="mariadbd"):
        MariaDB(tmp_path / "b", port=first.port).start()


def test_servers_die_with_their_parent(tmp_path: Path) -> None:
    """A killed demo or test run must not leave servers behind (PR_SET_PDEATHSIG)."""
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from scripts.stack.servers import Redis
        server = Redis(Path({str(tmp_path)!r})).start()
        print(server.pid, flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait(30)
    parent.stdout.close()
    wait_until(lambda: not _alive(child), what="orphaned redis exit", deadline_s=30)


def test_free_port_is_bindable() -> None:
    import socket

    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_missing_binary_names_the_debian_package() -> None:
    ghost = packages.Binary(("no-such-server-binary",), "no-such-debian-package")
    with pytest.raises(packages.ServerUnavailable, match="no-such-debian-package"):
        packages.require(ghost, install=lambda package: False)


def test_binaries_are_found_in_sbin() -> None:
    # mariadbd lives in /usr/sbin, usually not on a normal user's PATH
    assert packages.find(packages.MARIADBD) is not None
    assert packages.require(packages.REDIS_SERVER, install=lambda package: False)
