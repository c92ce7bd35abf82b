"""The catalog cutover as it runs in production: three real processes, the real routes.yaml.

`running_cutover()` starts the legacy service (on the session's Magento catalog), the catalog
service (on the new catalog the ETL filled from it) and `strangler serve` with the repository's
routes.yaml pointed at both — the same service builders the demo stack uses. Tests then talk to
the proxy's public port like a shop would, flip routes through its admin API and read its
comparisons and metrics.
"""

from __future__ import annotations

import contextlib
import secrets
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from yarl import URL

from scripts.stack import paths
from scripts.stack.servers import MySQLAddress
from scripts.stack.services import Service, catalog_service, legacy_service
from tests.strangler.served import ServedProxy, serve

CATALOG_ROUTES = ("catalog-product", "catalog-search", "catalog-categories")


@dataclass
class Cutover:
    legacy: Service
    catalog: Service
    proxy: ServedProxy

    def make_url(self, path: str) -> URL:
        """The shop's base URL (the proxy's public port), as aiohttp's test client spells it."""
        return URL(self.proxy.url).join(URL(path))

    def flip(self, mode: str, routes: tuple[str, ...] = CATALOG_ROUTES) -> None:
        for route in routes:
            status, body = self.proxy.admin(
                "/flips",
                "POST",
                {"route": route, "mode": mode, "actor": "tests", "reason": "catalog cutover"},
            )
            assert status == 200, body

    def requests_by_backend(self, route: str) -> dict[str, float]:
        """strangler_requests_total for `route`, summed per backend that answered."""
        url = f"http://127.0.0.1:{self.proxy.admin_port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:
            text = response.read().decode()
        totals: dict[str, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "strangler_requests_total" and sample.labels["route"] == route:
                    backend = sample.labels["backend"]
                    totals[backend] = totals.get(backend, 0.0) + sample.value
        return totals


@contextlib.contextmanager
def running_cutover(
    scratch: Path, address: MySQLAddress, magento_db: str, catalog_db: str, token_key: str
) -> Iterator[Cutover]:
    with contextlib.ExitStack() as stack:
        legacy = legacy_service("legacy", address, magento_db, token_key)
        catalog = catalog_service(address, catalog_db, token_key)
        for service in (legacy, catalog):
            service.start(scratch)
            stack.callback(service.stop)
        proxy = serve(
            scratch,
            paths.REPO_ROOT / "routes.yaml",
            f"sqlite:///{scratch / 'flags.db'}",
            secrets.token_urlsafe(24),
            "proxy",
            env={
                "LEGACY_URL": legacy.url,
                "CATALOG_URL": catalog.url,
                "CART_URL": legacy.url,
                "STRANGLER_TOKEN_KEY": token_key,
                "STRANGLER_ACCESS_LOG": "0",
            },
        )
        stack.callback(proxy.stop)
        yield Cutover(legacy, catalog, proxy)
