"""The processes of a bench run: nginx masters and `strangler serve`, each pinned to a core.

How this works: every process is started through `scripts.stack.servers.spawn` (own session,
dies with us, output to a log under the scratch folder) behind `taskset -c CPU`, so its workers
inherit the core. `start()` polls a real HTTP answer with a deadline; `stop()` is
`servers.terminate`. RSS and CPU time are read from /proc for the whole process tree.
"""

from __future__ import annotations

import http.client
import os
import pwd
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scripts.stack import packages, servers
from scripts.stack.servers import ServerStartError, free_port

NGINX = packages.Binary(("nginx",), "nginx")
TASKSET = packages.Binary(("taskset",), "util-linux")
READY_DEADLINE_S = 30.0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


def fetch(
    url: str, method: str = "GET", body: bytes | None = None, token: str | None = None
) -> Answer:
    """One HTTP request on a fresh connection (readiness checks, sanity checks, admin calls)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=5)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path or "/", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        conn.close()


def pinned(argv: list[str], cpu: int) -> list[str]:
    return [packages.require(TASKSET), "-c", str(cpu), *argv]


def tree_pids(pid: int) -> list[int]:
    """`pid` and all its descendants (nginx workers, anything strangler forks)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(p) for p in task.read_text().split())
            except OSError:
                continue
    return out


def rss_kib(pid: int) -> int:
    """Resident memory of the process tree at `pid`, in KiB (0 for processes gone)."""
    total = 0
    for p in tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by the process tree at `pid`."""
    ticks = 0
    for p in tree_pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def core_times(cpu: int) -> tuple[float, float]:
    """(busy, total) jiffies of one core since boot, from /proc/stat."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{cpu} "):
            values = [float(v) for v in line.split()[1:]]
            idle = values[3] + values[4]  # idle + iowait
            return sum(values[:8]) - idle, sum(values[:8])
    raise ValueError(f"no cpu{cpu} in /proc/stat")


def busy_shares(cpus: tuple[int, ...], seconds: float = 1.0) -> tuple[float, ...]:
    """How busy each core was over the next `seconds` (before a run: is the machine idle?)."""
    before = [core_times(c) for c in cpus]
    time.sleep(seconds)
    after = [core_times(c) for c in cpus]
    return tuple(
        (a[0] - b[0]) / (a[1] - b[1]) if a[1] > b[1] else 0.0
        for a, b in zip(after, before, strict=True)
    )


class Process:
    """A pinned child process that is ready once `ready_url` answers `ready_status`."""

    def __init__(self, name: str, argv: list[str], log: Path, cpu: int, **spawn_kw: object):
        self.name, self.argv, self.log, self.cpu = name, argv, log, cpu
        self.spawn_kw = spawn_kw
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None, f"{self.name} is not running"
        return self.proc.pid

    def exit_status(self) -> int | None:
        """None while running; the exit status once it has ended (negative: killed by a
        signal)."""
        return None if self.proc is None else self.proc.poll()

    def start(self, ready_url: str, token: str | None = None) -> None:
        self.proc = servers.spawn(pinned(self.argv, self.cpu), self.log, **self.spawn_kw)
        proc = self.proc
        try:
            servers.wait_until(
                lambda: fetch(ready_url, token=token).status == 200,
                what=f"{self.name} ({ready_url})",
                deadline_s=READY_DEADLINE_S,
                alive=lambda: proc.poll() is None,
            )
        except ServerStartError as exc:
            self.stop()
            raise ServerStartError(f"{exc}; log tail:\n{log_tail(self.log)}") from None

    def stop(self) -> None:
        servers.terminate(self.proc, deadline_s=15)
        self.proc = None


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def worker_user() -> str | None:
    """Who nginx workers should run as: ourselves when we are root (see nginxconf)."""
    return pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() == 0 else None


def nginx(name: str, folder: Path, conf: str, cpu: int) -> Process:
    """An nginx master (and its workers) with config, pid, logs and temp files under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nginx.conf").write_text(conf)
    argv = [
        packages.require(NGINX),
        "-p", str(folder),
        "-e", str(folder / "error.log"),
        "-c", str(folder / "nginx.conf"),
    ]  # fmt: skip
    return Process(name, argv, folder / "stdout.log", cpu)


@dataclass(frozen=True, slots=True)
class StranglerLaunch:
    """Everything one `strangler serve` process is started with; files live in `folder`."""

    folder: Path
    port: int
    admin_port: int
    token: str  # the admin bearer token
    flags_url: str  # sqlite:///... (one proxy) or redis://... (a fleet)

    @classmethod
    def on_free_ports(cls, folder: Path, flags_url: str | None = None) -> StranglerLaunch:
        flags = flags_url or f"sqlite:///{folder.resolve() / 'flags.db'}"
        return cls(folder, free_port(), free_port(), secrets.token_hex(16), flags)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}"

    def env(self) -> dict[str, str]:
        """STRANGLER_* for this process; everything else keeps the production defaults."""
        return {
            "STRANGLER_ROUTES": str(self.folder.resolve() / "routes.yaml"),
            "STRANGLER_PORT": str(self.port),
            "STRANGLER_ADMIN_PORT": str(self.admin_port),
            "STRANGLER_ADMIN_TOKEN": self.token,
            "STRANGLER_FLAGS": self.flags_url,
            "STRANGLER_DIVERGENCES": f"sqlite:///{self.folder.resolve() / 'divergences.db'}",
        }

    def start(self, routes: str, cpu: int) -> Process:
        """Write routes.yaml, start `python -m strangler serve` pinned to `cpu`, wait for
        the admin API's /readyz."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "routes.yaml").write_text(routes)
        argv = [sys.executable, "-m", "strangler", "serve"]
        env = {**os.environ, **self.env()}
        log = self.folder / "strangler.log"
        proc = Process("strangler serve", argv, log, cpu, env=env, cwd=str(self.folder))
        proc.start(f"{self.admin_url}/readyz", token=self.token)
        return proc


def serve_unavailable() -> str | None:
    """Why `strangler serve` cannot run here, or None when the command exists."""
    done = subprocess.run(
        [sys.executable, "-m", "strangler", "--help"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return f"`python -m strangler --help` failed: {done.stderr.strip()[-300:]}"
    if "serve" not in done.stdout:
        return "`python -m strangler` has no `serve` subcommand yet"
    return None
