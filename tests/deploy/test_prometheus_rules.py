"""deploy/prometheus: the rules load, their unit tests pass, and they read metrics that exist."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from strangler.metrics import Metrics
from strangler.sinks.metrics import MetricsSink

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "strangler-rules.yml"
TESTS = ROOT / "deploy" / "prometheus" / "strangler-rules.test.yml"
SEVERITIES = {"critical", "warning", "info"}
RUNBOOK = "README.md#alerts-and-dashboards"


def rules() -> Iterator[dict[str, Any]]:
    for group in yaml.safe_load(RULES.read_text())["groups"]:
        yield from group["rules"]


def alerts() -> list[dict[str, Any]]:
    return [rule for rule in rules() if "alert" in rule]


def test_promtool_check_rules(promtool: Callable[..., Any]) -> None:
    result = promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_test_rules(promtool: Callable[..., Any]) -> None:
    result = promtool("test", "rules", TESTS.name, cwd=TESTS.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_has_a_firing_and_a_quiet_case() -> None:
    cases: dict[str, set[str]] = {}
    for test in yaml.safe_load(TESTS.read_text())["tests"]:
        for case in test.get("alert_rule_test", []):
            cases.setdefault(case["alertname"], set()).add(
                "firing" if case.get("exp_alerts") else "quiet"
            )
    assert set(cases) == {alert["alert"] for alert in alerts()}
    for alert in alerts():
        assert cases[alert["alert"]] == {"firing", "quiet"}, alert["alert"]


@pytest.mark.parametrize("alert", alerts(), ids=lambda a: a["alert"])
def test_every_alert_has_severity_and_says_what_and_where(alert: dict[str, Any]) -> None:
    assert alert["alert"].startswith("Strangler")
    assert alert["labels"]["severity"] in SEVERITIES
    notes = alert["annotations"]
    assert notes["runbook_url"] == RUNBOOK
    for text in (notes["summary"], notes["description"]):
        assert "{{ $labels." in text, f"{alert['alert']}: name the route, backend or proxy"


def test_the_exposition_has_every_family(exposed: Mapping[str, frozenset[str]]) -> None:
    """A family nobody touched has no samples: add it to conftest.py's _touch."""
    metrics = Metrics()
    MetricsSink(metrics)
    missing = [
        family.name
        for family in metrics.registry.collect()
        if not any(n == family.name or n.startswith(family.name + "_") for n in exposed)
    ]
    assert not missing, f"tests/deploy/conftest.py::_touch does not touch {missing}"


def test_rules_read_only_exposed_metrics_and_recorded_series(
    exposed: Mapping[str, frozenset[str]], promql: Any
) -> None:
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    unknown = {
        name: rule.get("alert") or rule.get("record")
        for rule in rules()
        for name in promql.names(rule["expr"])
        if name not in exposed and name not in recorded
    }
    assert not unknown, f"not on /metrics of a real proxy, nor recorded here: {unknown}"


def test_rules_group_by_labels_the_metrics_have(
    exposed: Mapping[str, frozenset[str]], promql: Any
) -> None:
    problems = {
        rule.get("alert") or rule.get("record"): promql.problems(rule["expr"], exposed)
        for rule in rules()
    }
    assert not {name: p for name, p in problems.items() if p}


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        pytest.param(
            'rate(strangler_shadow_total{outcome="match"}[5m])',
            {"strangler_shadow_total"},
            id="selector",
        ),
        pytest.param(
            "sum by (job, route) (a_total) / on (job) b:c:rate5m",
            {"a_total", "b:c:rate5m"},
            id="grouping",
        ),
        pytest.param("x > 0 unless x offset 10m", {"x"}, id="offset"),
        pytest.param(
            "histogram_quantile(0.99, sum by (le) (rate(h_bucket[$__rate_interval])))",
            {"h_bucket"},
            id="grafana-vars",
        ),
        pytest.param("count(y == 1) or vector(0)", {"y"}, id="functions"),
        pytest.param('z{a="sum(q)", b=~"or|and"} * 1e3', {"z"}, id="strings-and-numbers"),
    ],
)
def test_names_read_from_promql(promql: Any, expr: str, names: set[str]) -> None:
    assert promql.names(expr) == names


def test_groupings_over_missing_labels_are_found(
    exposed: Mapping[str, frozenset[str]], promql: Any
) -> None:
    wrong = "sum by (job, route) (rate(strangler_upstream_errors_total[5m]))"
    assert promql.problems(wrong, exposed) == [
        "strangler_upstream_errors_total has no label ['route']"
    ]
    nested = "count by (job) (count by (job, config_digest) (strangler_config_info))"
    assert promql.problems(nested, exposed) == []
