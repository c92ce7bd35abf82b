"""wrk as the load generator: run it pinned to a core, and read its `--latency` report.

`parse()` is pure (wrk's text in, a `WrkResult` out) so it is tested on captured output; `run()`
is the thin process wrapper. Errors (non-2xx answers, socket errors) are part of the result,
because a proxy answering 502 quickly would otherwise look like a fast proxy.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass
from typing import Any

from bench.servers import pinned
from scripts.stack import packages

WRK = packages.Binary(("wrk",), "wrk")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([0-9.]+)(us|ms|s|m|h)"
_PERCENTILE = re.compile(rf"^\s*(50|75|90|99)(?:\.0+)?%\s+{_DURATION}\s*$", re.M)
_RPS = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.M)
_TOTAL = re.compile(rf"^\s*(\d+) requests in {_DURATION}", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_AVG = re.compile(rf"^\s*Latency\s+{_DURATION}", re.M)


class WrkOutputError(ValueError):
    """wrk's output lacks a figure we need (it failed, or its format changed)."""


@dataclass(frozen=True, slots=True)
class WrkResult:
    """One wrk run: throughput, latency percentiles (ms) and every kind of failure."""

    requests: int
    duration_s: float
    requests_per_s: float
    avg_ms: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int = 0
    socket_errors: int = 0  # connect + read + write + timeout

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def to_ms(value: str, unit: str) -> float:
    """A wrk duration (`37.00us`, `1.20ms`, `2.00s`) in milliseconds."""
    return float(value) * _UNIT_MS[unit]


def parse(text: str) -> WrkResult:
    """Read `wrk --latency` output; raise WrkOutputError naming what is missing."""
    percentiles = {
        int(m.group(1)): to_ms(m.group(2), m.group(3)) for m in _PERCENTILE.finditer(text)
    }
    rps, total, avg = _RPS.search(text), _TOTAL.search(text), _AVG.search(text)
    missing = [
        name
        for name, found in (
            ("Requests/sec", rps),
            ("'N requests in'", total),
            ("Latency avg", avg),
            ("latency distribution (--latency)", len(percentiles) == 4),
        )
        if not found
    ]
    if missing or rps is None or total is None or avg is None:
        raise WrkOutputError(f"wrk output lacks {', '.join(missing)}:\n{text[-1500:]}")
    non_2xx = _NON_2XX.search(text)
    socket = _SOCKET.search(text)
    return WrkResult(
        requests=int(total.group(1)),
        duration_s=to_ms(total.group(2), total.group(3)) / 1000.0,
        requests_per_s=float(rps.group(1)),
        avg_ms=to_ms(avg.group(1), avg.group(2)),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in socket.groups()) if socket else 0,
    )


def command(url: str, connections: int, duration_s: float, cpu: int) -> list[str]:
    """The wrk command line: one thread, pinned to `cpu`, with the latency distribution."""
    argv = [
        packages.require(WRK), "-t1", f"-c{connections}", f"-d{max(1, round(duration_s))}s",
        "--latency", "--timeout", "10s", url,
    ]  # fmt: skip
    return pinned(argv, cpu)


def run(url: str, connections: int, duration_s: float, cpu: int) -> WrkResult:
    """Load `url` with `connections` keep-alive connections for `duration_s` seconds."""
    return result(spawn(url, connections, duration_s, cpu), timeout_s=duration_s + 60)


def spawn(url: str, connections: int, duration_s: float, cpu: int) -> subprocess.Popen[str]:
    """Start a wrk run in the background (the soak samples memory meanwhile)."""
    return subprocess.Popen(
        command(url, connections, duration_s, cpu),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(proc: subprocess.Popen[str], timeout_s: float) -> WrkResult:
    """Wait for a wrk started with `spawn` and read its report."""
    out, err = proc.communicate(timeout=timeout_s)
    if proc.returncode != 0:
        raise WrkOutputError(f"wrk exited with {proc.returncode}: {err.strip()[-500:]}")
    return parse(out)
