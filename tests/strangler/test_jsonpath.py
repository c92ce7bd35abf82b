"""jsonpath: flattened paths as text, compare-rule patterns parsed once and matched on tuples."""

from __future__ import annotations

import re

import pytest

from strangler.jsonpath import (
    ANY,
    DESCEND,
    Element,
    Index,
    Name,
    Path,
    Pick,
    format_path,
    parse_pattern,
)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param((), "$", id="root"),
        pytest.param(("items", 2, "price"), "$.items[2].price", id="key-index-key"),
        pytest.param(
            ("custom_attributes", Element("attribute_code", "color"), "value"),
            "$.custom_attributes[attribute_code=color].value",
            id="keyed-element",
        ),
        pytest.param(("items", Element("sku", "24-MB01")), "$.items[sku=24-MB01]", id="sku"),
        pytest.param(("items", Element("sku", "a b")), '$.items[sku="a b"]', id="quoted-value"),
        pytest.param(("items", Element("item_id", 7)), "$.items[item_id=7]", id="int-key"),
        pytest.param(("items", Element("sku", "A", 1)), "$.items[sku=A#2]", id="second-same-key"),
        pytest.param(("a.b",), '$["a.b"]', id="dotted-key-quoted"),
        pytest.param(("",), '$[""]', id="empty-key"),
        pytest.param(("@type", "x-y"), "$.@type.x-y", id="plain-punctuation"),
    ],
)
def test_format_path(path: Path, text: str) -> None:
    assert format_path(path) == text


def test_format_path_with_another_root() -> None:
    assert format_path(("a", 0), root="body") == "body.a[0]"


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        pytest.param("$", (), id="root"),
        pytest.param("$.updated_at", (Name("updated_at"),), id="name"),
        pytest.param("$.items[*].item_id", (Name("items"), ANY, Name("item_id")), id="any-index"),
        pytest.param("$.a.*.b", (Name("a"), ANY, Name("b")), id="any-key"),
        pytest.param("$..created_at", (DESCEND, Name("created_at")), id="descend"),
        pytest.param("$..[*]", (DESCEND, ANY), id="descend-bracket"),
        pytest.param("$..*", (DESCEND, ANY), id="descend-star"),
        pytest.param("$.items[0]", (Name("items"), Index(0)), id="index"),
        pytest.param('$["a.b"]', (Name("a.b"),), id="double-quoted-key"),
        pytest.param("$['a b']", (Name("a b"),), id="single-quoted-key"),
        pytest.param(
            "$.custom_attributes[attribute_code=color].value",
            (Name("custom_attributes"), Pick("attribute_code", "color"), Name("value")),
            id="pick",
        ),
        pytest.param('$.items[sku="a]b"]', (Name("items"), Pick("sku", "a]b")), id="pick-quoted"),
        pytest.param(
            "$.extension_attributes.shipping_assignments[*].shipping.address.id",
            (
                Name("extension_attributes"),
                Name("shipping_assignments"),
                ANY,
                Name("shipping"),
                Name("address"),
                Name("id"),
            ),
            id="deep",
        ),
    ],
)
def test_parse_pattern(text: str, tokens: tuple[object, ...]) -> None:
    pattern = parse_pattern(text)
    assert pattern.tokens == tokens
    assert pattern.text == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("updated_at", "must start with '$'", id="no-root"),
        pytest.param("", "must start with '$'", id="empty"),
        pytest.param("$.", "expected a name, '*' or '[...]' at offset 2", id="dangling-dot"),
        pytest.param("$..", "expected a name, '*' or '[...]' at offset 3", id="dangling-descend"),
        pytest.param("$...a", "expected a name, '*' or '[...]' at offset 3", id="three-dots"),
        pytest.param("$.a[", "bad bracket at offset 3", id="open-bracket"),
        pytest.param("$.a[x]", "bad bracket", id="bare-word-bracket"),
        pytest.param("$a", "unexpected 'a' at offset 1", id="no-separator"),
        pytest.param("$.a]", "unexpected ']'", id="stray-bracket"),
    ],
)
def test_bad_patterns_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_pattern(text)


COLOR = Element("attribute_code", "color")


@pytest.mark.parametrize(
    ("pattern", "path", "matches", "covers"),
    [
        pytest.param("$.updated_at", ("updated_at",), True, True, id="exact"),
        pytest.param("$.updated_at", ("updated_at_x",), False, False, id="no-prefix-names"),
        pytest.param("$.a", ("a", "b", 0), False, True, id="subtree"),
        pytest.param("$", ("a", 1), False, True, id="root-covers-all"),
        pytest.param("$", (), True, True, id="root-is-root"),
        pytest.param("$.a.b", ("a",), False, False, id="ancestor-not-covered"),
        pytest.param("$.items[*].item_id", ("items", 3, "item_id"), True, True, id="any-index"),
        pytest.param("$.items[*].item_id", ("items", "x", "item_id"), True, True, id="any-key"),
        pytest.param(
            "$.items[*].item_id", ("items", Element("sku", "A"), "item_id"), True, True, id="any-el"
        ),
        pytest.param("$.items[*]", ("items",), False, False, id="any-needs-one"),
        pytest.param("$..created_at", ("created_at",), True, True, id="descend-zero"),
        pytest.param("$..created_at", ("a", 0, "b", "created_at"), True, True, id="descend-deep"),
        pytest.param("$..created_at", ("a", "created_at", "x"), False, True, id="descend-under"),
        pytest.param("$..created_at", ("a", "updated_at"), False, False, id="descend-miss"),
        pytest.param("$..items[*].id", ("x", "items", 1, "id"), True, True, id="descend-then-any"),
        pytest.param("$.a..b", ("a", "b", "c", "b"), True, True, id="descend-backtracks"),
        pytest.param("$.items[0]", ("items", 0), True, True, id="index"),
        pytest.param("$.items[0]", ("items", 1), False, False, id="other-index"),
        pytest.param("$.items[0]", ("items", "0"), False, False, id="index-is-not-key"),
        pytest.param("$.a", (0,), False, False, id="key-is-not-index"),
        pytest.param(
            "$.custom_attributes[attribute_code=color].value",
            ("custom_attributes", COLOR, "value"),
            True,
            True,
            id="pick",
        ),
        pytest.param(
            "$.custom_attributes[attribute_code=size]",
            ("custom_attributes", COLOR),
            False,
            False,
            id="pick-other-value",
        ),
        pytest.param(
            "$.custom_attributes[code=color]",
            ("custom_attributes", COLOR),
            False,
            False,
            id="pick-other-field",
        ),
        pytest.param("$.items[item_id=7]", ("items", Element("item_id", 7)), True, True, id="int"),
    ],
)
def test_matches_and_covers(pattern: str, path: Path, matches: bool, covers: bool) -> None:
    parsed = parse_pattern(pattern)
    assert parsed.matches(path) is matches
    assert parsed.covers(path) is covers
