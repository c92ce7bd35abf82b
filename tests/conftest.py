"""Server fixtures: real MariaDB (and Redis) processes, the catalog loaded once, real services.

Every server here is a private process on a free port with its data under pytest's tmp folder;
nothing relies on a server that happens to run on the machine, and a missing `mariadbd` or
`redis-server` fails the fixture naming the Debian package (it never skips). The sample catalog
is loaded once per session into `magento` and shared; tests that change catalog rows make their
own database with `fresh_database`. Expectations are derived from the catalog actually loaded:
Luma when the sample data is present (CI always has it), otherwise a generated catalog.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymysql
import pytest
from aiohttp.test_utils import TestClient

from legacy_adapters.loader.load import LoadReport
from legacy_adapters.magento_app.app import make_app
from legacy_adapters.magento_app.settings import Settings
from legacy_adapters.magento_wire import tokens
from scripts.stack import catalog as catalogs
from scripts.stack import paths
from scripts.stack.servers import MariaDB, MySQLAddress, Redis

DATABASE = "magento"


@dataclass(frozen=True)
class Database:
    """A database on the session's MariaDB, and a service's settings for it."""

    address: MySQLAddress
    name: str

    def connect(self) -> pymysql.Connection[Any]:
        """A pymysql connection as the readers use (dict rows, UTC, autocommit)."""
        return self.address.reader(self.name)

    def db_settings(self, token_key: str, **overrides: Any) -> dict[str, Any]:
        a = self.address
        values: dict[str, Any] = {
            "db_host": a.host,
            "db_port": a.port,
            "db_user": a.user,
            "db_password": a.password,
            "db_name": self.name,
            "token_key": token_key,
            "pool_size": 10,
        }
        return {**values, **overrides}


@dataclass(frozen=True)
class MagentoDb(Database):
    report: LoadReport
    choice: catalogs.CatalogChoice

    @property
    def is_luma(self) -> bool:
        return self.choice.catalog.name == "luma"

    def settings(self, token_key: str, **overrides: Any) -> Settings:
        return Settings(**self.db_settings(token_key, **overrides))


@pytest.fixture(scope="session")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDB]:
    server = MariaDB(tmp_path_factory.mktemp("mariadb"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    server = Redis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sample_root() -> Path:
    return paths.sample_data()


@pytest.fixture(scope="session")
def catalog_choice(
    sample_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> catalogs.CatalogChoice:
    return catalogs.choose(sample_root, tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="session")
def magento_db(mariadb: MariaDB, catalog_choice: catalogs.CatalogChoice) -> MagentoDb:
    """The sample catalog loaded once for the whole session (shared; don't modify products)."""
    report = catalogs.load_into(mariadb.address, DATABASE, catalog_choice.catalog)
    return MagentoDb(mariadb.address, DATABASE, report, catalog_choice)


@pytest.fixture
def fresh_database(mariadb: MariaDB, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database of its own for a test that changes catalog rows."""
    name = f"t_{secrets.token_hex(6)}"
    mariadb.address.create_database(name)
    yield name
    mariadb.address.drop_database(name)


@pytest.fixture(scope="session")
def token_key() -> str:
    return secrets.token_urlsafe(48)


@pytest.fixture
def requires_luma(magento_db: MagentoDb) -> None:
    """Luma-specific assertions run whenever the Luma sample data is present."""
    if not magento_db.is_luma:
        pytest.skip(f"Luma-specific: {magento_db.choice.note}")


@pytest.fixture
async def legacy(
    aiohttp_client: Callable[..., Any], magento_db: MagentoDb, token_key: str
) -> AsyncIterator[TestClient[Any, Any]]:
    """A real legacy service on a real socket, over the session's catalog."""
    client = await aiohttp_client(make_app(magento_db.settings(token_key)))
    yield client


@pytest.fixture
def admin_token(magento_db: MagentoDb, token_key: str) -> str:
    """A valid admin bearer token for the demo admin user (as the token endpoint would issue)."""
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT user_id FROM admin_user WHERE username = %s", (catalogs.DEMO_ADMIN.username,)
        )
        user_id = int(cursor.fetchone()["user_id"])
    return tokens.issue(user_id, tokens.UserType.ADMIN, key=token_key, now=int(time.time()))


@pytest.fixture
def customer_token(magento_db: MagentoDb, token_key: str) -> str:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT entity_id FROM customer_entity WHERE email = %s",
            (catalogs.DEMO_CUSTOMER.email,),
        )
        customer_id = int(cursor.fetchone()["entity_id"])
    return tokens.issue(customer_id, tokens.UserType.CUSTOMER, key=token_key, now=int(time.time()))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
