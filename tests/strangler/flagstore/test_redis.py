"""RedisFlagStore on a private redis-server: atomic commits, no lost updates, a watch that heals."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.exceptions import ResponseError
from structlog.testing import capture_logs

from scripts.stack.servers import Redis, free_port
from strangler.flags import KILL_SWITCH, FlagState
from strangler.flagstore.open import open_store
from strangler.flagstore.redis import RedisFlagStore
from strangler.model import Mode
from tests.strangler.flagstore.test_sqlite import TABLE, eventually, flip, watching


@pytest.fixture
async def stores(redis_server: Redis) -> AsyncIterator[tuple[RedisFlagStore, RedisFlagStore]]:
    """Two stores (two proxies) on one fresh prefix of the session's Redis."""
    prefix = f"test:{uuid.uuid4().hex}"
    one = RedisFlagStore(redis_server.url, prefix, resync_s=0.2, backoff_s=(0.05, 0.2))
    two = RedisFlagStore(redis_server.url, prefix)
    yield one, two
    await one.close()
    await two.close()


async def test_commit_then_load_round_trips(stores: tuple[RedisFlagStore, RedisFlagStore]) -> None:
    store, _ = stores
    assert await store.load() == FlagState()
    state, record = flip(FlagState(), "product", Mode.NEW)
    await store.commit(state, record)
    state, record = flip(state, "cart-items", Mode.CANARY, 12.5, at=101.125)
    await store.commit(state, record)
    state, record = flip(state, KILL_SWITCH, Mode.LEGACY, at=102.0)
    await store.commit(state, record)
    assert await store.load() == state
    state, record = flip(state, "product", None, at=103.0)
    await store.commit(state, record)
    state, record = flip(state, KILL_SWITCH, None, at=104.0)
    await store.commit(state, record)
    assert await store.load() == state
    assert set(state.overrides) == {"cart-items"} and state.kill_switch is None


async def test_audit_is_newest_first_and_limited(
    stores: tuple[RedisFlagStore, RedisFlagStore],
) -> None:
    store, _ = stores
    state, records = FlagState(), []
    for i, mode in enumerate([Mode.NEW, Mode.LEGACY, Mode.SHADOW]):
        state, record = flip(state, "product", mode, at=100.0 + i / 3)
        await store.commit(state, record)
        records.append(record)
    assert await store.audit() == records[::-1]
    assert await store.audit(limit=1) == [records[-1]]


async def test_a_new_store_instance_reads_what_the_last_one_wrote(redis_server: Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex}"
    before = RedisFlagStore(redis_server.url, prefix)
    state, record = flip(FlagState(), "mine", Mode.CANARY, 5)
    await before.commit(state, record)
    await before.close()
    after = RedisFlagStore(redis_server.url, prefix)
    try:
        assert await after.load() == state
        assert await after.audit() == [record]
    finally:
        await after.close()


@pytest.mark.parametrize("broken", ["audit", "state"])
async def test_a_commit_that_cannot_write_both_writes_neither(
    stores: tuple[RedisFlagStore, RedisFlagStore], redis_server: Redis, broken: str
) -> None:
    store, _ = stores
    state, record = flip(FlagState(), "beta", Mode.LEGACY)
    await store.commit(state, record)
    key = store.audit_key if broken == "audit" else store.state_key
    with redis_server.client() as raw:
        saved = raw.dump(key)
        raw.delete(key)
        raw.set(key, "not what the script expects")  # a real WRONGTYPE for XADD / HSET
        wanted, failing = flip(state, "product", Mode.NEW, at=200.0)
        with pytest.raises(ResponseError, match="WRONGTYPE"):
            await store.commit(wanted, failing)
        assert raw.get(key) == b"not what the script expects"
        raw.delete(key)
        assert saved is not None
        raw.restore(key, 0, saved)
    assert await store.load() == state
    assert await store.audit() == [record]


async def test_concurrent_flippers_on_different_routes_both_land(
    stores: tuple[RedisFlagStore, RedisFlagStore],
) -> None:
    one, two = stores
    base = await one.load()  # both proxies plan from the same, soon stale, state
    routes = [r.id for r in TABLE.routes if r.new is not None]
    await asyncio.gather(
        *(
            (one, two)[i % 2].commit(*flip(base, route_id, Mode.LEGACY, actor=f"proxy-{i % 2}"))
            for i, route_id in enumerate(routes)
        )
    )
    assert set((await two.load()).overrides) == set(routes)
    assert {f.route_id for f in await one.audit()} == set(routes)


async def test_watch_delivers_a_flip_made_by_another_store(
    stores: tuple[RedisFlagStore, RedisFlagStore],
) -> None:
    watcher, other = stores
    async with watching(watcher) as seen:
        await eventually(lambda: bool(seen), "the initial delivery")
        state, record = flip(FlagState(), "beta", Mode.LEGACY, actor="bob")
        await other.commit(state, record)
        await eventually(lambda: bool(seen) and seen[-1] == state, "delivery of bob's flip")


async def test_a_change_without_a_notice_is_picked_up_by_the_resync(
    stores: tuple[RedisFlagStore, RedisFlagStore], redis_server: Redis
) -> None:
    watcher, other = stores  # watcher re-reads every 0.2 s
    state, record = flip(FlagState(), "beta", Mode.LEGACY)
    await other.commit(state, record)
    async with watching(watcher) as seen:
        await eventually(lambda: bool(seen) and seen[-1] == state, "the initial delivery")
        with redis_server.client() as raw:  # as if the PUBLISH had been lost
            raw.hdel(watcher.state_key, "beta")
        await eventually(lambda: seen[-1] == FlagState(), "the resync")


async def test_watch_survives_redis_going_away_and_coming_back(tmp_path: Path) -> None:
    port = free_port()
    server = Redis(tmp_path / "one", port).start()
    url = f"redis://127.0.0.1:{port}/0"
    watcher = RedisFlagStore(url, resync_s=0.2, backoff_s=(0.05, 0.2))
    other = RedisFlagStore(url)
    try:
        with capture_logs() as logs:
            async with watching(watcher) as seen:
                await eventually(lambda: bool(seen), "the initial delivery")
                server.stop()
                await eventually(
                    lambda: any(e["event"] == "flag_store_unreachable" for e in logs),
                    "the outage being logged",
                )
                assert await watcher.ping() is False
                server = Redis(tmp_path / "two", port).start()
                state, record = flip(FlagState(), "beta", Mode.LEGACY, actor="carol")
                await other.commit(state, record)
                await eventually(lambda: seen[-1] == state, "delivery after reconnecting")
        assert any(e["event"] == "flag_store_reconnected" for e in logs)
    finally:
        await watcher.close()
        await other.close()
        server.stop()


async def test_a_hand_written_bad_entry_is_skipped_and_logged(
    stores: tuple[RedisFlagStore, RedisFlagStore], redis_server: Redis
) -> None:
    store, _ = stores
    state, record = flip(FlagState(), "beta", Mode.LEGACY)
    await store.commit(state, record)
    with redis_server.client() as raw:
        raw.hset(store.state_key, "product", '{"mode": "sideways"}')
    with capture_logs() as logs:
        assert await store.load() == state
    assert [e["route"] for e in logs if e["event"] == "flag_entry_unreadable"] == ["product"]


async def test_ping(stores: tuple[RedisFlagStore, RedisFlagStore]) -> None:
    assert await stores[0].ping() is True
    unreachable = RedisFlagStore(f"redis://127.0.0.1:{free_port()}/0")
    try:
        assert await unreachable.ping() is False
    finally:
        await unreachable.close()


async def test_open_store_reads_redis_urls(redis_server: Redis) -> None:
    store = open_store(redis_server.url)
    try:
        assert isinstance(store, RedisFlagStore) and await store.ping() is True
        assert store.state_key == "strangler:flags:state"
    finally:
        await store.close()
