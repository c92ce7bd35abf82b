"""Product searches, category trees, category reads and lists: byte for byte as legacy answers.

Each query goes to both services in the default store view and in admin scope; the answers'
status and bytes must be equal — results, their order, total_count, the echoed criteria and
Magento's error bodies for malformed criteria alike.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import bearer
from tests.legacy_adapters.magento_app.test_search import CAMEL, SNAKE, criteria
from tests.new_services.catalog.parity import differences, report

SCOPES = ["/rest/V1", "/rest/all/V1"]


def q(*groups: Any, **kw: Any) -> str:
    return urlencode(criteria(*groups, **kw))


@pytest.fixture(scope="module")
def options(magento_db: Any) -> dict[str, list[str]]:
    """A few option ids of `color` and `size` that products use."""
    out: dict[str, list[str]] = {}
    with magento_db.connect() as conn, conn.cursor() as cursor:
        for code in ("color", "size"):
            cursor.execute(
                "SELECT DISTINCT i.value FROM catalog_product_entity_int i "
                "JOIN eav_attribute a ON a.attribute_id = i.attribute_id "
                "WHERE a.attribute_code = %s AND a.entity_type_id = 4 ORDER BY i.value LIMIT 3",
                (code,),
            )
            out[code] = [str(r["value"]) for r in cursor.fetchall()] or ["1"]
    return out


def product_queries(options: dict[str, list[str]]) -> list[str]:
    color, size = options["color"], options["size"]
    return [
        q([("price", "50", "gt")], sort=[("price", "ASC")], page_size=20),
        q([("price", "30", "lt")], sort=[("price", "DESC")], page_size=20, current_page=2),
        q([("price", "20", "from")], [("price", "40", "to")], sort=[("name", "ASC")]),
        q([("price", "32", "gteq")], [("price", "45", "lteq")], [("price", "34", "neq")]),
        q([("price", "34", "eq")]),
        q([("name", "%Bag%", "like")], sort=[("name", "DESC")]),
        q([("name", "Joust%", "like"), ("name", "%Tee", "like")], page_size=7),
        q([("name", "%a%", "nlike")], page_size=10),
        q([("name", "Duffle", "fulltext")]),
        q([("sku", "24-MB01", None)]),
        q([("sku", "24-MB01,24-MB04, 24-UG06", "in")]),
        q([("sku", "24-%", "like")], [("sku", "24-MB01,24-MB04", "nin")]),
        q([("status", "1", "eq")], page_size=5, current_page=3),
        q([("status", "2", "eq")]),
        q([("visibility", "2,4", "in")], sort=[("created_at", "DESC")], page_size=15),
        q([("type_id", "configurable", "eq")], sort=[("price", "DESC"), ("name", "ASC")]),
        q([("type_id", "simple", None)], [("price", "100", "gt")]),
        q([("category_id", "3", "eq")]),
        q([("category_id", "4,5", "in")], sort=[("price", "ASC")]),
        q([("category_id", "3", "neq")], page_size=10),
        q([("category_id", "3,4", "nin")], page_size=10),
        q([("website_id", "1", "eq")], page_size=3),
        q([("website_id", "1", "neq")]),
        q([("color", color[0], "eq")], sort=[("name", "ASC")]),
        q([("color", ",".join(color), "in")], [("size", size[0], "eq")]),
        q([("color", "", "null")], page_size=5),
        q([("color", "", "notnull")], page_size=5, current_page=2),
        q([("size", size[0], "finset")]),
        q([("size", size[0], "nfinset")], page_size=5),
        q([("description", "%bag%", "like")], page_size=5),
        q([("url_key", "joust-duffle-bag", "eq")]),
        q([("special_price", "", "notnull")]),
        q([("news_from_date", "2000-01-01", "gt")]),
        q([("created_at", "2000-01-01", "gt")], page_size=3),
        q([("updated_at", "", "notnull")], page_size=3),
        q([("has_options", "1", "eq")], page_size=5),
        q([("required_options", "0", "eq")], page_size=5),
        q([("attribute_set_id", "15", "neq")], page_size=5),
        q([("entity_id", "10", "lt")]),
        q([("quantity_and_stock_status", "1", "eq")], page_size=5),
        q([("image", "", "notnull")], sort=[("image", "ASC")], page_size=5),
        q([("options_container", "container2", "eq")], page_size=5),
        q([("special_from_date", "", "null")], page_size=5),
        q([("tier_price", "1", "eq")], page_size=5),
        q([("media_gallery", "1", "eq")], page_size=5),
        q([("store_id", "1", "eq")], page_size=2),  # ignored, like Magento
        q([("price", "1", "weird")]),  # unknown conditions are equality
        q(sort=[("no_such_field", "ASC")], page_size=4),  # unknown sort fields are ignored
        q(sort=[("price", None)], page_size=4),
        q(sort=[("price", "desc")], page_size=10, current_page=10_000),  # past the end
        q(page_size=5, current_page=0),
        q([("type_id", "bundle", "eq")], page_size=0),  # no page size: every match
        q(page_size=5, names=CAMEL),
        q([("price", "50", "gt")], sort=[("price", "ASC")], page_size=5, names=SNAKE),
        q([("price", "50", "gt")], sort=[("price", "ASC")], page_size=5, names=CAMEL),
        "searchCriteria=",
        "searchCriteria[pageSize]=2&fields=items[sku,price],total_count",
        "searchCriteria[pageSize]=2&fields=search_criteria",
        # malformed: Magento's errors
        "",
        "searchCriteria[pageSize]=abc",
        "searchCriteria[currentPage]=1.5",
        "searchCriteria[pageSize]=99999999999",
        "searchCriteria[unknown]=1",
        "searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=UP",
        "searchCriteria[filterGroups][0][filters][0][value]=1",
        "searchCriteria[filterGroups]=x",
        "searchCriteria[filterGroups][0][filters][0][field]=no_such_attribute"
        "&searchCriteria[filterGroups][0][filters][0][value]=1",
        "searchCriteria[filterGroups][0][filters][0][field]=category_ids"
        "&searchCriteria[filterGroups][0][filters][0][value]=3",
        "searchCriteria[filterGroups][0][filters][0][field]=price"
        "&searchCriteria[filterGroups][0][filters][0][bad]=1",
    ]


@pytest.mark.parametrize("prefix", SCOPES)
async def test_product_searches_are_identical(
    legacy: Any, catalog: Any, admin_token: str, options: dict[str, list[str]], prefix: str
) -> None:
    paths = [f"{prefix}/products?{query}" for query in product_queries(options)]
    found = await differences(legacy, catalog, paths, bearer(admin_token))
    assert not found, report(found)


CATEGORY_LISTS = [
    q([("name", "%e%", "like")], sort=[("name", "ASC")]),
    q([("is_active", "1", "eq")], sort=[("position", "DESC")], page_size=5),
    q([("level", "2", "gt")], [("parent_id", "2,3", "in")]),
    q([("path", "1/2/%", "like")], page_size=4, current_page=2),
    q([("children_count", "0", "gt")]),
    q([("include_in_menu", "1", "eq"), ("is_anchor", "0", "eq")]),
    q([("url_key", "gear", "eq")]),
    q([("created_at", "2000-01-01", "gt")], sort=[("updated_at", "DESC")], page_size=3),
    q([("entity_id", "5", "lteq")], names=SNAKE),
    q(page_size=100, current_page=5),
    "searchCriteria=",
    "",
    "searchCriteria[filterGroups][0][filters][0][field]=nope"
    "&searchCriteria[filterGroups][0][filters][0][value]=1",
]
CATEGORY_TREES = [
    "",
    "?depth=0",
    "?depth=1",
    "?depth=2",
    "?rootCategoryId=2",
    "?rootCategoryId=1&depth=1",
    "?root_category_id=3",
    "?rootCategoryId=999999",
    "?rootCategoryId=abc",
    "?depth=abc",
    "?fields=id,name,children_data[id,name]",
]


@pytest.fixture(scope="module")
def category_ids(magento_db: Any) -> list[int]:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT entity_id FROM catalog_category_entity ORDER BY entity_id")
        return [int(r["entity_id"]) for r in cursor.fetchall()]


@pytest.mark.parametrize("prefix", [*SCOPES, "/rest/default/V1"])
async def test_categories_are_identical(
    legacy: Any, catalog: Any, admin_token: str, category_ids: list[int], prefix: str
) -> None:
    paths = [f"{prefix}/categories{query}" for query in CATEGORY_TREES]
    paths += [f"{prefix}/categories/{i}" for i in [*category_ids, 999_999]]
    paths += [f"{prefix}/categories/abc", f"{prefix}/categories/{category_ids[-1]}?fields=id"]
    paths += [f"{prefix}/categories/list?{query}" for query in CATEGORY_LISTS]
    found = await differences(legacy, catalog, paths, bearer(admin_token))
    assert len(category_ids) > 3
    assert not found, report(found)
