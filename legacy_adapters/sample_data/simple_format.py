"""The per-module sample-data format (CatalogSampleData gear, bundle, grouped, downloadable).

How this works: every column that is not structural is an attribute code, multi-valued cells
are newline-separated labels, and `category` is a newline-separated walk of category names
(resolved by the loader against the tree, CONTRACT.md §14). These files carry no status,
visibility, weight or website: products are enabled, visible in catalog and search, in the
`base` website, taxable; the URL key is made from the name, as Magento's installer does.
Images come from the `images_*.csv` files next to the products.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from legacy_adapters.sample_data import csvfiles
from legacy_adapters.sample_data.model import ProductSpec, StockSpec

STRUCTURAL = frozenset(
    {"sku", "category", "attribute_set", "qty", "is_in_stock", "manage_stock", "bundle_options",
     "associated_sku"}
)  # fmt: skip
DEFAULTS = {
    "status": "1",
    "visibility": "4",
    "tax_class_id": "Taxable Goods",
    "options_container": "container2",
}


def images(fixtures: Path) -> dict[str, list[str]]:
    """sku -> image files, from every `images_*.csv` under `fixtures`."""
    out: dict[str, list[str]] = defaultdict(list)
    for path in sorted(fixtures.rglob("images_*.csv")):
        for row in csvfiles.rows(path):
            image = row.get("image", "").strip()
            if row.get("sku") and image and image not in out[row["sku"]]:
                out[row["sku"]].append(image)
    return dict(out)


def _qty(cell: str) -> Decimal:
    try:
        return Decimal(cell) if cell.strip() else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def product(row: Mapping[str, str], type_id: str, gallery: Mapping[str, list[str]]) -> ProductSpec:
    values = {**DEFAULTS, **{k: v for k, v in row.items() if k not in STRUCTURAL and v != ""}}
    values.setdefault("url_key", csvfiles.url_key(row.get("name", row["sku"])))
    files = tuple(gallery.get(row["sku"], ()))
    if files:
        values.update({"image": files[0], "small_image": files[0], "thumbnail": files[0]})
    settings = {"manage_stock": row["manage_stock"]} if row.get("manage_stock") else {}
    if settings:
        settings["use_config_manage_stock"] = "0"
    return ProductSpec(
        sku=row["sku"],
        type_id=type_id,
        attribute_set=row.get("attribute_set") or "Default",
        values=values,
        category_walk=tuple(csvfiles.lines(row.get("category", ""))),
        stock=StockSpec(
            qty=_qty(row.get("qty", "")),
            is_in_stock=row.get("is_in_stock", "1").strip() != "0",
            settings=settings,
        ),
        images=files,
        links=tuple(s.strip() for s in row.get("associated_sku", "").split(",") if s.strip()),
    )


def parse_file(path: Path, type_id: str, gallery: Mapping[str, list[str]]) -> Iterator[ProductSpec]:
    for row in csvfiles.rows(path):
        if row.get("sku"):
            yield product(row, type_id, gallery)
