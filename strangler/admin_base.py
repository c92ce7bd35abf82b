"""What every admin handler shares: the app's state under `ADMIN`, JSON errors, store calls."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from aiohttp import web

from strangler.flagstore import FlagStore
from strangler.metrics import Metrics
from strangler.reload import ReloadOutcome
from strangler.runtime import Runtime
from strangler.settings import Settings

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

log = structlog.get_logger("strangler.admin")


@dataclass(frozen=True)
class Admin:
    """Everything the admin handlers use, held by the app under `ADMIN`."""

    runtime: Runtime
    store: FlagStore
    metrics: Metrics
    settings: Settings
    reload: Callable[[], ReloadOutcome]
    clock: Callable[[], float]
    bearer: bytes  # b"Bearer <token>", compared with hmac.compare_digest
    lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock)


ADMIN = web.AppKey("admin", Admin)


def error(
    status: type[web.HTTPException],
    message: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> web.HTTPException:
    body = json.dumps({"message": message, **extra})
    return status(text=body, content_type="application/json", headers=headers)


async def stored(step: Awaitable[T], what: str = "flag store") -> T:
    """Await a store call; its failure becomes a logged 503."""
    try:
        return await step
    except Exception as exc:
        log.exception(f"{what.replace(' ', '_')}_failed")
        raise error(web.HTTPServiceUnavailable, f"{what} failed: {exc}") from None
