"""Legacy products as each store view sees them, a broken product isolated and reported.

How this works: a batch is read with the same read plan as `legacy_adapters.readers.products`
(`run_shared` answers the queries the store views have in common once, and reads the values
of every store view in one query). When mapping fails for
the batch, it is read again one product at a time, so only the broken product is missing from
the result. For that product, `diagnose()` finds the attribute: it re-reads the product with
one attribute at a time left out of the metadata, and the first
attribute whose absence lets the product map is the culprit. That costs a few dozen small
queries, only for broken products.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import InvalidOperation
from typing import Any, TypeVar

import pymysql
import pymysql.cursors

from legacy_adapters import readers
from legacy_adapters.mapping import CatalogMeta
from legacy_adapters.plans import Plan, Query, Rows
from legacy_adapters.plans import catalog as catalog_plans
from legacy_adapters.records import Product
from legacy_adapters.sql import catalog as sql
from legacy_adapters.sql import in_list
from scripts.catalog.model import Broken

# What mapping a bad value raises (int("x"), Decimal("x"), a missing key); database errors
# are not caught: they stop the run.
T = TypeVar("T")
MAPPING_ERRORS = (ValueError, TypeError, KeyError, ArithmeticError, InvalidOperation)


Cache = dict[tuple[str, tuple[Any, ...]], Rows]


def run_shared(conn: pymysql.Connection[Any], plan: Plan[T], cache: Cache) -> T:
    """Drive a read plan with `readers.run`, answering a query already asked from `cache`.

    The store views of one batch share most of their queries (entities, links, stock,
    configurables); only the values and media queries name the store, so reading a batch for
    a second store view costs two queries instead of seven. The rows are only read by mapping.
    """
    return readers.run(conn, _shared(plan, cache))


def _shared(plan: Plan[T], cache: Cache) -> Plan[T]:
    """`plan`, each of its queries asked of the database once per `cache`."""
    try:
        query = next(plan)
        while True:
            query = _every_store(query)
            key = (query.sql, query.params)
            if key not in cache:
                cache[key] = yield query
            query = plan.send(cache[key])
    except StopIteration as done:
        result: T = done.value
        return result


def _every_store(query: Query) -> Query:
    """The values of one store view (and store 0) -> the values of every store view: the same
    rows for all store views of a batch; mapping keeps the store's own (`resolve_values`)."""
    per_table = len(query.params) // len(sql.VALUE_TABLES)
    ids = query.params[: per_table - 1]
    if per_table < 2 or query.sql != in_list(sql.PRODUCT_VALUES, len(ids)):
        return query
    return Query(in_list(sql.PRODUCT_VALUES_ALL_STORES, len(ids)), ids * len(sql.VALUE_TABLES))


def read_products(
    conn: pymysql.Connection[Any],
    ids: Sequence[int],
    *,
    store_id: int,
    meta: CatalogMeta,
    cache: Cache | None = None,
) -> tuple[list[Product], list[Broken]]:
    """The products of `ids` that map, and the ones that do not. Pass the same `cache` for
    the store views of one batch (and a new one for the next batch)."""
    plan = catalog_plans.products_plan(list(ids), store_id=store_id, meta=meta)
    try:
        return run_shared(conn, plan, {} if cache is None else cache), []
    except MAPPING_ERRORS:
        pass
    good: list[Product] = []
    broken: list[Broken] = []
    for entity_id in ids:
        try:
            good.extend(readers.products(conn, [entity_id], store_id=store_id, meta=meta))
        except MAPPING_ERRORS as exc:
            broken.append(diagnose(conn, entity_id, store_id=store_id, meta=meta, error=exc))
    return good, broken


def without(meta: CatalogMeta, attribute_id: int) -> CatalogMeta:
    """`meta` with one product attribute left out (its values are then ignored)."""
    return dataclasses.replace(
        meta,
        product={c: a for c, a in meta.product.items() if a.attribute_id != attribute_id},
        product_by_id={i: a for i, a in meta.product_by_id.items() if i != attribute_id},
    )


def diagnose(
    conn: pymysql.Connection[Any],
    entity_id: int,
    *,
    store_id: int,
    meta: CatalogMeta,
    error: Exception,
) -> Broken:
    message = f"{type(error).__name__}: {error}"
    for attribute_id in readers.product_attribute_ids(conn, entity_id):
        attribute = meta.product_by_id.get(attribute_id)
        if attribute is None:
            continue
        try:
            readers.products(conn, [entity_id], store_id=store_id, meta=without(meta, attribute_id))
        except MAPPING_ERRORS:
            continue
        return Broken(entity_id, attribute.code, message)
    return Broken(entity_id, None, message)
