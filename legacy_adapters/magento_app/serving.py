"""`python -m` for a Magento-shaped service: settings from the environment, JSON logs, serve.

A bad setting is one line on stderr naming it and exit code 2, never a traceback; the app runs
on uvloop until SIGINT/SIGTERM. The legacy service and the catalog service both start here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar

import uvloop
from aiohttp import web

from legacy_adapters.magento_app import logs
from legacy_adapters.magento_app.settings import SettingsError


class Listening(Protocol):
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def log_level(self) -> str: ...


S = TypeVar("S", bound=Listening)


def main(
    name: str,
    read_settings: Callable[[Mapping[str, str]], S],
    make_app: Callable[[S], web.Application],
) -> int:
    try:
        settings = read_settings(os.environ)
    except SettingsError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level)
    uvloop.install()
    web.run_app(
        make_app(settings),
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=None,
        handle_signals=True,
    )
    return 0
