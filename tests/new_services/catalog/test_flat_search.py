"""One search builder, two value sources: Magento's EAV (unchanged SQL) and the flat catalog."""

from __future__ import annotations

import pytest

from legacy_adapters.magento_wire import errors
from legacy_adapters.magento_wire.search_criteria import (
    Filter,
    FilterGroup,
    SearchCriteria,
    SortOrder,
)
from legacy_adapters.records import Attribute
from legacy_adapters.sql import search

ATTRIBUTES = {
    "name": Attribute(73, "name", "varchar", "text", "Name"),
    "price": Attribute(77, "price", "decimal", "price", "Price"),
    "category_ids": Attribute(10, "category_ids", "static", None, None),
}
CRITERIA = SearchCriteria(
    (
        FilterGroup((Filter("name", "%Bag%", "like"), Filter("price", "10", "gt"))),
        FilterGroup((Filter("category_id", "3,4", "in"),)),
    ),
    (SortOrder("price", "DESC"),),
    page_size=5,
    current_page=2,
)


def test_eav_sql_is_magentos_store_over_default_join() -> None:
    count, page = search.build(search.product_entity(ATTRIBUTES), CRITERIA, 1)
    assert page.sql == (
        "SELECT e.entity_id FROM catalog_product_entity e "
        "LEFT JOIN catalog_product_entity_varchar d0 ON d0.entity_id = e.entity_id "
        "AND d0.attribute_id = %s AND d0.store_id = %s "
        "LEFT JOIN catalog_product_entity_varchar s0 ON s0.entity_id = e.entity_id "
        "AND s0.attribute_id = %s AND s0.store_id = %s "
        "LEFT JOIN catalog_product_entity_decimal d1 ON d1.entity_id = e.entity_id "
        "AND d1.attribute_id = %s AND d1.store_id = %s "
        "LEFT JOIN catalog_product_entity_decimal s1 ON s1.entity_id = e.entity_id "
        "AND s1.attribute_id = %s AND s1.store_id = %s "
        "WHERE (COALESCE(s0.value, d0.value) LIKE %s OR COALESCE(s1.value, d1.value) > %s) "
        "AND (e.entity_id IN (SELECT product_id FROM catalog_category_product "
        "WHERE category_id IN (%s, %s))) "
        "ORDER BY COALESCE(s1.value, d1.value) DESC, e.entity_id ASC LIMIT %s OFFSET %s"
    )
    assert page.params == (73, 0, 73, 1, 77, 0, 77, 1, "%Bag%", "10", "3", "4", 5, 5)
    assert count.params == page.params[:-2]


def test_flat_sql_joins_one_typed_value_row_per_attribute_in_the_store() -> None:
    count, page = search.build(search.flat_product_entity(ATTRIBUTES), CRITERIA, 1)
    assert page.sql == (
        "SELECT e.entity_id FROM product e "
        "LEFT JOIN product_value v0 ON v0.store_id = %s AND v0.entity_id = e.entity_id "
        "AND v0.code = %s "
        "LEFT JOIN product_value v1 ON v1.store_id = %s AND v1.entity_id = e.entity_id "
        "AND v1.code = %s "
        "WHERE e.store_id = %s AND (v0.value_varchar LIKE %s OR v1.value_decimal > %s) "
        "AND (e.entity_id IN (SELECT entity_id FROM product_category "
        "WHERE category_id IN (%s, %s))) "
        "ORDER BY v1.value_decimal DESC, e.entity_id ASC LIMIT %s OFFSET %s"
    )
    assert page.params == (1, "name", 1, "price", 1, "%Bag%", "10", "3", "4", 5, 5)
    assert count.sql.startswith("SELECT COUNT(*) AS n FROM product e LEFT JOIN product_value v0")


@pytest.mark.parametrize("code", ["category_ids", "no_such_attribute"])
def test_both_refuse_the_same_fields(code: str) -> None:
    criteria = SearchCriteria((FilterGroup((Filter(code, "1"),)),))
    bodies = []
    for entity in (search.product_entity(ATTRIBUTES), search.flat_product_entity(ATTRIBUTES)):
        with pytest.raises(errors.InputError) as refused:
            search.build(entity, criteria, 1)
        bodies.append(refused.value.body())
    assert bodies[0] == bodies[1] == {"message": "Invalid attribute name: %1", "parameters": [code]}


def test_both_know_the_same_static_fields() -> None:
    assert set(search.flat_product_entity({}).static) == set(search.product_entity({}).static)
    assert set(search.flat_category_entity({}).static) == set(search.category_entity({}).static)
