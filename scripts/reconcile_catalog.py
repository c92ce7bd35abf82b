"""Reconcile the new catalog with Magento's: counts, checksums, fields, value rows per store.

    python -m scripts.reconcile_catalog [--json] [--batch-size N]

Connections come from --legacy-* / --catalog-* or MAGENTO_DB_* / CATALOG_DB_* (see
scripts/catalog/options.py). Prints a readable report (JSON with --json). Exit status: 0 when
both sides agree, 1 on any mismatch, 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

import orjson

from scripts.catalog import options
from scripts.catalog.mismatches import render
from scripts.catalog.reconcile import reconcile


def parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m scripts.reconcile_catalog", description=__doc__.splitlines()[0]
    )
    options.add_connection_options(p, env)
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    return p


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = parser(os.environ if env is None else env).parse_args(argv)
    legacy, catalog = options.connect(args, "legacy"), options.connect(args, "catalog")
    try:
        report = reconcile(legacy, catalog, batch_size=args.batch_size)
    finally:
        legacy.close()
        catalog.close()
    if args.json:
        sys.stdout.write(orjson.dumps(report.as_dict(), default=str).decode() + "\n")
    else:
        print(render(report))
    return 0 if report.clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
