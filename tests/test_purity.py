"""The decision cores stay pure: no network drivers, clock, randomness or environment inside.

The pure modules of the proxy (routing, flags, comparison, correlation, noise, redaction, the
dashboard's HTML) are listed too: clocks and random draws are passed in as arguments.

Each module is parsed with `ast` (never imported), so the check also covers imports inside
functions. New files under `magento_wire/`, `plans/` and `sql/` are picked up by the globs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ADAPTERS = REPO / "legacy_adapters"
FORBIDDEN = frozenset({"aiohttp", "aiomysql", "redis", "pymysql", "time", "random", "os"})

LISTED = (
    "legacy_adapters/quote_math.py",
    "legacy_adapters/inventory.py",
    "legacy_adapters/mapping.py",
    "legacy_adapters/records.py",
    "legacy_adapters/magento_app/scopes.py",
    "legacy_adapters/magento_app/category_answers.py",
    "legacy_adapters/magento_wire/__init__.py",
    "legacy_adapters/magento_wire/errors.py",
    "legacy_adapters/magento_wire/fields.py",
    "legacy_adapters/magento_wire/money.py",
    "legacy_adapters/magento_wire/passwords.py",
    "legacy_adapters/magento_wire/phpjson.py",
    "legacy_adapters/magento_wire/query.py",
    "legacy_adapters/magento_wire/search_criteria.py",
    "legacy_adapters/magento_wire/tokens.py",
    "legacy_adapters/magento_wire/urls.py",
    "legacy_adapters/magento_wire/variants.py",
    "legacy_adapters/magento_wire/shapes/__init__.py",
    "legacy_adapters/magento_wire/shapes/cart.py",
    "legacy_adapters/magento_wire/shapes/catalog.py",
    "legacy_adapters/magento_wire/shapes/customer.py",
    "legacy_adapters/plans/__init__.py",
    "legacy_adapters/plans/catalog.py",
    "legacy_adapters/plans/quote.py",
    "legacy_adapters/sql/__init__.py",
    "legacy_adapters/sql/catalog.py",
    "legacy_adapters/sql/customer.py",
    "legacy_adapters/sql/load.py",
    "legacy_adapters/sql/quote.py",
    "legacy_adapters/sql/search.py",
    "scripts/catalog/rows.py",
    "scripts/catalog/mismatches.py",
    "scripts/catalog/model.py",
    "strangler/model.py",
    "strangler/config.py",
    "strangler/config_compare.py",
    "strangler/config_correlate.py",
    "strangler/yamlread.py",
    "strangler/templates.py",
    "strangler/routing.py",
    "strangler/flags.py",
    "strangler/breaker.py",
    "strangler/compare.py",
    "strangler/compare_rules.py",
    "strangler/differences.py",
    "strangler/jsonpath.py",
    "strangler/redact.py",
    "strangler/correlate.py",
    "strangler/noise.py",
    "strangler/dashboard.py",
)
GLOBBED = ("magento_wire", "plans", "sql")


def pure_modules() -> list[Path]:
    found = {REPO / name for name in LISTED}
    for folder in GLOBBED:
        found.update((ADAPTERS / folder).rglob("*.py"))
    return sorted(found)


def imported_roots(source: str) -> set[str]:
    """Top-level package of every absolute import in `source`."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=str(p.relative_to(REPO))) for p in pure_modules()]
)
def test_pure_module_imports_nothing_impure(path: Path) -> None:
    assert path.is_file(), f"{path.relative_to(REPO)} is listed as pure but does not exist"
    bad = imported_roots(path.read_text(encoding="utf-8")) & FORBIDDEN
    assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


def test_globs_cover_the_wire_format() -> None:
    names = {p.relative_to(REPO).as_posix() for p in pure_modules()}
    assert "legacy_adapters/magento_wire/phpjson.py" in names
    assert len(names) >= len(LISTED)


@pytest.mark.parametrize(
    ("source", "roots"),
    [
        pytest.param("import os", {"os"}, id="import"),
        pytest.param("import os.path as p", {"os"}, id="import-submodule"),
        pytest.param("from time import monotonic", {"time"}, id="from-import"),
        pytest.param("from redis.asyncio import Redis", {"redis"}, id="from-submodule"),
        pytest.param("def f():\n    import random\n", {"random"}, id="inside-function"),
        pytest.param("from . import records", set(), id="relative-ignored"),
        pytest.param("import datetime, decimal", {"datetime", "decimal"}, id="several"),
    ],
)
def test_imported_roots(source: str, roots: set[str]) -> None:
    assert imported_roots(source) == roots
