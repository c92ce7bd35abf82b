"""The stack's child processes: a `Service` is a command, its environment and a health URL.

`Service.start()` spawns it with its log in the scratch folder and waits until the health URL
answers 200 (or the process dies, which fails with its log tail); `stop()` terminates it.
`http_json()` is the stack's one HTTP helper (plain urllib: the stack needs no client library),
and `secret()` keeps a random secret in a 0600 file so it is reused by later runs and never
lands in stack.json or a log.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.stack.servers import MySQLAddress, free_port, spawn, terminate, wait_until


def secret(path: Path, length: int = 48) -> str:
    """A random secret kept in a 0600 file (created once, reused by later runs)."""
    if not path.is_file():
        path.write_text(secrets.token_urlsafe(length))
        path.chmod(0o600)
    return path.read_text().strip()


def http_json(
    url: str, *, method: str = "GET", token: str | None = None, body: Any = None, timeout: float = 5
) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@dataclass
class Service:
    """A child process of the stack, ready when `health_url` answers 200."""

    name: str
    argv: list[str]
    env: Mapping[str, str]
    port: int
    health_url: str
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, log_dir: Path) -> Service:
        self.proc = spawn(self.argv, log_dir / f"{self.name}.log", env={**os.environ, **self.env})
        proc = self.proc

        def ready() -> bool:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return bool(response.status == 200)

        wait_until(ready, what=f"{self.name} service", alive=lambda: proc.poll() is None)
        return self

    def stop(self) -> None:
        terminate(self.proc)
        self.proc = None


def legacy_service(name: str, address: MySQLAddress, database: str, token_key: str) -> Service:
    """The legacy Magento-compatible service on `database`, on a free port."""
    port = free_port()
    env = {
        "MAGENTO_DB_HOST": address.host,
        "MAGENTO_DB_PORT": str(address.port),
        "MAGENTO_DB_USER": address.user,
        "MAGENTO_DB_PASSWORD": address.password,
        "MAGENTO_DB_NAME": database,
        "LEGACY_HOST": "127.0.0.1",
        "LEGACY_PORT": str(port),
        "STRANGLER_TOKEN_KEY": token_key,
    }
    argv = [sys.executable, "-m", "legacy_adapters.magento_app"]
    return Service(name, argv, env, port, f"http://127.0.0.1:{port}/healthz")


def catalog_service(
    address: MySQLAddress, database: str, token_key: str, redis_url: str | None = None
) -> Service:
    """The new catalog service on the new catalog `database`, its cache in `redis_url`."""
    port = free_port()
    env = {
        "CATALOG_DB_HOST": address.host,
        "CATALOG_DB_PORT": str(address.port),
        "CATALOG_DB_USER": address.user,
        "CATALOG_DB_PASSWORD": address.password,
        "CATALOG_DB_NAME": database,
        "CATALOG_HOST": "127.0.0.1",
        "CATALOG_PORT": str(port),
        "STRANGLER_TOKEN_KEY": token_key,
        **({"CATALOG_REDIS_URL": redis_url} if redis_url else {}),
    }
    argv = [sys.executable, "-m", "new_services.catalog"]
    return Service("catalog", argv, env, port, f"http://127.0.0.1:{port}/healthz")
