"""Shadow outcomes and their differences as Prometheus counters.

strangler_shadow_total{route, outcome}        one per copy: match, mismatch, error, dropped, skipped
strangler_divergent_fields_total{route, kind} one per difference that made a mismatch
strangler_ignored_fields_total{route, kind}   one per difference the route's rules excused
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable

from prometheus_client import Counter

from strangler.compare import Difference
from strangler.metrics import Metrics
from strangler.sinks import ShadowResult
from strangler.sinks.metrics_defs import divergence_metrics

Key = tuple[str, str]


class MetricsSink:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.defs = divergence_metrics(metrics.registry)
        # label lookups cost more than inc(): one child per (route, outcome|kind), cached
        self.children: dict[Key, Counter] = {}
        self.divergent: dict[Key, Counter] = {}
        self.ignored: dict[Key, Counter] = {}

    def record(self, result: ShadowResult) -> None:
        key = (result.route_id, result.outcome)
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = self.metrics.shadow.labels(*key)
        child.inc()
        found = result.divergence
        if found is not None:  # drops have no divergence, errors one without differences
            self._count(
                self.divergent, self.defs.divergent_fields, result.route_id, found.differences
            )
            self._count(self.ignored, self.defs.ignored_fields, result.route_id, found.ignored)

    @staticmethod
    def _count(
        children: dict[Key, Counter],
        family: Counter,
        route_id: str,
        differences: Iterable[Difference],
    ) -> None:
        """One increment per difference, summed per kind first (a copy can carry fifty)."""
        for kind, n in Tally(d.kind.value for d in differences).items():
            key = (route_id, kind)
            child = children.get(key)
            if child is None:
                child = children[key] = family.labels(*key)
            child.inc(n)
