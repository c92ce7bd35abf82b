"""make_app(settings): the catalog service's aiohttp application — the only place that wires.

How this works: the shared Magento pipeline (`legacy_adapters.magento_app.pipeline`) with the
catalog part of Magento's route table; any other route answers Magento's 404 "Request does not
match any route.". The database pool, the attribute metadata, the store structure and the Redis
cache (optional) are opened in a cleanup context.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from legacy_adapters.magento_app import pipeline, routes
from legacy_adapters.magento_app.db import Database, load_stores
from new_services.catalog import cache, handlers
from new_services.catalog.service import CATEGORY, PRODUCT, Catalog, load_attributes
from new_services.catalog.settings import Settings

HANDLED = (
    "product_get",
    "product_search",
    "stock_item_get",
    "category_tree",
    "category_get",
    "category_list",
)
ROUTES = tuple(r for r in routes.ROUTES if r.handler in HANDLED)
SERVICE = pipeline.Service("catalog", ROUTES, {name: getattr(handlers, name) for name in HANDLED})


def make_app(settings: Settings, *, clock: Callable[[], float] = time.time) -> web.Application:
    """The catalog service for `settings`; resources open when the app starts."""
    metrics = pipeline.Metrics.create(SERVICE.name)
    outcomes = cache.counter(metrics.registry)
    app = pipeline.application(SERVICE, metrics)

    async def resources(app: web.Application) -> AsyncIterator[None]:
        db = await Database.for_settings(settings)
        attributes = await load_attributes(db)
        websites, groups, stores = await load_stores(db)
        product_cache: cache.Cache = (
            cache.RedisCache.from_url(settings.redis_url, outcomes, settings.cache_ttl_s)
            if settings.redis_url
            else cache.NoCache()
        )
        app[pipeline.SITE] = Catalog(
            db,
            product_cache,
            settings.token_key,
            attributes[PRODUCT],
            attributes[CATEGORY],
            websites,
            groups,
            stores,
            clock,
        )
        yield
        await product_cache.close()
        await db.close()

    app.cleanup_ctx.append(resources)
    return app
