"""Hot reload: build and check the whole new table, then swap it in; any problem keeps the old.

How this works: `reload_file()` parses routes.yaml completely (config.load reports every located
problem); only a table without problems replaces `runtime.file_table`. The outcome is a value
that the three triggers — SIGHUP, a file change seen by `watch_file()`, and the admin API —
log, count and (for the API) answer with: 200 with the new digest, or 400 with the problems.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from strangler import config
from strangler.errors import ConfigError
from strangler.runtime import Runtime


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    ok: bool
    trigger: str  # sighup | file | api | startup
    digest: str  # the digest now running (the old one when the reload failed)
    changed: bool = False  # the file's content differed from what was running
    problems: tuple[str, ...] = ()
    flipped_routes: tuple[str, ...] = ()  # routes whose file mode is overridden by a flip


def reload_file(
    runtime: Runtime, path: str, env: Mapping[str, str], trigger: str, now: float | None = None
) -> ReloadOutcome:
    """Parse `path` and swap it in if it has no problems; the running table stays otherwise."""
    try:
        table = config.load(path, env)
    except ConfigError as exc:
        return ReloadOutcome(
            False, trigger, runtime.file_table.digest, problems=tuple(str(p) for p in exc.problems)
        )
    changed = table.digest != runtime.file_table.digest
    runtime.set_table(table, now=now)
    flipped = tuple(r.id for r in table.routes if r.id in runtime.flags.overrides)
    return ReloadOutcome(True, trigger, table.digest, changed, flipped_routes=flipped)


def _stamp(path: str) -> tuple[float, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime, info.st_size


async def watch_file(path: str, interval_s: float, on_change: Callable[[], object]) -> None:
    """Call `on_change` whenever the file's mtime or size changes (polling; runs until
    cancelled). Editors that replace the file are seen too."""
    last = _stamp(path)
    while True:
        await asyncio.sleep(interval_s)
        current = _stamp(path)
        if current is not None and current != last:
            last = current
            on_change()
