"""Magento's cart arithmetic and add-to-cart rules (pure; CONTRACT.md §9, §3.3).

How this works: `final_price()` is the unit price a new line gets (the price, or an active
special price when lower). `line_for_add()` decides whether an added SKU merges into an existing
line or opens a new one and what quantity results, raising the Magento error a real store
raises. `collect()` is `collectTotals()` for a simple cart without tax rules, shipping or cart
rules: per line `row_total = r2(r2(price) × qty)`, then the shipping address (billing for an
all-virtual cart) carries the sums and the quote copies them. Rounding is PHP 8.4's
(`money.round_price`). The legacy service and the new cart service both compute through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from legacy_adapters import inventory
from legacy_adapters.magento_wire import casts, errors
from legacy_adapters.magento_wire.money import round_price, to_column
from legacy_adapters.records import Product, Quote, QuoteItem

ZERO = Decimal(0)
VIRTUAL_TYPES = frozenset({"virtual", "downloadable"})
ENABLED = 1


def final_price(product: Product, today: dt.date) -> Decimal:
    """The catalog price a new line gets: price, or an active lower special price."""
    price = product.price or ZERO
    special = product.special_price
    if special is None or special >= price:
        return price
    start = _date(product.special_from_date)
    end = _date(product.special_to_date)
    if (start and today < start) or (end and today > end):
        return price
    return special


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def check_product(product: Product | None) -> Product:
    """Whether a product can be added as a line by SKU alone; the Magento error if not."""
    if product is None:
        raise errors.product_not_found()
    if product.status != ENABLED:
        raise errors.InputError("Product that you are trying to add is not available.")
    if product.type_id == "configurable":
        raise errors.InputError("You need to choose options for your item.")
    if product.type_id == "bundle":
        raise errors.InputError("Please specify product option(s).")
    if product.type_id == "grouped":
        raise errors.InputError("Please specify the quantity of product(s).")
    return product


def check_qty(field_value: object) -> Decimal:
    """A requested quantity: cast to float like the web API, then CartItemPersister's check."""
    if field_value is not None and (
        isinstance(field_value, bool) or not isinstance(field_value, int | float)
    ):
        field_value = casts.to_float(field_value)
    if isinstance(field_value, bool) or not isinstance(field_value, int | float):
        raise errors.invalid_value("qty", field_value)
    if field_value != field_value or field_value in (float("inf"), float("-inf")):
        raise errors.invalid_value("qty", 0)
    qty = Decimal(repr(float(field_value)))
    if qty <= 0:
        raise errors.invalid_value("qty", field_value)
    if qty > Decimal("99999999"):
        raise errors.InputError(
            "The requested qty exceeds the maximum qty allowed in shopping cart"
        )
    return qty


def validate_line_qty(product: Product, qty: Decimal) -> None:
    """Stock and quantity checks for a line's resulting quantity."""
    stock = product.stock
    if qty != qty.to_integral_value() and not (stock and stock.is_qty_decimal):
        raise errors.InputError("You cannot use decimal quantity for this product.")
    problem = inventory.check_qty(stock, qty)
    if problem is not None:
        raise problem


@dataclass(frozen=True, slots=True)
class LineChange:
    """Result of adding a SKU: merge into `item_id` (None = new line) at `qty`."""

    item_id: int | None
    qty: Decimal


def line_for_add(product: Product, qty: Decimal, lines: Sequence[QuoteItem]) -> LineChange:
    """Adding the same product again merges into its line, quantities summed."""
    for line in lines:
        if line.product_id == product.entity_id and line.parent_item_id is None:
            total = line.qty + qty
            validate_line_qty(product, total)
            return LineChange(line.item_id, total)
    validate_line_qty(product, qty)
    return LineChange(None, qty)


@dataclass(frozen=True, slots=True)
class ItemTotals:
    item_id: int
    values: Mapping[str, Decimal]  # quote_item column -> value


@dataclass(frozen=True, slots=True)
class AddressTotals:
    address_id: int
    values: Mapping[str, Decimal | None]  # None: leave the column as it is


@dataclass(frozen=True, slots=True)
class QuoteTotals:
    items_count: int
    items_qty: Decimal
    is_virtual: bool
    subtotal: Decimal
    grand_total: Decimal


@dataclass(frozen=True, slots=True)
class Collected:
    items: tuple[ItemTotals, ...]
    addresses: tuple[AddressTotals, ...]
    quote: QuoteTotals


def _item_totals(item: QuoteItem) -> ItemTotals:
    price = round_price(item.price)
    row = round_price(price * item.qty)
    return ItemTotals(
        item.item_id,
        {
            "price": price,
            "base_price": price,
            "row_total": row,
            "base_row_total": row,
            "price_incl_tax": price,
            "base_price_incl_tax": price,
            "row_total_incl_tax": row,
            "base_row_total_incl_tax": row,
            "tax_amount": ZERO,
            "base_tax_amount": ZERO,
            "tax_percent": ZERO,
            "discount_amount": ZERO,
            "base_discount_amount": ZERO,
            "discount_percent": ZERO,
            "row_total_with_discount": ZERO,
            "discount_tax_compensation_amount": ZERO,
            "base_discount_tax_compensation_amount": ZERO,
        },
    )


def _address_values(
    subtotal: Decimal, weight: Decimal, has_items: bool
) -> dict[str, Decimal | None]:
    shipping_keys = (
        "shipping_discount_amount",
        "base_shipping_discount_amount",
        "shipping_tax_amount",
        "base_shipping_tax_amount",
        "shipping_incl_tax",
        "base_shipping_incl_tax",
    )
    values: dict[str, Decimal | None] = {
        "subtotal": subtotal,
        "base_subtotal": subtotal,
        "subtotal_with_discount": subtotal,
        "base_subtotal_with_discount": subtotal,
        "tax_amount": ZERO,
        "base_tax_amount": ZERO,
        "shipping_amount": ZERO,
        "base_shipping_amount": ZERO,
        "discount_amount": ZERO,
        "base_discount_amount": ZERO,
        "grand_total": subtotal,
        "base_grand_total": subtotal,
        "subtotal_incl_tax": subtotal,
        "weight": weight,
    }
    # The tax collectors only run with items: on a never-filled cart these stay NULL (absent).
    values.update({k: ZERO if has_items else None for k in shipping_keys})
    return values


def collect(quote: Quote) -> Collected:
    """collectTotals() for a simple cart: line totals, address totals, quote totals."""
    items = tuple(_item_totals(i) for i in quote.items)
    subtotal = sum((t.values["row_total"] for t in items), ZERO)
    weight = sum(((i.weight or ZERO) * i.qty for i in quote.items if not i.is_virtual), ZERO)
    is_virtual = bool(quote.items) and all(i.is_virtual for i in quote.items)
    carrier = "billing" if is_virtual else "shipping"
    addresses = []
    for address in quote.addresses:
        if address.address_type == carrier:
            values = _address_values(subtotal, weight, bool(quote.items))
        else:
            values = _address_values(ZERO, ZERO, bool(quote.items))
        addresses.append(
            AddressTotals(
                address.address_id,
                {k: None if v is None else to_column(v) for k, v in values.items()},
            )
        )
    return Collected(
        items=items,
        addresses=tuple(addresses),
        quote=QuoteTotals(
            items_count=len(quote.items),
            items_qty=sum((i.qty for i in quote.items), ZERO),
            is_virtual=is_virtual,
            subtotal=to_column(subtotal),
            grand_total=to_column(subtotal),
        ),
    )
