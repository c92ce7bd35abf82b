"""What a fresh Magento 2.4 install holds before any catalog: stores, EAV types, attributes.

How this works: these are data, not code. Ids follow a default Magento Open Source install
(website 1 `base`, store 1 `default`, root category 2, product attributes from 73 with color at 93,
...) so responses look like a real shop's; nothing reads these ids as constants — every reader
looks attributes up by code, as CONTRACT.md §13.2 asks.
"""

from __future__ import annotations

from dataclasses import dataclass

WEBSITES = [  # website_id, code, name, sort_order, default_group_id, is_default
    (0, "admin", "Admin", 0, 0, 0),
    (1, "base", "Main Website", 0, 1, 1),
]
STORE_GROUPS = [  # group_id, website_id, name, root_category_id, default_store_id, code
    (0, 0, "Default", 0, 0, "default"),
    (1, 1, "Main Website Store", 2, 1, "main_website_store"),
]
STORES = [  # store_id, code, website_id, group_id, name, sort_order, is_active
    (0, "admin", 0, 0, "Admin", 0, 1),
    (1, "default", 1, 1, "Default Store View", 0, 1),
]
ENTITY_TYPES = [  # entity_type_id, code, model, table, default_attribute_set_id
    (1, "customer", "Magento\\Customer\\Model\\ResourceModel\\Customer", "customer_entity", 1),
    (
        2,
        "customer_address",
        "Magento\\Customer\\Model\\ResourceModel\\Address",
        "customer_address_entity",
        2,
    ),
    (
        3,
        "catalog_category",
        "Magento\\Catalog\\Model\\ResourceModel\\Category",
        "catalog_category_entity",
        3,
    ),
    (
        4,
        "catalog_product",
        "Magento\\Catalog\\Model\\ResourceModel\\Product",
        "catalog_product_entity",
        4,
    ),
]
DEFAULT_SETS = [  # attribute_set_id, entity_type_id, name
    (1, 1, "Default"),
    (2, 2, "Default"),
    (3, 3, "Default"),
    (4, 4, "Default"),
]
TAX_CLASSES = [(2, "Taxable Goods", "PRODUCT"), (3, "Retail Customer", "CUSTOMER")]
CUSTOMER_GROUPS = [
    (0, "NOT LOGGED IN", 3),
    (1, "General", 3),
    (2, "Wholesale", 3),
    (3, "Retailer", 3),
]
REGIONS = [  # region_id, country_id, code, default_name (Magento's ids for the US states used)
    (12, "US", "CA", "California"),
    (33, "US", "MI", "Michigan"),
    (43, "US", "NY", "New York"),
    (57, "US", "TX", "Texas"),
]
STOCKS = [(1, 0, "Default")]


@dataclass(frozen=True, slots=True)
class SystemAttribute:
    attribute_id: int
    code: str
    backend_type: str
    frontend_input: str | None
    label: str | None
    is_global: int = 1
    is_required: bool = False


def _attr(
    attribute_id: int,
    code: str,
    backend: str,
    frontend: str | None,
    label: str | None,
    is_global: int = 1,
    required: bool = False,
) -> SystemAttribute:
    return SystemAttribute(attribute_id, code, backend, frontend, label, is_global, required)


PRODUCT_ATTRIBUTES = [
    _attr(73, "name", "varchar", "text", "Product Name", 0, True),
    _attr(74, "sku", "static", "text", "SKU", 1, True),
    _attr(75, "description", "text", "textarea", "Description", 0),
    _attr(76, "short_description", "text", "textarea", "Short Description", 0),
    _attr(77, "price", "decimal", "price", "Price", 2, True),
    _attr(78, "special_price", "decimal", "price", "Special Price", 2),
    _attr(79, "special_from_date", "datetime", "date", "Special Price From Date", 2),
    _attr(80, "special_to_date", "datetime", "date", "Special Price To Date", 2),
    _attr(81, "cost", "decimal", "price", "Cost", 2),
    _attr(82, "weight", "decimal", "weight", "Weight", 1),
    _attr(83, "manufacturer", "int", "select", "Manufacturer", 1),
    _attr(84, "meta_title", "varchar", "text", "Meta Title", 0),
    _attr(85, "meta_keyword", "text", "textarea", "Meta Keywords", 0),
    _attr(86, "meta_description", "varchar", "textarea", "Meta Description", 0),
    _attr(87, "image", "varchar", "media_image", "Base", 0),
    _attr(88, "small_image", "varchar", "media_image", "Small", 0),
    _attr(89, "thumbnail", "varchar", "media_image", "Thumbnail", 0),
    _attr(90, "media_gallery", "static", "gallery", "Media Gallery", 0),
    _attr(91, "old_id", "int", "text", None, 1),
    _attr(92, "tier_price", "decimal", "text", "Tier Price", 2),
    _attr(93, "color", "int", "select", "Color", 1),
    _attr(94, "news_from_date", "datetime", "date", "Set Product as New from Date", 2),
    _attr(95, "news_to_date", "datetime", "date", "Set Product as New to Date", 2),
    _attr(96, "gallery", "varchar", "gallery", "Image Gallery", 0),
    _attr(97, "status", "int", "select", "Enable Product", 2),
    _attr(98, "minimal_price", "decimal", "price", "Minimal Price", 1),
    _attr(99, "visibility", "int", "select", "Visibility", 0),
    _attr(100, "custom_design", "varchar", "select", "New Theme", 0),
    _attr(101, "custom_design_from", "datetime", "date", "Active From", 0),
    _attr(102, "custom_design_to", "datetime", "date", "Active To", 0),
    _attr(103, "custom_layout_update", "text", "textarea", "Layout Update XML", 0),
    _attr(104, "page_layout", "varchar", "select", "Layout", 0),
    _attr(105, "category_ids", "static", "text", "Categories", 1),
    _attr(106, "options_container", "varchar", "select", "Display Product Options In", 0),
    _attr(107, "required_options", "static", "text", None, 1),
    _attr(108, "has_options", "static", "text", None, 1),
    _attr(109, "image_label", "varchar", "text", "Image Label", 0),
    _attr(110, "small_image_label", "varchar", "text", "Small Image Label", 0),
    _attr(111, "thumbnail_label", "varchar", "text", "Thumbnail Label", 0),
    _attr(112, "created_at", "static", "date", None, 1),
    _attr(113, "updated_at", "static", "date", None, 1),
    _attr(114, "country_of_manufacture", "varchar", "select", "Country of Manufacture", 2),
    _attr(115, "quantity_and_stock_status", "int", "select", "Quantity", 1),
    _attr(116, "custom_layout", "varchar", "select", "New Layout", 0),
    _attr(117, "msrp", "decimal", "price", "Minimum Advertised Price", 2),
    _attr(118, "msrp_display_actual_price_type", "varchar", "select", "Display Actual Price", 2),
    _attr(119, "url_key", "varchar", "text", "URL Key", 0),
    _attr(120, "url_path", "varchar", "text", None, 0),
    _attr(121, "links_purchased_separately", "int", None, "Links can be purchased separately", 2),
    _attr(122, "samples_title", "varchar", None, "Samples Title", 0),
    _attr(123, "links_title", "varchar", None, "Links Title", 0),
    _attr(124, "links_exist", "int", None, None, 1),
    _attr(125, "price_type", "int", "boolean", "Dynamic Price", 1),
    _attr(126, "sku_type", "int", "boolean", "Dynamic SKU", 1),
    _attr(127, "weight_type", "int", "boolean", "Dynamic Weight", 1),
    _attr(128, "price_view", "int", "select", "Price View", 1),
    _attr(129, "shipment_type", "int", "select", "Ship Bundle Items", 1),
    _attr(130, "gift_message_available", "varchar", "boolean", "Allow Gift Message", 1),
    _attr(131, "tax_class_id", "int", "select", "Tax Class", 2),
    _attr(132, "swatch_image", "varchar", "media_image", "Swatch", 0),
]

CATEGORY_ATTRIBUTES = [
    _attr(45, "name", "varchar", "text", "Name", 0, True),
    _attr(46, "is_active", "int", "select", "Is Active", 0, True),
    _attr(47, "description", "text", "textarea", "Description", 0),
    _attr(48, "image", "varchar", "image", "Image", 0),
    _attr(49, "meta_title", "varchar", "text", "Page Title", 0),
    _attr(50, "meta_keywords", "text", "textarea", "Meta Keywords", 0),
    _attr(51, "meta_description", "text", "textarea", "Meta Description", 0),
    _attr(52, "display_mode", "varchar", "select", "Display Mode", 0),
    _attr(53, "landing_page", "int", "select", "CMS Block", 0),
    _attr(54, "is_anchor", "int", "select", "Is Anchor", 0),
    _attr(55, "path", "static", "text", "Path", 1),
    _attr(56, "position", "static", "text", "Position", 1),
    _attr(57, "all_children", "text", "text", None, 1),
    _attr(58, "path_in_store", "text", "text", None, 1),
    _attr(59, "children", "text", "text", None, 1),
    _attr(60, "custom_design", "varchar", "select", "Custom Design", 0),
    _attr(61, "custom_design_from", "datetime", "date", "Active From", 0),
    _attr(62, "custom_design_to", "datetime", "date", "Active To", 0),
    _attr(63, "page_layout", "varchar", "select", "Page Layout", 0),
    _attr(64, "custom_layout_update", "text", "textarea", "Custom Layout Update", 0),
    _attr(65, "level", "static", "text", "Level", 1),
    _attr(66, "children_count", "static", "text", "Children Count", 1),
    _attr(67, "available_sort_by", "text", "multiselect", "Available Product Listing Sort By", 0),
    _attr(68, "default_sort_by", "varchar", "select", "Default Product Listing Sort By", 0),
    _attr(69, "include_in_menu", "int", "select", "Include in Navigation Menu", 0, True),
    _attr(70, "custom_use_parent_settings", "int", "select", "Use Parent Category Settings", 0),
    _attr(71, "custom_apply_to_products", "int", "select", "Apply To Products", 0),
    _attr(72, "filter_price_range", "decimal", "text", "Layered Navigation Price Step", 0),
    _attr(133, "url_key", "varchar", "text", "URL Key", 0),
    _attr(134, "url_path", "varchar", "text", None, 0),
]

# Sample-data attribute inputs -> EAV backend types.
BACKEND_FOR_INPUT = {
    "select": "int",
    "boolean": "int",
    "multiselect": "varchar",
    "text": "varchar",
    "textarea": "text",
    "price": "decimal",
    "weight": "decimal",
    "date": "datetime",
    "media_image": "varchar",
}
ROOT_CATALOG_ID = 1
DEFAULT_ROOT_ID = 2
