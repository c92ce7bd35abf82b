"""The catalog service's settings come from the environment, with the legacy key check."""

from __future__ import annotations

import pytest

from new_services.catalog.settings import Settings, SettingsError

KEY = "k" * 32


def test_defaults() -> None:
    s = Settings.from_env({"STRANGLER_TOKEN_KEY": KEY})
    assert (s.host, s.port, s.db_name, s.db_port, s.pool_size) == (
        "127.0.0.1",
        8083,
        "catalog",
        3306,
        20,
    )
    assert s.redis_url is None


def test_everything_from_the_environment() -> None:
    s = Settings.from_env(
        {
            "STRANGLER_TOKEN_KEY": KEY,
            "CATALOG_HOST": "0.0.0.0",
            "CATALOG_PORT": "9000",
            "CATALOG_DB_HOST": "db",
            "CATALOG_DB_PORT": "3307",
            "CATALOG_DB_USER": "u",
            "CATALOG_DB_PASSWORD": "p",
            "CATALOG_DB_NAME": "cat",
            "CATALOG_DB_POOL": "5",
            "CATALOG_REDIS_URL": "redis://r:6379/3",
            "LOG_LEVEL": "debug",
        }
    )
    assert (s.host, s.port, s.db_host, s.db_port, s.db_user, s.db_password) == (
        "0.0.0.0", 9000, "db", 3307, "u", "p",
    )  # fmt: skip
    assert (s.db_name, s.pool_size, s.redis_url, s.log_level) == (
        "cat",
        5,
        "redis://r:6379/3",
        "debug",
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "STRANGLER_TOKEN_KEY"),
        ({"STRANGLER_TOKEN_KEY": "short"}, "at least 32 bytes"),
        ({"STRANGLER_TOKEN_KEY": KEY, "CATALOG_PORT": "x"}, "bad numeric setting"),
    ],
)
def test_bad_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)
