"""The state one running catalog service shares between requests (a pipeline `Site`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from legacy_adapters.magento_app import scopes
from legacy_adapters.magento_app.context import Scope
from legacy_adapters.magento_app.db import Database
from legacy_adapters.magento_app.pipeline import VerifiedTokens
from legacy_adapters.magento_wire.tokens import TokenClaims
from legacy_adapters.records import Attribute, Store, StoreGroup, Website
from legacy_adapters.sql import search
from new_services.catalog import sql
from new_services.catalog.cache import Cache

PRODUCT, CATEGORY = "catalog_product", "catalog_category"


@dataclass(slots=True)
class Catalog:
    db: Database
    cache: Cache
    token_key: str
    product_attributes: Mapping[str, Attribute]
    category_attributes: Mapping[str, Attribute]
    websites: list[Website]
    groups: list[StoreGroup]
    stores: list[Store]
    clock: Callable[[], float] = field(default=time.time)
    store_codes: frozenset[str] = frozenset()
    product_entity: search.Entity = field(init=False)
    category_entity: search.Entity = field(init=False)
    tokens: VerifiedTokens = field(init=False)

    def __post_init__(self) -> None:
        self.store_codes = scopes.store_codes(self.stores)
        self.tokens = VerifiedTokens(self.token_key)
        self.product_entity = search.flat_product_entity(self.product_attributes)
        self.category_entity = search.flat_category_entity(self.category_attributes)

    def scope(self, code: str | None) -> Scope:
        return scopes.scope(self.websites, self.stores, code)

    def root_category_id(self, scope: Scope) -> int:
        return scopes.root_category_id(self.groups, self.stores, scope)

    def claims(self, token: str, now: int) -> TokenClaims | None:
        return self.tokens.claims(token, now)

    async def revoked_before(self, claims: TokenClaims) -> int | None:
        """Tokens are honoured until they expire: revocation lives in legacy's database, which
        this service does not read (admin tokens last 4 hours at most)."""
        return None

    async def ping(self) -> None:
        await self.db.fetch("SELECT 1")


async def load_attributes(db: Database) -> dict[str, dict[str, Attribute]]:
    """entity type -> code -> attribute, from `catalog_attribute`."""
    out: dict[str, dict[str, Attribute]] = {PRODUCT: {}, CATEGORY: {}}
    for r in await db.fetch(sql.ATTRIBUTES):
        out.setdefault(r["entity_type"], {})[r["code"]] = Attribute(
            attribute_id=int(r["attribute_id"]),
            code=r["code"],
            backend_type=r["backend_type"],
            frontend_input=r["frontend_input"],
            label=r["label"],
            is_global=int(r["is_global"]),
            is_user_defined=bool(r["is_user_defined"]),
        )
    return out
