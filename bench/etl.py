"""Catalog ETL bench: a full migration of a generated catalog, its speed and peak memory.

How this works: a private MariaDB (scripts.stack.servers) under a scratch folder gets a
generated catalog of `--products` products (legacy_adapters.sample_data.generator, Luma's CSV
format) loaded into `legacy` by the sample-data loader. Then, each as a child process so its
peak RSS is its own (os.wait4):

- the ETL, `python -m scripts.catalog_etl --full` into `catalog` (both store views);
- the ETL again, incremental, with nothing changed (it must write nothing);
- a reference in the same run: a plain unbuffered `SELECT` of every row of the five product
  EAV value tables, the floor of what reading the catalog costs.

It prints products/s, duration and peak RSS, the ETL's time as a multiple of the reference
scan, and PASS / MISS for the goals (100,000 products in < 120 s, i.e. >= 833 products/s; peak
RSS < 300 MB); the exit status is 1 on any MISS. The report is also written as JSON.

    .venv/bin/python -m bench.etl [--products 100000] [--batch-size 500] [--scratch DIR]

A rerun with the same --scratch reuses the loaded legacy catalog (the loader's time is kept).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legacy_adapters.sample_data import generator, read
from scripts.stack import catalog as catalogs
from scripts.stack.servers import MariaDB, MySQLAddress

GOAL_PRODUCTS = 100_000
GOAL_SECONDS = 120.0
GOAL_RATE = GOAL_PRODUCTS / GOAL_SECONDS
GOAL_RSS_MB = 300.0
LEGACY, CATALOG = "legacy", "catalog"
SCAN = """
import sys, pymysql, pymysql.cursors
conn = pymysql.connect(host=sys.argv[1], port=int(sys.argv[2]), user=sys.argv[3],
                       password=sys.argv[4], database=sys.argv[5], charset="utf8mb4")
n = 0
for t in ("varchar", "int", "decimal", "text", "datetime"):
    with conn.cursor(pymysql.cursors.SSCursor) as cursor:
        cursor.execute(f"SELECT entity_id, attribute_id, store_id, value "
                       f"FROM catalog_product_entity_{t}")
        for _ in cursor:
            n += 1
print(n)
"""


@dataclass(frozen=True, slots=True)
class Child:
    """One child process: wall time, peak RSS, exit status, output."""

    seconds: float
    peak_rss_mb: float
    status: int
    stdout: str
    stderr: str


def measured(argv: list[str]) -> list[str]:
    """`argv` under a tiny Python wrapper that forks, waits with wait4 and prints the child's
    own peak RSS (RUSAGE_CHILDREN would mix in every other child, the server included)."""
    wrapper = (
        "import os, sys\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.execv(sys.argv[1], sys.argv[1:])\n"
        "_, status, usage = os.wait4(pid, 0)\n"
        "sys.stderr.write(f'\\npeak_rss_kib={usage.ru_maxrss}\\n')\n"
        "sys.exit(os.waitstatus_to_exitcode(status))\n"
    )
    return [sys.executable, "-c", wrapper, *argv]


def run_measured(argv: list[str]) -> Child:
    started = time.monotonic()
    done = subprocess.run(measured(argv), capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    lines = [line for line in done.stderr.splitlines() if line.startswith("peak_rss_kib=")]
    rss = int(lines[-1].split("=", 1)[1]) if lines else 0
    return Child(seconds, rss / 1024, done.returncode, done.stdout, done.stderr)


def connection_args(address: MySQLAddress) -> list[str]:
    argv = []
    for side, name in (("legacy", LEGACY), ("catalog", CATALOG)):
        argv += [f"--{side}-host", address.host, f"--{side}-port", str(address.port)]
        argv += [f"--{side}-user", address.user, f"--{side}-password", address.password]
        argv += [f"--{side}-database", name]
    return argv


def etl_argv(address: MySQLAddress, batch_size: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "scripts.catalog_etl", "--json", "--quiet",
        "--batch-size", str(batch_size), *connection_args(address), *extra,
    ]  # fmt: skip


def loaded_products(address: MySQLAddress) -> int:
    """Products already in `legacy` (a reused scratch folder), 0 when there is none."""
    with address.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SHOW DATABASES LIKE %s", (LEGACY,))
        if cursor.fetchone() is None:
            return 0
        cursor.execute(f"SELECT COUNT(*) FROM `{LEGACY}`.catalog_product_entity")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def prepare(scratch: Path, products: int, address: MySQLAddress) -> float:
    """Generate and load the legacy catalog (kept in a reused scratch folder); an empty new
    catalog. Returns the loader's seconds (measured when it ran)."""
    source = scratch / "catalog-csv"
    timing = scratch / "load-seconds.txt"
    address.create_database(CATALOG, fresh=True)
    if loaded_products(address) == products and timing.is_file():
        return float(timing.read_text())
    if not (source / "GENERATED.md").is_file():
        generator.generate(source, products)
    started = time.monotonic()
    catalogs.load_into(address, LEGACY, read.luma(source))
    seconds = time.monotonic() - started
    timing.write_text(f"{seconds:.2f}\n")
    return seconds


def judge(products: int, etl: Child, summary: dict[str, Any]) -> dict[str, Any]:
    rate = products / etl.seconds if etl.seconds else 0.0
    return {
        "products_per_s": round(rate, 1),
        "rate_goal": round(GOAL_RATE, 1),
        "rate_passed": rate >= GOAL_RATE,
        "peak_rss_mb": round(etl.peak_rss_mb, 1),
        "rss_goal_mb": GOAL_RSS_MB,
        "rss_passed": 0 < etl.peak_rss_mb < GOAL_RSS_MB,
        "written_all": summary.get("products_written") == products,
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(result: dict[str, Any]) -> str:
    g, e = result["goals"], result["etl"]
    return "\n".join(
        [
            f"catalog: {result['products']} products, loaded in {result['load_s']:.1f}s "
            f"({result['load_products_per_s']:.0f}/s)",
            f"etl --full: {e['seconds']:.1f}s, {g['products_per_s']:.0f} products/s, "
            f"peak RSS {g['peak_rss_mb']:.0f} MB, wrote {e['products_written']} products",
            f"etl again (nothing changed): {result['again']['seconds']:.1f}s, "
            f"wrote {result['again']['products_written']}",
            f"reference: scan of the EAV value tables {result['scan']['seconds']:.2f}s "
            f"({result['scan']['rows']} rows); etl / scan = {result['etl_vs_scan']:.1f}x, "
            f"etl / loader rate = {result['etl_vs_loader']:.2f}x",
            f"goal >= {g['rate_goal']:.0f} products/s (100,000 in < 120 s): "
            f"{verdict(g['rate_passed'])}",
            f"goal peak RSS < {g['rss_goal_mb']:.0f} MB: {verdict(g['rss_passed'])}",
            f"every product written: {verdict(g['written_all'])}",
        ]
    )


def run(scratch: Path, products: int, batch_size: int) -> dict[str, Any]:
    with MariaDB(scratch / "mariadb") as server:
        address = server.address
        load_s = prepare(scratch, products, address)
        etl = run_measured(etl_argv(address, batch_size, "--full"))
        if etl.status not in (0, 3):
            raise RuntimeError(f"the ETL failed ({etl.status}):\n{etl.stderr[-3000:]}")
        summary = json.loads(etl.stdout)
        again = run_measured(etl_argv(address, batch_size))
        a = address
        scan = run_measured(
            [sys.executable, "-c", SCAN, a.host, str(a.port), a.user, a.password, LEGACY]
        )
    return {
        "products": products,
        "batch_size": batch_size,
        "load_s": round(load_s, 2),
        "load_products_per_s": round(products / load_s, 1),
        "etl": {
            "seconds": round(etl.seconds, 2),
            "peak_rss_mb": round(etl.peak_rss_mb, 1),
            "products_written": summary["products_written"],
            "broken": len(summary["broken"]),
        },
        "again": {
            "seconds": round(again.seconds, 2),
            "products_written": json.loads(again.stdout)["products_written"],
        },
        "scan": {"seconds": round(scan.seconds, 2), "rows": int(scan.stdout.strip() or 0)},
        "etl_vs_scan": round(etl.seconds / scan.seconds, 2),
        "etl_vs_loader": round((products / etl.seconds) / (products / load_s), 2),
        "goals": judge(products, etl, summary),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.etl", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--products", type=int, default=GOAL_PRODUCTS)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--scratch", type=Path, default=None)
    args = parser.parse_args(argv)
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="etl-bench-"))
    result = run(scratch, args.products, args.batch_size)
    (scratch / "etl-bench.json").write_text(json.dumps(result, indent=2) + "\n")
    print(report(result))
    print(f"report: {scratch / 'etl-bench.json'} (scratch kept: a rerun reuses the catalog)")
    goals = result["goals"]
    return 0 if goals["rate_passed"] and goals["rss_passed"] and goals["written_all"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
