"""Dashboard bench: how fast the admin app answers the dashboard over a full divergence store.

How this works: a SQLite divergence store in a scratch folder is filled to its default cap —
100,000 realistic examples (Magento product answers of ~1.5 KB on each side, 1–4 differences)
spread over the last 24 h across 10 routes, plus a per-minute count row for every route and
minute of those 24 h with a dozen diverging fields each. The real admin app (`make_admin_app`
with that store and a StoreSink for live counts) is served on a loopback port, and each page is
fetched `--requests` times (after a warm-up) with the bearer token: the overview and a route's
page over the widest window (24 h), and one example. The goal is a median and p95 under 300 ms
each; each line says PASS or MISS, the exit status is 1 on any MISS.

    .venv/bin/python -m bench.dashboard [--records N] [--requests N] [--scratch DIR] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from prometheus_client import CollectorRegistry

from bench.flag_propagation import summary
from strangler import config
from strangler.admin import make_admin_app
from strangler.flagstore.sqlite import SqliteFlagStore
from strangler.metrics import Metrics
from strangler.reload import reload_file
from strangler.runtime import Runtime
from strangler.settings import Settings
from strangler.sinks.store import StoreSink
from strangler.store import DivergenceRecord, MinuteStats, Side
from strangler.store.sqlite import SqliteDivergenceStore

RECORDS = 100_000
ROUTES = 10
REQUESTS = 30
WARMUP = 3
BATCH = 2_000
GOAL_MS = 300.0
DAY_MINUTES = 24 * 60
TOKEN = "dashboard-bench-admin-token-0123456789"
FIELDS = [
    "value $.price", "value $.special_price", "missing $.extension_attributes.stock_item.qty",
    "type $.custom_attributes[*].value", "extra $.extension_attributes.website_ids",
    "order $.media_gallery_entries", "length $.product_links", "value $.updated_at",
    "value $.status", "missing $.tier_prices", "value $.weight", "header header:content-type",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Timing:
    page: str
    path: str
    ms: list[float]

    def figures(self) -> dict[str, float]:
        return summary(self.ms)

    @property
    def passed(self) -> bool:
        figures = self.figures()
        return figures["median"] < GOAL_MS and figures["p95"] < GOAL_MS


# -- realistic data ----------------------------------------------------------------------------


def route_ids(n: int) -> list[str]:
    base = ["catalog-product", "catalog-search", "category-tree", "guest-cart", "cart-items",
            "cart-totals", "customer-me", "store-config", "cms-page", "inventory-src"]  # fmt: skip
    return [base[i] if i < len(base) else f"route-{i}" for i in range(n)]


def routes_yaml(ids: Sequence[str]) -> str:
    lines = ["version: 1", "backends:", '  legacy: {url: "http://127.0.0.1:1"}',
             '  catalog: {url: "http://127.0.0.1:2"}', "routes:"]  # fmt: skip
    for i, route_id in enumerate(ids):
        lines += [
            f"  - id: {route_id}",
            f'    match: {{path: "/rest/V1/bench{i}/**"}}',
            "    new: catalog",
            "    mode: shadow",
        ]
    return "\n".join(lines) + "\n"


def product(rng: random.Random, sku: str) -> dict[str, Any]:
    """A Magento product answer of ~1.5 KB."""
    return {
        "id": rng.randint(1, 2040), "sku": sku, "name": f"Bench Product {sku}",
        "attribute_set_id": 15, "price": round(rng.uniform(5, 200), 2), "status": 1,
        "visibility": 4, "type_id": "simple", "created_at": "2024-03-01 10:00:00",
        "updated_at": f"2024-03-{rng.randint(1, 28):02d} 10:00:00", "weight": 1,
        "extension_attributes": {
            "website_ids": [1],
            "stock_item": {"item_id": 1, "qty": rng.randint(0, 100), "is_in_stock": True},
        },
        "product_links": [], "options": [], "tier_prices": [],
        "media_gallery_entries": [
            {"id": i, "media_type": "image", "label": None, "position": i, "disabled": False,
             "types": ["image", "small_image"], "file": f"/m/b/{sku.lower()}-{i}.jpg"}
            for i in range(2)
        ],
        "custom_attributes": [
            {"attribute_code": code, "value": str(rng.randint(1, 500))}
            for code in ("description", "category_ids", "url_key", "required_options",
                         "has_options", "tax_class_id", "activity", "material")
        ],
    }  # fmt: skip


def example(rng: random.Random, route_id: str, at: float, n: int) -> DivergenceRecord:
    sku = f"24-MB{n % 1000:03d}"
    legacy = product(rng, sku)
    new = json.loads(json.dumps(legacy))
    new["price"] = round(legacy["price"] * 1.1, 2)
    new["extension_attributes"].pop("stock_item")
    differences = [
        {"kind": "value", "path": "$.price", "legacy": legacy["price"], "new": new["price"]},
        {"kind": "missing", "path": "$.extension_attributes.stock_item",
         "legacy": legacy["extension_attributes"]["stock_item"], "new": None},
    ]  # fmt: skip
    headers = {"content-type": "application/json; charset=utf-8", "x-request-id": f"r{n}"}
    return DivergenceRecord(
        at=at,
        route_id=route_id,
        request_id=f"{n:032x}",
        method="GET",
        path=f"/rest/default/V1/products/{sku}",
        request_headers={"accept": "application/json", "authorization": "[redacted]"},
        request_body="",
        legacy=Side(200, headers, json.dumps(legacy), elapsed_ms=rng.uniform(20, 80)),
        new=Side(200, headers, json.dumps(new), elapsed_ms=rng.uniform(2, 10)),
        outcome="mismatch",
        differences=differences[: rng.randint(1, 2)],
    )


def minute_rows(rng: random.Random, ids: Sequence[str], minute: int) -> list[MinuteStats]:
    rows = []
    for route_id in ids:
        shadowed = rng.randint(50, 400)
        mismatch = rng.randint(0, shadowed // 10)
        fields = {name: rng.randint(1, 20) for name in rng.sample(FIELDS, 8)}
        rows.append(
            MinuteStats(route_id, minute, requests=shadowed * 4, shadowed=shadowed,
                        match=shadowed - mismatch, mismatch=mismatch, kept=min(mismatch, 30),
                        not_kept=max(0, mismatch - 30), ignored=rng.randint(0, 5), fields=fields)
        )  # fmt: skip
    return rows


async def fill(store: SqliteDivergenceStore, ids: Sequence[str], records: int, now: float) -> None:
    """`records` examples evenly over the last 24 h, and 24 h of per-minute counts."""
    rng = random.Random(7)
    first_minute = int(now // 60) - DAY_MINUTES + 1
    step = DAY_MINUTES * 60 / max(1, records)
    for start in range(0, records, BATCH):
        batch = [
            example(rng, ids[n % len(ids)], now - DAY_MINUTES * 60 + n * step, n)
            for n in range(start, min(records, start + BATCH))
        ]
        stats = [
            row
            for minute in range(first_minute + start * DAY_MINUTES // records,
                                first_minute + min(records, start + BATCH) * DAY_MINUTES // records)
            for row in minute_rows(rng, ids, minute)
        ]  # fmt: skip
        await store.add(batch, stats)
        print(f"  filled {min(records, start + BATCH):,} / {records:,}", end="\r", flush=True)
    print()


# -- serving and timing ------------------------------------------------------------------------


async def serve(scratch: Path, store: SqliteDivergenceStore, ids: Sequence[str]) -> web.AppRunner:
    runtime = Runtime(config.parse(routes_yaml(ids), source="routes.yaml", env={}))
    app = make_admin_app(
        runtime,
        SqliteFlagStore(str(scratch / "flags.db")),
        Metrics(),
        Settings(admin_token=TOKEN),
        reload=lambda: reload_file(runtime, "routes.yaml", {}, "api"),
        divergences=store,
        stats_source=StoreSink(store, registry=CollectorRegistry()),
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


async def measure(base: str, page: str, path: str, requests: int) -> Timing:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    times: list[float] = []
    async with aiohttp.ClientSession(base, headers=headers) as session:
        for i in range(WARMUP + requests):
            started = time.perf_counter()
            async with session.get(path) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET {path} answered {response.status}")
            if i >= WARMUP:
                times.append((time.perf_counter() - started) * 1000)
    return Timing(page, path, times)


async def run(
    scratch: Path, records: int, routes: int, requests: int
) -> tuple[Timing, list[Timing]]:
    """The reference (the admin API's /routes on the same server: HTTP, auth, JSON, no store)
    and the dashboard pages."""
    ids = route_ids(routes)
    store = SqliteDivergenceStore(str(scratch / "divergences.db"), max_records=max(records, 1))
    now = time.time()
    started = time.perf_counter()
    await fill(store, ids, records, now)
    size_mb = (scratch / "divergences.db").stat().st_size / 1e6
    print(f"  {await store.count():,} examples, {size_mb:.0f} MB, filled in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    runner = await serve(scratch, store, ids)
    try:
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        [newest] = await store.recent(ids[0], limit=1)
        pages = [
            ("overview 24h", "/dashboard?window=24h"),
            ("overview 1h", "/dashboard?window=1h"),
            ("route 24h", f"/dashboard/routes/{ids[0]}?window=24h"),
            ("route 5m", f"/dashboard/routes/{ids[0]}?window=5m"),
            ("divergence", f"/dashboard/divergences/{newest.id}"),
        ]
        reference = await measure(base, "/routes (ref)", "/routes", requests)
        return reference, [await measure(base, page, path, requests) for page, path in pages]
    finally:
        await runner.cleanup()
        await store.close()


def report(reference: Timing, timings: Sequence[Timing], out: Path) -> int:
    ref = reference.figures()["median"]
    print(f"  {'page':<14} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'x ref':>7}"
          f"   goal < {GOAL_MS:.0f} ms")  # fmt: skip
    print(f"  {reference.page:<14} {ref:>10.1f} {reference.figures()['p95']:>8.1f} "
          f"{reference.figures()['max']:>8.1f} {1.0:>7.1f}   (reference)")  # fmt: skip
    for t in timings:
        f = t.figures()
        verdict = "PASS" if t.passed else "MISS"
        ratio = f["median"] / ref if ref else float("inf")
        print(f"  {t.page:<14} {f['median']:>10.1f} {f['p95']:>8.1f} {f['max']:>8.1f} "
              f"{ratio:>7.1f}   {verdict}")  # fmt: skip
    document = {
        t.page: {"path": t.path, **t.figures(), "vs_reference": t.figures()["median"] / ref,
                 "passed": t.passed}
        for t in timings
    }  # fmt: skip
    out.write_text(
        json.dumps(
            {"goal_ms": GOAL_MS, "reference": {"path": reference.path, **reference.figures()},
             "pages": document},
            indent=2,
        ) + "\n"
    )  # fmt: skip
    print(f"  results: {out}")
    return 0 if all(t.passed for t in timings) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.dashboard",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=RECORDS, help=f"examples ({RECORDS:,})")
    parser.add_argument("--routes", type=int, default=ROUTES, help=f"routes ({ROUTES})")
    parser.add_argument("--requests", type=int, default=REQUESTS, help=f"per page ({REQUESTS})")
    parser.add_argument("--scratch", type=Path, help="folder for the store and the JSON")
    parser.add_argument("--keep", action="store_true", help="keep the store file afterwards")
    args = parser.parse_args(argv)
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="strangler-dashboard-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    print(f"dashboard bench: {args.records:,} examples over 24 h, {args.routes} routes, "
          f"{args.requests} requests per page; scratch {scratch}")  # fmt: skip
    reference, timings = asyncio.run(run(scratch, args.records, args.routes, args.requests))
    status = report(reference, timings, scratch / "dashboard-bench.json")
    if not args.keep:
        for name in ("divergences.db", "divergences.db-wal", "divergences.db-shm"):
            (scratch / name).unlink(missing_ok=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
