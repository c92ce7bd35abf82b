"""Reconcile the new catalog with legacy: counts, checksums, fields and value rows per store.

How this works: for each store view, legacy's products are read in id-ordered batches (the
same readers and documents the ETL uses, so a row is recomputed exactly as the ETL would write
it) and the new catalog's rows of the same id range (lo, hi] are read beside them; the last
range is open-ended, so a stray row past legacy's last id is found too. Each row goes through
`mismatches.compare_row`. Categories are few: all of a store at once. Memory holds one batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import pymysql
import pymysql.cursors

from legacy_adapters import readers
from legacy_adapters.mapping import CatalogMeta
from new_services.catalog import documents
from scripts.catalog import extract, sql, target
from scripts.catalog.mismatches import Count, Legacy, Mismatch, Report, Stored, compare_row

Conn: TypeAlias = "pymysql.Connection[Any]"
Progress = Callable[[str, int, int], None]


def _grouped(rows: list[dict[str, Any]]) -> Mapping[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[int(row["entity_id"])].append(row)
    return out


def _stored_products(conn: Conn, store_id: int, lo: int, hi: int | None) -> dict[int, Stored]:
    params = (store_id, lo, hi, hi)
    values = _grouped(target.fetch(conn, sql.PRODUCT_VALUE_RANGE, params))
    return {
        int(r["entity_id"]): Stored(
            r["sku"], _bytes(r["document"]), r["checksum"], values.get(int(r["entity_id"]), [])
        )
        for r in target.fetch(conn, sql.PRODUCT_RANGE, params)
    }


def _bytes(document: str | bytes) -> bytes:
    return document.encode() if isinstance(document, str) else document


def _legacy_products(
    conn: Conn, ids: list[int], store_id: int, meta: CatalogMeta
) -> dict[int, Legacy]:
    good, broken = extract.read_products(conn, ids, store_id=store_id, meta=meta)
    out = {
        p.entity_id: Legacy(
            p.sku,
            documents.product_document(p),
            documents.product_values(p, meta.product),
        )
        for p in good
    }
    for b in broken:
        out[b.entity_id] = Legacy("?", None, error=f"{b.attribute}: {b.message}")
    return out


def _products(
    legacy: Conn, catalog: Conn, store_id: int, meta: CatalogMeta, batch_size: int
) -> tuple[Count, list[Mismatch]]:
    found: list[Mismatch] = []
    after, legacy_n, new_n = 0, 0, 0
    while True:
        ids = readers.product_ids_since(legacy, after=after, since=None, limit=batch_size)
        hi = ids[-1] if len(ids) == batch_size else None
        old = _legacy_products(legacy, ids, store_id, meta)
        new = _stored_products(catalog, store_id, after, hi)
        legacy_n, new_n = legacy_n + len(old), new_n + len(new)
        for entity_id in sorted(old.keys() | new.keys()):
            found += compare_row(
                store_id, "product", entity_id, old.get(entity_id), new.get(entity_id)
            )
        if hi is None:
            return Count(store_id, "product", legacy_n, new_n), found
        after = hi


def _categories(
    legacy: Conn, catalog: Conn, store_id: int, website_id: int, meta: CatalogMeta
) -> tuple[Count, list[Mismatch]]:
    old = {
        c.entity_id: Legacy(
            str(c.entity_id),
            documents.category_document(c),
            documents.category_values(c, meta.category),
        )
        for c in readers.categories(
            legacy, store_id=store_id, website_id=website_id, meta=meta
        ).values()
    }
    values = _grouped(target.fetch(catalog, sql.CATEGORY_VALUE_ROWS, (store_id,)))
    new = {
        int(r["entity_id"]): Stored(
            str(r["entity_id"]),
            _bytes(r["document"]),
            r["checksum"],
            values.get(int(r["entity_id"]), []),
        )
        for r in target.fetch(catalog, sql.CATEGORY_ROWS, (store_id,))
    }
    found: list[Mismatch] = []
    for entity_id in sorted(old.keys() | new.keys()):
        found += compare_row(
            store_id, "category", entity_id, old.get(entity_id), new.get(entity_id)
        )
    return Count(store_id, "category", len(old), len(new)), found


def reconcile(
    legacy: Conn, catalog: Conn, *, batch_size: int = 500, progress: Progress | None = None
) -> Report:
    """Compare every store view's products and categories; see the module docstring."""
    meta = readers.catalog_meta(legacy)
    stores = readers.stores(legacy)
    counts: list[Count] = []
    found: list[Mismatch] = []
    for i, store in enumerate(stores):
        for count, mismatches in (
            _products(legacy, catalog, store.store_id, meta, batch_size),
            _categories(legacy, catalog, store.store_id, store.website_id, meta),
        ):
            counts.append(count)
            found.extend(mismatches)
        if progress is not None:
            progress("stores", i + 1, len(stores))
    known = {s.store_id for s in stores}
    for store_id in sorted(set(target.product_stores(catalog)) - known):  # a store gone
        [row] = target.fetch(catalog, sql.PRODUCT_COUNT, (store_id,))
        counts.append(Count(store_id, "product", 0, int(row["n"])))
    return Report(tuple(counts), tuple(found))
