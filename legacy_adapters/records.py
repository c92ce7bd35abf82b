"""Plain records of Magento's entities: what the EAV and quote rows mean, without the tables.

How this works: readers (pymysql) and the legacy service's store (aiomysql) fetch rows with the
SQL in `legacy_adapters.sql`; `legacy_adapters.mapping` turns those rows into these frozen
records; `legacy_adapters.magento_wire.shapes` renders records as Magento's JSON. The ETL, the
cart migration and the new services work on records and never see an EAV row.
Money and quantities are `Decimal` as the columns store them; timestamps are Magento's
`YYYY-MM-DD HH:MM:SS` strings (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# ---------------------------------------------------------------- catalog


@dataclass(frozen=True, slots=True)
class Attribute:
    """EAV attribute metadata (eav_attribute + catalog_eav_attribute)."""

    attribute_id: int
    code: str
    backend_type: str  # static | varchar | int | decimal | text | datetime
    frontend_input: str | None
    label: str | None
    is_global: int = 1  # 0 store, 1 global, 2 website
    is_user_defined: bool = False


@dataclass(frozen=True, slots=True)
class AttributeOption:
    option_id: int
    attribute_id: int
    label: str
    sort_order: int = 0


@dataclass(frozen=True, slots=True)
class CustomAttribute:
    """One `custom_attributes` entry: the raw stored value (a list only for category_ids)."""

    code: str
    value: str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CategoryLink:
    category_id: int
    position: int = 0


@dataclass(frozen=True, slots=True)
class StockItem:
    """cataloginventory_stock_item, columns as stored (config fallbacks applied when rendered)."""

    item_id: int
    product_id: int
    stock_id: int
    qty: Decimal | None
    is_in_stock: bool
    is_qty_decimal: bool = False
    min_qty: Decimal = Decimal(0)
    use_config_min_qty: bool = True
    min_sale_qty: Decimal = Decimal(1)
    use_config_min_sale_qty: int = 1
    max_sale_qty: Decimal = Decimal(0)
    use_config_max_sale_qty: bool = True
    backorders: int = 0
    use_config_backorders: bool = True
    notify_stock_qty: Decimal | None = None
    use_config_notify_stock_qty: bool = True
    qty_increments: Decimal = Decimal(0)
    use_config_qty_increments: bool = True
    enable_qty_increments: bool = False
    use_config_enable_qty_inc: bool = True
    manage_stock: bool = False
    use_config_manage_stock: bool = True
    low_stock_date: str | None = None
    is_decimal_divided: bool = False
    stock_status_changed_auto: int = 0


@dataclass(frozen=True, slots=True)
class MediaEntry:
    value_id: int
    file: str
    media_type: str = "image"
    label: str | None = None
    position: int | None = None
    disabled: bool = False
    types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConfigurableOption:
    """catalog_product_super_attribute with the option values its children use."""

    option_id: int  # product_super_attribute_id
    attribute_id: int
    label: str
    position: int
    value_indexes: tuple[int, ...]
    product_id: int


@dataclass(frozen=True, slots=True)
class Product:
    """A product as one store view sees it (store values over the store-0 defaults)."""

    entity_id: int
    sku: str
    type_id: str
    attribute_set_id: int
    created_at: str
    updated_at: str
    name: str | None = None
    price: Decimal | None = None
    status: int | None = None
    visibility: int | None = None
    weight: Decimal | None = None
    special_price: Decimal | None = None
    special_from_date: str | None = None
    special_to_date: str | None = None
    website_ids: tuple[int, ...] = ()
    category_links: tuple[CategoryLink, ...] = ()
    stock: StockItem | None = None
    media: tuple[MediaEntry, ...] = ()
    configurable_options: tuple[ConfigurableOption, ...] = ()
    configurable_links: tuple[int, ...] = ()
    custom_attributes: tuple[CustomAttribute, ...] = ()

    def attribute(self, code: str) -> str | tuple[str, ...] | None:
        for attr in self.custom_attributes:
            if attr.code == code:
                return attr.value
        return None


@dataclass(frozen=True, slots=True)
class Category:
    entity_id: int
    parent_id: int
    path: str
    position: int
    level: int
    children_count: int
    created_at: str
    updated_at: str
    attribute_set_id: int = 3
    name: str | None = None
    is_active: bool | None = None
    is_anchor: bool | None = None
    include_in_menu: bool | None = None
    children: tuple[int, ...] = ()  # direct children, by position
    product_count: int = 0
    custom_attributes: tuple[CustomAttribute, ...] = ()


# ---------------------------------------------------------------- stores


@dataclass(frozen=True, slots=True)
class Website:
    website_id: int
    code: str
    name: str
    default_group_id: int


@dataclass(frozen=True, slots=True)
class StoreGroup:
    group_id: int
    website_id: int
    name: str
    root_category_id: int
    default_store_id: int
    code: str


@dataclass(frozen=True, slots=True)
class Store:
    store_id: int
    code: str
    website_id: int
    group_id: int
    name: str
    is_active: bool


# ---------------------------------------------------------------- customers


@dataclass(frozen=True, slots=True)
class CustomerAddress:
    entity_id: int
    customer_id: int
    firstname: str
    lastname: str
    street: tuple[str, ...]
    city: str
    country_id: str
    telephone: str
    postcode: str | None = None
    region: str | None = None
    region_id: int | None = None
    region_code: str | None = None
    company: str | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    entity_id: int
    website_id: int
    email: str
    group_id: int
    store_id: int
    created_at: str
    updated_at: str
    created_in: str | None
    firstname: str | None
    lastname: str | None
    is_active: bool = True
    middlename: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    dob: str | None = None
    gender: int | None = None
    taxvat: str | None = None
    confirmation: str | None = None
    default_billing: int | None = None
    default_shipping: int | None = None
    disable_auto_group_change: int = 0
    password_hash: str | None = field(default=None, repr=False)
    addresses: tuple[CustomerAddress, ...] = ()


# ---------------------------------------------------------------- quotes


@dataclass(frozen=True, slots=True)
class QuoteItem:
    item_id: int
    quote_id: int
    product_id: int
    sku: str
    name: str | None
    qty: Decimal
    price: Decimal
    base_price: Decimal
    row_total: Decimal
    base_row_total: Decimal
    product_type: str
    created_at: str = ""
    updated_at: str = ""
    store_id: int = 1
    parent_item_id: int | None = None
    is_virtual: bool = False
    weight: Decimal | None = None
    price_incl_tax: Decimal | None = None
    base_price_incl_tax: Decimal | None = None
    row_total_incl_tax: Decimal | None = None
    base_row_total_incl_tax: Decimal | None = None
    tax_amount: Decimal = Decimal(0)
    base_tax_amount: Decimal = Decimal(0)
    tax_percent: Decimal = Decimal(0)
    discount_amount: Decimal = Decimal(0)
    base_discount_amount: Decimal = Decimal(0)
    discount_percent: Decimal = Decimal(0)
    row_total_with_discount: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class QuoteAddress:
    address_id: int
    quote_id: int
    address_type: str  # billing | shipping
    customer_id: int | None = None
    email: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    middlename: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    company: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    region_id: int | None = None
    region_code: str | None = None
    postcode: str | None = None
    country_id: str | None = None
    telephone: str | None = None
    fax: str | None = None
    vat_id: str | None = None
    customer_address_id: int | None = None
    same_as_billing: int = 0
    save_in_address_book: int = 0
    shipping_method: str | None = None
    shipping_description: str | None = None
    subtotal: Decimal = Decimal(0)
    base_subtotal: Decimal = Decimal(0)
    subtotal_with_discount: Decimal = Decimal(0)
    base_subtotal_with_discount: Decimal = Decimal(0)
    tax_amount: Decimal = Decimal(0)
    base_tax_amount: Decimal = Decimal(0)
    shipping_amount: Decimal = Decimal(0)
    base_shipping_amount: Decimal = Decimal(0)
    shipping_tax_amount: Decimal | None = None
    base_shipping_tax_amount: Decimal | None = None
    discount_amount: Decimal = Decimal(0)
    base_discount_amount: Decimal = Decimal(0)
    grand_total: Decimal = Decimal(0)
    base_grand_total: Decimal = Decimal(0)
    shipping_discount_amount: Decimal | None = None
    base_shipping_discount_amount: Decimal | None = None
    subtotal_incl_tax: Decimal | None = None
    shipping_incl_tax: Decimal | None = None
    base_shipping_incl_tax: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    entity_id: int
    store_id: int
    created_at: str
    updated_at: str
    is_active: bool
    is_virtual: bool
    items_count: int
    items_qty: Decimal
    customer_id: int | None
    customer_is_guest: bool
    customer_tax_class_id: int | None
    customer_group_id: int = 0
    customer_email: str | None = None
    customer_firstname: str | None = None
    customer_lastname: str | None = None
    converted_at: str | None = None
    orig_order_id: int = 0
    reserved_order_id: str | None = None
    customer_note: str | None = None
    customer_note_notify: bool = True
    global_currency_code: str | None = "USD"
    base_currency_code: str | None = "USD"
    store_currency_code: str | None = "USD"
    quote_currency_code: str | None = "USD"
    store_to_base_rate: Decimal = Decimal(0)
    store_to_quote_rate: Decimal = Decimal(0)
    base_to_global_rate: Decimal | None = Decimal(1)
    base_to_quote_rate: Decimal | None = Decimal(1)
    subtotal: Decimal | None = None
    base_subtotal: Decimal | None = None
    subtotal_with_discount: Decimal | None = None
    base_subtotal_with_discount: Decimal | None = None
    grand_total: Decimal = Decimal(0)
    base_grand_total: Decimal = Decimal(0)
    coupon_code: str | None = None
    masked_id: str | None = None
    items: tuple[QuoteItem, ...] = ()
    addresses: tuple[QuoteAddress, ...] = ()

    def address(self, address_type: str) -> QuoteAddress | None:
        for address in self.addresses:
            if address.address_type == address_type:
                return address
        return None
