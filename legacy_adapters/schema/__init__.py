"""Magento's table layout (the subset in magento.sql), applied idempotently."""

from __future__ import annotations

from importlib import resources
from typing import Any

SCHEMA_FILE = "magento.sql"


def statements() -> list[str]:
    """The DDL statements of magento.sql, comments stripped, in file order."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().strip(";")]


def apply(conn: Any) -> None:
    """Create every table that does not exist yet (CREATE TABLE IF NOT EXISTS)."""
    with conn.cursor() as cursor:
        for statement in statements():
            cursor.execute(statement.rstrip(";"))


def table_names() -> list[str]:
    return [
        s.split("IF NOT EXISTS", 1)[1].split("(", 1)[0].strip()
        for s in statements()
        if s.startswith("CREATE TABLE")
    ]
