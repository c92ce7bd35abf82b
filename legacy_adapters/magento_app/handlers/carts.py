"""Guest carts, customer ("mine") carts and the admin cart read (CONTRACT.md §4–§8).

How this works: each handler resolves which quote the route means — a masked id for guests,
the customer's active quote for `mine`, a numeric id for admins — with the exact error Magento
gives when that fails (they differ per route, see §3.3), then reads, or changes the quote in a
locked transaction (`quotes.py`) and renders the result with the shared shapes.
"""

from __future__ import annotations

from typing import Any

from legacy_adapters import quote_math
from legacy_adapters.magento_app import quotes
from legacy_adapters.magento_app.context import Call
from legacy_adapters.magento_app.db import Tx
from legacy_adapters.magento_app.service import Legacy
from legacy_adapters.magento_wire import casts, errors, variants
from legacy_adapters.magento_wire.shapes import cart as shapes
from legacy_adapters.magento_wire.shapes import customer as customer_shapes
from legacy_adapters.plans import quote as plans
from legacy_adapters.records import Quote

NO_ACTIVE_CART = "Current customer does not have an active cart."


def _item_id(call: Call) -> int:
    return casts.to_int(call.params["itemId"], saturate=True)


def _cart_item(call: Call) -> dict[str, Any]:
    item = call.body.get("cart_item")
    if item is None:
        raise errors.required_field("cartItem")
    if not isinstance(item, dict):
        raise errors.invalid_type(casts.shown(item), "Magento\\Quote\\Api\\Data\\CartItemInterface")
    return item


def _not_in_cart(cart_ref: object, item_id: int) -> errors.NoSuchEntity:
    return errors.NoSuchEntity("The %1 Cart doesn't contain the %2 item.", [cart_ref, item_id])


async def _render_cart(legacy: Legacy, quote: Quote) -> dict[str, Any]:
    if quote.customer_id is None:
        return shapes.cart(quote, customer_shapes.guest_customer())
    customer = await legacy.db.run(plans.customer_plan(int(quote.customer_id)))
    rendered = customer_shapes.customer(customer) if customer else customer_shapes.guest_customer()
    return shapes.cart(quote, rendered)


# ---------------------------------------------------------------- resolving the quote


async def _guest_quote_id(legacy: Legacy, call: Call) -> int | None:
    return await legacy.db.run(plans.quote_id_by_mask_plan(call.params["cartId"]))


def _unknown_mask() -> errors.MagentoError:
    return errors.no_such_entity("cartId", variants.UNKNOWN_MASK_FIELD_VALUE)


async def _active(tx: Tx, quote_id: int | None, missing: errors.MagentoError) -> Quote:
    """The locked quote if it exists and is active (`getActive`)."""
    quote = await quotes.locked(tx, quote_id) if quote_id is not None else None
    if quote is None:
        raise missing
    if not quote.is_active:
        raise errors.no_such_entity("cartId", quote.entity_id)
    return quote


async def _read_active(legacy: Legacy, quote_id: int | None, missing: errors.MagentoError) -> Quote:
    quote = await legacy.db.run(plans.quote_plan(quote_id)) if quote_id is not None else None
    if quote is None:
        raise missing
    if not quote.is_active:
        raise errors.no_such_entity("cartId", quote.entity_id)
    return quote


async def _mine_id(legacy: Legacy, call: Call) -> int | None:
    return await legacy.db.run(plans.active_quote_id_plan(call.customer_id()))


# ---------------------------------------------------------------- shared flows


async def _items(
    legacy: Legacy, quote_id: int | None, missing: errors.MagentoError, shown_id: str | None
) -> Any:
    quote = await _read_active(legacy, quote_id, missing)
    ref = shown_id if shown_id is not None else str(quote.entity_id)
    return [shapes.cart_item(i, ref) for i in quote.items]


async def _add(
    legacy: Legacy, call: Call, quote_id: int | None, missing: errors.MagentoError
) -> Any:
    item = _cart_item(call)
    async with legacy.db.transaction() as tx:
        quote = await _active(tx, quote_id, missing)
        qty = quote_math.check_qty(item.get("qty"))
        product = await quotes.product_by_sku(tx, item.get("sku"), quote.store_id, legacy.meta)
        line_id = await quotes.add(tx, quote, quote_math.check_product(product), qty, call.now)
        fresh = await quotes.recollect(tx, quote.entity_id, call.now)
    line = quotes.find_line(fresh, line_id)
    assert line is not None
    return shapes.cart_item(line, str(fresh.entity_id))


async def _update(
    legacy: Legacy, call: Call, quote_id: int | None, missing: errors.MagentoError
) -> Any:
    item = _cart_item(call)
    item_id = _item_id(call)
    async with legacy.db.transaction() as tx:
        quote = await _active(tx, quote_id, missing)
        qty = quote_math.check_qty(item.get("qty"))  # CartItemPersister: before the item lookup
        line = quotes.find_line(quote, item_id)
        if line is None:
            raise _not_in_cart(str(quote.entity_id), item_id)
        product = await quotes.product_by_sku(tx, line.sku, quote.store_id, legacy.meta)
        await quotes.set_qty(tx, quote, line, product, qty, call.now)
        fresh = await quotes.recollect(tx, quote.entity_id, call.now)
    updated = quotes.find_line(fresh, item_id)
    assert updated is not None
    return shapes.cart_item(updated, str(fresh.entity_id))


async def _delete(
    legacy: Legacy, call: Call, quote_id: int | None, missing: errors.MagentoError
) -> Any:
    item_id = _item_id(call)
    async with legacy.db.transaction() as tx:
        quote = await _active(tx, quote_id, missing)
        if quotes.find_line(quote, item_id) is None:
            raise _not_in_cart(quote.entity_id, item_id)
        await quotes.delete(tx, quote, item_id)
        await quotes.recollect(tx, quote.entity_id, call.now)
    return True


async def _totals(legacy: Legacy, quote_id: int | None, missing: errors.MagentoError) -> Any:
    quote = await _read_active(legacy, quote_id, missing)
    return shapes.totals(quote)


# ---------------------------------------------------------------- guest carts


async def guest_cart_create(call: Call, legacy: Legacy) -> Any:
    store_id = call.scope.store_id or 1
    async with legacy.db.transaction() as tx:
        return await quotes.create_guest(tx, store_id=store_id, now=call.now)


async def guest_cart_get(call: Call, legacy: Legacy) -> Any:
    quote_id = await _guest_quote_id(legacy, call)
    quote = await legacy.db.run(plans.quote_plan(quote_id)) if quote_id is not None else None
    if quote is None:
        raise _unknown_mask()
    return await _render_cart(legacy, quote)


async def guest_cart_items(call: Call, legacy: Legacy) -> Any:
    return await _items(
        legacy, await _guest_quote_id(legacy, call), _unknown_mask(), call.params["cartId"]
    )


async def guest_cart_item_add(call: Call, legacy: Legacy) -> Any:
    quote_id = await _guest_quote_id(legacy, call)
    return await _add(legacy, call, quote_id, errors.required_field("quoteId"))


async def guest_cart_item_update(call: Call, legacy: Legacy) -> Any:
    quote_id = await _guest_quote_id(legacy, call)
    return await _update(legacy, call, quote_id, errors.required_field("quoteId"))


async def guest_cart_item_delete(call: Call, legacy: Legacy) -> Any:
    return await _delete(legacy, call, await _guest_quote_id(legacy, call), _unknown_mask())


async def guest_cart_totals(call: Call, legacy: Legacy) -> Any:
    return await _totals(legacy, await _guest_quote_id(legacy, call), _unknown_mask())


async def guest_cart_assign(call: Call, legacy: Legacy) -> Any:
    quote_id = await _guest_quote_id(legacy, call)
    customer = await legacy.db.run(plans.customer_plan(call.customer_id()))
    if customer is None:
        raise errors.no_such_entity("customerId", call.customer_id())
    store_id = call.body.get("store_id", call.scope.store_id or 1)
    async with legacy.db.transaction() as tx:
        quote = await _active(tx, quote_id, _unknown_mask())
        await quotes.assign_customer(tx, quote, customer, int(store_id or 1), call.now)
        await quotes.recollect(tx, quote.entity_id, call.now)
    return True


# ---------------------------------------------------------------- customer carts


def _no_active_cart() -> errors.MagentoError:
    return errors.NoSuchEntity(NO_ACTIVE_CART)


async def mine_cart_create(call: Call, legacy: Legacy) -> Any:
    customer = await legacy.db.run(plans.customer_plan(call.customer_id()))
    if customer is None:
        raise errors.no_such_entity("customerId", call.customer_id())
    async with legacy.db.transaction() as tx:
        return await quotes.active_or_create(
            tx, store_id=call.scope.store_id or 1, now=call.now, customer=customer
        )


async def mine_cart_get(call: Call, legacy: Legacy) -> Any:
    quote_id = await _mine_id(legacy, call)
    quote = await legacy.db.run(plans.quote_plan(quote_id)) if quote_id is not None else None
    if quote is None:
        raise errors.no_such_entity("customerId", call.customer_id())
    return await _render_cart(legacy, quote)


async def mine_cart_items(call: Call, legacy: Legacy) -> Any:
    return await _items(legacy, await _mine_id(legacy, call), _no_active_cart(), None)


async def mine_cart_item_add(call: Call, legacy: Legacy) -> Any:
    return await _add(legacy, call, await _mine_id(legacy, call), _no_active_cart())


async def mine_cart_item_update(call: Call, legacy: Legacy) -> Any:
    return await _update(legacy, call, await _mine_id(legacy, call), _no_active_cart())


async def mine_cart_item_delete(call: Call, legacy: Legacy) -> Any:
    return await _delete(legacy, call, await _mine_id(legacy, call), _no_active_cart())


async def mine_cart_totals(call: Call, legacy: Legacy) -> Any:
    return await _totals(legacy, await _mine_id(legacy, call), _no_active_cart())


# ---------------------------------------------------------------- admin


async def admin_cart_get(call: Call, legacy: Legacy) -> Any:
    cart_id = casts.to_int(call.params["cartId"], saturate=True)
    quote = await legacy.db.run(plans.quote_plan(cart_id))
    if quote is None:
        raise errors.no_such_entity("cartId", cart_id)
    return await _render_cart(legacy, quote)
