"""Price rounding as PHP 8.4 `round($x, 2)` (CONTRACT.md §9) and the float views of decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from legacy_adapters.magento_wire import money
from legacy_adapters.magento_wire.phpjson import encode


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        pytest.param(1.005, "1.01", id="1.005-half-up"),
        pytest.param(0.285, "0.29", id="0.285-half-up"),
        pytest.param(2.675, "2.68", id="2.675-half-up"),
        pytest.param(0.125, "0.13", id="0.125-half-up-not-even"),
        pytest.param(0.115, "0.12", id="0.115"),
        pytest.param(5728.094999999999, "5728.09", id="php84-no-pre-rounding"),
        pytest.param(1.004999, "1.00", id="just-below-half"),
        pytest.param(56.99, "56.99", id="already-two-places"),
        pytest.param(34.0, "34.00", id="integral-float"),
        pytest.param(-1.005, "-1.01", id="negative-away-from-zero"),
        pytest.param(-0.285, "-0.29", id="negative-0.285"),
        pytest.param(-2.675, "-2.68", id="negative-2.675"),
        pytest.param(-0.004, "-0.00", id="negative-to-negative-zero"),  # PHP: -0
        pytest.param(Decimal("1.005"), "1.01", id="decimal"),
        pytest.param(Decimal("10.0050"), "10.01", id="decimal-column"),
        pytest.param(Decimal("-1.005"), "-1.01", id="negative-decimal"),
        pytest.param("1.005", "1.01", id="string"),
        pytest.param("34.0000", "34.00", id="string-column"),
        pytest.param(3, "3.00", id="int"),
        pytest.param(-3, "-3.00", id="negative-int"),
        pytest.param(None, "0.00", id="none-is-zero"),
    ],
)
def test_round_price(value: Decimal | float | int | str | None, rounded: str) -> None:
    result = money.round_price(value)
    assert isinstance(result, Decimal)
    assert result == Decimal(rounded)
    assert str(result) == rounded


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("34.0000", 34.0, id="column-string"),
        pytest.param(Decimal("56.9900"), 56.99, id="column-decimal"),
        pytest.param(Decimal("124.99"), 124.99, id="decimal"),
        pytest.param(7, 7.0, id="int"),
        pytest.param(1.5, 1.5, id="float"),
        pytest.param(None, 0.0, id="none"),
    ],
)
def test_to_float(value: Decimal | float | int | str | None, expected: float) -> None:
    result = money.to_float(value)
    assert isinstance(result, float)
    assert result == expected


def test_to_float_renders_without_zero_fraction() -> None:
    assert encode(money.to_float("34.0000")) == b"34"


@pytest.mark.parametrize(
    ("a", "b", "expected", "wire"),
    [
        pytest.param("130.2400", "5.2500", 124.99000000000001, b"124.99000000000001", id="noise"),
        pytest.param("124.9900", "0.0000", 124.99, b"124.99", id="no-tax"),
        pytest.param("10.0000", "10.0000", 0.0, b"0", id="zero"),
        pytest.param("0.3000", "0.1000", 0.19999999999999998, b"0.19999999999999998", id="tenths"),
    ],
)
def test_double_diff_keeps_float_noise(a: str, b: str, expected: float, wire: bytes) -> None:
    result = money.double_diff(Decimal(a), Decimal(b))
    assert result == expected
    assert encode(result) == wire


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        pytest.param(Decimal("124.99"), "124.9900", id="pads"),
        pytest.param(Decimal("1.23456"), "1.2346", id="rounds"),
        pytest.param(Decimal("0.00005"), "0.0001", id="half-up"),
        pytest.param(Decimal("-0.00005"), "-0.0001", id="negative-half-away"),
        pytest.param(Decimal(3), "3.0000", id="int"),
    ],
)
def test_to_column(value: Decimal, stored: str) -> None:
    assert str(money.to_column(value)) == stored


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(1.005, "1.005", id="float-by-shortest-repr"),
        pytest.param(0.1, "0.1", id="tenth"),
        pytest.param("2.5000", "2.5000", id="string"),
        pytest.param(None, "0", id="none"),
    ],
)
def test_to_decimal(value: float | str | None, expected: str) -> None:
    assert str(money.to_decimal(value)) == expected
