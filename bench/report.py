"""What a proxy bench run found: per-scenario figures, the goals they are held to, the table.

Pure: results in, goals and text out. A goal that cannot be computed (a scenario was not
available, or the soak did not run) is reported as `n/a` with the reason, never as a pass.
Throughput and p99 ratios are taken at 64 connections (the proxy saturated), added latency at 1
connection (the proxy idle), as the issue states them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.wrk import WrkResult

IDLE, BUSY = 1, 64  # connections: one request at a time; the proxy saturated
DIRECT, NGINX, MIRROR = "direct", "nginx-proxy", "nginx-mirror"
LEGACY, SHADOW = "strangler-legacy", "strangler-shadow"
SCENARIOS = (DIRECT, NGINX, MIRROR, LEGACY, SHADOW)
FLAT_MEMORY_GROWTH = 1.10  # end RSS at most 10% above the RSS right after warm-up


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """One scenario's measurements, or why it could not be measured."""

    name: str
    points: Mapping[int, WrkResult] = field(default_factory=dict)  # connections -> wrk
    unavailable: str | None = None
    cpu_us_per_request: float | None = None  # CPU of the proxy under test, at BUSY
    core_share: float | None = None  # that CPU / wall time: 1.0 = the proxy's core saturated
    load_share: float | None = None  # how busy the load core (backend + wrk) was, at BUSY
    shadowed: float | None = None  # catalog hits / legacy hits (mirror and shadow)

    def at(self, connections: int) -> WrkResult | None:
        return None if self.unavailable else self.points.get(connections)

    def to_json(self) -> dict[str, Any]:
        return {
            "unavailable": self.unavailable,
            "points": {str(c): r.to_json() for c, r in sorted(self.points.items())},
            "cpu_us_per_request": self.cpu_us_per_request,
            "core_share": self.core_share,
            "load_share": self.load_share,
            "shadowed": self.shadowed,
        }


@dataclass(frozen=True, slots=True)
class Soak:
    """RSS of the proxy process tree sampled under steady load: (seconds since start, KiB)."""

    mode: str
    samples: tuple[tuple[float, int], ...]
    load: WrkResult | None = None

    def __post_init__(self) -> None:
        if not self.samples:
            raise ValueError("a soak needs at least one RSS sample")

    @property
    def start_kib(self) -> int:
        return self.samples[0][1]

    @property
    def end_kib(self) -> int:
        return self.samples[-1][1]

    @property
    def max_kib(self) -> int:
        return max(kib for _, kib in self.samples)

    @property
    def growth(self) -> float:
        return self.end_kib / self.start_kib if self.start_kib else float("inf")

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "start_kib": self.start_kib,
            "end_kib": self.end_kib,
            "max_kib": self.max_kib,
            "growth": self.growth,
            "samples": [list(s) for s in self.samples],
            "load": self.load.to_json() if self.load else None,
        }


@dataclass(frozen=True, slots=True)
class Goal:
    name: str
    target: str  # e.g. ">= 0.25"
    value: float | None  # None: not measured (see `note`)
    passed: bool | None
    note: str = ""

    @property
    def verdict(self) -> str:
        return "n/a" if self.passed is None else ("PASS" if self.passed else "MISS")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": self.target,
            "value": self.value,
            "result": self.verdict,
            "note": self.note,
        }


Pick = Callable[[WrkResult], float]


def _rps(r: WrkResult) -> float:
    return r.requests_per_s


def _p50(r: WrkResult) -> float:
    return r.p50_ms


def _p99(r: WrkResult) -> float:
    return r.p99_ms


def _figure(
    results: Mapping[str, ScenarioResult], name: str, connections: int, pick: Pick
) -> tuple[float | None, str]:
    result = results.get(name)
    if result is None:
        return None, f"{name} did not run"
    if result.unavailable:
        return None, f"{name} not available"
    point = result.at(connections)
    if point is None:
        return None, f"{name} has no c={connections} figure"
    return pick(point), ""


def _compare(
    name: str,
    target: str,
    a: tuple[float | None, str],
    b: tuple[float | None, str],
    combine: Callable[[float, float], float],
    ok: Callable[[float], bool],
) -> Goal:
    if a[0] is None or b[0] is None:
        return Goal(name, target, None, None, a[1] or b[1])
    value = combine(a[0], b[0])
    return Goal(name, target, value, ok(value))


def _ratio(x: float, y: float) -> float:
    return x / y if y else float("inf")


def _difference(x: float, y: float) -> float:
    return x - y


def goals(
    results: Mapping[str, ScenarioResult],
    soak: Soak | None = None,
    no_soak: str = "no soak (--soak S)",
) -> list[Goal]:
    """Every goal of the proxy issue, computed from the scenarios that ran; `no_soak` says why
    there is no soak when `soak` is None."""

    def fig(name: str, connections: int, pick: Pick) -> tuple[float | None, str]:
        return _figure(results, name, connections, pick)

    out = [
        _compare(
            "strangler-legacy / nginx-proxy req/s (c=64)", ">= 0.25",
            fig(LEGACY, BUSY, _rps), fig(NGINX, BUSY, _rps), _ratio, lambda v: v >= 0.25,
        ),
        _compare(
            "strangler-shadow / strangler-legacy req/s (c=64)", ">= 0.60",
            fig(SHADOW, BUSY, _rps), fig(LEGACY, BUSY, _rps), _ratio, lambda v: v >= 0.60,
        ),
        _compare(
            "strangler-shadow / strangler-legacy p99 (c=64)", "<= 1.5",
            fig(SHADOW, BUSY, _p99), fig(LEGACY, BUSY, _p99), _ratio, lambda v: v <= 1.5,
        ),
        _compare(
            "strangler-shadow / nginx-mirror p99 (c=64)", "< 1",
            fig(SHADOW, BUSY, _p99), fig(MIRROR, BUSY, _p99), _ratio, lambda v: v < 1.0,
        ),
        _compare(
            "strangler-legacy p50 - direct p50 (c=1), ms", "< 0.3",
            fig(LEGACY, IDLE, _p50), fig(DIRECT, IDLE, _p50), _difference, lambda v: v < 0.3,
        ),
        _compare(
            "strangler-shadow p50 - direct p50 (c=1), ms", "< 0.3",
            fig(SHADOW, IDLE, _p50), fig(DIRECT, IDLE, _p50), _difference, lambda v: v < 0.3,
        ),
    ]  # fmt: skip
    target = f"<= {FLAT_MEMORY_GROWTH:.2f}"
    if soak is None:
        out.append(Goal("soak: end RSS / start RSS", target, None, None, no_soak))
    else:
        name = f"soak ({soak.mode}): end RSS / start RSS"
        out.append(Goal(name, target, soak.growth, soak.growth <= FLAT_MEMORY_GROWTH))
    return out


def _cell(point: WrkResult | None) -> str:
    if point is None:
        return f"{'-':>9} {'-':>7} {'-':>7}"
    return f"{point.requests_per_s:>9,.0f} {point.p50_ms:>7.3f} {point.p99_ms:>7.3f}"


def _optional(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def table(results: Sequence[ScenarioResult]) -> str:
    """The figures, one scenario a line: req/s, p50 and p99 (ms) at c=1 and c=64."""
    head = (
        f"{'scenario':<17} {'c=1 req/s':>9} {'p50':>7} {'p99':>7} | "
        f"{'c=64 req/s':>9} {'p50':>7} {'p99':>7} | {'CPU us/req':>10} {'proxy':>5} "
        f"{'load':>5} {'shadowed':>8} errors"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        if r.unavailable:
            lines.append(f"{r.name:<17} not available: {r.unavailable}")
            continue
        errors = sum(p.errors for p in r.points.values())
        lines.append(
            f"{r.name:<17} {_cell(r.at(IDLE))} | {_cell(r.at(BUSY))} | "
            f"{_optional(r.cpu_us_per_request, '.1f'):>10} "
            f"{_optional(r.core_share, '.0%'):>5} {_optional(r.load_share, '.0%'):>5} "
            f"{_optional(r.shadowed, '.3f'):>8} {errors}"
        )
    return "\n".join(lines)


def goal_lines(found: Sequence[Goal]) -> str:
    """The goals, one a line: value, target, PASS / MISS / n/a (and why n/a)."""
    width = max(len(g.name) for g in found)
    lines = []
    for g in found:
        value = "-" if g.value is None else f"{g.value:.3f}"
        note = f"  ({g.note})" if g.note else ""
        lines.append(f"{g.name:<{width}}  {value:>8}  {g.target:>7}  {g.verdict}{note}")
    return "\n".join(lines)


def soak_lines(soak: Soak) -> str:
    mib = 1024.0
    load = f", {soak.load.requests_per_s:,.0f} req/s" if soak.load else ""
    return (
        f"soak ({soak.mode}, {soak.samples[-1][0]:.0f}s{load}): RSS start "
        f"{soak.start_kib / mib:.1f} MiB, end {soak.end_kib / mib:.1f} MiB, max "
        f"{soak.max_kib / mib:.1f} MiB, growth x{soak.growth:.3f}"
    )


def capacity(result: ScenarioResult) -> float | None:
    """Requests/s the proxy would serve with its core saturated: 1e6 / CPU us per request."""
    if result.unavailable or not result.cpu_us_per_request:
        return None
    return 1e6 / result.cpu_us_per_request


def context_lines(results: Sequence[ScenarioResult]) -> str:
    """Figures that explain the goals: the cost of any extra hop, and per-core capacity.

    When the load core (backend + wrk) saturates first, req/s understates how far apart two
    proxies are; CPU per request does not.
    """
    by_name = {r.name: r for r in results}
    lines = []
    hop = _compare(
        "", "", _figure(by_name, NGINX, IDLE, _p50), _figure(by_name, DIRECT, IDLE, _p50),
        _difference, lambda v: True,
    )  # fmt: skip
    if hop.value is not None:
        lines.append(f"nginx-proxy p50 - direct p50 (c=1): {hop.value:.3f} ms (any extra hop)")
    capacities = {r.name: c for r in results if (c := capacity(r)) is not None}
    if capacities:
        listed = ", ".join(f"{n} {c:,.0f}" for n, c in capacities.items())
        lines.append(f"req/s at 100% of the proxy core (1e6 / CPU us per request): {listed}")
    if LEGACY in capacities and NGINX in capacities:
        ratio = capacities[LEGACY] / capacities[NGINX]
        lines.append(f"strangler-legacy / nginx-proxy per-core capacity: {ratio:.3f}")
    return "\n".join(lines)
