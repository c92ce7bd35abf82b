"""GET /V1/store/websites, storeGroups and storeViews over a real socket.

Shapes follow the getter order of Magento's Store\\Api\\Data interfaces (WebsiteInterface,
GroupInterface, StoreInterface); values come from the store tables of the loaded database.
The routes need an admin token (Magento_WebapiSecurity keeps them closed to guests by default).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import bearer

ENDPOINTS = {
    "websites": (
        "SELECT website_id AS id, code, name, default_group_id FROM store_website",
        ("id", "code", "name", "default_group_id"),
    ),
    "storeGroups": (
        "SELECT group_id AS id, website_id, root_category_id, default_store_id, name, code "
        "FROM store_group",
        ("id", "website_id", "root_category_id", "default_store_id", "name", "code"),
    ),
    "storeViews": (
        "SELECT store_id AS id, code, name, website_id, group_id AS store_group_id, is_active "
        "FROM store",
        ("id", "code", "name", "website_id", "store_group_id", "is_active"),
    ),
}
ENDPOINT_PARAMS = [pytest.param(name, id=name) for name in ENDPOINTS]


def table(magento_db: Any, endpoint: str) -> dict[int, dict[str, Any]]:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(ENDPOINTS[endpoint][0])
        return {int(r["id"]): dict(r) for r in cursor.fetchall()}


@pytest.mark.parametrize("endpoint", ENDPOINT_PARAMS)
async def test_objects_have_the_interface_key_order(
    legacy: Any, admin_token: str, endpoint: str
) -> None:
    response = await legacy.get(f"/rest/V1/store/{endpoint}", headers=bearer(admin_token))
    body = await response.json()
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert isinstance(body, list) and body
    assert all(tuple(item) == ENDPOINTS[endpoint][1] for item in body)


@pytest.mark.parametrize("endpoint", ENDPOINT_PARAMS)
async def test_every_row_is_listed_with_its_values(
    legacy: Any, admin_token: str, magento_db: Any, endpoint: str
) -> None:
    response = await legacy.get(f"/rest/V1/store/{endpoint}", headers=bearer(admin_token))
    body = await response.json()
    assert response.status == 200
    assert {item["id"]: item for item in body} == table(magento_db, endpoint)
    assert len(body) == len({item["id"] for item in body})


async def test_admin_and_default_rows_of_a_standard_install(legacy: Any, admin_token: str) -> None:
    """CONTRACT.md §13.1: website/group/store 0 are admin; 1 is the default store view."""
    views = {
        v["code"]: v
        for v in await (
            await legacy.get("/rest/V1/store/storeViews", headers=bearer(admin_token))
        ).json()
    }
    groups = {
        g["id"]: g
        for g in await (
            await legacy.get("/rest/V1/store/storeGroups", headers=bearer(admin_token))
        ).json()
    }
    assert (views["admin"]["id"], views["default"]["id"]) == (0, 1)
    assert views["default"]["is_active"] == 1 and isinstance(views["default"]["is_active"], int)
    assert groups[views["default"]["store_group_id"]]["root_category_id"] == 2


@pytest.mark.parametrize(
    "prefix",
    [
        pytest.param("/rest/default/V1", id="store-view"),
        pytest.param("/rest/all/V1", id="admin-scope"),
    ],
)
@pytest.mark.parametrize("endpoint", ENDPOINT_PARAMS)
async def test_the_lists_do_not_depend_on_the_store_segment(
    legacy: Any, admin_token: str, endpoint: str, prefix: str
) -> None:
    plain = await legacy.get(f"/rest/V1/store/{endpoint}", headers=bearer(admin_token))
    scoped = await legacy.get(f"{prefix}/store/{endpoint}", headers=bearer(admin_token))
    assert scoped.status == 200
    assert await scoped.read() == await plain.read()


@pytest.mark.parametrize(
    "who",
    [
        pytest.param("customer", id="customer-token"),
        pytest.param("nobody", id="no-token"),
        pytest.param("garbage", id="garbage-token"),
    ],
)
@pytest.mark.parametrize("endpoint", ENDPOINT_PARAMS)
async def test_store_lists_need_an_admin_token(
    legacy: Any, customer_token: str, endpoint: str, who: str
) -> None:
    headers = {"customer": bearer(customer_token), "nobody": {}, "garbage": bearer("garbage")}[who]
    response = await legacy.get(f"/rest/V1/store/{endpoint}", headers=headers)
    body = await response.json()
    assert response.status == 401
    assert body["message"] == "The consumer isn't authorized to access %resources."
    assert list(body) == ["message", "parameters"]
    assert body["parameters"]["resources"].startswith("Magento_Backend::")


async def test_unknown_store_endpoint_is_404(legacy: Any, admin_token: str) -> None:
    response = await legacy.get("/rest/V1/store/nothing", headers=bearer(admin_token))
    assert response.status == 404
    assert await response.json() == {"message": "Request does not match any route."}
