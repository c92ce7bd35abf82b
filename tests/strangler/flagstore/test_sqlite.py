"""SqliteFlagStore on a real file: round trip, audit order, restart, atomicity, watch, races."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from strangler import config, flags
from strangler.errors import SettingsError
from strangler.flags import FlagState, Flip
from strangler.flagstore import FlagStore
from strangler.flagstore.open import open_store
from strangler.flagstore.sqlite import SqliteFlagStore
from strangler.model import Mode
from tests.strangler.test_routing import ROUTES

TABLE = config.parse(ROUTES, source="routes.yaml", env={})
DEADLINE_S = 10.0


def flip(
    state: FlagState,
    route_id: str,
    mode: Mode | None,
    percent: float | None = None,
    *,
    actor: str = "alice",
    at: float = 100.0,
) -> tuple[FlagState, Flip]:
    """A real planned flip (validated against the test table) to hand to a store."""
    return flags.plan_flip(
        TABLE, state, route_id, mode, percent, actor=actor, reason=f"try {route_id}", at=at
    )


async def eventually(check: Callable[[], bool], what: str) -> None:
    """Poll until `check()` holds; fail naming `what` after a generous deadline."""
    give_up = time.monotonic() + DEADLINE_S
    while not check():
        if time.monotonic() > give_up:
            pytest.fail(f"{what} did not happen within {DEADLINE_S:.0f}s")
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def watching(store: FlagStore) -> AsyncIterator[list[FlagState]]:
    """Run `store.watch()` in a task; yields the list of states it delivered."""
    seen: list[FlagState] = []
    task = asyncio.create_task(store.watch(seen.append))
    try:
        yield seen
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "flags.db")


async def test_an_empty_store_has_no_flags(db: str) -> None:
    store = SqliteFlagStore(db)
    assert await store.load() == FlagState()
    assert await store.audit() == []


async def test_commit_then_load_round_trips_every_kind_of_entry(db: str) -> None:
    store = SqliteFlagStore(db)
    state, record = flip(FlagState(), "product", Mode.NEW)
    await store.commit(state, record)
    state, record = flip(state, "cart-items", Mode.CANARY, 25.5, at=101.25)
    await store.commit(state, record)
    state, record = flip(state, flags.KILL_SWITCH, Mode.LEGACY, at=102.0)
    await store.commit(state, record)
    loaded = await store.load()
    assert loaded == state
    assert loaded.overrides["cart-items"].percent == 25.5
    assert loaded.kill_switch is not None and loaded.kill_switch.actor == "alice"

    state, record = flip(state, "product", None, at=103.0)
    await store.commit(state, record)
    state, record = flip(state, flags.KILL_SWITCH, None, at=104.0)
    await store.commit(state, record)
    assert await store.load() == state
    assert set(state.overrides) == {"cart-items"} and state.kill_switch is None


async def test_audit_is_newest_first_and_limited(db: str) -> None:
    store = SqliteFlagStore(db)
    state = FlagState()
    records = []
    for i, mode in enumerate([Mode.NEW, Mode.LEGACY, Mode.SHADOW]):
        state, record = flip(state, "product", mode, at=100.0 + i)
        await store.commit(state, record)
        records.append(record)
    assert await store.audit() == records[::-1]
    assert await store.audit(limit=2) == records[:0:-1]
    assert records[1].from_mode == "new" and records[1].to_mode == "legacy"


async def test_flags_and_audit_survive_a_restart(db: str) -> None:
    before = SqliteFlagStore(db)
    state, record = flip(FlagState(), "mine", Mode.CANARY, 5)
    await before.commit(state, record)
    await before.close()

    after = SqliteFlagStore(db)
    assert await after.load() == state
    assert await after.audit() == [record]


async def test_the_file_runs_in_wal_mode(db: str) -> None:
    await SqliteFlagStore(db).load()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    "route_id", [pytest.param("product", id="route"), pytest.param("*", id="kill-switch")]
)
async def test_a_failed_audit_write_leaves_the_state_unchanged(db: str, route_id: str) -> None:
    store = SqliteFlagStore(db)
    state, record = flip(FlagState(), "beta", Mode.LEGACY)
    await store.commit(state, record)
    # A real failure inside the transaction, after the state row was written: the audit
    # insert is refused by the database itself.
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute(
            "CREATE TRIGGER audit_full BEFORE INSERT ON audit "
            "BEGIN SELECT RAISE(ABORT, 'audit log is full'); END"
        )
        conn.commit()
    mode = Mode.LEGACY if route_id == flags.KILL_SWITCH else Mode.NEW
    wanted, failing = flip(state, route_id, mode, at=200.0)
    with pytest.raises(sqlite3.IntegrityError, match="audit log is full"):
        await store.commit(wanted, failing)
    assert await store.load() == state
    assert await store.audit() == [record]


async def test_concurrent_flips_of_different_routes_both_land(db: str) -> None:
    one, two = SqliteFlagStore(db), SqliteFlagStore(db)
    base = await one.load()  # both plan from the same, soon stale, state
    routes = [r.id for r in TABLE.routes if r.new is not None]
    commits = [
        store.commit(*flip(base, route_id, Mode.LEGACY, actor=f"actor-{i}"))
        for i, route_id in enumerate(routes)
        for store in [(one, two)[i % 2]]
    ]
    await asyncio.gather(*commits)
    assert set((await one.load()).overrides) == set(routes)
    assert len(await two.audit()) == len(routes)


async def test_watch_delivers_a_commit_made_by_another_store(db: str) -> None:
    watcher = SqliteFlagStore(db, poll_interval_s=0.05)
    other = SqliteFlagStore(db)
    await other.load()  # create the file before the watcher opens it
    async with watching(watcher) as seen:
        await eventually(lambda: bool(seen), "the initial delivery")
        assert seen[0] == FlagState()
        state, record = flip(FlagState(), "beta", Mode.LEGACY, actor="bob")
        await other.commit(state, record)
        await eventually(lambda: seen[-1] == state, "delivery of bob's flip")


async def test_watch_keeps_going_when_the_callback_fails(db: str) -> None:
    watcher, other = SqliteFlagStore(db, poll_interval_s=0.05), SqliteFlagStore(db)
    seen: list[FlagState] = []

    def on_change(state: FlagState) -> None:
        seen.append(state)
        raise RuntimeError("callback broke")

    task = asyncio.create_task(watcher.watch(on_change))
    try:
        await eventually(lambda: len(seen) == 1, "the initial delivery")
        state, record = flip(FlagState(), "beta", Mode.LEGACY)
        await other.commit(state, record)
        await eventually(lambda: seen[-1] == state, "delivery after a failing callback")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_ping(tmp_path: Path) -> None:
    assert await SqliteFlagStore(str(tmp_path / "flags.db")).ping() is True
    assert await SqliteFlagStore(str(tmp_path / "missing" / "flags.db")).ping() is False


async def test_open_store_reads_sqlite_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///flags/relative.db")
    absolute = open_store(f"sqlite:///{tmp_path}/absolute.db")  # a fourth slash: absolute
    assert isinstance(relative, SqliteFlagStore) and isinstance(absolute, SqliteFlagStore)
    (tmp_path / "flags").mkdir()
    for store in (relative, absolute):
        state, record = flip(FlagState(), "beta", Mode.LEGACY)
        await store.commit(state, record)
    assert (tmp_path / "flags" / "relative.db").is_file()
    assert (tmp_path / "absolute.db").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("sqlite:///", "no file path", id="sqlite-without-path"),
        pytest.param("postgres://u:secret@db/flags", "got scheme 'postgres'", id="unknown"),
        pytest.param("flags.db", "got scheme 'flags.db'", id="bare-path"),
    ],
)
def test_open_store_refuses_what_it_cannot_open(url: str, message: str) -> None:
    with pytest.raises(SettingsError, match="STRANGLER_FLAGS") as refused:
        open_store(url)
    assert message in str(refused.value)
    assert "secret" not in str(refused.value)
