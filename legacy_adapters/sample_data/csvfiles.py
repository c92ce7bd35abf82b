"""Reading Magento's fixture CSVs: header-keyed rows, UTF-8, multi-line quoted cells."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path


def rows(path: Path) -> Iterator[dict[str, str]]:
    """Data rows of a fixture CSV as dicts; missing cells read as ''."""
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield {k: (v if v is not None else "") for k, v in row.items() if k is not None}


def count_rows(path: Path) -> int:
    """Data rows in a CSV (a multi-line quoted cell counts once)."""
    return sum(1 for _ in rows(path))


def lines(cell: str) -> list[str]:
    """A newline-separated multi-value cell; empty entries dropped."""
    return [part for part in cell.replace("\r", "").split("\n") if part != ""]


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def url_key(name: str) -> str:
    """Magento's `formatUrlKey`: transliterated, lower case, non-alphanumerics as '-'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")
