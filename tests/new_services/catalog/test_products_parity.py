"""GET products/{sku}: the catalog service answers every product byte for byte as legacy does.

Every SKU of the loaded catalog (read from legacy's database), in the default store view and in
admin scope; `fields=` filters; the unknown SKU's 404; the anonymous caller's 401; routes the
catalog does not serve.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import bearer
from tests.new_services.catalog.parity import both, differences, report

SCOPES = ["/rest/V1", "/rest/all/V1", "/rest/default/V1"]


@pytest.fixture(scope="module")
def skus(magento_db: Any) -> list[str]:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT sku FROM catalog_product_entity ORDER BY entity_id")
        return [str(r["sku"]) for r in cursor.fetchall()]


def product_paths(prefix: str, skus: list[str], suffix: str = "") -> list[str]:
    return [f"{prefix}/products/{quote(sku, safe='')}{suffix}" for sku in skus]


@pytest.mark.parametrize("prefix", SCOPES[:2])
async def test_every_product_is_byte_identical(
    legacy: Any, catalog: Any, admin_token: str, skus: list[str], prefix: str
) -> None:
    found = await differences(legacy, catalog, product_paths(prefix, skus), bearer(admin_token))
    assert len(skus) > 100
    assert not found, report(found)


@pytest.mark.parametrize(
    "fields",
    [
        "sku,price",
        "id,sku,extension_attributes[stock_item[qty,is_in_stock]]",
        "custom_attributes,media_gallery_entries[file]",
        "sku,not_a_field",
        "items[sku]",
        "sku price",  # malformed: Magento filters everything away
    ],
)
async def test_fields_filter_is_identical(
    legacy: Any, catalog: Any, admin_token: str, skus: list[str], fields: str
) -> None:
    sample = skus[:: max(1, len(skus) // 40)]
    paths = product_paths("/rest/V1", sample, f"?fields={quote(fields, safe='')}")
    found = await differences(legacy, catalog, paths, bearer(admin_token))
    assert not found, report(found)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/rest/V1/products/fz-no-such-sku", 404),
        ("/rest/all/V1/products/fz-no-such-sku", 404),
        ("/rest/V1/products/24-mb01", 200),  # SKUs match in any case
        ("/rest/V1/products/24-MB01/", 200),  # trailing slash
        ("/rest/default/V1/products/24-MB01", 200),
        ("/rest/V1/stockItems/24-MB01", 200),
        ("/rest/V1/stockItems/fz-no-such-sku", 404),
        ("/rest/nostore/V1/products/24-MB01", 404),
        ("/rest/V1/products/24-MB01?fields=", 200),
    ],
)
@pytest.mark.usefixtures("requires_luma")
async def test_edge_answers_are_identical(
    legacy: Any, catalog: Any, admin_token: str, path: str, status: int
) -> None:
    a, b = await both(legacy, catalog, path, bearer(admin_token))
    assert a.status == status
    assert a == b


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="anonymous"),
        pytest.param({"Authorization": "Bearer not-a-token"}, id="bad-token"),
        pytest.param({"Accept": "text/html"}, id="not-acceptable"),
    ],
)
async def test_refusals_are_identical(
    legacy: Any, catalog: Any, skus: list[str], headers: dict[str, str]
) -> None:
    for path in ("/rest/V1/products/" + quote(skus[0], safe=""), "/rest/V1/categories"):
        a, b = await both(legacy, catalog, path, headers)
        assert a.status in (401, 406)
        assert a == b


async def test_a_customer_is_refused_identically(
    legacy: Any, catalog: Any, customer_token: str, skus: list[str]
) -> None:
    a, b = await both(legacy, catalog, "/rest/V1/products/" + skus[0], bearer(customer_token))
    assert (a.status, a) == (401, b)


@pytest.mark.parametrize(
    "path", ["/rest/V1/carts/mine", "/rest/V1/guest-carts/abc", "/rest/V1/nothing", "/other"]
)
async def test_other_routes_do_not_match(catalog: Any, admin_token: str, path: str) -> None:
    response = await catalog.get(path, headers=bearer(admin_token))
    assert response.status == 404
    assert await response.read() == b'{"message":"Request does not match any route."}'


async def test_request_id_is_propagated_and_health_and_metrics_answer(
    catalog: Any, admin_token: str
) -> None:
    response = await catalog.get(
        "/rest/V1/products/24-MB01", headers={**bearer(admin_token), "X-Request-ID": "abc-123"}
    )
    assert response.headers["X-Request-ID"] == "abc-123"
    assert (await catalog.get("/healthz")).status == 200
    text = await (await catalog.get("/metrics")).text()
    assert 'catalog_requests_total{route="product_get",status_class="' in text
    assert "catalog_request_seconds_bucket" in text
