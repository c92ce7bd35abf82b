"""After the cutover: the catalog routes in `new` mode, a third-party client through the proxy.

The legacy service's own pymagento tests for the catalog calls run unchanged against the
proxy's public port, with routes.yaml's catalog routes flipped to `new`: every catalog read is
answered by the catalog service, nothing by legacy, and no read needed the fallback. The
answers are still checked against Magento's database, which the catalog was migrated from.
"""

from __future__ import annotations

import pytest

from tests.new_services.catalog.cutover import CATALOG_ROUTES, Cutover

# the catalog calls of the legacy service's pymagento tests, as the direct run collects them
from tests.new_services.catalog.test_third_party_client import *  # noqa: F403


@pytest.fixture(scope="module", autouse=True)
def catalog_routes_new(cutover: Cutover) -> None:
    cutover.flip("new")


@pytest.fixture
def legacy(cutover: Cutover) -> Cutover:
    """pymagento's base URL: the proxy, whose catalog routes now go to the catalog service."""
    return cutover


def test_the_catalog_service_answered_every_catalog_read(cutover: Cutover) -> None:
    """Runs after the client's tests (file order): who answered them, per route."""
    answered = {route: cutover.requests_by_backend(route) for route in CATALOG_ROUTES}
    assert all(set(by) == {"catalog"} for by in answered.values()), answered
    assert answered["catalog-product"]["catalog"] > 0, answered
    assert answered["catalog-search"]["catalog"] > 0, answered
    assert answered["catalog-categories"]["catalog"] > 0, answered
    status, body = cutover.proxy.admin("/routes")
    assert status == 200
    modes = {r["id"]: (r["effective_mode"], r["source"]) for r in body["routes"]}
    assert all(modes[route] == ("new", "flip") for route in CATALOG_ROUTES), modes
