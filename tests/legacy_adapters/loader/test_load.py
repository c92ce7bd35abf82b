"""The catalog loader: every product of the files lands, exactly once, with its values.

Expectations come from the CSV files (read here with the csv module, independently of the
loader's own parser where it matters) and from Magento's table layout.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from legacy_adapters import readers
from legacy_adapters.loader.load import AdminSpec, load
from legacy_adapters.magento_wire.passwords import verify_password
from legacy_adapters.sample_data import generator, read
from legacy_adapters.schema import table_names
from scripts.stack import catalog as catalogs
from scripts.stack.servers import MariaDB

NOW = "2026-01-02 03:04:05"
LUMA_TYPES = {"simple": 1891, "configurable": 147, "downloadable": 6, "bundle": 1, "grouped": 1}


def _connect(mariadb: MariaDB, database: str) -> Any:
    a = mariadb.address
    return readers.connect(
        host=a.host, port=a.port, user=a.user, password=a.password, database=database
    )


def _csv_skus(catalog_root: Path) -> list[str]:
    """Every SKU of every product file of the Luma layout, read with the csv module."""
    modules = catalog_root
    files = sorted((modules / "CatalogSampleData/fixtures/SimpleProduct").glob("products_*.csv"))
    files += [
        modules / p
        for p in (
            "ConfigurableSampleData/fixtures/products.csv",
            "BundleSampleData/fixtures/yoga_bundle.csv",
            "GroupedProductSampleData/fixtures/yoga_grouped.csv",
            "DownloadableSampleData/fixtures/products_training_video_download.csv",
        )
    ]
    skus = []
    for path in files:
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as handle:
                skus += [row["sku"] for row in csv.DictReader(handle) if row.get("sku")]
    return skus


def _table_counts(conn: Any) -> dict[str, int]:
    counts = {}
    with conn.cursor() as cursor:
        for table in table_names():
            cursor.execute(f"SELECT COUNT(*) AS n FROM `{table}`")
            counts[table] = int(cursor.fetchone()["n"])
    return counts


def test_every_product_in_the_files_is_loaded_once(magento_db: Any) -> None:
    catalog = magento_db.choice.catalog
    csv_skus = _csv_skus(Path(catalog.source))
    assert len(csv_skus) == catalog.expected_products == magento_db.report.products_in_files
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT sku FROM catalog_product_entity")
        db_skus = [r["sku"] for r in cursor.fetchall()]
    assert Counter(db_skus) == Counter(csv_skus)  # none dropped, none doubled


def test_luma_has_all_2046_products_by_type(magento_db: Any, requires_luma: None) -> None:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT type_id, COUNT(*) AS n FROM catalog_product_entity GROUP BY type_id")
        by_type = {r["type_id"]: int(r["n"]) for r in cursor.fetchall()}
    assert sum(by_type.values()) == 2046
    assert by_type == LUMA_TYPES


def test_values_match_the_import_csv(magento_db: Any) -> None:
    root = Path(magento_db.choice.catalog.source)
    path = root / "ConfigurableSampleData/fixtures/products.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [r for i, r in enumerate(csv.DictReader(handle)) if i % 37 == 0]
    with magento_db.connect() as conn:
        meta = readers.catalog_meta(conn)
        for row in rows:
            product = readers.product_by_sku(conn, row["sku"], store_id=1, meta=meta)
            assert product is not None, row["sku"]
            assert product.name == row["name"]
            assert product.type_id == row["product_type"]
            assert product.price == Decimal(row["price"])
            assert product.status == (1 if row["product_online"] == "1" else 2)
            visibility = {"Not Visible Individually": 1, "Catalog, Search": 4}
            assert product.visibility == visibility[row["visibility"]]
            if row["weight"]:
                assert product.weight == Decimal(row["weight"])
            assert product.stock is not None
            assert product.stock.qty == Decimal(row["qty"])
            assert product.stock.is_in_stock == (row["is_in_stock"] == "1")
            assert product.website_ids == (1,)


def test_configurable_children_are_linked(magento_db: Any) -> None:
    root = Path(magento_db.choice.catalog.source)
    path = root / "ConfigurableSampleData/fixtures/products.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        parents = [r for r in csv.DictReader(handle) if r["product_type"] == "configurable"]
    assert parents
    with magento_db.connect() as conn, conn.cursor() as cursor:
        for row in parents[:25]:
            expected = {
                part.split(",")[0].removeprefix("sku=")
                for part in row["configurable_variations"].split("|")
            }
            cursor.execute(
                "SELECT c.sku FROM catalog_product_super_link l "
                "JOIN catalog_product_entity p ON p.entity_id = l.parent_id "
                "JOIN catalog_product_entity c ON c.entity_id = l.product_id WHERE p.sku = %s",
                (row["sku"],),
            )
            assert {r["sku"] for r in cursor.fetchall()} == expected


def test_luma_gear_walks_link_each_matched_category(magento_db: Any, requires_luma: None) -> None:
    # products_gear_bags.csv: 24-MB04 has category "Gear\nBags\nCollections\nErin Recommends"
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT v.value AS name FROM catalog_category_product cp "
            "JOIN catalog_product_entity p ON p.entity_id = cp.product_id "
            "JOIN catalog_category_entity_varchar v ON v.entity_id = cp.category_id "
            "AND v.store_id = 0 AND v.attribute_id = (SELECT attribute_id FROM eav_attribute "
            "WHERE attribute_code = 'name' AND entity_type_id = 3) WHERE p.sku = '24-MB04'"
        )
        names = {r["name"] for r in cursor.fetchall()}
    assert names == {"Gear", "Bags", "Collections", "Erin Recommends"}


def test_people_are_created_with_magento_hashes(magento_db: Any) -> None:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT password FROM admin_user WHERE username = %s", (catalogs.DEMO_ADMIN.username,)
        )
        admin_hash = cursor.fetchone()["password"]
        cursor.execute(
            "SELECT password_hash, default_billing FROM customer_entity WHERE email = %s",
            (catalogs.DEMO_CUSTOMER.email,),
        )
        customer = cursor.fetchone()
    assert admin_hash.endswith(":3_32_2_67108864")
    assert verify_password(catalogs.DEMO_ADMIN.password, admin_hash)
    assert verify_password(catalogs.DEMO_CUSTOMER.password, customer["password_hash"])
    assert not verify_password("wrong", customer["password_hash"])
    assert customer["default_billing"] is not None


def test_loading_twice_changes_nothing(
    mariadb: MariaDB, fresh_database: str, tmp_path: Path
) -> None:
    generator.generate(tmp_path / "cat", 120, seed=7)
    catalog = read.luma(tmp_path / "cat")
    admin = AdminSpec("admin2", "secret-pass-1")
    with _connect(mariadb, fresh_database) as conn:
        first = load(conn, catalog, now=NOW, admin=admin)
        before = _table_counts(conn)
        with conn.cursor() as cursor:
            cursor.execute("SELECT sku, created_at, updated_at FROM catalog_product_entity")
            stamps = sorted((r["sku"], r["created_at"], r["updated_at"]) for r in cursor.fetchall())
        second = load(conn, catalog, now="2026-06-06 06:06:06", admin=admin)
        after = _table_counts(conn)
        with conn.cursor() as cursor:
            cursor.execute("SELECT sku, created_at, updated_at FROM catalog_product_entity")
            stamps_after = sorted(
                (r["sku"], r["created_at"], r["updated_at"]) for r in cursor.fetchall()
            )
    assert first.products_inserted == 120 and first.products_existing == 0
    assert second.products_inserted == 0 and second.products_existing == 120
    assert before == after
    assert stamps == stamps_after  # a re-run must not look like a catalog change


def test_broken_values_are_reported_with_the_sku_and_nothing_is_dropped(
    mariadb: MariaDB, fresh_database: str, tmp_path: Path
) -> None:
    generator.generate(tmp_path / "cat", 40, seed=3)
    products = tmp_path / "cat" / "magento2-sample-data/app/code/Magento/ConfigurableSampleData"
    path = products / "fixtures/products.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fieldnames = list(reader.fieldnames or [])
        rows = list(reader)
    victim = next(r for r in rows if r["product_type"] == "simple")
    victim["price"] = "twelve"
    victim["additional_attributes"] += ",no_such_attribute=1"
    victim["categories"] = "Default Category/Nowhere/Deep"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    catalog = read.luma(tmp_path / "cat")
    with _connect(mariadb, fresh_database) as conn:
        report = load(conn, catalog, now=NOW)
        assert readers.product_count(conn) == len(rows)
        product = readers.product_by_sku(conn, victim["sku"], store_id=0)
    sku = victim["sku"]
    assert any(w.startswith(f"{sku}: price:") for w in report.warnings)
    assert any(w.startswith(f"{sku}: attribute 'no_such_attribute'") for w in report.warnings)
    assert product is not None and product.price is None and product.name == victim["name"]
    assert report.warning_count >= 2


def test_a_generated_catalog_stands_in_for_luma(tmp_path: Path) -> None:
    empty = tmp_path / "no-sample-data"
    empty.mkdir()
    choice = catalogs.choose(empty, tmp_path / "scratch", generated_size=60)
    assert choice.catalog.generated
    assert "not found" in choice.note and "generated" in choice.note
    assert choice.catalog.expected_products == 60
    assert len({p.sku for p in choice.catalog.products()}) == 60


@pytest.mark.parametrize("copy", [False, True], ids=["shared-folder", "magento-checkout"])
def test_locate_accepts_the_shared_folder_or_a_sample_data_checkout(
    sample_root: Path, tmp_path: Path, copy: bool, requires_luma: None
) -> None:
    root = sample_root
    if copy:  # a checkout of magento/magento2-sample-data has app/code/Magento at its top
        root = tmp_path / "magento2-sample-data"
        shutil.copytree(sample_root / "magento2-sample-data", root)
    found = read.locate(root)
    assert found.luma is not None
    assert (found.luma / "ConfigurableSampleData/fixtures/products.csv").is_file()


def test_load_catalog_script_loads_and_checks_counts(
    mariadb: MariaDB, fresh_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scripts import load_catalog

    a = mariadb.address
    code = load_catalog.main(
        [
            "--port",
            str(a.port),
            "--database",
            fresh_database,
            "--generate",
            "75",
            "--generated-dir",
            str(tmp_path / "g"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "count check: 75 of 75 SKUs" in out


def test_venia_loads_as_a_second_catalog_under_its_own_root(
    mariadb: MariaDB, fresh_database: str, sample_root: Path
) -> None:
    try:
        venia = read.venia(sample_root)
    except read.SampleDataMissing:
        pytest.skip("Venia sample data not present")
    with _connect(mariadb, fresh_database) as conn:
        report = load(conn, venia, now=NOW)
        assert readers.product_count(conn) == venia.expected_products == 1166
        categories = readers.categories(conn)
    assert report.products_inserted == 1166
    roots = {c.name: c for c in categories.values() if c.level == 1}
    assert read.VENIA_ROOT in roots
    venia_root = roots[read.VENIA_ROOT]
    names = {categories[i].name for i in venia_root.children}
    assert {"Tops", "Bottoms", "Dresses", "Accessories"} <= names
