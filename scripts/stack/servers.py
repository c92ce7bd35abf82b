"""Private MariaDB and Redis processes on free loopback ports, data under a scratch folder.

How this works: `MariaDB(scratch).start()` initialises a data directory with
`mariadb-install-db` (once; a later start on the same folder reuses it), launches `mariadbd` bound
to 127.0.0.1 on a free port, and polls until a real connection succeeds. `Redis` does the same
with `redis-server`. Both die with their parent (PR_SET_PDEATHSIG), so a killed test run or demo
never leaves servers behind, and `stop()` shuts them down cleanly (SIGTERM, then SIGKILL after a
deadline). Nothing here ever talks to a server it did not start.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymysql
import redis

from legacy_adapters import readers
from scripts.stack import packages

START_DEADLINE_S = 60.0
STOP_DEADLINE_S = 30.0


class ServerStartError(RuntimeError):
    """A server process exited or did not answer before its deadline."""


def free_port() -> int:
    """A loopback TCP port that was free a moment ago (bind 0, read it back, close)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until(
    check: Callable[[], bool],
    *,
    what: str,
    deadline_s: float = START_DEADLINE_S,
    alive: Callable[[], bool] = lambda: True,
    interval_s: float = 0.05,
) -> None:
    """Poll `check` until it returns true; raise naming `what` at the deadline or if not `alive`."""
    give_up = time.monotonic() + deadline_s
    while True:
        with contextlib.suppress(Exception):
            if check():
                return
        if not alive():
            raise ServerStartError(f"{what} exited before it answered")
        if time.monotonic() > give_up:
            raise ServerStartError(f"{what} did not answer within {deadline_s:.0f}s")
        time.sleep(interval_s)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(argv: list[str], log: Path, **kwargs: Any) -> subprocess.Popen[bytes]:
    """Start a child that logs to `log`, sits in its own session and dies with us."""
    out = log.open("ab")
    try:
        return subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, and we stop children in order
            preexec_fn=_die_with_parent,
            **kwargs,
        )
    finally:
        out.close()


def terminate(proc: subprocess.Popen[bytes] | None, deadline_s: float = STOP_DEADLINE_S) -> None:
    """SIGTERM, wait, then SIGKILL: the one way every stack process is stopped."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(deadline_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(deadline_s)


def _log_tail(path: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


@dataclass(frozen=True, slots=True)
class MySQLAddress:
    """Where a MariaDB server listens; `connect()` opens a pymysql connection to it."""

    host: str
    port: int
    user: str = "root"
    password: str = ""

    def connect(self, database: str | None = None, **kwargs: Any) -> pymysql.Connection[Any]:
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=database,
            charset="utf8mb4",
            autocommit=True,
            **kwargs,
        )

    def reader(self, database: str) -> pymysql.Connection[Any]:
        """A connection to `database` as the readers and the ETL expect it (dict rows, UTC)."""
        return readers.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            database=database,
        )

    def create_database(self, name: str, *, fresh: bool = False) -> None:
        """`name` with Magento's charset and collation; `fresh` drops what was there first."""
        with self.connect() as conn, conn.cursor() as cursor:
            if fresh:
                cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(
                f"CREATE DATABASE IF NOT EXISTS `{name}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
            )

    def drop_database(self, name: str) -> None:
        with self.connect() as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


class MariaDB:
    """A private `mariadbd` with its data directory under `scratch`."""

    def __init__(self, scratch: Path, port: int | None = None) -> None:
        self.scratch = Path(scratch)
        self.datadir = self.scratch / "data"
        self.port = port or free_port()
        self.address = MySQLAddress("127.0.0.1", self.port)
        self.log = self.scratch / "mariadb.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def _install(self) -> None:
        if (self.datadir / "mysql").is_dir():
            return
        self.datadir.mkdir(parents=True, exist_ok=True)
        install_db = packages.require(packages.MARIADB_INSTALL_DB)
        result = subprocess.run(
            [
                install_db,
                "--no-defaults",
                f"--datadir={self.datadir}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            tail = result.stdout.decode(errors="replace")[-2000:]
            raise ServerStartError(f"mariadb-install-db failed in {self.datadir}:\n{tail}")

    def start(self) -> MariaDB:
        self.scratch.mkdir(parents=True, exist_ok=True)
        mariadbd = packages.require(packages.MARIADBD)
        self._install()
        argv = [
            mariadbd,
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--socket={self.scratch / 'mariadb.sock'}",
            f"--pid-file={self.scratch / 'mariadb.pid'}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            "--user=root",
            "--skip-log-bin",
            "--skip-name-resolve",
            # Magento's collation: SKU lookups are case-insensitive, like a real install.
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_general_ci",
            "--max-connections=1000",
            "--innodb-buffer-pool-size=256M",
            # A scratch server: survive a process crash, not a power cut.
            "--innodb-flush-log-at-trx-commit=2",
            "--skip-innodb-doublewrite",
        ]
        self._proc = spawn(argv, self.log)
        proc = self._proc

        def ping() -> bool:  # answered by *our* server, not one already on that port
            with self.address.connect() as conn, conn.cursor() as cursor:
                cursor.execute("SELECT @@datadir")
                row = cursor.fetchone()
            return row is not None and Path(str(row[0])).resolve() == self.datadir.resolve()

        try:
            wait_until(
                ping, what=f"mariadbd on port {self.port}", alive=lambda: proc.poll() is None
            )
        except ServerStartError as exc:
            terminate(proc)
            raise ServerStartError(f"{exc}; log tail:\n{_log_tail(self.log)}") from None
        return self

    def stop(self) -> None:
        terminate(self._proc)
        self._proc = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def __enter__(self) -> MariaDB:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Redis:
    """A private `redis-server`; `appendonly` turns on AOF durability (carts want it)."""

    def __init__(self, scratch: Path, port: int | None = None, *, appendonly: bool = False) -> None:
        self.scratch = Path(scratch)
        self.port = port or free_port()
        self.appendonly = appendonly
        self.log = self.scratch / "redis.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port)

    def start(self) -> Redis:
        self.scratch.mkdir(parents=True, exist_ok=True)
        argv = [
            packages.require(packages.REDIS_SERVER),
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.scratch),
            "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--daemonize", "no",
        ]  # fmt: skip
        self._proc = spawn(argv, self.log)
        proc = self._proc

        def ping() -> bool:  # answered by *our* process, not one already on that port
            with self.client() as c:
                return int(c.info("server")["process_id"]) == proc.pid

        try:
            wait_until(
                ping, what=f"redis-server on port {self.port}", alive=lambda: proc.poll() is None
            )
        except ServerStartError as exc:
            terminate(proc)
            raise ServerStartError(f"{exc}; log tail:\n{_log_tail(self.log)}") from None
        return self

    def stop(self) -> None:
        terminate(self._proc)
        self._proc = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def __enter__(self) -> Redis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def running(*servers: MariaDB | Redis) -> Iterator[None]:
    """Start servers in order, stop them in reverse, whatever happens in between."""
    with contextlib.ExitStack() as stack:
        for server in servers:
            stack.enter_context(server)
        yield
