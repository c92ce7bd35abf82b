"""Store scopes from the store structure (pure): which store a URL's store code selects, and
which root category its store group shows. Both Magento-compatible services use these (the
legacy service over Magento's `store*` tables, the new catalog over its copies of them)."""

from __future__ import annotations

from collections.abc import Sequence

from legacy_adapters.magento_app.context import Scope
from legacy_adapters.records import Store, StoreGroup, Website


def store_codes(stores: Sequence[Store]) -> frozenset[str]:
    return frozenset(s.code for s in stores if s.store_id != 0)


def scope(websites: Sequence[Website], stores: Sequence[Store], code: str | None) -> Scope:
    """The scope of a store code from the URL (None: the default store view)."""
    if code == "all":
        return Scope(0, 0, "admin")
    default = next((w for w in websites if w.default_group_id and w.website_id), None)
    for store in stores:
        if (
            code is None
            and default
            and store.store_id != 0
            and store.group_id == default.default_group_id
        ) or store.code == code:
            return Scope(store.store_id, store.website_id, store.code)
    return Scope(1, 1, "default")


def root_category_id(groups: Sequence[StoreGroup], stores: Sequence[Store], at: Scope) -> int:
    """The store group's root category; admin scope sees the whole tree (id 1)."""
    if at.is_admin:
        return 1
    store = next((s for s in stores if s.store_id == at.store_id), None)
    group = next((g for g in groups if store and g.group_id == store.group_id), None)
    return group.root_category_id if group else 2
