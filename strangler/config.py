"""routes.yaml text -> RouteTable, with every problem located as `file:line: key.path: message`.

How this works: the YAML is composed into nodes (which keep their line numbers) and read by a
`Reader` (yamlread.py) that records a `Problem` instead of raising, so one pass reports
*every* problem: unknown keys, wrong types, values out of range, unknown backends, duplicate
ids, bad path templates, unset `${VAR}`s and routes that can never match because an earlier
route covers them. The `compare:` sections and the correlations are read by the builder's
mixins in config_compare.py and config_correlate.py. Only when there is no problem is a
`RouteTable` returned; otherwise `ConfigError` carries the list. Reload builds a whole new
table this way before swapping it in, so a bad file never replaces a good one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from strangler.config_compare import CompareParser
from strangler.config_correlate import CorrelationParser, Library
from strangler.errors import ConfigError, Problem
from strangler.model import (
    STICKY_KEY,
    Backend,
    CanaryOptions,
    CompareRules,
    Fallback,
    Match,
    Mode,
    Route,
    RouteTable,
    ShadowOptions,
)
from strangler.templates import METHOD, parse_template
from strangler.yamlread import Reader, any_keys, kind_of

__all__ = ["ConfigError", "RouteTable", "load", "parse", "parse_template"]

VERSION = 1
URL = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?$")

TOP_KEYS = {"version", "backends", "defaults", "correlations", "routes"}
BACKEND_KEYS = {"url", "connect_timeout_ms", "timeout_ms", "pool"}
DEFAULT_KEYS = {"backend", "shadow", "compare", "max_body_bytes"}
DEFAULT_SHADOW_KEYS = {"sample", "max_in_flight", "timeout_ms", "writes"}
ROUTE_KEYS = {
    "id",
    "description",
    "match",
    "mode",
    "new",
    "shadow",
    "canary",
    "fallback",
    "compare",
    "correlate",
    "rollout",
}
MATCH_KEYS = {"methods", "path", "headers", "query"}
SHADOW_KEYS = {"sample", "writes", "timeout_ms"}
CANARY_KEYS = {"percent", "sticky"}


class _Builder(CompareParser, CorrelationParser):
    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.backend_names: set[str] = set()

    def backends(self, node: yaml.Node) -> dict[str, Backend]:
        out: dict[str, Backend] = {}
        if not isinstance(node, yaml.MappingNode):
            self.r.problem(node, "backends", f"must be a mapping, got {kind_of(node)}")
            return out
        for key_node, value in node.value:
            name = str(key_node.value)
            path = f"backends.{name}"
            if name in out or name in self.backend_names:
                self.r.problem(key_node, path, "duplicate backend")
                continue
            self.backend_names.add(name)
            fields = self.r.mapping(value, path, BACKEND_KEYS)
            if "url" not in fields:
                self.r.problem(value, f"{path}.url", "is required")
                continue
            url = self.r.string(fields["url"], f"{path}.url")
            if url is None:
                continue
            if not URL.match(url):
                self.r.problem(
                    fields["url"],
                    f"{path}.url",
                    f"must be http(s)://host[:port] without a path, got {url!r}",
                )
                continue
            out[name] = Backend(
                name=name,
                url=url.rstrip("/"),
                connect_timeout_ms=self.r.int_field(
                    fields, "connect_timeout_ms", path, 1, 600_000, 300
                ),
                timeout_ms=self.r.int_field(fields, "timeout_ms", path, 1, 3_600_000, 5000),
                pool=self.r.int_field(fields, "pool", path, 1, 100_000, 100),
            )
        return out

    def route(self, node: yaml.Node, index: int, table: _TableParts) -> Route | None:
        path = f"routes[{index}]"
        fields = self.r.mapping(node, path, ROUTE_KEYS)
        if not fields:
            return None
        route_id = self.r.scalar(fields["id"], f"{path}.id") if "id" in fields else None
        if route_id is None:
            if "id" not in fields:
                self.r.problem(node, f"{path}.id", "is required")
            return None
        duplicate = route_id in table.seen_ids
        if duplicate:
            self.r.problem(
                fields["id"],
                f"{path}.id",
                f"duplicate route id {route_id!r} (first at line {table.seen_ids[route_id]})",
            )
        else:
            table.seen_ids[route_id] = node.start_mark.line + 1
        if "match" not in fields:
            self.r.problem(node, f"{path}.match", "is required")
            return None
        match = self.match(fields["match"], f"{path}.match")
        mode = self.r.choice_field(fields, "mode", path, Mode, Mode.LEGACY)
        new = None
        if "new" in fields:
            new = self.r.scalar(fields["new"], f"{path}.new")
            if new is not None and new not in table.backends and new in self.backend_names:
                new = None  # the backend itself had a problem, already reported
            elif new is not None and new not in table.backends:
                self.r.problem(
                    fields["new"],
                    f"{path}.new",
                    f"unknown backend {new!r} "
                    f"(defined: {', '.join(sorted(table.backends)) or 'none'})",
                )
                new = None
        elif mode is not Mode.LEGACY:
            self.r.problem(
                fields.get("mode"), f"{path}.new", f"is required when mode is {mode.value}"
            )
        shadow = self.shadow(fields.get("shadow"), f"{path}.shadow", table.shadow)
        canary = self.canary(fields.get("canary"), f"{path}.canary", match)
        fallback = self.r.choice_field(fields, "fallback", path, Fallback, Fallback.NONE)
        compare = (
            self.compare(fields["compare"], f"{path}.compare", table.compare)
            if "compare" in fields
            else table.compare
        )
        correlate = self.correlations(
            fields.get("correlate"),
            f"{path}.correlate",
            match,
            table.correlations,
            table.correlation_uses,
        )
        noise = self.noise(fields.get("compare"), f"{path}.compare.noise")
        if "rollout" in fields:
            self.r.mapping(fields["rollout"], f"{path}.rollout", set())
        if match is None or duplicate:
            return None
        return Route(
            route_id, match, mode, new, shadow, canary, fallback, compare,
            node.start_mark.line + 1, correlate, noise,
        )  # fmt: skip

    def match(self, node: yaml.Node, path: str) -> Match | None:
        fields = self.r.mapping(node, path, MATCH_KEYS)
        methods = None
        if "methods" in fields:
            listed = self.r.strings(fields["methods"], f"{path}.methods")
            bad = [m for m in listed if not METHOD.match(m)]
            if bad:
                self.r.problem(
                    fields["methods"],
                    f"{path}.methods",
                    f"HTTP methods are upper-case words, got {bad[0]!r}",
                )
            methods = frozenset(m for m in listed if METHOD.match(m)) or None
        if "path" not in fields:
            self.r.problem(node, f"{path}.path", "is required")
            return None
        text = self.r.string(fields["path"], f"{path}.path")
        if text is None:
            return None
        template, reason = parse_template(text)
        if template is None:
            self.r.problem(fields["path"], f"{path}.path", f"bad template {text!r}: {reason}")
            return None
        headers = self._pairs(fields.get("headers"), f"{path}.headers", lower=True)
        query = self._pairs(fields.get("query"), f"{path}.query", lower=False)
        return Match(methods, template, headers, query)

    def _pairs(self, node: yaml.Node | None, path: str, *, lower: bool) -> dict[str, str]:
        if node is None:
            return {}
        out = {}
        for key, value in self.r.mapping(node, path, any_keys(node)).items():
            text = self.r.string(value, f"{path}.{key}")
            if text is not None:
                out[key.lower() if lower else key] = text
        return out

    def shadow(
        self,
        node: yaml.Node | None,
        path: str,
        base: ShadowOptions,
        allowed: set[str] = SHADOW_KEYS,
    ) -> ShadowOptions:
        if node is None:
            return base
        fields = self.r.mapping(node, path, allowed)
        return ShadowOptions(
            sample=self.r.number_field(fields, "sample", path, 0, 1, base.sample),
            writes=self.r.bool_field(fields, "writes", path, base.writes),
            timeout_ms=self.r.int_field(fields, "timeout_ms", path, 1, 600_000, base.timeout_ms),
        )

    def canary(self, node: yaml.Node | None, path: str, match: Match | None) -> CanaryOptions:
        if node is None:
            return CanaryOptions()
        fields = self.r.mapping(node, path, CANARY_KEYS)
        percent = self.r.number_field(fields, "percent", path, 0, 100, 0.0)
        sticky = "none"
        if "sticky" in fields:
            value = self.r.scalar(fields["sticky"], f"{path}.sticky")
            if value is not None and not STICKY_KEY.match(value):
                self.r.problem(
                    fields["sticky"],
                    f"{path}.sticky",
                    "must be customer, none, path.<param>, header:<name> or "
                    f"cookie:<name>, got {value!r}",
                )
            elif value is not None:
                if (
                    value.startswith("path.")
                    and match is not None
                    and value[5:] not in match.path.params
                ):
                    self.r.problem(
                        fields["sticky"],
                        f"{path}.sticky",
                        f"{value[5:]!r} is not a parameter of {match.path.text!r}",
                    )
                sticky = value
        return CanaryOptions(percent, sticky)


@dataclass
class _TableParts:
    backends: dict[str, Backend]
    shadow: ShadowOptions
    compare: CompareRules
    correlations: Library = field(default_factory=dict)
    correlation_uses: dict[str, list[Match]] = field(default_factory=dict)
    seen_ids: dict[str, int] = field(default_factory=dict)


def _unreachable(reader: Reader, routes: list[tuple[int, Route]]) -> None:
    for n, (i, later) in enumerate(routes):
        for _, earlier in routes[:n]:
            if earlier.match.covers(later.match):
                reader.problems.append(
                    Problem(
                        reader.source,
                        later.line,
                        f"routes[{i}]",
                        f"route {later.id!r} can never match: route {earlier.id!r} "
                        f"(line {earlier.line}) already matches everything it does",
                    )
                )
                break


def parse(text: str, *, source: str = "routes.yaml", env: Mapping[str, str]) -> RouteTable:
    """Parse and check routes.yaml; raise ConfigError listing every located problem."""
    reader = Reader(source, env)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise ConfigError(
            [Problem(source, line, "", f"not valid YAML: {getattr(exc, 'problem', None) or exc}")]
        ) from None
    if root is None:
        raise ConfigError([Problem(source, 1, "", "the file is empty")])
    fields = reader.mapping(root, "", TOP_KEYS)
    version = fields.get("version")
    if version is None:
        reader.problem(root, "version", f"is required (version: {VERSION})")
    elif reader.scalar(version, "version") != str(VERSION):
        reader.problem(version, "version", f"must be {VERSION}, got {version.value!r}")
    builder = _Builder(reader)
    backends = builder.backends(fields["backends"]) if "backends" in fields else {}
    if "backends" not in fields:
        reader.problem(root, "backends", "is required")
    defaults = (
        reader.mapping(fields["defaults"], "defaults", DEFAULT_KEYS) if "defaults" in fields else {}
    )
    default_backend = "legacy"
    if "backend" in defaults:
        default_backend = reader.scalar(defaults["backend"], "defaults.backend") or "legacy"
    if default_backend not in backends and default_backend not in builder.backend_names:
        reader.problem(
            defaults.get("backend") or root,
            "defaults.backend",
            f"unknown backend {default_backend!r} (anything unmatched goes there)",
        )
    shadow = builder.shadow(
        defaults.get("shadow"), "defaults.shadow", ShadowOptions(), DEFAULT_SHADOW_KEYS
    )
    shadow_node = defaults.get("shadow")
    max_in_flight = 512
    if isinstance(shadow_node, yaml.MappingNode):
        shadow_fields = {str(k.value): v for k, v in shadow_node.value}
        max_in_flight = reader.int_field(
            shadow_fields, "max_in_flight", "defaults.shadow", 1, 1_000_000, 512
        )
    compare = (
        builder.compare(defaults["compare"], "defaults.compare", CompareRules())
        if "compare" in defaults
        else CompareRules()
    )
    max_body = reader.int_field(defaults, "max_body_bytes", "defaults", 1, 1 << 34, 1024 * 1024)
    parts = _TableParts(backends, shadow, compare, builder.library(fields.get("correlations")))
    route_nodes = reader.sequence(fields["routes"], "routes") if "routes" in fields else []
    indexed = [
        (i, r)
        for i, node in enumerate(route_nodes)
        if (r := builder.route(node, i, parts)) is not None
    ]
    _unreachable(reader, indexed)
    builder.library_params(parts.correlations, parts.correlation_uses)
    routes = [r for _, r in indexed]
    if reader.problems:
        raise ConfigError(sorted(reader.problems, key=lambda p: (p.line, p.path)))
    return RouteTable(
        backends=backends,
        routes=tuple(routes),
        default_backend=default_backend,
        shadow_defaults=shadow,
        max_in_flight=max_in_flight,
        max_body_bytes=max_body,
        source=source,
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )


def load(path: str, env: Mapping[str, str]) -> RouteTable:
    """Read and parse a routes file (the one I/O edge of config)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ConfigError([Problem(path, 0, "", f"cannot read: {exc.strerror}")]) from None
    return parse(text, source=path, env=env)
