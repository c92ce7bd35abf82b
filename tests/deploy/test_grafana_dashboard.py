"""deploy/grafana: the dashboard loads, and every query reads metrics a real proxy exposes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "strangler-dashboard.json"
DATASOURCE = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
# Grafana's own variables, given values so promtool can parse the queries
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}
# What the issue asks the dashboard to show (a panel may show several)
SHOWN = {
    "strangler_requests_total",
    "strangler_request_duration_seconds_bucket",
    "strangler_shadow_total",
    "strangler_divergent_fields_total",
    "strangler_fallbacks_total",
    "strangler_upstream_errors_total",
    "strangler_circuit_open",
    "strangler_route_mode",
    "strangler_route_canary_percent",
    "strangler_kill_switch",
    "strangler_reloads_total",
    "strangler_config_info",
}


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def panels(board: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Every panel, including those inside collapsed rows."""
    for panel in (board or dashboard())["panels"]:
        yield panel
        yield from panel.get("panels", [])


def queries(board: dict[str, Any] | None = None) -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every query: panel targets, annotations and the route variable."""
    board = board or dashboard()
    for panel in panels(board):
        for target in panel.get("targets", []):
            yield f"panel {panel['id']} {panel['title']!r} {target['refId']}", target["expr"]
    for annotation in board["annotations"]["list"]:
        if "expr" in annotation:
            yield f"annotation {annotation['name']!r}", annotation["expr"]
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            found = re.fullmatch(r"label_values\((.+), *\w+\)", variable["query"])
            assert found, f"variable {variable['name']}: {variable['query']}"
            yield f"variable {variable['name']}", found.group(1)


def test_is_a_grafana_dashboard() -> None:
    board = dashboard()
    assert board["title"] and board["uid"]
    assert 36 <= board["schemaVersion"] <= 41
    assert any(p["type"] != "row" for p in panels(board))


def test_panel_ids_are_unique() -> None:
    ids = [panel["id"] for panel in panels()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_panels_fit_the_grid_without_overlapping() -> None:
    taken: dict[tuple[int, int], str] = {}
    for panel in panels():
        pos = panel["gridPos"]
        assert pos["x"] + pos["w"] <= 24, panel["title"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in taken, f"{panel['title']!r} overlaps {taken[(x, y)]!r}"
                taken[(x, y)] = panel["title"]


def test_every_panel_has_a_title_and_the_datasource_variable() -> None:
    for panel in panels():
        assert panel.get("title"), panel["id"]
        assert panel.get("datasource") == DATASOURCE, panel["title"]
        for target in panel.get("targets", []):
            assert target.get("datasource") == DATASOURCE, (panel["title"], target["refId"])
            assert target.get("expr"), (panel["title"], target["refId"])


def test_datasource_and_route_variables() -> None:
    variables = {v["name"]: v for v in dashboard()["templating"]["list"]}
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    route = variables["route"]
    assert route["query"] == "label_values(strangler_requests_total, route)"
    assert route["datasource"] == DATASOURCE
    assert route["multi"] and route["includeAll"] and route["allValue"] == ".*"


def test_queries_read_only_metrics_a_proxy_exposes(
    exposed: Mapping[str, frozenset[str]], promql: Any
) -> None:
    unknown = {
        where: sorted(promql.names(expr) - set(exposed))
        for where, expr in queries()
        if promql.names(expr) - set(exposed)
    }
    assert not unknown, f"not on /metrics of a real proxy: {unknown}"
    shown = set().union(*(promql.names(expr) for _, expr in queries()))
    assert shown >= SHOWN, f"no panel shows {sorted(SHOWN - shown)}"


def test_queries_group_by_labels_the_metrics_have(
    exposed: Mapping[str, frozenset[str]], promql: Any
) -> None:
    problems = {where: promql.problems(expr, exposed) for where, expr in queries()}
    assert not {where: p for where, p in problems.items() if p}


def test_the_route_picker_filters_every_per_route_query(
    exposed: Mapping[str, frozenset[str]], promql: Any
) -> None:
    """A metric with a route label is filtered by $route wherever a panel reads it."""
    for where, expr in queries():
        if not where.startswith("panel"):
            continue
        for name in promql.names(expr) & {n for n, labels in exposed.items() if "route" in labels}:
            for selector in re.findall(rf"(?<![\w:]){name}(?![\w:])(\{{[^}}]*\}})?", expr):
                assert 'route=~"$route"' in selector, f"{where}: {name}"


def test_promtool_parses_every_query(
    promql: Any, promtool: Callable[..., Any], tmp_path: Path
) -> None:
    """Each query, with Grafana's variables filled in, as a recording rule promtool checks."""
    rules = []
    for where, expr in queries():
        for variable, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(variable, value)
        name = "grafana:" + re.sub(r"\W+", "_", where).strip("_")  # promtool names the rule
        rules.append({"record": name, "expr": expr.replace("$route", ".*")})
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
