"""`python -m new_services.catalog`: serve the catalog service (settings from the env)."""

from __future__ import annotations

from legacy_adapters.magento_app import serving
from new_services.catalog.app import make_app
from new_services.catalog.settings import Settings

if __name__ == "__main__":
    raise SystemExit(serving.main("catalog service", Settings.from_env, make_app))
