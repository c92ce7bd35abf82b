"""The per-kind divergence counters, registered once on a proxy's registry.

How this works: `strangler.metrics.Metrics` holds the proxy's own families; these two belong to
the metrics sink, which is the only code that sees a `Divergence`. They go on the same
app-owned registry, and `divergence_metrics(registry)` hands back the one pair registered
there however often it is asked (prometheus-client refuses a name twice per registry), so two
sinks over one `Metrics` share counters while two proxies in one process never do.

Labels: `route` and `kind` (value, type, missing, extra, order, length, status, header, body:
`compare.Kind`) — never the path that differed, which goes to the divergence store instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from prometheus_client import CollectorRegistry, Counter


@dataclass(frozen=True, slots=True)
class DivergenceMetrics:
    divergent_fields: Counter  # strangler_divergent_fields_total{route, kind}
    ignored_fields: Counter  # strangler_ignored_fields_total{route, kind}


_registered: WeakKeyDictionary[CollectorRegistry, DivergenceMetrics] = WeakKeyDictionary()


def divergence_metrics(registry: CollectorRegistry) -> DivergenceMetrics:
    """The divergence counters on `registry`, created on first use."""
    found = _registered.get(registry)
    if found is None:
        found = _registered[registry] = DivergenceMetrics(
            Counter(
                "strangler_divergent_fields",
                "Differences between legacy and new answers that made a shadow copy a mismatch",
                ["route", "kind"],
                registry=registry,
            ),
            Counter(
                "strangler_ignored_fields",
                "Differences the route's compare rules excused (known noise, not a mismatch)",
                ["route", "kind"],
                registry=registry,
            ),
        )
    return found
