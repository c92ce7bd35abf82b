"""Load Magento's sample catalog (Luma, Venia or a generated one) into a Magento database.

    python -m scripts.load_catalog --port 3306 --database magento            # Luma
    python -m scripts.load_catalog --catalog venia ...                       # Venia, own root
    python -m scripts.load_catalog --sample-data /path/to/magento2-sample-data ...
    python -m scripts.load_catalog --generate 100000 --generated-dir /tmp/cat ...

Creates the schema (Magento's table layout) if missing, then loads idempotently with progress;
ends with a summary and a count check: the number of product rows in the files must equal the
number of those SKUs in the database, otherwise the exit status is 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from legacy_adapters import readers
from legacy_adapters.sample_data import generator, read
from legacy_adapters.sample_data.model import Catalog
from scripts.stack import catalog as catalogs
from scripts.stack import paths
from scripts.stack.servers import MySQLAddress


class _Progress:
    """Prints a stage's progress at most every half second, and always at the end."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last > 0.5:
            self.last = now
            pct = 100 * done / total if total else 100
            print(
                f"\r{stage}: {done}/{total} ({pct:.0f}%)",
                end="\n" if done == total else "",
                file=sys.stderr,
                flush=True,
            )


def _catalog(args: argparse.Namespace) -> Catalog:
    root = args.sample_data or paths.sample_data()
    if args.generate:
        out = args.generated_dir or Path(f"generated-{args.generate}")
        if not (out / "GENERATED.md").is_file():
            generator.generate(out, args.generate, seed=args.seed)
        return read.luma(out)
    return read.venia(root) if args.catalog == "venia" else read.luma(root)


def _count_check(address: MySQLAddress, database: str, catalog: Catalog) -> tuple[int, int]:
    skus = {s.lower() for s in read.product_skus(catalog)}
    conn = readers.connect(
        host=address.host,
        port=address.port,
        user=address.user,
        password=address.password,
        database=database,
    )
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT sku FROM catalog_product_entity")
        present = {str(r["sku"]).lower() for r in cursor.fetchall()}
    return catalog.expected_products, len(skus & present)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.load_catalog", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="root")
    parser.add_argument("--password", default="")
    parser.add_argument("--database", default="magento")
    parser.add_argument("--catalog", choices=("luma", "venia"), default="luma")
    parser.add_argument(
        "--sample-data",
        type=Path,
        default=None,
        help=f"default: ${paths.SAMPLE_DATA_ENV} or {paths.DEFAULT_SAMPLE_DATA}",
    )
    parser.add_argument(
        "--generate",
        type=int,
        default=0,
        metavar="N",
        help="load a generated catalog of N products instead",
    )
    parser.add_argument("--generated-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        catalog = _catalog(args)
    except read.SampleDataMissing as exc:
        print(f"error: {exc} (use --sample-data PATH or --generate N)", file=sys.stderr)
        return 2
    address = MySQLAddress(args.host, args.port, args.user, args.password)
    print(
        f"loading {catalog.name} ({catalog.expected_products} products) from {catalog.source}",
        file=sys.stderr,
    )
    report = catalogs.load_into(address, args.database, catalog, progress=_Progress())
    in_files, loaded = _count_check(address, args.database, catalog)
    print(
        f"{report.products_in_files} products in the files: {report.products_inserted} "
        f"inserted, {report.products_existing} already present; "
        f"{report.categories_created} categories and {report.attributes_created} attributes "
        f"created; {report.customers} customers; {report.warning_count} warnings; "
        f"{report.elapsed_s:.1f}s"
    )
    for warning in report.warnings:
        print(f"  warning: {warning}")
    print(f"count check: {loaded} of {in_files} SKUs from the files are in the database")
    return 0 if loaded == in_files else 1


if __name__ == "__main__":
    raise SystemExit(main())
