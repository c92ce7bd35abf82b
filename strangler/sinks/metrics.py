"""Shadow outcomes as Prometheus counters (labels: route, outcome)."""

from __future__ import annotations

from typing import Any

from strangler.metrics import Metrics
from strangler.sinks import ShadowResult


class MetricsSink:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.children: dict[tuple[str, str], Any] = {}  # label lookups cost more than inc()

    def record(self, result: ShadowResult) -> None:
        key = (result.route_id, result.outcome)
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = self.metrics.shadow.labels(*key)
        child.inc()
