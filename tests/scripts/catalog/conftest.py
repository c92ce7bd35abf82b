"""A legacy catalog of its own (Luma loaded into a fresh database) and an empty new catalog."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pymysql
import pytest

from legacy_adapters.sample_data import generator, read
from legacy_adapters.sample_data.model import Catalog
from scripts.stack import catalog as catalogs
from scripts.stack.catalog import CatalogChoice
from scripts.stack.servers import MariaDB


def connect(mariadb: MariaDB, database: str) -> pymysql.Connection[Any]:
    return mariadb.address.reader(database)


@pytest.fixture
def legacy_name(mariadb: MariaDB, fresh_database: str, catalog_choice: CatalogChoice) -> str:
    """The sample catalog loaded into this test's own database (free to change)."""
    catalogs.load_into(mariadb.address, fresh_database, catalog_choice.catalog)
    return fresh_database


@pytest.fixture
def legacy(mariadb: MariaDB, legacy_name: str) -> Iterator[pymysql.Connection[Any]]:
    conn = connect(mariadb, legacy_name)
    yield conn
    conn.close()


@pytest.fixture
def catalog_name(mariadb: MariaDB) -> Iterator[str]:
    """An empty database for the new catalog, dropped afterwards."""
    name = f"c_{secrets.token_hex(6)}"
    mariadb.address.create_database(name)
    yield name
    mariadb.address.drop_database(name)


@pytest.fixture
def catalog(mariadb: MariaDB, catalog_name: str) -> Iterator[pymysql.Connection[Any]]:
    conn = connect(mariadb, catalog_name)
    yield conn
    conn.close()


SMALL_SIZE = 120


@pytest.fixture(scope="session")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A generated catalog of 120 products (configurables, children, simples): quick to load."""
    target = tmp_path_factory.mktemp("small-catalog")
    generator.generate(target, SMALL_SIZE)
    return read.luma(target)


@pytest.fixture
def small_legacy(
    mariadb: MariaDB, fresh_database: str, small_catalog: Catalog
) -> Iterator[pymysql.Connection[Any]]:
    catalogs.load_into(mariadb.address, fresh_database, small_catalog)
    conn = connect(mariadb, fresh_database)
    yield conn
    conn.close()


def execute(conn: pymysql.Connection[Any], statement: str, *params: Any) -> int:
    with conn.cursor() as cursor:
        return int(cursor.execute(statement, params or None))


def rows(conn: pymysql.Connection[Any], statement: str, *params: Any) -> list[dict[str, Any]]:
    with conn.cursor() as cursor:
        cursor.execute(statement, params or None)
        return list(cursor.fetchall())
