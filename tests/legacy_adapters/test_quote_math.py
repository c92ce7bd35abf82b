"""Cart arithmetic and add-to-cart rules (CONTRACT.md §9, §3.3), on records built by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from legacy_adapters import quote_math
from legacy_adapters.magento_wire import errors
from legacy_adapters.magento_wire.phpjson import encode
from legacy_adapters.records import Product, Quote, QuoteAddress, QuoteItem, StockItem

TODAY = dt.date(2024, 5, 2)
SHIPPING_KEYS = (
    "shipping_discount_amount",
    "base_shipping_discount_amount",
    "shipping_tax_amount",
    "base_shipping_tax_amount",
    "shipping_incl_tax",
    "base_shipping_incl_tax",
)
BILLING_ID, SHIPPING_ID = 33, 34


def product(**overrides: Any) -> Product:
    values: dict[str, Any] = {
        "entity_id": 1,
        "sku": "24-MB01",
        "type_id": "simple",
        "attribute_set_id": 15,
        "created_at": "2024-01-01 00:00:00",
        "updated_at": "2024-01-01 00:00:00",
        "name": "Joust Duffle Bag",
        "price": Decimal("34.000000"),
        "status": 1,
    }
    values.update(overrides)
    return Product(**values)


def stock(**overrides: Any) -> StockItem:
    values: dict[str, Any] = {
        "item_id": 1,
        "product_id": 1,
        "stock_id": 1,
        "qty": Decimal("100.0000"),
        "is_in_stock": True,
    }
    values.update(overrides)
    return StockItem(**values)


def item(item_id: int, price: str, qty: str, **overrides: Any) -> QuoteItem:
    values: dict[str, Any] = {
        "item_id": item_id,
        "quote_id": 17,
        "product_id": item_id,
        "sku": f"SKU-{item_id}",
        "name": f"Product {item_id}",
        "qty": Decimal(qty),
        "price": Decimal(price),
        "base_price": Decimal(price),
        "row_total": Decimal(0),
        "base_row_total": Decimal(0),
        "product_type": "simple",
    }
    values.update(overrides)
    return QuoteItem(**values)


def quote(*items: QuoteItem) -> Quote:
    return Quote(
        entity_id=17,
        store_id=1,
        created_at="2024-05-02 10:15:31",
        updated_at="2024-05-02 10:15:31",
        is_active=True,
        is_virtual=False,
        items_count=0,
        items_qty=Decimal(0),
        customer_id=None,
        customer_is_guest=True,
        customer_tax_class_id=3,
        items=items,
        addresses=(
            QuoteAddress(address_id=BILLING_ID, quote_id=17, address_type="billing"),
            QuoteAddress(address_id=SHIPPING_ID, quote_id=17, address_type="shipping"),
        ),
    )


def address_values(collected: quote_math.Collected, address_id: int) -> dict[str, Any]:
    (found,) = [a for a in collected.addresses if a.address_id == address_id]
    return dict(found.values)


def item_values(collected: quote_math.Collected, item_id: int) -> dict[str, Decimal]:
    (found,) = [i for i in collected.items if i.item_id == item_id]
    return dict(found.values)


# ---------------------------------------------------------------- final_price


@pytest.mark.parametrize(
    ("overrides", "price"),
    [
        pytest.param({}, "34", id="no-special"),
        pytest.param({"special_price": Decimal("24")}, "24", id="special-no-dates"),
        pytest.param(
            {
                "special_price": Decimal("24"),
                "special_from_date": "2024-05-01 00:00:00",
                "special_to_date": "2024-05-31 00:00:00",
            },
            "24",
            id="special-within-dates",
        ),
        pytest.param(
            {"special_price": Decimal("24"), "special_from_date": "2024-05-02 00:00:00"},
            "24",
            id="special-from-today",
        ),
        pytest.param(
            {"special_price": Decimal("24"), "special_to_date": "2024-05-02 00:00:00"},
            "24",
            id="special-until-today-inclusive",
        ),
        pytest.param(
            {"special_price": Decimal("24"), "special_to_date": "2024-05-01 00:00:00"},
            "34",
            id="special-expired",
        ),
        pytest.param(
            {"special_price": Decimal("24"), "special_from_date": "2024-05-03 00:00:00"},
            "34",
            id="special-in-future",
        ),
        pytest.param(
            {"special_price": Decimal("24"), "special_from_date": "2024-05-03"},
            "34",
            id="date-without-time",
        ),
        pytest.param({"special_price": Decimal("40")}, "34", id="special-above-price"),
        pytest.param({"special_price": Decimal("34")}, "34", id="special-equal-price"),
        pytest.param({"price": None}, "0", id="no-price"),
    ],
)
def test_final_price(overrides: dict[str, Any], price: str) -> None:
    assert quote_math.final_price(product(**overrides), TODAY) == Decimal(price)


# ---------------------------------------------------------------- check_product


def test_check_product_unknown_sku_is_404() -> None:
    with pytest.raises(errors.NoSuchEntity) as caught:
        quote_math.check_product(None)
    assert caught.value.status == 404
    assert encode(caught.value.body()) == (
        b'{"message":"The product that was requested doesn\'t exist. '
        b'Verify the product and try again."}'
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"status": 2}, "Product that you are trying to add is not available.", id="disabled"
        ),
        pytest.param(
            {"type_id": "configurable"},
            "You need to choose options for your item.",
            id="configurable",
        ),
        pytest.param({"type_id": "bundle"}, "Please specify product option(s).", id="bundle"),
        pytest.param(
            {"type_id": "grouped"}, "Please specify the quantity of product(s).", id="grouped"
        ),
    ],
)
def test_check_product_refuses(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(errors.InputError) as caught:
        quote_math.check_product(product(**overrides))
    assert caught.value.status == 400
    assert caught.value.body() == {"message": message}


def test_disabled_configurable_is_not_available_first() -> None:
    with pytest.raises(errors.InputError, match="not available"):
        quote_math.check_product(product(status=2, type_id="configurable"))


@pytest.mark.parametrize(
    "type_id",
    [
        pytest.param("simple", id="simple"),
        pytest.param("virtual", id="virtual"),
        pytest.param("downloadable", id="downloadable"),
    ],
)
def test_check_product_accepts(type_id: str) -> None:
    found = product(type_id=type_id)
    assert quote_math.check_product(found) is found


# ---------------------------------------------------------------- check_qty


@pytest.mark.parametrize(
    ("raw", "qty"),
    [
        pytest.param(1, "1", id="int"),
        pytest.param(2.0, "2", id="float"),
        pytest.param(2.5, "2.5", id="fraction"),
        pytest.param("2", "2", id="numeric-string"),
        pytest.param("2.5", "2.5", id="decimal-string"),
        pytest.param(" 3", "3", id="leading-whitespace"),
        pytest.param("3 ", "3", id="trailing-whitespace"),
        pytest.param("+4", "4", id="plus-sign"),
        pytest.param("1e1", "10", id="exponent-string"),
        pytest.param(".5", "0.5", id="leading-dot"),
    ],
)
def test_check_qty_accepts(raw: object, qty: str) -> None:
    result = quote_math.check_qty(raw)
    assert isinstance(result, Decimal)
    assert result == Decimal(qty)


@pytest.mark.parametrize(
    ("raw", "wire"),
    [
        pytest.param(0, b"0", id="zero"),
        pytest.param(0.0, b"0", id="zero-float"),
        pytest.param("0", b"0", id="zero-string"),
        pytest.param(-1, b"-1", id="negative"),
        pytest.param(-0.5, b"-0.5", id="negative-fraction"),
        pytest.param("-2", b"-2", id="negative-string"),
        pytest.param(None, b"null", id="missing"),
    ],
)
def test_check_qty_invalid_value(raw: object, wire: bytes) -> None:
    with pytest.raises(errors.InputError) as caught:
        quote_math.check_qty(raw)
    assert caught.value.status == 400
    assert encode(caught.value.body()) == (
        b'{"message":"Invalid value of \\"%value\\" provided for the %fieldName field.",'
        b'"parameters":{"fieldName":"qty","value":' + wire + b"}}"
    )


def type_error(shown: str) -> str:
    return (
        f'The "{shown}" value\'s type is invalid. The "float" type was expected. '
        "Verify and try again."
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param("abc", "abc", id="word"),
        pytest.param("", "", id="empty-string"),
        pytest.param("2 apples", "2 apples", id="trailing-text"),
        pytest.param("0x1A", "0x1A", id="hex"),
        # PHP is_numeric() refuses what Python's float() happens to accept:
        pytest.param("nan", "nan", id="nan-string"),
        pytest.param("inf", "inf", id="inf-string"),
        pytest.param("-Infinity", "-Infinity", id="infinity-string"),
        pytest.param("1_000", "1_000", id="underscore-digits"),
        pytest.param("\u0663", "\u0663", id="arabic-indic-digit"),
        # JSON booleans fail is_numeric(); the message shows PHP's (string) cast of the bool.
        pytest.param(True, "1", id="true"),
        pytest.param(False, "", id="false"),
    ],
)
def test_check_qty_type_error(raw: object, shown: str) -> None:
    with pytest.raises(errors.WebapiError) as caught:
        quote_math.check_qty(raw)
    assert caught.value.status == 400
    assert caught.value.body() == {"message": type_error(shown)}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param([], id="empty-list"),
        pytest.param([1], id="list"),
        pytest.param({"a": 1}, id="object"),
    ],
)
def test_check_qty_rejects_arrays(raw: object) -> None:
    with pytest.raises(errors.WebapiError) as caught:
        quote_math.check_qty(raw)
    assert caught.value.status == 400
    assert caught.value.message.endswith(
        'value\'s type is invalid. The "float" type was expected. Verify and try again.'
    )
    assert "parameters" not in caught.value.body()


# ---------------------------------------------------------------- line_for_add


def test_new_product_opens_a_line() -> None:
    change = quote_math.line_for_add(product(), Decimal(2), [])
    assert change == quote_math.LineChange(item_id=None, qty=Decimal(2))


def test_same_product_merges_and_sums() -> None:
    lines = [item(41, "34", "2", product_id=1)]
    change = quote_math.line_for_add(product(), Decimal(3), lines)
    assert change == quote_math.LineChange(item_id=41, qty=Decimal(5))


def test_other_product_opens_a_line() -> None:
    lines = [item(41, "34", "2", product_id=99)]
    change = quote_math.line_for_add(product(), Decimal(1), lines)
    assert change == quote_math.LineChange(item_id=None, qty=Decimal(1))


def test_child_line_of_same_product_is_not_merged() -> None:
    lines = [item(42, "34", "1", product_id=1, parent_item_id=41)]
    change = quote_math.line_for_add(product(), Decimal(1), lines)
    assert change.item_id is None


def test_merge_picks_the_matching_line() -> None:
    lines = [item(40, "10", "1", product_id=7), item(41, "34", "2", product_id=1)]
    assert quote_math.line_for_add(product(), Decimal(1), lines).item_id == 41


def test_merge_validates_stock_on_the_summed_qty() -> None:
    stocked = product(stock=stock(qty=Decimal("5.0000")))
    lines = [item(41, "34", "3", product_id=1)]
    assert quote_math.line_for_add(stocked, Decimal(2), lines).qty == Decimal(5)
    with pytest.raises(errors.InputError) as caught:
        quote_math.line_for_add(stocked, Decimal(3), lines)
    assert caught.value.body() == {"message": "The requested qty is not available"}


def test_new_line_validates_stock() -> None:
    stocked = product(stock=stock(qty=Decimal("5.0000")))
    with pytest.raises(errors.InputError, match="The requested qty is not available"):
        quote_math.line_for_add(stocked, Decimal(6), [])


def test_out_of_stock_product_refused() -> None:
    stocked = product(stock=stock(is_in_stock=False))
    with pytest.raises(errors.InputError) as caught:
        quote_math.line_for_add(stocked, Decimal(1), [])
    assert caught.value.body() == {"message": "This product is out of stock."}


def test_product_without_stock_row_is_unchecked() -> None:
    change = quote_math.line_for_add(product(stock=None), Decimal(100000), [])
    assert change.qty == Decimal(100000)


# ---------------------------------------------------------------- collect


@pytest.mark.parametrize(
    ("price", "qty", "unit", "row"),
    [
        pytest.param("34.0000", "2", "34.00", "68.00", id="contract-line-1"),
        pytest.param("56.9900", "1", "56.99", "56.99", id="contract-line-2"),
        pytest.param("10.005", "3", "10.01", "30.03", id="unit-rounded-half-up-first"),
        pytest.param("1.005", "3", "1.01", "3.03", id="pre-rounded-not-3.02"),
        pytest.param("10.125", "3", "10.13", "30.39", id="pre-rounded-not-30.38"),
        pytest.param("0.285", "1", "0.29", "0.29", id="0.285"),
        pytest.param("9.99", "1.5", "9.99", "14.99", id="decimal-qty-row-half-up"),
        pytest.param("0.3333", "3", "0.33", "0.99", id="thirds"),
    ],
)
def test_row_total_is_r2_of_r2_price_times_qty(price: str, qty: str, unit: str, row: str) -> None:
    values = item_values(quote_math.collect(quote(item(41, price, qty))), 41)
    assert values["price"] == Decimal(unit)
    assert values["base_price"] == Decimal(unit)
    assert values["row_total"] == Decimal(row)
    assert values["base_row_total"] == Decimal(row)
    assert values["price_incl_tax"] == Decimal(unit)
    assert values["row_total_incl_tax"] == Decimal(row)


def test_item_values_without_tax_or_discount() -> None:
    values = item_values(quote_math.collect(quote(item(41, "34", "2"))), 41)
    for key in (
        "tax_amount",
        "base_tax_amount",
        "tax_percent",
        "discount_amount",
        "base_discount_amount",
        "discount_percent",
        "row_total_with_discount",
    ):
        assert values[key] == 0, key


def test_contract_example_cart() -> None:
    collected = quote_math.collect(quote(item(41, "34.0000", "2"), item(42, "56.9900", "1")))
    shipping = address_values(collected, SHIPPING_ID)
    for key in (
        "subtotal",
        "base_subtotal",
        "subtotal_with_discount",
        "base_subtotal_with_discount",
        "grand_total",
        "base_grand_total",
        "subtotal_incl_tax",
    ):
        assert shipping[key] == Decimal("124.99"), key
    for key in ("tax_amount", "shipping_amount", "discount_amount", *SHIPPING_KEYS):
        assert shipping[key] == 0, key
    assert collected.quote == quote_math.QuoteTotals(
        items_count=2,
        items_qty=Decimal(3),
        is_virtual=False,
        subtotal=Decimal("124.99"),
        grand_total=Decimal("124.99"),
    )


def test_subtotal_sums_rounded_rows() -> None:
    # 3 x 10.005 -> 30.03 and 1 x 0.285 -> 0.29: the sum of rounded rows, to the cent.
    collected = quote_math.collect(quote(item(41, "10.005", "3"), item(42, "0.285", "1")))
    assert address_values(collected, SHIPPING_ID)["subtotal"] == Decimal("30.32")
    assert collected.quote.grand_total == Decimal("30.32")


def test_address_amounts_are_four_place_columns() -> None:
    collected = quote_math.collect(quote(item(41, "34", "2")))
    shipping = address_values(collected, SHIPPING_ID)
    assert str(shipping["subtotal"]) == "68.0000"
    assert str(collected.quote.subtotal) == "68.0000"


def test_billing_address_of_a_physical_cart_carries_zeros() -> None:
    billing = address_values(quote_math.collect(quote(item(41, "34", "2"))), BILLING_ID)
    assert billing["subtotal"] == 0
    assert billing["grand_total"] == 0


def test_virtual_only_cart_puts_totals_on_billing() -> None:
    collected = quote_math.collect(
        quote(item(41, "20", "1", is_virtual=True), item(42, "5.5", "2", is_virtual=True))
    )
    assert collected.quote.is_virtual is True
    assert address_values(collected, BILLING_ID)["grand_total"] == Decimal("31")
    assert address_values(collected, BILLING_ID)["subtotal"] == Decimal("31")
    assert address_values(collected, SHIPPING_ID)["grand_total"] == 0
    assert address_values(collected, SHIPPING_ID)["subtotal"] == 0


def test_mixed_cart_is_not_virtual() -> None:
    collected = quote_math.collect(quote(item(41, "20", "1", is_virtual=True), item(42, "5", "1")))
    assert collected.quote.is_virtual is False
    assert address_values(collected, SHIPPING_ID)["subtotal"] == Decimal("25")
    assert address_values(collected, BILLING_ID)["subtotal"] == 0


def test_empty_cart() -> None:
    collected = quote_math.collect(quote())
    assert collected.items == ()
    assert collected.quote == quote_math.QuoteTotals(
        items_count=0,
        items_qty=Decimal(0),
        is_virtual=False,
        subtotal=Decimal(0),
        grand_total=Decimal(0),
    )
    for address_id in (BILLING_ID, SHIPPING_ID):
        values = address_values(collected, address_id)
        for key in SHIPPING_KEYS:
            assert values[key] is None, key
        assert values["subtotal"] == 0
        assert values["grand_total"] == 0


def test_items_count_and_qty() -> None:
    collected = quote_math.collect(
        quote(item(41, "1", "2"), item(42, "1", "1.5"), item(43, "1", "4"))
    )
    assert collected.quote.items_count == 3
    assert collected.quote.items_qty == Decimal("7.5")


def test_weight_counts_physical_lines_only() -> None:
    collected = quote_math.collect(
        quote(
            item(41, "1", "2", weight=Decimal("1.5")),
            item(42, "1", "3", weight=Decimal("9"), is_virtual=True),
        )
    )
    assert address_values(collected, SHIPPING_ID)["weight"] == Decimal(3)


def test_one_item_totals_per_line_in_order() -> None:
    collected = quote_math.collect(quote(item(42, "1", "1"), item(41, "2", "1")))
    assert [t.item_id for t in collected.items] == [42, 41]
