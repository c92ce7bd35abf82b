"""Id correlation for stateful shadowing: map legacy ids to the new backend's ids (pure).

How this works. A cart flow mints ids on both sides: legacy answers masked id X, the new
service X'; item 41 on legacy is item 7 on the new side. A route declares its `correlate`
entries (routes.yaml); for each shadowed request the runner:

1. `rewrite()` — before sending the copy: replaces path parameters and body fields that carry
   a correlated legacy id with the new id from the `IdMap`. If a path parameter's id has no
   mapping (the request that created it was not shadowed, or the mapping expired) the copy is
   skipped and counted as such: comparing it would only compare two different carts.
2. `learn()` — when both answers are in: for each entry whose creating request this is
   (`on`), reads the id from both bodies (`from`) and records legacy -> new.
3. `unmap()` — before comparing: replaces the new ids in the new body with the legacy ones at
   the fields that carry them, so the two answers compare modulo the mapping.

`IdMap` holds mappings per id name with a time-to-live and a size cap (oldest dropped first);
the clock is an argument, so expiry is tested without sleeping. Field specs are JSON keys
(`item_id`, anywhere) or root paths (`$.id`, `$.items[*].quote_id`) where a key name alone
would be ambiguous.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from strangler.model import Correlation, PathTemplate

MAX_PER_ID = 100_000


class IdMap:
    """legacy id -> new id, per correlation name, expiring and bounded."""

    def __init__(self, max_per_id: int = MAX_PER_ID) -> None:
        self.max_per_id = max_per_id
        self.forward: dict[str, collections.OrderedDict[str, tuple[str, float]]] = {}
        self.backward: dict[str, dict[str, str]] = {}

    def learn(self, name: str, legacy: str, new: str, *, now: float, ttl_s: float) -> None:
        forward = self.forward.setdefault(name, collections.OrderedDict())
        backward = self.backward.setdefault(name, {})
        old = forward.pop(legacy, None)
        if old is not None:
            backward.pop(old[0], None)
        forward[legacy] = (new, now + ttl_s)
        backward[new] = legacy
        while len(forward) > self.max_per_id:
            _, (gone, _) = forward.popitem(last=False)
            backward.pop(gone, None)

    def to_new(self, name: str, legacy: str, *, now: float) -> str | None:
        forward = self.forward.get(name)
        entry = forward.get(legacy) if forward is not None else None
        if entry is None or entry[1] <= now:
            return None
        return entry[0]

    def to_legacy(self, name: str, new: str, *, now: float) -> str | None:
        legacy = self.backward.get(name, {}).get(new)
        if legacy is None or self.to_new(name, legacy, now=now) != new:
            return None
        return legacy

    def expire(self, now: float) -> int:
        """Drop expired mappings; returns how many went."""
        gone = 0
        for name, forward in self.forward.items():
            for legacy in [k for k, (_, until) in forward.items() if until <= now]:
                new, _ = forward.pop(legacy)
                self.backward.get(name, {}).pop(new, None)
                gone += 1
        return gone


@dataclass(frozen=True, slots=True)
class Rewritten:
    target: str
    body: Any  # the JSON body with ids replaced (or the original object when unchanged)
    changed: bool


@dataclass(frozen=True, slots=True)
class Skip:
    reason: str  # e.g. "uncorrelated:cartId"


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str):
        return str(value)
    return None


def _cast_like(original: Any, text: str) -> Any:
    if isinstance(original, int) and not isinstance(original, bool) and text.lstrip("-").isdigit():
        return int(text)
    return text


def _field_specs(entries: Iterable[Correlation]) -> list[tuple[Correlation, tuple[str, ...]]]:
    """(entry, spec) pairs: a spec is ("key",) or a root path like ("$", "items", "*", "id")."""
    out = []
    for entry in entries:
        for spec in entry.fields:
            if spec.startswith("$"):
                parts = spec.replace("[*]", ".*").replace("[", ".").replace("]", "").split(".")
                out.append((entry, tuple(p for p in parts if p)))
            else:
                out.append((entry, (spec,)))
    return out


def _matches(spec: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if spec[0] != "$":
        return bool(path) and path[-1] == spec[0]
    rest = spec[1:]
    return len(rest) == len(path) and all(s in ("*", p) for s, p in zip(rest, path, strict=True))


def _map_values(
    value: Any, path: tuple[str, ...], specs: list[tuple[Correlation, tuple[str, ...]]], lookup: Any
) -> tuple[Any, bool]:
    """Walk a JSON value, replacing scalars at matching fields via `lookup(entry, text)`."""
    if isinstance(value, Mapping):
        changed = False
        out: dict[str, Any] = {}
        for key, item in value.items():
            out[key], hit = _map_values(item, (*path, key), specs, lookup)
            changed = changed or hit
        return (out, True) if changed else (value, False)
    if isinstance(value, list):
        items = [_map_values(item, (*path, "*"), specs, lookup) for item in value]
        if any(hit for _, hit in items):
            return [item for item, _ in items], True
        return value, False
    text = _text(value)
    if text is None:
        return value, False
    for entry, spec in specs:
        if _matches(spec, path):
            mapped = lookup(entry, text)
            if mapped is not None and mapped != text:
                return _cast_like(value, mapped), True
    return value, False


def rewrite(
    entries: Sequence[Correlation],
    params: Mapping[str, str],
    target: str,
    body: Any,
    ids: IdMap,
    *,
    now: float,
) -> Rewritten | Skip:
    """The copy's target and JSON body with legacy ids replaced by the new backend's."""
    replacements: dict[str, str] = {}
    for entry in entries:
        if entry.param is None or entry.param not in params:
            continue
        legacy = params[entry.param]
        new = ids.to_new(entry.id, legacy, now=now)
        if new is None:
            return Skip(f"uncorrelated:{entry.id}")
        replacements[legacy] = new
    path, sep, query = target.partition("?")
    segments = path.split("/")
    rebuilt = [replacements.get(s, s) for s in segments]
    new_target = "/".join(rebuilt) + (sep + query if sep else "")
    specs = _field_specs(entries)
    new_body, changed = (
        (body, False)
        if body is None
        else _map_values(body, (), specs, lambda entry, text: ids.to_new(entry.id, text, now=now))
    )
    return Rewritten(new_target, new_body, changed or new_target != target)


def _extract(body: Any, keys: tuple[str, ...]) -> str | None:
    value = body
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return _text(value)


def creates(entry: Correlation, method: str, segments: tuple[str, ...]) -> bool:
    """Whether this request is one that mints the entry's id."""
    if entry.on_method is not None and entry.on_method != method:
        return False
    return entry.on_path is None or _template_accepts(entry.on_path, segments)


def _template_accepts(template: PathTemplate, segments: tuple[str, ...]) -> bool:
    return template.match(segments) is not None


def learn(
    entries: Sequence[Correlation],
    method: str,
    segments: tuple[str, ...],
    legacy_body: Any,
    new_body: Any,
    ids: IdMap,
    *,
    now: float,
) -> list[str]:
    """Record legacy -> new for every entry this request creates; the names learned."""
    learned = []
    for entry in entries:
        if not creates(entry, method, segments):
            continue
        legacy = _extract(legacy_body, entry.source)
        new = _extract(new_body, entry.source)
        if legacy is not None and new is not None:
            ids.learn(entry.id, legacy, new, now=now, ttl_s=entry.ttl_s)
            learned.append(entry.id)
    return learned


def legacy_ids(
    entries: Sequence[Correlation], method: str, segments: tuple[str, ...], legacy_body: Any
) -> list[str]:
    """The ids a creating request minted on legacy (they key the flow it starts)."""
    found = []
    for entry in entries:
        if creates(entry, method, segments):
            value = _extract(legacy_body, entry.source)
            if value is not None:
                found.append(value)
    return found


def unmap(entries: Sequence[Correlation], new_body: Any, ids: IdMap, *, now: float) -> Any:
    """The new answer with its ids replaced by the legacy ones where a mapping is known."""
    specs = _field_specs(entries)
    if not isinstance(new_body, Mapping | list):  # a bare id (POST guest-carts answers one)
        text = _text(new_body)
        for entry in entries:
            legacy = ids.to_legacy(entry.id, text, now=now) if text is not None else None
            if legacy is not None and entry.source == ():
                return _cast_like(new_body, legacy)
        return new_body
    mapped, _ = _map_values(
        new_body, (), specs, lambda entry, text: ids.to_legacy(entry.id, text, now=now)
    )
    return mapped
