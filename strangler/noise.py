"""Noise learning in the manner of Diffy: fields that disagree with *themselves* are noise.

How this works: on a sample of shadowed reads the runner also asks legacy a second time. For
each route and field (array indices folded: `$.items[*].updated_at`) the tracker counts how
often legacy disagreed with itself (`ll`) and how often legacy disagreed with the new backend
(`ln`), each over the number of comparisons made. A field is noise when its legacy-vs-new
rate is not clearly above its legacy-vs-legacy rate — there is nothing to learn from a field
that differs even between two answers of the same system (a timestamp, a request id). Until a
field has `min_samples` legacy-vs-legacy observations nothing is called noise. `excuse()` moves
the differences at noisy fields into `ignored` (still visible on the dashboard); a divergence
whose differences were all noise is a match.

`Budget` caps the extra load on legacy — the system under strain: a per-route token bucket
(calls per minute) and a global one. Pure: clock and draws are arguments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from strangler.compare import Divergence, Outcome

INDEX = re.compile(r"\[\d+\]")
MIN_SAMPLES = 5
MARGIN = 0.05  # how far above its self-disagreement a field must be to count as a divergence


def fold(path: str) -> str:
    """`$.items[2].price` -> `$.items[*].price`: one statistic per field, not per element."""
    return INDEX.sub("[*]", path)


@dataclass
class _Counts:
    samples: int = 0
    differing: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, paths: set[str]) -> None:
        self.samples += 1
        for p in paths:
            self.differing[p] += 1

    def rate(self, path: str) -> float:
        return self.differing.get(path, 0) / self.samples if self.samples else 0.0


class NoiseTracker:
    def __init__(self, min_samples: int = MIN_SAMPLES, margin: float = MARGIN) -> None:
        self.min_samples = min_samples
        self.margin = margin
        self.ll: dict[str, _Counts] = defaultdict(_Counts)  # legacy vs legacy
        self.ln: dict[str, _Counts] = defaultdict(_Counts)  # legacy vs new

    def observe_self(self, route_id: str, divergence: Divergence) -> None:
        """A legacy-vs-legacy comparison (both answers of the same request)."""
        self.ll[route_id].add(_paths(divergence))

    def observe(self, route_id: str, divergence: Divergence) -> None:
        """A legacy-vs-new comparison."""
        self.ln[route_id].add(_paths(divergence))

    def is_noise(self, route_id: str, path: str) -> bool:
        ll = self.ll.get(route_id)
        if ll is None or ll.samples < self.min_samples:
            return False
        folded = fold(path)
        self_rate = ll.rate(folded)
        if self_rate == 0.0:
            return False
        ln = self.ln.get(route_id)
        new_rate = ln.rate(folded) if ln is not None else 0.0
        return new_rate <= self_rate + self.margin

    def noisy_fields(self, route_id: str) -> dict[str, float]:
        """Fields seen disagreeing with themselves, with their self-disagreement rate."""
        ll = self.ll.get(route_id)
        if ll is None or ll.samples < self.min_samples:
            return {}
        return {p: ll.rate(p) for p in ll.differing if self.is_noise(route_id, p)}

    def excuse(self, route_id: str, divergence: Divergence) -> tuple[Divergence, tuple[str, ...]]:
        """Move differences at noisy fields to `ignored`; the paths excused."""
        if divergence.outcome is not Outcome.MISMATCH:
            return divergence, ()
        noisy = [d for d in divergence.differences if self.is_noise(route_id, d.path)]
        if not noisy:
            return divergence, ()
        kept = tuple(d for d in divergence.differences if d not in noisy)
        outcome = Outcome.MISMATCH if kept else Outcome.MATCH
        excused = replace(
            divergence, outcome=outcome, differences=kept, ignored=(*divergence.ignored, *noisy)
        )
        return excused, tuple(d.path for d in noisy)


def _paths(divergence: Divergence) -> set[str]:
    return {fold(d.path) for d in divergence.differences}


@dataclass
class Budget:
    """A token bucket: `rate_per_minute` calls, bursting up to one minute's worth."""

    rate_per_minute: float
    tokens: float = -1.0
    updated: float = 0.0

    def take(self, now: float) -> bool:
        if self.rate_per_minute <= 0:
            return False
        if self.tokens < 0:
            self.tokens, self.updated = self.rate_per_minute, now
        self.tokens = min(
            self.rate_per_minute, self.tokens + (now - self.updated) * self.rate_per_minute / 60
        )
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class Budgets:
    """Per-route buckets under one global bucket: both must allow an extra legacy call."""

    global_per_minute: float = 600.0
    routes: dict[str, Budget] = field(default_factory=dict)
    shared: Budget = field(init=False)

    def __post_init__(self) -> None:
        self.shared = Budget(self.global_per_minute)

    def take(self, route_id: str, per_minute: int, now: float) -> bool:
        budget = self.routes.get(route_id)
        if budget is None or budget.rate_per_minute != per_minute:
            budget = self.routes[route_id] = Budget(per_minute)
        if not budget.take(now):
            return False
        return self.shared.take(now)
