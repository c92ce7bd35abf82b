"""diff(legacy, new, rules) -> Divergence: do two answers to one request agree? (pure)

How this works: an upstream failure is data — if either side has no answer the outcome is
`error` (two timeouts agree, but still count as errors, as Scientist treats candidate
exceptions). Otherwise statuses, the headers the route compares (case-insensitive names;
`ignore_headers` never) and the bodies are compared. Identical bytes are a match without
parsing. Two JSON bodies are parsed with orjson and walked structurally into a closed set of
difference kinds (`Kind`) at flattened paths (`$.items[2].price`); anything else is compared
as bytes (`body`). Every difference found is either *mismatched* (it makes the outcome) or
*ignored* (excused by the route's rules: kept visible with a note saying which rule, never
counted).

The walk stays cheap on the proxy's shadow path: a subtree that is equal by Python's C-level
`==` and serialises to the same bytes (same key order, `true` is not `1`, `34` is not `34.0`)
cannot hold a difference and is skipped whole, so Python-level work is spent only along the
branches that differ. Where `==` holds but the bytes do not, only key order and number/bool
types can differ, and `settle` checks just those, by type and serialisation. The path is
carried as a tuple of segments (`strangler.jsonpath`) and formatted only when a difference is
reported; a route's patterns are parsed once per `CompareRules` object (`compile_rules`, cached
by identity) and matched against tuples.

Rules (routes.yaml `compare:`), each keyed by a path pattern (`$.items[*].price`, `$..updated_at`):

- `ignore`: differences at or under the path go to `ignored`.
- `tolerance`: numbers at or under the path with |legacy - new| <= tolerance are excused.
- `normalize`: a named normaliser (`NORMALIZERS`: timestamp, masked_id, jwt, report_id, uuid,
  number) is applied to both values at or under the path; equal afterwards is excused. Applying
  it where the values differ (rather than to both documents up front) gives the same verdict
  and keeps the volatile values visible in `ignored`.
- `keyed`: the array at the path is a map by that field; elements are matched by key and
  reported at `$.custom_attributes[attribute_code=color].value`; unmatched ones are `missing`
  / `extra`; a different order is reported as `order` in `ignored` (CONTRACT.md §10.1: the
  order of `custom_attributes` is not reproducible by design), also under `exact`. A repeated
  key pairs its occurrences in order (`[sku=A#2]`); an array where some element has no such
  key is compared by position instead.
- `unordered`: the array at the path is a multiset: elements pair off with an equal element
  (equal under the rules) wherever it is; the rest are `missing` (legacy index) or `extra`
  (new index), each carrying the element.

Defaults and `exact`. By default JSON *values* are compared, with Magento's PHP quirks
understood: `34` and `34.0` agree (PHP drops a zero fraction, a Python service may not), and
encoding differences that leave the values equal (`\\/` vs `/`, `\\u00e9` vs `é`, spacing)
are not differences. Key order of objects IS a mismatch (`order`) by default: Magento's key
order is the getter order of the PHP data interface (CONTRACT.md §1.4, §15.4 and §15.11: order
must match exactly), so a service that orders differently is wrong, not noisy. `exact: true`
asks for byte-exactness on top: an int/float pair with equal values (`34` vs `34.0`) is a
`value` difference with a note; and when the bodies' bytes differ, a `body` difference
describes the first encoding difference — either between the two bodies when their values are
all equal, or between the new body and what PHP `json_encode` would print for its own values
(when legacy's body is that canonical encoding), so an encoding bug is not hidden by an
ignored `updated_at`. (When `34` vs `34.0` differences were reported, they already explain
the bytes and no `body` difference is added.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from legacy_adapters.magento_wire import phpjson
from strangler.compare_rules import NORMALIZERS, CompiledRules, compile_rules
from strangler.differences import Difference, Divergence, Kind, Outcome
from strangler.jsonpath import Element, Path, format_path
from strangler.model import CompareRules, Observed

__all__ = [
    "NORMALIZERS",
    "CompiledRules",
    "Difference",
    "Divergence",
    "Kind",
    "Outcome",
    "compile_rules",
    "diff",
]

MAX_DIFFERENCES = 50


# ------------------------------------------------------------------------------------ the walk


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


_CONTAINERS = (dict, list)
_dumps = orjson.dumps


def _same(a: Any, b: Any) -> bool:
    """True when two parsed values cannot hold any difference (C-speed checks only).

    `==` fails fast on the first unequal member, but calls `1` equal to `true` and `34` to `34.0`
    and ignores key order; equal serialisations rule those out. The walk's loops inline this.
    """
    if a != b or type(a) is not type(b):
        return False
    return type(a) not in _CONTAINERS or _dumps(a) == _dumps(b)


_ABSENT = object()


class _Walk:
    """One structural comparison: collects mismatched and ignored differences."""

    __slots__ = ("ignored", "limit", "mismatched", "numbers", "root", "rules")

    def __init__(self, rules: CompiledRules, root: str = "$", limit: int = MAX_DIFFERENCES) -> None:
        self.rules = rules
        self.root = root
        self.limit = limit
        self.mismatched: list[Difference] = []
        self.ignored: list[Difference] = []
        self.numbers = False  # (exact) an int/float pair with equal values was reported

    @property
    def full(self) -> bool:
        return len(self.mismatched) >= self.limit

    def report(self, kind: Kind, path: Path, legacy: Any, new: Any, note: str = "") -> None:
        excuse = self.rules.excuse(kind, path, legacy, new)
        if excuse is not None:
            self.excused(kind, path, legacy, new, f"{excuse}; {note}" if note else excuse)
        elif not self.full:
            self.mismatched.append(
                Difference(kind, format_path(path, self.root), legacy, new, note)
            )

    def excused(self, kind: Kind, path: Path, legacy: Any, new: Any, note: str) -> None:
        if len(self.ignored) < self.limit:
            self.ignored.append(Difference(kind, format_path(path, self.root), legacy, new, note))

    def value(self, a: Any, b: Any, path: Path) -> None:
        kind = type(a)
        if kind is type(b):
            if kind is dict:
                self.object(a, b, path)
            elif kind is list:
                self.array(a, b, path)
            elif a != b:
                self.report(Kind.VALUE, path, a, b)
            return
        kind_a, kind_b = _kind_of(a), _kind_of(b)
        if kind_a != kind_b:
            self.report(Kind.TYPE, path, a, b)
        elif kind_a == "number" and a != b:
            self.report(Kind.VALUE, path, a, b)
        elif kind_a == "number" and self.rules.exact:
            self.numbers = True
            self.report(Kind.VALUE, path, a, b, "same number, different representation")

    def start(self, a: Any, b: Any) -> None:
        """Compare two whole documents."""
        if a == b and type(a) is type(b) and type(a) in _CONTAINERS:
            self.settle(a, b, ())  # equal values: only order and number types can differ
        else:
            self.value(a, b, ())

    def object(self, a: dict[str, Any], b: dict[str, Any], path: Path) -> None:
        missing = 0
        for key, va in a.items():
            vb = b.get(key, _ABSENT)
            if va == vb and type(va) is type(vb):  # inlined _same: the hot path
                if (type(va) is dict or type(va) is list) and _dumps(va) != _dumps(vb):
                    self.settle(va, vb, (*path, key))
                continue
            if vb is _ABSENT:
                missing += 1
                self.report(Kind.MISSING, (*path, key), va, None)
            else:
                self.value(va, vb, (*path, key))
            if self.full:
                return
        if len(b) > len(a) - missing:
            for key, vb in b.items():
                if key not in a:
                    self.report(Kind.EXTRA, (*path, key), None, vb)
        self.key_order(a, b, path)

    def key_order(self, a: dict[str, Any], b: dict[str, Any], path: Path) -> None:
        if list(a) != list(b):
            common_a = [k for k in a if k in b]
            if common_a != [k for k in b if k in a]:
                self.report(Kind.ORDER, path, list(a), list(b))

    def settle(self, a: Any, b: Any, path: Path) -> None:
        """Differences between two containers Python calls equal (`a == b`).

        Only what `==` overlooks can differ: key order, `true` vs `1`, `34` vs `34.0`; so
        children are checked by type and serialisation alone, never by `==` again.
        """
        if type(a) is list and (self.rules.keyed or self.rules.unordered):
            self.array(a, b, path)  # keyed and unordered arrays name their elements otherwise
            return
        pairs = a.items() if type(a) is dict else enumerate(a)
        other = b if type(b) is dict else dict(enumerate(b))
        for key, va in pairs:
            vb = other[key]
            if type(va) is not type(vb):
                self.value(va, vb, (*path, key))
            elif type(va) in _CONTAINERS and _dumps(va) != _dumps(vb):
                self.settle(va, vb, (*path, key))
        if type(a) is dict:
            self.key_order(a, b, path)

    def array(self, a: list[Any], b: list[Any], path: Path) -> None:
        if self.rules.keyed or self.rules.unordered:
            field = self.rules.keyed_field(path)
            if field is not None and self.keyed(a, b, path, field):
                return
            if self.rules.is_unordered(path):
                self.unordered(a, b, path)
                return
        self.positional(a, b, path)

    def positional(self, a: list[Any], b: list[Any], path: Path) -> None:
        if len(a) != len(b):
            self.report(Kind.LENGTH, path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x == y and type(x) is type(y):  # inlined _same
                if (type(x) is dict or type(x) is list) and _dumps(x) != _dumps(y):
                    self.settle(x, y, (*path, i))
                continue
            self.value(x, y, (*path, i))
            if self.full:
                return

    def keyed(self, a: list[Any], b: list[Any], path: Path, field: str) -> bool:
        """Compare as a map by `field`; False (nothing reported) if an element has no key."""
        by_a, by_b = _by_key(a, field), _by_key(b, field)
        if by_a is None or by_b is None:
            return False
        repeats = len(by_a) != len(a) or len(by_b) != len(b)
        if repeats:  # a key occurs twice: pair its occurrences in order
            by_a, by_b = _by_key_and_nth(a, field), _by_key_and_nth(b, field)
        if by_a.keys() == by_b.keys() and _dumps(list(by_a.values())) == _dumps(
            [by_b[key] for key in by_a]
        ):  # the same elements, perhaps in another order: two C calls instead of a loop
            self.keyed_order(by_a, by_b, path, field, repeats)
            return True
        for key, x in by_a.items():
            y = by_b.get(key, _ABSENT)
            if y is _ABSENT:
                self.report(Kind.MISSING, (*path, _element(field, key, repeats)), x, None)
            elif not _same(x, y):
                self.value(x, y, (*path, _element(field, key, repeats)))
            if self.full:
                return True
        for key, y in by_b.items():
            if key not in by_a:
                self.report(Kind.EXTRA, (*path, _element(field, key, repeats)), None, y)
        self.keyed_order(by_a, by_b, path, field, repeats)
        return True

    def keyed_order(
        self, by_a: dict[Any, Any], by_b: dict[Any, Any], path: Path, field: str, repeats: bool
    ) -> None:
        if list(by_a) != list(by_b):
            order_a = [k for k in by_a if k in by_b]
            order_b = [k for k in by_b if k in by_a]
            if order_a != order_b:
                note = f"keyed by {field}: element order is not compared"
                self.excused(
                    Kind.ORDER, path, _keys(order_a, repeats), _keys(order_b, repeats), note
                )

    def unordered(self, a: list[Any], b: list[Any], path: Path) -> None:
        """Compare as a multiset: pair equal elements wherever they are."""
        spare: dict[bytes, list[int]] = {}
        for j, y in enumerate(b):
            spare.setdefault(_canonical(y), []).append(j)
        left: list[int] = []
        for i, x in enumerate(a):
            found = spare.get(_canonical(x))
            if found:
                y = b[found.pop(0)]
                if not _same(x, y):
                    self.value(x, y, (*path, i))  # may differ in key order or 34 vs 34.0
            else:
                left.append(i)
        rest = sorted(j for found in spare.values() for j in found)
        for i in left:
            paired = self._agreeing(a[i], [b[j] for j in rest], (*path, i))
            if paired is None:
                self.report(Kind.MISSING, (*path, i), a[i], None)
            else:
                del rest[paired]
        for j in rest:
            self.report(Kind.EXTRA, (*path, j), None, b[j])

    def _agreeing(self, x: Any, candidates: list[Any], path: Path) -> int | None:
        """Index of the first candidate that differs from x only in excused ways."""
        for j, y in enumerate(candidates):
            trial = _Walk(self.rules, self.root, self.limit)
            trial.value(x, y, path)
            if not trial.mismatched:
                for d in trial.ignored:
                    if len(self.ignored) < self.limit:
                        self.ignored.append(d)
                return j
        return None


def _by_key(items: list[Any], field: str) -> dict[Any, Any] | None:
    """Elements by their key field's value; None if one is not an object with a scalar key."""
    try:
        return dict(zip([item[field] for item in items], items, strict=True))
    except (TypeError, KeyError, IndexError):  # not an object, no such field, unhashable key
        return None


def _by_key_and_nth(items: list[Any], field: str) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    seen: dict[Any, int] = {}
    for item in items:
        key = item[field]
        nth = seen.get(key, 0)
        seen[key] = nth + 1
        out[(key, nth)] = item
    return out


def _element(field: str, key: Any, repeats: bool) -> Element:
    return Element(field, key[0], key[1]) if repeats else Element(field, key)


def _keys(keys: list[Any], repeats: bool) -> list[Any]:
    if not repeats:
        return keys
    return [value if nth == 0 else f"{value}#{nth + 1}" for value, nth in keys]


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def walk(
    legacy: Any, new: Any, path: str = "$", rules: CompareRules | None = None
) -> Iterator[Difference]:
    """The mismatched differences between two parsed JSON values, at flattened paths."""
    found = _Walk(compile_rules(rules or _DEFAULT), root=path, limit=2**62)
    found.start(legacy, new)
    yield from found.mismatched


# ------------------------------------------------------------------------- bodies and headers


def _json(body: bytes) -> tuple[bool, Any]:
    try:
        return True, orjson.loads(body)
    except orjson.JSONDecodeError:
        return False, None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def _headers(
    legacy: Mapping[str, str], new: Mapping[str, str], rules: CompiledRules
) -> Iterator[Difference]:
    for name in rules.headers:
        a, b = _header(legacy, name), _header(new, name)
        if a != b:
            yield Difference(Kind.HEADER, f"header:{name}", a, b)


def _bodies(legacy: bytes, new: bytes, rules: CompiledRules) -> _Walk:
    found = _Walk(rules)
    ok_a, a = _json(legacy)
    ok_b, b = _json(new)
    if not (ok_a and ok_b):
        found.mismatched.append(Difference(Kind.BODY, "body", len(legacy), len(new)))
        return found
    found.start(a, b)
    if rules.exact and not found.full and not found.numbers:  # numbers explain the bytes
        encoding = _encoding(legacy, new, a, b, not (found.mismatched or found.ignored))
        if encoding is not None:
            found.mismatched.append(encoding)
    return found


# ------------------------------------------------------------------ exact: encoding differences

_WHITESPACE = frozenset(b" \t\r\n")
_NUMBER = frozenset(b"0123456789.eE+-")
_EXCERPT = 24


def _php(value: Any) -> bytes | None:
    try:
        return phpjson.encode(value)
    except (TypeError, ValueError):
        return None


def _encoding(legacy: bytes, new: bytes, a: Any, b: Any, values_equal: bool) -> Difference | None:
    """(exact) How the new body's bytes differ where its values do not explain it."""
    if values_equal:
        return _first_byte_difference(legacy, new, "same JSON values, different bytes")
    canonical = _php(b)
    if canonical is None or canonical == new or _php(a) != legacy:
        return None
    return _first_byte_difference(canonical, new, "new body is not PHP json_encode output")


def _first_byte_difference(expected: bytes, got: bytes, what: str) -> Difference:
    at = next(
        (i for i, (x, y) in enumerate(zip(expected, got, strict=False)) if x != y),
        min(len(expected), len(got)),
    )
    cause = _encoding_cause(expected, got, at)
    return Difference(
        Kind.BODY,
        "body",
        _excerpt(expected, at),
        _excerpt(got, at),
        f"{what}: {cause} at byte {at}",
    )


def _encoding_cause(expected: bytes, got: bytes, at: int) -> str:
    x, y = expected[at : at + 2], got[at : at + 2]
    if (x[:1] and x[0] in _WHITESPACE) or (y[:1] and y[0] in _WHITESPACE):
        return "whitespace"
    if {x, y[:1]} == {b"\\/", b"/"} or {y, x[:1]} == {b"\\/", b"/"}:
        return "'/' escaping (PHP writes \\/)"
    if b"\\u" in (x, y) or (x[:1] and x[0] >= 0x80) or (y[:1] and y[0] >= 0x80):
        return "unicode escaping (PHP writes \\uXXXX)"
    if (x[:1] and x[0] in _NUMBER) or (y[:1] and y[0] in _NUMBER):
        return "number format"
    return "bytes"


def _excerpt(body: bytes, at: int) -> str:
    return body[max(0, at - _EXCERPT) : at + _EXCERPT].decode("utf-8", "replace")


# -------------------------------------------------------------------------------------- diff

_DEFAULT = CompareRules()
_MATCH = Divergence(Outcome.MATCH)  # frozen: one instance serves every plain match


def _failed(legacy: Observed, new: Observed) -> Divergence:
    sides = [
        f"legacy {legacy.error}" if legacy.error else "",
        f"new {new.error}" if new.error else "",
    ]
    return Divergence(Outcome.ERROR, error=", ".join(s for s in sides if s))


def diff(legacy: Observed, new: Observed, rules: CompareRules | None = None) -> Divergence:
    """Compare the legacy answer with the new one under a route's rules."""
    if legacy.error or new.error:
        return _failed(legacy, new)
    compiled = compile_rules(rules or _DEFAULT)
    mismatched: list[Difference] = []
    ignored: list[Difference] = []
    if legacy.status != new.status:
        mismatched.append(Difference(Kind.STATUS, "status", legacy.status, new.status))
    mismatched.extend(_headers(legacy.headers, new.headers, compiled))
    if legacy.body != new.body:
        found = _bodies(legacy.body, new.body, compiled)
        mismatched.extend(found.mismatched)
        ignored.extend(found.ignored)
    if not (mismatched or ignored):
        return _MATCH
    outcome = Outcome.MISMATCH if mismatched else Outcome.MATCH
    return Divergence(outcome, tuple(mismatched[:MAX_DIFFERENCES]), ignored=tuple(ignored))
