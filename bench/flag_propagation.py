"""Flip propagation bench: how long until a flip made on one proxy is in force on another.

How this works: two `strangler serve` processes, A and B, in front of the bench's nginx backend,
share their flags through a private redis-server (STRANGLER_FLAGS=redis://...) or, with
`--store sqlite`, one SQLite file. Each round flips route `catalog-product` through A's admin
API (alternately to shadow and back to legacy), then polls B's admin `GET /routes` until B
reports the new effective mode. The time from sending the flip to B showing it is the
propagation time; the goal is about a second.

    .venv/bin/python -m bench.flag_propagation [--flips N] [--store redis|sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import fixtures, nginxconf, servers
from scripts.stack.servers import Redis, ServerStartError, free_port

FLIPS = 20
DEADLINE_S = 10.0  # a flip not seen by then counts as lost
POLL_S = 0.002
GOAL_S = 1.0


@dataclass(frozen=True, slots=True)
class FlipTiming:
    to_mode: str
    api_ms: float  # A's admin API answered
    seen_ms: float | None  # B showed the new mode; None: not within DEADLINE_S


def flip_call(route_id: str, mode: str) -> tuple[str, str, bytes]:
    """(method, admin path, JSON body) of a flip on the admin API."""
    body = {"route": route_id, "mode": mode, "reason": "bench: flag propagation"}
    return "POST", "/flips", json.dumps(body).encode()


def route_mode(document: Any, route_id: str) -> str | None:
    """The effective mode of `route_id` in an admin `GET /routes` answer
    (`{"routes": [{"id": ..., "effective_mode": ...}, ...], ...}`)."""
    for entry in document.get("routes", []) if isinstance(document, dict) else []:
        if isinstance(entry, dict) and entry.get("id") == route_id:
            mode = entry.get("effective_mode")
            return mode if isinstance(mode, str) else None
    return None


def nearest_rank(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "min": min(values),
        "median": nearest_rank(values, 0.5),
        "p95": nearest_rank(values, 0.95),
        "max": max(values),
    }


def _figures(values: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.1f}" for k, v in values.items())


def mode_on(launch: servers.StranglerLaunch, route_id: str) -> str | None:
    answer = servers.fetch(f"{launch.admin_url}/routes", token=launch.token)
    if answer.status != 200:
        return None
    return route_mode(json.loads(answer.body), route_id)


def flip_once(a: servers.StranglerLaunch, b: servers.StranglerLaunch, mode: str) -> FlipTiming:
    method, path, body = flip_call(fixtures.ROUTE_ID, mode)
    start = time.monotonic()
    answer = servers.fetch(f"{a.admin_url}{path}", method=method, body=body, token=a.token)
    api_ms = (time.monotonic() - start) * 1000
    if answer.status >= 300:
        raise RuntimeError(f"flip on A answered {answer.status}: {answer.body[:300]!r}")
    while time.monotonic() - start < DEADLINE_S:
        if mode_on(b, fixtures.ROUTE_ID) == mode:
            return FlipTiming(mode, api_ms, (time.monotonic() - start) * 1000)
        time.sleep(POLL_S)
    return FlipTiming(mode, api_ms, None)


@contextlib.contextmanager
def fleet(
    scratch: Path, store: str
) -> Iterator[tuple[servers.StranglerLaunch, servers.StranglerLaunch]]:
    """Backend nginx, the flag store, and proxies A and B sharing it; all stopped on exit.

    `store` is "redis" (a private redis-server) or "sqlite" (one file both proxies watch).
    """
    cores = sorted(os.sched_getaffinity(0))
    ports = nginxconf.Ports(free_port(), free_port(), free_port(), free_port())
    www = scratch / "www"
    product = nginxconf.www_file(www)
    product.parent.mkdir(parents=True, exist_ok=True)
    product.write_bytes(fixtures.product_body())
    backend_dir = scratch / "backend"
    backend = servers.nginx(
        "backend nginx",
        backend_dir,
        nginxconf.backend_conf(backend_dir, www, ports, user=servers.worker_user()),
        cores[-1],
    )
    legacy, catalog = (f"http://127.0.0.1:{p}" for p in (ports.legacy, ports.catalog))
    routes = fixtures.routes_yaml(legacy, catalog, "legacy")
    with contextlib.ExitStack() as stack:
        backend.start(f"{legacy}{fixtures.PRODUCT_PATH}")
        stack.callback(backend.stop)
        if store == "redis":
            flags_url = stack.enter_context(Redis(scratch / "redis")).url
        else:
            flags_url = f"sqlite:///{scratch.resolve() / 'flags.db'}"
        launches = []
        for name, cpu in (("a", cores[0]), ("b", cores[-1])):
            launch = servers.StranglerLaunch.on_free_ports(scratch / f"strangler-{name}", flags_url)
            stack.callback(launch.start(routes, cpu).stop)
            launches.append(launch)
        yield launches[0], launches[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.flag_propagation",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--flips", type=int, default=FLIPS, help=f"rounds ({FLIPS})")
    parser.add_argument(
        "--store", choices=("redis", "sqlite"), default="redis", help="flag store (redis)"
    )
    parser.add_argument("--scratch", type=Path, help="folder for configs, logs and the JSON")
    args = parser.parse_args(argv)
    reason = servers.serve_unavailable()
    if reason:
        print(f"flag propagation: not available: {reason}")
        return 0
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="strangler-flags-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    print(
        f"flag propagation ({args.store} flags): {args.flips} flips through A, watched on B; "
        f"scratch {scratch}"
    )
    try:
        with fleet(scratch, args.store) as (a, b):
            timings = [
                flip_once(a, b, "shadow" if i % 2 == 0 else "legacy") for i in range(args.flips)
            ]
    except (ServerStartError, RuntimeError) as exc:
        print(f"flag propagation: not available: {exc}")
        return 0
    return report(timings, scratch / "flag-propagation.json")


def report(timings: Sequence[FlipTiming], out: Path) -> int:
    seen = [t.seen_ms for t in timings if t.seen_ms is not None]
    lost = len(timings) - len(seen)
    api = summary([t.api_ms for t in timings])
    print(f"  flip API on A (ms):  {_figures(api)}")
    document: dict[str, Any] = {"flips": len(timings), "lost": lost, "api_ms": api}
    if seen:
        shown = summary(seen)
        verdict = "PASS" if not lost and shown["max"] <= GOAL_S * 1000 else "MISS"
        print(f"  seen on B (ms):      {_figures(shown)}")
        print(f"  goal: every flip on B within {GOAL_S:g}s, none lost: {verdict}")
        document.update(seen_ms=shown, goal=verdict)
    if lost:
        print(f"  {lost} of {len(timings)} flips not seen on B within {DEADLINE_S:g}s")
    document["timings"] = [asdict(t) for t in timings]
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written: {out}")
    return 0 if not lost else 1


if __name__ == "__main__":
    sys.exit(main())
