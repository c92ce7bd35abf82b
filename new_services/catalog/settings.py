"""Settings of the catalog service, built from a mapping (the environment in production)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from legacy_adapters.magento_app.settings import SettingsError, common

__all__ = ["Settings", "SettingsError"]


@dataclass(frozen=True, slots=True)
class Settings:
    db_host: str
    db_port: int
    db_user: str
    db_password: str
    token_key: str
    db_name: str = "catalog"
    host: str = "127.0.0.1"
    port: int = 8083
    pool_size: int = 20
    redis_url: str | None = None  # None: no cache, every answer from MariaDB
    cache_ttl_s: int = 3600
    log_level: str = "info"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read `CATALOG_*`, `STRANGLER_TOKEN_KEY` and `LOG_LEVEL`."""
        values = common(env, db="CATALOG_DB", listen="CATALOG", db_name="catalog", port=8083)
        try:
            ttl = int(env.get("CATALOG_CACHE_TTL_S", "3600"))
        except ValueError as exc:
            raise SettingsError(f"bad numeric setting: {exc}") from None
        return cls(**values, redis_url=env.get("CATALOG_REDIS_URL") or None, cache_ttl_s=ttl)
