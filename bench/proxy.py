"""Proxy bench: strangler against nginx, on this machine, in one run.

How this works: a private nginx "backend" serves one ~1.5 KB Magento product JSON on two ports
(`legacy` and the new `catalog`); it shares core 1 with wrk. The proxy under test gets core 0 to
itself: a second nginx master with one worker (plain reverse proxy, and `mirror` to catalog),
or `python -m strangler serve` in `legacy` or `shadow` mode with its production defaults
(access log and metrics on). Every scenario is warmed up, then loaded by wrk at 1 connection
(latency the proxy adds when idle) and at 64 connections (throughput when saturated). The
backend counts its hits, so `shadowed` shows which fraction of requests really reached catalog.

    .venv/bin/python -m bench.proxy [--duration S] [--quick] [--soak S]

prints the table and the goals (PASS / MISS / n/a) and writes both to <scratch>/proxy-bench.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import fixtures, nginxconf, report, servers, wrk
from bench.report import BUSY, IDLE, ScenarioResult, Soak
from scripts.stack import packages
from scripts.stack.servers import ServerStartError, free_port

DURATION_S, QUICK_DURATION_S = 10.0, 2.0
WARMUP_S, QUICK_WARMUP_S = 3.0, 1.0
LOG_FLUSH_S = 1.5  # the backend's hit logs are buffered with flush=1s
BUSY_BEFORE = 0.10  # a core busier than this before the run: other work skews the figures
STRANGLER_MODES = {report.LEGACY: "legacy", report.SHADOW: "shadow"}


class BenchError(RuntimeError):
    """The bench itself cannot run here (fewer than two cores)."""


class Unavailable(Exception):
    """A scenario cannot be measured; the reason is shown in its row."""


@dataclass(frozen=True, slots=True)
class Plan:
    duration_s: float
    warmup_s: float
    scenarios: tuple[str, ...]
    soak_s: float
    soak_mode: str
    soak_interval_s: float
    scratch: Path | None = None  # None: a fresh temporary folder


def parse_args(argv: list[str] | None) -> Plan:
    parser = argparse.ArgumentParser(
        prog="python -m bench.proxy",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=float, help=f"seconds per point ({DURATION_S:g})")
    parser.add_argument("--quick", action="store_true", help="2 s points, 1 s warm-up")
    parser.add_argument("--warmup", type=float, help=f"seconds of warm-up ({WARMUP_S:g})")
    parser.add_argument(
        "--scenarios",
        default=",".join(report.SCENARIOS),
        help=f"comma-separated subset of {','.join(report.SCENARIOS)}",
    )
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of RSS soak (0: none)")
    parser.add_argument("--soak-mode", choices=("legacy", "shadow"), default="shadow")
    parser.add_argument("--soak-interval", type=float, default=5.0, help="seconds between samples")
    parser.add_argument("--scratch", type=Path, help="folder for configs, logs and the JSON")
    args = parser.parse_args(argv)
    scenarios = tuple(s.strip() for s in args.scenarios.split(",") if s.strip())
    unknown = [s for s in scenarios if s not in report.SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r} (known: {', '.join(report.SCENARIOS)})")
    duration = args.duration or (QUICK_DURATION_S if args.quick else DURATION_S)
    warmup = (
        args.warmup if args.warmup is not None else (QUICK_WARMUP_S if args.quick else WARMUP_S)
    )
    return Plan(
        duration, warmup, scenarios, args.soak, args.soak_mode, args.soak_interval, args.scratch
    )


def pick_cores() -> tuple[int, int]:
    """(core for the proxy under test, core for backend + wrk)."""
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        raise BenchError(f"the bench needs two cores, this process may use {allowed}")
    return allowed[0], allowed[1]


def count_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


class Bench:
    """The backend and the nginx proxy, up for the whole run; strangler per scenario."""

    def __init__(self, scratch: Path, proxy_cpu: int, load_cpu: int, plan: Plan) -> None:
        self.scratch, self.proxy_cpu, self.load_cpu, self.plan = scratch, proxy_cpu, load_cpu, plan
        self.ports = nginxconf.Ports(free_port(), free_port(), free_port(), free_port())
        self.body = fixtures.product_body()
        backend_dir, proxy_dir, www = scratch / "backend", scratch / "nginx-proxy", scratch / "www"
        user = servers.worker_user()
        self.hit_logs = (backend_dir / "legacy-hits.log", backend_dir / "catalog-hits.log")
        backend_conf = nginxconf.backend_conf(backend_dir, www, self.ports, user=user)
        proxy_conf = nginxconf.proxy_conf(proxy_dir, self.ports, user=user)
        self.backend = servers.nginx("backend nginx", backend_dir, backend_conf, load_cpu)
        self.proxy = servers.nginx("proxy nginx", proxy_dir, proxy_conf, proxy_cpu)
        self.www = www

    def url(self, base: str | int) -> str:
        base = base if isinstance(base, str) else f"http://127.0.0.1:{base}"
        return base + fixtures.PRODUCT_PATH

    def __enter__(self) -> Bench:
        product = nginxconf.www_file(self.www)
        product.parent.mkdir(parents=True, exist_ok=True)
        product.write_bytes(self.body)
        self.backend.start(self.url(self.ports.legacy))
        try:
            self.proxy.start(self.url(self.ports.proxy))
        except BaseException:
            self.backend.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.proxy.stop()
        self.backend.stop()

    def hits(self) -> tuple[int, int]:
        """Requests the backend has logged so far on (legacy, catalog)."""
        return count_lines(self.hit_logs[0]), count_lines(self.hit_logs[1])

    def check_answer(self, url: str) -> None:
        answer = servers.fetch(url)
        if answer.status != 200 or answer.body != self.body:
            raise Unavailable(
                f"answered {answer.status} with {len(answer.body)} bytes instead of the "
                f"product: {answer.body[:100]!r}"
            )

    @contextlib.contextmanager
    def target(self, name: str) -> Iterator[tuple[str, int | None]]:
        """The URL to load for scenario `name`, and the pid of the proxy under test."""
        if name == report.DIRECT:
            yield self.url(self.ports.legacy), None
        elif name in (report.NGINX, report.MIRROR):
            port = self.ports.proxy if name == report.NGINX else self.ports.mirror
            yield self.url(port), self.proxy.pid
            if self.proxy.exit_status() is not None:
                raise Unavailable(f"the proxy nginx ended during the run (log: {self.proxy.log})")
        else:
            with self.strangler(STRANGLER_MODES[name]) as (base, pid):
                yield self.url(base), pid

    @contextlib.contextmanager
    def strangler(self, mode: str) -> Iterator[tuple[str, int]]:
        reason = servers.serve_unavailable()
        if reason:
            raise Unavailable(reason)
        launch = servers.StranglerLaunch.on_free_ports(self.scratch / f"strangler-{mode}")
        legacy, catalog = (f"http://127.0.0.1:{p}" for p in (self.ports.legacy, self.ports.catalog))
        try:
            proc = launch.start(fixtures.routes_yaml(legacy, catalog, mode), self.proxy_cpu)
        except ServerStartError as exc:
            raise Unavailable(f"strangler serve did not start: {exc}") from None
        try:
            yield launch.url, proc.pid
            status = proc.exit_status()
            if status is not None:  # its figures are those of a dead proxy: refuse them
                raise Unavailable(f"strangler serve ended during the run with status {status}")
        except Unavailable as exc:
            raise Unavailable(f"{exc} (log: {proc.log})") from None
        finally:
            proc.stop()

    def run(self, name: str) -> ScenarioResult:
        try:
            with self.target(name) as (url, pid):
                self.check_answer(url)
                return self.measure(name, url, pid)
        except (Unavailable, wrk.WrkOutputError) as exc:  # e.g. the proxy died under load
            return ScenarioResult(name, unavailable=str(exc))

    def measure(self, name: str, url: str, pid: int | None) -> ScenarioResult:
        counts_shadow = name in (report.MIRROR, report.SHADOW)
        if counts_shadow:
            time.sleep(LOG_FLUSH_S)  # let the previous scenario's hits reach the logs
        before = self.hits()
        wrk.run(url, BUSY, self.plan.warmup_s, self.load_cpu)
        idle = wrk.run(url, IDLE, self.plan.duration_s, self.load_cpu)
        progress(name, IDLE, idle)
        cpu_before = servers.cpu_seconds(pid) if pid else 0.0
        load_before = servers.core_times(self.load_cpu)
        busy = wrk.run(url, BUSY, self.plan.duration_s, self.load_cpu)
        cpu = servers.cpu_seconds(pid) - cpu_before if pid else None
        load_after = servers.core_times(self.load_cpu)
        progress(name, BUSY, busy)
        shadowed = None
        if counts_shadow:
            time.sleep(LOG_FLUSH_S)
            after = self.hits()
            legacy, catalog = after[0] - before[0], after[1] - before[1]
            shadowed = catalog / legacy if legacy else None
        return ScenarioResult(
            name,
            {IDLE: idle, BUSY: busy},
            cpu_us_per_request=None if cpu is None else cpu / max(busy.requests, 1) * 1e6,
            core_share=None if cpu is None else cpu / busy.duration_s,
            load_share=(load_after[0] - load_before[0]) / (load_after[1] - load_before[1]),
            shadowed=shadowed,
        )

    def soak(self) -> Soak | str:
        """RSS of strangler under c=64 load for plan.soak_s seconds; a reason if it can't."""
        plan = self.plan
        try:
            with self.strangler(plan.soak_mode) as (base, pid):
                url = self.url(base)
                self.check_answer(url)
                wrk.run(url, BUSY, plan.warmup_s, self.load_cpu)
                return sample_rss(url, pid, plan, self.load_cpu)
        except (Unavailable, wrk.WrkOutputError) as exc:
            return str(exc)


def sample_rss(url: str, pid: int, plan: Plan, load_cpu: int) -> Soak:
    start = time.monotonic()
    samples = [(0.0, servers.rss_kib(pid))]
    load = wrk.spawn(url, BUSY, plan.soak_s, load_cpu)
    next_at = plan.soak_interval_s
    while load.poll() is None:
        elapsed = time.monotonic() - start
        if elapsed >= next_at:
            samples.append((elapsed, servers.rss_kib(pid)))
            next_at += plan.soak_interval_s
            print(f"  soak {elapsed:5.0f}s  RSS {samples[-1][1] / 1024:.1f} MiB", flush=True)
        if servers.rss_kib(pid) == 0:  # gone (or a zombie): stop loading a dead proxy
            load.kill()
            load.wait()
            raise Unavailable(f"strangler serve ended {elapsed:.0f}s into the soak")
        time.sleep(0.2)
    samples.append((time.monotonic() - start, servers.rss_kib(pid)))
    return Soak(plan.soak_mode, tuple(samples), wrk.result(load, timeout_s=60))


def progress(name: str, connections: int, r: wrk.WrkResult) -> None:
    errors = f", {r.errors} errors" if r.errors else ""
    print(
        f"  {name:<17} c={connections:<3} {r.requests_per_s:>9,.0f} req/s  "
        f"p50 {r.p50_ms:.3f} ms  p99 {r.p99_ms:.3f} ms{errors}",
        flush=True,
    )


def _version(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[0] if lines else ""


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "nginx": _version([packages.require(servers.NGINX), "-v"]),
        "wrk": _version([packages.require(wrk.WRK), "-v"]),
        "python": sys.version.split()[0],
    }


@dataclass(frozen=True, slots=True)
class Outcome:
    """Everything one run found, ready to print and to write as JSON."""

    scratch: Path
    cores: tuple[int, int]  # (proxy, load)
    busy_before: tuple[float, ...]  # each core's busy share in the second before the run
    results: list[ScenarioResult]
    soak: Soak | None
    soak_note: str  # why the soak did not run, when it was asked for

    @property
    def goals(self) -> list[report.Goal]:
        note = self.soak_note or "no soak (--soak S)"
        return report.goals({r.name: r for r in self.results}, self.soak, note)

    def text(self) -> str:
        parts = [report.table(self.results)]
        if self.soak is not None:
            parts.append(report.soak_lines(self.soak))
        elif self.soak_note:
            parts.append(f"soak not available: {self.soak_note}")
        parts.append(report.goal_lines(self.goals))
        if max(self.busy_before) > BUSY_BEFORE:
            shares = ", ".join(f"{b:.0%}" for b in self.busy_before)
            parts.append(f"warning: the cores were busy ({shares}) before the run: noisy figures")
        context = report.context_lines(self.results)
        return "\n\n".join([*parts, context] if context else parts)

    def document(self, plan: Plan) -> dict[str, Any]:
        soak = self.soak.to_json() if self.soak else None
        return {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "cores": {"proxy": self.cores[0], "load": self.cores[1]},
            "busy_before": list(self.busy_before),
            "plan": {**asdict(plan), "scratch": str(self.scratch)},
            "product_bytes": len(fixtures.product_body()),
            "scenarios": {r.name: r.to_json() for r in self.results},
            "soak": soak or ({"unavailable": self.soak_note} if self.soak_note else None),
            "goals": [g.to_json() for g in self.goals],
        }


def run(plan: Plan, scratch: Path, cores: tuple[int, int]) -> Outcome:
    """Start the nginx masters, measure every planned scenario (and the soak), stop them."""
    busy_before = servers.busy_shares(cores)
    if max(busy_before) > BUSY_BEFORE:
        shares = ", ".join(f"core {c} {b:.0%}" for c, b in zip(cores, busy_before, strict=True))
        print(f"warning: the machine is not idle ({shares} busy): figures will be noisy")
    print(
        f"proxy bench: {plan.duration_s:g}s per point after {plan.warmup_s:g}s warm-up; "
        f"proxy on core {cores[0]}, backend + wrk on core {cores[1]}; scratch {scratch}",
        flush=True,
    )
    soak: Soak | None = None
    soak_note = ""
    with Bench(scratch, cores[0], cores[1], plan) as bench:
        results = [bench.run(name) for name in plan.scenarios]
        if plan.soak_s > 0:
            print(f"soak: {plan.soak_s:g}s of c={BUSY} load on strangler {plan.soak_mode}")
            found = bench.soak()
            soak, soak_note = (found, "") if isinstance(found, Soak) else (None, found)
    return Outcome(scratch, cores, busy_before, results, soak, soak_note)


def main(argv: list[str] | None = None) -> int:
    plan = parse_args(argv)
    try:
        cores = pick_cores()
        for binary in (servers.NGINX, wrk.WRK, servers.TASKSET):
            packages.require(binary)
    except (BenchError, packages.ServerUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    scratch = plan.scratch or Path(tempfile.mkdtemp(prefix="strangler-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    outcome = run(plan, scratch, cores)
    print(f"\n{outcome.text()}")
    out = scratch / "proxy-bench.json"
    out.write_text(json.dumps(outcome.document(plan), indent=2) + "\n")
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
