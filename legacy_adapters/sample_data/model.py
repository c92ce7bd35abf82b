"""What a sample-data catalog says, independent of its CSV dialect and of Magento's tables.

How this works: the two CSV dialects of Magento's sample data (the import format of
ConfigurableSampleData and the simpler per-module format, CONTRACT.md §14) are both parsed into
these specs; the loader then turns specs into EAV rows. Values stay as the CSV spells them (option
*labels*, dates as written) because only the loader knows attribute types and option ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

Values = Mapping[
    str, str
]  # attribute code -> value as written; several option labels joined by "\n"


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    code: str
    label: str
    input: str  # select | multiselect | boolean | text | textarea | price | date | weight
    options: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    is_global: int = 1
    is_filterable: bool = False
    is_searchable: bool = False
    is_comparable: bool = False
    is_visible_on_front: bool = False
    used_in_product_listing: bool = False
    used_for_sort_by: bool = False


@dataclass(frozen=True, slots=True)
class CategorySpec:
    path: tuple[str, ...]  # names below the store root, e.g. ("Men", "Tops")
    url_key: str | None = None
    is_active: bool = True
    is_anchor: bool = True
    include_in_menu: bool = True
    position: int | None = None
    display_mode: str | None = None


@dataclass(frozen=True, slots=True)
class StockSpec:
    qty: Decimal = Decimal(0)
    is_in_stock: bool = True
    settings: Mapping[str, str] = field(default_factory=dict)  # column -> raw value


@dataclass(frozen=True, slots=True)
class Variation:
    sku: str
    values: Mapping[str, str]  # super attribute code -> option label


@dataclass(frozen=True, slots=True)
class ProductSpec:
    sku: str
    type_id: str
    attribute_set: str
    values: Values  # includes name, price, status, visibility, ... as raw strings
    categories: tuple[tuple[str, ...], ...] = ()  # paths below the root; () = the root itself
    category_walk: tuple[str, ...] = ()  # simple format: names walked from the root (§14)
    websites: tuple[str, ...] = ("base",)
    stock: StockSpec = StockSpec()
    images: tuple[str, ...] = ()  # the first is the base image
    image_labels: Mapping[str, str] = field(default_factory=dict)
    variations: tuple[Variation, ...] = ()
    super_attributes: tuple[str, ...] = ()
    links: tuple[str, ...] = ()  # grouped: associated SKUs
    store_values: Mapping[str, Values] = field(default_factory=dict)  # store code -> overrides


@dataclass(frozen=True, slots=True)
class CustomerSpec:
    email: str
    password: str
    firstname: str
    lastname: str
    dob: str | None = None
    gender: int | None = None
    street: tuple[str, ...] = ()
    city: str = ""
    region: str | None = None
    country_id: str = "US"
    postcode: str | None = None
    telephone: str = ""


@dataclass(frozen=True, slots=True)
class Catalog:
    """One catalog to load: its name, where it came from, and everything in it.

    Products are streamed (`products()` re-reads the files) so a 100,000-product catalog loads
    in flat memory; `expected_products` is the number of product rows in the files, which the
    loader's count check compares against the database.
    """

    name: str
    source: str
    products: Callable[[], Iterator[ProductSpec]]
    expected_products: int
    root_name: str = "Default Category"
    attributes: tuple[AttributeSpec, ...] = ()
    categories: tuple[CategorySpec, ...] = ()
    customers: tuple[CustomerSpec, ...] = ()
    generated: bool = False
