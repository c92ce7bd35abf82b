"""MetricsSink: shadow outcomes per route, and differences per route and kind."""

from __future__ import annotations

import orjson
import pytest

from strangler.compare import Difference, Divergence, Kind, Outcome, diff
from strangler.metrics import Metrics
from strangler.model import Observed
from strangler.sinks import ShadowResult
from strangler.sinks.metrics import MetricsSink

DIVERGENT = "strangler_divergent_fields_total"
IGNORED = "strangler_ignored_fields_total"


def difference(kind: Kind, path: str = "$.price") -> Difference:
    return Difference(kind, path, legacy=34, new=35)


def result(
    outcome: Outcome | str,
    differences: tuple[Difference, ...] = (),
    ignored: tuple[Difference, ...] = (),
    *,
    route: str = "catalog-product",
    error: str | None = None,
) -> ShadowResult:
    """A shadow result as ShadowRunner records it; a dropped copy has no divergence."""
    divergence = None
    if outcome != "dropped":
        divergence = Divergence(Outcome(outcome), differences, error=error, ignored=ignored)
    target = "/rest/V1/products/24-MB01"
    return ShadowResult(route, "req-1", "GET", target, str(outcome), divergence)


def count(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def kinds_seen(metrics: Metrics, name: str) -> dict[tuple[str, str], float]:
    """Every (route, kind) sample of a family: proves nothing else was counted."""
    return {
        (s.labels["route"], s.labels["kind"]): s.value
        for family in metrics.registry.collect()
        for s in family.samples
        if s.name == name
    }


@pytest.mark.parametrize("kind", list(Kind), ids=[k.value for k in Kind])
def test_each_difference_kind_is_its_own_label(kind: Kind) -> None:
    metrics = Metrics()
    MetricsSink(metrics).record(result(Outcome.MISMATCH, (difference(kind),)))
    assert kinds_seen(metrics, DIVERGENT) == {("catalog-product", kind.value): 1.0}
    assert kinds_seen(metrics, IGNORED) == {}


def test_one_increment_per_difference_and_ignored_kept_apart() -> None:
    metrics = Metrics()
    sink = MetricsSink(metrics)
    mismatched = (
        difference(Kind.VALUE, "$.price"),
        difference(Kind.VALUE, "$.name"),
        difference(Kind.MISSING, "$.extension_attributes"),
        difference(Kind.STATUS, "status"),
    )
    excused = (difference(Kind.VALUE, "$.updated_at"), difference(Kind.HEADER, "header:etag"))
    sink.record(result(Outcome.MISMATCH, mismatched, excused))
    sink.record(result(Outcome.MISMATCH, (difference(Kind.VALUE, "$.price"),)))
    assert kinds_seen(metrics, DIVERGENT) == {
        ("catalog-product", "value"): 3.0,
        ("catalog-product", "missing"): 1.0,
        ("catalog-product", "status"): 1.0,
    }
    assert kinds_seen(metrics, IGNORED) == {
        ("catalog-product", "value"): 1.0,
        ("catalog-product", "header"): 1.0,
    }
    assert (
        count(metrics, "strangler_shadow_total", route="catalog-product", outcome="mismatch") == 2
    )


def test_a_match_with_only_ignored_differences_counts_them_as_ignored() -> None:
    metrics = Metrics()
    sink = MetricsSink(metrics)
    sink.record(result(Outcome.MATCH, ignored=(difference(Kind.ORDER, "$.media_gallery"),)))
    assert kinds_seen(metrics, DIVERGENT) == {}
    assert kinds_seen(metrics, IGNORED) == {("catalog-product", "order"): 1.0}
    assert count(metrics, "strangler_shadow_total", route="catalog-product", outcome="match") == 1


def test_counts_follow_what_diff_found() -> None:
    legacy = {
        "sku": "24-MB01",
        "price": 34,
        "tiers": [1, 2],
        "name": "Joust",
        "dims": {"w": 1, "h": 2},
    }
    new = {
        "sku": "24-MB01",
        "price": "34",
        "tiers": [1],
        "name": "Joust Bag",
        "dims": {"h": 2, "w": 1},
        "qty": 5,
    }
    headers = {"content-type": "application/json"}
    divergence = diff(
        Observed(200, headers, orjson.dumps(legacy)), Observed(200, headers, orjson.dumps(new))
    )
    metrics = Metrics()
    MetricsSink(metrics).record(result(divergence.outcome, divergence.differences))
    assert kinds_seen(metrics, DIVERGENT) == {
        ("catalog-product", "type"): 1.0,  # $.price: "34" vs 34
        ("catalog-product", "length"): 1.0,  # $.tiers
        ("catalog-product", "value"): 1.0,  # $.name
        ("catalog-product", "order"): 1.0,  # $.dims: w, h swapped
        ("catalog-product", "extra"): 1.0,  # $.qty
    }


def test_routes_are_counted_apart() -> None:
    metrics = Metrics()
    sink = MetricsSink(metrics)
    sink.record(result(Outcome.MISMATCH, (difference(Kind.VALUE),), route="catalog-product"))
    sink.record(result(Outcome.MISMATCH, (difference(Kind.VALUE),) * 2, route="guest-cart"))
    assert kinds_seen(metrics, DIVERGENT) == {
        ("catalog-product", "value"): 1.0,
        ("guest-cart", "value"): 2.0,
    }


@pytest.mark.parametrize(
    "shadow",
    [
        pytest.param(result(Outcome.ERROR, error="new timeout"), id="error"),
        pytest.param(result("dropped"), id="dropped"),
    ],
)
def test_errors_and_drops_count_an_outcome_and_no_fields(shadow: ShadowResult) -> None:
    metrics = Metrics()
    MetricsSink(metrics).record(shadow)
    outcome = shadow.outcome
    assert count(metrics, "strangler_shadow_total", route="catalog-product", outcome=outcome) == 1
    assert kinds_seen(metrics, DIVERGENT) == {}
    assert kinds_seen(metrics, IGNORED) == {}


def test_sinks_over_one_registry_share_counters_and_proxies_do_not() -> None:
    metrics, other = Metrics(), Metrics()
    first, second = MetricsSink(metrics), MetricsSink(metrics)  # no duplicate registration
    first.record(result(Outcome.MISMATCH, (difference(Kind.BODY, "body"),)))
    second.record(result(Outcome.MISMATCH, (difference(Kind.BODY, "body"),)))
    MetricsSink(other).record(result(Outcome.MISMATCH, (difference(Kind.BODY, "body"),)))
    assert count(metrics, DIVERGENT, route="catalog-product", kind="body") == 2
    assert count(other, DIVERGENT, route="catalog-product", kind="body") == 1
