"""What an ETL run reports: frozen values, rendered as JSON by the command."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Broken(NamedTuple):
    """A legacy product that could not be mapped: skipped (not written) and reported."""

    entity_id: int
    attribute: str | None  # the attribute code whose value cannot be decoded, when found
    message: str


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """Rows written per store view (a product changed in two stores is two rows)."""

    store_id: int
    products_written: int = 0
    products_unchanged: int = 0
    categories_written: int = 0
    categories_deleted: int = 0


@dataclass(frozen=True, slots=True)
class EtlSummary:
    """One run. Product and category counts are distinct entities (over all store views);
    `stores` has the per-store row counts."""

    products_written: int
    products_unchanged: int
    products_deleted: int
    categories_written: int
    categories_deleted: int
    broken: list[Broken]
    duration_s: float
    full: bool = False
    resumed_from: int = 0  # the checkpoint an interrupted run continued from (0: none)
    watermark: str | None = None  # legacy updated_at migrated up to, after this run
    stores: tuple[StoreSummary, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["broken"] = [b._asdict() for b in self.broken]
        return out
