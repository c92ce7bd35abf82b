"""The state one running legacy service shares between requests."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from legacy_adapters.magento_app.context import Scope
from legacy_adapters.magento_app.db import Database
from legacy_adapters.mapping import CatalogMeta
from legacy_adapters.records import Store, StoreGroup, Website


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
        return frozenset(s.code for s in self.stores if s.store_id != 0)

    def scope(self, code: str | None) -> Scope:
        """The scope of a store code from the URL (None: the default store view)."""
        if code == "all":
            return Scope(0, 0, "admin")
        default = next((w for w in self.websites if w.default_group_id and w.website_id), None)
        for store in self.stores:
            if (
                code is None
                and default
                and store.store_id != 0
                and store.group_id == default.default_group_id
            ) or store.code == code:
                return Scope(store.store_id, store.website_id, store.code)
        return Scope(1, 1, "default")

    def root_category_id(self, scope: Scope) -> int:
        """The store group's root category; admin scope sees the whole tree (id 1)."""
        if scope.is_admin:
            return 1
        store = next((s for s in self.stores if s.store_id == scope.store_id), None)
        group = next((g for g in self.groups if store and g.group_id == store.group_id), None)
        return group.root_category_id if group else 2
