"""Magento rows -> records (pure): EAV values resolved per store, quotes, customers.

How this works: EAV values arrive as `(entity_id, attribute_id, store_id, value)` rows from all
five value tables at once; `resolve_values` keeps, per attribute, the row of the requested store
over the store-0 default. `product()` then splits the resolved values into the fields that have
their own getters on ProductInterface (name, price, status, ...) and `custom_attributes` (every
other attribute with a value, plus category_ids / has_options / required_options), in the one
canonical order we emit: attribute_id ascending (CONTRACT.md §10.1 leaves the order open).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from legacy_adapters.records import (
    Attribute,
    Category,
    CategoryLink,
    ConfigurableOption,
    CustomAttribute,
    Customer,
    CustomerAddress,
    MediaEntry,
    Product,
    Quote,
    QuoteAddress,
    QuoteItem,
    StockItem,
    Store,
    StoreGroup,
    Website,
)

Row = Mapping[str, Any]

# Attributes with their own getter on ProductInterface, or never shown as custom attributes.
PRODUCT_OWN_FIELDS = frozenset(
    {
        "sku",
        "name",
        "price",
        "status",
        "visibility",
        "weight",
        "type_id",
        "attribute_set_id",
        "created_at",
        "updated_at",
        "media_gallery",
        "tier_price",
        "quantity_and_stock_status",
        "category_ids",
        "has_options",
        "required_options",
        "options_container_legacy",
    }
)
CATEGORY_OWN_FIELDS = frozenset(
    {
        "name",
        "is_active",
        "include_in_menu",
        "parent_id",
        "position",
        "level",
        "created_at",
        "updated_at",
        "children",
        "all_children",
        "path_in_store",
        "available_sort_by",
    }
)
IMAGE_ROLES = ("image", "small_image", "thumbnail", "swatch_image")


def timestamp(value: Any) -> str | None:
    """Magento's `YYYY-MM-DD HH:MM:SS` form of a DB datetime (the session runs in UTC)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True, slots=True)
class CatalogMeta:
    """Attribute metadata of both catalog entity types, looked up by code or id."""

    product: Mapping[str, Attribute]
    category: Mapping[str, Attribute]
    options: Mapping[int, Mapping[str, int]] = field(default_factory=dict)  # attr id -> label -> id
    product_by_id: Mapping[int, Attribute] = field(default_factory=dict)
    category_by_id: Mapping[int, Attribute] = field(default_factory=dict)

    def product_attribute_id(self, code: str) -> int | None:
        attr = self.product.get(code)
        return attr.attribute_id if attr else None


def catalog_meta(attribute_rows: Iterable[Row], option_rows: Iterable[Row]) -> CatalogMeta:
    """Build metadata from `sql.catalog.ATTRIBUTES` and `ATTRIBUTE_OPTIONS` rows."""
    product: dict[str, Attribute] = {}
    category: dict[str, Attribute] = {}
    for row in attribute_rows:
        attr = Attribute(
            attribute_id=int(row["attribute_id"]),
            code=row["attribute_code"],
            backend_type=row["backend_type"],
            frontend_input=row["frontend_input"],
            label=row["frontend_label"],
            is_global=int(row["is_global"]),
            is_user_defined=bool(row["is_user_defined"]),
        )
        target = product if row["entity_type_code"] == "catalog_product" else category
        target[attr.code] = attr
    options: dict[int, dict[str, int]] = defaultdict(dict)
    for row in option_rows:
        options[int(row["attribute_id"])].setdefault(row["label"], int(row["option_id"]))
    return CatalogMeta(
        product=product,
        category=category,
        options=dict(options),
        product_by_id={a.attribute_id: a for a in product.values()},
        category_by_id={a.attribute_id: a for a in category.values()},
    )


def resolve_values(rows: Iterable[Row], store_id: int) -> dict[int, dict[int, str | None]]:
    """entity_id -> attribute_id -> value, the store's row winning over the store-0 default."""
    out: dict[int, dict[int, str | None]] = defaultdict(dict)
    for row in rows:
        row_store = int(row["store_id"])
        if row_store not in (0, store_id):
            continue
        values = out[int(row["entity_id"])]
        attribute_id = int(row["attribute_id"])
        if row_store == store_id or attribute_id not in values:
            values[attribute_id] = row["value"]
    return dict(out)


def stock_item(row: Row) -> StockItem:
    return StockItem(
        item_id=int(row["item_id"]),
        product_id=int(row["product_id"]),
        stock_id=int(row["stock_id"]),
        qty=decimal(row["qty"]),
        is_in_stock=bool(row["is_in_stock"]),
        is_qty_decimal=bool(row["is_qty_decimal"]),
        min_qty=Decimal(str(row["min_qty"])),
        use_config_min_qty=bool(row["use_config_min_qty"]),
        min_sale_qty=Decimal(str(row["min_sale_qty"])),
        use_config_min_sale_qty=int(row["use_config_min_sale_qty"]),
        max_sale_qty=Decimal(str(row["max_sale_qty"])),
        use_config_max_sale_qty=bool(row["use_config_max_sale_qty"]),
        backorders=int(row["backorders"]),
        use_config_backorders=bool(row["use_config_backorders"]),
        notify_stock_qty=decimal(row["notify_stock_qty"]),
        use_config_notify_stock_qty=bool(row["use_config_notify_stock_qty"]),
        qty_increments=Decimal(str(row["qty_increments"])),
        use_config_qty_increments=bool(row["use_config_qty_increments"]),
        enable_qty_increments=bool(row["enable_qty_increments"]),
        use_config_enable_qty_inc=bool(row["use_config_enable_qty_inc"]),
        manage_stock=bool(row["manage_stock"]),
        use_config_manage_stock=bool(row["use_config_manage_stock"]),
        low_stock_date=timestamp(row["low_stock_date"]),
        is_decimal_divided=bool(row["is_decimal_divided"]),
        stock_status_changed_auto=int(row["stock_status_changed_auto"]),
    )


@dataclass(slots=True)
class ProductRows:
    """Everything fetched for one product, before mapping."""

    entity: Row
    values: dict[int, str | None] = field(default_factory=dict)
    website_ids: list[int] = field(default_factory=list)
    category_links: list[CategoryLink] = field(default_factory=list)
    stock: Row | None = None
    media: list[Row] = field(default_factory=list)
    super_attributes: list[Row] = field(default_factory=list)
    super_links: list[int] = field(default_factory=list)
    super_values: dict[int, list[int]] = field(default_factory=dict)  # attribute id -> option ids


def _int_or_none(value: str | None) -> int | None:
    return None if value is None else int(value)


def _media(rows: Sequence[Row], by_code: Mapping[str, str | None]) -> tuple[MediaEntry, ...]:
    entries = []
    for row in rows:
        file = row["file"]
        entries.append(
            MediaEntry(
                value_id=int(row["value_id"]),
                file=file,
                media_type=row["media_type"],
                label=row["label"],
                position=None if row["position"] is None else int(row["position"]),
                disabled=bool(row["disabled"]),
                types=tuple(role for role in IMAGE_ROLES if by_code.get(role) == file),
            )
        )
    return tuple(entries)


def product(rows: ProductRows, meta: CatalogMeta) -> Product:
    """One store-resolved product from its rows."""
    entity = rows.entity
    by_code: dict[str, str | None] = {}
    for attribute_id, value in rows.values.items():
        attr = meta.product_by_id.get(attribute_id)
        if attr is not None:
            by_code[attr.code] = value
    custom: list[tuple[int, CustomAttribute]] = []
    for attribute_id, value in rows.values.items():
        attr = meta.product_by_id.get(attribute_id)
        if attr is None or value is None or attr.code in PRODUCT_OWN_FIELDS:
            continue
        custom.append((attribute_id, CustomAttribute(attr.code, value)))
    statics: dict[str, str | tuple[str, ...]] = {
        "category_ids": tuple(str(link.category_id) for link in rows.category_links),
        "has_options": str(entity["has_options"]),
        "required_options": str(entity["required_options"]),
    }
    for code, static in statics.items():
        attr = meta.product.get(code)
        if attr is not None and (static or code != "category_ids"):
            custom.append((attr.attribute_id, CustomAttribute(code, static)))
    custom.sort(key=lambda pair: pair[0])
    product_id = int(entity["entity_id"])
    options = tuple(
        ConfigurableOption(
            option_id=int(sa["product_super_attribute_id"]),
            attribute_id=int(sa["attribute_id"]),
            label=sa["frontend_label"] or "",
            position=int(sa["position"]),
            value_indexes=tuple(rows.super_values.get(int(sa["attribute_id"]), [])),
            product_id=product_id,
        )
        for sa in rows.super_attributes
    )
    return Product(
        entity_id=product_id,
        sku=entity["sku"],
        type_id=entity["type_id"],
        attribute_set_id=int(entity["attribute_set_id"]),
        created_at=timestamp(entity["created_at"]) or "",
        updated_at=timestamp(entity["updated_at"]) or "",
        name=by_code.get("name"),
        price=decimal(by_code.get("price")),
        status=_int_or_none(by_code.get("status")),
        visibility=_int_or_none(by_code.get("visibility")),
        weight=decimal(by_code.get("weight")),
        special_price=decimal(by_code.get("special_price")),
        special_from_date=by_code.get("special_from_date"),
        special_to_date=by_code.get("special_to_date"),
        website_ids=tuple(rows.website_ids),
        category_links=tuple(rows.category_links),
        stock=stock_item(rows.stock) if rows.stock is not None else None,
        media=_media(rows.media, by_code),
        configurable_options=options,
        configurable_links=tuple(rows.super_links),
        custom_attributes=tuple(attr for _, attr in custom),
    )


def categories(
    entity_rows: Sequence[Row],
    value_rows: Iterable[Row],
    meta: CatalogMeta,
    store_id: int,
    direct_counts: Mapping[int, int],
    subtree_counts: Mapping[int, int],
) -> dict[int, Category]:
    """Every category, store-resolved, with children (by position) and product counts."""
    values = resolve_values(value_rows, store_id)
    children: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in entity_rows:
        if int(row["entity_id"]) != int(row["parent_id"]):
            children[int(row["parent_id"])].append((int(row["position"]), int(row["entity_id"])))
    out: dict[int, Category] = {}
    for row in entity_rows:
        entity_id = int(row["entity_id"])
        by_code = {
            meta.category_by_id[a].code: v
            for a, v in values.get(entity_id, {}).items()
            if a in meta.category_by_id
        }
        is_anchor = by_code.get("is_anchor") == "1"
        custom = sorted(
            (
                (meta.category[code].attribute_id, CustomAttribute(code, value))
                for code, value in by_code.items()
                if value is not None and code not in CATEGORY_OWN_FIELDS
            ),
            key=lambda pair: pair[0],
        )
        out[entity_id] = Category(
            entity_id=entity_id,
            parent_id=int(row["parent_id"]),
            path=row["path"],
            position=int(row["position"]),
            level=int(row["level"]),
            children_count=int(row["children_count"]),
            created_at=timestamp(row["created_at"]) or "",
            updated_at=timestamp(row["updated_at"]) or "",
            attribute_set_id=int(row["attribute_set_id"]),
            name=by_code.get("name"),
            is_active=None if by_code.get("is_active") is None else by_code["is_active"] == "1",
            is_anchor=is_anchor,
            include_in_menu=(
                None
                if by_code.get("include_in_menu") is None
                else by_code["include_in_menu"] == "1"
            ),
            children=tuple(cid for _, cid in sorted(children.get(entity_id, []))),
            product_count=(subtree_counts if is_anchor else direct_counts).get(entity_id, 0),
            custom_attributes=tuple(attr for _, attr in custom),
        )
    return out


# ---------------------------------------------------------------- quotes and customers


def _dec(value: Any, default: Decimal | None = Decimal(0)) -> Decimal | None:
    return default if value is None else Decimal(str(value))


def quote_item(row: Row) -> QuoteItem:
    zero = Decimal(0)
    return QuoteItem(
        item_id=int(row["item_id"]),
        quote_id=int(row["quote_id"]),
        product_id=int(row["product_id"] or 0),
        sku=row["sku"] or "",
        name=row["name"],
        qty=_dec(row["qty"]) or zero,
        price=_dec(row["price"]) or zero,
        base_price=_dec(row["base_price"]) or zero,
        row_total=_dec(row["row_total"]) or zero,
        base_row_total=_dec(row["base_row_total"]) or zero,
        product_type=row["product_type"] or "simple",
        created_at=timestamp(row["created_at"]) or "",
        updated_at=timestamp(row["updated_at"]) or "",
        store_id=int(row["store_id"] or 0),
        parent_item_id=row["parent_item_id"],
        is_virtual=bool(row["is_virtual"]),
        weight=_dec(row["weight"], None),
        price_incl_tax=_dec(row["price_incl_tax"], None),
        base_price_incl_tax=_dec(row["base_price_incl_tax"], None),
        row_total_incl_tax=_dec(row["row_total_incl_tax"], None),
        base_row_total_incl_tax=_dec(row["base_row_total_incl_tax"], None),
        tax_amount=_dec(row["tax_amount"]) or zero,
        base_tax_amount=_dec(row["base_tax_amount"]) or zero,
        tax_percent=_dec(row["tax_percent"]) or zero,
        discount_amount=_dec(row["discount_amount"]) or zero,
        base_discount_amount=_dec(row["base_discount_amount"]) or zero,
        discount_percent=_dec(row["discount_percent"]) or zero,
        row_total_with_discount=_dec(row["row_total_with_discount"]) or zero,
    )


_ADDRESS_TEXT = (
    "email",
    "firstname",
    "lastname",
    "middlename",
    "prefix",
    "suffix",
    "company",
    "street",
    "city",
    "region",
    "region_code",
    "postcode",
    "country_id",
    "telephone",
    "fax",
    "shipping_method",
    "shipping_description",
)
_ADDRESS_MONEY = (
    "subtotal",
    "base_subtotal",
    "subtotal_with_discount",
    "base_subtotal_with_discount",
    "tax_amount",
    "base_tax_amount",
    "shipping_amount",
    "base_shipping_amount",
    "discount_amount",
    "base_discount_amount",
    "grand_total",
    "base_grand_total",
)
_ADDRESS_NULLABLE_MONEY = (
    "shipping_tax_amount",
    "base_shipping_tax_amount",
    "shipping_discount_amount",
    "base_shipping_discount_amount",
    "subtotal_incl_tax",
    "shipping_incl_tax",
    "base_shipping_incl_tax",
)


def quote_address(row: Row) -> QuoteAddress:
    fields: dict[str, Any] = {
        "address_id": int(row["address_id"]),
        "quote_id": int(row["quote_id"]),
        "address_type": row["address_type"] or "",
        "customer_id": row["customer_id"],
        "region_id": row["region_id"],
        "vat_id": row.get("vat_id"),
        "customer_address_id": row["customer_address_id"],
        "same_as_billing": int(row["same_as_billing"] or 0),
        "save_in_address_book": int(row["save_in_address_book"] or 0),
    }
    fields.update((k, row.get(k)) for k in _ADDRESS_TEXT)
    fields.update((k, _dec(row[k])) for k in _ADDRESS_MONEY)
    fields.update((k, _dec(row[k], None)) for k in _ADDRESS_NULLABLE_MONEY)
    return QuoteAddress(**fields)


def quote(row: Row, items: Iterable[Row], addresses: Iterable[Row], masked_id: str | None) -> Quote:
    zero = Decimal(0)
    return Quote(
        entity_id=int(row["entity_id"]),
        store_id=int(row["store_id"]),
        created_at=timestamp(row["created_at"]) or "",
        updated_at=timestamp(row["updated_at"]) or "",
        converted_at=timestamp(row["converted_at"]),
        is_active=bool(row["is_active"]),
        is_virtual=bool(row["is_virtual"]),
        items_count=int(row["items_count"] or 0),
        items_qty=_dec(row["items_qty"]) or zero,
        customer_id=row["customer_id"],
        customer_is_guest=bool(row["customer_is_guest"]),
        customer_tax_class_id=row["customer_tax_class_id"],
        customer_group_id=int(row["customer_group_id"] or 0),
        customer_email=row["customer_email"],
        customer_firstname=row["customer_firstname"],
        customer_lastname=row["customer_lastname"],
        orig_order_id=int(row["orig_order_id"] or 0),
        reserved_order_id=row["reserved_order_id"],
        customer_note=row["customer_note"],
        customer_note_notify=bool(row["customer_note_notify"]),
        global_currency_code=row["global_currency_code"],
        base_currency_code=row["base_currency_code"],
        store_currency_code=row["store_currency_code"],
        quote_currency_code=row["quote_currency_code"],
        store_to_base_rate=_dec(row["store_to_base_rate"]) or zero,
        store_to_quote_rate=_dec(row["store_to_quote_rate"]) or zero,
        base_to_global_rate=_dec(row["base_to_global_rate"], None),
        base_to_quote_rate=_dec(row["base_to_quote_rate"], None),
        subtotal=_dec(row["subtotal"], None),
        base_subtotal=_dec(row["base_subtotal"], None),
        subtotal_with_discount=_dec(row["subtotal_with_discount"], None),
        base_subtotal_with_discount=_dec(row["base_subtotal_with_discount"], None),
        grand_total=_dec(row["grand_total"]) or zero,
        base_grand_total=_dec(row["base_grand_total"]) or zero,
        coupon_code=row["coupon_code"],
        masked_id=masked_id,
        items=tuple(quote_item(i) for i in items),
        addresses=tuple(quote_address(a) for a in addresses),
    )


def customer(row: Row, addresses: Iterable[Row]) -> Customer:
    dob = row["dob"]
    return Customer(
        entity_id=int(row["entity_id"]),
        website_id=int(row["website_id"] or 0),
        email=row["email"],
        group_id=int(row["group_id"]),
        store_id=int(row["store_id"] or 0),
        created_at=timestamp(row["created_at"]) or "",
        updated_at=timestamp(row["updated_at"]) or "",
        created_in=row["created_in"],
        firstname=row["firstname"],
        lastname=row["lastname"],
        is_active=bool(row["is_active"]),
        middlename=row["middlename"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        dob=dob.isoformat() if isinstance(dob, dt.date) else dob,
        gender=row["gender"],
        taxvat=row["taxvat"],
        confirmation=row["confirmation"],
        default_billing=row["default_billing"],
        default_shipping=row["default_shipping"],
        disable_auto_group_change=int(row["disable_auto_group_change"] or 0),
        password_hash=row["password_hash"],
        addresses=tuple(
            CustomerAddress(
                entity_id=int(a["entity_id"]),
                customer_id=int(a["parent_id"]),
                firstname=a["firstname"],
                lastname=a["lastname"],
                street=tuple(s for s in (a["street"] or "").split("\n") if s) or ("",),
                city=a["city"],
                country_id=a["country_id"],
                telephone=a["telephone"],
                postcode=a["postcode"],
                region=a["region"],
                region_id=a["region_id"],
                region_code=a.get("region_code"),
                company=a["company"],
            )
            for a in addresses
        ),
    )


def website(row: Row) -> Website:
    return Website(int(row["website_id"]), row["code"], row["name"], int(row["default_group_id"]))


def store_group(row: Row) -> StoreGroup:
    return StoreGroup(
        int(row["group_id"]),
        int(row["website_id"]),
        row["name"],
        int(row["root_category_id"]),
        int(row["default_store_id"]),
        row["code"],
    )


def store(row: Row) -> Store:
    return Store(
        int(row["store_id"]),
        row["code"],
        int(row["website_id"]),
        int(row["group_id"]),
        row["name"],
        bool(row["is_active"]),
    )
