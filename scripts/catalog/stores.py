"""Copy Magento's store structure into the new catalog (every ETL run does, first).

How this works: `store_website`, `store_group` and `store` have the same names and columns in
both databases (schema.sql), so the legacy service's own queries read them on either side. The
copy replaces the catalog's rows in one transaction: readers see the old structure or the new
one, never half of each. The catalog service reads the structure when it starts.
"""

from __future__ import annotations

from typing import Any

import pymysql

from legacy_adapters.sql import catalog as catalog_sql
from scripts.catalog.target import transaction

TABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("store_website", catalog_sql.WEBSITES, ("website_id", "code", "name", "default_group_id")),
    (
        "store_group",
        catalog_sql.STORE_GROUPS,
        ("group_id", "website_id", "name", "root_category_id", "default_store_id", "code"),
    ),
    (
        "store",
        catalog_sql.STORES,
        ("store_id", "code", "website_id", "group_id", "name", "is_active"),
    ),
)


def sync_stores(legacy_conn: pymysql.Connection[Any], catalog_conn: pymysql.Connection[Any]) -> int:
    """Replace the catalog's store rows with legacy's; returns how many rows were copied."""
    copied: list[tuple[str, tuple[str, ...], list[dict[str, Any]]]] = []
    with legacy_conn.cursor(pymysql.cursors.DictCursor) as cursor:
        for table, select, columns in TABLES:
            cursor.execute(select)
            copied.append((table, columns, list(cursor.fetchall())))
    with transaction(catalog_conn), catalog_conn.cursor() as cursor:
        for table, columns, rows in copied:
            cursor.execute(f"DELETE FROM {table}")
            if rows:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    [tuple(row[c] for c in columns) for row in rows],
                )
    return sum(len(rows) for _, _, rows in copied)
