"""A route's compare rules compiled for the walk: patterns parsed once, normalisers by name.

`compile_rules(rules)` parses every pattern of a `CompareRules` once (cached by identity: a
reload makes new rule objects) into `CompiledRules`, whose `excuse()` says which rule, if any,
excuses one difference (ignore, tolerance, normalize). `NORMALIZERS` are the known-volatile
values by the name routes.yaml uses; config validation reads the same mapping. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from strangler.differences import Kind
from strangler.jsonpath import Path, Pattern, parse_pattern
from strangler.model import CompareRules

# --------------------------------------------------------------------------------- normalisers

Normalizer = Callable[[Any], Any]


def _replacing(pattern: str, placeholder: str) -> Normalizer:
    compiled = re.compile(pattern)

    def normalize(value: Any) -> Any:
        return compiled.sub(placeholder, value) if isinstance(value, str) else value

    return normalize


def _number(value: Any) -> Any:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return "<number>" if is_number else value


# Known-volatile values, by the name routes.yaml uses. To add one, add an entry: config
# validation and the comparator both read this mapping.
NORMALIZERS: Mapping[str, Normalizer] = {
    "timestamp": _replacing(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}\b", "<timestamp>"),
    "masked_id": _replacing(r"\b[A-Za-z0-9]{32}\b", "<masked_id>"),
    "jwt": _replacing(r"(?<![\w-])eyJ[\w-]*\.[\w-]+\.[\w-]*", "<jwt>"),
    "report_id": _replacing(r"\bwebapi-[0-9a-f]+(?:\.[0-9]+)?", "webapi-<report_id>"),
    "uuid": _replacing(
        r"\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b",
        "<uuid>",
    ),
    "number": _number,
}


# ------------------------------------------------------------------------------ compiled rules


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """A route's `CompareRules` with every pattern parsed, ready for the walk."""

    headers: tuple[str, ...] = ()  # compared names, lower-case, ignore_headers removed
    ignore: tuple[Pattern, ...] = ()
    tolerance: tuple[tuple[Pattern, float], ...] = ()
    normalize: tuple[tuple[Pattern, str, Normalizer], ...] = ()
    keyed: tuple[tuple[Pattern, str], ...] = ()
    unordered: tuple[Pattern, ...] = ()
    exact: bool = False

    def keyed_field(self, path: Path) -> str | None:
        return next((f for p, f in self.keyed if p.matches(path)), None)

    def is_unordered(self, path: Path) -> bool:
        return any(p.matches(path) for p in self.unordered)

    def excuse(self, kind: Kind, path: Path, legacy: Any, new: Any) -> str | None:
        """Which rule excuses this difference, if any."""
        for p in self.ignore:
            if p.covers(path):
                return f"ignore {p.text}"
        if kind is not Kind.VALUE:
            return None
        if _both_numbers(legacy, new):
            for p, tolerance in self.tolerance:
                if abs(legacy - new) <= tolerance and p.covers(path):
                    return f"tolerance {p.text}: {tolerance}"
        for p, name, normalize in self.normalize:
            if p.covers(path) and bool(normalize(legacy) == normalize(new)):
                return f"normalize {p.text}: {name}"
        return None


def _both_numbers(a: Any, b: Any) -> bool:
    return (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    )


def _pattern(text: str, where: str) -> Pattern:
    try:
        return parse_pattern(text)
    except ValueError as exc:
        raise ValueError(f"{where}: bad path pattern {text!r}: {exc}") from None


def _compile(rules: CompareRules) -> CompiledRules:
    ignored_headers = {h.lower() for h in rules.ignore_headers}
    normalize = rules.extra.get("normalize") or {}
    exact = rules.extra.get("exact", False)
    if not isinstance(normalize, Mapping):
        raise ValueError("normalize: must be a mapping of path pattern -> normaliser")
    if not isinstance(exact, bool):
        raise ValueError(f"exact: must be true or false, got {exact!r}")
    for name in normalize.values():
        if name not in NORMALIZERS:
            raise ValueError(f"normalize: unknown normaliser {name!r}")
    return CompiledRules(
        headers=tuple(h.lower() for h in rules.headers if h.lower() not in ignored_headers),
        ignore=tuple(_pattern(p, "ignore") for p in rules.ignore),
        tolerance=tuple((_pattern(p, "tolerance"), float(t)) for p, t in rules.tolerance.items()),
        normalize=tuple(
            (_pattern(p, "normalize"), str(n), NORMALIZERS[n]) for p, n in normalize.items()
        ),
        keyed=tuple((_pattern(p, "keyed"), str(f)) for p, f in rules.keyed.items()),
        unordered=tuple(_pattern(p, "unordered") for p in rules.unordered),
        exact=exact,
    )


_COMPILED: dict[int, tuple[CompareRules, CompiledRules]] = {}
_COMPILED_MAX = 256  # route tables are small; reloads make new rule objects


def compile_rules(rules: CompareRules) -> CompiledRules:
    """Parse a route's rules once (cached by identity); ValueError names a bad rule."""
    hit = _COMPILED.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    compiled = _compile(rules)
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()
    _COMPILED[id(rules)] = (rules, compiled)  # holding `rules` keeps its id from being reused
    return compiled
