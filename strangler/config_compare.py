"""routes.yaml `compare:` sections -> CompareRules, every path pattern and normaliser checked.

A mixin of the config builder (`self.r` is its `Reader`): `compare()` reads a section over a
base (the defaults' rules), `noise()` the route-level `compare.noise` options.
"""

from __future__ import annotations

import yaml

from strangler.compare import NORMALIZERS
from strangler.jsonpath import parse_pattern
from strangler.model import CompareRules, NoiseOptions
from strangler.yamlread import Reader, any_keys

COMPARE_KEYS = {
    "headers",
    "ignore_headers",
    "ignore",
    "keyed",
    "unordered",
    "tolerance",
    "normalize",
    "exact",
    "noise",
}


class CompareParser:
    r: Reader

    def compare(self, node: yaml.Node, path: str, base: CompareRules) -> CompareRules:
        fields = self.r.mapping(node, path, COMPARE_KEYS)
        headers = tuple(
            h.lower() for h in self.r.strings_field(fields, "headers", path, base.headers)
        )
        ignore_headers = tuple(
            h.lower()
            for h in self.r.strings_field(fields, "ignore_headers", path, base.ignore_headers)
        )
        ignore = self._patterns(fields, "ignore", path)
        unordered = self._patterns(fields, "unordered", path)
        keyed: dict[str, str] = {}
        for k, v in self._pattern_map(fields, "keyed", path).items():
            value = self.r.string(v, f"{path}.keyed.{k}")
            if value is not None:
                keyed[k] = value
        tolerance: dict[str, float] = {}
        for k, v in self._pattern_map(fields, "tolerance", path).items():
            number = self.r.number(v, f"{path}.tolerance.{k}", 0, 1e12)
            if number is not None:
                tolerance[k] = number
        extra = self._compare_extra(fields, path)
        return CompareRules(headers, ignore_headers, ignore, keyed, unordered, tolerance, extra)

    def _patterns(self, fields: dict[str, yaml.Node], key: str, path: str) -> tuple[str, ...]:
        """A list of JSON path patterns (compare.ignore, compare.unordered), each checked."""
        if key not in fields:
            return ()
        out: list[str] = []
        for i, item in enumerate(self.r.sequence(fields[key], f"{path}.{key}")):
            text = self.r.string(item, f"{path}.{key}[{i}]")
            if text is not None and self._pattern_ok(item, f"{path}.{key}[{i}]", text):
                out.append(text)
        return tuple(out)

    def _pattern_map(
        self, fields: dict[str, yaml.Node], key: str, path: str
    ) -> dict[str, yaml.Node]:
        """A mapping keyed by JSON path patterns (keyed, tolerance, normalize): good keys only."""
        if key not in fields:
            return {}
        found = self.r.mapping(fields[key], f"{path}.{key}", any_keys(fields[key]))
        return {k: v for k, v in found.items() if self._pattern_ok(v, f"{path}.{key}.{k}", k)}

    def _pattern_ok(self, node: yaml.Node, path: str, text: str) -> bool:
        try:
            parse_pattern(text)
        except ValueError as exc:
            self.r.problem(node, path, f"bad path pattern {text!r}: {exc}")
            return False
        return True

    def _compare_extra(self, fields: dict[str, yaml.Node], path: str) -> dict[str, object]:
        """compare.normalize (known normalisers only), compare.exact, compare.noise (verbatim)."""
        extra: dict[str, object] = {}
        if "normalize" in fields:
            normalize: dict[str, str] = {}
            for k, v in self._pattern_map(fields, "normalize", path).items():
                name = self.r.string(v, f"{path}.normalize.{k}")
                if name is not None and name not in NORMALIZERS:
                    expected = ", ".join(sorted(NORMALIZERS))
                    self.r.problem(
                        v,
                        f"{path}.normalize.{k}",
                        f"unknown normaliser {name!r} (expected one of: {expected})",
                    )
                elif name is not None:
                    normalize[k] = name
            extra["normalize"] = normalize
        if "exact" in fields:
            exact = self.r.boolean(fields["exact"], f"{path}.exact")
            if exact is not None:
                extra["exact"] = exact
        if "noise" in fields:
            extra["noise"] = yaml.safe_load(yaml.serialize(fields["noise"]))
        return extra

    def noise(self, compare: yaml.Node | None, path: str) -> NoiseOptions:
        """`compare.noise: {sample, per_minute}` (read here: it is a route-level behaviour)."""
        if not isinstance(compare, yaml.MappingNode):
            return NoiseOptions()
        node = next((v for k, v in compare.value if k.value == "noise"), None)
        if node is None:
            return NoiseOptions()
        fields = self.r.mapping(node, path, {"sample", "per_minute"})
        return NoiseOptions(
            sample=self.r.number_field(fields, "sample", path, 0, 1, 0.0),
            per_minute=self.r.int_field(fields, "per_minute", path, 0, 100_000, 60),
        )
