"""Store structure: websites, store groups, store views."""

from __future__ import annotations

from typing import Any

from legacy_adapters.magento_app.context import Call
from legacy_adapters.magento_app.service import Legacy


async def store_websites(call: Call, legacy: Legacy) -> Any:
    return [
        {"id": w.website_id, "code": w.code, "name": w.name, "default_group_id": w.default_group_id}
        for w in legacy.websites
    ]


async def store_groups(call: Call, legacy: Legacy) -> Any:
    return [
        {
            "id": g.group_id,
            "website_id": g.website_id,
            "root_category_id": g.root_category_id,
            "default_store_id": g.default_store_id,
            "name": g.name,
            "code": g.code,
        }
        for g in legacy.groups
    ]


async def store_views(call: Call, legacy: Legacy) -> Any:
    return [
        {
            "id": s.store_id,
            "code": s.code,
            "name": s.name,
            "website_id": s.website_id,
            "store_group_id": s.group_id,
            "is_active": int(s.is_active),
        }
        for s in legacy.stores
    ]
