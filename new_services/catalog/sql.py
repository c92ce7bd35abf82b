"""Every statement the catalog service runs on the new catalog's flat tables (schema.sql)."""

from __future__ import annotations

ATTRIBUTES = """
SELECT entity_type, code, attribute_id, backend_type, frontend_input, label, is_global,
       is_user_defined
FROM catalog_attribute ORDER BY entity_type, attribute_id
"""

PRODUCT_BY_SKU = "SELECT sku, document FROM product WHERE store_id = %s AND sku = %s LIMIT 1"

PRODUCT_DOCUMENTS = (
    "SELECT entity_id, document FROM product WHERE store_id = %s AND entity_id IN ({ids})"
)

CATEGORY_DOCUMENTS = "SELECT entity_id, document FROM category WHERE store_id = %s"

CATEGORY_DOCUMENTS_BY_ID = (
    "SELECT entity_id, document FROM category WHERE store_id = %s AND entity_id IN ({ids})"
)
