"""Legacy CatalogInventory rules (`StockItem` getters, `StockStateProvider::checkQuoteItemQty`).

Magento's order of checks: min sale qty, max sale qty, then — only when stock is managed —
in stock, then available qty (qty - min_qty - requested < 0 without backorders). The errors reach
REST through `Quote::addProduct`, which re-throws the item's *rendered* messages joined in one
new phrase, so they carry no `parameters`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from legacy_adapters import inventory
from legacy_adapters.inventory import CONFIG, InventoryConfig
from legacy_adapters.magento_wire import errors
from legacy_adapters.magento_wire.phpjson import encode
from legacy_adapters.records import StockItem

NOT_AVAILABLE = "The requested qty is not available"
OUT_OF_STOCK = "This product is out of stock."
ABOVE_MAX = "The requested qty exceeds the maximum qty allowed in shopping cart"


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


def unmanaged(**overrides: Any) -> StockItem:
    return stock(use_config_manage_stock=False, manage_stock=False, **overrides)


def message(item: StockItem, requested: str) -> str | None:
    problem = inventory.check_qty(item, Decimal(requested))
    return None if problem is None else problem.message


# ---------------------------------------------------------------- effective()


def test_config_defaults_are_magentos() -> None:
    magento_defaults = InventoryConfig(
        manage_stock=True,
        min_qty=Decimal(0),
        min_sale_qty=Decimal(1),
        max_sale_qty=Decimal(10000),
        backorders=0,
        notify_stock_qty=Decimal(1),
        enable_qty_increments=False,
        qty_increments=Decimal(1),
    )
    assert magento_defaults == CONFIG


def test_use_config_takes_configuration_over_item_values() -> None:
    item = stock(
        manage_stock=False,
        min_qty=Decimal(5),
        min_sale_qty=Decimal(3),
        max_sale_qty=Decimal(7),
        backorders=2,
        notify_stock_qty=Decimal(9),
    )
    got = inventory.effective(item)
    assert got.manage_stock is True
    assert got.min_qty == 0
    assert got.min_sale_qty == 1
    assert got.max_sale_qty == 10000
    assert got.backorders == 0
    assert got.notify_stock_qty == 1


def test_item_values_when_not_using_config() -> None:
    item = stock(
        use_config_manage_stock=False,
        manage_stock=False,
        use_config_min_qty=False,
        min_qty=Decimal(5),
        use_config_min_sale_qty=0,
        min_sale_qty=Decimal(3),
        use_config_max_sale_qty=False,
        max_sale_qty=Decimal(7),
        use_config_backorders=False,
        backorders=2,
        use_config_notify_stock_qty=False,
        notify_stock_qty=Decimal(9),
    )
    got = inventory.effective(item)
    assert got.manage_stock is False
    assert got.min_qty == 5
    assert got.min_sale_qty == 3
    assert got.max_sale_qty == 7
    assert got.backorders == 2
    assert got.notify_stock_qty == 9


def test_custom_configuration() -> None:
    config = InventoryConfig(manage_stock=False, min_sale_qty=Decimal(2), backorders=1)
    got = inventory.effective(stock(), config)
    assert (got.manage_stock, got.min_sale_qty, got.backorders) == (False, Decimal(2), 1)


def test_notify_stock_qty_null_falls_back_to_config() -> None:
    item = stock(use_config_notify_stock_qty=False, notify_stock_qty=None)
    assert inventory.effective(item).notify_stock_qty == 1


@pytest.mark.parametrize(
    ("overrides", "config", "enabled", "increments"),
    [
        pytest.param({}, CONFIG, False, "0", id="off-by-config"),
        pytest.param(
            {
                "use_config_enable_qty_inc": False,
                "enable_qty_increments": True,
                "use_config_qty_increments": False,
                "qty_increments": Decimal(6),
            },
            CONFIG,
            True,
            "6",
            id="on-by-item-item-step",
        ),
        pytest.param(
            {"use_config_enable_qty_inc": False, "enable_qty_increments": True},
            CONFIG,
            True,
            "1",
            id="on-by-item-config-step",
        ),
        pytest.param(
            {"use_config_qty_increments": False, "qty_increments": Decimal(6)},
            InventoryConfig(enable_qty_increments=True, qty_increments=Decimal(4)),
            True,
            "6",
            id="on-by-config-item-step",
        ),
        pytest.param(
            {"use_config_enable_qty_inc": False, "enable_qty_increments": False},
            InventoryConfig(enable_qty_increments=True, qty_increments=Decimal(4)),
            False,
            "0",
            id="off-by-item",
        ),
    ],
)
def test_qty_increments(
    overrides: dict[str, Any], config: InventoryConfig, enabled: bool, increments: str
) -> None:
    got = inventory.effective(stock(**overrides), config)
    assert got.enable_qty_increments is enabled
    assert got.qty_increments == Decimal(increments)


def test_missing_qty_is_zero() -> None:
    assert inventory.effective(stock(qty=None)).qty == 0


# ---------------------------------------------------------------- check_qty()


@pytest.mark.parametrize(
    ("item", "requested", "expected"),
    [
        pytest.param(stock(), "1", None, id="plenty"),
        pytest.param(stock(qty=Decimal(5)), "5", None, id="exactly-all"),
        pytest.param(stock(qty=Decimal(5)), "6", NOT_AVAILABLE, id="above-stock"),
        pytest.param(stock(qty=Decimal(0)), "1", NOT_AVAILABLE, id="zero-stock-but-in-stock"),
        pytest.param(stock(qty=None), "1", NOT_AVAILABLE, id="null-qty"),
        pytest.param(
            stock(qty=Decimal(10), use_config_min_qty=False, min_qty=Decimal(2)),
            "8",
            None,
            id="min-qty-kept-back",
        ),
        pytest.param(
            stock(qty=Decimal(10), use_config_min_qty=False, min_qty=Decimal(2)),
            "9",
            NOT_AVAILABLE,
            id="min-qty-exceeded",
        ),
        pytest.param(
            stock(qty=Decimal(5), use_config_backorders=False, backorders=1),
            "50",
            None,
            id="backorders-allowed",
        ),
        pytest.param(
            stock(qty=Decimal(5), use_config_backorders=False, backorders=2),
            "50",
            None,
            id="backorders-notify",
        ),
        pytest.param(
            stock(qty=Decimal(5), backorders=1), "6", NOT_AVAILABLE, id="item-backorders-ignored"
        ),
        pytest.param(stock(is_in_stock=False), "1", OUT_OF_STOCK, id="out-of-stock"),
        pytest.param(
            stock(is_in_stock=False, use_config_backorders=False, backorders=1),
            "1",
            OUT_OF_STOCK,
            id="out-of-stock-despite-backorders",
        ),
        pytest.param(stock(qty=Decimal(20000)), "10000", None, id="config-max-reached"),
        pytest.param(stock(qty=Decimal(20000)), "10001", ABOVE_MAX, id="config-max-exceeded"),
        pytest.param(
            stock(use_config_max_sale_qty=False, max_sale_qty=Decimal(5)),
            "6",
            ABOVE_MAX,
            id="item-max-exceeded",
        ),
        pytest.param(
            stock(use_config_max_sale_qty=False, max_sale_qty=Decimal(0)),
            "50",
            None,
            id="item-max-zero-means-none",
        ),
        pytest.param(
            stock(use_config_min_sale_qty=0, min_sale_qty=Decimal(2)),
            "1",
            "The fewest you may purchase is 2.",
            id="min-sale",
        ),
        pytest.param(
            stock(use_config_min_sale_qty=0, min_sale_qty=Decimal("1.5000")),
            "1",
            "The fewest you may purchase is 1.5.",
            id="min-sale-fraction",
        ),
        pytest.param(
            stock(use_config_min_sale_qty=0, min_sale_qty=Decimal(2)),
            "2",
            None,
            id="min-sale-reached",
        ),
        pytest.param(stock(), "0.5", "The fewest you may purchase is 1.", id="config-min-sale"),
        pytest.param(
            stock(use_config_min_sale_qty=0, min_sale_qty=Decimal(0)),
            "0.5",
            None,
            id="min-sale-zero-means-none",
        ),
    ],
)
def test_check_qty(item: StockItem, requested: str, expected: str | None) -> None:
    assert message(item, requested) == expected


def test_no_stock_item_means_no_checks() -> None:
    assert inventory.check_qty(None, Decimal(10**9)) is None


def test_errors_are_400_input_errors() -> None:
    problem = inventory.check_qty(stock(qty=Decimal(1)), Decimal(2))
    assert isinstance(problem, errors.InputError)
    assert problem.status == 400


def test_min_sale_message_is_rendered_without_parameters() -> None:
    problem = inventory.check_qty(
        stock(use_config_min_sale_qty=0, min_sale_qty=Decimal("2.0000")), Decimal(1)
    )
    assert problem is not None
    assert encode(problem.body()) == b'{"message":"The fewest you may purchase is 2."}'


@pytest.mark.parametrize(
    ("item", "requested", "expected"),
    [
        pytest.param(
            stock(is_in_stock=False, use_config_min_sale_qty=0, min_sale_qty=Decimal(3)),
            "1",
            "The fewest you may purchase is 3.",
            id="min-sale-before-stock-status",
        ),
        pytest.param(
            stock(is_in_stock=False, use_config_max_sale_qty=False, max_sale_qty=Decimal(2)),
            "3",
            ABOVE_MAX,
            id="max-sale-before-stock-status",
        ),
        pytest.param(
            stock(qty=Decimal(1), use_config_max_sale_qty=False, max_sale_qty=Decimal(2)),
            "3",
            ABOVE_MAX,
            id="max-sale-before-availability",
        ),
    ],
)
def test_check_order(item: StockItem, requested: str, expected: str) -> None:
    assert message(item, requested) == expected


# ---------------------------------------------------------------- unmanaged stock


@pytest.mark.parametrize(
    ("item", "requested"),
    [
        pytest.param(unmanaged(is_in_stock=False), "1", id="out-of-stock-ignored"),
        pytest.param(unmanaged(qty=Decimal(0)), "50", id="qty-ignored"),
        pytest.param(unmanaged(qty=None), "50", id="null-qty-ignored"),
        pytest.param(
            unmanaged(qty=Decimal(10), use_config_min_qty=False, min_qty=Decimal(10)),
            "5",
            id="min-qty-ignored",
        ),
    ],
)
def test_unmanaged_stock_skips_stock_checks(item: StockItem, requested: str) -> None:
    assert message(item, requested) is None


@pytest.mark.parametrize(
    ("item", "requested", "expected"),
    [
        pytest.param(
            unmanaged(use_config_min_sale_qty=0, min_sale_qty=Decimal(2)),
            "1",
            "The fewest you may purchase is 2.",
            id="min-sale-still-applies",
        ),
        pytest.param(unmanaged(), "10001", ABOVE_MAX, id="max-sale-still-applies"),
    ],
)
def test_unmanaged_stock_keeps_sale_qty_limits(
    item: StockItem, requested: str, expected: str
) -> None:
    assert message(item, requested) == expected
