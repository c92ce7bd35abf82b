"""What every bench serves and routes: one Magento product JSON and the proxy's routes.yaml.

Pure: text in, text out. The product is Magento's `GET /rest/V1/products/24-MB01` answer (the
CONTRACT.md §10.1 example), encoded by the project's one PHP-compatible encoder, so it has the
real wire's quirks (compact, `\\/` escapes) and a realistic size (~1.5 KB).
"""

from __future__ import annotations

from typing import Any

from legacy_adapters.magento_wire import phpjson

SKU = "24-MB01"
PRODUCT_PATH = f"/rest/V1/products/{SKU}"
CONTENT_TYPE = phpjson.JSON_CONTENT_TYPE
ROUTE_ID = "catalog-product"
DESCRIPTION = (
    "<p>The sporty Joust Duffle Bag can't be beat - not in the gym, not on the luggage "
    "carousel, not anywhere.</p>"
)


def _stock_item() -> dict[str, Any]:
    return {
        "item_id": 1, "product_id": 1, "stock_id": 1, "qty": 100, "is_in_stock": True,
        "is_qty_decimal": False, "show_default_notification_message": False,
        "use_config_min_qty": True, "min_qty": 0, "use_config_min_sale_qty": 1,
        "min_sale_qty": 1, "use_config_max_sale_qty": True, "max_sale_qty": 10000,
        "use_config_backorders": True, "backorders": 0, "use_config_notify_stock_qty": True,
        "notify_stock_qty": 1, "use_config_qty_increments": True, "qty_increments": 0,
        "use_config_enable_qty_inc": True, "enable_qty_increments": False,
        "use_config_manage_stock": True, "manage_stock": True, "low_stock_date": None,
        "is_decimal_divided": False, "stock_status_changed_auto": 0,
    }  # fmt: skip


def product() -> dict[str, Any]:
    """The product as Magento's getters order it (CONTRACT.md §10.1)."""
    attributes = [
        ("description", DESCRIPTION),
        ("category_ids", ["3", "4"]),
        ("options_container", "container2"),
        ("required_options", "0"),
        ("has_options", "0"),
        ("url_key", "joust-duffle-bag"),
        ("tax_class_id", "2"),
        ("activity", "8,11"),
    ]
    return {
        "id": 1, "sku": SKU, "name": "Joust Duffle Bag", "attribute_set_id": 15, "price": 34.0,
        "status": 1, "visibility": 4, "type_id": "simple",
        "created_at": "2024-05-01 09:00:00", "updated_at": "2024-05-01 09:00:00",
        "extension_attributes": {
            "website_ids": [1],
            "category_links": [
                {"position": 0, "category_id": "3"}, {"position": 0, "category_id": "4"},
            ],
            "stock_item": _stock_item(),
        },
        "product_links": [], "options": [], "media_gallery_entries": [], "tier_prices": [],
        "custom_attributes": [{"attribute_code": c, "value": v} for c, v in attributes],
    }  # fmt: skip


def product_body() -> bytes:
    """The bytes a Magento store sends for the product (PHP `json_encode`)."""
    return phpjson.encode(product())


def routes_yaml(legacy_url: str, catalog_url: str, mode: str) -> str:
    """routes.yaml: everything to legacy, the product route in `mode` with every read shadowed."""
    return f"""\
version: 1
backends:
  legacy: {{url: "{legacy_url}"}}
  catalog: {{url: "{catalog_url}"}}
defaults:
  backend: legacy
routes:
  - id: {ROUTE_ID}
    match: {{methods: [GET], path: "/rest/V1/products/{{sku}}"}}
    new: catalog
    mode: {mode}
    shadow: {{sample: 1.0}}
"""
