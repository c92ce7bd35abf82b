"""The service's MariaDB access: an aiomysql pool, read plans driven asynchronously, transactions.

How this works: reads run the same plans as the pymysql readers (`legacy_adapters.plans`);
`run()` feeds each yielded query to a pooled connection and sends the rows back. Writes go
through `transaction()`, which holds one connection with autocommit off for the block and
commits or rolls back as a unit; cart writes lock the quote row (`SELECT ... FOR UPDATE`) inside
it so concurrent requests on one cart serialise instead of losing updates.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol, TypeVar

import aiomysql

from legacy_adapters import mapping
from legacy_adapters.plans import Plan
from legacy_adapters.records import Store, StoreGroup, Website
from legacy_adapters.sql import catalog as catalog_sql

T = TypeVar("T")
Rows = list[dict[str, Any]]


class QuietCursor(aiomysql.DictCursor):  # type: ignore[misc]
    """Dict rows, and no SHOW WARNINGS round trip after a query with warnings.

    MariaDB notes such as "Truncated incorrect DOUBLE value" (a price filter compared with
    text) are not errors for Magento either; aiomysql would fetch them with an extra query
    and raise them as Python warnings.
    """

    async def _show_warnings(self, conn: Any) -> None:
        return None


class DbSettings(Protocol):
    @property
    def db_host(self) -> str: ...
    @property
    def db_port(self) -> int: ...
    @property
    def db_user(self) -> str: ...
    @property
    def db_password(self) -> str: ...
    @property
    def db_name(self) -> str: ...
    @property
    def pool_size(self) -> int: ...


class Database:
    def __init__(self, pool: aiomysql.Pool) -> None:
        self.pool = pool

    @classmethod
    async def for_settings(cls, settings: DbSettings) -> Database:
        """The pool a service's settings describe (legacy's and the catalog's alike)."""
        return await cls.connect(
            host=settings.db_host,
            port=settings.db_port,
            user=settings.db_user,
            password=settings.db_password,
            db=settings.db_name,
            size=settings.pool_size,
        )

    @classmethod
    async def connect(
        cls, *, host: str, port: int, user: str, password: str, db: str, size: int
    ) -> Database:
        pool = await aiomysql.create_pool(
            host=host,
            port=port,
            user=user,
            password=password,
            db=db,
            minsize=1,
            maxsize=size,
            charset="utf8mb4",
            autocommit=True,
            init_command="SET time_zone = '+00:00'",
            pool_recycle=3600,
            cursorclass=QuietCursor,
        )
        return cls(pool)

    async def close(self) -> None:
        self.pool.close()
        await self.pool.wait_closed()

    async def run(self, plan: Plan[T]) -> T:
        """Drive a read plan on one pooled connection."""
        async with self.pool.acquire() as conn, conn.cursor(QuietCursor) as cursor:
            return await drive(cursor, plan)

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        async with self.pool.acquire() as conn, conn.cursor(QuietCursor) as cursor:
            await cursor.execute(sql, tuple(params) or None)
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.pool.acquire() as conn, conn.cursor(QuietCursor) as cursor:
            await cursor.execute(sql, tuple(params) or None)
            return int(cursor.rowcount)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self.pool.acquire() as conn:
            await conn.begin()
            try:
                async with conn.cursor(QuietCursor) as cursor:
                    yield Tx(cursor)
            except BaseException:
                await conn.rollback()
                raise
            await conn.commit()


class Tx:
    """One transaction's cursor: fetch, execute (returning lastrowid) and plans."""

    def __init__(self, cursor: QuietCursor) -> None:
        self.cursor = cursor

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        await self.cursor.execute(sql, tuple(params) or None)
        return list(await self.cursor.fetchall())

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a write; returns the new row id for inserts (0 otherwise)."""
        await self.cursor.execute(sql, tuple(params) or None)
        return int(self.cursor.lastrowid or 0)

    async def run(self, plan: Plan[T]) -> T:
        return await drive(self.cursor, plan)


async def drive(cursor: QuietCursor, plan: Plan[T]) -> T:
    try:
        query = next(plan)
        while True:
            await cursor.execute(query.sql, query.params or None)
            query = plan.send(list(await cursor.fetchall()))
    except StopIteration as done:
        result: T = done.value
        return result


async def load_stores(db: Database) -> tuple[list[Website], list[StoreGroup], list[Store]]:
    """The store structure from `store_website`, `store_group` and `store` rows."""
    websites = [mapping.website(r) for r in await db.fetch(catalog_sql.WEBSITES)]
    groups = [mapping.store_group(r) for r in await db.fetch(catalog_sql.STORE_GROUPS)]
    stores = [mapping.store(r) for r in await db.fetch(catalog_sql.STORES)]
    return websites, groups, stores
