"""Quote writes: create carts, add/update/delete lines, assign a guest cart, recollect totals.

How this works: every change runs in one transaction that first locks the quote row, so two
requests on the same cart serialise (two concurrent adds of one SKU merge into one line instead
of racing). The decision — which line, what quantity, which error — is made by the pure
`quote_math` functions on the locked quote; this module only reads and writes rows. After each
change `recollect()` writes what `quote_math.collect()` computed: line totals, address totals
and the quote's counters, like Magento's `collectTotals()` + save.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from decimal import Decimal

from legacy_adapters import quote_math
from legacy_adapters.magento_app.db import Tx
from legacy_adapters.magento_wire import errors, phpjson, variants
from legacy_adapters.mapping import CatalogMeta
from legacy_adapters.plans import catalog as catalog_plans
from legacy_adapters.plans import quote as plans
from legacy_adapters.records import Customer, Product, Quote, QuoteItem
from legacy_adapters.sql import quote as sql

MASK_ALPHABET = string.ascii_letters + string.digits
MASK_LENGTH = 32


def utc(now: float) -> str:
    return dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def new_mask() -> str:
    """A 32-character masked cart id from [A-Za-z0-9] (Math\\Random::getUniqueHash)."""
    return "".join(secrets.choice(MASK_ALPHABET) for _ in range(MASK_LENGTH))


async def create(tx: Tx, *, store_id: int, now: float, customer: Customer | None) -> int:
    """Insert a quote with its billing and shipping addresses; returns the quote id."""
    stamp = utc(now)
    params: tuple[object, ...]
    if customer is None:
        params = (
            store_id,
            stamp,
            stamp,
            None,
            0,
            None,
            None,
            None,
            int(variants.GUEST_CART_IS_GUEST),
            "guest",
        )
    else:
        params = (
            store_id,
            stamp,
            stamp,
            customer.entity_id,
            customer.group_id,
            customer.email,
            customer.firstname,
            customer.lastname,
            0,
            None,
        )
    quote_id = await tx.execute(sql.INSERT_QUOTE, params)
    customer_id = customer.entity_id if customer else None
    email = customer.email if customer else None
    await tx.execute(
        sql.INSERT_ADDRESS, (quote_id, stamp, stamp, customer_id, "billing", email, 0, 0)
    )
    await tx.execute(
        sql.INSERT_ADDRESS, (quote_id, stamp, stamp, customer_id, "shipping", None, 1, 1)
    )
    return quote_id


async def active_or_create(tx: Tx, *, store_id: int, now: float, customer: Customer) -> int:
    """The customer's active quote id, created if there is none (createEmptyCartForCustomer).

    The customer row lock makes racing requests wait, so they all find the one quote the first
    created instead of each inserting their own.
    """
    await tx.fetch(sql.LOCK_CUSTOMER, (customer.entity_id,))
    existing = await tx.run(plans.active_quote_id_plan(customer.entity_id))
    if existing is not None:
        return existing
    return await create(tx, store_id=store_id, now=now, customer=customer)


async def create_guest(tx: Tx, *, store_id: int, now: float) -> str:
    quote_id = await create(tx, store_id=store_id, now=now, customer=None)
    mask = new_mask()
    await tx.execute(sql.INSERT_MASK, (quote_id, mask))
    return mask


async def locked(tx: Tx, quote_id: int) -> Quote | None:
    return await tx.run(plans.quote_plan(quote_id, lock=True))


async def recollect(tx: Tx, quote_id: int, now: float) -> Quote:
    """Recompute and store every total of the (locked) quote; returns it as stored."""
    quote = await tx.run(plans.quote_plan(quote_id))
    assert quote is not None
    collected = quote_math.collect(quote)
    stamp = utc(now)
    for item in collected.items:
        await tx.execute(
            sql.UPDATE_ITEM_TOTALS,
            (*(item.values[c] for c in sql.ITEM_TOTALS_COLUMNS), item.item_id),
        )
    for address in collected.addresses:
        await tx.execute(
            sql.UPDATE_ADDRESS_TOTALS,
            (*(address.values[c] for c in sql.ADDRESS_TOTALS_COLUMNS), stamp, address.address_id),
        )
    q = collected.quote
    await tx.execute(
        sql.UPDATE_QUOTE_TOTALS,
        (
            q.items_count,
            q.items_qty,
            int(q.is_virtual),
            q.subtotal,
            q.subtotal,
            q.subtotal,
            q.subtotal,
            q.grand_total,
            q.grand_total,
            stamp,
            quote_id,
        ),
    )
    fresh = await tx.run(plans.quote_plan(quote_id))
    assert fresh is not None
    return fresh


async def product_by_sku(tx: Tx, sku: object, store_id: int, meta: CatalogMeta) -> Product | None:
    if not isinstance(sku, str) or not sku:
        return None
    return await tx.run(catalog_plans.product_by_sku_plan(sku, store_id=store_id, meta=meta))


def _buy_request(qty: Decimal) -> str:
    """The `info_buyRequest` option value, serialised as Magento's json_encode writes it."""
    return phpjson.encode({"qty": float(qty)}).decode()


def _line_weight(product: Product) -> Decimal | None:
    return None if product.type_id in quote_math.VIRTUAL_TYPES else product.weight


async def add(tx: Tx, quote: Quote, product: Product, qty: Decimal, now: float) -> int:
    """Add `qty` of `product`: merge into its line or insert one. Returns the line's item id."""
    change = quote_math.line_for_add(product, qty, quote.items)
    stamp = utc(now)
    weight = _line_weight(product)
    row_weight = (weight or Decimal(0)) * change.qty
    if change.item_id is not None:
        await tx.execute(sql.UPDATE_ITEM_QTY, (change.qty, row_weight, stamp, change.item_id))
        await tx.execute(sql.UPDATE_BUY_REQUEST, (_buy_request(change.qty), change.item_id))
        return change.item_id
    price = quote_math.final_price(product, dt.datetime.fromtimestamp(now, dt.UTC).date())
    item_id = await tx.execute(
        sql.INSERT_ITEM,
        (
            quote.entity_id,
            stamp,
            stamp,
            product.entity_id,
            quote.store_id,
            int(product.type_id in quote_math.VIRTUAL_TYPES),
            product.sku,
            product.name,
            int(bool(product.stock and product.stock.is_qty_decimal)),
            weight,
            change.qty,
            price,
            price,
            product.type_id,
            row_weight,
        ),
    )
    await tx.execute(
        sql.INSERT_ITEM_OPTION,
        (item_id, product.entity_id, "info_buyRequest", _buy_request(change.qty)),
    )
    return item_id


def find_line(quote: Quote, item_id: int) -> QuoteItem | None:
    return next((i for i in quote.items if i.item_id == item_id), None)


async def set_qty(
    tx: Tx, quote: Quote, line: QuoteItem, product: Product | None, qty: Decimal, now: float
) -> None:
    if product is not None:
        quote_math.validate_line_qty(product, qty)
    weight = (line.weight or Decimal(0)) * qty
    await tx.execute(sql.UPDATE_ITEM_QTY, (qty, weight, utc(now), line.item_id))
    await tx.execute(sql.UPDATE_BUY_REQUEST, (_buy_request(qty), line.item_id))


async def delete(tx: Tx, quote: Quote, item_id: int) -> None:
    await tx.execute(sql.DELETE_ITEM, (item_id, quote.entity_id))


async def assign_customer(
    tx: Tx, guest: Quote, customer: Customer, store_id: int, now: float
) -> None:
    """Make a guest cart the customer's: merge their active cart in, drop the mask."""
    if guest.customer_id is not None:
        raise errors.InputError(
            "The customer can't be assigned to the cart because the cart isn't anonymous."
        )
    stamp = utc(now)
    active_id = await tx.run(plans.active_quote_id_plan(customer.entity_id))
    if active_id is not None and active_id != guest.entity_id:
        previous = await locked(tx, active_id)
        if previous is not None:
            await _merge(tx, guest, previous, now)
            await tx.execute(sql.DEACTIVATE, (stamp, previous.entity_id))
    await tx.execute(
        sql.ASSIGN_CUSTOMER,
        (
            customer.entity_id,
            customer.email,
            customer.firstname,
            customer.lastname,
            customer.group_id,
            store_id,
            stamp,
            guest.entity_id,
        ),
    )
    await tx.execute(
        sql.ASSIGN_BILLING, (customer.entity_id, customer.email, stamp, guest.entity_id)
    )
    await tx.execute(sql.DELETE_MASK, (guest.entity_id,))


async def _merge(tx: Tx, target: Quote, source: Quote, now: float) -> None:
    """Quote::merge: each line of `source` is copied into `target` (same product: qty summed).

    The source quote keeps its own rows (it is deactivated afterwards, as Magento does).
    """
    stamp = utc(now)
    lines = {i.product_id: i for i in target.items}
    for line in source.items:
        same = lines.get(line.product_id)
        if same is not None:
            qty = same.qty + line.qty
            await tx.execute(
                sql.UPDATE_ITEM_QTY, (qty, (same.weight or Decimal(0)) * qty, stamp, same.item_id)
            )
            await tx.execute(sql.UPDATE_BUY_REQUEST, (_buy_request(qty), same.item_id))
        else:
            copy_id = await tx.execute(
                sql.COPY_ITEM, (target.entity_id, stamp, stamp, line.item_id)
            )
            await tx.execute(sql.COPY_ITEM_OPTIONS, (copy_id, line.item_id))
