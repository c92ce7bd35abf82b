"""Product, stock item and category objects (CONTRACT.md §10–§12)."""

from __future__ import annotations

from typing import Any

from legacy_adapters import inventory
from legacy_adapters.magento_wire.money import to_float
from legacy_adapters.records import Category, CustomAttribute, MediaEntry, Product, StockItem


def custom_attributes(attrs: tuple[CustomAttribute, ...]) -> list[dict[str, Any]]:
    """`custom_attributes`: code then the raw stored value, never cast."""
    return [
        {
            "attribute_code": a.code,
            "value": list(a.value) if isinstance(a.value, tuple) else a.value,
        }
        for a in attrs
    ]


def stock_item(item: StockItem) -> dict[str, Any]:
    """StockItemInterface; settings resolved against the inventory configuration."""
    eff = inventory.effective(item)
    return {
        "item_id": item.item_id,
        "product_id": item.product_id,
        "stock_id": item.stock_id,
        "qty": to_float(item.qty),
        "is_in_stock": item.is_in_stock,
        "is_qty_decimal": item.is_qty_decimal,
        "show_default_notification_message": False,
        "use_config_min_qty": item.use_config_min_qty,
        "min_qty": to_float(eff.min_qty),
        "use_config_min_sale_qty": int(item.use_config_min_sale_qty),
        "min_sale_qty": to_float(eff.min_sale_qty),
        "use_config_max_sale_qty": item.use_config_max_sale_qty,
        "max_sale_qty": to_float(eff.max_sale_qty),
        "use_config_backorders": item.use_config_backorders,
        "backorders": eff.backorders,
        "use_config_notify_stock_qty": item.use_config_notify_stock_qty,
        "notify_stock_qty": to_float(eff.notify_stock_qty),
        "use_config_qty_increments": item.use_config_qty_increments,
        "qty_increments": to_float(eff.qty_increments),
        "use_config_enable_qty_inc": item.use_config_enable_qty_inc,
        "enable_qty_increments": eff.enable_qty_increments,
        "use_config_manage_stock": item.use_config_manage_stock,
        "manage_stock": eff.manage_stock,
        "low_stock_date": item.low_stock_date,
        "is_decimal_divided": item.is_decimal_divided,
        "stock_status_changed_auto": item.stock_status_changed_auto,
    }


def media_entry(entry: MediaEntry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": entry.value_id,
        "media_type": entry.media_type,
        "label": entry.label,
    }
    if entry.position is not None:
        out["position"] = entry.position
    out["disabled"] = entry.disabled
    out["types"] = list(entry.types)
    out["file"] = entry.file
    return out


def _price_model_says_zero(p: Product) -> bool:
    """Without price data `Product::getPrice()` asks the type's price model (§10.1).

    Configurable `Price::getPrice` answers 0 when no child is selected; Bundle `Price::getPrice`
    answers 0 unless the bundle is fixed-price (`price_type` 1). The others read the empty data.
    """
    if p.type_id == "configurable":
        return True
    if p.type_id == "bundle":
        price_type = next((a.value for a in p.custom_attributes if a.code == "price_type"), None)
        return price_type != "1"
    return False


def product(p: Product, *, with_stock: bool = True) -> dict[str, Any]:
    """ProductInterface. `with_stock=False` for search results, where stock_item is absent."""
    out: dict[str, Any] = {"id": p.entity_id, "sku": p.sku}
    if p.name is not None:
        out["name"] = p.name
    out["attribute_set_id"] = p.attribute_set_id
    if p.price is not None:
        out["price"] = to_float(p.price)
    elif _price_model_says_zero(p):
        out["price"] = 0
    if p.status is not None:
        out["status"] = p.status
    if p.visibility is not None:
        out["visibility"] = p.visibility
    out["type_id"] = p.type_id
    out["created_at"] = p.created_at
    out["updated_at"] = p.updated_at
    if p.weight is not None:
        out["weight"] = to_float(p.weight)
    ext: dict[str, Any] = {}
    if p.website_ids:
        ext["website_ids"] = list(p.website_ids)
    if p.category_links:
        ext["category_links"] = [
            {"position": link.position, "category_id": str(link.category_id)}
            for link in p.category_links
        ]
    if with_stock and p.stock is not None:
        ext["stock_item"] = stock_item(p.stock)
    if p.configurable_options:
        ext["configurable_product_options"] = [
            {
                "id": o.option_id,
                "attribute_id": str(o.attribute_id),
                "label": o.label,
                "position": o.position,
                "values": [{"value_index": v} for v in o.value_indexes],
                "product_id": o.product_id,
            }
            for o in p.configurable_options
        ]
    if p.configurable_links:
        ext["configurable_product_links"] = list(p.configurable_links)
    if ext:
        out["extension_attributes"] = ext
    out["product_links"] = []
    out["options"] = []
    out["media_gallery_entries"] = [media_entry(m) for m in p.media]
    out["tier_prices"] = []
    if p.custom_attributes:
        out["custom_attributes"] = custom_attributes(p.custom_attributes)
    return out


def category_tree(category: Category, children: list[dict[str, Any]]) -> dict[str, Any]:
    """CategoryTreeInterface node; `children` are already-rendered child nodes."""
    return {
        "id": category.entity_id,
        "parent_id": category.parent_id,
        "name": category.name,
        "is_active": category.is_active,
        "position": category.position,
        "level": category.level,
        "product_count": category.product_count,
        "children_data": children,
    }


def category(c: Category) -> dict[str, Any]:
    """CategoryInterface (GET categories/{id}, categories/list items)."""
    out: dict[str, Any] = {"id": c.entity_id, "parent_id": c.parent_id}
    if c.name is not None:
        out["name"] = c.name
    if c.is_active is not None:
        out["is_active"] = c.is_active
    out["position"] = c.position
    out["level"] = c.level
    out["children"] = ",".join(str(i) for i in c.children)
    out["created_at"] = c.created_at
    out["updated_at"] = c.updated_at
    out["path"] = c.path
    out["available_sort_by"] = []
    if c.include_in_menu is not None:
        out["include_in_menu"] = c.include_in_menu
    if c.custom_attributes:
        out["custom_attributes"] = custom_attributes(c.custom_attributes)
    return out


def search_result(
    items: list[dict[str, Any]], criteria: dict[str, Any], total_count: int
) -> dict[str, Any]:
    """The list envelope: items, search_criteria, total_count."""
    return {"items": items, "search_criteria": criteria, "total_count": total_count}
