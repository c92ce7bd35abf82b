"""A first end-to-end check of the legacy service over the session catalog."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer


async def test_product_by_sku_answers_with_stored_sku(
    legacy: Any, admin_token: str, magento_db: Any
) -> None:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT sku FROM catalog_product_entity ORDER BY entity_id LIMIT 1")
        sku = cursor.fetchone()["sku"]
    response = await legacy.get(f"/rest/V1/products/{sku.lower()}", headers=bearer(admin_token))
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = await response.json()
    assert body["sku"] == sku
