"""Sample-data values -> EAV column values (pure): option labels to ids, dates, decimals.

How this works: `convert()` takes an attribute's metadata and the value as the CSV wrote it and
returns `(backend_table, value)` or raises `BadValue` naming what was wrong; the loader records
that as a warning with the SKU and carries on. Option labels are looked up in a mutable
`OptionIndex` that the loader fills with options it had to create for labels the attribute
definitions did not list (Magento's importer rejects those; the sample-data installer adds
them), and reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from legacy_adapters.records import Attribute

BOOLEAN = {"1": 1, "yes": 1, "true": 1, "0": 0, "no": 0, "false": 0}
VARCHAR_LIMIT = 255
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%m/%d/%y", "%m/%d/%Y", "%m/%d/%y %H:%M")


class BadValue(ValueError):
    """A CSV value that cannot be stored for its attribute."""


@dataclass(slots=True)
class OptionIndex:
    """attribute_id -> option label -> option_id; `create` adds a missing option."""

    by_attribute: dict[int, dict[str, int]]
    create: Callable[[int, str], int]
    created: list[tuple[str, str]] = field(default_factory=list)

    def option_id(self, attr: Attribute, label: str) -> int:
        options = self.by_attribute.setdefault(attr.attribute_id, {})
        if label in options:
            return options[label]
        lowered = {k.lower(): v for k, v in options.items()}
        if label.lower() in lowered:
            return lowered[label.lower()]
        option_id = self.create(attr.attribute_id, label)
        options[label] = option_id
        self.created.append((attr.code, label))
        return option_id


def parse_date(text: str) -> str:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
    raise BadValue(f"not a date: {text!r}")


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BadValue(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise BadValue(f"not a number: {text!r}")
    return value


def convert(
    attr: Attribute, raw: str, options: OptionIndex, tax_classes: dict[str, int]
) -> tuple[str, object]:
    """(value table, column value) for one attribute value as written in the CSV."""
    table = attr.backend_type
    if attr.code == "tax_class_id":
        if raw.strip().isdigit():
            return table, int(raw)
        if raw in tax_classes:
            return table, tax_classes[raw]
        if raw.strip().lower() == "none":
            return table, 0
        raise BadValue(f"unknown tax class {raw!r}")
    if attr.frontend_input == "boolean" or (
        table == "int" and raw.strip().lower() in BOOLEAN and attr.frontend_input != "select"
    ):
        flag = BOOLEAN.get(raw.strip().lower())
        if flag is None:
            raise BadValue(f"not a yes/no value: {raw!r}")
        return table, flag
    if attr.frontend_input == "multiselect":
        labels = [v for v in raw.split("\n") if v.strip()]
        return table, ",".join(str(options.option_id(attr, v)) for v in labels)
    if attr.frontend_input == "select" and table == "int":
        if raw.strip().isdigit() and attr.code in ("status", "visibility"):
            return table, int(raw)
        return table, options.option_id(attr, raw)
    if table == "int":
        try:
            return table, int(raw)
        except ValueError:
            raise BadValue(f"not an integer: {raw!r}") from None
    if table == "decimal":
        return table, _decimal(raw)
    if table == "datetime":
        return table, parse_date(raw)
    if table == "varchar" and len(raw) > VARCHAR_LIMIT:
        raise BadValue(f"longer than {VARCHAR_LIMIT} characters")
    return table, raw
