"""GET /V1/products?searchCriteria[...] over a real socket (CONTRACT.md §10.2).

Every expected set of SKUs is computed here from the database rows (store 1 over the store-0
default), never from an earlier answer of the service.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import bearer

Filter = tuple[str, str, str | None]  # field, value, condition_type (None: not sent)
ENVELOPE = ["items", "search_criteria", "total_count"]
CAMEL = {
    "root": "searchCriteria",
    "groups": "filterGroups",
    "condition": "conditionType",
    "sorts": "sortOrders",
    "size": "pageSize",
    "page": "currentPage",
}
SNAKE = {
    "root": "search_criteria",
    "groups": "filter_groups",
    "condition": "condition_type",
    "sorts": "sort_orders",
    "size": "page_size",
    "page": "current_page",
}
# the spelling of the contract's own example (§10.2): mixed, as most clients send it
MIXED = {**CAMEL, "groups": "filter_groups", "condition": "condition_type"}


@dataclass(frozen=True)
class Row:
    entity_id: int
    sku: str
    type_id: str
    name: str | None
    price: Decimal | None


def criteria(
    *groups: Sequence[Filter],
    sort: Sequence[tuple[str, str | None]] = (),
    page_size: int | str | None = None,
    current_page: int | None = None,
    names: dict[str, str] = MIXED,
) -> list[tuple[str, str]]:
    """searchCriteria query pairs, spelled with `names` (camelCase, snake_case or mixed)."""
    root = names["root"]
    pairs: list[tuple[str, str]] = []
    for g, group in enumerate(groups):
        for f, (field, value, condition) in enumerate(group):
            at = f"{root}[{names['groups']}][{g}][filters][{f}]"
            pairs += [(f"{at}[field]", field), (f"{at}[value]", value)]
            if condition is not None:
                pairs.append((f"{at}[{names['condition']}]", condition))
    for s, (field, direction) in enumerate(sort):
        pairs.append((f"{root}[{names['sorts']}][{s}][field]", field))
        if direction is not None:
            pairs.append((f"{root}[{names['sorts']}][{s}][direction]", direction))
    if page_size is not None:
        pairs.append((f"{root}[{names['size']}]", str(page_size)))
    if current_page is not None:
        pairs.append((f"{root}[{names['page']}]", str(current_page)))
    return pairs


async def search(legacy: Any, token: str, pairs: list[tuple[str, str]]) -> tuple[int, Any]:
    response = await legacy.get("/rest/V1/products", params=pairs, headers=bearer(token))
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.status, await response.json()


def skus(body: Any) -> list[str]:
    return [item["sku"] for item in body["items"]]


# ---------------------------------------------------------------- the catalog, from its rows


def _values(cursor: Any, code: str, store_id: int = 1) -> dict[int, str]:
    cursor.execute(
        "SELECT a.attribute_id, a.backend_type FROM eav_attribute a "
        "JOIN eav_entity_type t ON t.entity_type_id = a.entity_type_id "
        "WHERE t.entity_type_code = 'catalog_product' AND a.attribute_code = %s",
        (code,),
    )
    attr = cursor.fetchone()
    cursor.execute(
        f"SELECT entity_id, store_id, value FROM "
        f"catalog_product_entity_{attr['backend_type']} "
        "WHERE attribute_id = %s AND store_id IN (0, %s) ORDER BY store_id",
        (attr["attribute_id"], store_id),
    )
    return {int(r["entity_id"]): r["value"] for r in cursor.fetchall()}  # store row last: wins


@pytest.fixture(scope="module")
def catalog(magento_db: Any) -> list[Row]:
    """Every product as the default store view sees it, by entity id."""
    with magento_db.connect() as conn, conn.cursor() as cursor:
        names, prices = _values(cursor, "name"), _values(cursor, "price")
        cursor.execute(
            "SELECT entity_id, sku, type_id FROM catalog_product_entity ORDER BY entity_id"
        )
        return [
            Row(
                int(r["entity_id"]),
                r["sku"],
                r["type_id"],
                names.get(int(r["entity_id"])),
                None
                if prices.get(int(r["entity_id"])) is None
                else Decimal(str(prices[int(r["entity_id"])])),
            )
            for r in cursor.fetchall()
        ]


@pytest.fixture(scope="module")
def prefix(catalog: list[Row]) -> str:
    """A SKU prefix that matches some products but not all (Luma: "24-M", the gear bags...)."""
    return catalog[0].sku[:4]


def matching(catalog: list[Row], keep: Callable[[Row], bool]) -> set[str]:
    return {r.sku for r in catalog if keep(r)}


# ---------------------------------------------------------------- spelling


async def test_camel_and_snake_case_spellings_answer_identically(
    legacy: Any, admin_token: str, prefix: str
) -> None:
    def ask(names: dict[str, str]) -> list[tuple[str, str]]:
        return criteria(
            [("sku", f"{prefix}%", "like")],
            sort=[("price", "DESC")],
            page_size=3,
            current_page=2,
            names=names,
        )

    status_camel, camel = await search(legacy, admin_token, ask(CAMEL))
    status_snake, snake = await search(legacy, admin_token, ask(SNAKE))
    assert (status_camel, status_snake) == (200, 200)
    assert len(camel["items"]) == 3
    assert camel == snake


# ---------------------------------------------------------------- filters


async def test_filters_in_one_group_are_ored(
    legacy: Any, admin_token: str, catalog: list[Row]
) -> None:
    a, b = catalog[0].sku, catalog[-1].sku
    status, body = await search(
        legacy,
        admin_token,
        criteria([("sku", a, "eq"), ("sku", b, None), ("sku", "no-such-sku", "eq")]),
    )
    assert status == 200
    assert set(skus(body)) == {a, b}
    assert body["total_count"] == 2


async def test_filter_groups_are_anded(
    legacy: Any, admin_token: str, catalog: list[Row], prefix: str
) -> None:
    prices = sorted(
        r.price for r in catalog if r.sku.lower().startswith(prefix.lower()) and r.price is not None
    )
    bound = prices[len(prices) // 2]
    expected = matching(
        catalog,
        lambda r: (
            r.sku.lower().startswith(prefix.lower()) and r.price is not None and r.price < bound
        ),
    )
    status, body = await search(
        legacy,
        admin_token,
        criteria([("sku", f"{prefix}%", "like")], [("price", str(bound), "lt")]),
    )
    assert status == 200
    assert expected
    assert set(skus(body)) == expected
    assert body["total_count"] == len(expected)


@pytest.mark.parametrize(
    "spell",
    [
        pytest.param(str, id="as-stored"),
        pytest.param(str.lower, id="lower-case-like-is-case-insensitive"),
    ],
)
async def test_like_uses_the_clients_percent_wildcard(
    legacy: Any, admin_token: str, catalog: list[Row], prefix: str, spell: Callable[[str], str]
) -> None:
    expected = matching(catalog, lambda r: r.sku.lower().startswith(prefix.lower()))
    status, body = await search(
        legacy, admin_token, criteria([("sku", spell(prefix) + "%", "like")])
    )
    assert status == 200
    assert 0 < len(expected) < len(catalog)
    assert set(skus(body)) == expected


async def test_like_without_wildcard_is_an_exact_match(
    legacy: Any, admin_token: str, catalog: list[Row], prefix: str
) -> None:
    status, body = await search(legacy, admin_token, criteria([("sku", prefix, "like")]))
    assert status == 200
    assert set(skus(body)) == matching(catalog, lambda r: r.sku.lower() == prefix.lower())


async def test_in_takes_a_comma_separated_list(
    legacy: Any, admin_token: str, catalog: list[Row]
) -> None:
    wanted = [catalog[0].sku, catalog[1].sku, catalog[-1].sku]
    status, body = await search(
        legacy, admin_token, criteria([("sku", ",".join([*wanted, "no-such-sku"]), "in")])
    )
    assert status == 200
    assert set(skus(body)) == set(wanted)


async def test_nin_excludes_the_listed_values(
    legacy: Any, admin_token: str, catalog: list[Row], prefix: str
) -> None:
    family = [r.sku for r in catalog if r.sku.lower().startswith(prefix.lower())]
    excluded = family[:2]
    status, body = await search(
        legacy,
        admin_token,
        criteria([("sku", f"{prefix}%", "like")], [("sku", ",".join(excluded), "nin")]),
    )
    assert status == 200
    assert set(skus(body)) == set(family) - set(excluded)


@pytest.mark.parametrize(
    ("condition", "compare"),
    [
        pytest.param("gt", operator.gt, id="gt-excludes-the-bound"),
        pytest.param("lt", operator.lt, id="lt-excludes-the-bound"),
        pytest.param("gteq", operator.ge, id="gteq-includes-the-bound"),
        pytest.param("lteq", operator.le, id="lteq-includes-the-bound"),
        pytest.param("eq", operator.eq, id="eq"),
        pytest.param("neq", operator.ne, id="neq-skips-products-without-price"),
    ],
)
async def test_price_comparisons(
    legacy: Any,
    admin_token: str,
    catalog: list[Row],
    condition: str,
    compare: Callable[[Any, Any], bool],
) -> None:
    bound = next(r.price for r in catalog if r.price is not None)
    expected = matching(catalog, lambda r: r.price is not None and compare(r.price, bound))
    status, body = await search(
        legacy, admin_token, criteria([("price", format(bound.normalize(), "f"), condition)])
    )
    assert status == 200
    assert set(skus(body)) == expected
    assert body["total_count"] == len(expected)


async def test_category_filter_returns_exactly_the_linked_products(
    legacy: Any, admin_token: str, magento_db: Any, catalog: list[Row]
) -> None:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT category_id FROM catalog_category_product GROUP BY category_id "
            "ORDER BY COUNT(*) DESC, category_id LIMIT 1"
        )
        category_id = int(cursor.fetchone()["category_id"])
        cursor.execute(
            "SELECT product_id FROM catalog_category_product WHERE category_id = %s", (category_id,)
        )
        linked = {int(r["product_id"]) for r in cursor.fetchall()}
    status, body = await search(
        legacy, admin_token, criteria([("category_id", str(category_id), "eq")])
    )
    assert status == 200
    assert set(skus(body)) == matching(catalog, lambda r: r.entity_id in linked)
    assert body["total_count"] == len(linked)


async def test_category_filter_in_takes_several_categories(
    legacy: Any, admin_token: str, magento_db: Any, catalog: list[Row]
) -> None:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT category_id FROM catalog_category_product GROUP BY category_id "
            "ORDER BY category_id LIMIT 2"
        )
        categories = [int(r["category_id"]) for r in cursor.fetchall()]
        cursor.execute(
            "SELECT product_id FROM catalog_category_product WHERE category_id IN (%s, %s)",
            tuple(categories),
        )
        linked = {int(r["product_id"]) for r in cursor.fetchall()}
    value = ",".join(str(c) for c in categories)
    status, body = await search(legacy, admin_token, criteria([("category_id", value, "in")]))
    assert status == 200
    assert set(skus(body)) == matching(catalog, lambda r: r.entity_id in linked)


@pytest.mark.parametrize(
    ("condition", "has_value"),
    [pytest.param("notnull", True, id="notnull"), pytest.param("null", False, id="null")],
)
async def test_null_conditions_follow_the_attribute_rows(
    legacy: Any,
    admin_token: str,
    magento_db: Any,
    catalog: list[Row],
    condition: str,
    has_value: bool,
) -> None:
    with magento_db.connect() as conn, conn.cursor() as cursor:
        special = {i for i, v in _values(cursor, "special_price").items() if v is not None}
    expected = matching(catalog, lambda r: (r.entity_id in special) == has_value)
    status, body = await search(legacy, admin_token, criteria([("special_price", "", condition)]))
    assert status == 200
    assert 0 < len(expected) < len(catalog)
    assert set(skus(body)) == expected


async def test_type_filter_without_page_size_returns_every_match(
    legacy: Any, admin_token: str, catalog: list[Row]
) -> None:
    """Input limiting is off: no pageSize means no LIMIT, not a default page of 20."""
    kind = max({r.type_id for r in catalog}, key=lambda t: sum(r.type_id == t for r in catalog))
    expected = matching(catalog, lambda r: r.type_id == kind)
    status, body = await search(legacy, admin_token, criteria([("type_id", kind, None)]))
    assert status == 200
    assert len(expected) > 20
    assert len(body["items"]) == body["total_count"] == len(expected)
    assert set(skus(body)) == expected


async def test_empty_criteria_returns_the_whole_catalog(
    legacy: Any, admin_token: str, catalog: list[Row]
) -> None:
    response = await legacy.get(
        "/rest/V1/products?searchCriteria=&fields=total_count", headers=bearer(admin_token)
    )
    assert response.status == 200
    assert await response.json() == {"total_count": len(catalog)}


# ---------------------------------------------------------------- sorting and paging


@pytest.mark.parametrize(
    ("direction", "descending"),
    [
        pytest.param("ASC", False, id="asc"),
        pytest.param("DESC", True, id="desc"),
        pytest.param("desc", True, id="lower-case-desc"),
    ],
)
async def test_sort_by_price(
    legacy: Any, admin_token: str, catalog: list[Row], prefix: str, direction: str, descending: bool
) -> None:
    family = [r for r in catalog if r.sku.lower().startswith(prefix.lower())]
    status, body = await search(
        legacy, admin_token, criteria([("sku", f"{prefix}%", "like")], sort=[("price", direction)])
    )
    assert status == 200
    assert set(skus(body)) == {r.sku for r in family}
    prices = [Decimal(str(item["price"])) for item in body["items"]]
    assert prices == sorted((r.price for r in family if r.price is not None), reverse=descending)
    assert len(set(prices)) > 1


async def test_sort_by_name(legacy: Any, admin_token: str, catalog: list[Row], prefix: str) -> None:
    family = [r for r in catalog if r.sku.lower().startswith(prefix.lower()) and r.name]
    status, body = await search(
        legacy, admin_token, criteria([("sku", f"{prefix}%", "like")], sort=[("name", "ASC")])
    )
    names = [item["name"] for item in body["items"]]
    assert status == 200
    # utf8mb4_general_ci compares ASCII case-insensitively (as upper case)
    assert [n.upper() for n in names] == sorted(r.name.upper() for r in family if r.name)


async def test_pages_are_disjoint_and_cover_total_count(
    legacy: Any, admin_token: str, catalog: list[Row], prefix: str
) -> None:
    size = 4
    expected = matching(catalog, lambda r: r.sku.lower().startswith(prefix.lower()))
    pages: list[list[str]] = []
    for page in range(1, math.ceil(len(expected) / size) + 1):
        status, body = await search(
            legacy,
            admin_token,
            criteria([("sku", f"{prefix}%", "like")], page_size=size, current_page=page),
        )
        assert status == 200
        assert body["total_count"] == len(expected)
        pages.append(skus(body))
    seen = [sku for page in pages for sku in page]
    assert len(pages) > 1
    assert all(len(page) == size for page in pages[:-1]) and 0 < len(pages[-1]) <= size
    assert len(seen) == len(set(seen))
    assert set(seen) == expected


async def test_page_past_the_end_is_empty_with_the_real_total(
    legacy: Any, admin_token: str, catalog: list[Row], prefix: str
) -> None:
    total = len(matching(catalog, lambda r: r.sku.lower().startswith(prefix.lower())))
    status, body = await search(
        legacy,
        admin_token,
        criteria(
            [("sku", f"{prefix}%", "like")], page_size=5, current_page=math.ceil(total / 5) + 1
        ),
    )
    assert status == 200
    assert (body["items"], body["total_count"]) == ([], total)


async def test_current_page_below_one_is_page_one(
    legacy: Any, admin_token: str, prefix: str
) -> None:
    def ask(page: int) -> list[tuple[str, str]]:
        return criteria([("sku", f"{prefix}%", "like")], page_size=2, current_page=page)

    _, zero = await search(legacy, admin_token, ask(0))
    _, one = await search(legacy, admin_token, ask(1))
    assert skus(zero) == skus(one)
    assert len(skus(one)) == 2


# ---------------------------------------------------------------- envelope and echo


async def test_envelope_order_and_echo_of_a_full_criteria(
    legacy: Any, admin_token: str, catalog: list[Row]
) -> None:
    bound = next(r.price for r in catalog if r.price is not None)
    value = format(bound.normalize(), "f")
    status, body = await search(
        legacy,
        admin_token,
        criteria(
            [("price", value, None), ("sku", "x%", "like")],
            sort=[("name", "desc")],
            page_size=2,
            current_page=1,
        ),
    )
    assert status == 200
    assert list(body) == ENVELOPE
    assert isinstance(body["total_count"], int)
    assert body["search_criteria"] == {
        "filter_groups": [
            {
                "filters": [
                    {"field": "price", "value": value, "condition_type": "eq"},
                    {"field": "sku", "value": "x%", "condition_type": "like"},
                ]
            }
        ],
        "sort_orders": [{"field": "name", "direction": "DESC"}],
        "page_size": 2,
        "current_page": 1,
    }
    echoed = body["search_criteria"]["filter_groups"][0]["filters"]
    assert all(list(f) == ["field", "value", "condition_type"] for f in echoed)


@pytest.mark.parametrize(
    ("pairs", "keys"),
    [
        pytest.param(criteria(), ["filter_groups"], id="nothing-sent"),
        pytest.param(criteria([("sku", "a", None)]), ["filter_groups"], id="filter-only"),
        pytest.param(criteria(page_size=1), ["filter_groups", "page_size"], id="page-size-only"),
        pytest.param(
            criteria(current_page=2), ["filter_groups", "current_page"], id="current-page-only"
        ),
        pytest.param(
            criteria(sort=[("sku", "ASC")]), ["filter_groups", "sort_orders"], id="sort-only"
        ),
    ],
)
async def test_echo_carries_only_the_keys_sent(
    legacy: Any, admin_token: str, pairs: list[tuple[str, str]], keys: list[str]
) -> None:
    status, body = await search(legacy, admin_token, pairs or [("searchCriteria", "")])
    assert status == 200
    assert list(body["search_criteria"]) == keys


async def test_search_results_carry_no_stock_item(
    legacy: Any, admin_token: str, prefix: str
) -> None:
    status, body = await search(legacy, admin_token, criteria([("sku", f"{prefix}%", "like")]))
    assert status == 200 and body["items"]
    assert all("website_ids" in item["extension_attributes"] for item in body["items"])
    assert not any("stock_item" in item["extension_attributes"] for item in body["items"])


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(
            "",
            {
                "message": '"%fieldName" is required. Enter and try again.',
                "parameters": {"fieldName": "searchCriteria"},
            },
            id="missing-search-criteria",
        ),
        pytest.param(
            "?searchCriteria[pageSize]=abc",
            {
                "message": 'The "abc" value\'s type is invalid. The "int" type was expected. '
                "Verify and try again."
            },
            id="page-size-not-an-int",
        ),
        pytest.param(
            "?searchCriteria[filter_groups][0][filters][0][field]=no_such_attribute"
            "&searchCriteria[filter_groups][0][filters][0][value]=1",
            {"message": "Invalid attribute name: %1", "parameters": ["no_such_attribute"]},
            id="unknown-filter-field",
        ),
    ],
)
async def test_bad_criteria_are_400(
    legacy: Any, admin_token: str, query: str, expected: dict[str, Any]
) -> None:
    response = await legacy.get(f"/rest/V1/products{query}", headers=bearer(admin_token))
    assert response.status == 400
    assert await response.json() == expected


async def test_search_needs_an_admin_token(legacy: Any, customer_token: str) -> None:
    response = await legacy.get("/rest/V1/products?searchCriteria=", headers=bearer(customer_token))
    assert response.status == 401
    assert (await response.json())["parameters"] == {"resources": "Magento_Catalog::products"}
