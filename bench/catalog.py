"""Catalog bench: the new catalog service against the legacy service, `GET products/{sku}`.

How this works: a private MariaDB and Redis get the Luma catalog (a generated one of the same
size where the sample data is missing); the real ETL migrates it into the new catalog (store
structure included). Both services then run as real processes with their production
defaults (`python -m legacy_adapters.magento_app`, `python -m new_services.catalog` with the
Redis cache), one at a time on core 0; wrk runs on core 1 (MariaDB and Redis are not pinned). wrk
asks for the catalog's SKUs in rotation (a Lua script), with an admin token. Both services are
warmed the same way (one request for every SKU, which fills the catalog's cache, then a short
wrk run), then each is loaded for the same duration. Legacy is measured as it stands.

    .venv/bin/python -m bench.catalog [--duration S] [--quick] [--connections N] [--skus N]

prints req/s and latency of both, the ratio catalog/legacy and PASS/MISS against the goal
(>= 3x), and writes <scratch>/catalog-bench.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pymysql

from bench import servers, wrk
from legacy_adapters.magento_wire import tokens
from scripts.catalog import etl
from scripts.stack import catalog as catalogs
from scripts.stack import packages, paths
from scripts.stack.servers import MariaDB, Redis, running
from scripts.stack.services import Service, catalog_service, legacy_service

GOAL = 3.0  # catalog req/s at least this many times legacy's
DURATION_S, QUICK_DURATION_S = 10.0, 2.0
WARMUP_S, QUICK_WARMUP_S = 3.0, 1.0
CONNECTIONS = 64
LEGACY_DB, CATALOG_DB = "magento", "catalog"
LEGACY, CATALOG = "legacy", "catalog"


@dataclass(frozen=True, slots=True)
class Plan:
    duration_s: float
    warmup_s: float
    connections: int
    skus: int  # 0: every SKU of the catalog
    scratch: Path | None = None


def parse_args(argv: Sequence[str] | None) -> Plan:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog", description=__doc__)
    parser.add_argument("--duration", type=float, default=None, help="seconds per service")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds per service")
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--skus", type=int, default=0, help="rotate over this many (0: all)")
    parser.add_argument("--scratch", type=Path, default=None)
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    return Plan(
        duration_s=args.duration or (QUICK_DURATION_S if quick else DURATION_S),
        warmup_s=args.warmup or (QUICK_WARMUP_S if quick else WARMUP_S),
        connections=args.connections,
        skus=args.skus,
        scratch=args.scratch,
    )


# ---------------------------------------------------------------- pure parts


def lua_script(skus: Sequence[str], token: str) -> str:
    """A wrk script asking for `skus` in rotation (one wrk thread), with a bearer token."""
    paths_ = ",\n".join(f'  "/rest/V1/products/{quote(sku, safe="")}"' for sku in skus)
    return (
        f"local paths = {{\n{paths_}\n}}\n"
        "local i = 0\n"
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    ratio: float | None
    verdict: str  # PASS | MISS | n/a
    note: str = ""


def judge(legacy: wrk.WrkResult, catalog: wrk.WrkResult, goal: float = GOAL) -> Verdict:
    """catalog/legacy req/s against the goal; a run with error answers is never a pass."""
    if legacy.errors or catalog.errors:
        return Verdict(None, "n/a", "error answers during the load: figures not comparable")
    if legacy.requests_per_s <= 0:
        return Verdict(None, "n/a", "legacy answered nothing")
    ratio = catalog.requests_per_s / legacy.requests_per_s
    return Verdict(ratio, "PASS" if ratio >= goal else "MISS")


def table(results: dict[str, wrk.WrkResult], verdict: Verdict, goal: float = GOAL) -> str:
    lines = [
        f"{'service':<9} {'req/s':>10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>7}"
    ]
    for name, r in results.items():
        lines.append(
            f"{name:<9} {r.requests_per_s:>10,.0f} {r.p50_ms:>8.2f} {r.p90_ms:>8.2f} "
            f"{r.p99_ms:>8.2f} {r.errors:>7}"
        )
    ratio = "n/a" if verdict.ratio is None else f"{verdict.ratio:.2f}x"
    note = f" ({verdict.note})" if verdict.note else ""
    lines.append(f"\ncatalog/legacy req/s: {ratio}  goal >= {goal:g}x: {verdict.verdict}{note}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the run


@dataclass(frozen=True, slots=True)
class Stage:
    mariadb: MariaDB
    redis: Redis
    token_key: str
    admin_token: str
    skus: list[str]
    note: str


def connect(mariadb: MariaDB, database: str) -> pymysql.Connection[Any]:
    return mariadb.address.reader(database)


def prepare(mariadb: MariaDB, redis: Redis, scratch: Path, limit: int) -> Stage:
    """Load the catalog into legacy's database, migrate it, pick the SKUs, issue a token."""
    choice = catalogs.choose(paths.sample_data(), scratch)
    print(f"loading: {choice.note}", flush=True)
    catalogs.load_into(mariadb.address, LEGACY_DB, choice.catalog)
    mariadb.address.create_database(CATALOG_DB)
    with connect(mariadb, LEGACY_DB) as legacy, connect(mariadb, CATALOG_DB) as catalog:
        summary = etl.migrate(legacy, catalog, full=True)
        with legacy.cursor() as cursor:
            cursor.execute("SELECT sku FROM catalog_product_entity ORDER BY entity_id")
            skus = [str(r["sku"]) for r in cursor.fetchall()]
            cursor.execute(
                "SELECT user_id FROM admin_user WHERE username = %s",
                (catalogs.DEMO_ADMIN.username,),
            )
            admin = int(cursor.fetchone()["user_id"])
    print(f"migrated {summary.products_written} products in {summary.duration_s:.1f}s", flush=True)
    key = os.urandom(32).hex()
    token = tokens.issue(admin, tokens.UserType.ADMIN, key=key, now=int(time.time()))
    return Stage(mariadb, redis, key, token, skus[:limit] if limit else skus, choice.note)


def service(stage: Stage, name: str) -> Service:
    """The service as the demo stack builds it (its env, a free port)."""
    address = stage.mariadb.address
    if name == LEGACY:
        return legacy_service(LEGACY, address, LEGACY_DB, stage.token_key)
    return catalog_service(address, CATALOG_DB, stage.token_key, stage.redis.url)


@contextlib.contextmanager
def serving(stage: Stage, name: str, scratch: Path, cpu: int) -> Iterator[str]:
    """One service as a real process pinned to `cpu`; yields its base URL."""
    built = service(stage, name)
    env = {**os.environ, **built.env}
    proc = servers.Process(name, built.argv, scratch / f"{name}.log", cpu, env=env)
    proc.start(f"{built.url}/healthz")
    try:
        yield built.url
    finally:
        proc.stop()


def load(base: str, script: Path, connections: int, duration_s: float, cpu: int) -> wrk.WrkResult:
    argv = wrk.command(f"{base}/rest/V1/products/x", connections, duration_s, cpu)
    argv[-1:-1] = ["-s", str(script)]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=duration_s + 60, check=False
    )
    if done.returncode != 0:
        raise wrk.WrkOutputError(f"wrk exited with {done.returncode}: {done.stderr[-500:]}")
    return wrk.parse(done.stdout)


def warm(base: str, stage: Stage) -> None:
    """One request for every SKU (fills the catalog's cache; legacy gets the same pass)."""
    urls = [f"{base}/rest/V1/products/{quote(sku, safe='')}" for sku in stage.skus]
    with ThreadPoolExecutor(16) as pool:
        statuses = set(pool.map(lambda u: servers.fetch(u, token=stage.admin_token).status, urls))
    if statuses != {200}:
        raise RuntimeError(f"warm-up answers were {sorted(statuses)}, not all 200")


def check(bases: dict[str, str], stage: Stage) -> None:
    """Both services give the same bytes for a few SKUs (a fast wrong answer is no result)."""
    for sku in stage.skus[:: max(1, len(stage.skus) // 5)]:
        url = f"/rest/V1/products/{quote(sku, safe='')}"
        answers = [servers.fetch(b + url, token=stage.admin_token) for b in bases.values()]
        if answers[0].status != 200 or answers[0].body != answers[1].body:
            raise RuntimeError(f"legacy and catalog disagree on {sku}: {answers}")


def measure(stage: Stage, plan: Plan, scratch: Path, cores: tuple[int, int]) -> dict[str, Any]:
    script = scratch / "skus.lua"
    script.write_text(lua_script(stage.skus, stage.admin_token))
    service_cpu, load_cpu = cores
    results: dict[str, wrk.WrkResult] = {}
    bases: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        for name in (LEGACY, CATALOG):
            bases[name] = stack.enter_context(serving(stage, name, scratch, service_cpu))
        check(bases, stage)
        for name in (LEGACY, CATALOG):  # one at a time: the other one idles
            print(
                f"{name}: every SKU once, {plan.warmup_s:g}s warm-up, {plan.duration_s:g}s",
                flush=True,
            )
            warm(bases[name], stage)
            load(bases[name], script, plan.connections, plan.warmup_s, load_cpu)
            results[name] = load(bases[name], script, plan.connections, plan.duration_s, load_cpu)
    verdict = judge(results[LEGACY], results[CATALOG])
    print("\n" + table(results, verdict))
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "catalog": stage.note,
        "skus": len(stage.skus),
        "cores": {"service": service_cpu, "wrk": load_cpu},
        "plan": {**asdict(plan), "scratch": str(scratch)},
        "results": {name: r.to_json() for name, r in results.items()},
        "goal": {"ratio": verdict.ratio, "at_least": GOAL, "verdict": verdict.verdict},
    }


def main(argv: Sequence[str] | None = None) -> int:
    plan = parse_args(argv)
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        print(f"error: the bench needs two cores, this process may use {allowed}", file=sys.stderr)
        return 2
    try:
        for binary in (wrk.WRK, servers.TASKSET):
            packages.require(binary)
    except packages.ServerUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    scratch = plan.scratch or Path(tempfile.mkdtemp(prefix="catalog-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    mariadb, redis = MariaDB(scratch / "mariadb"), Redis(scratch / "redis")
    with running(mariadb, redis):
        stage = prepare(mariadb, redis, scratch, plan.skus)
        document = measure(stage, plan, scratch, (allowed[0], allowed[1]))
    out = scratch / "catalog-bench.json"
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
