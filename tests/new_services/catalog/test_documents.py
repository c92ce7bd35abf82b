"""Catalog documents: every record of the real catalog survives the trip to JSON and back."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import orjson

from legacy_adapters import readers
from legacy_adapters.records import CustomAttribute, Product
from new_services.catalog import documents
from tests.conftest import MagentoDb


def canonical(record: Any) -> bytes:
    """The document's definition, spelled out slowly: the record's fields as JSON, keys
    sorted, nested records as objects, Decimals as their exact text."""

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        return value

    return orjson.dumps(plain(record), option=orjson.OPT_SORT_KEYS)


def test_every_product_and_category_round_trips_exactly(magento_db: MagentoDb) -> None:
    with magento_db.connect() as conn:
        meta = readers.catalog_meta(conn)
        for store_id in (0, 1):
            products = list(readers.iter_products(conn, store_id=store_id, meta=meta))
            assert len(products) == magento_db.report.products_in_files
            for p in products:
                doc = documents.product_document(p)
                assert doc == canonical(p), p.sku
                assert documents.product(doc) == p, p.sku
                assert documents.product_document(documents.product(doc)) == doc
            categories = readers.categories(conn, store_id=store_id, website_id=store_id, meta=meta)
            for c in categories.values():
                assert documents.category_document(c) == canonical(c), c.entity_id
                assert documents.category(documents.category_document(c)) == c


def test_decimals_keep_their_exact_text() -> None:
    p = Product(1, "s", "simple", 4, "2026-01-01 00:00:00", "2026-01-01 00:00:00",
                price=Decimal("34.000000"), weight=Decimal("1.5"))  # fmt: skip
    back = documents.product(documents.product_document(p))
    assert str(back.price) == "34.000000" and str(back.weight) == "1.5"


def test_values_are_typed_by_backend_and_lists_joined(magento_db: MagentoDb) -> None:
    with magento_db.connect() as conn:
        meta = readers.catalog_meta(conn)
    p = Product(
        1, "s", "simple", 4, "2026-01-01 00:00:00", "2026-01-01 00:00:00",
        name="Bag", price=Decimal("34.000000"), status=1,
        custom_attributes=(CustomAttribute("category_ids", ("3", "4")),
                           CustomAttribute("name", "shadowed by the own field")),
    )  # fmt: skip
    values = {v["code"]: v for v in documents.product_values(p, meta.product)}
    assert values["name"] == {"code": "name", "value_varchar": "Bag"}
    assert values["price"] == {"code": "price", "value_decimal": "34.000000"}
    assert values["status"] == {"code": "status", "value_int": "1"}
    assert "value_varchar" in values["category_ids"] or "value_int" in values["category_ids"]
    assert "3,4" in values["category_ids"].values()
    assert "visibility" not in values  # no value, no row
