"""make_app(settings): the legacy service's aiohttp application — the only place that wires.

How this works: every request goes through the shared Magento pipeline (`pipeline`: store
scope, route match, Accept, ACL, body, handler, `?fields=`, Magento's error bodies, request id,
metrics, one log line) with the full route table and the handlers over Magento's own tables.
The database pool, the attribute metadata and the store structure are opened in a cleanup
context, so two apps can run in one process (tests do).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from legacy_adapters import mapping
from legacy_adapters.magento_app import pipeline, routes
from legacy_adapters.magento_app.db import Database, load_stores
from legacy_adapters.magento_app.handlers import auth, carts, catalog, stores
from legacy_adapters.magento_app.service import Legacy
from legacy_adapters.magento_app.settings import Settings
from legacy_adapters.plans import catalog as catalog_plans

HANDLERS: dict[str, pipeline.Handler] = {
    name: getattr(module, name)
    for module in (auth, carts, catalog, stores)
    for name in dir(module)
    if name in {r.handler for r in routes.ROUTES}
}
SERVICE = pipeline.Service("legacy", routes.ROUTES, HANDLERS)
HTTP_LIMITS = pipeline.HTTP_LIMITS
__all__ = ["HANDLERS", "HTTP_LIMITS", "SERVICE", "load_stores", "make_app"]


def make_app(settings: Settings, *, clock: Callable[[], float] = time.time) -> web.Application:
    """The legacy service for `settings`; resources open when the app starts."""
    app = pipeline.application(SERVICE)

    async def resources(app: web.Application) -> AsyncIterator[None]:
        db = await Database.for_settings(settings)
        meta: mapping.CatalogMeta = await db.run(catalog_plans.catalog_meta_plan())
        websites, groups, stores_ = await load_stores(db)
        app[pipeline.SITE] = Legacy(db, meta, settings.token_key, websites, groups, stores_, clock)
        yield
        await db.close()

    app.cleanup_ctx.append(resources)
    return app
