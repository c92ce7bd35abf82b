"""Find a sample-data catalog on disk and read it into a `Catalog`.

How this works: `locate(root)` accepts the project's sample-data folder (which holds
`magento2-sample-data/` and the Venia modules), a checkout of magento/magento2-sample-data
itself, or a generated catalog in the same layout. `luma(root)` and `venia(root)` list the
fixture files each catalog is made of, in Magento's installation order (gear first, so
24-MB01 gets entity id 1 as in a real Luma install), and return a `Catalog` whose products are
streamed from those files.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from legacy_adapters.sample_data import csvfiles, import_format, simple_format
from legacy_adapters.sample_data.model import (
    AttributeSpec,
    Catalog,
    CategorySpec,
    CustomerSpec,
    ProductSpec,
)

LUMA_MODULES = Path("app/code/Magento")
GENDERS = {"male": 1, "female": 2, "not specified": 3}


class SampleDataMissing(FileNotFoundError):
    """No catalog in the expected layout under the given folder."""


@dataclass(frozen=True, slots=True)
class SampleData:
    luma: Path | None  # the folder holding ConfigurableSampleData/, CatalogSampleData/, ...
    venia_catalog: Path | None  # module-catalog-sample-data-venia/fixtures
    venia_configurable: Path | None  # module-configurable-sample-data-venia/fixtures
    generated: bool = False


def locate(root: Path) -> SampleData:
    """Find the Luma and Venia fixture folders under `root` (or raise SampleDataMissing)."""
    root = Path(root)
    luma = None
    for candidate in (root / "magento2-sample-data" / LUMA_MODULES, root / LUMA_MODULES, root):
        if (candidate / "ConfigurableSampleData" / "fixtures" / "products.csv").is_file():
            luma = candidate
            break
    venia_catalog = root / "module-catalog-sample-data-venia" / "fixtures"
    venia_conf = root / "module-configurable-sample-data-venia" / "fixtures"
    found = SampleData(
        luma=luma,
        venia_catalog=venia_catalog if venia_catalog.is_dir() else None,
        venia_configurable=venia_conf if (venia_conf / "products.csv").is_file() else None,
        generated=(root / "GENERATED.md").is_file(),
    )
    if found.luma is None and found.venia_configurable is None:
        raise SampleDataMissing(f"no Magento sample-data catalog under {root}")
    return found


def _flag(cell: str, default: bool = False) -> bool:
    return cell.strip() == "1" if cell.strip() else default


def attributes(paths: list[Path]) -> tuple[AttributeSpec, ...]:
    """Attribute specs; an attribute defined in several files gets the union of its options."""
    merged: dict[str, AttributeSpec] = {}
    for path in paths:
        if not path.is_file():
            continue
        for row in csvfiles.rows(path):
            code = row["attribute_code"].strip()
            labels = csvfiles.lines(row.get("frontend_label", "")) or [code]
            spec = AttributeSpec(
                code=code,
                label=labels[0],
                input=row.get("frontend_input") or "text",
                options=tuple(dict.fromkeys(csvfiles.lines(row.get("option", "")))),
                sets=tuple(csvfiles.lines(row.get("attribute_set", ""))),
                is_global=int(row.get("is_global") or 1),
                is_filterable=_flag(row.get("is_filterable", "")),
                is_searchable=_flag(row.get("is_searchable", "")),
                is_comparable=_flag(row.get("is_comparable", "")),
                is_visible_on_front=_flag(row.get("is_visible_on_front", "")),
                used_in_product_listing=_flag(row.get("used_in_product_listing", "")),
                used_for_sort_by=_flag(row.get("used_for_sort_by", "")),
            )
            if code in merged:
                old = merged[code]
                spec = dataclasses.replace(
                    old,
                    options=tuple(dict.fromkeys(old.options + spec.options)),
                    sets=tuple(dict.fromkeys(old.sets + spec.sets)),
                )
            merged[code] = spec
    return tuple(merged.values())


def categories(paths: list[Path]) -> tuple[CategorySpec, ...]:
    """Category specs in file order; a path defined twice keeps its first definition."""
    seen: dict[tuple[str, ...], CategorySpec] = {}
    for path in paths:
        if not path.is_file():
            continue
        for row in csvfiles.rows(path):
            parents = tuple(n for n in row.get("path", "").split("/") if n)
            full = (*parents, row["name"])
            if full in seen:
                continue
            position = row.get("position", "").strip()
            seen[full] = CategorySpec(
                path=full,
                url_key=row.get("url_key") or None,
                is_active=_flag(row.get("active", ""), True),
                is_anchor=_flag(row.get("is_anchor", ""), True),
                include_in_menu=_flag(row.get("include_in_menu", ""), True),
                position=int(position) if position.isdigit() else None,
                display_mode=row.get("display_mode") or None,
            )
    return tuple(seen.values())


def customers(path: Path) -> tuple[CustomerSpec, ...]:
    if not path.is_file():
        return ()
    out = []
    for row in csvfiles.rows(path):
        try:
            street = [s for s in json.loads(row.get("street") or "[]") if s]
        except ValueError:
            street = csvfiles.lines(row.get("street", ""))
        out.append(
            CustomerSpec(
                email=row["email"],
                password=row["password"],
                firstname=row["firstname"],
                lastname=row["lastname"],
                dob=row.get("dob") or None,
                gender=GENDERS.get(row.get("gender", "").lower()),
                street=tuple(street),
                city=row.get("city", ""),
                region=row.get("region") or None,
                country_id=row.get("country_id") or "US",
                postcode=row.get("postcode") or None,
                telephone=row.get("telephone", ""),
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ProductFile:
    path: Path
    type_id: str | None  # None: import format (the type is a column)
    gallery: Path | None = None  # folder of images_*.csv for the simple format


def _read_products(files: list[ProductFile], root_name: str) -> Iterator[ProductSpec]:
    for f in files:
        if f.type_id is None:
            yield from import_format.parse_file(f.path, root_name)
        else:
            gallery = simple_format.images(f.gallery) if f.gallery else {}
            yield from simple_format.parse_file(f.path, f.type_id, gallery)


def _catalog(
    name: str,
    source: Path,
    files: list[ProductFile],
    *,
    root_name: str,
    attribute_files: list[Path],
    category_files: list[Path],
    customer_file: Path | None,
    generated: bool,
) -> Catalog:
    files = [f for f in files if f.path.is_file()]
    return Catalog(
        name=name,
        source=str(source),
        products=lambda: _read_products(files, root_name),
        expected_products=sum(csvfiles.count_rows(f.path) for f in files),
        root_name=root_name,
        attributes=attributes(attribute_files),
        categories=categories(category_files),
        customers=customers(customer_file) if customer_file else (),
        generated=generated,
    )


def luma(root: Path) -> Catalog:
    """The Luma catalog (or a generated one in its layout) under `root`."""
    found = locate(root)
    if found.luma is None:
        raise SampleDataMissing(f"no Luma catalog under {root}")
    m = found.luma
    gear = sorted((m / "CatalogSampleData/fixtures/SimpleProduct").glob("products_*.csv"))
    files = [ProductFile(p, "simple", p.parent) for p in gear]
    files += [
        ProductFile(m / "ConfigurableSampleData/fixtures/products.csv", None),
        ProductFile(
            m / "BundleSampleData/fixtures/yoga_bundle.csv",
            "bundle",
            m / "BundleSampleData/fixtures",
        ),
        ProductFile(
            m / "GroupedProductSampleData/fixtures/yoga_grouped.csv",
            "grouped",
            m / "GroupedProductSampleData/fixtures",
        ),
        ProductFile(
            m / "DownloadableSampleData/fixtures/products_training_video_download.csv",
            "downloadable",
            m / "DownloadableSampleData/fixtures",
        ),
    ]
    modules = (
        "CatalogSampleData",
        "ConfigurableSampleData",
        "CmsSampleData",
        "DownloadableSampleData",
    )
    return _catalog(
        "generated" if found.generated else "luma",
        m,
        files,
        root_name="Default Category",
        attribute_files=[m / mod / "fixtures/attributes.csv" for mod in modules],
        category_files=[m / mod / "fixtures/categories.csv" for mod in modules],
        customer_file=m / "CustomerSampleData/fixtures/customer_profile.csv",
        generated=found.generated,
    )


VENIA_ROOT = "Venia Default Category"


def venia(root: Path) -> Catalog:
    """The Venia catalog, loaded under its own root category (its names overlap Luma's)."""
    found = locate(root)
    if found.venia_configurable is None or found.venia_catalog is None:
        raise SampleDataMissing(f"no Venia catalog under {root}")
    conf, cat = found.venia_configurable, found.venia_catalog
    files = [
        ProductFile(p, "simple", p.parent)
        for p in sorted((cat / "SimpleProduct").glob("products_*.csv"))
    ]
    files += [
        ProductFile(conf / "products.csv", None),
        ProductFile(cat / "Virtual/products_virtual.csv", "virtual", cat / "Virtual"),
        ProductFile(cat / "Bundle/jewelry_bundle.csv", "bundle", cat / "Bundle"),
        ProductFile(cat / "Grouped/jewelry_grouped.csv", "grouped", cat / "Grouped"),
        ProductFile(
            cat / "Downloadable/products_download.csv", "downloadable", cat / "Downloadable"
        ),
    ]
    catalog = _catalog(
        "venia",
        conf.parent,
        files,
        root_name="Default Category",  # as the files spell it; the loader maps it to VENIA_ROOT
        attribute_files=[
            cat / "attributes.csv",
            conf / "attributes.csv",
            cat / "Downloadable/attributes.csv",
        ],
        category_files=[
            conf / "categories.csv",
            cat / "categories.csv",
            cat / "Virtual/categories.csv",
        ],
        customer_file=None,
        generated=False,
    )
    return catalog


def product_skus(catalog: Catalog) -> Iterator[str]:
    """Every SKU the catalog's files define, in file order."""
    return (p.sku for p in catalog.products())


def first(catalog: Catalog, n: int) -> list[ProductSpec]:
    return list(itertools.islice(catalog.products(), n))
