"""The connection options `catalog_etl` and `reconcile_catalog` share, with env defaults.

--legacy-host/-port/-user/-password/-database   MAGENTO_DB_HOST, _PORT, _USER, _PASSWORD, _NAME
--catalog-host/-port/-user/-password/-database  CATALOG_DB_HOST, _PORT, ... _NAME
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

import pymysql

from legacy_adapters import readers

SIDES = (
    ("legacy", "MAGENTO_DB", "magento"),
    ("catalog", "CATALOG_DB", "catalog"),
)


def add_connection_options(parser: argparse.ArgumentParser, env: Mapping[str, str]) -> None:
    for side, prefix, database in SIDES:
        group = parser.add_argument_group(f"{side} database ({prefix}_* in the environment)")
        group.add_argument(f"--{side}-host", default=env.get(f"{prefix}_HOST", "127.0.0.1"))
        group.add_argument(
            f"--{side}-port", type=int, default=int(env.get(f"{prefix}_PORT", "3306"))
        )
        group.add_argument(f"--{side}-user", default=env.get(f"{prefix}_USER", "root"))
        group.add_argument(f"--{side}-password", default=env.get(f"{prefix}_PASSWORD", ""))
        group.add_argument(f"--{side}-database", default=env.get(f"{prefix}_NAME", database))


def connect(args: argparse.Namespace, side: str) -> pymysql.Connection[Any]:
    """A reader-style connection (dict rows, UTC, autocommit) to one side."""
    return readers.connect(
        host=getattr(args, f"{side}_host"),
        port=getattr(args, f"{side}_port"),
        user=getattr(args, f"{side}_user"),
        password=getattr(args, f"{side}_password"),
        database=getattr(args, f"{side}_database"),
    )
