"""open_divergence_store(url) -> DivergenceStore: the one place that reads STRANGLER_DIVERGENCES.

    sqlite:///strangler-divergences.db  a file relative to the working directory (the default)
    sqlite:////var/lib/strangler/d.db   an absolute path (a fourth slash, as SQLAlchemy)
    redis://host:6379/0                 a Redis shared by the fleet (rediss:// for TLS)

Nothing is opened here: the stores connect on first use, while an unknown scheme is refused at
once, naming the variable.
"""

from __future__ import annotations

from strangler.errors import SettingsError
from strangler.store import DivergenceStore
from strangler.store.redis import RedisDivergenceStore
from strangler.store.sqlite import SqliteDivergenceStore

VARIABLE = "STRANGLER_DIVERGENCES"
DEFAULT_URL = "sqlite:///strangler-divergences.db"
SQLITE = "sqlite:///"
REDIS = ("redis://", "rediss://", "unix://")
EXPECTED = "sqlite:///path/to/divergences.db or redis://host:port/db"


def open_divergence_store(
    url: str, *, max_records: int = 100_000, max_age_s: float = 7 * 24 * 3600
) -> DivergenceStore:
    """The divergence store a STRANGLER_DIVERGENCES value names; SettingsError when none."""
    if url.startswith(SQLITE):
        path = url[len(SQLITE) :]
        if not path:
            raise SettingsError(f"{VARIABLE}: the sqlite URL has no file path ({EXPECTED})")
        return SqliteDivergenceStore(path, max_records=max_records, max_age_s=max_age_s)
    if url.startswith(REDIS):
        try:
            return RedisDivergenceStore(url, maxlen=max_records, max_age_s=max_age_s)
        except ValueError as exc:
            raise SettingsError(f"{VARIABLE}: not a usable Redis URL: {exc}") from None
    # Only the scheme is echoed: the rest of a URL may carry a password.
    scheme = url.split(":", 1)[0] if ":" in url else url[:20]
    raise SettingsError(f"{VARIABLE} must be {EXPECTED}, got scheme {scheme!r}")
