"""The comparator's vocabulary: outcomes, the closed set of difference kinds, a divergence."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Outcome(enum.StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    ERROR = "error"


class Kind(enum.StrEnum):
    STATUS = "status"
    HEADER = "header"
    VALUE = "value"
    TYPE = "type"
    MISSING = "missing"  # in legacy, not in new
    EXTRA = "extra"  # in new, not in legacy
    LENGTH = "length"
    ORDER = "order"
    BODY = "body"  # non-JSON bodies differ, or (exact) the JSON encoding differs


@dataclass(frozen=True, slots=True)
class Difference:
    kind: Kind
    path: str
    legacy: Any = None
    new: Any = None
    note: str = ""  # why it is ignored, or what an exact-mode difference is about


@dataclass(frozen=True, slots=True)
class Divergence:
    outcome: Outcome
    differences: tuple[Difference, ...] = ()  # the mismatches (what makes the outcome)
    error: str | None = None  # which side failed, and how
    ignored: tuple[Difference, ...] = ()  # excused by the route's rules: visible, not counted
