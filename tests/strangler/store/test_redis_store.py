"""RedisDivergenceStore on a private redis-server: streams, per-route references, counts, TTLs."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from scripts.stack.servers import Redis
from strangler.store import MinuteStats
from strangler.store.redis import STREAM_ID, RedisDivergenceStore
from tests.strangler.store.test_sqlite_store import (
    recent_is_newest_first_filtered_and_paged,
    record,
    stats,
    without_id,
)

# Stream ids come from the server's clock, and stats hashes expire relative to it: the store's
# clock is the real one, read once, so nothing here depends on how long a test takes.
NOW = float(int(time.time()))
MINUTE = int(NOW // 60)
DAY_S = 24 * 3600.0


@pytest.fixture
async def store(redis_server: Redis) -> AsyncIterator[RedisDivergenceStore]:
    s = RedisDivergenceStore(redis_server.url, f"test:{uuid.uuid4().hex}", clock=lambda: NOW)
    yield s
    await s.close()


async def test_a_record_round_trips_under_its_stream_id(store: RedisDivergenceStore) -> None:
    original = record(at=NOW, request_body='{"qty": 1}')
    await store.add([original], [])
    [stored] = await store.recent()
    assert STREAM_ID.match(stored.id)
    assert without_id(stored) == original
    assert await store.get(stored.id) == stored


@pytest.mark.parametrize("record_id", ["0-1", "abc", "", "1-2-3", "+", "-", "(1-0"])
async def test_get_of_an_unknown_or_malformed_id_is_none(
    store: RedisDivergenceStore, record_id: str
) -> None:
    await store.add([record(at=NOW)], [])
    assert await store.get(record_id) is None


async def test_recent_is_newest_first_filtered_and_paged(store: RedisDivergenceStore) -> None:
    await recent_is_newest_first_filtered_and_paged(store, NOW - 20)  # written a little after


async def test_counts_add_up_per_minute_with_fields(
    store: RedisDivergenceStore, redis_server: Redis
) -> None:
    fields = {"value $.price": 2, "missing $.media": 1}
    await store.add([], [stats(minute=MINUTE, requests=10, mismatch=2, fields=fields)])
    other = RedisDivergenceStore(redis_server.url, store.prefix)  # another proxy of the fleet
    try:
        await other.add([], [stats(minute=MINUTE, requests=5, fields={"value $.price": 1})])
    finally:
        await other.close()
    await store.add([], [stats("cart", minute=MINUTE - 1, error=1)])
    assert await store.stats(MINUTE - 1) == [
        stats("cart", minute=MINUTE - 1, error=1),
        stats(
            minute=MINUTE,
            requests=15,
            mismatch=2,
            fields={"value $.price": 3, "missing $.media": 1},
        ),
    ]


async def test_totals_over_hours_equal_the_sum_of_the_minutes(store: RedisDivergenceStore) -> None:
    # three hours and a ragged start: read from hour hashes and minute hashes alike
    minutes = [MINUTE - 200 + 7 * i for i in range(29)]
    await store.add(
        [],
        [
            stats(minute=m, requests=i + 1, mismatch=i % 3, fields={f"value $.f{i % 4}": 1})
            for i, m in enumerate(minutes)
        ]
        + [stats("cart", minute=m, requests=2) for m in minutes[::5]],
    )
    since = MINUTE - 150  # not on an hour boundary
    per_minute = [s for s in await store.stats(since)]
    expected: dict[str, MinuteStats] = {}
    for row in per_minute:
        start = dataclasses.replace(row, minute=since)
        expected[row.route_id] = (
            expected[row.route_id].plus(row) if row.route_id in expected else start
        )
    assert {s.route_id: s for s in await store.totals(since)} == expected
    assert await store.totals(since, "cart") == [expected["cart"]]


async def test_count_hashes_expire_after_the_age_limit(
    store: RedisDivergenceStore, redis_server: Redis
) -> None:
    await store.add([], [stats(minute=MINUTE, requests=1)])
    with redis_server.client() as client:
        minute_ttl = client.ttl(store.minute_key(MINUTE))
        hour_ttl = client.ttl(store.hour_key(MINUTE // 60))
    assert 0 < minute_ttl <= store.max_age_s + 120
    assert minute_ttl <= hour_ttl <= store.max_age_s + 2 * 3600


async def test_the_stream_is_capped_and_references_follow(redis_server: Redis) -> None:
    store = RedisDivergenceStore(redis_server.url, f"test:{uuid.uuid4().hex}", maxlen=10)
    try:
        for batch in range(5):
            await store.add(
                [record("product" if i % 2 else "cart", at=NOW, request_id=f"{batch}-{i}")
                 for i in range(10)],
                [],
            )  # fmt: skip
        await store.prune(time.time())
        with redis_server.client() as client:
            assert client.xlen(store.records_key) == 10
            assert client.xlen(store.route_key("product")) == 5
        newest = await store.recent(limit=100)
        assert [r.request_id for r in newest] == [f"4-{i}" for i in range(9, -1, -1)]
        assert [r.request_id for r in await store.recent("cart", limit=100)] == [
            "4-8", "4-6", "4-4", "4-2", "4-0",
        ]  # fmt: skip
    finally:
        await store.close()


async def test_a_reference_to_a_trimmed_record_is_skipped(redis_server: Redis) -> None:
    store = RedisDivergenceStore(redis_server.url, f"test:{uuid.uuid4().hex}", maxlen=3)
    try:
        await store.add([record("rare", at=NOW, request_id="rare")], [])
        for i in range(6):  # XADD MAXLEN ~ may keep more: trim exactly by hand, not by prune()
            await store.add([record("busy", at=NOW, request_id=f"b{i}")], [])
        with redis_server.client() as client:
            client.xtrim(store.records_key, maxlen=3, approximate=False)
            assert client.xlen(store.route_key("rare")) == 1  # the reference is still there
        assert await store.recent("rare") == []
    finally:
        await store.close()


async def test_prune_by_age_drops_old_examples(store: RedisDivergenceStore) -> None:
    await store.add([record(at=NOW, request_id=f"r{i}") for i in range(4)], [])
    assert await store.prune(time.time()) == 0  # nothing is a week old
    assert await store.prune(time.time() + store.max_age_s + 60) == 4
    assert await store.recent() == []
    assert await store.recent("product") == []


async def test_add_prunes_by_itself(redis_server: Redis) -> None:
    store = RedisDivergenceStore(
        redis_server.url,
        f"test:{uuid.uuid4().hex}",
        max_age_s=60,
        clock=lambda: time.time() + DAY_S,  # every example is a day past the age limit
    )
    try:
        for i in range(60):
            await store.add([record(at=NOW, request_id=f"r{i}")], [])
        assert await store.recent() == []
    finally:
        await store.close()
