"""Circuit breakers (pure): stop sending to a backend that keeps failing, probe it back.

How this works, per backend:

    closed ──(N consecutive failures)──► open ──(cooldown elapsed)──► half-open
      ▲                                   ▲                              │
      └───────(probe succeeds)────────────┴────(probe fails)─────────────┘

While open, `allow()` is false and callers take their fallback (or answer 502) without
touching the backend; after the cooldown exactly one request is let through as a probe. The
clock is passed in, so tests step through the states without sleeping.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class Breaker:
    failures_to_open: int = 5
    cooldown_s: float = 10.0
    state: State = State.CLOSED
    failures: int = 0
    opened_at: float = 0.0
    probing: bool = False

    def allow(self, now: float) -> bool:
        """May a request be sent now? (In half-open, only the one probe.)"""
        if self.state is State.CLOSED:
            return True
        if self.state is State.OPEN and now - self.opened_at >= self.cooldown_s:
            self.state = State.HALF_OPEN
            self.probing = False
        if self.state is State.HALF_OPEN and not self.probing:
            self.probing = True
            return True
        return False

    def record(self, ok: bool, now: float) -> None:
        """The outcome of a request that `allow()` let through."""
        if ok:
            self.state, self.failures, self.probing = State.CLOSED, 0, False
            return
        self.failures += 1
        if self.state is State.HALF_OPEN or self.failures >= self.failures_to_open:
            self.state, self.opened_at, self.probing = State.OPEN, now, False

    @property
    def is_open(self) -> bool:
        return self.state is not State.CLOSED


@dataclass
class Breakers:
    failures_to_open: int = 5
    cooldown_s: float = 10.0

    def __post_init__(self) -> None:
        self.by_backend: dict[str, Breaker] = {}

    def __getitem__(self, backend: str) -> Breaker:
        breaker = self.by_backend.get(backend)
        if breaker is None:
            breaker = self.by_backend[backend] = Breaker(self.failures_to_open, self.cooldown_s)
        return breaker
