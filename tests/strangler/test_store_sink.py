"""StoreSink: counts for every result, capped/sampled/bounded examples, redaction before storage.

The store under the sink is real: a SqliteDivergenceStore on a temporary file (every stored
byte is read back and searched for the secrets the results carried), or `ListStore`, a
list-backed implementation of the same protocol for counting `add` calls and failing on demand.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import time
import zlib
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from strangler.compare import Difference, Divergence, Kind, Outcome
from strangler.model import Observed
from strangler.sinks import ShadowResult
from strangler.sinks.store import StoreSink
from strangler.store import DivergenceRecord, MinuteStats
from strangler.store.sqlite import SqliteDivergenceStore
from tests.strangler.conftest import routes_yaml

NOW = 1_700_000_040.0  # the start of a minute
MINUTE = int(NOW // 60)
DEADLINE_S = 10.0

# -- the secrets, and results that carry them everywhere a sink could store them ---------------

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiYWRtaW4iOnRydWV9.c2lnbmF0dXJlLXNlY3JldA"
MAGENTO_TOKEN = "q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2"
SESSION = "sess-9f8e7d6c5b4a39281706"
PASSWORD = "Hunter2-Correct-Horse"
EMAIL = "jane.doe@example.com"
PHONE = "+1 555 229 3326"
STREET = "742 Evergreen Terrace"
SECRETS = {
    "jwt": JWT,
    "jwt-signature": "c2lnbmF0dXJlLXNlY3JldA",
    "magento-token": MAGENTO_TOKEN,
    "session": SESSION,
    "password": PASSWORD,
    "email": EMAIL,
    "email-local-part": "jane.doe",
    "email-url-encoded": "jane.doe%40example.com",
    "phone": PHONE,
    "phone-digits": "229 3326",
    "street": STREET,
}

CUSTOMER = (
    f'{{"id":7,"email":"{EMAIL}","firstname":"Jane","addresses":[{{"street":["{STREET}"],'
    f'"telephone":"{PHONE}","city":"Springfield"}}],"note":"call {PHONE} or mail {EMAIL}"}}'
)


def observed(
    body: str | bytes, status: int = 200, headers: dict[str, str] | None = None
) -> Observed:
    raw = body.encode() if isinstance(body, str) else body
    answer_headers = {"content-type": "application/json", **(headers or {})}
    return Observed(status, answer_headers, raw, elapsed_ms=4.0)


def divergence(*differences: Difference, ignored: Sequence[Difference] = ()) -> Divergence:
    return Divergence(Outcome.MISMATCH, tuple(differences), ignored=tuple(ignored))


def result(outcome: str = "mismatch", route_id: str = "customer", **changes: Any) -> ShadowResult:
    """A shadowed `GET /rest/V1/customers/me` whose every part holds a secret."""
    base = ShadowResult(
        route_id=route_id,
        request_id="req-1",
        method="PUT",
        path=f"/rest/V1/customers/me?token={MAGENTO_TOKEN}&email=jane.doe%40example.com&x=1",
        outcome=outcome,
        divergence=divergence(
            Difference(Kind.VALUE, "$.email", EMAIL, EMAIL.upper()),
            Difference(Kind.VALUE, "$.addresses[0].street", [STREET], ["742 Evergreen Tce"]),
            Difference(Kind.VALUE, "$.password_hash", PASSWORD, "x"),
            Difference(Kind.HEADER, "header:set-cookie", f"PHPSESSID={SESSION}", None),
            Difference(Kind.VALUE, f"$.by_mail.{EMAIL}", 1, 2),
            Difference(Kind.VALUE, "$.note", f"call {PHONE}", "call later"),
        )
        if outcome == "mismatch"
        else None,
        reason="new timeout" if outcome == "error" else None,
        request_headers=(
            ("Authorization", f"Bearer {MAGENTO_TOKEN}"),
            ("Cookie", f"PHPSESSID={SESSION}; mage-cache=1"),
            ("X-Forwarded-For", "10.0.0.1"),
            ("Referer", f"https://shop.example/account?email={EMAIL}&jwt={JWT}"),
        ),
        request_body=f'{{"customer":{CUSTOMER},"password":"{PASSWORD}"}}'.encode(),
        legacy=observed(CUSTOMER, headers={"set-cookie": f"PHPSESSID={SESSION}; HttpOnly"}),
        new=observed(
            CUSTOMER.replace("Jane", "JANE"),
            headers={"x-debug-token": JWT, "location": f"/u/{EMAIL}"},
        ),
    )
    return dataclasses.replace(base, **changes)


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class ListStore:
    """A real DivergenceStore in a list: counts `add` calls, fails on demand."""

    def __init__(self) -> None:
        self.adds: list[tuple[list[DivergenceRecord], list[MinuteStats]]] = []
        self.failing = False

    async def add(self, records: Sequence[DivergenceRecord], stats: Sequence[MinuteStats]) -> None:
        if self.failing:
            raise ConnectionError("store is down")
        self.adds.append((list(records), list(stats)))

    @property
    def records(self) -> list[DivergenceRecord]:
        return [r for records, _ in self.adds for r in records]

    def summed(self) -> dict[str, MinuteStats]:
        out: dict[str, MinuteStats] = {}
        for _, rows in self.adds:
            for row in rows:
                seen = out.get(row.route_id)
                out[row.route_id] = row if seen is None else seen.plus(row)
        return out

    async def recent(self, route_id: str | None = None, **_: Any) -> list[DivergenceRecord]:
        return [r for r in self.records if route_id in (None, r.route_id)][::-1]

    async def get(self, record_id: str) -> DivergenceRecord | None:
        return None

    async def stats(self, since_minute: int) -> list[MinuteStats]:
        return [s for _, rows in self.adds for s in rows if s.minute >= since_minute]

    async def totals(self, since_minute: int, route_id: str | None = None) -> list[MinuteStats]:
        return [s for s in self.summed().values() if route_id in (None, s.route_id)]

    async def prune(self, now: float) -> int:
        return 0

    async def close(self) -> None:
        pass


def sink_on(store: Any, clock: Clock | None = None, **options: Any) -> StoreSink:
    return StoreSink(store, clock=clock or Clock(), registry=CollectorRegistry(), **options)


def counter(sink: StoreSink, name: str, **labels: str) -> float:
    return sink.metrics.registry.get_sample_value(name, labels) or 0.0


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteDivergenceStore]:
    store = SqliteDivergenceStore(str(tmp_path / "div.db"), clock=lambda: NOW)
    yield store
    await store.close()


def stored_text(path: Path) -> str:
    """Every value in every table of the file (compressed documents decompressed)."""
    parts: list[str] = []
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                for value in row:
                    if isinstance(value, bytes):
                        value = zlib.decompress(value).decode()
                    parts.append(str(value))
    return "\n".join(parts)


# -- redaction ---------------------------------------------------------------------------------


async def test_no_secret_reaches_the_store(
    sqlite_store: SqliteDivergenceStore, tmp_path: Path
) -> None:
    sink = sink_on(sqlite_store, body_limit=4096)
    sink.record(result())
    sink.record(result("error", legacy=observed(CUSTOMER), new=None))
    sink.record(result("error", request_id="req-3", legacy=None, new=None))
    assert await sink.flush() == 3
    await sqlite_store.close()  # checkpoint: everything is in the main file
    text = stored_text(tmp_path / "div.db")
    assert "req-3" in text and "/rest/V1/customers/me" in text  # the scan reads it all
    leaked = {name for name, secret in SECRETS.items() if secret.lower() in text.lower()}
    assert not leaked, f"stored unredacted: {sorted(leaked)}"


async def test_a_secret_straddling_the_cut_is_redacted_then_cut(
    sqlite_store: SqliteDivergenceStore, tmp_path: Path
) -> None:
    limit = 200
    for offset in range(-12, 4):  # the e-mail (or the password pair) crosses the limit
        filler = "x" * (limit + offset)
        body = f'{{"blob":"{filler}","contact":"{EMAIL}","password":"{PASSWORD}","more":1}}'
        sink = sink_on(sqlite_store, body_limit=limit)
        sink.record(result(legacy=observed(body + " " * 5000), request_body=body.encode()))
        await sink.flush()
    await sqlite_store.close()
    text = stored_text(tmp_path / "div.db")
    leaked = {name for name, secret in SECRETS.items() if secret.lower() in text.lower()}
    assert not leaked, f"stored unredacted: {sorted(leaked)}"


async def test_values_inside_differences_are_redacted_by_their_key() -> None:
    store = ListStore()
    sink = sink_on(store)
    sink.record(result())
    await sink.flush()
    [stored] = store.records
    by_path = {d["path"]: d for d in stored.differences}
    assert by_path["$.password_hash"]["legacy"] == "[redacted]"
    assert by_path["$.addresses[0].street"]["legacy"] == "[redacted]"
    assert by_path["$.email"]["new"] == "[redacted]"
    assert by_path["header:set-cookie"]["legacy"] == "[redacted]"
    assert by_path["$.note"]["new"] == "call later"  # nothing secret stays as it was
    assert stored.request_headers["x-forwarded-for"] == "10.0.0.1"
    assert stored.path.startswith("/rest/V1/customers/me?token=[redacted]")
    assert stored.path.endswith("&x=1")


async def test_a_keyed_custom_attribute_value_is_redacted_by_its_code() -> None:
    """`[attribute_code=telephone].value` holds a phone number even as bare digits."""
    store = ListStore()
    sink = sink_on(store)
    path = "$.custom_attributes[attribute_code=telephone].value"
    found = divergence(Difference(Kind.VALUE, path, "5552293326", "5552293327", note="n"))
    sink.record(result(divergence=found))
    await sink.flush()
    [stored] = store.records
    [difference] = stored.differences
    assert (difference["legacy"], difference["new"], difference["note"]) == (
        "[redacted]",
        "[redacted]",
        "n",
    )


async def test_bodies_are_cut_to_the_limit_and_marked() -> None:
    store = ListStore()
    sink = sink_on(store, body_limit=64)
    big = '{"items":[' + ",".join(f'{{"sku":"S{i}","qty":{i}}}' for i in range(500)) + "]}"
    sink.record(result(legacy=observed(big), new=observed('{"items":[]}')))
    assert all(len(p.result.legacy.body) <= 64 + 256 for p in sink.queue if p.result.legacy)
    await sink.flush()
    [stored] = store.records
    assert len(stored.legacy.body) == 64 and stored.legacy.truncated
    assert stored.legacy.body == big[:64]
    assert stored.new.body == '{"items":[]}' and not stored.new.truncated


async def test_a_non_json_body_is_kept_as_redacted_text() -> None:
    store = ListStore()
    sink = sink_on(store)
    page = f"<html><body>Contact {EMAIL}</body></html>".encode()
    sink.record(result(legacy=observed(page, 500), new=observed(b"\xff\xfe binary")))
    await sink.flush()
    [stored] = store.records
    assert stored.legacy.body == "<html><body>Contact [redacted]</body></html>"
    assert stored.legacy.status == 500
    assert stored.new.body == "\ufffd\ufffd binary"


# -- counting ----------------------------------------------------------------------------------


async def test_every_result_is_counted_per_route_and_minute() -> None:
    store = ListStore()
    clock = Clock()
    sink = sink_on(store, clock)
    for _ in range(3):
        sink.count_request("product")
    sink.record(result("match", route_id="product"))
    price = Difference(Kind.VALUE, "$.items[3].price", 1, 2)
    sink.record(
        result(
            route_id="product",
            divergence=divergence(
                price,
                dataclasses.replace(price, path="$.items[12].price"),
                ignored=[Difference(Kind.VALUE, "$.updated_at", "a", "b")],
            ),
            noise=("$.updated_at",),
        )
    )
    sink.record(result("error", route_id="product"))
    sink.record(result("dropped", route_id="product", legacy=None, new=None))
    sink.record(result("skipped", route_id="product", legacy=None, new=None))
    clock.now += 60
    sink.count_request("product")
    await sink.flush()
    [(_, rows)] = store.adds
    by_minute = {row.minute: row for row in rows}
    assert by_minute[MINUTE] == MinuteStats(
        "product",
        MINUTE,
        requests=3,
        shadowed=3,
        match=1,
        mismatch=1,
        error=1,
        dropped=1,
        skipped=1,
        ignored=1,
        noise=1,
        kept=2,
        fields={"value $.items[*].price": 2},
    )
    assert by_minute[MINUTE + 1] == MinuteStats("product", MINUTE + 1, requests=1)


async def test_field_names_are_bounded_and_redacted() -> None:
    store = ListStore()
    sink = sink_on(store)
    many = [Difference(Kind.EXTRA, f"$.k{i}", None, i) for i in range(150)]
    sink.record(result(route_id="r", divergence=divergence(*many)))
    sink.record(result(route_id="r", divergence=divergence(
        Difference(Kind.VALUE, f"$.by_mail.{EMAIL}", 1, 2)
    )))  # fmt: skip
    await sink.flush()
    [row] = store.adds[0][1]
    assert len(row.fields) == 101  # 100 names and "other"
    assert row.fields["other (more fields)"] == 51
    assert not any("jane.doe" in name for name in row.fields)


async def test_live_stats_are_the_counts_not_flushed_yet() -> None:
    sink = sink_on(ListStore())
    sink.count_request("product")
    assert [(s.route_id, s.requests) for s in sink.live_stats()] == [("product", 1)]
    await sink.flush()
    assert sink.live_stats() == []


# -- keeping examples: cap, sample, queue ------------------------------------------------------


async def test_at_most_the_cap_per_route_and_minute_is_kept() -> None:
    store = ListStore()
    clock = Clock()
    sink = sink_on(store, clock, per_route_per_minute=3)
    for i in range(5):
        sink.record(result(request_id=f"a{i}"))
    sink.record(result(route_id="other", request_id="o"))
    clock.now += 60
    sink.record(result(request_id="next-minute"))
    await sink.flush()
    assert [r.request_id for r in store.records] == ["a0", "a1", "a2", "o", "next-minute"]
    totals = store.summed()
    assert (totals["customer"].kept, totals["customer"].not_kept) == (4, 2)
    assert (
        counter(sink, "strangler_divergences_not_kept_total", route="customer", reason="cap") == 2
    )
    assert counter(sink, "strangler_divergences_kept_total", route="customer") == 4


async def test_the_cap_holds_across_flushes_within_a_minute() -> None:
    store = ListStore()
    sink = sink_on(store, per_route_per_minute=2)
    for i in range(3):
        sink.record(result(request_id=f"r{i}"))
        await sink.flush()
    assert [r.request_id for r in store.records] == ["r0", "r1"]


async def test_a_sample_of_the_capped_examples_is_kept() -> None:
    store = ListStore()
    draws = iter([0.1, 0.9, 0.49, 0.5, 0.2])
    sink = sink_on(store, sample=0.5, rng=lambda: next(draws))
    for i in range(5):
        sink.record(result(request_id=f"r{i}"))
    sink.record(result("match"))  # matches draw nothing: never kept
    await sink.flush()
    assert [r.request_id for r in store.records] == ["r0", "r2", "r4"]
    assert (
        counter(sink, "strangler_divergences_not_kept_total", route="customer", reason="sample")
        == 2
    )


async def test_a_full_queue_drops_and_counts_without_blocking() -> None:
    store = ListStore()
    sink = sink_on(store, queue_max=2, per_route_per_minute=1000)
    for i in range(50):
        sink.record(result(request_id=f"r{i}"))  # synchronous: no flush can run in between
    assert len(sink.queue) == 2
    assert (
        counter(sink, "strangler_divergences_not_kept_total", route="customer", reason="queue_full")
        == 48
    )
    await sink.flush()
    assert [r.request_id for r in store.records] == ["r0", "r1"]
    assert store.summed()["customer"].not_kept == 48


@pytest.mark.parametrize("sample", [-0.1, 1.5])
def test_a_sample_outside_0_1_is_refused(sample: float) -> None:
    with pytest.raises(ValueError, match="sample"):
        sink_on(ListStore(), sample=sample)


# -- flushing ----------------------------------------------------------------------------------


async def test_a_flush_is_one_add_with_everything() -> None:
    store = ListStore()
    sink = sink_on(store)
    for i in range(4):
        sink.record(result(request_id=f"r{i}", route_id=f"route-{i % 2}"))
        sink.count_request(f"route-{i % 2}")
    assert store.adds == []  # record() never touches the store
    assert await sink.flush() == 4
    [(records, rows)] = store.adds
    assert len(records) == 4 and {r.route_id for r in rows} == {"route-0", "route-1"}
    assert await sink.flush() == 0 and len(store.adds) == 1  # nothing new: no call


async def test_a_failing_store_keeps_the_counts_and_loses_the_examples() -> None:
    store = ListStore()
    sink = sink_on(store)
    sink.record(result())
    sink.count_request("customer")
    store.failing = True
    assert await sink.flush() == 0
    assert counter(sink, "strangler_divergence_flush_failures_total") == 1
    store.failing = False
    await sink.flush()
    assert store.records == []
    assert store.summed()["customer"].requests == 1
    assert store.summed()["customer"].mismatch == 1


async def test_run_flushes_in_the_background(sqlite_store: SqliteDivergenceStore) -> None:
    sink = sink_on(sqlite_store, flush_interval_s=0.01)
    task = asyncio.create_task(sink.run())
    try:
        sink.record(result())
        await eventually(lambda: not sink.queue, "the queue being taken")
        give_up = time.monotonic() + DEADLINE_S
        while not await sqlite_store.recent():
            assert time.monotonic() < give_up, "run() never wrote the example"
            await asyncio.sleep(0.01)
    finally:
        task.cancel()


async def eventually(check: Callable[[], bool], what: str) -> None:
    give_up = time.monotonic() + DEADLINE_S
    while not check():
        if time.monotonic() > give_up:
            pytest.fail(f"{what} did not happen within {DEADLINE_S:.0f}s")
        await asyncio.sleep(0.01)


# -- through a real proxy ----------------------------------------------------------------------

SHADOW_ROUTE = """
- id: product
  match: {methods: [GET], path: "/rest/V1/products/{sku}"}
  new: new
  mode: shadow
"""


async def test_a_real_proxy_counts_traffic_and_stores_redacted_mismatches(
    make_backend: Any, make_proxy: Any, tmp_path: Path
) -> None:
    legacy = await make_backend(
        "legacy", body=f'{{"sku":"a","price":34,"email":"{EMAIL}"}}'.encode()
    )
    new = await make_backend("new", body=b'{"sku":"a","price":35}')
    proxy = await make_proxy(routes_yaml({"legacy": legacy.url, "new": new.url}, SHADOW_ROUTE))
    store = SqliteDivergenceStore(str(tmp_path / "div.db"))
    sink = StoreSink(store, registry=proxy.metrics.registry)
    proxy.proxy.on_request = sink.count_request
    proxy.shadow.sink.sinks.append(sink)
    try:
        for _ in range(3):
            await proxy.client.get(
                "/rest/V1/products/a", headers={"Authorization": f"Bearer {JWT}"}
            )
        await proxy.client.get("/rest/V1/other")
        await proxy.drain()
        await sink.flush()
        totals = {row.route_id: row for row in await store.totals(0)}
        assert totals["product"].requests == 3 and totals["product"].mismatch == 3
        assert totals["default"].requests == 1
        assert totals["product"].fields == {"value $.price": 3, "missing $.email": 3}
        [example, *_] = await store.recent("product")
        assert example.request_headers["authorization"] == "[redacted]"
        assert EMAIL not in example.legacy.body and '"price":34' in example.legacy.body
        assert proxy.counter("strangler_divergences_kept_total", route="product") == 3
    finally:
        await store.close()
