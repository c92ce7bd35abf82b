"""Process settings of the proxy (ports, files, secrets), built from a mapping.

`Settings.from_env(os.environ)` is called in cli.py only; everything else receives a Settings.
Routing itself lives in routes.yaml, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from strangler.errors import SettingsError

MIN_SECRET_BYTES = 16


@dataclass(frozen=True, slots=True)
class Settings:
    routes_path: str = "routes.yaml"
    host: str = "127.0.0.1"
    port: int = 8080
    admin_host: str = "127.0.0.1"
    admin_port: int = 8079
    admin_token: str = ""
    token_key: str | None = None  # verifies Magento JWTs (canary sticky: customer)
    flags_url: str = "sqlite:///strangler-flags.db"  # or redis://host:port/db
    log_level: str = "info"
    access_log: bool = True
    drain_timeout_s: float = 15.0
    watch_interval_s: float = 1.0
    breaker_failures: int = 5  # consecutive failures that open a backend's circuit
    breaker_cooldown_s: float = 10.0  # how long it stays open before a probe
    actor: str = "admin-api"
    divergences_url: str = "sqlite:///strangler-divergences.db"  # or redis://host:port/db
    divergence_max_records: int = 100_000  # the store keeps at most this many examples ...
    divergence_max_age_s: float = 7 * 24 * 3600  # ... none older than this
    divergence_sample: float = 1.0  # fraction of (capped) mismatches kept as examples
    divergence_per_route_per_minute: int = 30  # examples kept per route and minute, at most
    noise_budget_per_minute: float = 600.0  # extra legacy calls for noise learning, all routes

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read STRANGLER_* variables; a missing or malformed one raises SettingsError."""
        try:
            settings = cls(
                routes_path=env.get("STRANGLER_ROUTES", "routes.yaml"),
                host=env.get("STRANGLER_HOST", "127.0.0.1"),
                port=int(env.get("STRANGLER_PORT", "8080")),
                admin_host=env.get("STRANGLER_ADMIN_HOST", "127.0.0.1"),
                admin_port=int(env.get("STRANGLER_ADMIN_PORT", "8079")),
                admin_token=env.get("STRANGLER_ADMIN_TOKEN", ""),
                token_key=env.get("STRANGLER_TOKEN_KEY") or None,
                flags_url=env.get("STRANGLER_FLAGS", "sqlite:///strangler-flags.db"),
                log_level=env.get("STRANGLER_LOG_LEVEL", "info"),
                access_log=env.get("STRANGLER_ACCESS_LOG", "1") not in ("0", "false", "no"),
                drain_timeout_s=float(env.get("STRANGLER_DRAIN_TIMEOUT", "15")),
                watch_interval_s=float(env.get("STRANGLER_WATCH_INTERVAL", "1")),
                breaker_failures=int(env.get("STRANGLER_BREAKER_FAILURES", "5")),
                breaker_cooldown_s=float(env.get("STRANGLER_BREAKER_COOLDOWN", "10")),
                divergences_url=env.get(
                    "STRANGLER_DIVERGENCES", "sqlite:///strangler-divergences.db"
                ),
                divergence_max_records=int(env.get("STRANGLER_DIVERGENCE_MAX_RECORDS", "100000")),
                divergence_max_age_s=float(env.get("STRANGLER_DIVERGENCE_MAX_AGE_DAYS", "7"))
                * 24
                * 3600,
                divergence_sample=float(env.get("STRANGLER_DIVERGENCE_SAMPLE", "1")),
                divergence_per_route_per_minute=int(
                    env.get("STRANGLER_DIVERGENCE_PER_ROUTE_PER_MINUTE", "30")
                ),
                noise_budget_per_minute=float(env.get("STRANGLER_NOISE_BUDGET", "600")),
            )
        except ValueError as exc:
            raise SettingsError(f"bad numeric STRANGLER_* setting: {exc}") from None
        if not 0.0 <= settings.divergence_sample <= 1.0:
            sample = settings.divergence_sample
            raise SettingsError(f"STRANGLER_DIVERGENCE_SAMPLE must be within [0, 1], got {sample}")
        for name, value in (
            ("STRANGLER_DIVERGENCE_MAX_RECORDS", settings.divergence_max_records),
            ("STRANGLER_DIVERGENCE_MAX_AGE_DAYS", settings.divergence_max_age_s),
            ("STRANGLER_DIVERGENCE_PER_ROUTE_PER_MINUTE", settings.divergence_per_route_per_minute),
        ):
            if value <= 0:
                raise SettingsError(f"{name} must be positive, got {value}")
        if settings.noise_budget_per_minute < 0:
            raise SettingsError(
                f"STRANGLER_NOISE_BUDGET must be >= 0, got {settings.noise_budget_per_minute}"
            )
        return settings

    def require_admin_token(self) -> str:
        """The admin bearer token; serving the admin API without one is refused."""
        if len(self.admin_token.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(
                f"STRANGLER_ADMIN_TOKEN must be set to a secret of at least {MIN_SECRET_BYTES} "
                "bytes: the admin API (flips, reloads) is never served without one"
            )
        return self.admin_token
