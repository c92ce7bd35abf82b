"""Settings of the legacy service, built from a mapping (the environment in production).

`common()` reads what every Magento-shaped service of the project has (its database, where it
listens, the pool, the token key, the log level), under that service's variable prefixes; the
catalog service's settings use it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def token_key(env: Mapping[str, str]) -> str:
    """`STRANGLER_TOKEN_KEY`: the secret every service verifies bearer tokens with."""
    key = env.get("STRANGLER_TOKEN_KEY", "")
    if len(key.encode()) < 32:
        raise SettingsError("STRANGLER_TOKEN_KEY must be set to a secret of at least 32 bytes")
    return key


@dataclass(frozen=True, slots=True)
class Settings:
    db_host: str
    db_port: int
    db_user: str
    db_password: str
    db_name: str
    token_key: str
    host: str = "127.0.0.1"
    port: int = 8081
    pool_size: int = 20
    log_level: str = "info"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read `MAGENTO_DB_*`, `STRANGLER_TOKEN_KEY` and `LEGACY_HOST/PORT`."""
        return cls(**common(env, db="MAGENTO_DB", listen="LEGACY", db_name="magento", port=8081))


def common(
    env: Mapping[str, str], *, db: str, listen: str, db_name: str, port: int
) -> dict[str, Any]:
    """`{db}_HOST/PORT/USER/PASSWORD/NAME`, `{listen}_HOST/PORT`, `{listen}_DB_POOL`,
    `STRANGLER_TOKEN_KEY`, `LOG_LEVEL`; SettingsError names a bad one."""
    key = token_key(env)
    try:
        return {
            "db_host": env.get(f"{db}_HOST", "127.0.0.1"),
            "db_port": int(env.get(f"{db}_PORT", "3306")),
            "db_user": env.get(f"{db}_USER", "root"),
            "db_password": env.get(f"{db}_PASSWORD", ""),
            "db_name": env.get(f"{db}_NAME", db_name),
            "token_key": key,
            "host": env.get(f"{listen}_HOST", "127.0.0.1"),
            "port": int(env.get(f"{listen}_PORT", str(port))),
            "pool_size": int(env.get(f"{listen}_DB_POOL", "20")),
            "log_level": env.get("LOG_LEVEL", "info"),
        }
    except ValueError as exc:
        raise SettingsError(f"bad numeric setting: {exc}") from None
