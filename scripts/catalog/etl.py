"""Magento's EAV catalog -> the new flat catalog: full, incremental and resumable runs.

How this works, per run:

1. Links: legacy's products and the new catalog's are compared as two id-ordered streams of
   link signatures (categories with positions, websites, number of store rows). Products gone
   from legacy are deleted; in an incremental run, products whose links differ or whose rows
   are missing are read again (Magento does not bump updated_at for a category change).
2. Products: ids changed since the watermark (`updated_at >= watermark`; all in a full run),
   merged with step 1's, in id-ordered batches after the checkpoint (`products.py`: read and
   rendered in a thread, written beside it). Each batch is read for every store view, rendered
   to documents, and a row is written only when its checksum differs from the stored one (so
   a same-second save is caught and an unchanged row never rewritten). One transaction per
   batch, which also moves the checkpoint: an interrupted run continues after the last
   committed batch. After the commit, the cache entries of the changed SKUs are invalidated
   (`new_services.catalog.invalidation`).
3. Categories, all of them (a few hundred) per store view, written where the checksum changed;
   categories gone from legacy are deleted. Then attribute metadata, then the watermark.

Every run first copies the store structure (websites, groups, store views:
`stores.sync_stores`), which the catalog service reads its store scopes
and root categories from.

Memory stays flat: one batch of products at a time, and only the *differences* of step 1.

A broken product — one whose stored values cannot be mapped (e.g. a price that is not a
number) — is **skipped and reported**, never written with a value left out: a half product
would serve wrong data with a clean checksum. It is logged, listed in `EtlSummary.broken` with
the attribute at fault, and the run carries on. A product never migrated is then flagged as
missing by reconciliation; a product migrated before it broke keeps its last good row (and its
link signature differs, so every run reports it again until it is fixed in legacy).
"""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pymysql
import redis as redis_lib
import structlog

from legacy_adapters import readers
from legacy_adapters.mapping import CatalogMeta
from legacy_adapters.records import Store
from new_services.catalog import invalidation
from scripts.catalog import products, rows, state, target
from scripts.catalog.model import Broken, EtlSummary, StoreSummary
from scripts.catalog.stores import sync_stores

Conn: TypeAlias = "pymysql.Connection[Any]"
Progress = Callable[[str, int, int], None]

log = structlog.get_logger("scripts.catalog.etl")
ensure_schema = target.ensure_schema


@dataclass(slots=True)
class _Run:
    legacy: Conn
    catalog: Conn
    meta: CatalogMeta
    stores: list[Store]
    redis: redis_lib.Redis | None
    progress: Progress
    batch_size: int
    written: set[int] = field(default_factory=set)
    unchanged: set[int] = field(default_factory=set)
    broken: dict[tuple[int, str | None], tuple[str, list[int]]] = field(default_factory=dict)
    per_store: dict[int, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )

    def transaction(self) -> contextlib.AbstractContextManager[Conn]:
        return target.transaction(self.catalog)

    def invalidate(self, skus: set[str]) -> None:
        if self.redis is not None and skus:
            invalidation.invalidate(self.redis, sorted(skus), [s.store_id for s in self.stores])


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def migrate(
    legacy_conn: Conn,
    catalog_conn: Conn,
    *,
    redis: redis_lib.Redis | None = None,
    full: bool = False,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> EtlSummary:
    """Bring the new catalog up to date with legacy; see the module docstring."""
    started = time.monotonic()
    ensure_schema(catalog_conn)
    sync_stores(legacy_conn, catalog_conn)
    meta = readers.catalog_meta(legacy_conn)
    stores = readers.stores(legacy_conn)
    plan = state.begin(catalog_conn, full=full, latest=readers.product_max_updated_at(legacy_conn))
    run = _Run(
        legacy_conn,
        catalog_conn,
        meta,
        stores,
        redis,
        progress or _quiet,
        batch_size,
    )
    changes = rows.link_changes(
        readers.iter_product_link_signatures(legacy_conn),
        target.iter_link_signatures(catalog_conn),
        store_count=len(stores),
        want_stale=not plan.full,
    )
    deleted = _delete_products(run, changes.deleted)
    _products(run, plan, [i for i in changes.stale if i > plan.checkpoint])
    categories_written, categories_deleted = _categories(run)
    with run.transaction() as conn:
        target.write_attributes(
            conn,
            rows.attribute_rows("catalog_product", meta.product.values())
            + rows.attribute_rows("catalog_category", meta.category.values()),
        )
    summary = EtlSummary(
        products_written=len(run.written),
        products_unchanged=len(run.unchanged - run.written),
        products_deleted=deleted,
        categories_written=categories_written,
        categories_deleted=categories_deleted,
        broken=_broken(run),
        duration_s=round(time.monotonic() - started, 3),
        full=plan.full,
        resumed_from=plan.checkpoint,
        watermark=plan.target.strftime(state.FORMAT) if plan.target else None,
        stores=tuple(StoreSummary(s.store_id, **run.per_store[s.store_id]) for s in stores),
    )
    state.finish(catalog_conn, plan, summary.as_dict())
    log.info(
        "catalog_etl_finished", **{k: v for k, v in summary.as_dict().items() if k != "stores"}
    )
    return summary


# ---------------------------------------------------------------- products


def _delete_products(run: _Run, ids: list[int]) -> int:
    for start in range(0, len(ids), run.batch_size):
        chunk = ids[start : start + run.batch_size]
        with run.transaction() as conn:
            skus = target.delete_products(conn, chunk)
        run.invalidate(set(skus))
    return len(ids)


def _batches(run: _Run, plan: state.Run, stale: list[int]) -> Iterator[list[int]]:
    """Ids changed since the watermark merged with `stale`, in id order, batch by batch."""
    extra = deque(stale)
    after = plan.checkpoint
    while True:
        ids = readers.product_ids_since(
            run.legacy, after=after, since=plan.since, limit=run.batch_size
        )
        if len(ids) < run.batch_size:
            break
        batch = set(ids)
        while extra and extra[0] <= ids[-1]:
            batch.add(extra.popleft())
        yield sorted(batch)
        after = ids[-1]
    rest = sorted({*ids, *extra})
    for start in range(0, len(rest), run.batch_size):
        yield rest[start : start + run.batch_size]


def _products(run: _Run, plan: state.Run, stale: list[int]) -> None:
    total = readers.product_count_since(run.legacy, after=plan.checkpoint, since=plan.since)
    total += len(stale)
    done = 0
    run.progress("products", 0, total)

    def account(batch: products.Written) -> None:
        nonlocal done
        for store_id, broken in batch.broken:
            _note_broken(run, store_id, [broken])
        for store_id, counts in batch.counts.items():
            for name, n in counts.items():
                run.per_store[store_id][name] += n
        run.written |= batch.written
        run.unchanged |= batch.seen
        run.invalidate(batch.skus)
        done = min(total, done + len(batch.ids))
        run.progress("products", done, total)

    products.run_stage(
        run.legacy,
        run.catalog,
        _batches(run, plan, stale),
        stores=run.stores,
        meta=run.meta,
        done=account,
    )
    if done < total:  # products deleted while the run went on
        run.progress("products", total, total)


def _note_broken(run: _Run, store_id: int, broken: list[Broken]) -> None:
    for b in broken:
        log.warning(
            "catalog_etl_broken_product",
            entity_id=b.entity_id,
            attribute=b.attribute,
            store_id=store_id,
            error=b.message,
        )
        run.broken.setdefault((b.entity_id, b.attribute), (b.message, []))[1].append(store_id)


def _broken(run: _Run) -> list[Broken]:
    out = []
    for (entity_id, attribute), (message, store_ids) in sorted(
        run.broken.items(), key=lambda item: item[0][0]
    ):
        where = ", ".join(str(s) for s in store_ids)
        out.append(Broken(entity_id, attribute, f"{message} (store {where}); product skipped"))
    return out


# ---------------------------------------------------------------- categories


def _categories(run: _Run) -> tuple[int, int]:
    written: set[int] = set()
    deleted: set[int] = set()
    for i, store in enumerate(run.stores):
        legacy = readers.categories(
            run.legacy, store_id=store.store_id, website_id=store.website_id, meta=run.meta
        )
        stored = target.category_checksums(run.catalog, store.store_id)
        changed: list[rows.Row] = []
        values: list[rows.Row] = []
        for c in legacy.values():
            rendered = rows.render_category(store.store_id, c)
            if stored.get(c.entity_id) != rendered.checksum:
                changed.append(rows.category_row(rendered, c))
                values.extend(rows.category_value_rows(store.store_id, c, run.meta.category))
                written.add(c.entity_id)
        gone = sorted(set(stored) - set(legacy))
        with run.transaction() as conn:
            target.write_categories(conn, store.store_id, changed, values)
            target.delete_categories(conn, store.store_id, gone)
        deleted.update(gone)
        counts = run.per_store[store.store_id]
        counts["categories_written"] += len(changed)
        counts["categories_deleted"] += len(gone)
        run.progress("categories", i + 1, len(run.stores))
    return len(written), len(deleted)
