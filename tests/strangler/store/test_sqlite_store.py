"""SqliteDivergenceStore on a real file: round trips, paging, upsert-add counts, retention."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from strangler.errors import SettingsError
from strangler.store import DivergenceRecord, DivergenceStore, MinuteStats, Side
from strangler.store.open import DEFAULT_URL, open_divergence_store
from strangler.store.redis import RedisDivergenceStore
from strangler.store.sqlite import SqliteDivergenceStore, recent_sql

NOW = 1_700_000_000.0
MINUTE = int(NOW // 60)


def side(body: str = '{"sku":"24-MB01","price":34}', status: int = 200) -> Side:
    return Side(status, {"content-type": "application/json"}, body, elapsed_ms=3.5)


def record(
    route_id: str = "product", at: float = NOW, request_id: str = "req-1", **changes: Any
) -> DivergenceRecord:
    """A realistic example: legacy and new disagree on the price."""
    base = DivergenceRecord(
        at=at,
        route_id=route_id,
        request_id=request_id,
        method="GET",
        path="/rest/V1/products/24-MB01",
        request_headers={"accept": "application/json", "authorization": "[redacted]"},
        request_body="",
        legacy=side(),
        new=side('{"sku":"24-MB01","price":34.5}'),
        outcome="mismatch",
        differences=({"kind": "value", "path": "$.price", "legacy": 34, "new": 34.5},),
        ignored=({"kind": "value", "path": "$.updated_at", "legacy": "a", "new": "b"},),
    )
    return dataclasses.replace(base, **changes)


def stats(route_id: str = "product", minute: int = MINUTE, **counts: Any) -> MinuteStats:
    return MinuteStats(route_id, minute, **counts)


def without_id(r: DivergenceRecord) -> DivergenceRecord:
    return dataclasses.replace(r, id="")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteDivergenceStore]:
    s = SqliteDivergenceStore(str(tmp_path / "div.db"), clock=lambda: NOW)
    yield s
    await s.close()


async def test_a_record_round_trips_under_the_id_the_store_gave_it(
    store: SqliteDivergenceStore,
) -> None:
    original = record(request_body='{"qty": 1}', new=side("<html>oops</html>", status=500))
    await store.add([original], [])
    [stored] = await store.recent()
    assert stored.id != ""
    assert without_id(stored) == original
    assert await store.get(stored.id) == stored


@pytest.mark.parametrize("record_id", ["999", "abc", "", "-1", "1; DROP TABLE records", "9" * 40])
async def test_get_of_an_unknown_or_malformed_id_is_none(
    store: SqliteDivergenceStore, record_id: str
) -> None:
    await store.add([record()], [])
    assert await store.get(record_id) is None


async def recent_is_newest_first_filtered_and_paged(store: DivergenceStore, start: float) -> None:
    """The contract of `recent()`, checked on every store implementation."""
    batch = [
        record("product" if i % 2 else "cart", at=start + i, request_id=f"r{i}") for i in range(10)
    ]
    await store.add(batch[:5], [])
    await store.add(batch[5:], [])
    newest = await store.recent(limit=3)
    assert [r.request_id for r in newest] == ["r9", "r8", "r7"]
    products = await store.recent("product")
    assert [r.request_id for r in products] == ["r9", "r7", "r5", "r3", "r1"]
    page2 = await store.recent("product", limit=2, before_id=products[1].id)
    assert [r.request_id for r in page2] == ["r5", "r3"]
    recent_carts = await store.recent("cart", since=start + 5)
    assert [r.request_id for r in recent_carts] == ["r8", "r6"]
    assert await store.recent("nope") == []
    assert await store.recent(before_id="garbage") == []


async def test_recent_is_newest_first_filtered_and_paged(store: SqliteDivergenceStore) -> None:
    await recent_is_newest_first_filtered_and_paged(store, NOW)


async def test_counts_add_up_across_batches_and_stores(
    store: SqliteDivergenceStore, tmp_path: Path
) -> None:
    fields = {"value $.price": 2, "missing $.media": 1}
    await store.add([], [stats(requests=10, shadowed=4, match=2, mismatch=2, fields=fields)])
    other = SqliteDivergenceStore(str(tmp_path / "div.db"))  # a second proxy on the same file
    try:
        await other.add(
            [], [stats(requests=5, mismatch=1, not_kept=3, fields={"value $.price": 1})]
        )
    finally:
        await other.close()
    await store.add([], [stats(minute=MINUTE + 1, requests=7), stats("cart", error=1)])
    rows = await store.stats(MINUTE)
    assert rows == [
        stats("cart", error=1),
        stats(
            requests=15,
            shadowed=4,
            match=2,
            mismatch=3,
            not_kept=3,
            fields={"value $.price": 3, "missing $.media": 1},
        ),
        stats(minute=MINUTE + 1, requests=7),
    ]
    assert await store.stats(MINUTE + 1) == [stats(minute=MINUTE + 1, requests=7)]


async def test_totals_sum_minutes_per_route(store: SqliteDivergenceStore) -> None:
    await store.add(
        [],
        [
            stats(minute=MINUTE - 10, requests=100, fields={"value $.price": 9}),
            stats(minute=MINUTE - 1, requests=3, mismatch=1, fields={"value $.price": 1}),
            stats(minute=MINUTE, requests=4, match=2, fields={"type $.qty": 2}),
            stats("cart", minute=MINUTE, requests=1),
        ],
    )
    assert await store.totals(MINUTE - 1) == [
        stats("cart", minute=MINUTE - 1, requests=1),
        stats(
            minute=MINUTE - 1,
            requests=7,
            mismatch=1,
            match=2,
            fields={"value $.price": 1, "type $.qty": 2},
        ),
    ]
    [only] = await store.totals(MINUTE - 10, "product")
    assert only.requests == 107 and only.fields == {"value $.price": 10, "type $.qty": 2}


async def test_a_batch_is_one_transaction(store: SqliteDivergenceStore) -> None:
    await store.add([record()], [stats(requests=1)])
    broken = stats(requests=5, fields={"value $.x": None})  # NOT NULL fails mid-batch
    with pytest.raises(sqlite3.IntegrityError):
        await store.add([record(request_id="lost")], [broken])
    assert [r.request_id for r in await store.recent()] == ["req-1"]
    assert [s.requests for s in await store.stats(0)] == [1]


async def test_prune_keeps_the_newest_max_records(tmp_path: Path) -> None:
    store = SqliteDivergenceStore(str(tmp_path / "d.db"), max_records=10_000, clock=lambda: NOW)
    try:
        await store.add([record(request_id=f"r{i}", at=NOW - 25 + i) for i in range(25)], [])
        store.max_records = 10
        assert await store.prune(NOW) == 15
        kept = await store.recent(limit=100)
        assert [r.request_id for r in kept] == [f"r{i}" for i in range(24, 14, -1)]
        assert await store.prune(NOW) == 0
    finally:
        await store.close()


async def test_prune_drops_examples_and_counts_past_the_age_limit(tmp_path: Path) -> None:
    store = SqliteDivergenceStore(str(tmp_path / "d.db"), max_age_s=3600, clock=lambda: NOW)
    try:
        await store.add(
            [record(request_id="old", at=NOW - 3601), record(request_id="new", at=NOW - 3599)],
            [stats(minute=MINUTE - 61, requests=1), stats(minute=MINUTE - 59, requests=2)],
        )
        assert await store.prune(NOW) == 1
        assert [r.request_id for r in await store.recent()] == ["new"]
        assert [(s.minute, s.requests) for s in await store.stats(0)] == [(MINUTE - 59, 2)]
    finally:
        await store.close()


async def test_add_prunes_by_itself_so_the_file_stays_bounded(tmp_path: Path) -> None:
    store = SqliteDivergenceStore(str(tmp_path / "d.db"), max_records=100, clock=lambda: NOW)
    try:
        for batch in range(30):  # 300 examples, one add per "flush", never a prune() call
            await store.add([record(request_id=f"{batch}-{i}") for i in range(10)], [])
        assert await store.count() <= 100
        assert (await store.recent(limit=1))[0].request_id == "29-9"
    finally:
        await store.close()


async def test_ids_are_never_reused_after_pruning(tmp_path: Path) -> None:
    store = SqliteDivergenceStore(str(tmp_path / "d.db"), max_records=10_000, clock=lambda: NOW)
    try:
        await store.add([record(request_id="a"), record(request_id="b")], [])
        [b, a] = await store.recent()
        store.max_records = 0
        await store.prune(NOW)
        store.max_records = 10_000
        await store.add([record(request_id="c")], [])
        [c] = await store.recent()
        assert int(c.id) > int(b.id) > int(a.id)
        assert await store.get(b.id) is None  # an old link finds nothing, never another record
    finally:
        await store.close()


async def test_a_new_instance_reads_what_an_old_one_wrote(tmp_path: Path) -> None:
    path = str(tmp_path / "d.db")
    before = SqliteDivergenceStore(path)
    await before.add([record()], [stats(requests=3)])
    await before.close()
    after = SqliteDivergenceStore(path)
    try:
        [found] = await after.recent()
        assert without_id(found) == record()
        assert [s.requests for s in await after.totals(0)] == [3]
    finally:
        await after.close()


async def test_reads_and_writes_interleave_without_losing_anything(
    store: SqliteDivergenceStore,
) -> None:
    async def write(n: int) -> None:
        await store.add([record(request_id=f"w{n}")], [stats(requests=1)])

    async def read() -> None:
        await store.recent("product")
        await store.totals(0)

    await asyncio.gather(*(write(n) for n in range(40)), *(read() for _ in range(40)))
    assert await store.count() == 40
    [total] = await store.totals(0)
    assert total.requests == 40


def test_the_file_runs_in_wal_mode(tmp_path: Path) -> None:
    async def touch() -> None:
        store = SqliteDivergenceStore(str(tmp_path / "w.db"))
        await store.add([record()], [])
        await store.close()

    asyncio.run(touch())
    with sqlite3.connect(tmp_path / "w.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    ("by_route", "before", "plan"),
    [
        pytest.param(False, False, "SCAN records", id="newest-walks-the-rowid"),
        pytest.param(False, True, "USING INTEGER PRIMARY KEY", id="page-seeks-the-rowid"),
        pytest.param(True, False, "USING INDEX records_route", id="route-uses-its-index"),
        pytest.param(True, True, "USING INDEX records_route", id="route-page-uses-its-index"),
    ],
)
def test_dashboard_queries_use_indexes_and_never_sort(
    tmp_path: Path, by_route: bool, before: bool, plan: str
) -> None:
    asyncio.run(_create(tmp_path / "q.db"))
    args = [0.0, *(["product"] if by_route else []), *([5] if before else []), 50]
    with sqlite3.connect(tmp_path / "q.db") as conn:
        steps = conn.execute("EXPLAIN QUERY PLAN " + recent_sql(by_route, before), args)
        details = " | ".join(row[3] for row in steps)
    assert plan in details
    assert "TEMP B-TREE" not in details  # no sort of the examples


async def _create(path: Path) -> None:
    store = SqliteDivergenceStore(str(path))
    await store.add([], [stats(requests=1)])
    await store.close()


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        pytest.param("sqlite:///strangler-divergences.db", SqliteDivergenceStore, id="relative"),
        pytest.param("sqlite:////var/lib/strangler/d.db", SqliteDivergenceStore, id="absolute"),
        pytest.param("redis://127.0.0.1:6379/0", RedisDivergenceStore, id="redis"),
        pytest.param("rediss://:pw@cache.internal:6380/2", RedisDivergenceStore, id="redis-tls"),
    ],
)
async def test_open_picks_the_store_by_scheme(url: str, kind: type) -> None:
    store = open_divergence_store(url)  # nothing connects until first use
    assert isinstance(store, kind)
    await store.close()


def test_the_default_url_is_a_sqlite_file() -> None:
    assert DEFAULT_URL == "sqlite:///strangler-divergences.db"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("sqlite:///", "sqlite URL has no file path", id="no-path"),
        pytest.param("postgres://u:hunter2@db/x", "got scheme 'postgres'", id="unknown-scheme"),
        pytest.param("divergences.db", "got scheme 'divergences.db'", id="bare-path"),
    ],
)
def test_open_refuses_what_it_cannot_open_naming_the_variable(url: str, message: str) -> None:
    with pytest.raises(SettingsError, match="STRANGLER_DIVERGENCES") as caught:
        open_divergence_store(url)
    assert message in str(caught.value)
    assert "hunter2" not in str(caught.value)  # a URL's password is never echoed
