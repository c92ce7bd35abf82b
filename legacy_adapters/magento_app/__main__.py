"""`python -m legacy_adapters.magento_app`: serve the legacy service (settings from the env)."""

from __future__ import annotations

import os
import sys

from aiohttp import web

from legacy_adapters.magento_app import logs
from legacy_adapters.magento_app.app import make_app
from legacy_adapters.magento_app.settings import Settings, SettingsError


def main() -> int:
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        print(f"legacy service: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop is a declared dependency
        pass
    web.run_app(
        make_app(settings),
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=None,
        handle_signals=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
