"""The proxy's live configuration: the parsed file, the flips, and the table routed with.

How this works: the request path reads `runtime.effective` — one attribute, swapped whole — so
a reload or a flip is a single reference assignment between two requests, never a partial
update. `set_table` (reload) and `set_flags` (a flip here or from the fleet) both recompute the
effective table with `flags.apply_flags` and notify listeners (metrics, logs).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from strangler.flags import FlagState, apply_flags
from strangler.model import RouteTable

Listener = Callable[["Runtime"], None]


@dataclass
class Runtime:
    file_table: RouteTable
    flags: FlagState = field(default_factory=FlagState)
    loaded_at: float = field(default_factory=time.time)
    listeners: list[Listener] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.effective: RouteTable = apply_flags(self.file_table, self.flags)

    def set_table(self, table: RouteTable, *, now: float | None = None) -> None:
        self.file_table = table
        self.loaded_at = time.time() if now is None else now
        self._recompute()

    def set_flags(self, state: FlagState) -> None:
        self.flags = state
        self._recompute()

    def _recompute(self) -> None:
        self.effective = apply_flags(self.file_table, self.flags)
        for listener in self.listeners:
            listener(self)
