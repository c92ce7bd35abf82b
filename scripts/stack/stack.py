"""The local stack: MariaDB, the catalogs, the legacy and new services, the proxy in front.

How this works: `Stack(scratch).start()` brings the parts up in order (each waits until it
answers) and `stop()` takes them down in reverse; `make demo`, the test suite's smoke test and
the benches all use it, so the README's first command cannot drift from what is tested.

    client ──► strangler proxy (public port) ──► legacy service ──► MariaDB `magento`
                 │ admin API (127.0.0.1)      ├─► catalog service ──► MariaDB `catalog`
                 └─ flags, divergences:       │     (the new catalog) └► Redis (its cache)
                    SQLite in the scratch     └─► candidate ──► MariaDB `candidate`
                                                    (stands in for the cart service)

The new catalog's database is filled by the catalog ETL from legacy before anything serves
(in full the first time, incrementally by watermark on later starts), and routes.yaml shadows
the catalog routes to it. Until the cart service exists, a second legacy process ("candidate")
on a database of its own (the same catalog; its carts, lines and addresses numbered from
CANDIDATE_ID_OFFSET, so every id a cart flow mints differs from legacy's as it will with the
new cart service) stands in as the `cart` backend. The description of the running stack —
URLs, ports, credentials, pids — is written as JSON to `stack.json`; secrets (the token signing
key, the admin token) go to 0600 files beside it, never into the JSON or the logs.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legacy_adapters.loader.load import LoadReport
from scripts.catalog.model import EtlSummary
from scripts.stack import catalog as catalogs
from scripts.stack import new_catalog, paths
from scripts.stack.servers import MariaDB, Redis, free_port
from scripts.stack.services import (
    Service,
    catalog_service,
    http_json,
    legacy_service,
    secret,
)

DATABASE = "magento"
CATALOG_DATABASE = "catalog"
CANDIDATE_DATABASE = "candidate"
CANDIDATE_ID_OFFSET = 1_000_000
ID_TABLES = ("quote", "quote_item", "quote_address", "quote_id_mask")
SAMPLE_FLIPS = {  # route -> why the demo shadows it (made once; flips survive restarts)
    "guest-cart-create": "demo: shadow whole guest-cart flows, ids correlated",
    "guest-cart-item": "demo: shadow whole guest-cart flows, ids correlated",
    "guest-cart": "demo: shadow whole guest-cart flows, ids correlated",
}
Say = Callable[[str], None]


def _print(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Stack:
    scratch: Path
    sample_data: Path
    proxy_port: int = 0
    say: Say = _print
    sample_flips: bool = True
    mariadb: MariaDB | None = None
    redis: Redis | None = None
    services: list[Service] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def stack_file(self) -> Path:
        return self.scratch / "stack.json"

    def start(self) -> Stack:
        started = time.monotonic()
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.say(f"stack: starting MariaDB under {self.scratch / 'mariadb'}")
        self.mariadb = MariaDB(self.scratch / "mariadb").start()
        choice = catalogs.choose(self.sample_data, self.scratch)
        self.say(f"stack: catalog: {choice.note}")
        report = self._load(DATABASE, choice)
        self._load(CANDIDATE_DATABASE, choice)
        self._prepare_candidate()
        self.say(f"stack: starting Redis (the catalog's cache) under {self.scratch / 'redis'}")
        self.redis = Redis(self.scratch / "redis").start()
        self.migrate_catalog()
        legacy = self._start(self._legacy("legacy", DATABASE))
        candidate = self._start(self._legacy("candidate", CANDIDATE_DATABASE))
        catalog = self._start(self._catalog())
        proxy = self._start(self._proxy(legacy, catalog, candidate))
        flips = self._sample_flips(proxy) if self.sample_flips else []
        self.info = self._describe(
            choice.note, report.products_in_files, time.monotonic() - started, flips
        )
        self.stack_file.write_text(json.dumps(self.info, indent=2) + "\n")
        return self

    def _load(self, database: str, choice: catalogs.CatalogChoice) -> LoadReport:
        assert self.mariadb is not None
        report = catalogs.load_into(
            self.mariadb.address, database, choice.catalog, progress=self._progress
        )
        self.say(
            f"stack: {database}: loaded {report.products_in_files} products "
            f"({report.products_inserted} new, {report.products_existing} already there), "
            f"{report.warning_count} warnings, in {report.elapsed_s:.1f}s"
        )
        return report

    def migrate_catalog(self) -> EtlSummary:
        """Run the catalog ETL from legacy into the new catalog (incremental after the first)."""
        assert self.mariadb is not None and self.redis is not None
        return new_catalog.migrate(
            self.mariadb.address,
            DATABASE,
            CATALOG_DATABASE,
            redis_url=self.redis.url,
            say=self.say,
        )

    def _prepare_candidate(self) -> None:
        """Number the candidate's carts apart from legacy's, and give its products legacy's
        timestamps (a migration copies them; two loads would stamp two clocks). Idempotent."""
        assert self.mariadb is not None
        with self.mariadb.address.connect(CANDIDATE_DATABASE) as conn, conn.cursor() as cursor:
            for table in ID_TABLES:
                cursor.execute(f"ALTER TABLE `{table}` AUTO_INCREMENT = {CANDIDATE_ID_OFFSET}")
            cursor.execute(
                f"UPDATE `{CANDIDATE_DATABASE}`.catalog_product_entity c"
                f" JOIN `{DATABASE}`.catalog_product_entity l ON l.sku = c.sku"
                " SET c.created_at = l.created_at, c.updated_at = l.updated_at"
            )

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.say(f"stack: loading {stage}: {done}/{total}")

    def _start(self, service: Service) -> Service:
        self.say(f"stack: starting {service.name} on {service.url}")
        self.services.append(service.start(self.scratch))
        return service

    def _legacy(self, name: str, database: str) -> Service:
        assert self.mariadb is not None
        key = secret(self.scratch / "token.key")
        return legacy_service(name, self.mariadb.address, database, key)

    def _catalog(self) -> Service:
        assert self.mariadb is not None and self.redis is not None
        key = secret(self.scratch / "token.key")
        return catalog_service(self.mariadb.address, CATALOG_DATABASE, key, self.redis.url)

    def _proxy(self, legacy: Service, catalog: Service, candidate: Service) -> Service:
        port = self.proxy_port or free_port()
        admin_port = free_port()
        env = {
            "STRANGLER_ROUTES": str(paths.REPO_ROOT / "routes.yaml"),
            "STRANGLER_HOST": "127.0.0.1",
            "STRANGLER_PORT": str(port),
            "STRANGLER_ADMIN_HOST": "127.0.0.1",
            "STRANGLER_ADMIN_PORT": str(admin_port),
            "STRANGLER_ADMIN_TOKEN": secret(self.scratch / "admin.token", 32),
            "STRANGLER_TOKEN_KEY": secret(self.scratch / "token.key"),
            "STRANGLER_FLAGS": f"sqlite:///{self.scratch / 'flags.db'}",
            "STRANGLER_DIVERGENCES": f"sqlite:///{self.scratch / 'divergences.db'}",
            "LEGACY_URL": legacy.url,
            "CATALOG_URL": catalog.url,
            "CART_URL": candidate.url,
        }
        self.admin_url = f"http://127.0.0.1:{admin_port}"
        return Service(
            "proxy",
            [sys.executable, "-m", "strangler", "serve"],
            env,
            port,
            f"{self.admin_url}/readyz",
        )

    def _sample_flips(self, proxy: Service) -> list[dict[str, Any]]:
        """Shadow the guest-cart routes (once each: a flip survives restarts). The catalog
        routes are shadowed by routes.yaml itself: that cutover is the file's, not a flip's."""
        token = secret(self.scratch / "admin.token", 32)
        routes = http_json(f"{self.admin_url}/routes", token=token)
        flipped = {r["id"] for r in routes["routes"] if r["source"] == "flip"}
        for route, reason in SAMPLE_FLIPS.items():
            if route not in flipped:
                http_json(
                    f"{self.admin_url}/flips",
                    method="POST",
                    token=token,
                    body={"route": route, "mode": "shadow", "actor": "make demo", "reason": reason},
                )
        routes = http_json(f"{self.admin_url}/routes", token=token)
        return list(routes["routes"])

    def _describe(
        self, catalog_note: str, products: int, elapsed: float, flips: list[dict[str, Any]]
    ) -> dict[str, Any]:
        assert self.mariadb is not None
        by_name = {s.name: s for s in self.services}
        admin, customer = catalogs.DEMO_ADMIN, catalogs.DEMO_CUSTOMER
        proxy = by_name["proxy"]
        return {
            "started_at": catalogs.utc_now(),
            "startup_seconds": round(elapsed, 2),
            "scratch": str(self.scratch),
            "catalog": {"note": catalog_note, "products": products},
            "mariadb": {
                "host": self.mariadb.address.host,
                "port": self.mariadb.address.port,
                "user": self.mariadb.address.user,
                "database": DATABASE,
                "catalog_database": CATALOG_DATABASE,
                "candidate_database": CANDIDATE_DATABASE,
                "pid": self.mariadb.pid,
            },
            "redis": {
                "url": self.redis.url if self.redis else None,
                "pid": self.redis.pid if self.redis else None,
            },
            "proxy": {
                "url": proxy.url,
                "rest": f"{proxy.url}/rest/V1",
                "admin": self.admin_url,
                "admin_token_file": str(self.scratch / "admin.token"),
                "metrics": f"{self.admin_url}/metrics",
                "dashboard": f"{self.admin_url}/dashboard",
                "divergences": str(self.scratch / "divergences.db"),
                "routes": str(paths.REPO_ROOT / "routes.yaml"),
                "log": str(self.scratch / "proxy.log"),
                "pid": proxy.pid,
            },
            "services": {
                name: {
                    "url": s.url,
                    "rest": f"{s.url}/rest/V1",
                    "metrics": f"{s.url}/metrics",
                    "log": str(self.scratch / f"{name}.log"),
                    "pid": s.pid,
                }
                for name, s in by_name.items()
                if name != "proxy"
            },
            "routes": [{k: r.get(k) for k in ("id", "effective_mode", "source")} for r in flips],
            "token_key_file": str(self.scratch / "token.key"),
            "credentials": {
                "admin": {"username": admin.username, "password": admin.password},
                "customer": {"username": customer.email, "password": customer.password},
            },
        }

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.services = []
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
        if self.mariadb is not None:
            self.mariadb.stop()
            self.mariadb = None
        if self.stack_file.exists():
            self.stack_file.unlink()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
