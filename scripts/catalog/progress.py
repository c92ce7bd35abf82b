"""A one-line progress bar on stderr: `\\r products [#####     ] 1234/2046 812/s`."""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30


def bar(stage: str, done: int, total: int, rate: float) -> str:
    """The line for `done` of `total` at `rate` per second (pure)."""
    filled = WIDTH if total <= 0 else min(WIDTH, WIDTH * done // total)
    return f"\r {stage} [{'#' * filled}{' ' * (WIDTH - filled)}] {done}/{total} {rate:.0f}/s"


class ProgressBar:
    """The `progress(stage, done, total)` callback of `migrate`: redraws at most 10 times a
    second, and ends a stage's line when it is complete."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.stage = ""
        self.started = 0.0
        self.drawn = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != self.stage:
            self.stage, self.started, self.drawn = stage, now, 0.0
        if done < total and now - self.drawn < 0.1:
            return
        self.drawn = now
        rate = done / (now - self.started) if now > self.started else 0.0
        self.out.write(bar(stage, done, total, rate) + ("\n" if done >= total else ""))
        self.out.flush()
