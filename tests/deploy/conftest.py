"""Fixtures for deploy/: what a real proxy exposes, promtool, and the metric names PromQL uses.

`exposed` renders the exposition of a real `Metrics()` registry (plus the metrics sink's own
families) after touching every family with label values the proxy really uses, so a renamed
metric or label breaks the dashboard and rules tests instead of an empty Grafana panel.
"""

from __future__ import annotations

import functools
import re
import subprocess
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from scripts.stack import packages
from strangler import config
from strangler.compare import Difference, Divergence, Kind, Outcome
from strangler.metrics import Metrics
from strangler.runtime import Runtime
from strangler.sinks import ShadowResult
from strangler.sinks.metrics import MetricsSink

ROOT = Path(__file__).resolve().parents[2]
PROMTOOL = packages.Binary(("promtool",), "prometheus")

ROUTES = textwrap.dedent("""\
    version: 1
    backends:
      legacy:  {url: "http://127.0.0.1:1"}
      catalog: {url: "http://127.0.0.1:2"}
    defaults: {backend: legacy}
    routes:
      - id: catalog-product
        match: {methods: [GET], path: "/rest/V1/products/{sku}"}
        new: catalog
        mode: canary
        canary: {percent: 10, sticky: path.sku}
        fallback: legacy
""")

# PromQL words that are not metric names (functions are recognised by the "(" after them).
KEYWORDS = frozenset({"and", "or", "unless", "offset", "bool", "inf", "nan"})
SCRAPE_LABELS = frozenset({"job", "instance"})  # added by Prometheus, not by the proxy
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_VARIABLE = re.compile(r"\$\{?\w+\}?")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_NAME = re.compile(r"(?<![\w:.])([A-Za-z_:][\w:]*)(\s*\()?")
# `by (labels) (` + an optional rate(...)-like call + the first series name inside
_BY = re.compile(r"\bby\s*\(([^)]*)\)\s*\(+\s*(?:\w+\s*\(\s*)?([A-Za-z_:][\w:]*)")


class PromQL:
    """What the tests need out of a PromQL expression: a regex reading, not a parser (promtool
    parses; these only have to find names in expressions that promtool accepts)."""

    @staticmethod
    def names(expr: str) -> set[str]:
        """The metric (and recorded series) names an expression reads.

        >>> sorted(PromQL.names('sum by (le) (rate(a_bucket{x="y"}[$__rate_interval])) / b:c'))
        ['a_bucket', 'b:c']
        """
        for pattern in (_STRING, _MATCHERS, _RANGE, _VARIABLE, _GROUPING):
            expr = pattern.sub(" ", expr)
        return {
            m.group(1)
            for m in _NAME.finditer(expr)
            if m.group(2) is None and m.group(1).lower() not in KEYWORDS
        }

    @staticmethod
    def groupings(expr: str) -> list[tuple[set[str], str]]:
        """(labels, series) of each `by (labels)` applied directly to a series or its rate."""
        return [
            ({label.strip() for label in m.group(1).split(",") if label.strip()}, m.group(2))
            for m in _BY.finditer(_STRING.sub('""', expr))
        ]

    @staticmethod
    def problems(expr: str, exposed: Mapping[str, frozenset[str]]) -> list[str]:
        """Grouping labels a proxy's metric does not have: `sum by (route)` over a metric
        without `route` gives one series with an empty route instead of failing."""
        return [
            f"{series} has no label {sorted(labels - exposed[series] - SCRAPE_LABELS)}"
            for labels, series in PromQL.groupings(expr)
            if series in exposed and labels - exposed[series] - SCRAPE_LABELS
        ]


def _touch(metrics: Metrics) -> None:
    """Give every family a sample, through the code that feeds it where that is cheap."""
    runtime = Runtime(config.parse(ROUTES, source="routes.yaml", env={}), loaded_at=1.0e9)
    metrics.observe_runtime(runtime)  # route_mode, canary_percent, kill_switch, config_info
    metrics.requests.labels("catalog-product", "canary", "catalog", "2xx").inc()
    metrics.latency.labels("catalog-product", "catalog").observe(0.012)
    metrics.upstream_errors.labels("catalog", "timeout").inc()
    metrics.fallbacks.labels("catalog-product", "timeout").inc()
    metrics.rejected.labels("body_too_large").inc()
    metrics.reloads.labels("sighup", "failed").inc()
    metrics.flips.labels("catalog-product").inc()
    metrics.circuit_open.labels("catalog").set(1)
    metrics.shadow_in_flight.set(3)
    divergence = Divergence(
        Outcome.MISMATCH,
        (Difference(Kind.VALUE, "$.price", 34, 35),),
        ignored=(Difference(Kind.VALUE, "$.updated_at", "a", "b"),),
    )
    MetricsSink(metrics).record(
        ShadowResult(
            "catalog-product", "r1", "GET", "/rest/V1/products/24-MB01", "mismatch", divergence
        )
    )


@pytest.fixture(scope="session")
def exposed() -> Mapping[str, frozenset[str]]:
    """Every sample name a proxy exposes on /metrics, with its label names."""
    metrics = Metrics()
    _touch(metrics)
    text = generate_latest(metrics.registry).decode()
    names: dict[str, frozenset[str]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            names[sample.name] = names.get(sample.name, frozenset()) | set(sample.labels)
    return names


@functools.cache
def _promtool() -> str:
    return packages.require(PROMTOOL)


Promtool = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def promtool() -> Promtool:
    """Run promtool (Debian package `prometheus`, installed on first use; a test without it
    fails naming the package, it never skips)."""

    def run(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
        try:
            path = _promtool()
        except packages.ServerUnavailable as exc:
            pytest.fail(str(exc), pytrace=False)
        return subprocess.run(
            [path, *argv], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
        )

    return run


@pytest.fixture(scope="session")
def promql() -> type[PromQL]:
    return PromQL
