"""`strangler serve` as a real process, for tests that need the whole proxy: `serve()`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.stack import paths
from scripts.stack.servers import free_port, spawn, terminate, wait_until


@dataclass
class ServedProxy:
    proc: subprocess.Popen[bytes]
    port: int
    admin_port: int
    token: str
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def admin(
        self, path: str, method: str = "GET", body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.admin_port}{path}", data=data, method=method
        )
        request.add_header("Authorization", f"Bearer {self.token if token is None else token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def stop(self) -> None:
        terminate(self.proc)

    def mode(self, route_id: str) -> str:
        _, body = self.admin("/routes")
        return next(r["effective_mode"] for r in body["routes"] if r["id"] == route_id)


def serve(
    tmp: Path,
    routes: Path,
    flags_url: str,
    token: str,
    name: str,
    env: Mapping[str, str] | None = None,
) -> ServedProxy:
    """`strangler serve` on free ports, its stores under `tmp`, ready when /readyz answers."""
    port, admin_port = free_port(), free_port()
    env = {
        **os.environ,
        "STRANGLER_ROUTES": str(routes),
        "STRANGLER_PORT": str(port),
        "STRANGLER_ADMIN_PORT": str(admin_port),
        "STRANGLER_ADMIN_TOKEN": token,
        "STRANGLER_FLAGS": flags_url,
        "STRANGLER_DIVERGENCES": f"sqlite:///{tmp / f'{name}-divergences.db'}",
        "STRANGLER_WATCH_INTERVAL": "0.2",
        "STRANGLER_DRAIN_TIMEOUT": "10",
        **(env or {}),
    }
    log = tmp / f"{name}.log"
    proc = spawn([sys.executable, "-m", "strangler", "serve"], log, env=env, cwd=paths.REPO_ROOT)

    def ready() -> bool:
        url = f"http://127.0.0.1:{admin_port}/readyz"
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)

    wait_until(ready, what=f"strangler serve ({name})", alive=lambda: proc.poll() is None)
    return ServedProxy(proc, port, admin_port, token, log)
