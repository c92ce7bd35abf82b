"""The state one running legacy service shares between requests."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from legacy_adapters.magento_app import scopes
from legacy_adapters.magento_app.context import Scope
from legacy_adapters.magento_app.db import Database
from legacy_adapters.magento_wire import tokens
from legacy_adapters.magento_wire.tokens import TokenClaims
from legacy_adapters.mapping import CatalogMeta
from legacy_adapters.records import Store, StoreGroup, Website
from legacy_adapters.sql import customer as customer_sql


@dataclass(slots=True)
class Legacy:
    db: Database
    meta: CatalogMeta
    token_key: str
    websites: list[Website]
    groups: list[StoreGroup]
    stores: list[Store]
    clock: Callable[[], float] = field(default=time.time)

    @property
    def store_codes(self) -> frozenset[str]:
        return scopes.store_codes(self.stores)

    def scope(self, code: str | None) -> Scope:
        """The scope of a store code from the URL (None: the default store view)."""
        return scopes.scope(self.websites, self.stores, code)

    def root_category_id(self, scope: Scope) -> int:
        """The store group's root category; admin scope sees the whole tree (id 1)."""
        return scopes.root_category_id(self.groups, self.stores, scope)

    def claims(self, token: str, now: int) -> TokenClaims | None:
        return tokens.verify(token, key=self.token_key, now=now)

    async def revoked_before(self, claims: TokenClaims) -> int | None:
        """The user's token cut-off (`jwt_auth_revoked`), if their tokens were ever revoked."""
        rows = await self.db.fetch(
            customer_sql.REVOKED_BEFORE, (int(claims.user_type), claims.user_id)
        )
        return int(rows[0]["revoke_before"]) if rows else None

    async def ping(self) -> None:
        await self.db.fetch("SELECT 1")
