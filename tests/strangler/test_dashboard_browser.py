"""The dashboard in a real headless Chromium: sign in, click through, and nothing hostile runs.

A real admin app (its own thread and event loop, a real socket) serves a real SQLite divergence
store filled with real records, some of whose every field is a script injection that would set
`window.__pwned` or open a dialog. Chromium is Debian's `chromium` (installed on demand through
`scripts.stack.packages`; the test fails naming the package if it cannot be), driven by
Playwright for Python with that executable — `pip install playwright` happens on demand, and
Playwright's own browser download (`playwright install`) is never used.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

from scripts.stack import packages
from strangler import config
from strangler.admin import make_admin_app
from strangler.flagstore.sqlite import SqliteFlagStore
from strangler.metrics import Metrics
from strangler.reload import reload_file
from strangler.runtime import Runtime
from strangler.settings import Settings
from strangler.sinks.store import StoreSink
from strangler.store import DivergenceRecord, MinuteStats, Side
from strangler.store.sqlite import SqliteDivergenceStore

CHROMIUM = packages.Binary(("chromium",), "chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "browser-test-admin-token-0123456789"
PWN = "window.__pwned=1"
HOSTILE = [
    f"</script><script>{PWN}</script>",
    f'"><img src=x onerror="{PWN};alert(1)">',
    f"'><svg onload='{PWN};alert(2)'>",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "<a href=javascript:alert(3)>click</a>",
]
HOSTILE_TEXT = " ".join(HOSTILE)
HOSTILE_ROUTE = f'<img src=x onerror="{PWN}">'
ROUTES = """\
version: 1
backends:
  legacy:  {url: "http://127.0.0.1:1"}
  catalog: {url: "http://127.0.0.1:2"}
routes:
  - id: product
    match: {methods: [GET], path: "/rest/V1/products/{sku}"}
    new: catalog
    mode: shadow
  - id: cart
    match: {path: "/rest/V1/guest-carts/**"}
    new: catalog
    mode: canary
    canary: {percent: 10}
"""


# -- what the test needs from the machine ------------------------------------------------------


def _apt_install(package: str) -> bool:
    """apt-get install that waits for a dpkg lock another install holds (root or sudo -n)."""
    if shutil.which("apt-get") is None:
        return False
    prefix: list[str] = []
    if os.geteuid() != 0:
        sudo = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
        if shutil.which("sudo") is None or sudo.returncode != 0:
            return False
        prefix = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = [*prefix, "apt-get", "-o", "DPkg::Lock::Timeout=600"]
    install = [*apt, "install", "-y", "--no-install-recommends", package]
    print(f"browser test: installing Debian package {package} ...", file=sys.stderr, flush=True)
    if subprocess.run(install, env=env, check=False).returncode == 0:
        return True
    subprocess.run([*apt, "update"], env=env, check=False)  # a fresh image has no lists yet
    return subprocess.run(install, env=env, check=False).returncode == 0


def chromium() -> str:
    """Debian's Chromium, installed if missing; the test FAILS (never skips) without it."""
    try:
        return packages.require(CHROMIUM, install=_apt_install)
    except packages.ServerUnavailable as exc:
        pytest.fail(f"the browser test needs the Debian package 'chromium': {exc}")


def sync_playwright() -> Any:
    """Playwright's sync API, pip-installed into this venv on first use."""
    try:
        module = importlib.import_module("playwright.sync_api")
    except ImportError:
        note = "Python package only: the browser is Debian's chromium, never `playwright install`"
        print(f"browser test: pip install playwright ({note}) ...", file=sys.stderr)
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "playwright"]
        if subprocess.run(pip, check=False).returncode != 0:
            pytest.fail("the browser test needs the PyPI package 'playwright': pip install failed")
        importlib.invalidate_caches()
        module = importlib.import_module("playwright.sync_api")
    return module.sync_playwright


# -- a real admin app with real divergences, on a thread of its own ----------------------------


def records(now: float) -> list[DivergenceRecord]:
    legacy = {"sku": "24-MB01", "price": 34, "name": "Joust Duffle Bag", "qty": 100}
    new = {"sku": "24-MB01", "price": 35, "name": "Joust Duffle Bag", "qty": 100, "extra": True}
    plain = DivergenceRecord(
        at=now - 120,
        route_id="product",
        request_id="plain-1",
        method="GET",
        path="/rest/V1/products/24-MB01",
        request_headers={"accept": "application/json", "authorization": "[redacted]"},
        request_body="",
        legacy=Side(200, {"content-type": "application/json"}, json.dumps(legacy, indent=1)),
        new=Side(200, {"content-type": "application/json"}, json.dumps(new)),
        outcome="mismatch",
        differences=(
            {"kind": "value", "path": "$.price", "legacy": 34, "new": 35},
            {"kind": "extra", "path": "$.extra", "legacy": None, "new": True},
        ),
    )
    hostile_body = json.dumps({"name": HOSTILE_TEXT, HOSTILE_TEXT: [HOSTILE_TEXT], "price": 1})
    hostile = dataclasses.replace(
        plain,
        at=now - 60,
        request_id="hostile-1",
        method=HOSTILE[0],
        path=f"/rest/V1/products/{HOSTILE_TEXT}?q={HOSTILE_TEXT}",
        request_headers={"x-evil": HOSTILE_TEXT, HOSTILE[1]: "1"},
        request_body=HOSTILE_TEXT,
        legacy=Side(200, {"x-evil": HOSTILE_TEXT}, hostile_body),
        new=Side(502, {}, f"<html><body>{HOSTILE_TEXT}</body></html>", error=HOSTILE_TEXT),
        differences=(
            {"kind": "value", "path": "$.name", "legacy": HOSTILE_TEXT, "new": None},
            {"kind": "value", "path": f"$.{HOSTILE_TEXT}", "legacy": [HOSTILE_TEXT], "new": 0},
            {"kind": "status", "path": "status", "legacy": 200, "new": 502},
        ),
    )
    return [plain, hostile]


def stats(now: float) -> list[MinuteStats]:
    minute = int(now // 60)
    return [
        MinuteStats("product", minute - 1, requests=120, shadowed=40, match=38, mismatch=2,
                    kept=2, fields={"value $.price": 2, "extra $.extra": 1}),
        MinuteStats("cart", minute - 1, requests=30),
        MinuteStats(HOSTILE_ROUTE, minute - 1, requests=1, fields={HOSTILE_TEXT: 1}),
    ]  # fmt: skip


async def _serve(tmp: Path, now: float) -> tuple[web.AppRunner, SqliteDivergenceStore, int]:
    store = SqliteDivergenceStore(str(tmp / "divergences.db"))
    await store.add(records(now), stats(now))
    runtime = Runtime(config.parse(ROUTES, source="routes.yaml", env={}))
    app = make_admin_app(
        runtime,
        SqliteFlagStore(str(tmp / "flags.db")),
        Metrics(),
        Settings(admin_token=TOKEN),
        reload=lambda: reload_file(runtime, "routes.yaml", {}, "api"),
        clock=lambda: now,
        divergences=store,
        stats_source=StoreSink(store, clock=lambda: now, registry=CollectorRegistry()),
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, store, int(port)


@dataclasses.dataclass
class AdminThread:
    """The admin app on its own event loop: the sync Playwright API owns the test's thread."""

    url: str
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    runner: web.AppRunner
    store: SqliteDivergenceStore

    @classmethod
    def start(cls, tmp: Path, now: float) -> AdminThread:
        loop = asyncio.new_event_loop()
        ready: Future[tuple[web.AppRunner, SqliteDivergenceStore, int]] = Future()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                ready.set_result(loop.run_until_complete(_serve(tmp, now)))
            except BaseException as exc:
                ready.set_exception(exc)
                return
            loop.run_forever()

        thread = threading.Thread(target=run, name="admin-under-test", daemon=True)
        thread.start()
        runner, store, port = ready.result(timeout=30)
        return cls(f"http://127.0.0.1:{port}", loop, thread, runner, store)

    def stop(self) -> None:
        async def shutdown() -> None:
            await self.runner.cleanup()
            await self.store.close()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[AdminThread]:
    server = AdminThread.start(tmp_path, now=1_750_000_000.0)
    yield server
    server.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    executable = chromium()
    with sync_playwright()() as playwright:
        launched = playwright.chromium.launch(
            headless=True, executable_path=executable, args=LAUNCH_ARGS
        )
        yield launched
        launched.close()


# -- the test ----------------------------------------------------------------------------------


def test_an_sre_clicks_through_and_nothing_hostile_runs(
    admin: AdminThread, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:  # alert(), confirm() ...: must never happen
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    # sign in: the token sets a cookie and leaves the address bar
    page.goto(f"{admin.url}/dashboard?token={TOKEN}")
    assert page.url == f"{admin.url}/dashboard"
    [cookie] = context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"]) == (
        "strangler_admin", True, "Strict",
    )  # fmt: skip
    assert TOKEN not in cookie["value"]

    # the overview: every route, the hostile one as text; the refresh toggle's script runs
    assert page.locator('tr[data-route="product"] td').nth(4).inner_text() == "95.0%"
    assert page.locator('tr[data-route="cart"]').count() == 1
    assert page.locator("#routes").inner_text().count(HOSTILE_ROUTE) == 1
    page.uncheck("#auto-refresh")
    assert page.evaluate("localStorage.getItem('strangler.dashboard.refresh')") == "off"
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)

    # a route, then its hostile example
    page.click('tr[data-route="product"] a')
    assert page.url == f"{admin.url}/dashboard/routes/product?window=1h"
    examples = page.locator("#examples tr")
    assert examples.count() == 3  # head + 2
    assert "hostile-1" in examples.nth(1).inner_text()  # newest first
    page.screenshot(path=str(tmp_path / "route.png"), full_page=True)
    examples.nth(1).locator("a").click()
    page.wait_for_url("**/dashboard/divergences/*")
    assert page.locator("#differences tr").count() == 4
    legacy_marks = page.locator("#legacy pre.body mark").all_inner_texts()
    assert any('"name"' in m for m in legacy_marks)
    assert page.locator("#new h2 mark").inner_text() == "502"  # the status differs
    assert HOSTILE[0] in page.locator("#legacy pre.body").inner_text()  # shown as text
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    _nothing_ran(page, dialogs)

    # back to the plain example: side by side, the differing fields highlighted
    page.go_back()
    page.locator("#examples tr").nth(2).locator("a").click()
    page.wait_for_url("**/dashboard/divergences/*")
    assert [m.strip() for m in page.locator("#legacy pre.body mark").all_inner_texts()] == [
        '"price": 34,'
    ]
    assert [m.strip() for m in page.locator("#new pre.body mark").all_inner_texts()] == [
        '"price": 35,',
        '"extra": true',
    ]
    box = page.locator("#legacy").bounding_box(), page.locator("#new").bounding_box()
    assert box[0] is not None and box[1] is not None
    assert box[0]["x"] + box[0]["width"] <= box[1]["x"]  # side by side, legacy on the left
    assert abs(box[0]["y"] - box[1]["y"]) < 1
    page.screenshot(path=str(tmp_path / "plain.png"), full_page=True)
    _nothing_ran(page, dialogs)
    context.close()


def _nothing_ran(page: Any, dialogs: list[str]) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert page.evaluate("document.scripts.length") == 1  # ours, nothing injected
    assert page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
