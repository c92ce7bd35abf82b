"""Magento DB readers over pymysql: plain records for the ETL, migrations and scripts.

How this works: `connect()` opens a pymysql connection in UTC with dict rows; `run()` drives a
read plan (`legacy_adapters.plans`) on it. The public functions are the reads other parts of the
project need; `iter_products` streams the whole catalog in id-ordered batches so memory stays
flat however large the catalog is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, TypeVar

import pymysql
import pymysql.cursors

from legacy_adapters import mapping, plans
from legacy_adapters.plans import catalog as catalog_plans
from legacy_adapters.records import Category, Product, Store
from legacy_adapters.sql import catalog as sql

T = TypeVar("T")


def connect(
    *, host: str, port: int, user: str, password: str, database: str, **kwargs: Any
) -> pymysql.Connection[Any]:
    """A connection as every reader expects it: utf8mb4, UTC session, dict rows, autocommit."""
    return pymysql.connect(
        host=host,
        port=port,
        user=user,
        password=password,
        database=database,
        charset="utf8mb4",
        autocommit=True,
        cursorclass=pymysql.cursors.DictCursor,
        init_command="SET time_zone = '+00:00'",
        **kwargs,
    )


def run(conn: pymysql.Connection[Any], plan: plans.Plan[T]) -> T:
    """Drive a read plan to completion on a pymysql connection."""
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        try:
            query = next(plan)
            while True:
                cursor.execute(query.sql, query.params or None)
                query = plan.send(list(cursor.fetchall()))
        except StopIteration as done:
            result: T = done.value
            return result


def catalog_meta(conn: pymysql.Connection[Any]) -> mapping.CatalogMeta:
    return run(conn, catalog_plans.catalog_meta_plan())


def product_by_sku(
    conn: pymysql.Connection[Any],
    sku: str,
    *,
    store_id: int = 0,
    meta: mapping.CatalogMeta | None = None,
) -> Product | None:
    meta = meta or catalog_meta(conn)
    return run(conn, catalog_plans.product_by_sku_plan(sku, store_id=store_id, meta=meta))


def products(
    conn: pymysql.Connection[Any],
    ids: list[int],
    *,
    store_id: int = 0,
    meta: mapping.CatalogMeta | None = None,
) -> list[Product]:
    meta = meta or catalog_meta(conn)
    return run(conn, catalog_plans.products_plan(ids, store_id=store_id, meta=meta))


def iter_products(
    conn: pymysql.Connection[Any],
    *,
    store_id: int = 0,
    batch_size: int = 500,
    meta: mapping.CatalogMeta | None = None,
) -> Iterator[Product]:
    """Every product in entity_id order, fetched `batch_size` at a time."""
    meta = meta or catalog_meta(conn)
    last = 0
    while True:
        with conn.cursor(pymysql.cursors.DictCursor) as cursor:
            cursor.execute(sql.PRODUCT_ENTITIES_AFTER, (last, batch_size))
            ids = [int(r["entity_id"]) for r in cursor.fetchall()]
        if not ids:
            return
        yield from run(conn, catalog_plans.products_plan(ids, store_id=store_id, meta=meta))
        last = ids[-1]


def product_count(conn: pymysql.Connection[Any]) -> int:
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        cursor.execute(sql.PRODUCT_COUNT)
        row = cursor.fetchone()
    return int(row["n"]) if row else 0


def categories(
    conn: pymysql.Connection[Any],
    *,
    store_id: int = 0,
    website_id: int = 0,
    meta: mapping.CatalogMeta | None = None,
) -> dict[int, Category]:
    meta = meta or catalog_meta(conn)
    return run(
        conn, catalog_plans.categories_plan(store_id=store_id, website_id=website_id, meta=meta)
    )


# ---------------------------------------------------------------- ETL: incremental runs


def stores(conn: pymysql.Connection[Any]) -> list[Store]:
    """Every store view (store 0, admin, included), by id."""
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        cursor.execute(sql.STORES)
        rows = cursor.fetchall()
    return [mapping.store(r) for r in rows]


def product_ids_since(
    conn: pymysql.Connection[Any], *, after: int, since: dt.datetime | None, limit: int
) -> list[int]:
    """Up to `limit` product ids > `after` updated at or after `since` (None: any), in order."""
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        cursor.execute(sql.PRODUCT_IDS_SINCE, (after, since, since, limit))
        return [int(r["entity_id"]) for r in cursor.fetchall()]


def product_count_since(
    conn: pymysql.Connection[Any], *, after: int, since: dt.datetime | None
) -> int:
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        cursor.execute(sql.PRODUCT_COUNT_SINCE, (after, since, since))
        row = cursor.fetchone()
    return int(row["n"]) if row else 0


def product_max_updated_at(conn: pymysql.Connection[Any]) -> dt.datetime | None:
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        cursor.execute(sql.PRODUCT_MAX_UPDATED_AT)
        row = cursor.fetchone()
    value = row["updated_at"] if row else None
    return value if isinstance(value, dt.datetime) else None


def iter_product_link_signatures(
    conn: pymysql.Connection[Any],
) -> Iterator[tuple[int, str, str]]:
    """(entity_id, categories, websites) of every product by id, streamed (unbuffered)."""
    with conn.cursor(pymysql.cursors.SSCursor) as cursor:
        cursor.execute(sql.PRODUCT_LINK_SIGNATURES)
        for entity_id, categories, websites in cursor:
            yield int(entity_id), categories or "", websites or ""


def product_attribute_ids(conn: pymysql.Connection[Any], entity_id: int) -> list[int]:
    """Attribute ids holding a value for the product in any store, ascending."""
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        cursor.execute(sql.PRODUCT_ATTRIBUTE_IDS, (entity_id,) * len(sql.VALUE_TABLES))
        return sorted(int(r["attribute_id"]) for r in cursor.fetchall())
