"""The dashboard's HTML (pure): hostile data stays text, differing paths are marked, numbers add up.

Pages are checked with a real HTML parser: the only elements are the ones the templates write,
no attribute is an event handler, and the one script is ours (the one the CSP hash allows).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from structlog.testing import capture_logs

from strangler import config, dashboard
from strangler.admin import make_admin_app
from strangler.dashboard import Marks, RouteRow
from strangler.flagstore.sqlite import SqliteFlagStore
from strangler.metrics import Metrics
from strangler.reload import reload_file
from strangler.runtime import Runtime
from strangler.settings import Settings
from strangler.sinks.store import StoreSink
from strangler.store import DivergenceRecord, MinuteStats, Side
from strangler.store.sqlite import SqliteDivergenceStore
from tests.strangler.test_admin import AUTH, ROUTES, TOKEN

NOW = 1_700_000_000.0
XSS = [
    "</script><script>window.__pwned=1</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(2)>",
    "<iframe srcdoc='<script>parent.__pwned=1</script>'>",
    "javascript:alert(3)",
]
HOSTILE = " ".join(XSS)
TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "a", "span", "label",
    "input", "main", "p", "table", "tr", "th", "td", "code", "b", "br", "div", "section", "pre",
    "mark", "script", "form", "button",
}  # fmt: skip


class Page(HTMLParser):
    """Every element and attribute of a page, and the text of its scripts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self.marked: list[str] = []
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        if tag in ("script", "mark"):
            self._in.append(tag)
            (self.scripts if tag == "script" else self.marked).append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "script" in self._in:
            self.scripts[-1] += data
        if "mark" in self._in:
            self.marked[-1] += data


def assert_inert(text: str) -> Page:
    page = Page(text)
    assert set(page.tags) <= TAGS, set(page.tags) - TAGS
    handlers = [(n, v) for n, v in page.attributes if n.startswith("on")]
    assert handlers == []
    assert page.scripts == [dashboard.SCRIPT]
    links = [v for n, v in page.attributes if n in ("href", "action", "src")]
    assert all(v.startswith(("/", "?")) for v in links), links
    return page


def side(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Side:
    answer_headers = {"content-type": "application/json", **(headers or {})}
    return Side(status, answer_headers, body, elapsed_ms=2.25)


def record(**changes: Any) -> DivergenceRecord:
    legacy = {"sku": "24-MB01", "price": 34, "items": [1, 2, 3], "name": "Joust Duffle Bag"}
    new = {"sku": "24-MB01", "price": 35, "items": [1, 2], "name": "Joust Duffle Bag", "extra": 1}
    base = DivergenceRecord(
        at=NOW,
        route_id="product",
        request_id="req-42",
        method="GET",
        path="/rest/V1/products/24-MB01",
        request_headers={"accept": "application/json"},
        request_body="",
        legacy=side(json.dumps(legacy)),
        new=side(json.dumps(new), headers={"x-served-by": "catalog"}),
        outcome="mismatch",
        differences=(
            {"kind": "value", "path": "$.price", "legacy": 34, "new": 35},
            {"kind": "length", "path": "$.items", "legacy": 3, "new": 2},
            {"kind": "extra", "path": "$.extra", "legacy": None, "new": 1},
            {"kind": "header", "path": "header:x-served-by", "legacy": None, "new": "catalog"},
        ),
        ignored=({"kind": "value", "path": "$.updated_at", "legacy": "a", "new": "b"},),
        id="17",
    )
    return dataclasses.replace(base, **changes)


def stats(route_id: str = "product", **counts: Any) -> MinuteStats:
    return MinuteStats(route_id, int(NOW // 60), **counts)


# -- hostile content ---------------------------------------------------------------------------


def hostile_record() -> DivergenceRecord:
    body = json.dumps({HOSTILE: HOSTILE, "list": [HOSTILE, {"k": HOSTILE}]})
    return record(
        route_id=HOSTILE,
        request_id=HOSTILE,
        method=HOSTILE,
        path=f"/rest/V1/products/{HOSTILE}?q={HOSTILE}",
        request_headers={HOSTILE: HOSTILE},
        request_body=HOSTILE,
        legacy=Side(500, {HOSTILE: HOSTILE}, f"<html>{HOSTILE}</html>", error=HOSTILE),
        new=side(body),
        differences=(
            {"kind": HOSTILE, "path": f"$.{HOSTILE}", "legacy": HOSTILE, "new": {HOSTILE: 1}},
            {"kind": "body", "path": "body", "legacy": 10, "new": 20},
        ),
        ignored=({"kind": "value", "path": HOSTILE, "legacy": HOSTILE, "new": None},),
        id=HOSTILE,
    )


def test_a_hostile_example_renders_as_text() -> None:
    text = dashboard.divergence_html(hostile_record())
    page = assert_inert(text)
    visible = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert XSS[0] in visible and XSS[1] in visible  # shown to the SRE, as text
    assert page.marked  # and still highlighted where it differs


def test_hostile_route_ids_and_fields_render_as_text() -> None:
    row = RouteRow(HOSTILE, HOSTILE, stats(HOSTILE, shadowed=2, match=1, fields={HOSTILE: 3}))
    assert_inert(dashboard.overview_html([row], "1h", NOW))
    records = [hostile_record()]
    assert_inert(
        dashboard.route_html(HOSTILE, row.stats, records, "1h", mode=HOSTILE, older=HOSTILE)
    )


def test_links_carry_hostile_ids_quoted() -> None:
    text = dashboard.route_html("a/b?c#d", stats(), [record(id="../../x?y")], "1h", older="9 9")
    hrefs = [v for n, v in Page(text).attributes if n == "href"]
    assert "/dashboard/divergences/..%2F..%2Fx%3Fy" in hrefs
    assert "/dashboard/routes/a%2Fb%3Fc%23d?window=1h&before=9%209" in hrefs


def test_the_login_form_escapes_where_it_goes_next() -> None:
    page = assert_inert(dashboard.login_html(f"/dashboard?x={HOSTILE}", failed=True))
    assert ("value", f"/dashboard?x={HOSTILE}") in page.attributes


def test_the_csp_allows_exactly_the_inline_script_and_style() -> None:
    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    csp = dashboard.HEADERS["Content-Security-Policy"]
    assert f"script-src 'sha256-{digest(dashboard.SCRIPT)}';" in csp
    assert f"style-src 'sha256-{digest(dashboard.STYLE)}';" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    page = dashboard.overview_html([], "1h", NOW)
    assert f"<script>{dashboard.SCRIPT}</script>" in page
    assert f"<style>{dashboard.STYLE}</style>" in page


# -- the side-by-side view ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"a": 1, "b": [1, {"c": None}], "d": {}, "e": [], "f": "x"}, id="nested"),
        pytest.param([], id="empty-list"),
        pytest.param("plain", id="string"),
        pytest.param({"unicode": "Größe ☂", "quote": 'a"b', "lt": "<b>"}, id="escapes"),
    ],
)
def test_json_lines_are_json_pretty_printed(value: Any) -> None:
    lines = dashboard.json_lines(value, Marks(frozenset(), frozenset()))
    assert html.unescape("\n".join(lines)) == json.dumps(value, indent=2, ensure_ascii=False)


def test_deep_json_is_cut_to_one_line_instead_of_recursing() -> None:
    value: Any = 1
    for _ in range(5000):
        value = [value]
    lines = list(dashboard.json_lines(value, Marks(frozenset(), frozenset())))
    assert len(lines) == 2 * dashboard.MAX_DEPTH + 1


def marked_lines(text: str, side_id: str) -> list[str]:
    section = text.split(f'id="{side_id}"', 1)[1].split("</section>", 1)[0]
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", section)]


def test_the_differing_paths_are_marked_on_each_side() -> None:
    text = dashboard.divergence_html(record())
    assert_inert(text)
    legacy, new = marked_lines(text, "legacy"), marked_lines(text, "new")
    assert [line.strip() for line in legacy] == ['"price": 34,', '"items": [']
    assert [line.strip() for line in new] == [
        "x-served-by",
        "<code>catalog</code>",
        '"price": 35,',
        '"items": [',
        '"extra": 1',
    ]


def test_a_changed_status_and_a_non_json_body_are_marked_whole() -> None:
    example = record(
        legacy=side("<html>Gateway Timeout</html>", 504),
        differences=(
            {"kind": "status", "path": "status", "legacy": 504, "new": 200},
            {"kind": "body", "path": "body", "legacy": 27, "new": 30},
        ),
    )
    text = dashboard.divergence_html(example)
    assert marked_lines(text, "legacy") == ["504", "<html>Gateway Timeout</html>"]


def test_the_differences_table_lists_every_difference_and_the_ignored_ones() -> None:
    text = dashboard.divergence_html(record())
    table = text.split("id=differences>", 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 5  # head + 4
    assert "<code>$.price</code></td><td><code>34</code></td><td><code>35</code>" in table
    assert "$.updated_at" in text.split("id=ignored", 1)[1]


def test_a_truncated_body_says_so() -> None:
    example = record(legacy=dataclasses.replace(record().legacy, body='{"cut', truncated=True))
    text = dashboard.divergence_html(example)
    assert "truncated" in text.split('id="legacy"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    ("path", "marked"),
    [
        pytest.param("$.price", True, id="the-path"),
        pytest.param("$.price.amount", True, id="below-it"),
        pytest.param("$.price[0]", True, id="an-element"),
        pytest.param("$.prices", False, id="a-longer-name"),
        pytest.param("$", False, id="above-it"),
    ],
)
def test_marks_cover_a_subtree(path: str, marked: bool) -> None:
    assert Marks.of([{"kind": "value", "path": "$.price"}]).marks(path, True) is marked


# -- numbers -----------------------------------------------------------------------------------


def test_the_overview_shows_each_routes_numbers() -> None:
    row = RouteRow(
        "product",
        "shadow",
        stats(
            requests=12345,
            shadowed=400,
            match=300,
            mismatch=90,
            error=10,
            dropped=7,
            ignored=40,
            noise=5,
            kept=30,
            not_kept=70,
            fields={"value $.price": 80, "missing $.media": 9, "extra $.x": 9, "type $.y": 1},
        ),
    )
    quiet = RouteRow("cart", "legacy", stats("cart", requests=3))
    text = dashboard.overview_html([row, quiet], "24h", NOW)
    assert_inert(text)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", text.split('data-route="product"', 1)[1])[:11]
    plain = [re.sub(r"<[^>]+>", "", c) for c in cells]
    assert plain[:10] == [
        "product", "shadow", "12,345", "400", "75.0%", "90", "10", "7", "40 (5)", "30 / 70",
    ]  # fmt: skip
    assert plain[10] == "value $.price ×80extra $.x ×9missing $.media ×9"
    cart = re.findall(r"<td[^>]*>(.*?)</td>", text.split('data-route="cart"', 1)[1])
    assert cart[4] == "—"  # no shadowed copy: no rate
    assert "2023-11-14 22:13:20 UTC" in text
    assert '<a href="/dashboard?window=24h" class=on>24h</a>' in text


def test_the_route_page_lists_examples_newest_first_with_a_link_each() -> None:
    records = [record(id="9", request_id="late"), record(id="3", request_id="early")]
    text = dashboard.route_html("product", stats(mismatch=2), records, "5m", mode="shadow")
    assert_inert(text)
    assert text.index("late") < text.index("early")
    assert '<a href="/dashboard/divergences/9">' in text
    assert "value $.price, length $.items, extra $.extra, (+1)" in text
    assert "id=older" not in text
    paged = dashboard.route_html("product", stats(), records, "5m", older="3")
    assert 'href="/dashboard/routes/product?window=5m&amp;before=3"' in paged


def test_merge_stats_sums_per_route() -> None:
    rows = [
        stats(requests=1, fields={"value $.a": 1}),
        stats("cart", error=2),
        stats(requests=2, mismatch=1, fields={"value $.a": 2, "extra $.b": 1}),
    ]
    merged = dashboard.merge_stats(rows)
    assert merged["product"] == stats(
        requests=3, mismatch=1, fields={"value $.a": 3, "extra $.b": 1}
    )
    assert merged["cart"] == stats("cart", error=2)


@pytest.mark.parametrize(
    ("window", "minutes"), [("5m", 5), ("1h", 60), ("24h", 1440), ("7d", None), ("", None)]
)
def test_window_names(window: str, minutes: int | None) -> None:
    assert dashboard.window_minutes(window) == minutes


# -- served by the admin app: sign-in, pages, JSON twins ---------------------------------------


@dataclasses.dataclass
class Served:
    client: Any
    store: SqliteDivergenceStore
    sink: StoreSink

    async def get(self, path: str, **kwargs: Any) -> tuple[int, str, Any]:
        async with self.client.get(path, allow_redirects=False, **kwargs) as response:
            return response.status, await response.text(), response


async def serve_admin(aiohttp_client: Any, tmp_path: Path, *, with_store: bool = True) -> Served:
    runtime = Runtime(config.parse(ROUTES, source="routes.yaml", env={}), loaded_at=NOW)
    store = SqliteDivergenceStore(str(tmp_path / "div.db"), clock=lambda: NOW)
    sink = StoreSink(store, clock=lambda: NOW, registry=CollectorRegistry())
    app = make_admin_app(
        runtime,
        SqliteFlagStore(str(tmp_path / "flags.db")),
        Metrics(),
        Settings(admin_token=TOKEN),
        reload=lambda: reload_file(runtime, "routes.yaml", {}, "api"),
        clock=lambda: NOW,
        divergences=store if with_store else None,
        stats_source=sink,
    )
    served = Served(await aiohttp_client(app), store, sink)
    return served


@pytest.fixture
async def served(aiohttp_client: Any, tmp_path: Path) -> AsyncIterator[Served]:
    s = await serve_admin(aiohttp_client, tmp_path)
    minute = int(NOW // 60)
    await s.store.add(
        [record(id="", at=NOW - 7200, request_id="two-hours-ago")]
        + [record(id="", at=NOW - 30, request_id=f"r{i}") for i in range(3)],
        [
            MinuteStats("product", minute - 2, requests=10, shadowed=4, match=3, mismatch=1),
            MinuteStats("default", minute - 2, requests=5),
            MinuteStats("product", minute - 120, requests=1000, fields={"value $.old": 9}),
        ],
    )
    s.sink.count_request("product")  # live: counted, not flushed
    yield s
    await s.store.close()


PAGES = ["/dashboard", "/dashboard/routes/product", "/dashboard/divergences/1"]
JSON = ["/divergences", "/divergences/1", "/stats"]


@pytest.mark.parametrize("path", PAGES + JSON)
@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"Authorization": f"Bearer {TOKEN}x"}, id="wrong-bearer"),
        pytest.param({"Cookie": f"strangler_admin={TOKEN}"}, id="the-token-as-cookie"),
        pytest.param({"Cookie": "strangler_admin=0"}, id="wrong-cookie"),
    ],
)
async def test_every_divergence_endpoint_needs_the_token(
    served: Served, path: str, headers: dict[str, str]
) -> None:
    with capture_logs() as logs:
        status, body, response = await served.get(path, headers=headers)
    assert status == 401
    assert "Set-Cookie" not in response.headers
    if path in PAGES:  # a browser gets the sign-in form
        assert "name=token" in body and response.headers["Content-Security-Policy"]
    else:
        assert "token" in json.loads(body)["message"]
    assert TOKEN not in repr(logs) and "r0" not in body


async def test_token_in_the_url_sets_a_cookie_and_is_dropped_from_it(served: Served) -> None:
    with capture_logs() as logs:
        status, _, response = await served.get(f"/dashboard?window=5m&token={TOKEN}")
    assert status == 303
    assert response.headers["Location"] == "/dashboard?window=5m"
    cookie = response.cookies["strangler_admin"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert TOKEN not in cookie.value and len(cookie.value) == 64
    assert TOKEN not in repr(logs)
    status, page, response = await served.get("/dashboard?window=5m")
    assert status == 200 and 'data-route="product"' in page
    assert response.headers["Content-Security-Policy"] == dashboard.CSP
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_wrong_token_in_the_url_sets_nothing(served: Served) -> None:
    status, page, response = await served.get("/dashboard?token=wrong-wrong-wrong-wrong")
    assert status == 401 and "not right" in page
    assert "Set-Cookie" not in response.headers
    assert (await served.get("/dashboard"))[0] == 401


async def test_the_cookie_never_authorises_a_change(served: Served) -> None:
    await served.get(f"/dashboard?token={TOKEN}")
    assert (await served.get("/routes"))[0] == 200  # reading: yes
    flip = {"route": "product", "mode": "new", "reason": "csrf"}
    async with served.client.post("/flips", json=flip) as response:
        assert response.status == 401  # writing: only with the bearer header


@pytest.mark.parametrize(
    ("next_path", "location"),
    [
        pytest.param("/dashboard/routes/product?window=5m", "/dashboard/routes/product?window=5m"),
        pytest.param("//evil.example/dashboard", "/dashboard", id="protocol-relative"),
        pytest.param("https://evil.example/", "/dashboard", id="absolute"),
        pytest.param("/dashboard/\\\\evil.example", "/dashboard", id="backslashes"),
    ],
)
async def test_the_sign_in_form_sets_the_cookie_and_goes_back(
    served: Served, next_path: str, location: str
) -> None:
    form = {"token": TOKEN, "next": next_path}
    async with served.client.post("/dashboard/login", data=form, allow_redirects=False) as r:
        assert r.status == 303 and r.headers["Location"] == location
    assert (await served.get("/dashboard"))[0] == 200


async def test_the_sign_in_form_refuses_a_wrong_token(served: Served) -> None:
    form = {"token": "nope", "next": "/dashboard"}
    async with served.client.post("/dashboard/login", data=form, allow_redirects=False) as r:
        assert r.status == 401 and "Set-Cookie" not in r.headers
        assert "not right" in await r.text()


async def test_the_overview_adds_live_counts_to_the_stored_ones(served: Served) -> None:
    status, page, _ = await served.get("/dashboard?window=1h", headers=AUTH)
    assert status == 200
    assert page.index('data-route="product"') < page.index('data-route="search"')
    assert page.index('data-route="search"') < page.index('data-route="default"')
    product = page.split('data-route="product"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'class="n[^"]*">([^<]*)<', product)[:4] == ["11", "4", "75.0%", "1"]
    assert "canary 10%" in page
    _, day, _ = await served.get("/dashboard?window=24h", headers=AUTH)
    assert "1,011" in day and "value $.old" in day


async def test_the_route_page_lists_the_windows_examples(served: Served) -> None:
    status, page, _ = await served.get("/dashboard/routes/product?window=1h", headers=AUTH)
    assert status == 200
    assert re.findall(r"<code>(r\d)</code>", page) == ["r2", "r1", "r0"]
    assert "two-hours-ago" not in page
    _, day, _ = await served.get("/dashboard/routes/product?window=24h", headers=AUTH)
    assert "two-hours-ago" in day


async def test_the_divergence_page_and_its_json_twin(served: Served) -> None:
    [newest, *_] = await served.store.recent()
    status, page, _ = await served.get(f"/dashboard/divergences/{newest.id}", headers=AUTH)
    assert status == 200 and "<mark>" in page and newest.request_id in page
    status, text, _ = await served.get(f"/divergences/{newest.id}", headers=AUTH)
    assert status == 200
    assert json.loads(text) == json.loads(json.dumps({"id": newest.id, **newest.document()}))
    for path in ("/dashboard/divergences/999", "/divergences/nope"):
        status, text, _ = await served.get(path, headers=AUTH)
        assert status == 404 and "no divergence" in json.loads(text)["message"]


async def test_divergences_json_filters_and_pages(served: Served) -> None:
    _, text, _ = await served.get("/divergences?route=product&limit=2", headers=AUTH)
    first = json.loads(text)["divergences"]
    assert [d["request_id"] for d in first] == ["r2", "r1"]
    _, text, _ = await served.get(f"/divergences?before={first[-1]['id']}", headers=AUTH)
    assert [d["request_id"] for d in json.loads(text)["divergences"]] == ["r0", "two-hours-ago"]
    _, text, _ = await served.get(f"/divergences?since={NOW - 60}", headers=AUTH)
    assert len(json.loads(text)["divergences"]) == 3
    _, text, _ = await served.get("/divergences?route=cart", headers=AUTH)
    assert json.loads(text)["divergences"] == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("/divergences?limit=0", "limit must be an integer in [1, 1000]"),
        ("/divergences?limit=abc", "limit must be an integer"),
        ("/divergences?since=yesterday", "since must be a unix time"),
        ("/stats?window=7d", "window must be one of 5m, 1h, 24h, got '7d'"),
        ("/dashboard?window=2h", "window must be one of"),
    ],
)
async def test_bad_queries_answer_400(served: Served, query: str, message: str) -> None:
    status, text, _ = await served.get(query, headers=AUTH)
    assert status == 400 and message in json.loads(text)["message"]


async def test_stats_json_sums_the_window(served: Served) -> None:
    _, text, _ = await served.get("/stats?window=5m", headers=AUTH)
    body = json.loads(text)
    assert body["window"] == "5m" and body["since_minute"] == int(NOW // 60) - 4
    by_route = {r["route_id"]: r for r in body["routes"]}
    assert by_route["product"]["requests"] == 11 and by_route["default"]["requests"] == 5
    assert by_route["product"]["fields"] == {}


async def test_without_a_store_the_dashboard_shows_live_counts_only(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    served = await serve_admin(aiohttp_client, tmp_path, with_store=False)
    served.sink.count_request("product")
    status, page, _ = await served.get("/dashboard", headers=AUTH)
    assert status == 200 and 'data-route="product"' in page
    _, text, _ = await served.get("/divergences", headers=AUTH)
    assert json.loads(text) == {"divergences": []}
    await served.store.close()
