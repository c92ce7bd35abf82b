"""Read plans: which queries to run and how to map their rows, written once for sync and async.

How this works: a plan is a generator that yields `Query` values and receives each query's rows
(a list of dicts) back, then returns a record. It does no I/O itself, so the pymysql readers
(`readers.run`) and the aiomysql service (`magento_app.db.drive`) drive the very same plans,
and a test can drive one with hand-made rows.

    meta = yield from catalog_meta_plan()
    products = yield from products_plan([1, 2], store_id=1, meta=meta)
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
Rows = list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Query:
    sql: str
    params: tuple[Any, ...] = ()


Plan = Generator[Query, Rows, T]
