"""The stack's new catalog: its database filled by the ETL from legacy, and a merchant's edit.

How this works: `migrate()` creates the catalog database when missing and runs the catalog ETL
(`scripts.catalog.etl`) from the legacy database into it: a full copy on the first start, an
incremental run by `updated_at` watermark on later ones (and in the demo's main job, after the
merchant's edit), invalidating the catalog service's Redis cache for what changed.

`merchant_edit()` is what the demo does to legacy while the catalog is being shadowed: it raises
one product's price by one unit through Magento's tables (value row and `updated_at`, as a save
in the admin would), so until the next ETL run the new catalog is behind legacy on exactly that
product — a real divergence for the dashboard, and the incremental ETL then closes it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from decimal import Decimal

import redis

from scripts.catalog import etl
from scripts.catalog.model import EtlSummary
from scripts.stack.servers import MySQLAddress

Say = Callable[[str], None]

FIRST_PRICED_SIMPLE = """
SELECT e.sku, d.value AS price FROM catalog_product_entity e
JOIN eav_attribute a ON a.attribute_code = 'price'
  AND a.entity_type_id = (SELECT entity_type_id FROM eav_entity_type
                          WHERE entity_type_code = 'catalog_product')
JOIN catalog_product_entity_decimal d
  ON d.entity_id = e.entity_id AND d.attribute_id = a.attribute_id AND d.store_id = 0
WHERE e.type_id = 'simple' AND d.value > 0
ORDER BY e.entity_id LIMIT 1
"""
RAISE_PRICE = """
UPDATE catalog_product_entity_decimal d
JOIN catalog_product_entity e ON e.entity_id = d.entity_id
JOIN eav_attribute a ON a.attribute_id = d.attribute_id AND a.attribute_code = 'price'
SET d.value = d.value + 1, e.updated_at = CURRENT_TIMESTAMP
WHERE e.sku = %s AND d.store_id = 0
"""


def migrate(
    address: MySQLAddress,
    legacy_db: str,
    catalog_db: str,
    *,
    redis_url: str | None,
    say: Say,
    full: bool = False,
) -> EtlSummary:
    """Bring `catalog_db` up to date with `legacy_db` (created and migrated in full if new)."""
    address.create_database(catalog_db)
    cache = redis.Redis.from_url(redis_url) if redis_url else None
    with (
        address.reader(legacy_db) as legacy,
        address.reader(catalog_db) as catalog,
        cache if cache is not None else contextlib.nullcontext(),
    ):
        summary = etl.migrate(
            legacy,
            catalog,
            redis=cache,
            full=full,
            progress=lambda stage, done, total: say(f"stack: ETL {stage}: {done}/{total}"),
        )
    say(
        f"stack: ETL {legacy_db} -> {catalog_db}: {summary.products_written} products "
        f"written, {summary.products_unchanged} unchanged, {summary.products_deleted} deleted, "
        f"{summary.categories_written} category rows, {len(summary.broken)} broken, "
        f"in {summary.duration_s:.1f}s"
    )
    return summary


def merchant_edit(address: MySQLAddress, legacy_db: str) -> tuple[str, Decimal]:
    """Raise the first priced simple product's price by one in legacy; (sku, new price)."""
    with address.connect(legacy_db) as conn, conn.cursor() as cursor:
        cursor.execute(FIRST_PRICED_SIMPLE)
        sku, price = cursor.fetchone()
        cursor.execute(RAISE_PRICE, (sku,))
    return str(sku), Decimal(price) + 1
