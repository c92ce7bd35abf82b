"""A synthetic Magento catalog of any size, written in the CSV formats of Luma's sample data.

Luma has 1,994 products; load, ETL and soak tests need 100,000. This module writes a catalog
that a reader of Luma's fixture files reads unchanged: the same five files at the same paths,
the same headers in the same column order, the same cell conventions, the same CSV dialect.

How this works:

- Fixed tables below describe the store: attributes (`Attribute`, one row each in one of the
  two `attributes.csv`), the category tree (`Category`) and the leaf categories products are
  made for (`Shelf`: attribute set, SKU prefix, product types, style labels).
- `generate()` writes the attribute and category files from those tables, then streams
  `products.csv` family by family: a configurable is its simple children (size x colour,
  "Not Visible Individually") followed by the parent ("Catalog, Search"), exactly as Luma
  orders them; standalone simple gear products are mixed in. When fewer rows are left than a
  family needs, the family's size/colour grid shrinks, so the file has exactly `products` rows.
- Every random choice comes from one `random.Random(seed)` consumed in file order, and nothing
  else (no clock, no environment) reaches the files: a seed always gives the same bytes.
- Cells are written by `csv_line`, which quotes like PHP's `fputcsv` (Luma's products.csv is
  byte-for-byte what it produces), with "\\n" line ends.
- SKUs are a shelf prefix plus a serial number (children add "-size-colour"); URL keys are the
  name plus the SKU, so both are unique without remembering what was written (flat memory).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT_CATEGORY = "Default Category"
SAMPLE_DATA_MODULES = Path("magento2-sample-data/app/code/Magento")
CONFIGURABLE_FIXTURES = SAMPLE_DATA_MODULES / "ConfigurableSampleData/fixtures"
CATALOG_FIXTURES = SAMPLE_DATA_MODULES / "CatalogSampleData/fixtures"

PRODUCT_COLUMNS: tuple[str, ...] = (
    "sku", "store_view_code", "attribute_set_code", "product_type", "categories",
    "product_websites", "name", "description", "short_description", "weight", "product_online",
    "tax_class_name", "visibility", "price", "special_price", "special_price_from_date",
    "special_price_to_date", "url_key", "meta_title", "meta_keywords", "meta_description",
    "base_image", "base_image_label", "small_image", "small_image_label", "thumbnail_image",
    "thumbnail_image_label", "created_at", "updated_at", "new_from_date", "new_to_date",
    "display_product_options_in", "map_price", "msrp_price", "map_enabled",
    "gift_message_available", "custom_design", "custom_design_from", "custom_design_to",
    "custom_layout_update", "page_layout", "product_options_container",
    "msrp_display_actual_price_type", "country_of_manufacture", "additional_attributes", "qty",
    "out_of_stock_qty", "use_config_min_qty", "is_qty_decimal", "allow_backorders",
    "use_config_backorders", "min_cart_qty", "use_config_min_sale_qty", "max_cart_qty",
    "use_config_max_sale_qty", "is_in_stock", "notify_on_stock_below",
    "use_config_notify_stock_qty", "manage_stock", "use_config_manage_stock",
    "use_config_qty_increments", "qty_increments", "use_config_enable_qty_inc",
    "enable_qty_increments", "is_decimal_divided", "website_id", "configurable_variations",
    "configurable_variation_prices", "configurable_variation_labels", "additional_images",
)  # fmt: skip
ATTRIBUTE_COLUMNS: tuple[str, ...] = (
    "frontend_label", "frontend_input", "is_required", "option", "default", "attribute_code",
    "is_global", "default_value_text", "default_value_yesno", "default_value_date",
    "default_value_textarea", "is_unique", "is_searchable", "is_visible_in_advanced_search",
    "is_comparable", "is_filterable", "is_filterable_in_search", "position",
    "is_used_for_promo_rules", "is_html_allowed_on_front", "is_visible_on_front",
    "used_in_product_listing", "used_for_sort_by", "attribute_set",
)  # fmt: skip
CATEGORY_COLUMNS: tuple[str, ...] = (
    "name", "url_key", "path", "active", "is_anchor", "include_in_menu", "position",
    "display_mode", "custom_layout_update",
)  # fmt: skip

NOT_VISIBLE = "Not Visible Individually"
CATALOG_SEARCH = "Catalog, Search"

# Characters that make PHP's fputcsv quote a cell (delimiter, enclosure, escape, whitespace).
_NEEDS_QUOTES = re.compile(r'[,"\\\n\r\t ]')
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Characters that would split an option label inside an import-format cell.
_LABEL_BREAKERS = re.compile(r"[,|=\n]")


def csv_line(cells: Sequence[str]) -> str:
    """One CSV line as PHP's `fputcsv` writes it, which is how Luma's files were made.

    Unlike Python's `csv` module it quotes any cell holding a space, and ends lines with "\\n":
    `csv_line(["MH01", "Taxable Goods", ""])` -> 'MH01,"Taxable Goods",\\n'.
    """
    return (
        ",".join(
            '"' + cell.replace('"', '""') + '"' if _NEEDS_QUOTES.search(cell) else cell
            for cell in cells
        )
        + "\n"
    )


def _url_key(text: str) -> str:
    """Magento's URL-key shape: lower case, runs of anything else as one '-'."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


# --- The store: attributes ------------------------------------------------------------------

# input -> (is_visible_on_front, used_in_product_listing), as Luma sets them
_FRONT_FLAGS = {"select": ("0", "1"), "multiselect": ("1", "0"), "boolean": ("0", "0")}
# The flags every Luma attribute row has in common (other cells are empty).
_ATTRIBUTE_FLAGS = {
    "is_required": "0", "is_global": "1", "default_value_yesno": "0", "is_unique": "0",
    "is_searchable": "0", "is_visible_in_advanced_search": "0", "is_filterable": "1",
    "is_filterable_in_search": "0", "is_used_for_promo_rules": "1",
    "is_html_allowed_on_front": "1", "used_for_sort_by": "0",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Attribute:
    """One row of an `attributes.csv`: an EAV attribute, its option labels, its sets."""

    code: str
    label: str  # frontend_label; a second line is the storefront label, as in Luma
    input: str
    options: tuple[str, ...]
    sets: tuple[str, ...]
    comparable: bool = False

    def __post_init__(self) -> None:
        if self.input not in _FRONT_FLAGS:
            raise ValueError(f"attribute {self.code}: unknown input {self.input!r}")
        if (self.input == "boolean") != (not self.options):
            raise ValueError(f"attribute {self.code}: options must be given iff not boolean")
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"attribute {self.code}: duplicate option labels")
        if any(_LABEL_BREAKERS.search(option) for option in self.options):
            raise ValueError(f"attribute {self.code}: an option label holds , | = or newline")

    @property
    def store_label(self) -> str:
        """The label shoppers see (the last line of frontend_label)."""
        return self.label.split("\n")[-1]

    def row(self) -> list[str]:
        """The attributes.csv row, with the flag values Luma uses for this kind of input."""
        on_front, in_listing = _FRONT_FLAGS[self.input]
        cells = {
            "frontend_label": self.label,
            "frontend_input": self.input,
            "option": "\n".join(self.options),
            "attribute_code": self.code,
            "is_comparable": "1" if self.comparable else "",
            "is_visible_on_front": on_front,
            "used_in_product_listing": in_listing,
            "attribute_set": "\n".join(self.sets),
        }
        merged = {**_ATTRIBUTE_FLAGS, **cells}
        return [merged.get(column, "") for column in ATTRIBUTE_COLUMNS]


_APPAREL = ("Top", "Bottom")
_EVERY_SET = ("Top", "Bottom", "Gear", "Bag")

COLORS = (
    "Black", "Blue", "Brown", "Gray", "Green", "Lavender", "Multi", "Orange", "Purple", "Red",
    "White", "Yellow",
)  # fmt: skip
TOP_SIZES = ("XS", "S", "M", "L", "XL")
BOTTOM_SIZES = ("28", "29", "30", "31", "32", "33", "34", "36", "38")

STYLE_GENERAL = Attribute(
    "style_general", "Style General\nStyle", "multiselect",
    ("Insulated", "Jacket", "Vest", "Lightweight", "Hooded", "Soft Shell", "Windbreaker",
     "&frac14; zip", "Full Zip", "Bra", "Hoodie", "Sweatshirt", "Polo", "Tank", "Tee",
     "Pullover", "Henley", "Tunic", "Base Layer"),
    ("Top",),
)  # fmt: skip
STYLE_BOTTOM = Attribute(
    "style_bottom", "Style Bottom\nStyle", "multiselect",
    ("Base Layer", "Basic", "Capri", "Compression", "Jogger", "Leggings", "Skort", "Snug",
     "Sweatpants", "Tights", "Track Pants", "Workout Pants"),
    ("Bottom",),
)  # fmt: skip
APPAREL_MATERIAL = Attribute(
    "material", "Material", "multiselect",
    ("Cocona&reg; performance fabric", "Wool", "Fleece", "Hemp", "Jersey", "LumaTech&trade;",
     "Lycra&reg;", "Mesh", "Microfiber", "Nylon", "Polyester", "Spandex", "Cotton",
     "Organic Cotton", "Rayon", "TENCEL", "Linen", "Terry"),
    _APPAREL,
)  # fmt: skip
SIZE = Attribute("size", "Size", "select", TOP_SIZES + BOTTOM_SIZES, ("Bottom", "Top"))
PATTERN = Attribute(
    "pattern", "Pattern", "multiselect",
    ("Color-Blocked", "Checked", "Graphic Print", "Solid", "Solid-Highlight", "Striped", "Camo",
     "Geometric"),
    _APPAREL,
)  # fmt: skip
CLIMATE = Attribute(
    "climate", "Climate", "multiselect",
    ("All-Weather", "Cold", "Cool", "Indoor", "Mild", "Rainy", "Spring", "Warm", "Windy",
     "Wintry", "Hot"),
    _APPAREL,
)  # fmt: skip
ACTIVITY = Attribute(
    "activity", "Activity", "multiselect",
    ("Hike", "Outdoor", "Running", "Warmup", "Yoga", "Recreation", "Lounge", "Gym", "Climbing",
     "Crosstraining", "Post-workout", "Cycling", "Athletic", "Sports", "Overnight", "School",
     "Trail", "Travel", "Urban"),
    _EVERY_SET, comparable=True,
)  # fmt: skip
GEAR_MATERIAL = Attribute(
    "material", "Material", "multiselect",
    ("Burlap", "Canvas", "Cotton", "Faux Leather", "Leather", "Mesh", "Nylon", "Polyester",
     "Ripstop", "Foam", "Metal", "Plastic", "Rubber", "Stainless Steel", "Silicone"),
    ("Gear", "Bag", "Top", "Bottom"),
)  # fmt: skip
COLOR = Attribute("color", "Color", "select", COLORS, _EVERY_SET)
GENDER = Attribute(
    "gender", "Gender", "multiselect", ("Men", "Women", "Boys", "Girls", "Unisex"), ("Gear", "Bag")
)
FLAGS = ("eco_collection", "performance_fabric", "erin_recommends", "new", "sale")
_FLAG_LABELS = ("Eco Collection", "Performance Fabric", "Erin Recommends", "New", "Sale")

# Split across the two files as Luma splits them: apparel in ConfigurableSampleData, the rest
# (and `material` a second time, with the gear options) in CatalogSampleData.
CONFIGURABLE_ATTRIBUTES = (STYLE_BOTTOM, STYLE_GENERAL, APPAREL_MATERIAL, SIZE, PATTERN, CLIMATE)
CATALOG_ATTRIBUTES = (
    ACTIVITY, GEAR_MATERIAL, COLOR, GENDER,
    *(Attribute(code, label, "boolean", (), _EVERY_SET)
      for code, label in zip(FLAGS, _FLAG_LABELS, strict=True)),
)  # fmt: skip


# --- The store: categories ------------------------------------------------------------------

_ROOT_LAYOUT = '<referenceContainer name="catalog.leftnav" remove="true"/>'
_MENU_POSITIONS = {"Women": "2", "Men": "3", "Gear": "4"}  # Luma's top menu order
_HIDDEN_ROOTS = frozenset({"Promotions", "Collections"})  # landing pages, not in the menu


@dataclass(frozen=True, slots=True)
class Category:
    """One row of a `categories.csv`: a name under a parent path of names."""

    name: str
    url_key: str
    parent: str = ""  # ancestor names below the store root joined by '/'; '' = top level

    def __post_init__(self) -> None:
        if not self.name or any(c in self.name for c in "/,"):
            raise ValueError(f"category name {self.name!r} would break a path cell")
        if self.url_key != _url_key(self.url_key):
            raise ValueError(f"category {self.name}: {self.url_key!r} is not a URL key")

    @property
    def path(self) -> str:
        """The full path below the store root, as products.csv names it."""
        return f"{self.parent}/{self.name}" if self.parent else self.name

    @property
    def top(self) -> str:
        return self.path.split("/")[0]

    def row(self) -> list[str]:
        """The categories.csv row, with Luma's flags for menu roots, landing pages and others."""
        hidden = self.top in _HIDDEN_ROOTS
        menu = "0" if hidden else "1"
        if self.parent:
            return [self.name, self.url_key, self.parent, "1", "1", menu, "", "", ""]
        position, layout = _MENU_POSITIONS.get(self.name, ""), "" if hidden else _ROOT_LAYOUT
        return [self.name, self.url_key, "", menu, "0", menu, position, "PAGE", layout]


def _department(name: str, tops: Iterable[str], bottoms: Iterable[str]) -> list[Category]:
    """Men or Women: Tops and Bottoms, each leaf's URL key suffixed like Luma's ('tees-men')."""
    suffix = name.lower()
    out = [Category(name, suffix)]
    for branch, leaves in (("Tops", tops), ("Bottoms", bottoms)):
        out.append(Category(branch, f"{branch.lower()}-{suffix}", name))
        for leaf in leaves:
            slug = _url_key(leaf.replace("&", "and"))
            out.append(Category(leaf, f"{slug}-{suffix}", f"{name}/{branch}"))
    return out


CONFIGURABLE_CATEGORIES = (
    *_department(
        "Men",
        ("Jackets", "Hoodies & Sweatshirts", "Tees", "Tanks", "Polos", "Base Layers"),
        ("Pants", "Shorts", "Joggers", "Tights"),
    ),
    *_department(
        "Women",
        ("Jackets", "Hoodies & Sweatshirts", "Tees", "Bras & Tanks", "Tunics"),
        ("Pants", "Shorts", "Leggings", "Skirts"),
    ),
    Category("Promotions", "promotions"),
    Category("Women Sale", "women-sale", "Promotions"),
    Category("Men Sale", "men-sale", "Promotions"),
    Category("Pants", "pants-all", "Promotions"),
    Category("Tees", "tees-all", "Promotions"),
    Category("Collections", "collections"),
    Category("New Luma Yoga Collection", "yoga-new", "Collections"),
    Category("Erin Recommends", "erin-recommends", "Collections"),
    Category("Performance Fabrics", "performance-fabrics", "Collections"),
    Category("Eco Friendly", "eco-friendly", "Collections"),
)
CATALOG_CATEGORIES = (
    Category("Gear", "gear"),
    Category("Bags", "bags", "Gear"),
    Category("Fitness Equipment", "fitness-equipment", "Gear"),
    Category("Watches", "watches", "Gear"),
    Category("Water Bottles", "water-bottles", "Gear"),
    Category("Yoga Mats", "yoga-mats", "Gear"),
)

# flag -> the collection a product with that flag may also be filed under
_COLLECTION_OF = {
    "eco_collection": "Collections/Eco Friendly",
    "performance_fabric": "Collections/Performance Fabrics",
    "erin_recommends": "Collections/Erin Recommends",
    "new": "Collections/New Luma Yoga Collection",
}
_PROMOTION_OF = {"Pants": "Promotions/Pants", "Tees": "Promotions/Tees"}


# --- The store: shelves (leaf categories products are made for) -----------------------------


@dataclass(frozen=True, slots=True)
class Shelf:
    """A leaf category and how its products look: set, SKU prefix, types, style labels."""

    path: str
    attribute_set: str
    sku_prefix: str
    types: tuple[str, ...]  # the last words of a product name
    styles: tuple[str, ...] = ()  # labels of style_general (Top) or style_bottom (Bottom)

    def __post_init__(self) -> None:
        if not (self.sku_prefix.isalpha() and self.sku_prefix.isupper()):
            # Letters-only prefixes + digit serials keep SKUs (and URL keys) unique.
            raise ValueError(f"shelf {self.path}: SKU prefix must be capital letters")
        if not self.types:
            raise ValueError(f"shelf {self.path}: no product types")

    @property
    def department(self) -> str:
        return self.path.split("/")[0]

    @property
    def leaf(self) -> str:
        return self.path.split("/")[-1]


APPAREL_SHELVES = (
    Shelf("Men/Tops/Jackets", "Top", "MJ", ("Jacket", "Shell", "Windbreaker"),
          ("Jacket", "Insulated", "Lightweight", "Soft Shell", "Windbreaker", "Full Zip")),
    Shelf("Men/Tops/Hoodies & Sweatshirts", "Top", "MH", ("Hoodie", "Sweatshirt", "Pullover"),
          ("Hoodie", "Sweatshirt", "Pullover", "Hooded", "&frac14; zip")),
    Shelf("Men/Tops/Tees", "Top", "MS", ("Tee", "Crew Tee", "Henley"), ("Tee", "Henley")),
    Shelf("Men/Tops/Tanks", "Top", "MT", ("Tank", "Muscle Tank"), ("Tank", "Lightweight")),
    Shelf("Men/Tops/Polos", "Top", "MPO", ("Polo", "Pique Polo"), ("Polo",)),
    Shelf("Men/Tops/Base Layers", "Top", "MBL", ("Base Layer Top", "Thermal Crew"),
          ("Base Layer", "Lightweight")),
    Shelf("Men/Bottoms/Pants", "Bottom", "MP", ("Pant", "Track Pant", "Chino"),
          ("Sweatpants", "Track Pants", "Workout Pants", "Basic")),
    Shelf("Men/Bottoms/Shorts", "Bottom", "MSH", ("Short", "Running Short"),
          ("Basic", "Compression", "Snug")),
    Shelf("Men/Bottoms/Joggers", "Bottom", "MJO", ("Jogger", "Sweatpant"),
          ("Jogger", "Sweatpants")),
    Shelf("Men/Bottoms/Tights", "Bottom", "MTI", ("Tight", "Compression Tight"),
          ("Tights", "Compression", "Base Layer")),
    Shelf("Women/Tops/Jackets", "Top", "WJ", ("Jacket", "Parka", "Windbreaker"),
          ("Jacket", "Insulated", "Lightweight", "Soft Shell", "Windbreaker", "Vest")),
    Shelf("Women/Tops/Hoodies & Sweatshirts", "Top", "WH", ("Hoodie", "Sweatshirt", "Pullover"),
          ("Hoodie", "Sweatshirt", "Pullover", "Full Zip")),
    Shelf("Women/Tops/Tees", "Top", "WS", ("Tee", "V-Neck Tee"), ("Tee", "Lightweight")),
    Shelf("Women/Tops/Bras & Tanks", "Top", "WB", ("Bra", "Sports Bra", "Tank"), ("Bra", "Tank")),
    Shelf("Women/Tops/Tunics", "Top", "WTU", ("Tunic", "Top"), ("Tunic", "Lightweight")),
    Shelf("Women/Bottoms/Pants", "Bottom", "WP", ("Pant", "Yoga Pant", "Track Pant"),
          ("Sweatpants", "Track Pants", "Workout Pants")),
    Shelf("Women/Bottoms/Shorts", "Bottom", "WSH", ("Short", "Running Short"),
          ("Basic", "Compression", "Snug")),
    Shelf("Women/Bottoms/Leggings", "Bottom", "WL", ("Legging", "Capri"),
          ("Leggings", "Capri", "Compression")),
    Shelf("Women/Bottoms/Skirts", "Bottom", "WSK", ("Skort", "Skirt"), ("Skort", "Basic")),
)  # fmt: skip
GEAR_SHELVES = (
    Shelf("Gear/Bags", "Bag", "GB", ("Backpack", "Duffel", "Tote", "Messenger Bag")),
    Shelf("Gear/Fitness Equipment", "Gear", "GF",
          ("Kettlebell", "Foam Roller", "Resistance Band", "Stability Ball", "Yoga Strap")),
    Shelf("Gear/Watches", "Gear", "GW", ("Watch", "Chronograph", "Fitness Tracker")),
    Shelf("Gear/Water Bottles", "Gear", "GWB", ("Water Bottle", "Flask")),
    Shelf("Gear/Yoga Mats", "Gear", "GYM", ("Yoga Mat", "Travel Mat")),
)  # fmt: skip


# --- Words ----------------------------------------------------------------------------------

_FIRST_WORDS = {
    "Men": ("Chaz", "Teton", "Bruno", "Marco", "Ajax", "Atlas", "Orion", "Hector", "Lando",
            "Troy", "Rocco", "Jasper", "Beaumont", "Hollister", "Cobalt", "Helios", "Zeppelin"),
    "Women": ("Ina", "Erika", "Ariel", "Mona", "Selene", "Juno", "Nadia", "Olivia", "Phoebe",
              "Riona", "Sahara", "Inez", "Gwyn", "Daria", "Electra", "Layla", "Thalia"),
    "Gear": ("Sprite", "Summit", "Voyage", "Overnight", "Impulse", "Harmony", "Endeavor",
             "Fusion", "Compete", "Driven", "Crown", "Dash", "Clamber", "Savvy"),
}  # fmt: skip
_SECOND_WORDS = {
    "Men": ("Kangaroo", "Pullover", "Compression", "Running", "Tech", "Thermal", "Quarter-Zip",
            "Ultra-Light", "Breathe-Easy", "Trail", "Performance", "Relaxed", "Training"),
    "Women": ("Heathered", "Cool-Touch", "All-Weather", "Cross-Train", "Studio", "Seamless",
              "Stretch", "Running", "Compression", "Breathe-Easy", "Essential", "Flow"),
    "Gear": ("Trail", "Pro", "Endurance", "Urban", "Go", "Sport", "Flex", "Ultra", "Classic"),
}  # fmt: skip
_OPENINGS = (
    "The {name} keeps you {benefit} from the first mile to the last.",
    "Made for {activity} and everything after, the {name} never gets in your way.",
    "Whether you're {doing} or heading out for the day, the {name} has you covered.",
    "One of our quiet favourites, the {name} pairs everyday comfort with real performance.",
)
_BENEFITS = ("dry", "warm", "cool", "comfortable", "focused")
_ACTIVITIES = ("long runs", "cold mornings", "the gym", "yoga class", "the trail")
_DOINGS = ("running the trail", "riding to work", "ripping out reps", "stretching at the studio")
_APPAREL_FEATURES = (
    "Moisture-wicking fabric", "Flatlock seams", "Zippered hand pockets", "Reflective trim",
    "Relaxed fit", "Ribbed cuffs and hem", "Thumbholes", "Anti-microbial finish",
)  # fmt: skip
_GEAR_FEATURES = (
    "Padded shoulder straps", "Lifetime warranty", "Non-slip grip", "Water-resistant shell",
    "Lightweight build", "Easy-clean surface",
)  # fmt: skip
# Every one holds non-ASCII text: consumers must carry it through JSON and SQL intact.
_APPAREL_DETAILS = (
    "Soft café cotton – 100% organic",
    "Brushed fleece – 80% cotton / 20% polyester",
    "Naïve-simple knit, no itch",
    "Crème heather jersey",
    "Comfortable from −5 °C to 25 °C",
    "Designed in Zürich – sewn with care",
    "Fits ½ size small",
)
_GEAR_DETAILS = (
    'Comes with a 6" travel pouch – handy',
    "Made from 40% recycled materials – no PFAS",
    "Two-year warranty – no questions asked",
    "Tested from −10 °C to 40 °C",
    "Designed in Zürich – built to last",
)
_WEIGHTS = {
    "Top": ("0.5", "0.75", "1", "1.2"),
    "Bottom": ("0.6", "0.8", "1", "1.5"),
    "Gear": ("0.2", "0.5", "1", "2.5", "4", "10"),
    "Bag": ("0.8", "1", "1.4", "2"),
}
_CENTS = (0, 0, 0, 0, 50, 99, 95, 25)  # most Luma prices are whole; some end .50 / .99

_CONFIGURABLE_SHARE = 0.8  # of new product families; the rest are standalone gear
_SPECIAL_PRICE_SHARE = 0.12
_OUT_OF_STOCK_SHARE = 0.04
_FLAG_SHARES = {"eco_collection": 0.2, "performance_fabric": 0.25, "erin_recommends": 0.1,
                "new": 0.15}  # fmt: skip


# --- Products -------------------------------------------------------------------------------

_STOCK_DEFAULTS = {
    "out_of_stock_qty": "0", "use_config_min_qty": "1", "is_qty_decimal": "0",
    "allow_backorders": "0", "use_config_backorders": "1", "min_cart_qty": "1",
    "use_config_min_sale_qty": "1", "max_cart_qty": "0", "use_config_max_sale_qty": "1",
    "use_config_notify_stock_qty": "1", "manage_stock": "0", "use_config_manage_stock": "1",
    "use_config_qty_increments": "1", "qty_increments": "0", "use_config_enable_qty_inc": "1",
    "enable_qty_increments": "0", "is_decimal_divided": "0",
}  # fmt: skip
_ROW_DEFAULTS = {
    **dict.fromkeys(PRODUCT_COLUMNS, ""),
    "product_websites": "base",
    "product_online": "1",
    "tax_class_name": "Taxable Goods",
    **_STOCK_DEFAULTS,
    "website_id": "1",
}
_TYPE_COLUMN = PRODUCT_COLUMNS.index("product_type")


@dataclass(frozen=True, slots=True)
class _Family:
    """What a configurable and its children (or one standalone simple) have in common."""

    sku: str
    name: str
    shelf: Shelf
    categories: str
    description: str
    price: str
    special_price: str
    weight: str
    color: str  # a standalone product's colour; configurables vary it per child instead
    traits: str  # additional_attributes pairs beyond has_options/required_options


def _row(values: Mapping[str, str]) -> list[str]:
    """A products.csv row: Luma's defaults, overridden by `values` (unknown columns refused)."""
    unknown = values.keys() - _ROW_DEFAULTS.keys()
    if unknown:
        raise KeyError(f"not products.csv columns: {sorted(unknown)}")
    merged = {**_ROW_DEFAULTS, **values}
    return [merged[column] for column in PRODUCT_COLUMNS]


def _money(cents: int) -> str:
    """Prices as Luma writes them: '52' when whole, otherwise two decimals ('39.99', '12.50')."""
    return str(cents // 100) if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"


def _pick(rng: random.Random, options: Sequence[str], low: int, high: int) -> str:
    """Between low and high distinct labels, in option order, joined by '|' (multiselect)."""
    chosen = set(rng.sample(options, rng.randint(low, min(high, len(options)))))
    return "|".join(option for option in options if option in chosen)


def _pairs(pairs: Iterable[tuple[str, str]]) -> str:
    return ",".join(f"{code}={value}" for code, value in pairs)


def _image(sku: str, color: str) -> str:
    """A media path shaped like Luma's ('/m/h/mh01-black_main.jpg'); the file does not exist."""
    stem = sku.lower()
    return f"/{stem[0]}/{stem[1]}/{stem}-{color.lower()}_main.jpg"


def _stock(rng: random.Random) -> dict[str, str]:
    if rng.random() < _OUT_OF_STOCK_SHARE:
        return {"qty": "0", "is_in_stock": "0"}
    return {"qty": str(rng.randint(1, 250)), "is_in_stock": "1"}


def _description(rng: random.Random, shelf: Shelf, name: str) -> str:
    """Luma-style HTML: a sentence, then bullets; always holds '/', often '"', non-ASCII."""
    gear = shelf.department == "Gear"
    opening = rng.choice(_OPENINGS).format(
        name=name,
        benefit=rng.choice(_BENEFITS),
        activity=rng.choice(_ACTIVITIES),
        doing=rng.choice(_DOINGS),
    )
    feature = rng.choice(_GEAR_FEATURES if gear else _APPAREL_FEATURES)
    detail = rng.choice(_GEAR_DETAILS if gear else _APPAREL_DETAILS)
    care = "Wipe clean/air dry" if gear else "Machine wash/dry"
    return f"<p>{opening}</p>\n<p>&bull; {feature}.<br />&bull; {detail}.<br />&bull; {care}.</p>"


def _flags(rng: random.Random, *, on_sale: bool) -> dict[str, bool]:
    flags = {flag: rng.random() < share for flag, share in _FLAG_SHARES.items()}
    flags["sale"] = on_sale
    return flags


def _traits(rng: random.Random, shelf: Shelf, flags: Mapping[str, bool], color: str) -> str:
    """The additional_attributes a parent or standalone product carries, in Luma's order."""
    pairs: list[tuple[str, str]] = []
    if shelf.attribute_set in _APPAREL:
        style = STYLE_GENERAL if shelf.attribute_set == "Top" else STYLE_BOTTOM
        pairs.append((style.code, _pick(rng, shelf.styles, 1, 2)))
        pairs.append(("material", _pick(rng, APPAREL_MATERIAL.options, 1, 3)))
        pairs.append(("pattern", _pick(rng, PATTERN.options, 1, 1)))
        pairs.append(("climate", _pick(rng, CLIMATE.options, 1, 4)))
    else:
        pairs.append(("material", _pick(rng, GEAR_MATERIAL.options, 1, 3)))
        pairs.append(("color", color))
        pairs.append(("gender", _pick(rng, GENDER.options, 1, 2)))
    pairs.append(("activity", _pick(rng, ACTIVITY.options, 1, 3)))
    pairs.extend((flag, "Yes" if flags[flag] else "No") for flag in FLAGS)
    return _pairs(pairs)


def _categories(rng: random.Random, shelf: Shelf, flags: Mapping[str, bool]) -> str:
    """1-3 leaf paths (the shelf, then up to two collections or promotions) plus the root."""
    extras = [path for flag, path in _COLLECTION_OF.items() if flags[flag]]
    if flags["sale"] and shelf.department in ("Men", "Women"):
        extras.append(f"Promotions/{shelf.department} Sale")
        if shelf.leaf in _PROMOTION_OF:
            extras.append(_PROMOTION_OF[shelf.leaf])
    rng.shuffle(extras)
    paths = [f"{ROOT_CATEGORY}/{path}" for path in (shelf.path, *extras[:2])]
    return ",".join([*paths, ROOT_CATEGORY])


def _family(rng: random.Random, shelf: Shelf, serial: int) -> _Family:
    """Draw everything a product family shares: name, price, flags, categories, traits."""
    words = (_FIRST_WORDS[shelf.department], _SECOND_WORDS[shelf.department], shelf.types)
    name = " ".join(rng.choice(choices) for choices in words)
    low, high = (8, 149) if shelf.department == "Gear" else (18, 99)
    cents = rng.randint(low, high) * 100 + rng.choice(_CENTS)
    special = ""
    if rng.random() < _SPECIAL_PRICE_SHARE:
        special = _money(cents * rng.choice((60, 70, 75, 80, 90)) // 100)
    flags = _flags(rng, on_sale=bool(special))
    color = "" if shelf.attribute_set in _APPAREL else rng.choice(COLORS)
    return _Family(
        sku=f"{shelf.sku_prefix}{serial:05d}",
        name=name,
        shelf=shelf,
        categories=_categories(rng, shelf, flags),
        description=_description(rng, shelf, name),
        price=_money(cents),
        special_price=special,
        weight=rng.choice(_WEIGHTS[shelf.attribute_set]),
        color=color,
        traits=_traits(rng, shelf, flags, color),
    )


def _common(family: _Family) -> dict[str, str]:
    """The cells every row of a family repeats (Luma repeats them on children too)."""
    return {
        "attribute_set_code": family.shelf.attribute_set,
        "categories": family.categories,
        "description": family.description,
        "price": family.price,
        "special_price": family.special_price,
    }


def _images(image: str) -> dict[str, str]:
    return {"base_image": image, "small_image": image, "thumbnail_image": image}


def _axes(rng: random.Random, shelf: Shelf, room: int) -> tuple[list[str], list[str]]:
    """Sizes (a run of the shelf's size range) and colours, shrunk to at most `room` children."""
    run = TOP_SIZES if shelf.attribute_set == "Top" else BOTTOM_SIZES
    length = rng.randint(2, min(5, len(run)))
    start = rng.randint(0, len(run) - length)
    sizes = list(run[start : start + length])
    chosen = set(rng.sample(COLORS, rng.randint(1, 3)))
    colors = [color for color in COLORS if color in chosen]
    while len(sizes) * len(colors) > room:
        if len(colors) > 1:
            colors.pop()
        else:
            sizes.pop()
    return sizes, colors


def _child_row(rng: random.Random, family: _Family, size: str, color: str) -> list[str]:
    sku = f"{family.sku}-{size}-{color}"
    return _row(
        {
            **_common(family),
            **_images(_image(family.sku, color)),
            **_stock(rng),
            "sku": sku,
            "product_type": "simple",
            "name": f"{family.name}-{size}-{color}",
            "weight": family.weight,
            "visibility": NOT_VISIBLE,
            "url_key": _url_key(f"{family.name} {sku}"),
            "additional_attributes": _pairs(
                (("has_options", "0"), ("required_options", "0"), ("size", size), ("color", color))
            ),
        }
    )


def _parent_row(family: _Family, sizes: Sequence[str], colors: Sequence[str]) -> list[str]:
    variations = "|".join(
        f"sku={family.sku}-{size}-{color},size={size},color={color}"
        for size in sizes
        for color in colors
    )
    return _row(
        {
            **_common(family),
            **_images(_image(family.sku, colors[0])),
            "sku": family.sku,
            "product_type": "configurable",
            "name": family.name,
            "visibility": CATALOG_SEARCH,
            "url_key": _url_key(f"{family.name} {family.sku}"),
            "additional_attributes": f"has_options=1,required_options=1,{family.traits}",
            "qty": "0",
            "is_in_stock": "1",
            "configurable_variations": variations,
            "configurable_variation_labels": f"color={COLOR.store_label},size={SIZE.store_label}",
            "additional_images": _image(family.sku, colors[0]).replace("_main", "_back"),
        }
    )


def _configurable_rows(rng: random.Random, serial: int, room: int) -> list[list[str]]:
    """A configurable family: its children first, then the parent, as Luma orders them."""
    family = _family(rng, rng.choice(APPAREL_SHELVES), serial)
    sizes, colors = _axes(rng, family.shelf, room)
    children = [_child_row(rng, family, size, color) for size in sizes for color in colors]
    return [*children, _parent_row(family, sizes, colors)]


def _simple_row(rng: random.Random, serial: int) -> list[str]:
    """A standalone simple gear product, visible on its own."""
    family = _family(rng, rng.choice(GEAR_SHELVES), serial)
    return _row(
        {
            **_common(family),
            **_images(_image(family.sku, family.color)),
            **_stock(rng),
            "sku": family.sku,
            "product_type": "simple",
            "name": family.name,
            "weight": family.weight,
            "visibility": CATALOG_SEARCH,
            "url_key": _url_key(f"{family.name} {family.sku}"),
            "additional_attributes": f"has_options=0,required_options=0,{family.traits}",
        }
    )


def product_rows(rng: random.Random, total: int) -> Iterator[list[str]]:
    """Exactly `total` products.csv rows, one family at a time (flat memory)."""
    remaining, serial = total, 0
    while remaining > 0:
        serial += 1
        # A configurable needs a parent and at least two children to be worth the name.
        if remaining >= 3 and rng.random() < _CONFIGURABLE_SHARE:
            rows = _configurable_rows(rng, serial, room=remaining - 1)
        else:
            rows = [_simple_row(rng, serial)]
        remaining -= len(rows)
        yield from rows


# --- Files ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GeneratedCatalog:
    """What `generate` wrote. `root` plays the part of `../shared/magento/sample-data`."""

    root: Path
    seed: int
    products: int
    configurables: int
    simples: int
    categories: int
    attributes: int

    def __post_init__(self) -> None:
        counts = (self.products, self.configurables, self.simples)
        if min(*counts, self.categories, self.attributes) < 0:
            raise ValueError(f"negative count in {self}")
        if self.configurables + self.simples != self.products:
            raise ValueError(f"{self.configurables} + {self.simples} != {self.products} products")


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(csv_line(header))
        handle.writelines(csv_line(row) for row in rows)


def _write_products(
    path: Path, total: int, rng: random.Random, progress: Callable[[int, int], None] | None
) -> int:
    """Stream products.csv; report progress every 1%; return how many are configurable."""
    step, configurables, written = max(1, total // 100), 0, 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(csv_line(PRODUCT_COLUMNS))
        for written, row in enumerate(product_rows(rng, total), start=1):
            handle.write(csv_line(row))
            configurables += row[_TYPE_COLUMN] == "configurable"
            if progress is not None and written % step == 0 and written != total:
                progress(written, total)
    if written != total:
        raise RuntimeError(f"wrote {written} product rows, meant {total}")
    if progress is not None:
        progress(total, total)
    return configurables


def _notice(catalog: GeneratedCatalog) -> str:
    """GENERATED.md: so nobody mistakes the tree for Magento's own sample data."""
    return (
        "# Synthetic Magento catalog\n\n"
        "This tree is **synthetic**: written by `legacy_adapters.sample_data.generator`\n"
        "(`python -m scripts.generate_catalog`), not Magento's Luma sample data. It has the same\n"
        "files, headers and cell formats as Luma's ConfigurableSampleData and CatalogSampleData\n"
        "fixtures; image paths point at files that do not exist.\n\n"
        f"- seed: {catalog.seed}\n"
        f"- products: {catalog.products} ({catalog.configurables} configurable, "
        f"{catalog.simples} simple)\n"
        f"- categories: {catalog.categories}\n"
        f"- attributes: {catalog.attributes}\n"
    )


def generate(
    out_dir: Path,
    products: int,
    *,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> GeneratedCatalog:
    """Write a catalog of exactly `products` product rows under `out_dir`, Luma's layout.

    `generate(Path("/tmp/cat"), 100_000, seed=1)` writes
    /tmp/cat/magento2-sample-data/app/code/Magento/{Configurable,Catalog}SampleData/fixtures/
    and /tmp/cat/GENERATED.md; `progress(done, total)` is called every 1% and at the end.
    """
    if products < 0:
        raise ValueError(f"products must be >= 0, got {products}")
    configurable_dir, catalog_dir = out_dir / CONFIGURABLE_FIXTURES, out_dir / CATALOG_FIXTURES
    for directory in (configurable_dir, catalog_dir):
        directory.mkdir(parents=True, exist_ok=True)
    for directory, attributes, categories in (
        (configurable_dir, CONFIGURABLE_ATTRIBUTES, CONFIGURABLE_CATEGORIES),
        (catalog_dir, CATALOG_ATTRIBUTES, CATALOG_CATEGORIES),
    ):
        _write_csv(directory / "attributes.csv", ATTRIBUTE_COLUMNS, (a.row() for a in attributes))
        _write_csv(directory / "categories.csv", CATEGORY_COLUMNS, (c.row() for c in categories))
    rng = random.Random(seed)
    configurables = _write_products(configurable_dir / "products.csv", products, rng, progress)
    every_attribute = (*CONFIGURABLE_ATTRIBUTES, *CATALOG_ATTRIBUTES)
    catalog = GeneratedCatalog(
        root=out_dir,
        seed=seed,
        products=products,
        configurables=configurables,
        simples=products - configurables,
        categories=len({c.path for c in (*CONFIGURABLE_CATEGORIES, *CATALOG_CATEGORIES)}),
        attributes=len({a.code for a in every_attribute}),
    )
    (out_dir / "GENERATED.md").write_text(_notice(catalog), encoding="utf-8")
    return catalog
