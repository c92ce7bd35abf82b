"""routes.yaml `correlations:` and route `correlate:` lists -> Correlation entries.

A mixin of the config builder (`self.r` is its `Reader`). Entries are defined once under the
top-level `correlations:` (name -> entry) and named by routes, or written inline in a route's
list with an `id`. An inline entry's `param` must be a parameter of its route's path; a named
entry's, of at least one route that names it (`library_params`, after all routes are read).
"""

from __future__ import annotations

import re

import yaml

from strangler.model import Correlation, Match, PathTemplate
from strangler.templates import METHOD, parse_template
from strangler.yamlread import Reader, any_keys

CORRELATE_KEYS = {"id", "from", "on", "param", "fields", "ttl_s"}
SOURCE = re.compile(r"^response\.body((\.[A-Za-z_][A-Za-z0-9_]*)*)$")
Library = dict[str, tuple[Correlation, yaml.Node]]


def _source_keys(source: str) -> tuple[str, ...] | None:
    """`response.body` -> (); `response.body.item_id` -> ("item_id",); anything else None."""
    found = SOURCE.match(source)
    if found is None:
        return None
    return tuple(k for k in found.group(1).split(".") if k)


class CorrelationParser:
    r: Reader

    def library(self, node: yaml.Node | None) -> Library:
        """Top-level `correlations:` (name -> entry): defined once, named by many routes."""
        out: Library = {}
        if node is None:
            return out
        entries = self.r.mapping(node, "correlations", any_keys(node))
        for name, item in entries.items():
            entry = self._correlation(item, f"correlations.{name}", name, None)
            if entry is not None:
                out[name] = (entry, item)
        return out

    def correlations(
        self,
        node: yaml.Node | None,
        path: str,
        match: Match | None,
        library: Library,
        uses: dict[str, list[Match]],
    ) -> tuple[Correlation, ...]:
        """A route's `correlate:` list: names from `correlations:`, or entries written inline."""
        if node is None:
            return ()
        out = []
        for i, item in enumerate(self.r.sequence(node, path)):
            where = f"{path}[{i}]"
            if isinstance(item, yaml.ScalarNode):
                name = str(item.value)
                if name not in library:
                    known = ", ".join(sorted(library)) or "none"
                    self.r.problem(
                        item,
                        where,
                        f"unknown correlation {name!r} (defined under correlations: {known})",
                    )
                    continue
                entry = library[name][0]
                if match is not None:
                    uses.setdefault(name, []).append(match)
            else:
                found = self._correlation(item, where, None, match)
                if found is None:
                    continue
                entry = found
            out.append(entry)
        return tuple(out)

    def _correlation(
        self, item: yaml.Node, where: str, name: str | None, match: Match | None
    ) -> Correlation | None:
        """One entry; `name` given for a library entry, else read from its `id`. `match`:
        the route an inline entry belongs to (its `param` must be one of that path's)."""
        keys_allowed = CORRELATE_KEYS if name is None else CORRELATE_KEYS - {"id"}
        fields = self.r.mapping(item, where, keys_allowed)
        if name is None:
            name = self.r.scalar(fields["id"], f"{where}.id") if "id" in fields else None
            if "id" not in fields:
                self.r.problem(item, f"{where}.id", "is required")
        source = self.r.scalar(fields["from"], f"{where}.from") if "from" in fields else None
        if "from" not in fields:
            self.r.problem(item, f"{where}.from", "is required")
        keys = _source_keys(source) if source is not None else None
        if source is not None and keys is None:
            self.r.problem(
                fields["from"],
                f"{where}.from",
                f"must be response.body or response.body.<key>[.<key>...], got {source!r}",
            )
        on_method, on_path = self._correlation_on(fields.get("on"), f"{where}.on")
        param = self.r.scalar(fields["param"], f"{where}.param") if "param" in fields else None
        if param is not None and match is not None and param not in match.path.params:
            self.r.problem(
                fields["param"],
                f"{where}.param",
                f"{param!r} is not a parameter of {match.path.text!r}",
            )
        carried = self.r.strings_field(fields, "fields", where, ())
        ttl = self.r.number_field(fields, "ttl_s", where, 1, 7 * 24 * 3600, 3600.0)
        if name is None or keys is None:
            return None
        default_fields = (keys[-1],) if keys else ()
        return Correlation(name, keys, on_method, on_path, param, carried or default_fields, ttl)

    def library_params(self, library: Library, uses: dict[str, list[Match]]) -> None:
        """A library entry's `param` must be a parameter of some route that names it."""
        for name, (entry, node) in library.items():
            used_by = uses.get(name, [])
            if entry.param is None or not used_by:
                continue
            if not any(entry.param in m.path.params for m in used_by):
                paths = ", ".join(repr(m.path.text) for m in used_by)
                param_node = next((v for k, v in node.value if k.value == "param"), node)
                self.r.problem(
                    param_node,
                    f"correlations.{name}.param",
                    f"{entry.param!r} is not a parameter of any route naming {name!r} ({paths})",
                )

    def _correlation_on(
        self, node: yaml.Node | None, path: str
    ) -> tuple[str | None, PathTemplate | None]:
        if node is None:
            return None, None
        fields = self.r.mapping(node, path, {"method", "path"})
        method = self.r.scalar(fields["method"], f"{path}.method") if "method" in fields else None
        if method is not None and not METHOD.match(method):
            self.r.problem(
                fields["method"],
                f"{path}.method",
                f"HTTP methods are upper-case words, got {method!r}",
            )
            method = None
        template = None
        if "path" in fields:
            text = self.r.string(fields["path"], f"{path}.path")
            template, reason = parse_template(text) if text is not None else (None, None)
            if text is not None and template is None:
                self.r.problem(fields["path"], f"{path}.path", f"bad template {text!r}: {reason}")
        return method, template
