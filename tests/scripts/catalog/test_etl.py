"""The catalog ETL against real MariaDB and Redis: full, incremental, resumable, honest.

Mechanics run on a small generated catalog (quick to load); "only those 10 move" runs on the
session's sample catalog (Luma when present) in a database of its own.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from typing import Any, TypeAlias

import orjson
import pymysql
import pytest

from legacy_adapters import readers
from new_services.catalog import documents, invalidation
from scripts.catalog import etl
from scripts.stack.servers import MariaDB, Redis
from tests.scripts.catalog.conftest import execute, rows

Conn: TypeAlias = "pymysql.Connection[Any]"


def product_checksums(conn: Conn) -> dict[tuple[int, int], str]:
    return {
        (r["store_id"], r["entity_id"]): r["checksum"]
        for r in rows(conn, "SELECT store_id, entity_id, checksum FROM product")
    }


def standalone_simples(conn: Conn) -> list[int]:
    """Simple products that are nobody's configurable child, by id."""
    found = rows(
        conn,
        "SELECT e.entity_id FROM catalog_product_entity e "
        "LEFT JOIN catalog_product_super_link l ON l.product_id = e.entity_id "
        "WHERE e.type_id = 'simple' AND l.product_id IS NULL ORDER BY e.entity_id",
    )
    return [int(r["entity_id"]) for r in found]


def test_full_run_writes_every_store_view_and_a_second_run_writes_nothing(
    small_legacy: Conn, catalog: Conn
) -> None:
    n = readers.product_count(small_legacy)
    stores = [s.store_id for s in readers.stores(small_legacy)]
    categories = len(readers.categories(small_legacy))

    first = etl.migrate(small_legacy, catalog, full=True, batch_size=50)

    assert (first.products_written, first.products_unchanged, first.broken) == (n, 0, [])
    assert [(s.store_id, s.products_written) for s in first.stores] == [(s, n) for s in stores]
    assert first.categories_written == categories
    assert len(product_checksums(catalog)) == n * len(stores)
    counts = rows(catalog, "SELECT store_id, COUNT(*) AS n FROM category GROUP BY store_id")
    assert {r["store_id"]: r["n"] for r in counts} == dict.fromkeys(stores, categories)
    attributes = rows(catalog, "SELECT COUNT(*) AS n FROM catalog_attribute")[0]["n"]
    meta = readers.catalog_meta(small_legacy)
    assert attributes == len(meta.product) + len(meta.category)
    copied = rows(catalog, "SELECT store_id, code, website_id, group_id FROM store ORDER BY 1")
    assert [(r["store_id"], r["code"], r["website_id"], r["group_id"]) for r in copied] == [
        (s.store_id, s.code, s.website_id, s.group_id) for s in readers.stores(small_legacy)
    ]
    before = product_checksums(catalog)

    again = etl.migrate(small_legacy, catalog, full=True, batch_size=50)

    assert (again.products_written, again.products_unchanged) == (0, n)
    assert (again.categories_written, again.products_deleted) == (0, 0)
    assert product_checksums(catalog) == before
    incremental = etl.migrate(small_legacy, catalog)
    assert (incremental.full, incremental.products_written, incremental.categories_written) == (
        False,
        0,
        0,
    )


def test_only_those_ten_move(legacy: Conn, catalog: Conn, redis_server: Redis) -> None:
    cache = redis_server.client()
    etl.migrate(legacy, catalog, redis=cache)
    price = readers.catalog_meta(legacy).product["price"].attribute_id
    priced = rows(
        legacy,
        "SELECT entity_id, value FROM catalog_product_entity_decimal "
        "WHERE attribute_id = %s AND store_id = 0 ORDER BY entity_id",
        price,
    )
    chosen = {int(r["entity_id"]): Decimal(r["value"]) + 1 for r in priced[:: len(priced) // 10]}
    chosen = dict(list(chosen.items())[:10])
    skus = {
        int(r["entity_id"]): r["sku"]
        for r in rows(legacy, "SELECT entity_id, sku FROM catalog_product_entity")
    }
    untouched = skus[int(priced[1]["entity_id"])]
    for sku in [*(skus[i] for i in chosen), untouched]:
        cache.set(invalidation.product_key(1, sku), b"cached")
    generation = int(cache.get(invalidation.GENERATION) or 0)
    for entity_id, new_price in chosen.items():  # what Magento's product save does
        execute(
            legacy,
            "UPDATE catalog_product_entity_decimal SET value = %s "
            "WHERE entity_id = %s AND attribute_id = %s AND store_id = 0",
            new_price,
            entity_id,
            price,
        )
        execute(
            legacy,
            "UPDATE catalog_product_entity SET updated_at = UTC_TIMESTAMP() WHERE entity_id = %s",
            entity_id,
        )

    summary = etl.migrate(legacy, catalog, redis=cache)

    assert summary.products_written == 10
    assert [(s.store_id, s.products_written) for s in summary.stores] == [(0, 10), (1, 10)]
    assert (summary.products_deleted, summary.categories_written, summary.broken) == (0, 0, [])
    stored = rows(
        catalog,
        "SELECT p.store_id, p.entity_id, p.document, v.value_decimal FROM product p "
        "JOIN product_value v ON v.store_id = p.store_id AND v.entity_id = p.entity_id "
        "AND v.code = 'price' WHERE p.entity_id IN (" + ",".join(map(str, chosen)) + ")",
    )
    assert len(stored) == 20
    for row in stored:
        assert row["value_decimal"] == chosen[row["entity_id"]]
        assert documents.product(row["document"]).price == chosen[row["entity_id"]]
    assert [cache.exists(invalidation.product_key(1, skus[i])) for i in chosen] == [0] * 10
    assert cache.exists(invalidation.product_key(1, untouched)) == 1
    assert int(cache.get(invalidation.GENERATION) or 0) > generation


def test_deleted_products_and_removed_links_are_found_without_updated_at(
    small_legacy: Conn, catalog: Conn
) -> None:
    etl.migrate(small_legacy, catalog)
    victim, linked = standalone_simples(small_legacy)[:2]
    link = rows(
        small_legacy,
        "SELECT category_id FROM catalog_category_product WHERE product_id = %s LIMIT 1",
        linked,
    )[0]["category_id"]
    execute(small_legacy, "DELETE FROM catalog_product_entity WHERE entity_id = %s", victim)
    execute(
        small_legacy,
        "DELETE FROM catalog_category_product WHERE product_id = %s AND category_id = %s",
        linked,
        link,
    )

    summary = etl.migrate(small_legacy, catalog)

    assert (summary.products_deleted, summary.products_written) == (1, 1)
    for table in ("product", "product_value", "product_category", "product_website"):
        assert rows(catalog, f"SELECT 1 FROM {table} WHERE entity_id = %s", victim) == []
    links = rows(catalog, "SELECT category_id FROM product_category WHERE entity_id = %s", linked)
    assert link not in {r["category_id"] for r in links}
    doc = rows(catalog, "SELECT document FROM product WHERE entity_id = %s", linked)[0]
    assert link not in {c.category_id for c in documents.product(doc["document"]).category_links}
    assert etl.migrate(small_legacy, catalog).products_written == 0


class Interrupted(Exception):
    pass


def stop_after_first_batch(stage: str, done: int, total: int) -> None:
    if stage == "products" and done > 0:
        raise Interrupted


def test_an_interrupted_run_resumes_after_its_last_committed_batch(
    small_legacy: Conn, catalog: Conn
) -> None:
    n = readers.product_count(small_legacy)
    with pytest.raises(Interrupted):
        etl.migrate(small_legacy, catalog, batch_size=25, progress=stop_after_first_batch)
    [state] = rows(catalog, "SELECT checkpoint FROM etl_state WHERE name = 'products'")
    ids = [int(r["entity_id"]) for r in rows(small_legacy, "SELECT entity_id FROM "
           "catalog_product_entity ORDER BY entity_id")]  # fmt: skip
    assert state["checkpoint"] == ids[24]
    committed = [i for i in ids if i <= state["checkpoint"]]
    assert len(product_checksums(catalog)) == 2 * len(committed)

    resumed = etl.migrate(small_legacy, catalog, batch_size=25)

    assert (resumed.resumed_from, resumed.full) == (state["checkpoint"], True)
    assert resumed.products_written == n - len(committed)
    assert len(product_checksums(catalog)) == 2 * n
    assert etl.migrate(small_legacy, catalog).products_written == 0


def cli(
    mariadb: MariaDB, legacy: str, catalog: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    a = mariadb.address
    argv = [sys.executable, "-m", "scripts.catalog_etl", "--quiet", *extra]
    for side, name in (("legacy", legacy), ("catalog", catalog)):
        argv += [f"--{side}-host", a.host, f"--{side}-port", str(a.port)]
        argv += [f"--{side}-user", a.user, f"--{side}-password", a.password]
        argv += [f"--{side}-database", name]
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)


def test_a_broken_product_is_skipped_reported_and_the_rest_migrated(
    mariadb: MariaDB, small_legacy: Conn, fresh_database: str, catalog_name: str, catalog: Conn
) -> None:
    n = readers.product_count(small_legacy)
    price = readers.catalog_meta(small_legacy).product["price"].attribute_id
    victim = standalone_simples(small_legacy)[-1]
    # A price stored in the varchar table (a bad import): not a number, mapping cannot decode it.
    execute(
        small_legacy,
        "DELETE FROM catalog_product_entity_decimal WHERE entity_id = %s AND attribute_id = %s",
        victim,
        price,
    )
    execute(
        small_legacy,
        "INSERT INTO catalog_product_entity_varchar (attribute_id, store_id, entity_id, value) "
        "VALUES (%s, 0, %s, 'n/a')",
        price,
        victim,
    )

    summary = etl.migrate(small_legacy, catalog)

    assert [(b.entity_id, b.attribute) for b in summary.broken] == [(victim, "price")]
    assert "store 0, 1" in summary.broken[0].message
    assert summary.products_written == n - 1
    assert rows(catalog, "SELECT 1 FROM product WHERE entity_id = %s", victim) == []

    done = cli(mariadb, fresh_database, catalog_name, "--json")

    assert done.returncode == 3, done.stderr
    report = orjson.loads(done.stdout)
    assert [(b["entity_id"], b["attribute"]) for b in report["broken"]] == [(victim, "price")]
    assert report["products_written"] == 0
    logged = [orjson.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert any(
        e["event"] == "catalog_etl_broken_product" and e["entity_id"] == victim for e in logged
    )
