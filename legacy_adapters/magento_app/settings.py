"""Settings of the legacy service, built from a mapping (the environment in production)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


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
        key = env.get("STRANGLER_TOKEN_KEY", "")
        if len(key.encode()) < 32:
            raise SettingsError("STRANGLER_TOKEN_KEY must be set to a secret of at least 32 bytes")
        try:
            return cls(
                db_host=env.get("MAGENTO_DB_HOST", "127.0.0.1"),
                db_port=int(env.get("MAGENTO_DB_PORT", "3306")),
                db_user=env.get("MAGENTO_DB_USER", "root"),
                db_password=env.get("MAGENTO_DB_PASSWORD", ""),
                db_name=env.get("MAGENTO_DB_NAME", "magento"),
                token_key=key,
                host=env.get("LEGACY_HOST", "127.0.0.1"),
                port=int(env.get("LEGACY_PORT", "8081")),
                pool_size=int(env.get("LEGACY_DB_POOL", "20")),
                log_level=env.get("LOG_LEVEL", "info"),
            )
        except ValueError as exc:
            raise SettingsError(f"bad numeric setting: {exc}") from None
