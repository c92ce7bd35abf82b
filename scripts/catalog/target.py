"""The new catalog database: its schema, what is stored there, writes and deletes (pymysql).

Every function takes an open connection and runs inside whatever transaction the caller holds;
`etl` decides where a transaction starts and commits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, TypeAlias

import pymysql
import pymysql.cursors

from legacy_adapters.sql import in_list, in_params
from scripts.catalog import sql
from scripts.catalog.rows import Row, StoredSignature

Conn: TypeAlias = "pymysql.Connection[Any]"
Query = tuple[str, tuple[Any, ...]]
MAX_STATEMENT = 1_000_000  # characters of one multi-row INSERT (pymysql's executemany: ~1 MB)


def schema_statements() -> list[str]:
    """new_services/catalog/schema.sql split into statements (comments dropped)."""
    text = resources.files("new_services.catalog").joinpath("schema.sql").read_text("utf-8")
    lines = [line.split("--", 1)[0] for line in text.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def ensure_schema(conn: Conn) -> None:
    """Create the new catalog's tables where missing (every statement is idempotent)."""
    with conn.cursor() as cursor:
        for statement in schema_statements():
            cursor.execute(statement)


@contextlib.contextmanager
def transaction(conn: Conn) -> Iterator[Conn]:
    """One transaction on `conn`: committed when the block ends, rolled back if it raises."""
    conn.begin()
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def fetch(conn: Conn, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows of one read, as dicts."""
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        cursor.execute(statement, tuple(params) or None)
        return list(cursor.fetchall())


def _in_stores(statement: str, store_ids: Sequence[int], ids: Sequence[int]) -> Query:
    """`statement` with its `{stores}` (if any) and `{ids}` lists expanded, and its params."""
    if "{stores}" not in statement:
        return in_list(statement, len(ids)), in_params(ids)
    text = in_list(in_list(statement, len(store_ids), "stores"), len(ids))
    return text, (*in_params(store_ids), *in_params(ids))


def _many(conn: Conn, statement: str, rows: Sequence[Row]) -> None:
    if rows:
        with conn.cursor() as cursor:
            cursor.executemany(statement, rows)


def _delete(conn: Conn, statement: str, ids: Sequence[Any], *before: Any) -> int:
    if not ids:
        return 0
    with conn.cursor() as cursor:
        return int(cursor.execute(in_list(statement, len(ids)), (*before, *in_params(ids))))


# ---------------------------------------------------------------- products


def product_state(
    conn: Conn, store_ids: Sequence[int], ids: Sequence[int]
) -> dict[tuple[int, int], tuple[str, str]]:
    """(store_id, entity_id) -> (checksum, sku) of the stored rows of `ids`."""
    return {
        (int(r["store_id"]), int(r["entity_id"])): (r["checksum"], r["sku"])
        for r in fetch(conn, *_in_stores(sql.PRODUCT_STATE, store_ids, ids))
    }


def product_stores(conn: Conn) -> list[int]:
    """The store ids the new catalog has product rows for."""
    return [int(r["store_id"]) for r in fetch(conn, sql.PRODUCT_STORES)]


@dataclass(slots=True)
class ProductWrites:
    """One batch's changes: rows as SQL literals (`literal()`), rewritten ids per store."""

    ids: dict[int, list[int]] = field(default_factory=dict)  # store -> entity ids
    skus: dict[int, list[str]] = field(default_factory=dict)  # store -> their SKUs
    products: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    link_ids: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)


def literal(conn: Conn, row: Row) -> str:
    """`(v1, v2, ...)` escaped by the driver exactly as `executemany` would (NULL and plain
    ints spelled directly: most value columns are NULL): rows are escaped where they are
    rendered (the reader thread), and the writer only sends them."""
    escape = conn.escape
    return (
        "("
        + ",".join("NULL" if v is None else str(v) if type(v) is int else escape(v) for v in row)
        + ")"
    )


def _insert(conn: Conn, statement: str, literals: Sequence[str]) -> None:
    """`statement`'s `INSERT ... VALUES` with `literals`, in statements of at most ~1 MB."""
    head = statement[: statement.index("VALUES") + len("VALUES")] + " "
    chunk: list[str] = []
    size = 0
    with conn.cursor() as cursor:
        for item in literals:
            if chunk and size + len(item) > MAX_STATEMENT:
                cursor.execute(head + ",".join(chunk))
                chunk, size = [], 0
            chunk.append(item)
            size += len(item) + 1
        if chunk:
            cursor.execute(head + ",".join(chunk))


def write_products(conn: Conn, w: ProductWrites) -> None:
    """Replace the product rows, their value rows and links (DELETE, then INSERT)."""
    for store_id, ids in w.ids.items():
        _delete(conn, sql.PRODUCT_DELETE_IDS, ids, store_id)
        _delete(conn, sql.PRODUCT_DELETE_SKUS, w.skus[store_id], store_id)
        _delete(conn, sql.PRODUCT_VALUES_DELETE, ids, store_id)
    _insert(conn, sql.PRODUCT_INSERT, w.products)
    _insert(conn, sql.PRODUCT_VALUES_INSERT, w.values)
    _delete(conn, sql.PRODUCT_CATEGORIES_DELETE, w.link_ids)
    _insert(conn, sql.PRODUCT_CATEGORIES_INSERT, w.categories)
    _delete(conn, sql.PRODUCT_WEBSITES_DELETE, w.link_ids)
    _insert(conn, sql.PRODUCT_WEBSITES_INSERT, w.websites)


def delete_products(conn: Conn, ids: Sequence[int]) -> list[str]:
    """Delete every row of the products `ids`; returns their SKUs (for cache invalidation)."""
    stores = product_stores(conn)
    if not ids or not stores:
        return []
    skus = [str(r["sku"]) for r in fetch(conn, *_in_stores(sql.PRODUCT_SKUS, stores, ids))]
    with conn.cursor() as cursor:
        for statement in sql.PRODUCTS_DELETE:
            cursor.execute(*_in_stores(statement, stores, ids))
    return skus


def iter_link_signatures(conn: Conn) -> Iterator[StoredSignature]:
    """(entity_id, store rows, categories, websites) of every stored product, streamed by id."""
    with conn.cursor(pymysql.cursors.SSCursor) as cursor:
        cursor.execute(sql.PRODUCT_LINK_SIGNATURES)
        for entity_id, stores, categories, websites in cursor:
            yield int(entity_id), int(stores), categories or "", websites or ""


# ---------------------------------------------------------------- categories


def category_checksums(conn: Conn, store_id: int) -> dict[int, str]:
    return {
        int(r["entity_id"]): r["checksum"] for r in fetch(conn, sql.CATEGORY_STATE, (store_id,))
    }


def write_categories(
    conn: Conn, store_id: int, categories: Sequence[Row], values: Sequence[Row]
) -> None:
    _many(conn, sql.CATEGORY_REPLACE, categories)
    _delete(conn, sql.CATEGORY_VALUES_DELETE, [int(c[1]) for c in categories], store_id)
    _many(conn, sql.CATEGORY_VALUES_INSERT, values)


def delete_categories(conn: Conn, store_id: int, ids: Sequence[int]) -> None:
    for statement in sql.CATEGORIES_DELETE:
        _delete(conn, statement, ids, store_id)


# ---------------------------------------------------------------- attributes


def write_attributes(conn: Conn, rows: Sequence[Row]) -> None:
    """Upsert `rows`, delete attributes no longer in them."""
    _many(conn, sql.ATTRIBUTE_UPSERT, rows)
    keep = {(r[0], r[1]) for r in rows}
    gone = [
        (r["entity_type"], r["code"])
        for r in fetch(conn, sql.ATTRIBUTE_CODES)
        if (r["entity_type"], r["code"]) not in keep
    ]
    _many(conn, sql.ATTRIBUTE_DELETE, gone)
