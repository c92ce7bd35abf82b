"""The local stack: private MariaDB, the catalog loaded, the legacy service, `.run/stack.json`.

How this works: `Stack(scratch).start()` brings the parts up in order (each waits until it
answers), and `stop()` takes them down in reverse; `make demo`, the test suite's smoke test and
the benches all use it, so the README's first command cannot drift from what is tested. The
description of the running stack — URLs, ports, credentials, pids — is written as JSON to
`stack.json` for scripts and operators; the token signing key goes to a 0600 file beside it,
never into the JSON or the logs.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import urlopen

from scripts.stack import catalog as catalogs
from scripts.stack.servers import MariaDB, free_port, spawn, terminate, wait_until

DATABASE = "magento"
Say = Callable[[str], None]


def _print(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Stack:
    scratch: Path
    sample_data: Path
    legacy_port: int = 0
    say: Say = _print
    mariadb: MariaDB | None = None
    legacy: subprocess.Popen[bytes] | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def stack_file(self) -> Path:
        return self.scratch / "stack.json"

    @property
    def key_file(self) -> Path:
        return self.scratch / "token.key"

    def _token_key(self) -> str:
        if not self.key_file.is_file():
            self.key_file.write_text(secrets.token_urlsafe(48))
            self.key_file.chmod(0o600)
        return self.key_file.read_text().strip()

    def start(self) -> Stack:
        started = time.monotonic()
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.say(f"stack: starting MariaDB under {self.scratch / 'mariadb'}")
        self.mariadb = MariaDB(self.scratch / "mariadb").start()
        choice = catalogs.choose(self.sample_data, self.scratch)
        self.say(f"stack: catalog: {choice.note}")
        report = catalogs.load_into(
            self.mariadb.address, DATABASE, choice.catalog, progress=self._progress
        )
        self.say(
            f"stack: loaded {report.products_in_files} products "
            f"({report.products_inserted} new, {report.products_existing} already there), "
            f"{report.warning_count} warnings, in {report.elapsed_s:.1f}s"
        )
        self._start_legacy()
        self.info = self._describe(
            choice.note, report.products_in_files, time.monotonic() - started
        )
        self.stack_file.write_text(json.dumps(self.info, indent=2) + "\n")
        return self

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.say(f"stack: loading {stage}: {done}/{total}")

    def _start_legacy(self) -> None:
        assert self.mariadb is not None
        port = self.legacy_port or free_port()
        env = {
            **os.environ,
            "MAGENTO_DB_HOST": self.mariadb.address.host,
            "MAGENTO_DB_PORT": str(self.mariadb.address.port),
            "MAGENTO_DB_USER": self.mariadb.address.user,
            "MAGENTO_DB_PASSWORD": self.mariadb.address.password,
            "MAGENTO_DB_NAME": DATABASE,
            "STRANGLER_TOKEN_KEY": self._token_key(),
            "LEGACY_HOST": "127.0.0.1",
            "LEGACY_PORT": str(port),
        }
        self.say(f"stack: starting the legacy service on 127.0.0.1:{port}")
        self.legacy = spawn(
            [sys.executable, "-m", "legacy_adapters.magento_app"],
            self.scratch / "legacy.log",
            env=env,
        )
        proc = self.legacy

        def healthy() -> bool:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return bool(response.status == 200)

        wait_until(healthy, what="legacy service", alive=lambda: proc.poll() is None)
        self.legacy_port = port

    def _describe(self, catalog_note: str, products: int, elapsed: float) -> dict[str, Any]:
        assert self.mariadb is not None and self.legacy is not None
        base = f"http://127.0.0.1:{self.legacy_port}"
        admin, customer = catalogs.DEMO_ADMIN, catalogs.DEMO_CUSTOMER
        return {
            "started_at": catalogs.utc_now(),
            "startup_seconds": round(elapsed, 2),
            "scratch": str(self.scratch),
            "catalog": {"note": catalog_note, "products": products},
            "mariadb": {
                "host": self.mariadb.address.host,
                "port": self.mariadb.address.port,
                "user": self.mariadb.address.user,
                "database": DATABASE,
                "pid": self.mariadb.pid,
            },
            "services": {
                "legacy": {
                    "url": base,
                    "rest": f"{base}/rest/V1",
                    "metrics": f"{base}/metrics",
                    "log": str(self.scratch / "legacy.log"),
                    "pid": self.legacy.pid,
                },
            },
            "token_key_file": str(self.key_file),
            "credentials": {
                "admin": {"username": admin.username, "password": admin.password},
                "customer": {"username": customer.email, "password": customer.password},
            },
        }

    def stop(self) -> None:
        terminate(self.legacy)
        self.legacy = None
        if self.mariadb is not None:
            self.mariadb.stop()
            self.mariadb = None
        if self.stack_file.exists():
            self.stack_file.unlink()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
