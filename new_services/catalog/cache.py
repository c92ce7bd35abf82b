"""The catalog service's side of the Redis cache contract (`invalidation.py`).

How this works: `get()` serves a product's rendered answer; on a miss the handler reads
`generation()` *before* the database and hands it to `fill()`, which runs `FILL_SCRIPT`: the
value is stored only if no ETL commit moved the generation meanwhile. Redis trouble never fails a
request: every call degrades to "not cached" and counts an error. Without a Redis URL the cache is
`NoCache`. Outcomes are counted in
`catalog_cache_total{result=hit|miss|error|bypass|stored|refused}`.
"""

from __future__ import annotations

import time
from typing import Protocol

import redis.asyncio
from prometheus_client import CollectorRegistry, Counter
from redis.exceptions import RedisError

from new_services.catalog import invalidation

TIMEOUT_S = 0.25
PAUSE_S = 1.0  # after a Redis failure, how long the cache is skipped
RESULTS = ("hit", "miss", "error", "bypass", "stored", "refused")
FAILURES = (RedisError, OSError, TimeoutError)


class Cache(Protocol):
    async def get(self, store_id: int, sku: str) -> bytes | None: ...
    async def generation(self) -> bytes | None: ...
    async def fill(self, store_id: int, sku: str, generation: bytes, body: bytes) -> None: ...
    async def close(self) -> None: ...


def counter(registry: CollectorRegistry) -> Counter:
    return Counter(
        "catalog_cache", "Product cache lookups and fills", ["result"], registry=registry
    )


def _bytes(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


class NoCache:
    async def get(self, store_id: int, sku: str) -> bytes | None:
        return None

    async def generation(self) -> bytes | None:
        return None

    async def fill(self, store_id: int, sku: str, generation: bytes, body: bytes) -> None:
        return None

    async def close(self) -> None:
        return None


class RedisCache:
    """Redis trouble opens a short pause (`PAUSE_S`): meanwhile the cache is skipped (counted as
    `bypass`), so a Redis that hangs costs one timeout per pause, not one per request."""

    def __init__(self, client: redis.asyncio.Redis, outcomes: Counter, ttl_s: int) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.fill_script = client.register_script(invalidation.FILL_SCRIPT)
        self.paused_until = 0.0
        self.hit, self.miss, self.error, self.bypass, self.stored, self.refused = (
            outcomes.labels(result) for result in RESULTS
        )

    @classmethod
    def from_url(cls, url: str, outcomes: Counter, ttl_s: int) -> RedisCache:
        client = redis.asyncio.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
        )
        return cls(client, outcomes, ttl_s)

    def _paused(self) -> bool:
        if self.paused_until and time.monotonic() < self.paused_until:
            self.bypass.inc()
            return True
        return False

    def _failed(self) -> None:
        self.error.inc()
        self.paused_until = time.monotonic() + PAUSE_S

    async def get(self, store_id: int, sku: str) -> bytes | None:
        if self._paused():
            return None
        try:
            value = _bytes(await self.client.get(invalidation.product_key(store_id, sku)))
        except FAILURES:
            self._failed()
            return None
        (self.miss if value is None else self.hit).inc()
        return value

    async def generation(self) -> bytes | None:
        """The generation before a database read; None when Redis is unreachable (no fill)."""
        if self.paused_until and time.monotonic() < self.paused_until:
            return None
        try:
            value = _bytes(await self.client.get(invalidation.GENERATION))
        except FAILURES:
            self._failed()
            return None
        return value or b"0"

    async def fill(self, store_id: int, sku: str, generation: bytes, body: bytes) -> None:
        keys = [invalidation.GENERATION, invalidation.product_key(store_id, sku)]
        try:
            written = await self.fill_script(keys=keys, args=[generation, body, self.ttl_s])
        except FAILURES:
            self._failed()
            return
        (self.stored if written else self.refused).inc()

    async def close(self) -> None:
        await self.client.aclose()
