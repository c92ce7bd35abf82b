"""The third-party client (pymagento), unchanged, against the catalog service directly.

The legacy service's own pymagento tests for the catalog calls (products by SKU and id,
searches with filters, sorting and paging, categories) run here as they are, with `legacy`
pointing at the catalog service: the database they check the answers against is still
Magento's, which the catalog was migrated from.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.legacy_adapters.magento_app.test_third_party_client import (
    db,
    test_customer_token_cannot_read_the_catalog,
    test_get_categories_by_path_prefix,
    test_get_category,
    test_get_product_by_id_and_search_errors,
    test_get_product_is_case_insensitive_and_echoes_the_stored_sku,
    test_get_product_matches_the_database,
    test_get_products_with_filters_and_sort,
    test_products_match_the_luma_csv,
    test_unknown_sku_is_none,
)

__all__ = [
    "db",
    "test_customer_token_cannot_read_the_catalog",
    "test_get_categories_by_path_prefix",
    "test_get_category",
    "test_get_product_by_id_and_search_errors",
    "test_get_product_is_case_insensitive_and_echoes_the_stored_sku",
    "test_get_product_matches_the_database",
    "test_get_products_with_filters_and_sort",
    "test_products_match_the_luma_csv",
    "test_unknown_sku_is_none",
]


@pytest.fixture
def legacy(catalog: Any) -> Any:
    """pymagento's base URL: the catalog service."""
    return catalog
