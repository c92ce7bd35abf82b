"""Where flips live: the current overrides, the kill switch and the audit log.

Two implementations of one `FlagStore` protocol:

- `sqlite.SqliteFlagStore` (embedded default): a file; proxies sharing the file see each other's
  flips by watching SQLite's `data_version`.
- `redis.RedisFlagStore`: a Redis shared by a fleet of proxies; a flip is written atomically
  (state + audit entry) and announced on a channel, so every proxy applies it within ~a second.

`open_store(settings)` picks one from the settings. Every store survives a restart: the state and
the audit log are read back on `load()`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from strangler.flags import FlagState, Flip

OnChange = Callable[[FlagState], Awaitable[None] | None]


class FlagStore(Protocol):
    async def load(self) -> FlagState:
        """The current overrides and kill switch."""

    async def commit(self, state: FlagState, flip: Flip) -> None:
        """Persist `state` (the whole new flag state) and append `flip` to the audit log,
        atomically, then tell the other proxies."""

    async def audit(self, limit: int = 100) -> list[Flip]:
        """The most recent audit records, newest first."""

    async def watch(self, on_change: OnChange) -> None:
        """Run until cancelled, calling `on_change` with the new state when another proxy
        (or CLI) changed it."""

    async def ping(self) -> bool:
        """Whether the store answers (for /readyz)."""

    async def close(self) -> None: ...
