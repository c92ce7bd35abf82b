"""Quote and customer read plans."""

from __future__ import annotations

from legacy_adapters import mapping
from legacy_adapters.plans import Plan, Query
from legacy_adapters.records import Customer, Quote
from legacy_adapters.sql import customer as customer_sql
from legacy_adapters.sql import quote as sql


def quote_plan(quote_id: int, *, lock: bool = False) -> Plan[Quote | None]:
    """A quote with its visible items, addresses and mask; `lock` takes the row lock first."""
    rows = yield Query(sql.QUOTE_FOR_UPDATE if lock else sql.QUOTE, (quote_id,))
    if not rows:
        return None
    items = yield Query(sql.QUOTE_ITEMS, (quote_id,))
    addresses = yield Query(sql.QUOTE_ADDRESSES, (quote_id,))
    mask = yield Query(sql.MASK_BY_QUOTE, (quote_id,))
    return mapping.quote(rows[0], items, addresses, mask[0]["masked_id"] if mask else None)


def quote_id_by_mask_plan(masked_id: str) -> Plan[int | None]:
    rows = yield Query(sql.QUOTE_ID_BY_MASK, (masked_id,))
    return int(rows[0]["quote_id"]) if rows else None


def active_quote_id_plan(customer_id: int) -> Plan[int | None]:
    rows = yield Query(sql.ACTIVE_QUOTE_FOR_CUSTOMER, (customer_id,))
    return int(rows[0]["entity_id"]) if rows else None


def customer_plan(customer_id: int) -> Plan[Customer | None]:
    rows = yield Query(customer_sql.CUSTOMER, (customer_id,))
    if not rows:
        return None
    addresses = yield Query(customer_sql.CUSTOMER_ADDRESSES, (customer_id,))
    return mapping.customer(rows[0], addresses)
