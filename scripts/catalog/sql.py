"""Statements on the new catalog's tables (new_services/catalog/schema.sql), parameterised.

Lists use `{ids}`, expanded by `legacy_adapters.sql.in_list`. Column orders match the row
tuples of `scripts.catalog.rows`.
"""

from __future__ import annotations

# ---------------------------------------------------------------- products

# Every statement on product / product_value names the store ids: their primary keys start
# with store_id, so `entity_id IN (...)` alone would scan the table.
PRODUCT_STATE = """
SELECT store_id, entity_id, sku, checksum FROM product
WHERE store_id IN ({stores}) AND entity_id IN ({ids})
"""
PRODUCT_STORES = "SELECT DISTINCT store_id FROM product"

# A product row is replaced as DELETE (by id, and by SKU: a SKU that moved to another id)
# then INSERT: what REPLACE does, with exact-match deletes that lock only the rows they match.
PRODUCT_DELETE_IDS = "DELETE FROM product WHERE store_id = %s AND entity_id IN ({ids})"
PRODUCT_DELETE_SKUS = "DELETE FROM product WHERE store_id = %s AND sku IN ({ids})"
PRODUCT_INSERT = """
INSERT INTO product (store_id, entity_id, sku, type_id, attribute_set_id, created_at,
                     updated_at, document, checksum)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""

PRODUCT_VALUES_DELETE = "DELETE FROM product_value WHERE store_id = %s AND entity_id IN ({ids})"
PRODUCT_VALUES_INSERT = """
INSERT INTO product_value (store_id, entity_id, code, value_int, value_decimal, value_varchar,
                           value_text, value_datetime)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
"""

PRODUCT_CATEGORIES_DELETE = "DELETE FROM product_category WHERE entity_id IN ({ids})"
PRODUCT_CATEGORIES_INSERT = """
INSERT INTO product_category (entity_id, category_id, position) VALUES (%s, %s, %s)
"""
PRODUCT_WEBSITES_DELETE = "DELETE FROM product_website WHERE entity_id IN ({ids})"
PRODUCT_WEBSITES_INSERT = "INSERT INTO product_website (entity_id, website_id) VALUES (%s, %s)"

PRODUCT_SKUS = """
SELECT DISTINCT sku FROM product WHERE store_id IN ({stores}) AND entity_id IN ({ids})
"""
PRODUCTS_DELETE = (
    "DELETE FROM product WHERE store_id IN ({stores}) AND entity_id IN ({ids})",
    "DELETE FROM product_value WHERE store_id IN ({stores}) AND entity_id IN ({ids})",
    "DELETE FROM product_category WHERE entity_id IN ({ids})",
    "DELETE FROM product_website WHERE entity_id IN ({ids})",
)

# Same text as legacy_adapters.sql.catalog.PRODUCT_LINK_SIGNATURES, plus the number of store
# rows, so the two streams compare as equal tuples.
PRODUCT_LINK_SIGNATURES = """
SELECT e.entity_id, e.stores,
       (SELECT GROUP_CONCAT(c.category_id, ':', c.position ORDER BY c.category_id)
        FROM product_category c WHERE c.entity_id = e.entity_id) AS categories,
       (SELECT GROUP_CONCAT(w.website_id ORDER BY w.website_id)
        FROM product_website w WHERE w.entity_id = e.entity_id) AS websites
FROM (SELECT entity_id, COUNT(*) AS stores FROM product GROUP BY entity_id) e
ORDER BY e.entity_id
"""

# Reconciliation: one store's rows in an id range (lo, hi]; hi NULL = to the end.
PRODUCT_RANGE = """
SELECT entity_id, sku, document, checksum FROM product
WHERE store_id = %s AND entity_id > %s AND (%s IS NULL OR entity_id <= %s)
ORDER BY entity_id
"""
PRODUCT_VALUE_RANGE = """
SELECT entity_id, code, value_int, value_decimal, value_varchar, value_text, value_datetime
FROM product_value
WHERE store_id = %s AND entity_id > %s AND (%s IS NULL OR entity_id <= %s)
"""
PRODUCT_COUNT = "SELECT COUNT(*) AS n FROM product WHERE store_id = %s"

# ---------------------------------------------------------------- categories

CATEGORY_STATE = "SELECT entity_id, checksum FROM category WHERE store_id = %s"
CATEGORY_REPLACE = """
REPLACE INTO category (store_id, entity_id, parent_id, path, position, level, updated_at,
                       document, checksum)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
CATEGORY_VALUES_DELETE = "DELETE FROM category_value WHERE store_id = %s AND entity_id IN ({ids})"
CATEGORY_VALUES_INSERT = """
INSERT INTO category_value (store_id, entity_id, code, value_int, value_decimal, value_varchar,
                            value_text, value_datetime)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
"""
CATEGORIES_DELETE = (
    "DELETE FROM category WHERE store_id = %s AND entity_id IN ({ids})",
    "DELETE FROM category_value WHERE store_id = %s AND entity_id IN ({ids})",
)
CATEGORY_ROWS = "SELECT entity_id, document, checksum FROM category WHERE store_id = %s"
CATEGORY_VALUE_ROWS = """
SELECT entity_id, code, value_int, value_decimal, value_varchar, value_text, value_datetime
FROM category_value WHERE store_id = %s
"""

# ---------------------------------------------------------------- attributes and state

ATTRIBUTE_UPSERT = """
INSERT INTO catalog_attribute (entity_type, code, attribute_id, backend_type, frontend_input,
                               label, is_global, is_user_defined)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON DUPLICATE KEY UPDATE attribute_id = VALUES(attribute_id),
  backend_type = VALUES(backend_type), frontend_input = VALUES(frontend_input),
  label = VALUES(label), is_global = VALUES(is_global),
  is_user_defined = VALUES(is_user_defined)
"""
ATTRIBUTE_CODES = "SELECT entity_type, code FROM catalog_attribute"
ATTRIBUTE_DELETE = "DELETE FROM catalog_attribute WHERE entity_type = %s AND code = %s"

STATE_READ = """
SELECT name, watermark, checkpoint, run_started_at, run_finished_at, summary
FROM etl_state WHERE name = %s
"""
STATE_START = """
INSERT INTO etl_state (name, checkpoint, run_started_at, summary)
VALUES (%s, %s, UTC_TIMESTAMP(), %s)
ON DUPLICATE KEY UPDATE checkpoint = VALUES(checkpoint),
  run_started_at = VALUES(run_started_at), summary = VALUES(summary)
"""
STATE_CHECKPOINT = "UPDATE etl_state SET checkpoint = %s WHERE name = %s"
STATE_FINISH = """
UPDATE etl_state SET watermark = %s, checkpoint = 0, run_finished_at = UTC_TIMESTAMP(),
                     summary = %s
WHERE name = %s
"""
