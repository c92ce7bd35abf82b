"""Legacy CatalogInventory rules: a stock item's effective settings and the add-to-cart checks.

How this works: each `use_config_*` flag on a stock item means "take the store configuration";
`CONFIG` holds Magento's default `cataloginventory/item_options/*` values. `effective()` resolves
an item against it once, and `check_qty()` applies the checks Magento's StockStateProvider runs
when a line's quantity is set (min/max sale qty, stock, salability), returning the Magento error
to raise or None. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from legacy_adapters.magento_wire import errors
from legacy_adapters.records import StockItem


@dataclass(frozen=True, slots=True)
class InventoryConfig:
    manage_stock: bool = True
    min_qty: Decimal = Decimal(0)
    min_sale_qty: Decimal = Decimal(1)
    max_sale_qty: Decimal = Decimal(10000)
    backorders: int = 0
    notify_stock_qty: Decimal = Decimal(1)
    enable_qty_increments: bool = False
    qty_increments: Decimal = Decimal(1)


CONFIG = InventoryConfig()


@dataclass(frozen=True, slots=True)
class EffectiveStock:
    manage_stock: bool
    min_qty: Decimal
    min_sale_qty: Decimal
    max_sale_qty: Decimal
    backorders: int
    notify_stock_qty: Decimal
    enable_qty_increments: bool
    qty_increments: Decimal  # 0 when increments are off, as StockItem::getQtyIncrements says
    qty: Decimal
    is_in_stock: bool


def effective(item: StockItem, config: InventoryConfig = CONFIG) -> EffectiveStock:
    """Resolve `use_config_*` flags against the configuration."""
    enable_inc = (
        config.enable_qty_increments
        if item.use_config_enable_qty_inc
        else (item.enable_qty_increments)
    )
    increments = Decimal(0)
    if enable_inc:
        increments = (
            config.qty_increments if item.use_config_qty_increments else item.qty_increments
        )
    return EffectiveStock(
        manage_stock=config.manage_stock if item.use_config_manage_stock else item.manage_stock,
        min_qty=config.min_qty if item.use_config_min_qty else item.min_qty,
        min_sale_qty=config.min_sale_qty if item.use_config_min_sale_qty else item.min_sale_qty,
        max_sale_qty=config.max_sale_qty if item.use_config_max_sale_qty else item.max_sale_qty,
        backorders=config.backorders if item.use_config_backorders else item.backorders,
        notify_stock_qty=(
            config.notify_stock_qty
            if item.use_config_notify_stock_qty or item.notify_stock_qty is None
            else item.notify_stock_qty
        ),
        enable_qty_increments=enable_inc,
        qty_increments=increments,
        qty=item.qty or Decimal(0),
        is_in_stock=item.is_in_stock,
    )


def check_qty(item: StockItem | None, requested: Decimal) -> errors.MagentoError | None:
    """The error Magento raises when a cart line asks for `requested` units, or None."""
    if item is None:
        return None
    stock = effective(item)
    # StockStateProvider order: sale-qty limits apply even when stock is not managed. The
    # message reaches REST rendered (Quote::addProduct re-throws the item's messages joined).
    if requested < stock.min_sale_qty:
        return errors.InputError(f"The fewest you may purchase is {_qty_text(stock.min_sale_qty)}.")
    if stock.max_sale_qty and requested > stock.max_sale_qty:
        return errors.InputError(
            "The requested qty exceeds the maximum qty allowed in shopping cart"
        )
    if not stock.manage_stock:
        return None
    if not stock.is_in_stock:
        return errors.InputError("This product is out of stock.")
    if stock.backorders == 0 and stock.qty - requested < stock.min_qty:
        return errors.InputError("The requested qty is not available")
    return None


def _qty_text(qty: Decimal) -> str:
    return format(qty.normalize(), "f")
