"""Catalog reads: attribute metadata, products, categories, stock, media, configurables."""

from __future__ import annotations

VALUE_TABLES = ("varchar", "int", "decimal", "text", "datetime")

ENTITY_TYPES = "SELECT entity_type_id, entity_type_code FROM eav_entity_type"

ATTRIBUTES = """
SELECT a.attribute_id, a.attribute_code, a.backend_type, a.frontend_input, a.frontend_label,
       a.is_user_defined, COALESCE(c.is_global, 1) AS is_global, t.entity_type_code
FROM eav_attribute a
JOIN eav_entity_type t ON t.entity_type_id = a.entity_type_id
LEFT JOIN catalog_eav_attribute c ON c.attribute_id = a.attribute_id
WHERE t.entity_type_code IN ('catalog_product', 'catalog_category')
ORDER BY a.attribute_id
"""

ATTRIBUTE_OPTIONS = """
SELECT o.option_id, o.attribute_id, o.sort_order, v.value AS label
FROM eav_attribute_option o
JOIN eav_attribute_option_value v ON v.option_id = o.option_id AND v.store_id = 0
ORDER BY o.attribute_id, o.sort_order, o.option_id
"""

PRODUCT_ID_BY_SKU = """
SELECT entity_id FROM catalog_product_entity WHERE sku = %s ORDER BY entity_id LIMIT 1
"""

PRODUCT_ENTITIES = """
SELECT entity_id, attribute_set_id, type_id, sku, has_options, required_options,
       created_at, updated_at
FROM catalog_product_entity WHERE entity_id IN ({ids}) ORDER BY entity_id
"""

PRODUCT_ENTITIES_AFTER = """
SELECT entity_id FROM catalog_product_entity WHERE entity_id > %s ORDER BY entity_id LIMIT %s
"""

PRODUCT_COUNT = "SELECT COUNT(*) AS n FROM catalog_product_entity"

# One round trip for every EAV value of a batch, store values and store-0 defaults together.
PRODUCT_VALUES = "\nUNION ALL\n".join(
    f"SELECT entity_id, attribute_id, store_id, CAST(value AS CHAR) AS value "
    f"FROM catalog_product_entity_{t} WHERE entity_id IN ({{ids}}) AND store_id IN (0, %s)"
    for t in VALUE_TABLES
)

# Every store's values (the ETL migrates overrides too, not one store's view).
PRODUCT_VALUES_ALL_STORES = "\nUNION ALL\n".join(
    f"SELECT entity_id, attribute_id, store_id, CAST(value AS CHAR) AS value "
    f"FROM catalog_product_entity_{t} WHERE entity_id IN ({{ids}})"
    for t in VALUE_TABLES
)

PRODUCT_WEBSITES = """
SELECT product_id, website_id FROM catalog_product_website
WHERE product_id IN ({ids}) ORDER BY product_id, website_id
"""

PRODUCT_CATEGORY_LINKS = """
SELECT product_id, category_id, position FROM catalog_category_product
WHERE product_id IN ({ids}) ORDER BY product_id, entity_id
"""

STOCK_ITEMS = """
SELECT * FROM cataloginventory_stock_item WHERE product_id IN ({ids}) AND stock_id = 1
"""

PRODUCT_MEDIA = """
SELECT e.entity_id, g.value_id, g.value AS file, g.media_type,
       COALESCE(vs.label, vd.label) AS label,
       COALESCE(vs.position, vd.position) AS position,
       COALESCE(vs.disabled, vd.disabled, g.disabled) AS disabled
FROM catalog_product_entity_media_gallery g
JOIN catalog_product_entity_media_gallery_value_to_entity e ON e.value_id = g.value_id
LEFT JOIN catalog_product_entity_media_gallery_value vd
       ON vd.value_id = g.value_id AND vd.entity_id = e.entity_id AND vd.store_id = 0
LEFT JOIN catalog_product_entity_media_gallery_value vs
       ON vs.value_id = g.value_id AND vs.entity_id = e.entity_id AND vs.store_id = %s
WHERE e.entity_id IN ({ids})
ORDER BY e.entity_id, position, g.value_id
"""

SUPER_ATTRIBUTES = """
SELECT sa.product_super_attribute_id, sa.product_id, sa.attribute_id, sa.position,
       a.frontend_label
FROM catalog_product_super_attribute sa
JOIN eav_attribute a ON a.attribute_id = sa.attribute_id
WHERE sa.product_id IN ({ids})
ORDER BY sa.product_id, sa.position, sa.product_super_attribute_id
"""

SUPER_LINKS = """
SELECT parent_id, product_id FROM catalog_product_super_link
WHERE parent_id IN ({ids}) ORDER BY parent_id, product_id
"""

# The option ids the children of each configurable use for its super attributes.
SUPER_VALUES = """
SELECT DISTINCT l.parent_id, i.attribute_id, i.value AS option_id, o.sort_order
FROM catalog_product_super_link l
JOIN catalog_product_super_attribute sa ON sa.product_id = l.parent_id
JOIN catalog_product_entity_int i
     ON i.entity_id = l.product_id AND i.attribute_id = sa.attribute_id AND i.store_id = 0
LEFT JOIN eav_attribute_option o ON o.option_id = i.value
WHERE l.parent_id IN ({ids})
ORDER BY l.parent_id, i.attribute_id, o.sort_order, i.value
"""

# ---------------------------------------------------------------- categories

CATEGORY_ENTITIES = """
SELECT entity_id, attribute_set_id, parent_id, created_at, updated_at, path, position, level,
       children_count
FROM catalog_category_entity ORDER BY level, position, entity_id
"""

CATEGORY_VALUES = "\nUNION ALL\n".join(
    f"SELECT entity_id, attribute_id, store_id, CAST(value AS CHAR) AS value "
    f"FROM catalog_category_entity_{t} WHERE store_id IN (0, %s)"
    for t in VALUE_TABLES
)

# Products directly in each category, restricted to a website (0 = any website).
CATEGORY_DIRECT_COUNTS = """
SELECT ccp.category_id, COUNT(DISTINCT ccp.product_id) AS n
FROM catalog_category_product ccp
JOIN catalog_product_website w ON w.product_id = ccp.product_id AND (%s = 0 OR w.website_id = %s)
GROUP BY ccp.category_id
"""

# Distinct products anywhere in each category's subtree (what anchor categories show).
CATEGORY_SUBTREE_COUNTS = """
SELECT p.entity_id AS category_id, COUNT(DISTINCT ccp.product_id) AS n
FROM catalog_category_entity p
JOIN catalog_category_entity c ON c.entity_id = p.entity_id OR c.path LIKE CONCAT(p.path, '/%%')
JOIN catalog_category_product ccp ON ccp.category_id = c.entity_id
JOIN catalog_product_website w ON w.product_id = ccp.product_id AND (%s = 0 OR w.website_id = %s)
GROUP BY p.entity_id
"""

# ---------------------------------------------------------------- stores

WEBSITES = "SELECT website_id, code, name, default_group_id FROM store_website ORDER BY website_id"
STORE_GROUPS = """
SELECT group_id, website_id, name, root_category_id, default_store_id, code
FROM store_group ORDER BY group_id
"""
STORES = """
SELECT store_id, code, website_id, group_id, name, is_active FROM store ORDER BY store_id
"""

# ---------------------------------------------------------------- ETL: incremental runs

# Products changed since a watermark (NULL: all), in id-ordered batches after a checkpoint.
# `>=`, not `>`: a save in the same second as the watermark is read again (the ETL then skips
# it when its checksum did not change).
PRODUCT_IDS_SINCE = """
SELECT entity_id FROM catalog_product_entity
WHERE entity_id > %s AND (%s IS NULL OR updated_at >= %s)
ORDER BY entity_id LIMIT %s
"""

PRODUCT_COUNT_SINCE = """
SELECT COUNT(*) AS n FROM catalog_product_entity
WHERE entity_id > %s AND (%s IS NULL OR updated_at >= %s)
"""

PRODUCT_MAX_UPDATED_AT = "SELECT MAX(updated_at) AS updated_at FROM catalog_product_entity"

# Every product with its category links and websites as one comparable text each, by id: the
# ETL compares it with the new catalog's links to find deleted products and changed links
# (Magento does not bump updated_at when only a product's categories change).
PRODUCT_LINK_SIGNATURES = """
SELECT e.entity_id,
       (SELECT GROUP_CONCAT(c.category_id, ':', c.position ORDER BY c.category_id)
        FROM catalog_category_product c WHERE c.product_id = e.entity_id) AS categories,
       (SELECT GROUP_CONCAT(w.website_id ORDER BY w.website_id)
        FROM catalog_product_website w WHERE w.product_id = e.entity_id) AS websites
FROM catalog_product_entity e ORDER BY e.entity_id
"""

# Attribute ids that hold a value for one product in any store (diagnosing a broken product).
PRODUCT_ATTRIBUTE_IDS = "\nUNION\n".join(
    f"SELECT attribute_id FROM catalog_product_entity_{t} WHERE entity_id = %s"
    for t in VALUE_TABLES
)
