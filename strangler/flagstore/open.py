"""open_store(flags_url) -> FlagStore: the one place that reads STRANGLER_FLAGS.

    sqlite:///strangler-flags.db        a file relative to the working directory
    sqlite:////var/lib/strangler/f.db   an absolute path (a fourth slash, as SQLAlchemy)
    redis://host:6379/0                 a Redis shared by the fleet (rediss:// for TLS)

Nothing is opened here: the stores connect on first use, so a typo in a host name shows up in
`/readyz` and the logs, while an unknown scheme is refused at once.
"""

from __future__ import annotations

from strangler.errors import SettingsError
from strangler.flagstore import FlagStore
from strangler.flagstore.redis import RedisFlagStore
from strangler.flagstore.sqlite import SqliteFlagStore

SQLITE = "sqlite:///"
REDIS = ("redis://", "rediss://", "unix://")
EXPECTED = "sqlite:///path/to/flags.db or redis://host:port/db"


def open_store(flags_url: str) -> FlagStore:
    """The flag store named by a STRANGLER_FLAGS value; SettingsError when it names none."""
    if flags_url.startswith(SQLITE):
        path = flags_url[len(SQLITE) :]
        if not path:
            raise SettingsError(f"STRANGLER_FLAGS: the sqlite URL has no file path ({EXPECTED})")
        return SqliteFlagStore(path)
    if flags_url.startswith(REDIS):
        try:
            return RedisFlagStore(flags_url)
        except ValueError as exc:
            raise SettingsError(f"STRANGLER_FLAGS: not a usable Redis URL: {exc}") from None
    # Only the scheme is echoed: the rest of a URL may carry a password.
    scheme = flags_url.split(":", 1)[0] if ":" in flags_url else flags_url[:20]
    raise SettingsError(f"STRANGLER_FLAGS must be {EXPECTED}, got scheme {scheme!r}")
