"""PHP `json_encode($data)` with default flags, byte for byte (CONTRACT.md §1.3).

Expectations are what PHP 7.1+ prints with `serialize_precision = -1` (php_gcvt with 17 digits:
fixed notation for a decimal exponent in [-4, 17), `1.0e+17` style outside it), written out by
hand here; they are never taken from the encoder under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from legacy_adapters.magento_wire import phpjson
from legacy_adapters.magento_wire.phpjson import DecodeError, decode, encode

# ---------------------------------------------------------------- strings


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        pytest.param("plain", b'"plain"', id="ascii"),
        pytest.param("", b'""', id="empty"),
        pytest.param("<p>x</p>", b'"<p>x<\\/p>"', id="slash-escaped"),
        pytest.param("/m/b/mb01-blue-0.jpg", b'"\\/m\\/b\\/mb01-blue-0.jpg"', id="media-path"),
        pytest.param("caf\u00e9", b'"caf\\u00e9"', id="latin1-lowercase-hex"),
        pytest.param("\u20ac", b'"\\u20ac"', id="euro-lowercase-hex"),
        pytest.param("\u03a9", b'"\\u03a9"', id="greek"),
        pytest.param("\U0001f600", b'"\\ud83d\\ude00"', id="astral-surrogate-pair"),
        pytest.param("a\U0001d11eb", b'"a\\ud834\\udd1eb"', id="astral-between-ascii"),
        pytest.param("<>&'", b'"<>&\'"', id="html-chars-raw"),
        pytest.param('say "hi"', b'"say \\"hi\\""', id="double-quote"),
        pytest.param("back\\slash", b'"back\\\\slash"', id="backslash"),
        pytest.param("\x7f", b'"\x7f"', id="del-raw"),
        pytest.param("a\x7fb/\u00e9", b'"a\x7fb\\/\\u00e9"', id="del-with-others"),
        pytest.param("\\u007f", b'"\\\\u007f"', id="literal-backslash-u007f-not-del"),
        pytest.param("\n\t\r\b\f", b'"\\n\\t\\r\\b\\f"', id="short-control-escapes"),
        pytest.param("\x00", b'"\\u0000"', id="nul"),
        pytest.param("\x1b", b'"\\u001b"', id="escape-char"),
        pytest.param("\x1f", b'"\\u001f"', id="unit-separator"),
        pytest.param("Affirm Water Bottle ", b'"Affirm Water Bottle "', id="trailing-space-kept"),
    ],
)
def test_string(text: str, wire: bytes) -> None:
    assert encode(text) == wire


def test_output_is_ascii_bytes() -> None:
    assert isinstance(encode("\u00e9"), bytes)


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        pytest.param(34.0, b"34", id="integral-float-no-fraction"),
        pytest.param(-34.0, b"-34", id="negative-integral-float"),
        pytest.param(0.0, b"0", id="zero"),
        pytest.param(-0.0, b"-0", id="negative-zero"),
        pytest.param(56.99, b"56.99", id="two-decimals"),
        pytest.param(124.99000000000001, b"124.99000000000001", id="float-noise-kept"),
        pytest.param(0.1 + 0.2, b"0.30000000000000004", id="shortest-roundtrip"),
        pytest.param(0.5, b"0.5", id="half"),
        pytest.param(0.05, b"0.05", id="leading-zero-decimals"),
        pytest.param(123456789.125, b"123456789.125", id="long-fraction"),
        pytest.param(1e14, b"100000000000000", id="1e14"),
        pytest.param(100000000000000.5, b"100000000000000.5", id="1e14-plus-half"),
        pytest.param(1e15, b"1000000000000000", id="1e15-fixed"),
        pytest.param(1234567890123456.0, b"1234567890123456", id="16-digit-integral"),
        pytest.param(1e16, b"10000000000000000", id="1e16-fixed"),
        pytest.param(9.9e16, b"99000000000000000", id="9.9e16-fixed"),
        pytest.param(1e17, b"1.0e+17", id="1e17-exponent"),
        pytest.param(1.5e17, b"1.5e+17", id="1.5e17-exponent"),
        pytest.param(-1e17, b"-1.0e+17", id="negative-1e17"),
        pytest.param(1e25, b"1.0e+25", id="1e25"),
        pytest.param(1.2345678901234567e19, b"1.2345678901234567e+19", id="long-mantissa"),
        pytest.param(1.7976931348623157e308, b"1.7976931348623157e+308", id="max-double"),
        pytest.param(0.0001, b"0.0001", id="1e-4-fixed"),
        pytest.param(0.00012, b"0.00012", id="1.2e-4-fixed"),
        pytest.param(1e-5, b"1.0e-5", id="1e-5-exponent"),
        pytest.param(-1e-5, b"-1.0e-5", id="negative-1e-5"),
        pytest.param(1.5e-7, b"1.5e-7", id="1.5e-7"),
        pytest.param(5e-324, b"5.0e-324", id="min-subnormal"),
        pytest.param(0, b"0", id="int-zero"),
        pytest.param(4, b"4", id="int"),
        pytest.param(-17, b"-17", id="negative-int"),
        pytest.param(9223372036854775807, b"9223372036854775807", id="php-int-max"),
    ],
)
def test_number(value: float, wire: bytes) -> None:
    assert encode(value) == wire


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        pytest.param(34.0, "34", id="integral"),
        pytest.param(1e17, "1.0e+17", id="exponent"),
        pytest.param(-0.0, "-0", id="negative-zero"),
    ],
)
def test_php_float_is_the_number_rendering(value: float, wire: str) -> None:
    assert phpjson.php_float(value) == wire


# ---------------------------------------------------------------- scalars and structures


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        pytest.param(True, b"true", id="true"),
        pytest.param(False, b"false", id="false"),
        pytest.param(None, b"null", id="null"),
        pytest.param("xYz", b'"xYz"', id="top-level-string"),
        pytest.param({}, b"[]", id="empty-dict-is-list"),
        pytest.param([], b"[]", id="empty-list"),
        pytest.param((), b"[]", id="empty-tuple"),
        pytest.param({"a": 1, "b": [1, 2]}, b'{"a":1,"b":[1,2]}', id="compact"),
        pytest.param({"b": 1, "a": 2}, b'{"b":1,"a":2}', id="key-order-kept"),
        pytest.param((1, "x"), b'[1,"x"]', id="tuple-as-list"),
        pytest.param({"tags": {}, "items": []}, b'{"tags":[],"items":[]}', id="nested-empties"),
        pytest.param(
            {"a": {"b": {"c": [None, True]}}}, b'{"a":{"b":{"c":[null,true]}}}', id="deep"
        ),
        pytest.param({1: "a"}, b'{"1":"a"}', id="int-key"),
        pytest.param({"a/b": 1}, b'{"a\\/b":1}', id="key-escaped"),
        pytest.param({"\u00e9": "\u00e9"}, b'{"\\u00e9":"\\u00e9"}', id="key-non-ascii"),
        pytest.param([1, 1.0, True, None], b"[1,1,true,null]", id="mixed-list"),
        pytest.param(
            {"price": 34.0, "file": "/m/b/x.jpg", "tags": {}},
            b'{"price":34,"file":"\\/m\\/b\\/x.jpg","tags":[]}',
            id="docstring-example",
        ),
    ],
)
def test_structure(value: Any, wire: bytes) -> None:
    assert encode(value) == wire


def test_cart_item_wire_bytes() -> None:
    item = {
        "item_id": 41,
        "sku": "24-MB01",
        "qty": 2.0,
        "name": "Joust Duffle Bag",
        "price": 34.0,
        "product_type": "simple",
        "quote_id": "17",
    }
    assert encode(item) == (
        b'{"item_id":41,"sku":"24-MB01","qty":2,"name":"Joust Duffle Bag","price":34,'
        b'"product_type":"simple","quote_id":"17"}'
    )


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(Decimal("1.5"), id="decimal"),
        pytest.param({1, 2}, id="set"),
        pytest.param(b"bytes", id="bytes"),
        pytest.param(object(), id="object"),
        pytest.param(dt.date(2024, 5, 2), id="date"),
        pytest.param({"nested": Decimal(1)}, id="nested-decimal"),
        pytest.param([frozenset()], id="frozenset-in-list"),
    ],
)
def test_unsupported_type_raises(value: Any) -> None:
    with pytest.raises(TypeError):
        encode(value)


# ---------------------------------------------------------------- decode


@pytest.mark.parametrize(
    ("body", "value"),
    [
        pytest.param(b'{"a":1}', {"a": 1}, id="object"),
        pytest.param(b"[1,2.5]", [1, 2.5], id="list"),
        pytest.param(b'"x"', "x", id="string"),
        pytest.param(b"4", 4, id="int"),
        pytest.param(b"null", None, id="null"),
        pytest.param(b' \n{"a" : [ ] }\t', {"a": []}, id="whitespace"),
        pytest.param(b'{"a":1,"a":2}', {"a": 2}, id="duplicate-key-last-wins"),
        pytest.param(b'"\\u00e9\\/"', "\u00e9/", id="escapes"),
        pytest.param(b'"\\ud83d\\ude00"', "\U0001f600", id="surrogate-pair"),
        pytest.param('"\u00e9"'.encode(), "\u00e9", id="raw-utf8"),
        pytest.param(
            b'{"cartItem":{"sku":"24-MB01","qty":2}}',
            {"cartItem": {"sku": "24-MB01", "qty": 2}},
            id="cart-item",
        ),
    ],
)
def test_decode(body: bytes, value: Any) -> None:
    assert decode(body) == value


def test_decode_keeps_key_order() -> None:
    assert list(decode(b'{"b":1,"a":2,"c":3}')) == ["b", "a", "c"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{", id="truncated"),
        pytest.param(b'{"a":1,}', id="trailing-comma"),
        pytest.param(b"{'a':1}", id="single-quotes"),
        pytest.param(b"01", id="leading-zero"),
        pytest.param(b'"a\nb"', id="raw-newline-in-string"),
        pytest.param(b"\xff", id="invalid-utf8"),
        pytest.param(b'"\xc3"', id="truncated-utf8"),
        pytest.param(b'"\xed\xa0\x80"', id="utf8-encoded-surrogate"),
        pytest.param(b"\xef\xbb\xbf{}", id="utf8-bom"),
        pytest.param(b"NaN", id="nan"),
        pytest.param(b'{"a":NaN}', id="nan-nested"),
        pytest.param(b"Infinity", id="infinity"),
        pytest.param(b"[-Infinity]", id="negative-infinity"),
        pytest.param(b'"\\ud800"', id="lone-high-surrogate"),
        pytest.param(b'"\\udc00"', id="lone-low-surrogate"),
        pytest.param(b'{"\\ud83d":1}', id="lone-surrogate-in-key"),
        pytest.param(b'["ok", {"sku": "a\\ud83db"}]', id="lone-surrogate-nested"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="recursion"),
    ],
)
def test_decode_rejects(body: bytes) -> None:
    with pytest.raises(DecodeError):
        decode(body)


def test_decode_error_is_a_value_error() -> None:
    assert issubclass(DecodeError, ValueError)


def test_content_type() -> None:
    assert phpjson.JSON_CONTENT_TYPE == "application/json; charset=utf-8"
