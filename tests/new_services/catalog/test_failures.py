"""What the catalog service does when its own data is wrong: Magento's production 500."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from new_services.catalog.app import make_app
from scripts.catalog import etl
from scripts.stack.servers import MariaDB
from tests.conftest import bearer
from tests.new_services.catalog.conftest import CatalogDb


async def test_a_broken_document_is_magentos_internal_error(
    aiohttp_client: Callable[..., Any],
    mariadb: MariaDB,
    fresh_database: str,
    token_key: str,
    admin_token: str,
) -> None:
    target = CatalogDb(mariadb.address, fresh_database)
    with target.connect() as conn, conn.cursor() as cursor:
        etl.ensure_schema(conn)
        cursor.execute(
            "INSERT INTO product (store_id, entity_id, sku, type_id, attribute_set_id, document,"
            " checksum) VALUES (1, 1, 'broken', 'simple', 4, 'not json', '')"
        )
    catalog = await aiohttp_client(make_app(target.settings(token_key)))

    response = await catalog.get(
        "/rest/V1/products/broken", headers={**bearer(admin_token), "X-Request-ID": "r-500"}
    )

    assert response.status == 500
    assert response.headers["X-Request-ID"] == "r-500"
    body = await response.json()
    assert re.fullmatch(
        r"Internal Error\. Details are available in Magento log file\. "
        r"Report ID: webapi-[0-9a-f]{13}",
        body["message"],
    )
    assert set(body) == {"message"}
    missing = await catalog.get("/rest/V1/products/other", headers=bearer(admin_token))
    assert missing.status == 404
