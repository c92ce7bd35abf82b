"""Shadow outcomes as Prometheus counters (labels: route, outcome)."""

from __future__ import annotations

from strangler.metrics import Metrics
from strangler.sinks import ShadowResult


class MetricsSink:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def record(self, result: ShadowResult) -> None:
        self.metrics.shadow.labels(result.route_id, result.outcome).inc()
