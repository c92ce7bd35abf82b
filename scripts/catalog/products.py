"""The ETL's product stage: id-ordered batches read, rendered and written in a pipeline.

How this works: a reader thread reads batch k+1 from legacy (every store view, see `extract`),
renders every product (document, checksum, value rows) and escapes its rows into SQL literals,
while the calling thread writes batch k: it compares checksums with what is stored, and sends
only the changed rows, in one transaction that also moves the checkpoint ("every product up to
here is committed", so an interrupted run resumes after it). The writer thus spends its time
waiting on the database's inserts, and the reader does all the Python work beside it.
(Two writer connections in parallel were measured too: no faster on the two-core bench
machine, and they risked lock waits between batches; not kept.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pymysql

from legacy_adapters.mapping import CatalogMeta
from legacy_adapters.records import Product, Store
from scripts.catalog import extract, rows, state, target
from scripts.catalog.model import Broken

Conn: TypeAlias = "pymysql.Connection[Any]"
Read = list[tuple[Store, list[Product], list[Broken]]]


@dataclass(slots=True)
class Written:
    """What one committed batch did."""

    ids: list[int]
    skus: set[str] = field(default_factory=set)
    written: set[int] = field(default_factory=set)
    seen: set[int] = field(default_factory=set)
    counts: dict[int, Counter[str]] = field(default_factory=dict)
    broken: list[tuple[int, Broken]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Item:
    """One product in one store view, rendered and escaped, ready to write."""

    store_id: int
    entity_id: int
    sku: str
    checksum: str
    row: str  # the product row as an SQL literal
    values: list[str]  # its product_value rows


@dataclass(slots=True)
class Prepared:
    """A batch as the reader thread hands it over."""

    ids: list[int]
    items: list[Item] = field(default_factory=list)
    links: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)
    broken: list[tuple[int, Broken]] = field(default_factory=list)


def read_batch(legacy: Conn, ids: list[int], stores: Sequence[Store], meta: CatalogMeta) -> Read:
    shared: extract.Cache = {}
    return [
        (s, *extract.read_products(legacy, ids, store_id=s.store_id, meta=meta, cache=shared))
        for s in stores
    ]


def prepare(catalog: Conn, ids: list[int], read: Read, meta: CatalogMeta) -> Prepared:
    """Render every product of every store view and escape its rows (no I/O on `catalog`:
    only its escaping rules)."""
    out = Prepared(ids)
    for store, found, broken in read:
        out.broken += [(store.store_id, b) for b in broken]
        for p in found:
            rendered = rows.render_product(store.store_id, p)
            # in primary-key order (store, id, code): InnoDB appends instead of splitting pages
            values = sorted(rows.product_value_rows(store.store_id, p, meta.product))
            out.items.append(
                Item(
                    store.store_id,
                    p.entity_id,
                    p.sku,
                    rendered.checksum,
                    target.literal(catalog, rows.product_row(rendered, p)),
                    [target.literal(catalog, v) for v in values],
                )
            )
            if p.entity_id not in out.links:
                out.links[p.entity_id] = (
                    [target.literal(catalog, r) for r in rows.category_link_rows(p)],
                    [target.literal(catalog, r) for r in rows.website_rows(p)],
                )
    return out


def _changes(
    prepared: Prepared, stored: dict[tuple[int, int], tuple[str, str]]
) -> tuple[Written, target.ProductWrites]:
    out = Written(prepared.ids, broken=prepared.broken)
    w = target.ProductWrites()
    for item in prepared.items:
        counts = out.counts.setdefault(item.store_id, Counter())
        old = stored.get((item.store_id, item.entity_id))
        out.seen.add(item.entity_id)
        if old is not None and old[0] == item.checksum:
            counts["products_unchanged"] += 1
            continue
        counts["products_written"] += 1
        w.ids.setdefault(item.store_id, []).append(item.entity_id)
        w.skus.setdefault(item.store_id, []).append(item.sku)
        w.products.append(item.row)
        w.values.extend(item.values)
        out.skus.update([item.sku] if old is None else [item.sku, old[1]])
        if item.entity_id not in out.written:
            out.written.add(item.entity_id)
            categories, websites = prepared.links[item.entity_id]
            w.link_ids.append(item.entity_id)
            w.categories.extend(categories)
            w.websites.extend(websites)
    return out, w


def write_batch(conn: Conn, prepared: Prepared) -> Written:
    """Write what changed in one batch, in one transaction with its checkpoint."""
    stores = sorted({item.store_id for item in prepared.items})
    stored = target.product_state(conn, stores, prepared.ids) if stores else {}
    out, writes = _changes(prepared, stored)
    with target.transaction(conn):
        target.write_products(conn, writes)
        state.checkpoint(conn, prepared.ids[-1])
    return out


def run_stage(
    legacy: Conn,
    catalog: Conn,
    batches: Iterator[list[int]],
    *,
    stores: Sequence[Store],
    meta: CatalogMeta,
    done: Callable[[Written], None],
) -> None:
    """Read `batches` one ahead, write each, call `done` after each commit."""

    def read_next() -> Prepared | None:
        ids = next(batches, None)
        if ids is None:
            return None
        return prepare(catalog, ids, read_batch(legacy, ids, stores, meta), meta)

    with ThreadPoolExecutor(1, thread_name_prefix="etl-read") as reader:
        pending = reader.submit(read_next)
        while (got := pending.result()) is not None:
            pending = reader.submit(read_next)
            done(write_batch(catalog, got))
