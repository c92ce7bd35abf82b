"""Migrate Magento's catalog into the new flat catalog: incremental by default, resumable.

    python -m scripts.catalog_etl                      # what changed since the last run
    python -m scripts.catalog_etl --full               # every product (still skips unchanged)
    python -m scripts.catalog_etl --redis-url redis://127.0.0.1:6379/0 --json

Connections come from --legacy-* / --catalog-* or MAGENTO_DB_* / CATALOG_DB_* (see
scripts/catalog/options.py); --redis-url (CATALOG_REDIS_URL) invalidates the catalog service's
cache after each committed batch. Progress goes to stderr, the summary to stdout (JSON with
--json). Exit status: 0 done, 3 done but some products could not be mapped (listed), 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

import orjson
import redis

from legacy_adapters.magento_app import logs
from scripts.catalog import etl, options
from scripts.catalog.model import EtlSummary
from scripts.catalog.progress import ProgressBar

EXIT_BROKEN = 3


def parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m scripts.catalog_etl", description=__doc__.splitlines()[0]
    )
    options.add_connection_options(p, env)
    p.add_argument("--redis-url", default=env.get("CATALOG_REDIS_URL"))
    p.add_argument("--full", action="store_true", help="read every product, not only changes")
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def render(summary: EtlSummary) -> str:
    lines = [
        f"products: {summary.products_written} written, {summary.products_unchanged} "
        f"unchanged, {summary.products_deleted} deleted"
        f"{' (full run)' if summary.full else ''}"
        f"{f' (resumed after {summary.resumed_from})' if summary.resumed_from else ''}",
        f"categories: {summary.categories_written} written, {summary.categories_deleted} deleted",
    ]
    for s in summary.stores:
        lines.append(
            f"  store {s.store_id}: {s.products_written} product rows written, "
            f"{s.products_unchanged} unchanged; {s.categories_written} category rows written"
        )
    lines.append(f"watermark {summary.watermark}; {summary.duration_s:.1f}s")
    for b in summary.broken:
        lines.append(f"BROKEN product {b.entity_id} attribute {b.attribute}: {b.message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = parser(os.environ if env is None else env).parse_args(argv)
    logs.configure(os.environ.get("LOG_LEVEL", "info"))
    legacy, catalog = options.connect(args, "legacy"), options.connect(args, "catalog")
    cache: Any = redis.Redis.from_url(args.redis_url) if args.redis_url else None
    try:
        summary = etl.migrate(
            legacy,
            catalog,
            redis=cache,
            full=args.full,
            batch_size=args.batch_size,
            progress=None if args.quiet else ProgressBar(sys.stderr),
        )
    finally:
        legacy.close()
        catalog.close()
        if cache is not None:
            cache.close()
    print(orjson.dumps(summary.as_dict()).decode() if args.json else render(summary))
    return EXIT_BROKEN if summary.broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
