"""Quote (cart) reads and writes: quote, quote_address, quote_item, quote_id_mask."""

from __future__ import annotations

QUOTE = "SELECT * FROM quote WHERE entity_id = %s"
QUOTE_FOR_UPDATE = "SELECT * FROM quote WHERE entity_id = %s FOR UPDATE"
QUOTE_ADDRESSES = """
SELECT a.*, r.code AS region_code FROM quote_address a
LEFT JOIN directory_country_region r ON r.region_id = a.region_id
WHERE a.quote_id = %s ORDER BY a.address_id
"""
QUOTE_ITEMS = """
SELECT * FROM quote_item WHERE quote_id = %s AND parent_item_id IS NULL ORDER BY item_id
"""
MASK_BY_QUOTE = "SELECT masked_id FROM quote_id_mask WHERE quote_id = %s ORDER BY entity_id LIMIT 1"
QUOTE_ID_BY_MASK = "SELECT quote_id FROM quote_id_mask WHERE masked_id = %s LIMIT 1"
# Serialises concurrent "create my cart" requests of one customer (POST carts/mine).
LOCK_CUSTOMER = "SELECT entity_id FROM customer_entity WHERE entity_id = %s FOR UPDATE"
ACTIVE_QUOTE_FOR_CUSTOMER = """
SELECT entity_id FROM quote WHERE customer_id = %s AND is_active = 1
ORDER BY updated_at DESC, entity_id DESC LIMIT 1
"""

INSERT_QUOTE = """
INSERT INTO quote (store_id, created_at, updated_at, is_active, is_virtual, items_count, items_qty,
  orig_order_id, store_to_base_rate, store_to_quote_rate, base_currency_code, store_currency_code,
  quote_currency_code, global_currency_code, base_to_global_rate, base_to_quote_rate,
  grand_total, base_grand_total, customer_id, customer_tax_class_id, customer_group_id,
  customer_email, customer_firstname, customer_lastname, customer_is_guest, customer_note_notify,
  checkout_method)
VALUES (%s, %s, %s, 1, 0, 0, 0, 0, 0, 0, 'USD', 'USD', 'USD', 'USD', 1, 1, 0, 0,
  %s, 3, %s, %s, %s, %s, %s, 1, %s)
"""
INSERT_ADDRESS = """
INSERT INTO quote_address (quote_id, created_at, updated_at, customer_id, address_type, email,
  same_as_billing, collect_shipping_rates, subtotal_incl_tax)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 0)
"""
INSERT_MASK = "INSERT INTO quote_id_mask (quote_id, masked_id) VALUES (%s, %s)"
DELETE_MASK = "DELETE FROM quote_id_mask WHERE quote_id = %s"

INSERT_ITEM = """
INSERT INTO quote_item (quote_id, created_at, updated_at, product_id, store_id, is_virtual, sku,
  name, is_qty_decimal, weight, qty, price, base_price, product_type, row_weight)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
INSERT_ITEM_OPTION = """
INSERT INTO quote_item_option (item_id, product_id, code, value) VALUES (%s, %s, %s, %s)
"""
UPDATE_ITEM_QTY = """
UPDATE quote_item SET qty = %s, row_weight = %s, updated_at = %s WHERE item_id = %s
"""
UPDATE_BUY_REQUEST = """
UPDATE quote_item_option SET value = %s WHERE item_id = %s AND code = 'info_buyRequest'
"""
DELETE_ITEM = "DELETE FROM quote_item WHERE item_id = %s AND quote_id = %s"
COPY_ITEM = """
INSERT INTO quote_item (quote_id, created_at, updated_at, product_id, store_id, is_virtual, sku,
  name, is_qty_decimal, weight, qty, price, base_price, product_type, row_weight)
SELECT %s, %s, %s, product_id, store_id, is_virtual, sku, name, is_qty_decimal, weight, qty,
  price, base_price, product_type, row_weight
FROM quote_item WHERE item_id = %s
"""
COPY_ITEM_OPTIONS = """
INSERT INTO quote_item_option (item_id, product_id, code, value)
SELECT %s, product_id, code, value FROM quote_item_option WHERE item_id = %s
"""

ITEM_TOTALS_COLUMNS = (
    "price",
    "base_price",
    "row_total",
    "base_row_total",
    "price_incl_tax",
    "base_price_incl_tax",
    "row_total_incl_tax",
    "base_row_total_incl_tax",
    "tax_amount",
    "base_tax_amount",
    "tax_percent",
    "discount_amount",
    "base_discount_amount",
    "discount_percent",
    "row_total_with_discount",
    "discount_tax_compensation_amount",
    "base_discount_tax_compensation_amount",
)
UPDATE_ITEM_TOTALS = (
    "UPDATE quote_item SET "
    + ", ".join(f"{c} = %s" for c in ITEM_TOTALS_COLUMNS)
    + " WHERE item_id = %s"
)
ADDRESS_TOTALS_COLUMNS = (
    "subtotal",
    "base_subtotal",
    "subtotal_with_discount",
    "base_subtotal_with_discount",
    "tax_amount",
    "base_tax_amount",
    "shipping_amount",
    "base_shipping_amount",
    "discount_amount",
    "base_discount_amount",
    "grand_total",
    "base_grand_total",
    "subtotal_incl_tax",
    "shipping_discount_amount",
    "base_shipping_discount_amount",
    "shipping_tax_amount",
    "base_shipping_tax_amount",
    "shipping_incl_tax",
    "base_shipping_incl_tax",
    "weight",
)
UPDATE_ADDRESS_TOTALS = (
    "UPDATE quote_address SET "
    + ", ".join(f"{c} = COALESCE(%s, {c})" for c in ADDRESS_TOTALS_COLUMNS)
    + ", updated_at = %s WHERE address_id = %s"
)
UPDATE_QUOTE_TOTALS = """
UPDATE quote SET items_count = %s, items_qty = %s, is_virtual = %s, subtotal = %s,
  base_subtotal = %s, subtotal_with_discount = %s, base_subtotal_with_discount = %s,
  grand_total = %s, base_grand_total = %s, updated_at = %s
WHERE entity_id = %s
"""
ASSIGN_CUSTOMER = """
UPDATE quote SET customer_id = %s, customer_email = %s, customer_firstname = %s,
  customer_lastname = %s, customer_group_id = %s, customer_is_guest = 0, checkout_method = NULL,
  store_id = %s, is_active = 1, updated_at = %s
WHERE entity_id = %s
"""
ASSIGN_BILLING = """
UPDATE quote_address SET customer_id = %s, email = %s, updated_at = %s
WHERE quote_id = %s AND address_type = 'billing'
"""
DEACTIVATE = "UPDATE quote SET is_active = 0, updated_at = %s WHERE entity_id = %s"
