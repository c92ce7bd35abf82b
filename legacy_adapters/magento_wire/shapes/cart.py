"""Cart, cart item, quote address and totals objects (CONTRACT.md §6–§8)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from legacy_adapters.magento_wire.money import double_diff, to_float
from legacy_adapters.records import Quote, QuoteAddress, QuoteItem


def _money(value: Decimal | None) -> float | None:
    return None if value is None else to_float(value)


def cart_item(item: QuoteItem, quote_id: str) -> dict[str, Any]:
    """CartItemInterface; `quote_id` is the numeric id or, for guest item lists, the mask."""
    out: dict[str, Any] = {"item_id": item.item_id, "sku": item.sku, "qty": to_float(item.qty)}
    if item.name is not None:
        out["name"] = item.name
    out["price"] = to_float(item.price)
    out["product_type"] = item.product_type
    out["quote_id"] = quote_id
    return out


def address(a: QuoteAddress) -> dict[str, Any]:
    """Quote\\Api\\Data\\AddressInterface: several nulls are emitted, the rest dropped."""
    out: dict[str, Any] = {
        "id": a.address_id,
        "region": a.region,
        "region_id": a.region_id,
        "region_code": a.region_code,
        "country_id": a.country_id,
        "street": (a.street or "").split("\n"),
    }
    if a.company is not None:
        out["company"] = a.company
    out["telephone"] = a.telephone
    if a.fax is not None:
        out["fax"] = a.fax
    out["postcode"] = a.postcode
    out["city"] = a.city
    out["firstname"] = a.firstname
    out["lastname"] = a.lastname
    for key, value in (
        ("middlename", a.middlename),
        ("prefix", a.prefix),
        ("suffix", a.suffix),
        ("vat_id", a.vat_id),
        ("customer_id", a.customer_id),
    ):
        if value is not None:
            out[key] = value
    out["email"] = a.email
    out["same_as_billing"] = a.same_as_billing
    if a.customer_address_id is not None:
        out["customer_address_id"] = a.customer_address_id
    out["save_in_address_book"] = a.save_in_address_book
    return out


def currency(q: Quote) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in (
        "global_currency_code",
        "base_currency_code",
        "store_currency_code",
        "quote_currency_code",
    ):
        if getattr(q, key) is not None:
            out[key] = getattr(q, key)
    out["store_to_base_rate"] = to_float(q.store_to_base_rate)
    out["store_to_quote_rate"] = to_float(q.store_to_quote_rate)
    if q.base_to_global_rate is not None:
        out["base_to_global_rate"] = to_float(q.base_to_global_rate)
    if q.base_to_quote_rate is not None:
        out["base_to_quote_rate"] = to_float(q.base_to_quote_rate)
    return out


def cart(q: Quote, customer: Mapping[str, Any]) -> dict[str, Any]:
    """CartInterface. `customer` is the rendered customer (or the guest placeholder)."""
    out: dict[str, Any] = {
        "id": q.entity_id,
        "created_at": q.created_at,
        "updated_at": q.updated_at,
    }
    if q.converted_at is not None:
        out["converted_at"] = q.converted_at
    out["is_active"] = q.is_active
    out["is_virtual"] = q.is_virtual
    numeric_id = str(q.entity_id)
    lines = [cart_item(i, numeric_id) for i in q.items]
    if q.is_active:  # the load handler attaches items to active quotes only
        out["items"] = lines
    out["items_count"] = q.items_count
    out["items_qty"] = to_float(q.items_qty)
    out["customer"] = dict(customer)
    billing = q.address("billing")
    if billing is not None:
        out["billing_address"] = address(billing)
    if q.reserved_order_id:
        out["reserved_order_id"] = int(q.reserved_order_id)
    out["orig_order_id"] = q.orig_order_id
    out["currency"] = currency(q)
    out["customer_is_guest"] = q.customer_is_guest
    if q.customer_note is not None:
        out["customer_note"] = q.customer_note
    out["customer_note_notify"] = q.customer_note_notify
    if q.customer_tax_class_id is not None:
        out["customer_tax_class_id"] = q.customer_tax_class_id
    out["store_id"] = q.store_id
    if q.is_active:
        assignments = []
        shipping = q.address("shipping")
        if not q.is_virtual and q.items_qty > 0 and shipping is not None:
            assignments.append(
                {
                    "shipping": {"address": address(shipping), "method": shipping.shipping_method},
                    "items": lines,
                }
            )
        out["extension_attributes"] = {"shipping_assignments": assignments}
    return out


def totals_item(item: QuoteItem) -> dict[str, Any]:
    """TotalsItemInterface: `name` comes last, `options` is a JSON string."""
    out: dict[str, Any] = {
        "item_id": item.item_id,
        "price": to_float(item.price),
        "base_price": to_float(item.base_price),
        "qty": to_float(item.qty),
        "row_total": to_float(item.row_total),
        "base_row_total": to_float(item.base_row_total),
        "row_total_with_discount": to_float(item.row_total_with_discount),
        "tax_amount": to_float(item.tax_amount),
        "base_tax_amount": to_float(item.base_tax_amount),
        "tax_percent": to_float(item.tax_percent),
        "discount_amount": to_float(item.discount_amount),
        "base_discount_amount": to_float(item.base_discount_amount),
        "discount_percent": to_float(item.discount_percent),
    }
    for key in (
        "price_incl_tax",
        "base_price_incl_tax",
        "row_total_incl_tax",
        "base_row_total_incl_tax",
    ):
        value = getattr(item, key)
        if value is not None:
            out[key] = to_float(value)
    out["options"] = "[]"
    out["weee_tax_applied_amount"] = None
    out["weee_tax_applied"] = None
    if item.name is not None:
        out["name"] = item.name
    return out


def totals(q: Quote) -> dict[str, Any]:
    """TotalsInterface, filled from the shipping address (billing for virtual quotes)."""
    a = q.address("billing" if q.is_virtual else "shipping") or QuoteAddress(0, q.entity_id, "")
    out: dict[str, Any] = {
        # CartTotalRepository: grand total minus tax as an unrounded double, floored at 0
        "grand_total": max(0.0, double_diff(a.grand_total, a.tax_amount)) or 0,
        "base_grand_total": to_float(a.base_grand_total),
        "subtotal": to_float(a.subtotal),
        "base_subtotal": to_float(a.base_subtotal),
        "discount_amount": to_float(a.discount_amount),
        "base_discount_amount": to_float(a.base_discount_amount),
        "subtotal_with_discount": to_float(a.subtotal_with_discount),
        "base_subtotal_with_discount": to_float(a.base_subtotal_with_discount),
        "shipping_amount": to_float(a.shipping_amount),
        "base_shipping_amount": to_float(a.base_shipping_amount),
    }
    optional = {
        "shipping_discount_amount": a.shipping_discount_amount,
        "base_shipping_discount_amount": a.base_shipping_discount_amount,
    }
    out.update((k, _money(v)) for k, v in optional.items() if v is not None)
    out["tax_amount"] = to_float(a.tax_amount)
    out["base_tax_amount"] = to_float(a.base_tax_amount)
    out["weee_tax_applied_amount"] = None
    optional = {
        "shipping_tax_amount": a.shipping_tax_amount,
        "base_shipping_tax_amount": a.base_shipping_tax_amount,
        "subtotal_incl_tax": a.subtotal_incl_tax,
        "shipping_incl_tax": a.shipping_incl_tax,
        "base_shipping_incl_tax": a.base_shipping_incl_tax,
    }
    out.update((k, _money(v)) for k, v in optional.items() if v is not None)
    if q.base_currency_code is not None:
        out["base_currency_code"] = q.base_currency_code
    if q.quote_currency_code is not None:
        out["quote_currency_code"] = q.quote_currency_code
    if q.coupon_code:
        out["coupon_code"] = q.coupon_code
    out["items_qty"] = int(q.items_qty)
    out["items"] = [totals_item(i) for i in q.items]
    shipping_title = "Shipping & Handling"
    if a.shipping_description:
        shipping_title += f" ({a.shipping_description})"
    out["total_segments"] = [
        {"code": "subtotal", "title": "Subtotal", "value": to_float(a.subtotal)},
        {"code": "shipping", "title": shipping_title, "value": to_float(a.shipping_amount)},
        {
            "code": "tax",
            "title": "Tax",
            "value": to_float(a.tax_amount),
            "extension_attributes": {"tax_grandtotal_details": []},
        },
        {
            "code": "grand_total",
            "title": "Grand Total",
            "value": to_float(a.grand_total),
            "area": "footer",
        },
    ]
    return out
