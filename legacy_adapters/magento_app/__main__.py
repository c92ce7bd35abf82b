"""`python -m legacy_adapters.magento_app`: serve the legacy service (settings from the env)."""

from __future__ import annotations

from legacy_adapters.magento_app import serving
from legacy_adapters.magento_app.app import make_app
from legacy_adapters.magento_app.settings import Settings

if __name__ == "__main__":
    raise SystemExit(serving.main("legacy service", Settings.from_env, make_app))
