"""The new catalog filled once from the session's Magento catalog, and the catalog service on it.

`catalog_db` runs the real ETL (`scripts.catalog.etl.migrate`, full) from `magento_db` into a
database of its own (the store structure included), once per session.
`catalog` serves the catalog service over it on a real socket, with the session's token key, so
the legacy service's admin tokens work on both sides, and with the Redis cache on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from new_services.catalog.app import make_app
from new_services.catalog.settings import Settings
from scripts.catalog import etl
from scripts.stack.servers import MariaDB, Redis
from tests.conftest import Database, MagentoDb
from tests.new_services.catalog.cutover import Cutover, running_cutover

SESSION_DATABASE = "catalog_session"


@dataclass(frozen=True)
class CatalogDb(Database):
    """A new catalog's database."""

    def settings(self, token_key: str, **overrides: Any) -> Settings:
        return Settings(**self.db_settings(token_key, **overrides))


def fill(magento_db: MagentoDb, target: CatalogDb, redis: Any = None) -> None:
    """Migrate `magento_db` into `target` with the real ETL, stores included."""
    with magento_db.connect() as legacy, target.connect() as conn:
        etl.migrate(legacy, conn, redis=redis, full=True)


@pytest.fixture(scope="session")
def catalog_db(mariadb: MariaDB, magento_db: MagentoDb) -> CatalogDb:
    mariadb.address.create_database(SESSION_DATABASE, fresh=True)
    target = CatalogDb(mariadb.address, SESSION_DATABASE)
    fill(magento_db, target)
    return target


def redis_url(redis: Redis, db: int) -> str:
    """The session's Redis, in a database of its own per catalog (keys never mix)."""
    return f"redis://127.0.0.1:{redis.port}/{db}"


SESSION_REDIS_DB = 1


@pytest.fixture
async def catalog(
    aiohttp_client: Callable[..., Any], catalog_db: CatalogDb, token_key: str, redis_server: Redis
) -> AsyncIterator[TestClient[Any, Any]]:
    """A real catalog service on a real socket over the session's new catalog, with its Redis
    cache on (a SKU asked for twice in a session is answered from the cache)."""
    settings = catalog_db.settings(token_key, redis_url=redis_url(redis_server, SESSION_REDIS_DB))
    client = await aiohttp_client(make_app(settings))
    yield client


@pytest.fixture(scope="module")
def cutover(
    tmp_path_factory: pytest.TempPathFactory,
    magento_db: MagentoDb,
    catalog_db: CatalogDb,
    token_key: str,
) -> Iterator[Cutover]:
    """Legacy, the catalog service and `strangler serve` with the real routes.yaml, as real
    processes, once per test module (cutover.py)."""
    scratch = tmp_path_factory.mktemp("cutover")
    with running_cutover(
        scratch, magento_db.address, magento_db.name, catalog_db.name, token_key
    ) as running:
        yield running
