"""compare.diff under a route's rules: ignore, tolerance, keyed, unordered, normalize, exact.

The first half builds small documents; the second half fetches real answers from the legacy
service (real MariaDB, the loaded catalog), edits the parsed JSON the way a new service could
get it wrong, re-encodes it with the project's PHP-compatible encoder, and checks each edit is
reported with the right kind at the right path — or excused by the right rule.
"""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from legacy_adapters.magento_wire import phpjson
from strangler import config
from strangler.compare import (
    MAX_DIFFERENCES,
    NORMALIZERS,
    Divergence,
    Kind,
    Outcome,
    compile_rules,
    diff,
    walk,
)
from strangler.errors import ConfigError
from strangler.model import CompareRules, Observed
from tests.conftest import bearer

Found = set[tuple[Kind, str]]


def obs(body: Any, **headers: str) -> Observed:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    return Observed(200, headers or {"content-type": "application/json"}, raw)


def rules(**kw: Any) -> CompareRules:
    extra: dict[str, Any] = {k: kw.pop(k) for k in ("normalize", "exact") if k in kw}
    return CompareRules(extra=extra, **kw)


def found(result: Divergence) -> tuple[Found, Found]:
    return (
        {(d.kind, d.path) for d in result.differences},
        {(d.kind, d.path) for d in result.ignored},
    )


# ------------------------------------------------------------------------- synthetic documents

ITEMS_A = {"items": [{"item_id": 1, "sku": "A", "qty": 1}, {"item_id": 2, "sku": "B", "qty": 2}]}
ITEMS_B = {"items": [{"item_id": 8, "sku": "A", "qty": 1}, {"item_id": 9, "sku": "B", "qty": 3}]}
ATTRS_A = {
    "custom_attributes": [
        {"attribute_code": "color", "value": "49"},
        {"attribute_code": "size", "value": "167"},
        {"attribute_code": "url_key", "value": "joust"},
    ]
}
ATTRS_REORDERED = {"custom_attributes": list(reversed(ATTRS_A["custom_attributes"]))}
SHIPPING_A = {
    "extension_attributes": {
        "shipping_assignments": [
            {"shipping": {"address": {"id": 11, "city": "Calder"}, "method": "flatrate"}}
        ]
    }
}
SHIPPING_B = {
    "extension_attributes": {
        "shipping_assignments": [
            {"shipping": {"address": {"id": 12, "city": "Calder"}, "method": "flatrate"}}
        ]
    }
}
KEYED_ATTRS = {"$.custom_attributes": "attribute_code"}


def attrs(*pairs: tuple[str, Any]) -> dict[str, Any]:
    return {"custom_attributes": [{"attribute_code": c, "value": v} for c, v in pairs]}


CASES = [
    # ignore ----------------------------------------------------------------------------------
    pytest.param(
        {"sku": "A", "updated_at": "2024-05-01 09:00:00"},
        {"sku": "A", "updated_at": "2024-05-02 10:00:00"},
        rules(ignore=("$.updated_at",)),
        set(),
        {(Kind.VALUE, "$.updated_at")},
        id="ignore-field",
    ),
    pytest.param(
        ITEMS_A,
        ITEMS_B,
        rules(ignore=("$.items[*].item_id",)),
        {(Kind.VALUE, "$.items[1].qty")},
        {(Kind.VALUE, "$.items[0].item_id"), (Kind.VALUE, "$.items[1].item_id")},
        id="ignore-wildcard-index",
    ),
    pytest.param(
        {"created_at": 1, "items": [{"created_at": "x", "n": 1}], "a": {"b": {"created_at": 2}}},
        {"created_at": 5, "items": [{"created_at": "y", "n": 2}], "a": {"b": {"created_at": 3}}},
        rules(ignore=("$..created_at",)),
        {(Kind.VALUE, "$.items[0].n")},
        {
            (Kind.VALUE, "$.created_at"),
            (Kind.VALUE, "$.items[0].created_at"),
            (Kind.VALUE, "$.a.b.created_at"),
        },
        id="ignore-recursive-descent",
    ),
    pytest.param(
        SHIPPING_A,
        SHIPPING_B,
        rules(ignore=("$.extension_attributes.shipping_assignments[*].shipping.address.id",)),
        set(),
        {(Kind.VALUE, "$.extension_attributes.shipping_assignments[0].shipping.address.id")},
        id="ignore-shipping-address-id",
    ),
    pytest.param(
        {"x": 1, "extension_attributes": {"a": 1, "b": [1], "c": "s"}},
        {"x": 1, "extension_attributes": {"a": "1", "b": [1, 2], "d": 0}},
        rules(ignore=("$.extension_attributes",)),
        set(),
        {
            (Kind.TYPE, "$.extension_attributes.a"),
            (Kind.LENGTH, "$.extension_attributes.b"),
            (Kind.MISSING, "$.extension_attributes.c"),
            (Kind.EXTRA, "$.extension_attributes.d"),
        },
        id="ignore-subtree-all-kinds",
    ),
    pytest.param(
        {"a": 1, "ab": 1},
        {"a": 2, "ab": 2},
        rules(ignore=("$.a",)),
        {(Kind.VALUE, "$.ab")},
        {(Kind.VALUE, "$.a")},
        id="ignore-is-not-a-prefix-match",
    ),
    pytest.param(
        ITEMS_A,
        ITEMS_B,
        rules(ignore=("$.items[0]",)),
        {(Kind.VALUE, "$.items[1].item_id"), (Kind.VALUE, "$.items[1].qty")},
        {(Kind.VALUE, "$.items[0].item_id")},
        id="ignore-one-index",
    ),
    # tolerance -------------------------------------------------------------------------------
    pytest.param(
        {"price": 34},
        {"price": 34.004},
        rules(tolerance={"$.price": 0.005}),
        set(),
        {(Kind.VALUE, "$.price")},
        id="tolerance-within",
    ),
    pytest.param(
        {"price": 34},
        {"price": 34.01},
        rules(tolerance={"$.price": 0.005}),
        {(Kind.VALUE, "$.price")},
        set(),
        id="tolerance-beyond",
    ),
    pytest.param(
        {"price": "34.00"},
        {"price": "34.001"},
        rules(tolerance={"$.price": 0.005}),
        {(Kind.VALUE, "$.price")},
        set(),
        id="tolerance-not-for-strings",
    ),
    pytest.param(
        {"price": 34},
        {"price": "34"},
        rules(tolerance={"$.price": 1}),
        {(Kind.TYPE, "$.price")},
        set(),
        id="tolerance-not-for-types",
    ),
    pytest.param(
        {"items": [{"price": 1.0}, {"price": 2.0}], "price": 5},
        {"items": [{"price": 1.001}, {"price": 2.5}], "price": 5.001},
        rules(tolerance={"$.items[*].price": 0.01}),
        {(Kind.VALUE, "$.items[1].price"), (Kind.VALUE, "$.price")},
        {(Kind.VALUE, "$.items[0].price")},
        id="tolerance-wildcard",
    ),
    pytest.param(
        {"ok": True},
        {"ok": False},
        rules(tolerance={"$.ok": 5}),
        {(Kind.VALUE, "$.ok")},
        set(),
        id="tolerance-not-for-bools",
    ),
    # keyed -----------------------------------------------------------------------------------
    pytest.param(
        ATTRS_A,
        ATTRS_REORDERED,
        rules(keyed=KEYED_ATTRS),
        set(),
        {(Kind.ORDER, "$.custom_attributes")},
        id="keyed-reorder-is-ignored-order",
    ),
    pytest.param(
        ATTRS_A,
        ATTRS_REORDERED,
        rules(),
        {
            (Kind.VALUE, "$.custom_attributes[0].attribute_code"),
            (Kind.VALUE, "$.custom_attributes[0].value"),
            (Kind.VALUE, "$.custom_attributes[2].attribute_code"),
            (Kind.VALUE, "$.custom_attributes[2].value"),
        },
        set(),
        id="unkeyed-reorder-is-positional",
    ),
    pytest.param(
        ATTRS_A,
        attrs(("color", "50"), ("size", "167"), ("url_key", "joust")),
        rules(keyed=KEYED_ATTRS),
        {(Kind.VALUE, "$.custom_attributes[attribute_code=color].value")},
        set(),
        id="keyed-element-value",
    ),
    pytest.param(
        ATTRS_A,
        attrs(("url_key", "joust"), ("color", "49"), ("activity", "8,11")),
        rules(keyed=KEYED_ATTRS),
        {
            (Kind.MISSING, "$.custom_attributes[attribute_code=size]"),
            (Kind.EXTRA, "$.custom_attributes[attribute_code=activity]"),
        },
        {(Kind.ORDER, "$.custom_attributes")},
        id="keyed-missing-extra",
    ),
    pytest.param(
        attrs(("color", "1"), ("color", "2")),
        attrs(("color", "1"), ("color", "3")),
        rules(keyed=KEYED_ATTRS),
        {(Kind.VALUE, "$.custom_attributes[attribute_code=color#2].value")},
        set(),
        id="keyed-duplicate-keys-pair-in-order",
    ),
    pytest.param(
        {"custom_attributes": [{"attribute_code": "a", "value": 1}, {"value": 2}]},
        {"custom_attributes": [{"value": 2}, {"attribute_code": "a", "value": 1}]},
        rules(keyed=KEYED_ATTRS),
        {
            (Kind.MISSING, "$.custom_attributes[0].attribute_code"),
            (Kind.EXTRA, "$.custom_attributes[1].attribute_code"),
            (Kind.VALUE, "$.custom_attributes[0].value"),
            (Kind.VALUE, "$.custom_attributes[1].value"),
        },
        set(),
        id="keyed-without-key-falls-back-to-positions",
    ),
    pytest.param(
        {"items": [{"item_id": 1, "sku": "A", "qty": 1}, {"item_id": 2, "sku": "B", "qty": 2}]},
        {"items": [{"item_id": 9, "sku": "B", "qty": 2}, {"item_id": 8, "sku": "A", "qty": 5}]},
        rules(keyed={"$.items": "sku"}, ignore=("$.items[*].item_id",)),
        {(Kind.VALUE, "$.items[sku=A].qty")},
        {
            (Kind.VALUE, "$.items[sku=A].item_id"),
            (Kind.VALUE, "$.items[sku=B].item_id"),
            (Kind.ORDER, "$.items"),
        },
        id="keyed-by-sku-with-ignore-inside",
    ),
    pytest.param(
        {"items": [{"custom_attributes": ATTRS_A["custom_attributes"]}]},
        {"items": [{"custom_attributes": ATTRS_REORDERED["custom_attributes"]}]},
        rules(keyed={"$.items[*].custom_attributes": "attribute_code"}),
        set(),
        {(Kind.ORDER, "$.items[0].custom_attributes")},
        id="keyed-wildcard-array",
    ),
    pytest.param(
        ATTRS_A,
        ATTRS_REORDERED,
        rules(keyed=KEYED_ATTRS, exact=True),
        set(),
        {(Kind.ORDER, "$.custom_attributes")},
        id="keyed-order-excused-also-when-exact",
    ),
    # unordered -------------------------------------------------------------------------------
    pytest.param(
        {"media": [{"file": "a"}, {"file": "b"}, {"file": "c"}]},
        {"media": [{"file": "c"}, {"file": "a"}, {"file": "b"}]},
        rules(unordered=("$.media",)),
        set(),
        set(),
        id="unordered-reorder",
    ),
    pytest.param(
        {"ids": [1, 1, 2]},
        {"ids": [2, 1, 2]},
        rules(unordered=("$.ids",)),
        {(Kind.MISSING, "$.ids[1]"), (Kind.EXTRA, "$.ids[2]")},
        set(),
        id="unordered-is-a-multiset",
    ),
    pytest.param(
        {"media": [{"file": "a", "pos": 1}, {"file": "b", "pos": 2}]},
        {"media": [{"file": "b", "pos": 2}, {"file": "a", "pos": 9}]},
        rules(unordered=("$.media",)),
        {(Kind.MISSING, "$.media[0]"), (Kind.EXTRA, "$.media[1]")},
        set(),
        id="unordered-changed-element-is-missing-and-extra",
    ),
    pytest.param(
        {"media": [{"id": 1, "file": "a"}, {"id": 2, "file": "b"}]},
        {"media": [{"id": 7, "file": "b"}, {"id": 6, "file": "a"}]},
        rules(unordered=("$.media",), ignore=("$.media[*].id",)),
        set(),
        {(Kind.VALUE, "$.media[0].id"), (Kind.VALUE, "$.media[1].id")},
        id="unordered-pairs-under-the-rules",
    ),
    pytest.param(
        {"links": [45, 46.0, 47]},
        {"links": [47, 45.0, 46]},
        rules(unordered=("$.links",)),
        set(),
        set(),
        id="unordered-php-floats",
    ),
    pytest.param(
        {"m": [{"a": 1, "b": 2}]},
        {"m": [{"b": 2, "a": 1}]},
        rules(unordered=("$.m",)),
        {(Kind.ORDER, "$.m[0]")},
        set(),
        id="unordered-still-sees-key-order",
    ),
    # normalize -------------------------------------------------------------------------------
    pytest.param(
        {"updated_at": "2024-05-01 09:00:00", "note": "at 2024-05-01 09:00:00 UTC"},
        {"updated_at": "2025-01-31 23:59:59", "note": "at 2025-01-31 23:59:59 UTC"},
        rules(normalize={"$.updated_at": "timestamp", "$.note": "timestamp"}),
        set(),
        {(Kind.VALUE, "$.updated_at"), (Kind.VALUE, "$.note")},
        id="normalize-timestamp",
    ),
    pytest.param(
        {"updated_at": "2024-05-01 09:00:00"},
        {"updated_at": "yesterday"},
        rules(normalize={"$.updated_at": "timestamp"}),
        {(Kind.VALUE, "$.updated_at")},
        set(),
        id="normalize-timestamp-not-a-timestamp",
    ),
    pytest.param(
        {"quote_id": "AbCdEfGhIjKlMnOpQrStUvWxYz012345"},
        {"quote_id": "zyxwvutsrqponmlkjihgfedcba987654"},
        rules(normalize={"$.quote_id": "masked_id"}),
        set(),
        {(Kind.VALUE, "$.quote_id")},
        id="normalize-masked-id",
    ),
    pytest.param(
        {"quote_id": "AbCdEfGhIjKlMnOpQrStUvWxYz012345"},
        {"quote_id": "short"},
        rules(normalize={"$.quote_id": "masked_id"}),
        {(Kind.VALUE, "$.quote_id")},
        set(),
        id="normalize-masked-id-wrong-length",
    ),
    pytest.param(
        "eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOjF9.c2lnLWE",
        "eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOjJ9.c2lnLWI",
        rules(normalize={"$": "jwt"}),
        set(),
        {(Kind.VALUE, "$")},
        id="normalize-jwt-top-level-string",
    ),
    pytest.param(
        {"message": "Internal Error. Report ID: webapi-6655a1b2c3d4e"},
        {"message": "Internal Error. Report ID: webapi-77aa00bb11cc2"},
        rules(normalize={"$.message": "report_id"}),
        set(),
        {(Kind.VALUE, "$.message")},
        id="normalize-report-id",
    ),
    pytest.param(
        {"message": "Internal Error. Report ID: webapi-6655a1b2c3d4e"},
        {"message": "Other Error. Report ID: webapi-77aa00bb11cc2"},
        rules(normalize={"$.message": "report_id"}),
        {(Kind.VALUE, "$.message")},
        set(),
        id="normalize-report-id-keeps-the-message",
    ),
    pytest.param(
        {"request": "0f8fad5b-d9cb-469f-a165-70867728950e"},
        {"request": "7c9e6679-7425-40de-944b-e07fc1f90ae7"},
        rules(normalize={"$..request": "uuid"}),
        set(),
        {(Kind.VALUE, "$.request")},
        id="normalize-uuid",
    ),
    pytest.param(
        {"qty": 100, "n": "100"},
        {"qty": 97.5, "n": 100},
        rules(normalize={"$": "number"}),
        {(Kind.TYPE, "$.n")},
        {(Kind.VALUE, "$.qty")},
        id="normalize-number-compares-types-only",
    ),
    pytest.param(
        {"a": {"updated_at": "2024-05-01 09:00:00"}, "b": "2024-05-01 09:00:00"},
        {"a": {"updated_at": "2024-06-01 09:00:00"}, "b": "2024-06-01 09:00:00"},
        rules(normalize={"$.a": "timestamp"}),
        {(Kind.VALUE, "$.b")},
        {(Kind.VALUE, "$.a.updated_at")},
        id="normalize-applies-to-a-subtree",
    ),
    # defaults and exact ----------------------------------------------------------------------
    pytest.param(
        {"price": 34}, {"price": 34.0}, rules(), set(), set(), id="default-php-float-equal"
    ),
    pytest.param(
        {"price": 34},
        {"price": 34.0},
        rules(exact=True),
        {(Kind.VALUE, "$.price")},
        set(),
        id="exact-int-vs-float",
    ),
    pytest.param(
        {"a": 1, "b": 2},
        {"b": 2, "a": 1},
        rules(),
        {(Kind.ORDER, "$")},
        set(),
        id="default-key-order-counts",
    ),
    pytest.param(
        {"a": 1, "b": 2, "c": 3},
        {"b": 2, "a": 1},
        rules(),
        {(Kind.ORDER, "$"), (Kind.MISSING, "$.c")},
        set(),
        id="key-order-of-common-keys",
    ),
    pytest.param(
        {"a": 1, "b": 2, "c": 3},
        {"a": 1, "b": 2},
        rules(),
        {(Kind.MISSING, "$.c")},
        set(),
        id="missing-key-is-not-an-order-change",
    ),
    pytest.param(
        {"f": True},
        {"f": 1},
        rules(normalize={"$": "number"}),
        {(Kind.TYPE, "$.f")},
        set(),
        id="bool-is-not-a-number",
    ),
    pytest.param(
        {"a": [True, {"x": False}]},
        {"a": [1, {"x": 0}]},
        rules(),
        {(Kind.TYPE, "$.a[0]"), (Kind.TYPE, "$.a[1].x")},
        set(),
        id="bool-vs-number-in-equal-looking-subtree",
    ),
    pytest.param(
        {"a": {"x": 1, "y": 2}, "f": [True], "m": [{"p": 1, "q": 2}], "n": 1},
        {"a": {"y": 2, "x": 1}, "f": [1], "m": [{"q": 2, "p": 1}], "n": 2},
        rules(),
        {
            (Kind.ORDER, "$.a"),
            (Kind.TYPE, "$.f[0]"),
            (Kind.ORDER, "$.m[0]"),
            (Kind.VALUE, "$.n"),
        },
        set(),
        id="python-equal-subtrees-beside-a-difference",
    ),
    pytest.param(
        [{"a": 1, "b": 2}, [False], 3],
        [{"b": 2, "a": 1}, [0], 4],
        rules(),
        {(Kind.ORDER, "$[0]"), (Kind.TYPE, "$[1][0]"), (Kind.VALUE, "$[2]")},
        set(),
        id="python-equal-elements-beside-a-difference",
    ),
    pytest.param(
        {"options": []},
        {"options": {}},
        rules(),
        {(Kind.TYPE, "$.options")},
        set(),
        id="php-empty-map-is-an-array",
    ),
]


@pytest.mark.parametrize(("legacy", "new", "route_rules", "mismatched", "ignored"), CASES)
def test_rules(
    legacy: Any, new: Any, route_rules: CompareRules, mismatched: Found, ignored: Found
) -> None:
    result = diff(obs(legacy), obs(new), route_rules)
    assert found(result) == (mismatched, ignored)
    assert result.outcome is (Outcome.MISMATCH if mismatched else Outcome.MATCH)


def test_ignored_differences_say_which_rule_excused_them() -> None:
    result = diff(
        obs({"price": 34, "updated_at": "2024-05-01 09:00:00", "id": 1}),
        obs({"price": 34.001, "updated_at": "2024-05-02 09:00:00", "id": 2}),
        rules(
            ignore=("$.id",),
            tolerance={"$.price": 0.005},
            normalize={"$..updated_at": "timestamp"},
        ),
    )
    assert {d.path: d.note for d in result.ignored} == {
        "$.id": "ignore $.id",
        "$.price": "tolerance $.price: 0.005",
        "$.updated_at": "normalize $..updated_at: timestamp",
    }
    assert result.outcome is Outcome.MATCH


def test_differences_carry_both_values() -> None:
    result = diff(
        obs(attrs(("color", "49"), ("size", "1"))),
        obs(attrs(("size", "1"), ("color", "50"), ("new", "x"))),
        rules(keyed=KEYED_ATTRS),
    )
    by_path = {d.path: (d.kind, d.legacy, d.new) for d in result.differences}
    assert by_path == {
        "$.custom_attributes[attribute_code=color].value": (Kind.VALUE, "49", "50"),
        "$.custom_attributes[attribute_code=new]": (
            Kind.EXTRA,
            None,
            {"attribute_code": "new", "value": "x"},
        ),
    }
    (order,) = result.ignored
    assert (order.legacy, order.new) == (["color", "size"], ["size", "color"])
    assert "element order is not compared" in order.note


# --------------------------------------------------------------------------- exact: the bytes

EXACT = rules(exact=True)


@pytest.mark.parametrize(
    ("legacy", "new", "cause"),
    [
        pytest.param(b'{"a":"\\/m\\/b"}', b'{"a":"/m/b"}', "'/' escaping", id="slash"),
        pytest.param(b'{"a":"\\/m\\/b"}', b'{"a": "\\/m\\/b"}', "whitespace", id="space"),
        pytest.param(b'{"n":"\\u00e9"}', '{"n":"é"}'.encode(), "unicode escaping", id="utf8"),
        pytest.param(b'{"p":1.5}', b'{"p":1.50}', "number format", id="trailing-zero"),
        pytest.param(b'{"p":1e3}', b'{"p":1000.0}', "number format", id="exponent"),
    ],
)
def test_exact_reports_encoding_when_values_agree(legacy: bytes, new: bytes, cause: str) -> None:
    assert diff(obs(legacy), obs(new)).outcome is Outcome.MATCH  # default: values agree
    result = diff(obs(legacy), obs(new), EXACT)
    (body,) = result.differences
    assert (body.kind, body.path) == (Kind.BODY, "body")
    assert body.note.startswith("same JSON values, different bytes: " + cause)


def test_exact_finds_an_encoding_bug_beside_a_value_difference() -> None:
    legacy = phpjson.encode({"price": 34, "file": "/m/b/mb01.jpg", "updated_at": "2024-05-01"})
    new = b'{"price":35,"file":"/m/b/mb01.jpg","updated_at":"2024-06-01"}'  # json.dumps-ish
    result = diff(obs(legacy), obs(new), rules(exact=True, ignore=("$.updated_at",)))
    assert {(d.kind, d.path) for d in result.differences} == {
        (Kind.VALUE, "$.price"),
        (Kind.BODY, "body"),
    }
    body = next(d for d in result.differences if d.kind is Kind.BODY)
    assert body.note.startswith("new body is not PHP json_encode output: '/' escaping")
    assert "\\/m\\/b" in body.legacy and "/m/b/mb01" in body.new


def test_exact_does_not_blame_new_when_legacy_is_not_canonical() -> None:
    result = diff(obs(b'{"a": 1, "b": "x"}'), obs(b'{"a": 2, "b": "x"}'), EXACT)
    assert found(result) == ({(Kind.VALUE, "$.a")}, set())


def test_exact_is_quiet_when_new_is_canonical_and_the_rest_is_excused() -> None:
    legacy = phpjson.encode({"price": 34, "updated_at": "2024-05-01 09:00:00"})
    new = phpjson.encode({"price": 34.0, "updated_at": "2024-06-01 09:00:00"})
    result = diff(obs(legacy), obs(new), rules(exact=True, ignore=("$.updated_at",)))
    assert found(result) == (set(), {(Kind.VALUE, "$.updated_at")})


# ------------------------------------------------------------------- status, headers, bodies


def test_headers_compare_case_insensitively_and_ignored_ones_never() -> None:
    route_rules = CompareRules(
        headers=("Content-Type", "X-Cache", "Date"), ignore_headers=("date",)
    )
    same = diff(
        Observed(200, {"Content-Type": "application/json", "date": "Mon"}, b"{}"),
        Observed(200, {"content-type": "application/json", "Date": "Tue"}, b"{}"),
        route_rules,
    )
    assert same.outcome is Outcome.MATCH
    differ = diff(
        Observed(200, {"Content-Type": "application/json", "X-Cache": "HIT"}, b"{}"),
        Observed(200, {"content-type": "text/html"}, b"{}"),
        route_rules,
    )
    assert [(d.kind, d.path, d.legacy, d.new) for d in differ.differences] == [
        (Kind.HEADER, "header:content-type", "application/json", "text/html"),
        (Kind.HEADER, "header:x-cache", "HIT", None),
    ]


def test_json_against_non_json_is_a_body_difference() -> None:
    result = diff(obs(b'{"a":1}'), obs(b"<html>502</html>"), rules(ignore=("$",)))
    assert found(result) == ({(Kind.BODY, "body")}, set())


def test_the_kinds_are_a_closed_set() -> None:
    assert {k.value for k in Kind} == {
        "value",
        "type",
        "missing",
        "extra",
        "order",
        "length",
        "status",
        "header",
        "body",
    }


def test_differences_are_capped() -> None:
    legacy = {f"k{i}": i for i in range(MAX_DIFFERENCES * 3)}
    new = {f"k{i}": i + 1 for i in range(MAX_DIFFERENCES * 3)}
    result = diff(obs(legacy), obs(new))
    assert len(result.differences) == MAX_DIFFERENCES
    assert result.outcome is Outcome.MISMATCH


def test_walk_takes_rules_and_a_root() -> None:
    found_paths = [
        d.path for d in walk(ATTRS_A, ATTRS_REORDERED, "body", CompareRules(keyed=KEYED_ATTRS))
    ]
    assert found_paths == []
    assert [d.path for d in walk({"a": 1}, {"a": 2}, "body")] == ["body.a"]


# ------------------------------------------------------------------------------ compiled rules


def test_rules_are_compiled_once_per_rules_object() -> None:
    one = rules(ignore=("$.a",))
    assert compile_rules(one) is compile_rules(one)
    other = rules(ignore=("$.a",))
    assert compile_rules(other) is not compile_rules(one)
    assert compile_rules(other).ignore[0].text == "$.a"


@pytest.mark.parametrize(
    ("route_rules", "message"),
    [
        pytest.param(rules(ignore=("updated_at",)), "ignore: bad path pattern", id="pattern"),
        pytest.param(rules(keyed={"$.a[": "x"}), "keyed: bad path pattern", id="keyed"),
        pytest.param(rules(normalize={"$.a": "date"}), "unknown normaliser 'date'", id="name"),
        pytest.param(rules(exact="yes"), "exact: must be true or false", id="exact"),
    ],
)
def test_bad_rules_built_in_code_are_refused(route_rules: CompareRules, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        diff(obs({"a": 1}), obs({"a": 2}), route_rules)


# --------------------------------------------------------------------- routes.yaml compare:

ROUTES = """\
version: 1
backends:
  legacy:  {{url: "http://127.0.0.1:1"}}
  catalog: {{url: "http://127.0.0.1:2"}}
routes:
  - id: catalog-product
    match: {{methods: [GET], path: "/rest/V1/products/{{sku}}"}}
    new: catalog
    mode: shadow
    compare:
{compare}
"""


def parse_compare(compare: str) -> CompareRules:
    text = ROUTES.format(compare=textwrap.indent(textwrap.dedent(compare), " " * 6))
    return config.parse(text, source="routes.yaml", env={}).routes[0].compare


def compare_problems(compare: str) -> list[str]:
    text = ROUTES.format(compare=textwrap.indent(textwrap.dedent(compare), " " * 6))
    with pytest.raises(ConfigError) as caught:
        config.parse(text, source="routes.yaml", env={})
    return [str(p) for p in caught.value.problems]


def test_routes_yaml_compare_rules_reach_the_comparator() -> None:
    parsed = parse_compare("""\
        ignore: ["$.updated_at", "$..created_at"]
        keyed: {"$.custom_attributes": attribute_code}
        unordered: ["$.media_gallery_entries"]
        tolerance: {"$.price": 0.005}
        normalize: {"$..request_id": uuid}
        exact: true
        """)
    assert parsed.ignore == ("$.updated_at", "$..created_at")
    assert parsed.extra == {"normalize": {"$..request_id": "uuid"}, "exact": True}
    compiled = compile_rules(parsed)
    assert compiled.exact is True
    assert [name for _, name, _ in compiled.normalize] == ["uuid"]


@pytest.mark.parametrize(
    ("compare", "expected"),
    [
        pytest.param(
            'ignore: ["$.updated_at", "updated_at"]\n',
            "routes.yaml:11: routes[0].compare.ignore[1]: bad path pattern 'updated_at': "
            "must start with '$'",
            id="ignore-pattern",
        ),
        pytest.param(
            'unordered: ["$.media["]\n',
            "routes.yaml:11: routes[0].compare.unordered[0]: bad path pattern '$.media[': "
            'bad bracket at offset 7: use [*], [3], ["key"] or [field=value]',
            id="unordered-pattern",
        ),
        pytest.param(
            "keyed: {custom_attributes: attribute_code}\n",
            "routes.yaml:11: routes[0].compare.keyed.custom_attributes: bad path pattern "
            "'custom_attributes': must start with '$'",
            id="keyed-pattern",
        ),
        pytest.param(
            'tolerance: {"$.price..": 0.1}\n',
            "routes.yaml:11: routes[0].compare.tolerance.$.price..: bad path pattern "
            "'$.price..': expected a name, '*' or '[...]' at offset 9",
            id="tolerance-pattern",
        ),
        pytest.param(
            'normalize:\n  "$.updated_at": timestamp\n  "$.quote_id": masked_ids\n',
            "routes.yaml:13: routes[0].compare.normalize.$.quote_id: unknown normaliser "
            "'masked_ids' (expected one of: " + ", ".join(sorted(NORMALIZERS)) + ")",
            id="unknown-normaliser",
        ),
        pytest.param(
            'normalize: {"updated_at": timestamp}\n',
            "routes.yaml:11: routes[0].compare.normalize.updated_at: bad path pattern "
            "'updated_at': must start with '$'",
            id="normalize-pattern",
        ),
        pytest.param(
            "exact: sometimes\n",
            "routes.yaml:11: routes[0].compare.exact: must be true or false, got 'sometimes'",
            id="exact-bool",
        ),
    ],
)
def test_compare_problems_are_located(compare: str, expected: str) -> None:
    assert expected in compare_problems(compare)


def test_every_compare_problem_is_reported_at_once() -> None:
    found_problems = compare_problems("""\
        ignore: ["nope"]
        normalize: {"$.a": dates}
        exact: maybe
        """)
    assert len(found_problems) == 3


# ------------------------------------------------------------ real answers from legacy Magento

Edit = Callable[[dict[str, Any]], tuple[Found, Found]]
PRODUCT_RULES = rules(
    keyed={"$.custom_attributes": "attribute_code"},
    unordered=("$.media_gallery_entries", "$.extension_attributes.configurable_product_links"),
    tolerance={"$.price": 0.005},
    normalize={"$.updated_at": "timestamp", "$.created_at": "timestamp"},
    ignore=("$.extension_attributes.stock_item.low_stock_date",),
)


def pick_sku(magento_db: Any, type_id: str, preferred: str) -> str:
    """The Luma product the contract names, or the first of its type in a generated catalog."""
    with magento_db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT sku FROM catalog_product_entity WHERE type_id = %s "
            "ORDER BY sku = %s DESC, entity_id LIMIT 1",
            (type_id, preferred),
        )
        row = cursor.fetchone()
    assert row is not None, f"the catalog has no {type_id} product"
    return str(row["sku"])


async def fetch(legacy: TestClient[Any, Any], token: str, sku: str) -> Observed:
    response = await legacy.get(f"/rest/V1/products/{sku}", headers=bearer(token))
    body = await response.read()
    assert response.status == 200, body
    headers = {k.lower(): v for k, v in response.headers.items()}
    return Observed(response.status, headers, body)


def edited(answer: Observed, doc: dict[str, Any]) -> Observed:
    return Observed(answer.status, answer.headers, phpjson.encode(doc))


def change_price(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["price"] = doc["price"] + 1
    return {(Kind.VALUE, "$.price")}, set()


def price_within_tolerance(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["price"] = doc["price"] + 0.004
    return set(), {(Kind.VALUE, "$.price")}


def price_as_string(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["price"] = str(doc["price"])
    return {(Kind.TYPE, "$.price")}, set()


def drop_last_attribute(doc: dict[str, Any]) -> tuple[Found, Found]:
    code = doc["custom_attributes"].pop()["attribute_code"]
    return {(Kind.MISSING, f"$.custom_attributes[attribute_code={code}]")}, set()


def reorder_attributes(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["custom_attributes"].reverse()
    return set(), {(Kind.ORDER, "$.custom_attributes")}


def change_an_attribute(doc: dict[str, Any]) -> tuple[Found, Found]:
    first = doc["custom_attributes"][0]
    first["value"] = "changed"
    doc["custom_attributes"].append(doc["custom_attributes"].pop(0))
    path = f"$.custom_attributes[attribute_code={first['attribute_code']}].value"
    return {(Kind.VALUE, path)}, {(Kind.ORDER, "$.custom_attributes")}


def touch_updated_at(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["updated_at"] = "2031-01-02 03:04:05"
    return set(), {(Kind.VALUE, "$.updated_at")}


def change_stock_qty(doc: dict[str, Any]) -> tuple[Found, Found]:
    stock = doc["extension_attributes"]["stock_item"]
    stock["qty"] = stock["qty"] + 1
    return {(Kind.VALUE, "$.extension_attributes.stock_item.qty")}, set()


def category_id_as_int(doc: dict[str, Any]) -> tuple[Found, Found]:
    link = doc["extension_attributes"]["category_links"][0]
    link["category_id"] = int(link["category_id"])
    return {(Kind.TYPE, "$.extension_attributes.category_links[0].category_id")}, set()


def sku_before_id(doc: dict[str, Any]) -> tuple[Found, Found]:
    sku = doc.pop("sku")
    rest = dict(doc)
    doc.clear()
    doc.update({"sku": sku, **rest})
    return {(Kind.ORDER, "$")}, set()


def reorder_media(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["media_gallery_entries"].reverse()
    return set(), set()


def drop_first_media(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["media_gallery_entries"].pop(0)
    return {(Kind.MISSING, "$.media_gallery_entries[0]")}, set()


def drop_weight_add_field(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["special_price"] = 10
    doc.pop("visibility")
    return {(Kind.EXTRA, "$.special_price"), (Kind.MISSING, "$.visibility")}, set()


def reorder_child_links(doc: dict[str, Any]) -> tuple[Found, Found]:
    doc["extension_attributes"]["configurable_product_links"].reverse()
    return set(), set()


def drop_child_link(doc: dict[str, Any]) -> tuple[Found, Found]:
    links = doc["extension_attributes"]["configurable_product_links"]
    links.pop()
    path = f"$.extension_attributes.configurable_product_links[{len(links)}]"
    return {(Kind.MISSING, path)}, set()


SIMPLE_EDITS = [
    pytest.param(change_price, id="price-changed"),
    pytest.param(price_within_tolerance, id="price-within-tolerance"),
    pytest.param(price_as_string, id="price-as-string"),
    pytest.param(drop_last_attribute, id="custom-attribute-removed"),
    pytest.param(reorder_attributes, id="custom-attributes-reordered"),
    pytest.param(change_an_attribute, id="custom-attribute-changed-and-moved"),
    pytest.param(touch_updated_at, id="volatile-updated-at"),
    pytest.param(change_stock_qty, id="stock-qty"),
    pytest.param(category_id_as_int, id="category-id-type"),
    pytest.param(sku_before_id, id="key-order"),
    pytest.param(reorder_media, id="media-reordered"),
    pytest.param(drop_first_media, id="media-removed"),
    pytest.param(drop_weight_add_field, id="field-missing-and-extra"),
]


@pytest.mark.parametrize("edit", SIMPLE_EDITS)
async def test_edits_of_a_real_simple_product(
    legacy: TestClient[Any, Any], admin_token: str, magento_db: Any, edit: Edit
) -> None:
    answer = await fetch(legacy, admin_token, pick_sku(magento_db, "simple", "24-MB01"))
    doc = orjson.loads(answer.body)
    assert doc["custom_attributes"] and doc["media_gallery_entries"], "needs a rich product"
    mismatched, ignored = edit(doc)
    result = diff(answer, edited(answer, doc), PRODUCT_RULES)
    assert found(result) == (mismatched, ignored)
    assert result.outcome is (Outcome.MISMATCH if mismatched else Outcome.MATCH)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(reorder_child_links, id="child-links-reordered"),
        pytest.param(drop_child_link, id="child-link-removed"),
        pytest.param(reorder_attributes, id="custom-attributes-reordered"),
        pytest.param(change_price, id="price-changed"),
    ],
)
async def test_edits_of_a_real_configurable_product(
    legacy: TestClient[Any, Any], admin_token: str, magento_db: Any, edit: Edit
) -> None:
    answer = await fetch(legacy, admin_token, pick_sku(magento_db, "configurable", "MH01"))
    doc = orjson.loads(answer.body)
    assert len(doc["extension_attributes"]["configurable_product_links"]) > 1
    mismatched, ignored = edit(doc)
    result = diff(answer, edited(answer, doc), PRODUCT_RULES)
    assert found(result) == (mismatched, ignored)


async def test_a_real_answer_agrees_with_itself_and_its_re_encoding(
    legacy: TestClient[Any, Any], admin_token: str, magento_db: Any
) -> None:
    answer = await fetch(legacy, admin_token, pick_sku(magento_db, "configurable", "MH01"))
    doc = orjson.loads(answer.body)
    assert diff(answer, answer, PRODUCT_RULES) == Divergence(Outcome.MATCH)
    assert diff(answer, edited(answer, copy.deepcopy(doc)), EXACT) == Divergence(Outcome.MATCH)
    python_bytes = Observed(200, answer.headers, orjson.dumps(doc))  # no \/, no PHP floats
    assert diff(answer, python_bytes).outcome is Outcome.MATCH
    (body,) = diff(answer, python_bytes, EXACT).differences
    assert body.kind is Kind.BODY and "'/' escaping" in body.note


async def test_unkeyed_rules_see_a_reordering_of_real_custom_attributes(
    legacy: TestClient[Any, Any], admin_token: str, magento_db: Any
) -> None:
    answer = await fetch(legacy, admin_token, pick_sku(magento_db, "simple", "24-MB01"))
    doc = orjson.loads(answer.body)
    codes = [a["attribute_code"] for a in doc["custom_attributes"]]
    doc["custom_attributes"].reverse()
    result = diff(answer, edited(answer, doc), CompareRules())
    assert result.outcome is Outcome.MISMATCH
    paths = {d.path for d in result.differences}
    assert "$.custom_attributes[0].attribute_code" in paths
    first = next(d for d in result.differences if d.path == "$.custom_attributes[0].attribute_code")
    assert (first.legacy, first.new) == (codes[0], codes[-1])
