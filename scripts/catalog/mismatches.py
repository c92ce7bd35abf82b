"""Reconciliation's comparison and report (pure): legacy's records vs the new catalog's rows.

How this works: for every store view and entity (product, category) the reader hands over,
row by row, what legacy says (the record rendered as a document, or why it cannot be mapped)
and what the new catalog stores (document, checksum, typed value rows). `compare_row()` finds:

    missing     in legacy, not in the new catalog
    stray       in the new catalog, not in legacy
    corrupt     the stored document does not match its own checksum (edited in the new DB)
    stale       document and checksum agree with each other but not with legacy
    values      product_value / category_value rows disagree with the legacy record
    unreadable  legacy's row cannot be mapped (the ETL skipped it); the new catalog has a row

and, for corrupt and stale rows, the fields that differ (both documents decoded and flattened:
`price: legacy 34.000000 new 99.000000`). `render()` writes the readable report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from new_services.catalog import documents


@dataclass(frozen=True, slots=True)
class FieldDiff:
    path: str
    legacy: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Mismatch:
    store_id: int
    entity: str  # product | category
    entity_id: int
    key: str  # the SKU of a product, the id of a category
    kind: str  # missing | stray | corrupt | stale | values | unreadable
    fields: tuple[FieldDiff, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Count:
    store_id: int
    entity: str
    legacy: int
    new: int


@dataclass(frozen=True, slots=True)
class Stored:
    """One row of `product` / `category` and its value rows."""

    key: str
    document: bytes
    checksum: str
    values: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True, slots=True)
class Legacy:
    """What legacy says about one row: its document and value rows, or why it has none."""

    key: str
    document: bytes | None
    values: Sequence[Mapping[str, Any]] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    counts: tuple[Count, ...]
    mismatches: tuple[Mismatch, ...] = field(default_factory=tuple)

    @property
    def clean(self) -> bool:
        return not self.mismatches and all(c.legacy == c.new for c in self.counts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "counts": [asdict(c) for c in self.counts],
            "mismatches": [asdict(m) for m in self.mismatches],
        }


# ---------------------------------------------------------------- one row


def compare_row(
    store_id: int, entity: str, entity_id: int, legacy: Legacy | None, stored: Stored | None
) -> list[Mismatch]:
    """Every disagreement about one row (both sides absent: none)."""
    key = legacy.key if legacy is not None else stored.key if stored is not None else ""
    at = (store_id, entity, entity_id, key)
    if stored is None:
        return [] if legacy is None else [Mismatch(*at, "missing", note=legacy.error or "")]
    if legacy is None:
        return [Mismatch(*at, "stray")]
    if legacy.document is None:
        return [Mismatch(*at, "unreadable", note=legacy.error or "")]
    out = []
    own = documents.checksum(stored.document)
    if own != stored.checksum or own != documents.checksum(legacy.document):
        kind = "corrupt" if own != stored.checksum else "stale"
        out.append(Mismatch(*at, kind, field_diffs(legacy.document, stored.document)))
    value_diffs = compare_values(legacy.values, stored.values)
    if value_diffs:
        out.append(Mismatch(*at, "values", value_diffs))
    return out


# ---------------------------------------------------------------- documents


def _flatten(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k in sorted(value):
            yield from _flatten(value[k], f"{path}.{k}" if path else k)
    elif (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and "code" in v for v in value)
    ):  # custom_attributes: by code, not position
        for v in value:
            yield from _flatten(v.get("value"), f"{path}.{v['code']}")
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from _flatten(v, f"{path}[{i}]")
    else:
        yield path, value


def field_diffs(legacy_doc: bytes, new_doc: bytes) -> tuple[FieldDiff, ...]:
    """The fields two documents disagree on (a document that is not JSON: one `$` diff)."""
    try:
        new = dict(_flatten(orjson.loads(new_doc), ""))
    except orjson.JSONDecodeError:
        return (FieldDiff("$", "(a document)", "(not JSON)"),)
    old = dict(_flatten(orjson.loads(legacy_doc), ""))
    return tuple(
        FieldDiff(path, old.get(path), new.get(path))
        for path in sorted(old.keys() | new.keys())
        if old.get(path) != new.get(path)
    )


# ---------------------------------------------------------------- typed value rows


def _normal(column: str, value: Any) -> Any:
    """One comparable form for a value as expected (text) and as stored (typed column)."""
    if value is None:
        return None
    if column == "value_decimal":
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
    if column == "value_int":
        return str(int(value)) if str(value).lstrip("-").isdigit() else str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _by_code(values: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, Any]]:
    out = {}
    for row in values:
        column = next((k for k in documents.VALUE_KEYS if row.get(k) is not None), "value_varchar")
        out[str(row["code"])] = (column, _normal(column, row.get(column)))
    return out


def compare_values(
    expected: Sequence[Mapping[str, Any]], stored: Sequence[Mapping[str, Any]]
) -> tuple[FieldDiff, ...]:
    want, have = _by_code(expected), _by_code(stored)
    return tuple(
        FieldDiff(
            code,
            None if want.get(code) is None else str(want[code][1]),
            None if have.get(code) is None else str(have[code][1]),
        )
        for code in sorted(want.keys() | have.keys())
        if want.get(code) != have.get(code)
    )


# ---------------------------------------------------------------- report

PLURAL = {"product": "products", "category": "categories"}
NOTES = {
    "missing": "in legacy, not in the new catalog",
    "stray": "in the new catalog, not in legacy",
    "corrupt": "stored document does not match its checksum",
    "stale": "stored row differs from legacy",
    "values": "value rows differ from legacy",
    "unreadable": "legacy row cannot be mapped; the new catalog keeps an old copy",
}


def render(report: Report) -> str:
    lines = [
        f"{PLURAL[c.entity]} store {c.store_id}: legacy {c.legacy}, new {c.new}"
        + ("" if c.legacy == c.new else "  COUNT MISMATCH")
        for c in report.counts
    ]
    for m in report.mismatches:
        note = f" ({m.note})" if m.note else ""
        lines.append(
            f"{m.kind.upper()} {m.entity} {m.key} (id {m.entity_id}) store {m.store_id}: "
            f"{NOTES[m.kind]}{note}"
        )
        lines.extend(f"    {d.path}: legacy {d.legacy} new {d.new}" for d in m.fields)
    verdict = "clean" if report.clean else f"{len(report.mismatches)} mismatches"
    lines.append(f"reconciliation: {verdict}")
    return "\n".join(lines)
