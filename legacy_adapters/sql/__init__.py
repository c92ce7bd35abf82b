"""Every SQL statement that touches Magento's tables, as named constants, always parameterised.

How this works: statements use pymysql's `%s` placeholders (aiomysql shares them), so the same
text runs on the sync readers and the async service. Where a statement takes a list (`IN (...)`),
it is written with `{ids}` and expanded by `in_list()` into the right number of placeholders;
no value is ever formatted into SQL text. Identifiers never come from input: dynamic queries
(search) choose table and column names from fixed maps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def in_list(sql: str, count: int, name: str = "ids") -> str:
    """Expand `{name}` into `count` placeholders (at least one, so `IN ()` never happens)."""
    return sql.replace("{" + name + "}", ", ".join(["%s"] * max(count, 1)))


def in_params(values: Sequence[Any]) -> tuple[Any, ...]:
    """Parameters for an `in_list` expansion; an empty list matches nothing (NULL)."""
    return tuple(values) if values else (None,)
