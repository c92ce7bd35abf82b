"""The `?fields=` response filter (`Framework\\Webapi\\Rest\\Response\\FieldsFilter`).

Magento's parser accepts only letters, digits, underscore, square brackets and comma
(`preg_match('/[^\\w\\[\\],]+/')` → null), returns null for unclosed brackets, and the filter
keeps the response's own key order (`array_intersect_key`), walking into every list element.
"""

from __future__ import annotations

from typing import Any

import pytest

from legacy_adapters.magento_wire import fields
from legacy_adapters.magento_wire.phpjson import encode

# ---------------------------------------------------------------- parse


@pytest.mark.parametrize(
    ("spec", "tree"),
    [
        pytest.param("sku", {"sku": {}}, id="one-field"),
        pytest.param(
            "items[sku,price],total_count",
            {"items": {"sku": {}, "price": {}}, "total_count": {}},
            id="contract-example",
        ),
        pytest.param(
            "customer[id,email],addresses[city,postcode,region[region_code,region]]",
            {
                "customer": {"id": {}, "email": {}},
                "addresses": {
                    "city": {},
                    "postcode": {},
                    "region": {"region_code": {}, "region": {}},
                },
            },
            id="magento-docblock-example",
        ),
        pytest.param("a[b[c[d]]]", {"a": {"b": {"c": {"d": {}}}}}, id="deep"),
        pytest.param("a[b],c[d]", {"a": {"b": {}}, "c": {"d": {}}}, id="siblings"),
        pytest.param(",sku,,name,", {"sku": {}, "name": {}}, id="stray-commas"),
        pytest.param(
            "extension_attributes[stock_item[qty]]",
            {"extension_attributes": {"stock_item": {"qty": {}}}},
            id="underscores",
        ),
        pytest.param("Sku9", {"Sku9": {}}, id="letters-digits"),
    ],
)
def test_parse(spec: str, tree: fields.FieldTree) -> None:
    assert fields.parse(spec) == tree


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("", id="empty"),
        pytest.param("items[sku", id="unclosed"),
        pytest.param("items[sku[price]", id="unclosed-nested"),
        pytest.param("items]", id="close-without-open"),
        pytest.param("a[b]]", id="extra-close"),
        pytest.param("items[sku, price]", id="space-after-comma"),
        pytest.param(" sku", id="leading-space"),
        pytest.param("sku ", id="trailing-space"),
        pytest.param("items [sku]", id="space-before-bracket"),
        pytest.param("sku\tname", id="tab"),
        pytest.param("custom-attr", id="hyphen"),
        pytest.param("items.sku", id="dot"),
        pytest.param("caf\u00e9", id="non-ascii-letter"),
    ],
)
def test_parse_rejects(spec: str) -> None:
    assert fields.parse(spec) is None


# ---------------------------------------------------------------- apply


def tree(spec: str) -> fields.FieldTree:
    parsed = fields.parse(spec)
    assert parsed is not None
    return parsed


SEARCH_RESULT: dict[str, Any] = {
    "items": [
        {"id": 1, "sku": "24-MB01", "name": "Joust Duffle Bag", "price": 34},
        {"id": 2, "sku": "24-MB04", "name": "Strive Shoulder Pack", "price": 32},
    ],
    "search_criteria": {"filter_groups": [], "page_size": 2},
    "total_count": 2,
}


def test_apply_contract_example() -> None:
    assert fields.apply(SEARCH_RESULT, tree("items[sku,price],total_count")) == {
        "items": [{"sku": "24-MB01", "price": 34}, {"sku": "24-MB04", "price": 32}],
        "total_count": 2,
    }


def test_apply_keeps_response_key_order() -> None:
    result = fields.apply(SEARCH_RESULT, tree("total_count,items[price,sku]"))
    assert list(result) == ["items", "total_count"]
    assert list(result["items"][0]) == ["sku", "price"]


def test_apply_wire_bytes() -> None:
    result = fields.apply(SEARCH_RESULT, tree("items[sku],total_count"))
    assert encode(result) == b'{"items":[{"sku":"24-MB01"},{"sku":"24-MB04"}],"total_count":2}'


def test_apply_over_top_level_list() -> None:
    items = [{"item_id": 41, "sku": "a", "qty": 2}, {"item_id": 42, "sku": "b", "qty": 1}]
    assert fields.apply(items, tree("sku,qty")) == [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}]


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        pytest.param({"sku": "a", "name": "n"}, "nope", {}, id="unknown-field-dropped"),
        pytest.param({"sku": "a"}, "sku,nope", {"sku": "a"}, id="unknown-among-known"),
        pytest.param(
            {"customer": {"id": 1, "email": "x"}, "id": 3},
            "customer",
            {"customer": {"id": 1, "email": "x"}},
            id="leaf-keeps-whole-object",
        ),
        pytest.param(
            {"customer": {"id": 1, "email": "x", "firstname": "V"}},
            "customer[email,id]",
            {"customer": {"id": 1, "email": "x"}},
            id="nested-object",
        ),
        pytest.param({"sku": "a"}, "sku[x]", {"sku": "a"}, id="nested-filter-on-scalar"),
        pytest.param(
            {"items": [{"sku": "a", "opts": [{"k": 1, "v": 2}]}]},
            "items[opts[v]]",
            {"items": [{"opts": [{"v": 2}]}]},
            id="list-in-list",
        ),
        pytest.param({"a": None, "b": 1}, "a", {"a": None}, id="null-value-kept"),
        pytest.param("xYz", "sku", "xYz", id="scalar-response"),
        pytest.param(True, "sku", True, id="bool-response"),
        pytest.param([], "sku", [], id="empty-list"),
    ],
)
def test_apply(value: Any, spec: str, expected: Any) -> None:
    assert fields.apply(value, tree(spec)) == expected


def test_apply_to_nothing_renders_as_empty_array() -> None:
    assert encode(fields.apply({"sku": "a"}, tree("nope"))) == b"[]"


def test_apply_does_not_mutate_the_response() -> None:
    response = {"sku": "a", "name": "n"}
    fields.apply(response, tree("sku"))
    assert response == {"sku": "a", "name": "n"}
