"""Reconciliation after a real ETL of the sample catalog: clean, then each corruption named."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from typing import Any, TypeAlias

import orjson
import pymysql

from new_services.catalog import documents
from scripts.catalog import etl, mismatches
from scripts.catalog.mismatches import FieldDiff, Legacy, Stored
from scripts.catalog.reconcile import reconcile
from scripts.stack.servers import MariaDB
from tests.scripts.catalog.conftest import execute, rows

Conn: TypeAlias = "pymysql.Connection[Any]"


def cli(mariadb: MariaDB, legacy: str, catalog: str) -> subprocess.CompletedProcess[str]:
    a = mariadb.address
    argv = [sys.executable, "-m", "scripts.reconcile_catalog", "--json"]
    for side, name in (("legacy", legacy), ("catalog", catalog)):
        argv += [f"--{side}-host", a.host, f"--{side}-port", str(a.port)]
        argv += [f"--{side}-user", a.user, f"--{side}-password", a.password]
        argv += [f"--{side}-database", name]
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)


def priced(conn: Conn, store_id: int) -> list[dict[str, Any]]:
    return rows(
        conn,
        "SELECT p.entity_id, p.sku, v.value_decimal FROM product p JOIN product_value v "
        "ON v.store_id = p.store_id AND v.entity_id = p.entity_id AND v.code = 'price' "
        "WHERE p.store_id = %s ORDER BY p.entity_id LIMIT 3",
        store_id,
    )


def test_clean_after_the_etl_then_every_corruption_is_named(
    mariadb: MariaDB, legacy: Conn, legacy_name: str, catalog: Conn, catalog_name: str
) -> None:
    etl.migrate(legacy, catalog)
    clean = reconcile(legacy, catalog)
    assert clean.clean, mismatches.render(clean)
    assert {(c.entity, c.store_id) for c in clean.counts} == {
        ("product", 0),
        ("product", 1),
        ("category", 0),
        ("category", 1),
    }
    corrupt, value, missing = priced(catalog, 1)
    price = f"{corrupt['value_decimal']:f}"
    execute(
        catalog,
        "UPDATE product SET document = JSON_SET(document, '$.price', '99.000000') "
        "WHERE store_id = 1 AND entity_id = %s",
        corrupt["entity_id"],
    )
    execute(
        catalog,
        "UPDATE product_value SET value_decimal = 1.5 "
        "WHERE store_id = 1 AND entity_id = %s AND code = 'price'",
        value["entity_id"],
    )
    execute(
        catalog, "DELETE FROM product WHERE store_id = 1 AND entity_id = %s", missing["entity_id"]
    )
    execute(
        catalog,
        "INSERT INTO product (store_id, entity_id, sku, type_id, attribute_set_id, document, "
        "checksum) SELECT 0, 999999, 'STRAY-1', type_id, attribute_set_id, document, checksum "
        "FROM product WHERE store_id = 0 AND entity_id = %s",
        corrupt["entity_id"],
    )

    report = reconcile(legacy, catalog)

    found = {(m.kind, m.store_id, m.entity_id): m for m in report.mismatches}
    assert sorted(found) == sorted(
        [
            ("corrupt", 1, corrupt["entity_id"]),
            ("values", 1, value["entity_id"]),
            ("missing", 1, missing["entity_id"]),
            ("stray", 0, 999999),
        ]
    )
    assert found[("corrupt", 1, corrupt["entity_id"])].fields == (
        FieldDiff("price", price, "99.000000"),
    )
    assert [d.path for d in found[("values", 1, value["entity_id"])].fields] == ["price"]
    assert found[("missing", 1, missing["entity_id"])].key == missing["sku"]
    assert found[("stray", 0, 999999)].key == "STRAY-1"
    text = mismatches.render(report)
    assert f"    price: legacy {price} new 99.000000" in text
    assert text.endswith("reconciliation: 4 mismatches")

    done = cli(mariadb, legacy_name, catalog_name)

    assert done.returncode == 1, done.stderr
    out = orjson.loads(done.stdout)
    assert out["clean"] is False
    kinds = sorted((m["kind"], m["entity_id"]) for m in out["mismatches"])
    assert kinds == sorted((kind, entity_id) for kind, _, entity_id in found)


def test_compare_row_kinds() -> None:
    doc = b'{"price":"34.000000","sku":"A"}'
    good = Stored("A", doc, documents.checksum(doc))
    legacy = Legacy("A", doc, [{"code": "price", "value_decimal": "34.000000"}])
    stored_values = [{"code": "price", "value_decimal": Decimal("34.000000")}]
    same = Stored("A", doc, good.checksum, stored_values)
    assert mismatches.compare_row(0, "product", 1, legacy, same) == []
    stale_doc = b'{"price":"30.000000","sku":"A"}'
    stale = Stored("A", stale_doc, documents.checksum(stale_doc), stored_values)
    [m] = mismatches.compare_row(0, "product", 1, legacy, stale)
    assert (m.kind, m.fields) == ("stale", (FieldDiff("price", "34.000000", "30.000000"),))
    unreadable = Legacy("?", None, error="price: InvalidOperation")
    [m] = mismatches.compare_row(0, "product", 1, unreadable, same)
    assert (m.kind, m.note) == ("unreadable", "price: InvalidOperation")
    [m] = mismatches.compare_row(0, "product", 1, unreadable, None)
    assert m.kind == "missing"
    assert mismatches.compare_row(0, "product", 1, None, None) == []
