"""`query.parse`: PHP's `parse_str` / `$_GET` semantics (`php_register_variable_ex`).

Every expectation here is what PHP 8.4 puts in `$_GET` for the same query string, with PHP's
integer-like keys written as strings (the tree keeps keys as text).
"""

from __future__ import annotations

from typing import Any

import pytest

from legacy_adapters.magento_wire import query


def qs(*pairs: str) -> str:
    """A raw query string from raw `name=value` pairs (sent as written, no encoding)."""
    return "&".join(pairs)


def brackets(*keys: str) -> str:
    return "".join(f"[{k}]" for k in keys)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(qs("a=1"), {"a": "1"}, id="plain"),
        pytest.param(qs("a=1", "b=2"), {"a": "1", "b": "2"}, id="two-plain"),
        pytest.param(qs("a[b][c]=x"), {"a": {"b": {"c": "x"}}}, id="nested-brackets"),
        pytest.param(qs("a[b]=1", "a[c]=2"), {"a": {"b": "1", "c": "2"}}, id="siblings-merge"),
        pytest.param(
            qs(
                "searchCriteria[filter_groups][0][filters][0][field]=sku",
                "searchCriteria[filter_groups][0][filters][0][value]=24-MB0%25",
            ),
            {
                "searchCriteria": {
                    "filter_groups": {"0": {"filters": {"0": {"field": "sku", "value": "24-MB0%"}}}}
                }
            },
            id="search-criteria-shape",
        ),
        pytest.param(qs("a"), {"a": ""}, id="no-equals-is-empty-string"),
        pytest.param(qs("a="), {"a": ""}, id="empty-value"),
        pytest.param(qs("a=1=2"), {"a": "1=2"}, id="value-keeps-later-equals"),
        pytest.param("&&a=1&", {"a": "1"}, id="empty-pairs-skipped"),
        pytest.param(qs("=1"), {}, id="empty-name-dropped"),
        pytest.param("", {}, id="empty-query"),
    ],
)
def test_basic_shapes(raw: str, expected: dict[str, Any]) -> None:
    assert query.parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(qs("a[]=x", "a[]=y"), {"a": {"0": "x", "1": "y"}}, id="append-from-zero"),
        pytest.param(qs("a[5]=x", "a[]=y"), {"a": {"5": "x", "6": "y"}}, id="append-after-max"),
        pytest.param(
            qs("a[5]=x", "a[2]=y", "a[]=z"),
            {"a": {"5": "x", "2": "y", "6": "z"}},
            id="append-after-max-not-last",
        ),
        pytest.param(
            qs("a[k]=x", "a[]=y"), {"a": {"k": "x", "0": "y"}}, id="string-keys-do-not-count"
        ),
        # PHP >= 8.3: an array whose only int key is negative continues from it
        pytest.param(
            qs("a[-3]=x", "a[]=y"), {"a": {"-3": "x", "-2": "y"}}, id="append-after-negative"
        ),
        # "05", "-0", " 1" are string keys in PHP, not integers
        pytest.param(
            qs("a[05]=x", "a[]=y"), {"a": {"05": "x", "0": "y"}}, id="leading-zero-is-string-key"
        ),
        pytest.param(
            qs("a[-0]=x", "a[]=y"), {"a": {"-0": "x", "0": "y"}}, id="minus-zero-is-string-key"
        ),
        # a non-ASCII digit is a string key too (and must not crash int())
        pytest.param(
            qs("a[%C2%B2]=x", "a[]=y"),
            {"a": {"²": "x", "0": "y"}},
            id="superscript-digit-is-string-key",
        ),
        pytest.param(
            qs("a[%D9%A3]=x", "a[]=y"), {"a": {"٣": "x", "0": "y"}}, id="arabic-digit-is-string-key"
        ),
        pytest.param(
            qs("a[][b]=1", "a[][b]=2"),
            {"a": {"0": {"b": "1"}, "1": {"b": "2"}}},
            id="append-opens-a-new-map-each-time",
        ),
        pytest.param(
            qs("a[x][]=1", "a[x][]=2"), {"a": {"x": {"0": "1", "1": "2"}}}, id="nested-append"
        ),
        pytest.param(
            qs("a[ ]=x", "a[ ]=y"), {"a": {"0": "x", "1": "y"}}, id="single-space-index-appends"
        ),
        pytest.param(qs("a[  ]=x"), {"a": {"  ": "x"}}, id="two-space-index-is-a-key"),
        pytest.param(qs("a[]=x", "a=y"), {"a": "y"}, id="scalar-after-array-wins"),
    ],
)
def test_append_and_integer_keys(raw: str, expected: dict[str, Any]) -> None:
    assert query.parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(qs("a=1", "a=2"), {"a": "2"}, id="later-scalar-wins"),
        pytest.param(qs("a[b]=1", "a[b]=2"), {"a": {"b": "2"}}, id="later-nested-wins"),
        pytest.param(qs("a=1", "a[b]=2"), {"a": {"b": "2"}}, id="string-becomes-map"),
        pytest.param(qs("a[b]=2", "a=1"), {"a": "1"}, id="map-becomes-string"),
        pytest.param(
            qs("a[b]=1", "a[b][c]=2"), {"a": {"b": {"c": "2"}}}, id="nested-string-becomes-map"
        ),
        pytest.param(
            qs("a[b][c]=2", "a[b]=1", "a[d]=3"),
            {"a": {"b": "1", "d": "3"}},
            id="nested-map-becomes-string-siblings-kept",
        ),
        pytest.param(
            qs("a[1]=x", "a[0]=y"), {"a": {"1": "x", "0": "y"}}, id="insertion-order-kept"
        ),
    ],
)
def test_later_keys_win(raw: str, expected: dict[str, Any]) -> None:
    result = query.parse(raw)
    assert result == expected
    assert list(_flatten_keys(result)) == list(_flatten_keys(expected))  # order too


def _flatten_keys(tree: Any, prefix: str = "") -> Any:
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield prefix + "/" + k
            yield from _flatten_keys(v, prefix + "/" + k)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(qs("a=x+y%20z"), {"a": "x y z"}, id="plus-and-percent-20-are-space"),
        pytest.param(qs("a=%2B"), {"a": "+"}, id="encoded-plus"),
        pytest.param(qs("a=%e2%82%ac"), {"a": "€"}, id="lowercase-hex-utf8"),
        pytest.param(qs("a=%E2%82%AC"), {"a": "€"}, id="uppercase-hex-utf8"),
        pytest.param(qs("a=%zz"), {"a": "%zz"}, id="invalid-escape-kept"),
        pytest.param(qs("a=%"), {"a": "%"}, id="lone-percent-kept"),
        pytest.param(qs("a=%4"), {"a": "%4"}, id="short-escape-kept"),
        pytest.param(qs("a=%2"), {"a": "%2"}, id="truncated-escape-kept"),
        pytest.param(qs("a=%26b%3D1"), {"a": "&b=1"}, id="encoded-separators-are-data"),
        pytest.param(qs("a%5Bb%5D=1"), {"a": {"b": "1"}}, id="encoded-brackets-nest"),
        pytest.param(qs("a%5bb%5d=1"), {"a": {"b": "1"}}, id="encoded-brackets-lowercase"),
        pytest.param(qs("a[b+c]=1"), {"a": {"b c": "1"}}, id="plus-in-key"),
        pytest.param(qs("a=%00"), {"a": "\x00"}, id="nul-byte"),
        pytest.param(qs("k%C3%A9y=v%C3%A4l"), {"kéy": "väl"}, id="utf8-name-and-value"),
    ],
)
def test_percent_and_plus_decoding(raw: str, expected: dict[str, Any]) -> None:
    assert query.parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # an unterminated first bracket becomes part of the name, `[` -> `_`
        pytest.param(qs("a[b=1"), {"a_b": "1"}, id="unterminated-first-bracket"),
        pytest.param(qs("a[b.c d[e=1"), {"a_b_c_d_e": "1"}, id="unterminated-first-bracket-tail"),
        pytest.param(qs("a[=1"), {"a_": "1"}, id="lone-open-bracket"),
        # an unterminated later bracket is dropped; the keys before it stand
        pytest.param(qs("a[b][c=1"), {"a": {"b": "1"}}, id="unterminated-later-bracket"),
        # text after `]` that is not `[` ends the key list
        pytest.param(qs("a[b]c[d]=1"), {"a": {"b": "1"}}, id="junk-after-bracket"),
        pytest.param(qs("a[b]]=1"), {"a": {"b": "1"}}, id="double-close"),
        pytest.param(qs("a[b[c]=1"), {"a": {"b[c": "1"}}, id="open-inside-key"),
        pytest.param(qs("a]=1"), {"a]": "1"}, id="close-without-open"),
        pytest.param(qs("[a]=1"), {}, id="empty-base-name-dropped"),
        pytest.param(qs("[]=1"), {}, id="only-brackets-dropped"),
        pytest.param(qs("a[]]=1"), {"a": {"0": "1"}}, id="append-then-junk"),
        # the base name's dots and spaces become underscores, leading spaces are skipped
        pytest.param(qs("a.b=1"), {"a_b": "1"}, id="dot-in-name"),
        pytest.param(qs("a+b=1"), {"a_b": "1"}, id="space-in-name"),
        pytest.param(qs("+a=1"), {"a": "1"}, id="leading-space-skipped"),
        pytest.param(qs("+=1"), {}, id="only-space-dropped"),
        pytest.param(qs("a[b.c]=1"), {"a": {"b.c": "1"}}, id="dot-in-index-kept"),
        pytest.param(qs("a.b[c.d]=1"), {"a_b": {"c.d": "1"}}, id="dot-in-name-not-index"),
    ],
)
def test_malformed_brackets_and_names(raw: str, expected: dict[str, Any]) -> None:
    assert query.parse(raw) == expected


def _nested(depth: int, leaf: str) -> dict[str, Any]:
    tree: Any = leaf
    for i in reversed(range(depth)):
        tree = {f"k{i}": tree}
    return tree


@pytest.mark.parametrize(
    ("depth", "kept"),
    [
        pytest.param(1, True, id="depth-1"),
        pytest.param(query.MAX_DEPTH - 1, True, id="depth-max-minus-1"),
        pytest.param(query.MAX_DEPTH, True, id="depth-max"),
        pytest.param(query.MAX_DEPTH + 1, False, id="depth-max-plus-1-dropped"),
        pytest.param(200, False, id="depth-200-dropped"),
    ],
)
def test_max_nesting_depth(depth: int, kept: bool) -> None:
    keys = [f"k{i}" for i in range(depth)]
    raw = qs("before=1", "a" + brackets(*keys) + "=x", "after=2")
    result = query.parse(raw)
    # PHP drops a variable nested deeper than max_input_nesting_level, and only that one
    assert result.pop("before") == "1"
    assert result.pop("after") == "2"
    assert result == ({"a": _nested(depth, "x")} if kept else {})


def test_max_depth_is_phps_default() -> None:
    assert query.MAX_DEPTH == 64


def test_max_vars_keeps_the_first_thousand() -> None:
    raw = qs(*(f"v{i}={i}" for i in range(query.MAX_VARS + 5)))
    result = query.parse(raw)
    assert len(result) == query.MAX_VARS == 1000
    assert result["v999"] == "999"
    assert "v1000" not in result


def test_max_vars_counts_appends_and_ignores_empty_pairs() -> None:
    raw = "&&" + qs(*(["a[]=x"] * (query.MAX_VARS - 1)), "b=last", "c=over") + "&&"
    result = query.parse(raw)
    assert len(result["a"]) == query.MAX_VARS - 1
    assert result["b"] == "last"
    assert "c" not in result


def test_leaves_are_always_strings() -> None:
    result = query.parse(qs("n=1", "f=1.5", "t=true", "z=null"))
    assert result == {"n": "1", "f": "1.5", "t": "true", "z": "null"}
    assert all(isinstance(v, str) for v in result.values())
