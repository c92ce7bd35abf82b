"""Magento's product import format (ConfigurableSampleData, Venia): one row -> ProductSpec.

How this works: fixed columns map to attribute codes (`base_image` -> `image`, ...), the
`additional_attributes` cell carries `code=Label` pairs (several labels joined by `|`), and
`configurable_variations` lists the children of a configurable with their option labels. A row
with a `store_view_code` holds overrides for the product of the row before it; `parse_file`
folds such rows into that product's `store_values`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from legacy_adapters.sample_data import csvfiles
from legacy_adapters.sample_data.model import ProductSpec, StockSpec, Variation

VISIBILITY = {
    "Not Visible Individually": "1",
    "Catalog": "2",
    "Search": "3",
    "Catalog, Search": "4",
}
OPTIONS_CONTAINER = {"Product Info Column": "container1", "Block after Info Column": "container2"}

COLUMN_ATTRIBUTES = {
    "name": "name",
    "description": "description",
    "short_description": "short_description",
    "weight": "weight",
    "price": "price",
    "special_price": "special_price",
    "special_price_from_date": "special_from_date",
    "special_price_to_date": "special_to_date",
    "url_key": "url_key",
    "meta_title": "meta_title",
    "meta_keywords": "meta_keyword",
    "meta_description": "meta_description",
    "base_image": "image",
    "small_image": "small_image",
    "thumbnail_image": "thumbnail",
    "base_image_label": "image_label",
    "small_image_label": "small_image_label",
    "thumbnail_image_label": "thumbnail_label",
    "new_from_date": "news_from_date",
    "new_to_date": "news_to_date",
    "msrp_price": "msrp",
    "msrp_display_actual_price_type": "msrp_display_actual_price_type",
    "gift_message_available": "gift_message_available",
    "custom_design": "custom_design",
    "custom_design_from": "custom_design_from",
    "custom_design_to": "custom_design_to",
    "custom_layout_update": "custom_layout_update",
    "page_layout": "page_layout",
    "country_of_manufacture": "country_of_manufacture",
}

# import column -> cataloginventory_stock_item column
STOCK_COLUMNS = {
    "out_of_stock_qty": "min_qty",
    "use_config_min_qty": "use_config_min_qty",
    "is_qty_decimal": "is_qty_decimal",
    "allow_backorders": "backorders",
    "use_config_backorders": "use_config_backorders",
    "min_cart_qty": "min_sale_qty",
    "use_config_min_sale_qty": "use_config_min_sale_qty",
    "max_cart_qty": "max_sale_qty",
    "use_config_max_sale_qty": "use_config_max_sale_qty",
    "notify_on_stock_below": "notify_stock_qty",
    "use_config_notify_stock_qty": "use_config_notify_stock_qty",
    "manage_stock": "manage_stock",
    "use_config_manage_stock": "use_config_manage_stock",
    "use_config_qty_increments": "use_config_qty_increments",
    "qty_increments": "qty_increments",
    "use_config_enable_qty_inc": "use_config_enable_qty_inc",
    "enable_qty_increments": "enable_qty_increments",
    "is_decimal_divided": "is_decimal_divided",
}

_PAIR_SPLIT = re.compile(r",(?=[A-Za-z0-9_]+=)")


def pairs(cell: str, separator: re.Pattern[str] = _PAIR_SPLIT) -> dict[str, str]:
    """`a=1,b=X|Y` -> {"a": "1", "b": "X|Y"} (commas inside a value survive)."""
    out: dict[str, str] = {}
    for part in separator.split(cell):
        code, sep, value = part.partition("=")
        if sep and code.strip():
            out[code.strip()] = value
    return out


def _decimal(cell: str) -> Decimal:
    try:
        return Decimal(cell) if cell.strip() else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _values(row: Mapping[str, str]) -> dict[str, str]:
    values = {code: row[col] for col, code in COLUMN_ATTRIBUTES.items() if row.get(col)}
    if row.get("product_online"):
        values["status"] = "1" if row["product_online"].strip() == "1" else "2"
    if row.get("visibility"):
        values["visibility"] = VISIBILITY.get(row["visibility"], row["visibility"])
    if row.get("tax_class_name"):
        values["tax_class_id"] = row["tax_class_name"]
    if row.get("display_product_options_in"):
        shown = row["display_product_options_in"]
        values["options_container"] = OPTIONS_CONTAINER.get(shown, shown)
    for code, value in pairs(row.get("additional_attributes", "")).items():
        values[code] = "\n".join(value.split("|"))
    return values


def _default_values(row: Mapping[str, str]) -> dict[str, str]:
    """Default-scope values; a missing URL key is made from the name, as the importer does."""
    values = _values(row)
    if "url_key" not in values and values.get("name"):
        values["url_key"] = csvfiles.url_key(values["name"])
    return values


def _images(row: Mapping[str, str]) -> tuple[str, ...]:
    seen: list[str] = []
    for image in [row.get("base_image", ""), *row.get("additional_images", "").split(",")]:
        image = image.strip()
        if image and image not in seen:
            seen.append(image)
    return tuple(seen)


def _variations(row: Mapping[str, str]) -> tuple[tuple[Variation, ...], tuple[str, ...]]:
    variations = []
    axes: list[str] = []
    for entry in row.get("configurable_variations", "").split("|"):
        fields = pairs(entry, re.compile(","))
        sku = fields.pop("sku", "")
        if not sku:
            continue
        for code in fields:
            if code not in axes:
                axes.append(code)
        variations.append(Variation(sku=sku, values=fields))
    return tuple(variations), tuple(axes)


def _categories(cell: str, root_name: str) -> tuple[tuple[str, ...], ...]:
    paths = []
    for raw in cell.split(","):
        names = tuple(n for n in raw.strip().split("/") if n)
        if names and names[0] == root_name:
            names = names[1:]
        if raw.strip() and names not in paths:
            paths.append(names)
    return tuple(paths)


def product(row: Mapping[str, str], root_name: str = "Default Category") -> ProductSpec:
    """One default-scope import row as a product."""
    variations, axes = _variations(row)
    settings = {col: row[src] for src, col in STOCK_COLUMNS.items() if row.get(src, "") != ""}
    return ProductSpec(
        sku=row["sku"],
        type_id=row.get("product_type") or "simple",
        attribute_set=row.get("attribute_set_code") or "Default",
        values=_default_values(row),
        categories=_categories(row.get("categories", ""), root_name),
        websites=tuple(w for w in row.get("product_websites", "base").split(",") if w) or ("base",),
        stock=StockSpec(
            qty=_decimal(row.get("qty", "")),
            is_in_stock=row.get("is_in_stock", "1").strip() != "0",
            settings=settings,
        ),
        images=_images(row),
        image_labels={
            img: row.get(label, "")
            for img, label in ((row.get("base_image", ""), "base_image_label"),)
            if img
        },
        variations=variations,
        super_attributes=axes,
    )


def parse_file(path: Path, root_name: str = "Default Category") -> Iterator[ProductSpec]:
    """Products of an import-format file, store-view rows folded into their product."""
    pending: ProductSpec | None = None
    for row in csvfiles.rows(path):
        store = row.get("store_view_code", "").strip()
        if store and pending is not None and row.get("sku") == pending.sku:
            overrides = dict(pending.store_values)
            overrides[store] = _values(row)
            pending = replace(pending, store_values=overrides)
            continue
        if pending is not None:
            yield pending
        pending = product(row, root_name)
    if pending is not None:
        yield pending
