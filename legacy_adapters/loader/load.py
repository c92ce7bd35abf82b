"""Load a sample-data catalog into Magento's tables: idempotent, batched, with progress.

How this works: `load()` creates the schema, writes the rows a fresh Magento has (stores, EAV
types, system attributes), then the catalog's attributes, category tree and products in batches
of `batch_size` (one transaction each), then configurable links, customers and the admin user.
Products are looked up by SKU first: a product already present keeps its entity row and
timestamps, its values are upserted and its links inserted only if missing, so loading twice
leaves the tables exactly as loading once. Every value that cannot be stored becomes a warning
naming the SKU, never a silent drop; the report counts products in the files against rows
written so a dropped product cannot go unnoticed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Any

from legacy_adapters import mapping, readers, schema
from legacy_adapters.loader import core
from legacy_adapters.loader.categories import CategoryTree, Node
from legacy_adapters.loader.values import BadValue, OptionIndex, convert
from legacy_adapters.magento_wire.passwords import hash_password
from legacy_adapters.plans import catalog as catalog_plans
from legacy_adapters.sample_data.model import Catalog, CategorySpec, CustomerSpec, ProductSpec
from legacy_adapters.sql import in_list
from legacy_adapters.sql import load as sql

Progress = Callable[[str, int, int], None]
MAX_WARNINGS_KEPT = 200
STATIC_CODES = frozenset(
    {
        "has_options",
        "required_options",
        "category_ids",
        "sku",
        "quantity_and_stock_status",
        "media_gallery",
        "tier_price",
    }
)
PRODUCT_ENTITY_TYPE = 4
CATEGORY_ENTITY_TYPE = 3


@dataclass(frozen=True, slots=True)
class AdminSpec:
    username: str
    password: str
    email: str = "admin@example.com"
    firstname: str = "Store"
    lastname: str = "Admin"


@dataclass(slots=True)
class LoadReport:
    catalog: str
    source: str
    generated: bool
    products_in_files: int = 0
    products_inserted: int = 0
    products_existing: int = 0
    categories_created: int = 0
    attributes_created: int = 0
    options_created: int = 0
    customers: int = 0
    warning_count: int = 0
    warnings: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def warn(self, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS_KEPT:
            self.warnings.append(message)


class _Loader:
    def __init__(
        self, conn: Any, catalog: Catalog, report: LoadReport, now: str, progress: Progress
    ) -> None:
        self.conn = conn
        self.catalog = catalog
        self.report = report
        self.now = now
        self.progress = progress
        self.meta: mapping.CatalogMeta
        self.sets: dict[str, int] = {}
        self.tax_classes = {name: cid for cid, name, _ in core.TAX_CLASSES}
        self.options: OptionIndex
        self.tree: CategoryTree
        self.root: Node | None = None
        self.category_specs = {c.path: c for c in catalog.categories}
        self.configurables: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []

    # ------------------------------------------------------------ helpers
    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        with self.conn.cursor() as cursor:
            cursor.execute(statement, tuple(params) or None)
            return cursor

    def insert(self, statement: str, params: Sequence[Any]) -> int:
        with self.conn.cursor() as cursor:
            cursor.execute(statement, tuple(params))
            return int(cursor.lastrowid)

    def many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(statement, [tuple(r) for r in rows])

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.conn.cursor() as cursor:
            cursor.execute(statement, tuple(params) or None)
            return list(cursor.fetchall())

    # ------------------------------------------------------------ core rows
    def core(self) -> None:
        self.execute("SET FOREIGN_KEY_CHECKS = 0")
        self.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')")
        self.many(sql.WEBSITE, core.WEBSITES)
        self.many(sql.STORE_GROUP, core.STORE_GROUPS)
        self.many(sql.STORE, core.STORES)
        self.many(sql.ENTITY_TYPE, core.ENTITY_TYPES)
        self.many(sql.ATTRIBUTE_SET, core.DEFAULT_SETS)
        self.many(sql.TAX_CLASS, core.TAX_CLASSES)
        self.many(sql.CUSTOMER_GROUP, core.CUSTOMER_GROUPS)
        self.many(sql.REGION, core.REGIONS)
        self.many(sql.STOCK, core.STOCKS)
        for entity_type, attrs in (
            (PRODUCT_ENTITY_TYPE, core.PRODUCT_ATTRIBUTES),
            (CATEGORY_ENTITY_TYPE, core.CATEGORY_ATTRIBUTES),
        ):
            self.many(
                sql.SYSTEM_ATTRIBUTE,
                [
                    (
                        a.attribute_id,
                        entity_type,
                        a.code,
                        a.backend_type,
                        a.frontend_input,
                        a.label,
                        int(a.is_required),
                    )
                    for a in attrs
                ],
            )
            self.many(
                sql.CATALOG_ATTRIBUTE,
                [(a.attribute_id, a.is_global, 0, 0, 0, 0, 0, 0) for a in attrs],
            )
        self.execute("SET FOREIGN_KEY_CHECKS = 1")

    # ------------------------------------------------------------ attributes
    def attributes(self) -> None:
        for spec in self.catalog.attributes:
            existing = self.query(sql.ATTRIBUTE_ID, (PRODUCT_ENTITY_TYPE, spec.code))
            if existing:
                attribute_id = int(existing[0]["attribute_id"])
            else:
                backend = core.BACKEND_FOR_INPUT.get(spec.input, "varchar")
                source = {
                    "select": "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Table",
                    "multiselect": "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Table",
                    "boolean": "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Boolean",
                }.get(spec.input)
                attribute_id = self.insert(
                    sql.USER_ATTRIBUTE,
                    (PRODUCT_ENTITY_TYPE, spec.code, backend, spec.input, spec.label, source),
                )
                self.many(
                    sql.CATALOG_ATTRIBUTE,
                    [
                        (
                            attribute_id,
                            spec.is_global,
                            int(spec.is_searchable),
                            int(spec.is_filterable),
                            int(spec.is_comparable),
                            int(spec.is_visible_on_front),
                            int(spec.used_in_product_listing),
                            int(spec.used_for_sort_by),
                        )
                    ],
                )
                self.report.attributes_created += 1
            self._ensure_options(attribute_id, spec.options)
        self.meta = readers.run(self.conn, catalog_plans.catalog_meta_plan())
        self.options = OptionIndex(
            {aid: dict(labels) for aid, labels in self.meta.options.items()}, self._new_option
        )
        self._attribute_sets()

    def _ensure_options(self, attribute_id: int, labels: Sequence[str]) -> None:
        rows = self.query(
            "SELECT v.value FROM eav_attribute_option o JOIN "
            "eav_attribute_option_value v ON v.option_id = o.option_id "
            "AND v.store_id = 0 WHERE o.attribute_id = %s",
            (attribute_id,),
        )
        have = {r["value"] for r in rows}
        for position, label in enumerate(labels, start=1):
            if label not in have:
                option_id = self.insert(sql.OPTION, (attribute_id, position))
                self.insert(sql.OPTION_VALUE, (option_id, label))
                have.add(label)

    def _new_option(self, attribute_id: int, label: str) -> int:
        option_id = self.insert(sql.OPTION, (attribute_id, 0))
        self.insert(sql.OPTION_VALUE, (option_id, label))
        return option_id

    def _attribute_sets(self) -> None:
        names = {"Default"} | {s for a in self.catalog.attributes for s in a.sets}
        for name in sorted(names):
            self.execute(sql.NEW_ATTRIBUTE_SET, (PRODUCT_ENTITY_TYPE, name, 0))
        self.sets = {
            r["attribute_set_name"]: int(r["attribute_set_id"])
            for r in self.query(sql.ATTRIBUTE_SETS, (PRODUCT_ENTITY_TYPE,))
        }
        system = [a.attribute_id for a in core.PRODUCT_ATTRIBUTES]
        for name, set_id in self.sets.items():
            self.execute(sql.ATTRIBUTE_GROUP, (set_id,))
            group_id = int(self.query(sql.ATTRIBUTE_GROUP_ID, (set_id,))[0]["attribute_group_id"])
            members = system + [
                self.meta.product[a.code].attribute_id
                for a in self.catalog.attributes
                if name in a.sets and a.code in self.meta.product
            ]
            self.many(
                sql.ENTITY_ATTRIBUTE,
                [
                    (PRODUCT_ENTITY_TYPE, set_id, group_id, aid, i)
                    for i, aid in enumerate(dict.fromkeys(members))
                ],
            )

    # ------------------------------------------------------------ categories
    def categories(self) -> None:
        name_attr = self.meta.category["name"].attribute_id
        self.tree = CategoryTree.from_rows(
            self.query(sql.CATEGORY_TREE, (name_attr,)), self._new_category
        )
        if core.ROOT_CATALOG_ID not in self.tree.nodes:
            self.execute(sql.CATEGORY, (core.ROOT_CATALOG_ID, 0, self.now, self.now, "1", 0, 0))
            self._category_values(core.ROOT_CATALOG_ID, "Root Catalog", None)
            self.tree.nodes[1] = Node(1, 0, "Root Catalog", "1", 0, 0)
        root_catalog = self.tree.nodes[core.ROOT_CATALOG_ID]
        if core.DEFAULT_ROOT_ID not in self.tree.nodes:
            self.execute(sql.CATEGORY, (core.DEFAULT_ROOT_ID, 1, self.now, self.now, "1/2", 1, 1))
            self._category_values(
                core.DEFAULT_ROOT_ID, "Default Category", CategorySpec(path=(), is_anchor=True)
            )
            node = Node(2, 1, "Default Category", "1/2", 1, 1)
            self.tree.nodes[2] = node
            root_catalog.children[node.name] = node
        root_name = self.root_name
        self.root = self.tree.child(root_catalog, root_name)
        for spec in self.catalog.categories:
            self.tree.ensure(self.root, spec.path, spec.position)
        self.report.categories_created += self.tree.created

    @property
    def root_name(self) -> str:
        from legacy_adapters.sample_data.read import VENIA_ROOT

        return VENIA_ROOT if self.catalog.name == "venia" else self.catalog.root_name

    def _new_category(self, parent: Node, name: str, position: int) -> Node:
        entity_id = self.insert(
            sql.NEW_CATEGORY, (parent.entity_id, self.now, self.now, position, parent.level + 1)
        )
        path = f"{parent.path}/{entity_id}"
        self.execute(sql.CATEGORY_PATH, (path, entity_id))
        if self.root is None:  # creating the catalog's root itself
            full: tuple[str, ...] = (name,)
            spec = None
        else:
            full = (
                (*self.tree.names(parent, self.root), name) if parent is not self.root else (name,)
            )
            spec = self.category_specs.get(full)
        self._category_values(entity_id, name, spec or CategorySpec(path=full))
        return Node(entity_id, parent.entity_id, name, path, parent.level + 1, position)

    def _category_values(self, entity_id: int, name: str, spec: CategorySpec | None) -> None:
        values: list[tuple[str, object]] = [("name", name)]
        if spec is not None:
            values += [
                ("is_active", int(spec.is_active)),
                ("is_anchor", int(spec.is_anchor)),
                ("include_in_menu", int(spec.include_in_menu)),
            ]
            if spec.url_key:
                values.append(("url_key", spec.url_key))
            if spec.display_mode:
                values.append(("display_mode", spec.display_mode))
        for code, value in values:
            attr = self.meta.category[code]
            self.execute(
                sql.CATEGORY_VALUE[attr.backend_type], (attr.attribute_id, 0, entity_id, value)
            )

    # ------------------------------------------------------------ products
    def products(self, batch_size: int) -> None:
        total = self.catalog.expected_products
        done = 0
        for batch in _batches(self.catalog.products(), batch_size):
            self.conn.begin()
            self._product_batch(batch)
            self.conn.commit()
            done += len(batch)
            self.progress("products", done, total)
        self.report.products_in_files = total

    def _product_batch(self, batch: list[ProductSpec]) -> None:
        unique: dict[str, ProductSpec] = {}
        for spec in batch:
            if spec.sku in unique:
                self.report.warn(f"{spec.sku}: defined twice in the files; the first row wins")
                continue
            unique[spec.sku] = spec
        ids = self._ids_by_sku(list(unique))
        new = [s for s in unique.values() if s.sku.lower() not in ids]
        self.report.products_existing += len(unique) - len(new)
        self.many(sql.PRODUCT, [self._entity_row(s) for s in new])
        self.report.products_inserted += len(new)
        if new:
            ids = self._ids_by_sku(list(unique))
        new_skus = {s.sku.lower() for s in new}
        values: dict[str, list[tuple[Any, ...]]] = {t: [] for t in sql.PRODUCT_VALUE}
        for spec in unique.values():
            product_id = ids[spec.sku.lower()]
            for table, row in self._value_rows(spec, product_id):
                values[table].append(row)
            if spec.type_id == "configurable" and spec.variations:
                self.configurables.append(
                    (spec.sku, tuple(v.sku for v in spec.variations), spec.super_attributes)
                )
        for table, rows in values.items():
            self.many(sql.PRODUCT_VALUE[table], rows)
        specs = list(unique.values())
        self.many(sql.PRODUCT_WEBSITE, [(ids[s.sku.lower()], 1) for s in specs])
        self.many(
            sql.CATEGORY_PRODUCT,
            [(cid, ids[s.sku.lower()], 0) for s in specs for cid in self._category_ids(s)],
        )
        self.many(sql.STOCK_ITEM, [self._stock_row(s, ids[s.sku.lower()]) for s in specs])
        self.many(
            sql.STOCK_STATUS,
            [(ids[s.sku.lower()], s.stock.qty, int(s.stock.is_in_stock)) for s in specs],
        )
        for spec in specs:
            if spec.sku.lower() in new_skus:
                self._media(spec, ids[spec.sku.lower()])

    def _ids_by_sku(self, skus: list[str]) -> dict[str, int]:
        rows = self.query(in_list(sql.PRODUCT_IDS_BY_SKU, len(skus)), skus)
        return {str(r["sku"]).lower(): int(r["entity_id"]) for r in rows}

    def _entity_row(self, spec: ProductSpec) -> tuple[Any, ...]:
        set_id = self.sets.get(spec.attribute_set)
        if set_id is None:
            self.report.warn(
                f"{spec.sku}: unknown attribute set {spec.attribute_set!r}, using Default"
            )
            set_id = self.sets["Default"]
        flags = spec.values
        has_options = 1 if spec.type_id == "configurable" else int(flags.get("has_options") or 0)
        required = 1 if spec.type_id == "configurable" else int(flags.get("required_options") or 0)
        return (set_id, spec.type_id, spec.sku, has_options, required, self.now, self.now)

    def _value_rows(
        self, spec: ProductSpec, product_id: int
    ) -> Iterator[tuple[str, tuple[Any, ...]]]:
        scopes = [("", 0, spec.values)] + [
            (code, self._store_id(spec.sku, code), vals) for code, vals in spec.store_values.items()
        ]
        for _, store_id, values in scopes:
            if store_id is None:
                continue
            for code, raw in values.items():
                if code in STATIC_CODES or raw == "":
                    continue
                attr = self.meta.product.get(code)
                if attr is None or attr.backend_type == "static":
                    self.report.warn(f"{spec.sku}: attribute {code!r} is not defined; skipped")
                    continue
                try:
                    table, value = convert(attr, raw, self.options, self.tax_classes)
                except BadValue as exc:
                    self.report.warn(f"{spec.sku}: {code}: {exc}; skipped")
                    continue
                yield table, (attr.attribute_id, store_id, product_id, value)

    def _store_id(self, sku: str, code: str) -> int | None:
        store = {s[1]: s[0] for s in core.STORES}.get(code)
        if store is None:
            self.report.warn(f"{sku}: unknown store view {code!r}; its values skipped")
        return store

    def _category_ids(self, spec: ProductSpec) -> list[int]:
        ids: list[int] = []
        assert self.root is not None, "categories() runs before products()"
        for path in spec.categories:
            ids.append(self.tree.ensure(self.root, path).entity_id)
        if spec.category_walk:
            linked, missing = self.tree.walk(self.root, spec.category_walk)
            ids += linked
            for name in missing:
                self.report.warn(f"{spec.sku}: category {name!r} not found")
        return list(dict.fromkeys(ids))

    def _stock_row(self, spec: ProductSpec, product_id: int) -> tuple[Any, ...]:
        defaults: dict[str, Any] = {
            "min_qty": 0,
            "use_config_min_qty": 1,
            "is_qty_decimal": 0,
            "backorders": 0,
            "use_config_backorders": 1,
            "min_sale_qty": 1,
            "use_config_min_sale_qty": 1,
            "max_sale_qty": 0,
            "use_config_max_sale_qty": 1,
            "notify_stock_qty": None,
            "use_config_notify_stock_qty": 1,
            "manage_stock": 0,
            "use_config_manage_stock": 1,
            "use_config_qty_increments": 1,
            "qty_increments": 0,
            "use_config_enable_qty_inc": 1,
            "enable_qty_increments": 0,
            "is_decimal_divided": 0,
        }
        for column, raw in spec.stock.settings.items():
            try:
                defaults[column] = Decimal(raw) if "." in raw else int(raw)
            except (ValueError, ArithmeticError):
                self.report.warn(
                    f"{spec.sku}: stock {column}={raw!r} is not a number; default kept"
                )
        row = {"qty": spec.stock.qty, "is_in_stock": int(spec.stock.is_in_stock), **defaults}
        return (product_id, *(row[c] for c in sql.STOCK_ITEM_COLUMNS))

    def _media(self, spec: ProductSpec, product_id: int) -> None:
        gallery = self.meta.product["media_gallery"].attribute_id
        for position, file in enumerate(spec.images, start=1):
            value_id = self.insert(sql.MEDIA, (gallery, file))
            self.insert(sql.MEDIA_TO_ENTITY, (value_id, product_id))
            label = spec.image_labels.get(file) or None
            self.insert(sql.MEDIA_VALUE, (value_id, product_id, label, position))

    # ------------------------------------------------------------ configurables
    def configurable_links(self) -> None:
        for n, (parent_sku, children, axes) in enumerate(self.configurables, start=1):
            ids = self._ids_by_sku([parent_sku, *children])
            parent = ids[parent_sku.lower()]
            for position, code in enumerate(axes):
                attr = self.meta.product.get(code)
                if attr is None:
                    self.report.warn(f"{parent_sku}: variation attribute {code!r} is not defined")
                    continue
                self.execute(sql.SUPER_ATTRIBUTE, (parent, attr.attribute_id, position))
            child_ids = []
            for sku in children:
                if sku.lower() not in ids:
                    self.report.warn(f"{parent_sku}: variation {sku!r} is not a product")
                    continue
                child_ids.append(ids[sku.lower()])
            self.many(sql.SUPER_LINK, [(c, parent) for c in child_ids])
            self.many(sql.RELATION, [(parent, c) for c in child_ids])
            if n % 500 == 0:
                self.progress("configurable links", n, len(self.configurables))

    # ------------------------------------------------------------ people
    def customers(self, customers: Iterable[CustomerSpec]) -> None:
        for spec in customers:
            existing = self.query(sql.CUSTOMER_BY_EMAIL, (spec.email, 1))
            if existing:
                continue
            customer_id = self.insert(
                sql.CUSTOMER,
                (
                    1,
                    spec.email,
                    spec.firstname,
                    spec.lastname,
                    spec.dob,
                    spec.gender,
                    hash_password(spec.password),
                ),
            )
            region = self.query(sql.REGION_BY_NAME, (spec.country_id, spec.region or ""))
            address_id = self.insert(
                sql.CUSTOMER_ADDRESS,
                (
                    customer_id,
                    spec.city,
                    spec.country_id,
                    spec.firstname,
                    spec.lastname,
                    spec.postcode,
                    spec.region,
                    int(region[0]["region_id"]) if region else None,
                    "\n".join(spec.street),
                    spec.telephone,
                ),
            )
            self.execute(sql.CUSTOMER_DEFAULT_ADDRESSES, (address_id, address_id, customer_id))
            self.report.customers += 1

    def admin(self, spec: AdminSpec) -> None:
        self.execute(
            sql.ADMIN_USER,
            (
                spec.firstname,
                spec.lastname,
                spec.email,
                spec.username,
                hash_password(spec.password),
            ),
        )


def _batches(items: Iterable[ProductSpec], size: int) -> Iterator[list[ProductSpec]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def load(
    conn: Any,
    catalog: Catalog,
    *,
    now: str,
    customers: Sequence[CustomerSpec] = (),
    admin: AdminSpec | None = None,
    progress: Progress = _quiet,
    batch_size: int = 500,
) -> LoadReport:
    """Load `catalog` (plus extra customers and an admin user) into the database of `conn`."""
    started = time.monotonic()
    report = LoadReport(catalog.name, catalog.source, catalog.generated)
    loader = _Loader(conn, catalog, report, now, progress)
    schema.apply(conn)
    loader.core()
    loader.attributes()
    loader.categories()
    loader.products(batch_size)
    loader.configurable_links()
    loader.execute(sql.CATEGORY_CHILDREN_COUNTS)
    loader.customers([*catalog.customers, *customers])
    if admin is not None:
        loader.admin(admin)
    report.options_created = len(loader.options.created)
    report.elapsed_s = time.monotonic() - started
    return report
