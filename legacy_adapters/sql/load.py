"""Writes of the catalog loader: idempotent inserts into Magento's tables."""

from __future__ import annotations

WEBSITE = """
INSERT INTO store_website (website_id, code, name, sort_order, default_group_id, is_default)
VALUES (%s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE name = VALUES(name)
"""
STORE_GROUP = """
INSERT INTO store_group (group_id, website_id, name, root_category_id, default_store_id, code)
VALUES (%s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE name = VALUES(name)
"""
STORE = """
INSERT INTO store (store_id, code, website_id, group_id, name, sort_order, is_active)
VALUES (%s, %s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE name = VALUES(name)
"""
ENTITY_TYPE = """
INSERT INTO eav_entity_type (entity_type_id, entity_type_code, entity_model, entity_table,
                             default_attribute_set_id)
VALUES (%s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE entity_model = VALUES(entity_model)
"""
ATTRIBUTE_SET = """
INSERT INTO eav_attribute_set (attribute_set_id, entity_type_id, attribute_set_name, sort_order)
VALUES (%s, %s, %s, 0) ON DUPLICATE KEY UPDATE attribute_set_name = VALUES(attribute_set_name)
"""
NEW_ATTRIBUTE_SET = """
INSERT IGNORE INTO eav_attribute_set (entity_type_id, attribute_set_name, sort_order)
VALUES (%s, %s, %s)
"""
ATTRIBUTE_SETS = """
SELECT attribute_set_id, attribute_set_name FROM eav_attribute_set WHERE entity_type_id = %s
"""
ATTRIBUTE_GROUP = """
INSERT IGNORE INTO eav_attribute_group
  (attribute_set_id, attribute_group_name, sort_order, default_id, attribute_group_code)
VALUES (%s, 'General', 1, 1, 'product-details')
"""
ATTRIBUTE_GROUP_ID = """
SELECT attribute_group_id FROM eav_attribute_group
WHERE attribute_set_id = %s AND attribute_group_code = 'product-details'
"""
ENTITY_ATTRIBUTE = """
INSERT IGNORE INTO eav_entity_attribute
  (entity_type_id, attribute_set_id, attribute_group_id, attribute_id, sort_order)
VALUES (%s, %s, %s, %s, %s)
"""
SYSTEM_ATTRIBUTE = """
INSERT INTO eav_attribute (attribute_id, entity_type_id, attribute_code, backend_type,
                           frontend_input, frontend_label, is_required, is_user_defined)
VALUES (%s, %s, %s, %s, %s, %s, %s, 0)
ON DUPLICATE KEY UPDATE frontend_label = VALUES(frontend_label)
"""
USER_ATTRIBUTE = """
INSERT INTO eav_attribute (entity_type_id, attribute_code, backend_type, frontend_input,
                           frontend_label, source_model, is_required, is_user_defined)
VALUES (%s, %s, %s, %s, %s, %s, 0, 1)
ON DUPLICATE KEY UPDATE frontend_label = VALUES(frontend_label)
"""
CATALOG_ATTRIBUTE = """
INSERT INTO catalog_eav_attribute (attribute_id, is_global, is_searchable, is_filterable,
  is_comparable, is_visible_on_front, used_in_product_listing, used_for_sort_by)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON DUPLICATE KEY UPDATE is_global = VALUES(is_global)
"""
ATTRIBUTE_ID = """
SELECT attribute_id FROM eav_attribute WHERE entity_type_id = %s AND attribute_code = %s
"""
OPTION = "INSERT INTO eav_attribute_option (attribute_id, sort_order) VALUES (%s, %s)"
OPTION_VALUE = """
INSERT INTO eav_attribute_option_value (option_id, store_id, value) VALUES (%s, 0, %s)
"""
TAX_CLASS = """
INSERT INTO tax_class (class_id, class_name, class_type) VALUES (%s, %s, %s)
ON DUPLICATE KEY UPDATE class_name = VALUES(class_name)
"""
CUSTOMER_GROUP = """
INSERT INTO customer_group (customer_group_id, customer_group_code, tax_class_id)
VALUES (%s, %s, %s) ON DUPLICATE KEY UPDATE customer_group_code = VALUES(customer_group_code)
"""
REGION = """
INSERT INTO directory_country_region (region_id, country_id, code, default_name)
VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE default_name = VALUES(default_name)
"""
STOCK = """
INSERT INTO cataloginventory_stock (stock_id, website_id, stock_name) VALUES (%s, %s, %s)
ON DUPLICATE KEY UPDATE stock_name = VALUES(stock_name)
"""

# ---------------------------------------------------------------- categories
CATEGORY_TREE = """
SELECT e.entity_id, e.parent_id, e.path, e.level, e.position, v.value AS name
FROM catalog_category_entity e
LEFT JOIN catalog_category_entity_varchar v
       ON v.entity_id = e.entity_id AND v.store_id = 0 AND v.attribute_id = %s
ORDER BY e.level, e.position, e.entity_id
"""
CATEGORY = """
INSERT INTO catalog_category_entity (entity_id, attribute_set_id, parent_id, created_at,
  updated_at, path, position, level, children_count)
VALUES (%s, 3, %s, %s, %s, %s, %s, %s, 0)
"""
NEW_CATEGORY = """
INSERT INTO catalog_category_entity (attribute_set_id, parent_id, created_at, updated_at, path,
  position, level, children_count)
VALUES (3, %s, %s, %s, '', %s, %s, 0)
"""
CATEGORY_PATH = "UPDATE catalog_category_entity SET path = %s WHERE entity_id = %s"
CATEGORY_CHILDREN_COUNTS = """
UPDATE catalog_category_entity p
SET p.children_count = (SELECT COUNT(*) FROM (SELECT path FROM catalog_category_entity) c
                        WHERE c.path LIKE CONCAT(p.path, '/%'))
"""
CATEGORY_VALUE = {
    t: f"""
INSERT INTO catalog_category_entity_{t} (attribute_id, store_id, entity_id, value)
VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE value = VALUES(value)
"""
    for t in ("varchar", "int", "decimal", "text", "datetime")
}

# ---------------------------------------------------------------- products
PRODUCT_IDS_BY_SKU = "SELECT entity_id, sku FROM catalog_product_entity WHERE sku IN ({ids})"
PRODUCT = """
INSERT INTO catalog_product_entity (attribute_set_id, type_id, sku, has_options,
  required_options, created_at, updated_at)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""
PRODUCT_VALUE = {
    t: f"""
INSERT INTO catalog_product_entity_{t} (attribute_id, store_id, entity_id, value)
VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE value = VALUES(value)
"""
    for t in ("varchar", "int", "decimal", "text", "datetime")
}
PRODUCT_WEBSITE = (
    "INSERT IGNORE INTO catalog_product_website (product_id, website_id) VALUES (%s, %s)"
)
CATEGORY_PRODUCT = """
INSERT IGNORE INTO catalog_category_product (category_id, product_id, position) VALUES (%s, %s, %s)
"""
STOCK_ITEM_COLUMNS = (
    "qty",
    "is_in_stock",
    "min_qty",
    "use_config_min_qty",
    "is_qty_decimal",
    "backorders",
    "use_config_backorders",
    "min_sale_qty",
    "use_config_min_sale_qty",
    "max_sale_qty",
    "use_config_max_sale_qty",
    "notify_stock_qty",
    "use_config_notify_stock_qty",
    "manage_stock",
    "use_config_manage_stock",
    "use_config_qty_increments",
    "qty_increments",
    "use_config_enable_qty_inc",
    "enable_qty_increments",
    "is_decimal_divided",
)
STOCK_ITEM = f"""
INSERT INTO cataloginventory_stock_item (product_id, stock_id, website_id,
  {", ".join(STOCK_ITEM_COLUMNS)})
VALUES (%s, 1, 0, {", ".join(["%s"] * len(STOCK_ITEM_COLUMNS))})
ON DUPLICATE KEY UPDATE {", ".join(f"{c} = VALUES({c})" for c in STOCK_ITEM_COLUMNS)}
"""
STOCK_STATUS = """
INSERT INTO cataloginventory_stock_status (product_id, website_id, stock_id, qty, stock_status)
VALUES (%s, 0, 1, %s, %s)
ON DUPLICATE KEY UPDATE qty = VALUES(qty), stock_status = VALUES(stock_status)
"""
MEDIA = """
INSERT INTO catalog_product_entity_media_gallery (attribute_id, value, media_type, disabled)
VALUES (%s, %s, 'image', 0)
"""
MEDIA_TO_ENTITY = """
INSERT INTO catalog_product_entity_media_gallery_value_to_entity (value_id, entity_id)
VALUES (%s, %s)
"""
MEDIA_VALUE = """
INSERT INTO catalog_product_entity_media_gallery_value (value_id, store_id, entity_id, label,
  position, disabled)
VALUES (%s, 0, %s, %s, %s, 0)
"""
SUPER_ATTRIBUTE = """
INSERT IGNORE INTO catalog_product_super_attribute (product_id, attribute_id, position)
VALUES (%s, %s, %s)
"""
SUPER_LINK = "INSERT IGNORE INTO catalog_product_super_link (product_id, parent_id) VALUES (%s, %s)"
RELATION = "INSERT IGNORE INTO catalog_product_relation (parent_id, child_id) VALUES (%s, %s)"

# ---------------------------------------------------------------- people
CUSTOMER_BY_EMAIL = """
SELECT entity_id FROM customer_entity WHERE email = %s AND website_id = %s
"""
CUSTOMER = """
INSERT INTO customer_entity (website_id, email, group_id, store_id, created_in, firstname,
  lastname, dob, gender, password_hash, is_active)
VALUES (%s, %s, 1, 1, 'Default Store View', %s, %s, %s, %s, %s, 1)
"""
CUSTOMER_PASSWORD = "UPDATE customer_entity SET password_hash = %s WHERE entity_id = %s"
CUSTOMER_ADDRESS = """
INSERT INTO customer_address_entity (parent_id, city, country_id, firstname, lastname, postcode,
  region, region_id, street, telephone)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
CUSTOMER_DEFAULT_ADDRESSES = """
UPDATE customer_entity SET default_billing = %s, default_shipping = %s WHERE entity_id = %s
"""
REGION_BY_NAME = """
SELECT region_id FROM directory_country_region WHERE country_id = %s AND default_name = %s
"""
ADMIN_USER = """
INSERT INTO admin_user (firstname, lastname, email, username, password, is_active)
VALUES (%s, %s, %s, %s, %s, 1)
ON DUPLICATE KEY UPDATE password = VALUES(password), is_active = 1
"""
