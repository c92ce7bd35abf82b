"""`searchCriteria`: parsing the query tree like Magento's ServiceInputProcessor, and the echo.

Inputs are written as the query strings a client sends and parsed with `query.parse`, so these
tests cover the whole path from the URL to the criteria object.
"""

from __future__ import annotations

from typing import Any

import pytest

from legacy_adapters.magento_wire import errors, phpjson, query
from legacy_adapters.magento_wire.search_criteria import (
    Filter,
    FilterGroup,
    SearchCriteria,
    SortOrder,
    echo,
    page_bounds,
    parse,
    snake,
)


def sc(*pairs: str, root: str = "searchCriteria") -> dict[str, Any]:
    """The parsed query tree of `searchCriteria[...]=...` pairs (`root` prefixed to each)."""
    return query.parse("&".join(f"{root}{p}" for p in pairs))


def flt(
    g: int, f: int, key: str, value: str, *, groups: str = "filter_groups", filters: str = "filters"
) -> str:
    return f"[{groups}][{g}][{filters}][{f}][{key}]={value}"


def criteria(*pairs: str, root: str = "searchCriteria") -> SearchCriteria:
    return parse(sc(*pairs, root=root))


def error_of(tree: dict[str, Any]) -> errors.MagentoError:
    with pytest.raises(errors.MagentoError) as caught:
        parse(tree)
    return caught.value


def type_error(value: str, expected: str) -> dict[str, Any]:
    return {
        "message": f'The "{value}" value\'s type is invalid. The "{expected}" type was '
        "expected. Verify and try again."
    }


# ---------------------------------------------------------------- spellings


FULL_SNAKE = (
    flt(0, 0, "field", "sku"),
    flt(0, 0, "value", "24-MB0%25"),
    flt(0, 0, "condition_type", "like"),
    flt(0, 1, "field", "name"),
    flt(0, 1, "value", "Bag"),
    flt(1, 0, "field", "price"),
    flt(1, 0, "value", "30"),
    flt(1, 0, "condition_type", "gt"),
    "[sort_orders][0][field]=price",
    "[sort_orders][0][direction]=desc",
    "[page_size]=5",
    "[current_page]=2",
)
FULL_CAMEL = (
    flt(0, 0, "field", "sku", groups="filterGroups"),
    flt(0, 0, "value", "24-MB0%25", groups="filterGroups"),
    flt(0, 0, "conditionType", "like", groups="filterGroups"),
    flt(0, 1, "field", "name", groups="filterGroups"),
    flt(0, 1, "value", "Bag", groups="filterGroups"),
    flt(1, 0, "field", "price", groups="filterGroups"),
    flt(1, 0, "value", "30", groups="filterGroups"),
    flt(1, 0, "conditionType", "gt", groups="filterGroups"),
    "[sortOrders][0][field]=price",
    "[sortOrders][0][direction]=desc",
    "[pageSize]=5",
    "[currentPage]=2",
)
EXPECTED_FULL = SearchCriteria(
    filter_groups=(
        FilterGroup((Filter("sku", "24-MB0%", "like"), Filter("name", "Bag", "eq"))),
        FilterGroup((Filter("price", "30", "gt"),)),
    ),
    sort_orders=(SortOrder("price", "DESC"),),
    page_size=5,
    current_page=2,
)


@pytest.mark.parametrize(
    "tree",
    [
        pytest.param(sc(*FULL_SNAKE), id="snake"),
        pytest.param(sc(*FULL_CAMEL), id="camel"),
        pytest.param(
            sc(
                *(
                    p.replace("[filter_groups]", "[filterGroups]").replace(
                        "[page_size]", "[pageSize]"
                    )
                    for p in FULL_SNAKE
                )
            ),
            id="mixed-per-key",
        ),
        pytest.param(sc(*FULL_SNAKE, root="search_criteria"), id="snake-root"),
        pytest.param(
            sc(*(p.replace("[pageSize]", "[PageSize]") for p in FULL_CAMEL)),
            id="upper-camel-page-size",
        ),
    ],
)
def test_snake_and_camel_spellings_are_equivalent(tree: dict[str, Any]) -> None:
    assert parse(tree) == EXPECTED_FULL


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param(("[pageSize]=2", "[page_size]=3"), 3, id="snake-after-camel"),
        pytest.param(("[page_size]=3", "[pageSize]=2"), 2, id="camel-after-snake"),
    ],
)
def test_both_spellings_of_one_key_later_wins(pairs: tuple[str, ...], expected: int) -> None:
    # both call setPageSize(); the later call stands
    assert criteria(*pairs).page_size == expected


def test_a_bad_value_fails_even_when_a_later_spelling_overrides_it() -> None:
    # Magento converts each key as it meets it: `pageSize=abc` fails before `page_size=3` is seen
    tree = sc("[pageSize]=2", "[page_size]=3", "[pageSize]=abc")
    assert list(tree["searchCriteria"]) == ["pageSize", "page_size"]  # PHP keeps first positions
    error = error_of(tree)
    assert error.body() == type_error("abc", "int")


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        pytest.param(
            ("[pageSize]=x", "[zzz]=1"), type_error("x", "int")["message"], id="type-error-first"
        ),
        pytest.param(
            ("[zzz]=1", "[pageSize]=x"),
            '"%fieldName" is not supported. Correct the field name and try again.',
            id="unknown-key-first",
        ),
    ],
)
def test_the_first_fault_in_sent_order_is_reported(pairs: tuple[str, ...], message: str) -> None:
    assert error_of(sc(*pairs)).message == message


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("pageSize", "page_size", id="camel"),
        pytest.param("page_size", "page_size", id="snake"),
        pytest.param("PageSize", "page_size", id="upper-camel"),
        pytest.param("filterGroups", "filter_groups", id="two-words"),
        pytest.param("conditionType", "condition_type", id="condition-type"),
        pytest.param("sku", "sku", id="one-word"),
    ],
)
def test_snake(key: str, expected: str) -> None:
    assert snake(key) == expected


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("tree", "field"),
    [
        pytest.param(sc("[foo]=1"), "Foo", id="criteria-level"),
        pytest.param(sc("[page_sizes]=1"), "PageSizes", id="criteria-level-snake"),
        pytest.param(sc("[pageSizes]=1"), "PageSizes", id="criteria-level-camel"),
        pytest.param(sc("[filter_groups][0][bogus]=1"), "Bogus", id="group-level"),
        pytest.param(
            sc(flt(0, 0, "field", "sku"), flt(0, 0, "bogus_key", "1")),
            "BogusKey",
            id="filter-level",
        ),
        pytest.param(
            sc("[sortOrders][0][field]=sku", "[sortOrders][0][dir]=ASC"), "Dir", id="sort-level"
        ),
        # Magento stops at the first unknown key, in the order the client sent them
        pytest.param(sc("[zzz]=1", "[aaa]=1"), "Zzz", id="first-unknown-in-sent-order"),
    ],
)
def test_unknown_keys_are_refused(tree: dict[str, Any], field: str) -> None:
    error = error_of(tree)
    assert error.status == 400
    assert error.body() == {
        "message": '"%fieldName" is not supported. Correct the field name and try again.',
        "parameters": {"fieldName": field},
    }


def test_missing_search_criteria_is_required() -> None:
    error = error_of(query.parse("fields=items"))
    assert error.status == 400
    assert error.body() == {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "searchCriteria"},
    }


def test_missing_search_criteria_allowed_when_optional() -> None:
    assert parse({}, required=False) == SearchCriteria()


@pytest.mark.parametrize(
    "tree",
    [
        pytest.param(sc(flt(0, 0, "value", "x")), id="no-field"),
        pytest.param(sc(flt(0, 0, "field", ""), flt(0, 0, "value", "x")), id="empty-field"),
        pytest.param(sc(flt(0, 0, "condition_type", "eq")), id="only-condition"),
    ],
)
def test_filter_without_field_is_required(tree: dict[str, Any]) -> None:
    error = error_of(tree)
    assert error.status == 400
    assert error.body() == {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "field"},
    }


@pytest.mark.parametrize(
    ("pairs", "shown", "expected_type"),
    [
        pytest.param(("[pageSize]=abc",), "abc", "int", id="page-size-word"),
        pytest.param(("[pageSize]=",), "", "int", id="page-size-empty"),
        pytest.param(("[pageSize]=NaN",), "NaN", "int", id="page-size-nan"),
        pytest.param(("[pageSize]=INF",), "INF", "int", id="page-size-inf"),
        pytest.param(("[pageSize]=0x10",), "0x10", "int", id="page-size-hex"),
        pytest.param(("[pageSize]=1_000",), "1_000", "int", id="page-size-underscore"),
        pytest.param(("[currentPage]=two",), "two", "int", id="current-page-word"),
        pytest.param(("[currentPage]=1.5.2",), "1.5.2", "int", id="current-page-two-dots"),
        # an array where a scalar is expected: PHP's gettype(), never a Python repr
        pytest.param(("[pageSize][]=1",), "array", "int", id="page-size-array"),
        pytest.param(("[currentPage][a]=1",), "array", "int", id="current-page-map"),
        pytest.param(
            ("[filter_groups]=x",),
            "x",
            "Magento\\Framework\\Api\\Search\\FilterGroup[]",
            id="filter-groups-string",
        ),
        pytest.param(
            ("[sortOrders]=x",),
            "x",
            "Magento\\Framework\\Api\\SortOrder[]",
            id="sort-orders-string",
        ),
        pytest.param(
            ("[filter_groups][0]=x",),
            "x",
            "Magento\\Framework\\Api\\Search\\FilterGroup",
            id="filter-group-string",
        ),
        pytest.param(
            ("[filter_groups][0][filters]=x",),
            "x",
            "Magento\\Framework\\Api\\Filter[]",
            id="filters-string",
        ),
        pytest.param((flt(0, 0, "field][", "sku"),), "array", "string", id="field-array"),
        pytest.param(
            (flt(0, 0, "field", "sku"), flt(0, 0, "value][x", "1")),
            "array",
            "string",
            id="value-map",
        ),
        pytest.param(
            (flt(0, 0, "field", "sku"), flt(0, 0, "condition_type][", "eq")),
            "array",
            "string",
            id="condition-type-array",
        ),
    ],
)
def test_type_errors(pairs: tuple[str, ...], shown: str, expected_type: str) -> None:
    tree = sc(*pairs)
    error = error_of(tree)
    assert error.status == 400
    assert error.body() == type_error(shown, expected_type)
    assert "'" not in shown  # no Python repr leaks into the message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("2", 2, id="plain"),
        pytest.param(" 2 ", 2, id="surrounding-whitespace"),
        pytest.param("+3", 3, id="plus-sign"),
        pytest.param("-1", -1, id="negative"),
        pytest.param("0", 0, id="zero"),
        pytest.param("2.7", 2, id="decimal-truncates"),
        pytest.param("1e3", 1000, id="exponent"),
        pytest.param(".5", 0, id="leading-dot"),
        pytest.param("007", 7, id="leading-zeros"),
        pytest.param(str(2**31 - 1), 2**31 - 1, id="max"),
    ],
)
def test_numeric_page_values(raw: str, expected: int) -> None:
    parsed = criteria(
        f"[pageSize]={raw.replace('+', '%2B')}", f"[currentPage]={raw.replace('+', '%2B')}"
    )
    assert parsed.page_size == expected
    assert parsed.current_page == expected


# ---------------------------------------------------------------- sort direction


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        pytest.param("ASC", "ASC", id="upper-asc"),
        pytest.param("asc", "ASC", id="lower-asc"),
        pytest.param("Desc", "DESC", id="mixed-desc"),
        pytest.param("desc", "DESC", id="lower-desc"),
        pytest.param(None, None, id="not-sent"),
        pytest.param("", None, id="empty"),
    ],
)
def test_direction_is_normalised_and_echoed_uppercase(
    sent: str | None, expected: str | None
) -> None:
    pairs = ["[sortOrders][0][field]=price"]
    if sent is not None:
        pairs.append(f"[sortOrders][0][direction]={sent}")
    parsed = criteria(*pairs)
    assert parsed.sort_orders == (SortOrder("price", expected),)
    assert parsed.sort_orders[0].descending is (expected == "DESC")
    shown = {"field": "price", "direction": expected} if expected else {"field": "price"}
    assert echo(parsed)["sort_orders"] == [shown]


@pytest.mark.parametrize(
    "direction",
    [
        pytest.param("UP", id="word"),
        pytest.param("ascending", id="long-form"),
        pytest.param("ASC%20", id="trailing-space"),
        pytest.param("1", id="digit"),
        pytest.param("%3Cscript%3E", id="markup"),
    ],
)
def test_invalid_direction_is_refused(direction: str) -> None:
    tree = sc("[sortOrders][0][field]=price", f"[sortOrders][0][direction]={direction}")
    error = error_of(tree)
    assert error.status == 400
    assert error.body() == {
        "message": 'Sort order "%1" is not supported. Use "ASC" or "DESC" and try again.',
        "parameters": [query.parse(f"d={direction}")["d"]],
    }


def test_direction_array_is_a_type_error() -> None:
    error = error_of(sc("[sortOrders][0][field]=price", "[sortOrders][0][direction][]=ASC"))
    assert error.status == 400
    assert error.body() == type_error("array", "string")


# ---------------------------------------------------------------- condition types


@pytest.mark.parametrize(
    ("sent", "kept", "applied"),
    [
        pytest.param(None, "eq", "eq", id="default-eq"),
        pytest.param("", "eq", "eq", id="empty-is-eq"),
        pytest.param("like", "like", "like", id="like"),
        pytest.param("finset", "finset", "finset", id="finset"),
        pytest.param("fulltext", "fulltext", "fulltext", id="fulltext"),
        # an unknown type is echoed as sent, applied as equality
        pytest.param("bogus", "bogus", "eq", id="junk-applied-as-eq"),
        pytest.param("LIKE", "LIKE", "eq", id="case-sensitive"),
    ],
)
def test_condition_type(sent: str | None, kept: str, applied: str) -> None:
    pairs = [flt(0, 0, "field", "sku"), flt(0, 0, "value", "x")]
    if sent is not None:
        pairs.append(flt(0, 0, "condition_type", sent))
    parsed = criteria(*pairs)
    (only,) = parsed.filter_groups[0].filters
    assert only.condition_type == kept
    assert only.condition == applied
    assert echo(parsed)["filter_groups"][0]["filters"][0]["condition_type"] == kept


# ---------------------------------------------------------------- echo


def test_echo_key_order_and_content() -> None:
    out = echo(criteria(*FULL_CAMEL))
    assert out == {
        "filter_groups": [
            {
                "filters": [
                    {"field": "sku", "value": "24-MB0%", "condition_type": "like"},
                    {"field": "name", "value": "Bag", "condition_type": "eq"},
                ]
            },
            {"filters": [{"field": "price", "value": "30", "condition_type": "gt"}]},
        ],
        "sort_orders": [{"field": "price", "direction": "DESC"}],
        "page_size": 5,
        "current_page": 2,
    }
    assert list(out) == ["filter_groups", "sort_orders", "page_size", "current_page"]
    first = out["filter_groups"][0]["filters"][0]
    assert list(first) == ["field", "value", "condition_type"]
    assert phpjson.encode(out) == (
        b'{"filter_groups":[{"filters":[{"field":"sku","value":"24-MB0%","condition_type":"like"},'
        b'{"field":"name","value":"Bag","condition_type":"eq"}]},{"filters":[{"field":"price",'
        b'"value":"30","condition_type":"gt"}]}],"sort_orders":[{"field":"price",'
        b'"direction":"DESC"}],"page_size":5,"current_page":2}'
    )


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param(("[pageSize]=3",), {"filter_groups": [], "page_size": 3}, id="only-page-size"),
        pytest.param(
            ("[currentPage]=0",),
            {"filter_groups": [], "current_page": 0},
            id="current-page-zero-echoed-as-sent",
        ),
        pytest.param(
            ("[currentPage]=-4",),
            {"filter_groups": [], "current_page": -4},
            id="current-page-negative-echoed-as-sent",
        ),
        pytest.param(
            ("[pageSize]=2", "[currentPage]=1"),
            {"filter_groups": [], "page_size": 2, "current_page": 1},
            id="page-size-and-current-page",
        ),
        pytest.param(
            (flt(0, 0, "field", "sku"),),
            {
                "filter_groups": [
                    {"filters": [{"field": "sku", "value": None, "condition_type": "eq"}]}
                ]
            },
            id="filter-without-value-echoes-null",
        ),
    ],
)
def test_echo_only_sent_parts(pairs: tuple[str, ...], expected: dict[str, Any]) -> None:
    out = echo(criteria(*pairs))
    assert out == expected
    assert list(out) == list(expected)


def test_echo_without_anything_sent() -> None:
    out = echo(SearchCriteria())
    assert out == {"filter_groups": []}
    assert phpjson.encode(out) == b'{"filter_groups":[]}'


def test_filters_keep_sent_order_not_index_order() -> None:
    parsed = criteria(flt(0, 5, "field", "b"), flt(0, 1, "field", "a"))
    assert [f.field for f in parsed.filter_groups[0].filters] == ["b", "a"]


def test_value_stays_a_string() -> None:
    parsed = criteria(flt(0, 0, "field", "price"), flt(0, 0, "value", "34.00"))
    assert parsed.filter_groups[0].filters[0].value == "34.00"
    assert echo(parsed)["filter_groups"][0]["filters"][0]["value"] == "34.00"


# ---------------------------------------------------------------- paging


@pytest.mark.parametrize(
    ("page_size", "current_page", "offset", "bounds"),
    [
        pytest.param(None, None, 0, (None, 0), id="nothing-sent-every-match"),
        pytest.param(None, 3, 0, (None, 0), id="page-without-size-every-match"),
        pytest.param(0, 3, 0, (None, 0), id="size-zero-every-match"),
        pytest.param(-1, 1, 0, (None, 0), id="negative-size-every-match"),
        pytest.param(10, None, 0, (10, 0), id="size-only-first-page"),
        pytest.param(10, 1, 0, (10, 0), id="first-page"),
        pytest.param(10, 3, 20, (10, 20), id="third-page"),
        pytest.param(2, 0, 0, (2, 0), id="page-zero-is-page-one"),
        pytest.param(2, -7, 0, (2, 0), id="negative-page-is-page-one"),
        pytest.param(7, 1000, 6993, (7, 6993), id="past-the-end"),
    ],
)
def test_offset_and_page_bounds(
    page_size: int | None, current_page: int | None, offset: int, bounds: tuple[int | None, int]
) -> None:
    c = SearchCriteria(page_size=page_size, current_page=current_page)
    assert c.offset == offset
    assert page_bounds(c) == bounds


def test_page_bounds_from_query() -> None:
    assert page_bounds(criteria("[pageSize]=4", "[currentPage]=3")) == (4, 8)
    assert page_bounds(criteria("[pageSize]=4", "[currentPage]=-3")) == (4, 0)
