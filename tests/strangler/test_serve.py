"""`strangler serve` as a real process: fleet flips through Redis, reloads, draining on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from scripts.stack import paths
from scripts.stack.servers import Redis, free_port, terminate, wait_until
from tests.strangler.conftest import routes_yaml
from tests.strangler.served import serve

DEADLINE_S = 30.0


ROUTES = """
- id: product
  match: {methods: [GET], path: "/rest/V1/products/{sku}"}
  new: new
  mode: legacy
  fallback: legacy
"""


async def _until(condition: Any, deadline_s: float = DEADLINE_S) -> None:
    """Poll without blocking the loop (the backends live on it)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + deadline_s
    while not condition():
        assert loop.time() < give_up, "condition not met before the deadline"
        await asyncio.sleep(0.05)


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, response.headers.get("X-Backend", "")


async def test_a_flip_reaches_every_proxy_of_the_fleet_through_redis(
    make_backend: Any, tmp_path: Path, redis_server: Redis
) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    routes = tmp_path / "routes.yaml"
    routes.write_text(routes_yaml({"legacy": legacy.url, "new": new.url}, ROUTES))
    token = secrets.token_urlsafe(24)
    flags = f"redis://127.0.0.1:{redis_server.port}/{secrets.randbelow(15) + 1}"
    a = serve(tmp_path, routes, flags, token, "a")
    b = serve(tmp_path, routes, flags, token, "b")
    try:
        assert (await _get(f"{b.url}/rest/V1/products/x"))[1] == "legacy"
        status, record = a.admin(
            "/flips",
            "POST",
            {"route": "product", "mode": "new", "reason": "fleet test", "actor": "t"},
        )
        assert status == 200 and record["to_mode"] == "new"
        wait_until(
            lambda: b.mode("product") == "new", what="flip on proxy b", deadline_s=DEADLINE_S
        )
        assert (await _get(f"{b.url}/rest/V1/products/x"))[1] == "new"
        _, audit = b.admin("/audit?limit=5")
        assert audit["audit"][0]["reason"] == "fleet test"
    finally:
        for proxy in (a, b):
            terminate(proxy.proc)


async def test_flips_need_the_token(make_backend: Any, tmp_path: Path) -> None:
    legacy = await make_backend("legacy")
    routes = tmp_path / "routes.yaml"
    routes.write_text(routes_yaml({"legacy": legacy.url, "new": legacy.url}, ROUTES))
    proxy = serve(tmp_path, routes, f"sqlite:///{tmp_path / 'flags.db'}", "t" * 32, "p")
    try:
        for token in ("", "wrong-token-wrong-token"):
            status, body = proxy.admin(
                "/flips", "POST", {"route": "product", "mode": "new", "reason": "x"}, token=token
            )
            assert status == 401 and "message" in body
        assert proxy.mode("product") == "legacy"
    finally:
        terminate(proxy.proc)


async def test_reloads_swap_good_files_and_keep_the_table_on_bad_ones(
    make_backend: Any, tmp_path: Path
) -> None:
    legacy, new = await make_backend("legacy"), await make_backend("new")
    routes = tmp_path / "routes.yaml"
    good = routes_yaml({"legacy": legacy.url, "new": new.url}, ROUTES)
    routes.write_text(good)
    proxy = serve(tmp_path, routes, f"sqlite:///{tmp_path / 'flags.db'}", "t" * 32, "p")
    try:
        # a file change is picked up by the watcher
        routes.write_text(good.replace("mode: legacy", "mode: new"))
        wait_until(
            lambda: proxy.mode("product") == "new", what="file-change reload", deadline_s=DEADLINE_S
        )
        # a broken file (through the API) answers 400 with located problems and changes nothing
        routes.write_text(good.replace("mode: legacy", "mode: sideways"))
        status, body = proxy.admin("/reload", "POST", {})
        assert status == 400
        assert any("routes.yaml" in p and "mode" in p for p in body["problems"])
        assert proxy.mode("product") == "new"
        assert (await _get(f"{proxy.url}/rest/V1/products/x"))[1] == "new"
        # SIGHUP reloads too (the file is good again)
        routes.write_text(good)
        proxy.proc.send_signal(signal.SIGHUP)
        wait_until(
            lambda: proxy.mode("product") == "legacy", what="SIGHUP reload", deadline_s=DEADLINE_S
        )
        metrics = (
            urllib.request.urlopen(f"http://127.0.0.1:{proxy.admin_port}/metrics", timeout=10)
            .read()
            .decode()
        )
        assert 'strangler_reloads_total{result="failed",trigger="api"}' in metrics
    finally:
        terminate(proxy.proc)
    log = proxy.log.read_text()
    assert '"event":"reload_failed"' in log and '"event":"routes_reloaded"' in log


async def test_sigterm_drains_in_flight_requests_and_shadow_copies(
    make_backend: Any, tmp_path: Path
) -> None:
    legacy = await make_backend("legacy", delay_s=1.0)
    new = await make_backend("new", delay_s=1.5)
    routes = tmp_path / "routes.yaml"
    routes.write_text(
        routes_yaml(
            {"legacy": legacy.url, "new": new.url}, ROUTES.replace("mode: legacy", "mode: shadow")
        )
    )
    proxy = serve(tmp_path, routes, f"sqlite:///{tmp_path / 'flags.db'}", "t" * 32, "p")
    try:
        in_flight = asyncio.create_task(_get(f"{proxy.url}/rest/V1/products/x"))
        await _until(lambda: len(legacy.seen) == 1)  # the request is at the (slow) backend
        proxy.proc.send_signal(signal.SIGTERM)
        assert await in_flight == (200, "legacy")  # finished, not cut off
        code = await asyncio.to_thread(proxy.proc.wait, 30)
    finally:
        terminate(proxy.proc)
    assert code == 0
    assert len(new.seen) == 1  # the shadow copy went out before exit
    events = [
        json.loads(line) for line in proxy.log.read_text().splitlines() if line.startswith("{")
    ]
    stopped = next(e for e in events if e["event"] == "proxy_stopped")
    assert stopped["shadow_dropped_on_drain"] == 0
    assert any(e["event"] == "shadow_divergence" for e in events)


@pytest.mark.parametrize("problem", ["missing-token", "bad-routes"])
async def test_serve_refuses_to_start_without_a_token_or_with_a_bad_file(
    tmp_path: Path, problem: str
) -> None:
    routes = tmp_path / "routes.yaml"
    routes.write_text(
        "version: 1\nbackends: {legacy: {url: 'http://127.0.0.1:1'}}\n"
        if problem == "missing-token"
        else "version: 7\n"
    )
    env = {
        **os.environ,
        "STRANGLER_ROUTES": str(routes),
        "STRANGLER_PORT": str(free_port()),
        "STRANGLER_ADMIN_PORT": str(free_port()),
        "STRANGLER_ADMIN_TOKEN": "" if problem == "missing-token" else "t" * 32,
        "STRANGLER_FLAGS": f"sqlite:///{tmp_path / 'flags.db'}",
        "STRANGLER_DIVERGENCES": f"sqlite:///{tmp_path / 'divergences.db'}",
    }
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "strangler", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=paths.REPO_ROOT,
    )
    assert result.returncode != 0
    expected = "STRANGLER_ADMIN_TOKEN" if problem == "missing-token" else "routes.yaml:1: version"
    assert expected in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


SHADOWED = """
- id: product
  match: {methods: [GET], path: "/rest/V1/products/{sku}"}
  new: new
  mode: shadow
"""


async def test_a_divergence_reaches_the_store_and_the_dashboard_redacted(
    make_backend: Any, tmp_path: Path
) -> None:
    """The whole path in a real process: copy, compare, redact, store, serve on the admin API."""
    legacy = await make_backend("legacy", body=b'{"sku":"x","price":34,"email":"jane@example.com"}')
    new = await make_backend("new", body=b'{"sku":"x","price":35,"email":"jane@example.com"}')
    routes = tmp_path / "routes.yaml"
    routes.write_text(routes_yaml({"legacy": legacy.url, "new": new.url}, SHADOWED))
    proxy = serve(tmp_path, routes, f"sqlite:///{tmp_path / 'flags.db'}", "t" * 32, "div")
    secret = "Bearer " + secrets.token_urlsafe(24)
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(3):
                url = f"{proxy.url}/rest/V1/products/x"
                async with http.get(url, headers={"Authorization": secret}) as response:
                    assert response.status == 200
                    assert (await response.json())["price"] == 34  # the client got legacy

        def stored() -> list[Any]:
            return list(proxy.admin("/divergences?route=product")[1]["divergences"])

        wait_until(lambda: len(stored()) == 3, what="3 stored divergences", deadline_s=DEADLINE_S)
        record = stored()[0]
        assert [d["path"] for d in record["differences"]] == ["$.price"]
        text = json.dumps(proxy.admin(f"/divergences/{record['id']}")[1])
        assert secret.split()[1] not in text and "jane@example.com" not in text
        _, stats = proxy.admin("/stats?window=1h")
        [row] = [r for r in stats["routes"] if r["route_id"] == "product"]
        assert (row["shadowed"], row["mismatch"]) == (3, 3)
        request = urllib.request.Request(
            f"http://127.0.0.1:{proxy.admin_port}/dashboard",
            headers={"Authorization": f"Bearer {'t' * 32}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            page = response.read().decode()
        assert "product" in page and "$.price" in page
    finally:
        terminate(proxy.proc)
