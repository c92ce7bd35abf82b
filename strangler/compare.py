"""diff(legacy, new, rules) -> Divergence: do two answers to one request agree? (pure)

How this works: an upstream failure is data — if either side has no answer the outcome is
`error` (two timeouts agree, but still count as errors, as Scientist treats candidate
exceptions). Otherwise statuses, the headers the route compares, and the bodies are compared:
identical bytes are a match without parsing; two JSON bodies are walked structurally into a
small closed set of difference kinds at flattened paths (`$.items[2].price`); anything else is
compared as bytes. Numbers compare by value, so `34` and `34.0` agree (PHP prints the first,
a Python service might print the second). The divergence issue adds ignore/tolerance/keyed
rules on top of this walk.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from strangler.model import CompareRules, Observed

MAX_DIFFERENCES = 50


class Outcome(enum.StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    ERROR = "error"


class Kind(enum.StrEnum):
    STATUS = "status"
    HEADER = "header"
    VALUE = "value"
    TYPE = "type"
    MISSING = "missing"  # in legacy, not in new
    EXTRA = "extra"  # in new, not in legacy
    LENGTH = "length"
    ORDER = "order"
    BODY = "body"  # non-JSON bodies differ


@dataclass(frozen=True, slots=True)
class Difference:
    kind: Kind
    path: str
    legacy: Any = None
    new: Any = None


@dataclass(frozen=True, slots=True)
class Divergence:
    outcome: Outcome
    differences: tuple[Difference, ...] = ()  # the mismatches (what makes the outcome)
    error: str | None = None  # which side failed, and how
    ignored: tuple[Difference, ...] = ()  # excused by the route's rules: visible, not counted


def _json(body: bytes) -> tuple[bool, Any]:
    try:
        return True, orjson.loads(body)
    except orjson.JSONDecodeError:
        return False, None


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def walk(legacy: Any, new: Any, path: str = "$") -> Iterator[Difference]:
    """Differences between two parsed JSON values, at flattened paths."""
    kind_a, kind_b = _kind_of(legacy), _kind_of(new)
    if kind_a != kind_b:
        yield Difference(Kind.TYPE, path, legacy, new)
    elif kind_a == "object":
        for key, value in legacy.items():
            child = f"{path}.{key}"
            if key not in new:
                yield Difference(Kind.MISSING, child, value, None)
            else:
                yield from walk(value, new[key], child)
        for key, value in new.items():
            if key not in legacy:
                yield Difference(Kind.EXTRA, f"{path}.{key}", None, value)
        if list(legacy) != list(new) and set(legacy) == set(new):
            yield Difference(Kind.ORDER, path, list(legacy), list(new))
    elif kind_a == "array":
        if len(legacy) != len(new):
            yield Difference(Kind.LENGTH, path, len(legacy), len(new))
        for i, (a, b) in enumerate(zip(legacy, new, strict=False)):
            yield from walk(a, b, f"{path}[{i}]")
    elif legacy != new:
        yield Difference(Kind.VALUE, path, legacy, new)


def _headers(
    legacy: Mapping[str, str], new: Mapping[str, str], rules: CompareRules
) -> Iterator[Difference]:
    for name in rules.headers:
        if name in rules.ignore_headers:
            continue
        a, b = legacy.get(name), new.get(name)
        if a != b:
            yield Difference(Kind.HEADER, f"header:{name}", a, b)


def diff(legacy: Observed, new: Observed, rules: CompareRules | None = None) -> Divergence:
    """Compare the legacy answer with the new one under a route's rules."""
    rules = rules or CompareRules()
    if legacy.error or new.error:
        sides = [
            f"legacy {legacy.error}" if legacy.error else "",
            f"new {new.error}" if new.error else "",
        ]
        return Divergence(Outcome.ERROR, error=", ".join(s for s in sides if s))
    found: list[Difference] = []
    if legacy.status != new.status:
        found.append(Difference(Kind.STATUS, "status", legacy.status, new.status))
    found.extend(_headers(legacy.headers, new.headers, rules))
    if legacy.body != new.body:
        ok_a, a = _json(legacy.body)
        ok_b, b = _json(new.body)
        if ok_a and ok_b:
            for difference in walk(a, b):
                found.append(difference)
                if len(found) >= MAX_DIFFERENCES:
                    break
        else:
            found.append(Difference(Kind.BODY, "body", len(legacy.body), len(new.body)))
    if found:
        return Divergence(Outcome.MISMATCH, tuple(found))
    return Divergence(Outcome.MATCH)
