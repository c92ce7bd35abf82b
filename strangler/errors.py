"""The proxy's exception tree. HTTP appears only in proxy.py and admin.py.

StranglerError
├── ConfigError          routes.yaml problems, each located (file, line, key path)
├── SettingsError        a missing or malformed setting (names the variable)
├── FlagError            a flip that cannot apply (unknown route, bad percent ...)
└── RequestRejected      a request the proxy refuses before any backend sees it
                         (carries `status` and a Magento-shaped message)
"""

from __future__ import annotations

from dataclasses import dataclass


class StranglerError(Exception):
    """Base of every error the proxy raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a config file."""

    file: str
    line: int
    path: str  # key path, e.g. routes[3].shadow.sample
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(StranglerError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SettingsError(StranglerError):
    pass


class FlagError(StranglerError):
    pass


class RequestRejected(StranglerError):
    """A request refused by the proxy itself; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
