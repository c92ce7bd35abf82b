"""Pick the catalog a stack loads: Luma from the sample data, or a generated one when absent.

How this works: Luma is used whenever it is found under the sample-data folder. Without it, a
catalog of the same size is generated in Luma's CSV format under the scratch folder (once;
later runs reuse it), and `CatalogChoice.note` says so, for the demo banner and test reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legacy_adapters.loader.load import AdminSpec, LoadReport, Progress, load
from legacy_adapters.sample_data import read
from legacy_adapters.sample_data.model import Catalog, CustomerSpec

LUMA_SIZE = 2046
DEMO_ADMIN = AdminSpec(username="admin", password="admin-demo-2026", email="admin@example.com")
# Luma's own sample customer (customer_profile.csv); created even when Luma is absent.
DEMO_CUSTOMER = CustomerSpec(
    email="roni_cost@example.com",
    password="roni_cost3@example.com",
    firstname="Veronica",
    lastname="Costello",
    dob="1973-12-15",
    gender=2,
    street=("6146 Honey Bluff Parkway",),
    city="Calder",
    region="Michigan",
    country_id="US",
    postcode="49628-7978",
    telephone="(555) 229-3326",
)


@dataclass(frozen=True, slots=True)
class CatalogChoice:
    catalog: Catalog
    note: str


def choose(sample_root: Path, scratch: Path, *, generated_size: int = LUMA_SIZE) -> CatalogChoice:
    """Luma if present, else a generated catalog in the same format (said in `note`)."""
    try:
        catalog = read.luma(sample_root)
        return CatalogChoice(catalog, f"Luma sample catalog from {sample_root}")
    except read.SampleDataMissing:
        pass
    from legacy_adapters.sample_data import generator

    target = scratch / "generated-catalog"
    if not (target / "GENERATED.md").is_file():
        generator.generate(target, generated_size)
    return CatalogChoice(
        read.luma(target),
        f"Luma sample data not found under {sample_root}: using a generated catalog of "
        f"{generated_size} products in the same format ({target})",
    )


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def load_into(
    address: Any,
    database: str,
    catalog: Catalog,
    *,
    progress: Progress | None = None,
    admin: AdminSpec = DEMO_ADMIN,
) -> LoadReport:
    """Create `database` if needed and load `catalog`, the demo admin and customer into it."""
    address.create_database(database)
    conn = address.reader(database)
    try:
        kwargs: dict[str, Any] = {"progress": progress} if progress else {}
        return load(conn, catalog, now=utc_now(), customers=[DEMO_CUSTOMER], admin=admin, **kwargs)
    finally:
        conn.close()
