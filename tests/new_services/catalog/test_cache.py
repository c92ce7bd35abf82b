"""The product cache in Redis: hits are served, an ETL run invalidates, Redis down still answers.

The invalidation test runs on a small generated catalog of its own (loaded into a fresh legacy
database, migrated with the real ETL into a fresh new catalog): legacy changes a price, the
ETL's incremental run commits it and invalidates, and the very next GET serves the new price,
byte for byte as the legacy service over the same database answers.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from legacy_adapters.magento_app.app import make_app as make_legacy_app
from legacy_adapters.magento_wire import phpjson, tokens
from new_services.catalog import invalidation
from new_services.catalog.app import make_app
from scripts.catalog import etl
from scripts.stack import catalog as catalogs
from scripts.stack.servers import MariaDB, Redis, free_port
from tests.conftest import MagentoDb, bearer
from tests.new_services.catalog.conftest import SESSION_REDIS_DB, CatalogDb, fill, redis_url
from tests.new_services.catalog.parity import both

SKU = "24-MB01"
ETL_REDIS_DB = 2  # the small catalog's cache: its SKUs may also be Luma's


def cache_count(metrics: str, result: str) -> float:
    found = re.search(rf'^catalog_cache_total\{{result="{result}"\}} ([0-9.e+]+)$', metrics, re.M)
    return float(found.group(1)) if found else 0.0


async def metrics(client: Any) -> str:
    return str(await (await client.get("/metrics")).text())


@pytest.fixture
async def cached(
    aiohttp_client: Callable[..., Any], catalog_db: CatalogDb, token_key: str, redis_server: Redis
) -> Any:
    """The catalog service over the session's catalog, with the Redis cache on."""
    settings = catalog_db.settings(token_key, redis_url=redis_url(redis_server, SESSION_REDIS_DB))
    return await aiohttp_client(make_app(settings))


@pytest.mark.usefixtures("requires_luma")
async def test_second_get_is_a_hit_and_identical(
    cached: Any, legacy: Any, admin_token: str, redis_server: Redis
) -> None:
    session_redis = redis.Redis(host="127.0.0.1", port=redis_server.port, db=SESSION_REDIS_DB)
    session_redis.delete(*(invalidation.product_key(s, SKU) for s in (0, 1)))
    path = f"/rest/V1/products/{SKU}"

    first, second = [await both(legacy, cached, path, bearer(admin_token)) for _ in range(2)]
    filtered = await both(
        legacy, cached, f"{path}?fields=sku,price,custom_attributes", bearer(admin_token)
    )
    lower = await both(legacy, cached, f"/rest/V1/products/{SKU.lower()}", bearer(admin_token))

    for a, b in (first, second, filtered, lower):
        assert a.status == 200
        assert a == b
    text = await metrics(cached)
    assert cache_count(text, "miss") == 1
    assert cache_count(text, "stored") == 1
    assert cache_count(text, "hit") == 3  # the second GET, the filtered one, the lower-case SKU
    assert session_redis.get(invalidation.product_key(1, SKU)) == first[1].body


async def test_redis_down_still_answers(
    aiohttp_client: Callable[..., Any], catalog_db: CatalogDb, token_key: str, admin_token: str
) -> None:
    settings = catalog_db.settings(token_key, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    down = await aiohttp_client(make_app(settings))

    answers = [
        await down.get(f"/rest/V1/products/{SKU}", headers=bearer(admin_token)) for _ in range(2)
    ]

    assert [a.status for a in answers] == [200, 200]
    assert phpjson.decode(await answers[0].read())["sku"] == SKU
    text = await metrics(down)
    assert cache_count(text, "error") == 1  # then the cache is skipped for a moment
    assert cache_count(text, "bypass") == 1


# ---------------------------------------------------------------- the ETL invalidates


@pytest.fixture
def small_legacy(mariadb: MariaDB, fresh_database: str, tmp_path: Path) -> MagentoDb:
    """A small generated catalog in a legacy database of its own (free to change)."""
    choice = catalogs.choose(tmp_path / "no-sample-data", tmp_path, generated_size=40)
    report = catalogs.load_into(mariadb.address, fresh_database, choice.catalog)
    return MagentoDb(mariadb.address, fresh_database, report, choice)


@pytest.fixture
def small_catalog(mariadb: MariaDB, small_legacy: MagentoDb) -> Iterator[CatalogDb]:
    name = f"c_{secrets.token_hex(6)}"
    mariadb.address.create_database(name)
    target = CatalogDb(mariadb.address, name)
    fill(small_legacy, target)
    yield target
    with mariadb.address.connect() as conn, conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


def change_price(db: MagentoDb) -> tuple[str, str]:
    """Give the first priced simple product a new price, as a Magento save does (updated_at)."""
    with db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT e.entity_id, e.sku, d.value_id FROM catalog_product_entity e "
            "JOIN catalog_product_entity_decimal d ON d.entity_id = e.entity_id AND d.store_id = 0 "
            "JOIN eav_attribute a ON a.attribute_id = d.attribute_id "
            "AND a.attribute_code = 'price' AND a.entity_type_id = 4 "
            "WHERE e.type_id = 'simple' ORDER BY e.entity_id LIMIT 1"
        )
        row = cursor.fetchone()
        cursor.execute(
            "UPDATE catalog_product_entity_decimal SET value = 987.65 WHERE value_id = %s",
            (row["value_id"],),
        )
        cursor.execute(
            "UPDATE catalog_product_entity SET updated_at = NOW() + INTERVAL 1 SECOND "
            "WHERE entity_id = %s",
            (row["entity_id"],),
        )
    return str(row["sku"]), "987.65"


async def test_an_etl_run_invalidates_the_cached_product(
    aiohttp_client: Callable[..., Any],
    small_legacy: MagentoDb,
    small_catalog: CatalogDb,
    token_key: str,
    redis_server: Redis,
) -> None:
    legacy = await aiohttp_client(make_legacy_app(small_legacy.settings(token_key)))
    own_redis = redis.Redis(host="127.0.0.1", port=redis_server.port, db=ETL_REDIS_DB)
    catalog = await aiohttp_client(
        make_app(small_catalog.settings(token_key, redis_url=redis_url(redis_server, ETL_REDIS_DB)))
    )
    with small_legacy.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT user_id FROM admin_user LIMIT 1")
        admin = int(cursor.fetchone()["user_id"])
        cursor.execute(
            "SELECT sku FROM catalog_product_entity WHERE type_id = 'simple' "
            "ORDER BY entity_id LIMIT 1"
        )
        sku = str(cursor.fetchone()["sku"])
    token = tokens.issue(admin, tokens.UserType.ADMIN, key=token_key, now=int(time.time()))
    headers = bearer(token)
    path = f"/rest/V1/products/{sku}"
    before = [await both(legacy, catalog, path, headers) for _ in range(2)]
    assert cache_count(await metrics(catalog), "hit") >= 1

    changed_sku, price = change_price(small_legacy)
    with small_legacy.connect() as legacy_conn, small_catalog.connect() as conn:
        summary = etl.migrate(legacy_conn, conn, redis=own_redis)
    after = await both(legacy, catalog, path, headers)

    assert changed_sku == sku
    assert summary.products_written >= 1
    assert all(a == b and a.status == 200 for a, b in before)
    a, b = after
    assert a == b
    assert phpjson.decode(b.body)["price"] == float(price)
    assert b.body != before[0][1].body
