"""The admin API on a real socket, over a real Runtime, SqliteFlagStore and routes file."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from strangler import config
from strangler.admin import make_admin_app
from strangler.errors import SettingsError
from strangler.flags import FlagState, plan_flip
from strangler.flagstore.sqlite import SqliteFlagStore
from strangler.metrics import Metrics
from strangler.model import Mode
from strangler.reload import reload_file
from strangler.runtime import Runtime
from strangler.settings import Settings

TOKEN = "admin-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOW = 1_700_000_000.0
DEADLINE_S = 10.0
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
  - id: search
    match: {methods: [GET], path: "/rest/V1/products"}
    new: catalog
    mode: canary
    canary: {percent: 10}
  - id: customers
    match: {path: "/rest/V1/customers/**"}
    mode: legacy
"""
BROKEN = """\
version: 1
backends:
  legacy:  {url: "http://127.0.0.1:1"}
routes:
  - id: product
    match: {methods: [GET], path: "/rest/V1/products/{sku}"}
    new: catalog
    mode: shadow
    shadow: {sample: 1.5}
"""


@dataclass
class AdminUnderTest:
    client: Any  # aiohttp TestClient on the admin app's real socket
    runtime: Runtime
    store: SqliteFlagStore
    metrics: Metrics
    routes_path: Path

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        kwargs.setdefault("headers", AUTH)
        async with self.client.request(method, path, **kwargs) as response:
            return response.status, await response.json()

    def count(self, name: str, **labels: str) -> float:
        return self.metrics.registry.get_sample_value(name, labels) or 0.0


async def start_admin(
    aiohttp_client: Callable[..., Any], tmp_path: Path, store: SqliteFlagStore | None = None
) -> AdminUnderTest:
    routes_path = tmp_path / "routes.yaml"
    routes_path.write_text(ROUTES)
    runtime = Runtime(config.load(str(routes_path), {}), loaded_at=NOW)
    store = store or SqliteFlagStore(str(tmp_path / "flags.db"), poll_interval_s=0.05)
    metrics = Metrics()
    settings = Settings(routes_path=str(routes_path), admin_token=TOKEN)
    app = make_admin_app(
        runtime,
        store,
        metrics,
        settings,
        reload=lambda: reload_file(runtime, str(routes_path), {}, "api", now=NOW + 1),
        clock=lambda: NOW,
    )
    client = await aiohttp_client(app)
    return AdminUnderTest(client, runtime, store, metrics, routes_path)


@pytest.fixture
async def admin(aiohttp_client: Callable[..., Any], tmp_path: Path) -> AdminUnderTest:
    return await start_admin(aiohttp_client, tmp_path)


def flip_body(route: Any = "product", mode: Any = "new", **extra: Any) -> dict[str, Any]:
    return {"route": route, "mode": mode, "reason": "catalog looks right", **extra}


async def eventually(check: Callable[[], bool], what: str) -> None:
    give_up = time.monotonic() + DEADLINE_S
    while not check():
        if time.monotonic() > give_up:
            pytest.fail(f"{what} did not happen within {DEADLINE_S:.0f}s")
        await asyncio.sleep(0.02)


PROTECTED = [
    ("GET", "/routes", None),
    ("POST", "/flips", flip_body()),
    ("POST", "/kill-switch", {"on": True, "reason": "incident"}),
    ("GET", "/audit", None),
    ("POST", "/reload", {}),
]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer wrong-token-wrong-token-0000"}, id="wrong-token"),
        pytest.param({"Authorization": TOKEN}, id="no-bearer-prefix"),
        pytest.param({"Authorization": f"Bearer {TOKEN}x"}, id="token-plus-one"),
    ],
)
@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
async def test_protected_endpoints_need_the_token(
    admin: AdminUnderTest, headers: dict[str, str], method: str, path: str, body: Any
) -> None:
    with capture_logs() as logs:
        async with admin.client.request(method, path, json=body, headers=headers) as response:
            status, answer = response.status, await response.json()
            assert response.headers["WWW-Authenticate"] == "Bearer"
    assert status == 401
    assert "token" in answer["message"]
    assert await admin.store.load() == FlagState()  # a refused flip changed nothing
    assert admin.runtime.flags == FlagState()
    assert TOKEN not in repr(logs)


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
async def test_probes_and_metrics_need_no_token(admin: AdminUnderTest, path: str) -> None:
    async with admin.client.get(path) as response:
        assert response.status == 200


async def test_a_flip_is_stored_applied_counted_and_logged(admin: AdminUnderTest) -> None:
    with capture_logs() as logs:
        status, record = await admin.call("POST", "/flips", json=flip_body(actor="alice"))
    assert status == 200
    assert record == {
        "route_id": "product",
        "from_mode": "shadow",
        "to_mode": "new",
        "actor": "alice",
        "reason": "catalog looks right",
        "at": NOW,
    }
    route = admin.runtime.effective.route_by_id("product")
    assert route is not None and route.mode is Mode.NEW
    assert (await admin.store.load()).overrides["product"].actor == "alice"
    assert admin.count("strangler_flips_total", route="product") == 1
    [event] = [e for e in logs if e["event"] == "route_flipped"]
    assert (event["actor"], event["reason"], event["to_mode"]) == (
        "alice",
        "catalog looks right",
        "new",
    )


async def test_a_flip_without_an_actor_is_the_settings_actor(admin: AdminUnderTest) -> None:
    status, record = await admin.call("POST", "/flips", json=flip_body(actor=None))
    assert status == 200 and record["actor"] == "admin-api"


async def test_routes_show_where_each_mode_comes_from(admin: AdminUnderTest) -> None:
    await admin.call("POST", "/flips", json=flip_body("search", "canary", percent=50))
    status, body = await admin.call("GET", "/routes")
    assert status == 200
    by_id = {r["id"]: r for r in body["routes"]}
    assert by_id["product"] == {
        "id": "product",
        "file_mode": "shadow",
        "effective_mode": "shadow",
        "source": "file",
        "new": "catalog",
        "override": None,
    }
    search = by_id["search"]
    assert (search["file_mode"], search["effective_mode"], search["source"]) == (
        "canary 10%",
        "canary 50%",
        "flip",
    )
    assert search["override"]["actor"] == "admin-api"  # the settings' default actor
    assert search["override"]["reason"] == "catalog looks right"
    assert body["kill_switch"] is None and body["orphaned_flips"] == []
    assert body["config"]["digest"] == admin.runtime.file_table.digest
    assert body["config"]["loaded_at"] == NOW


async def test_a_flip_with_mode_null_clears_it(admin: AdminUnderTest) -> None:
    await admin.call("POST", "/flips", json=flip_body())
    status, record = await admin.call("POST", "/flips", json=flip_body(mode=None))
    assert status == 200 and record["to_mode"] == "file (shadow)"
    assert admin.runtime.flags == FlagState() == await admin.store.load()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param("{not json", "not valid JSON", id="malformed-json"),
        pytest.param("", "must be a JSON object", id="empty-body"),
        pytest.param("[1, 2]", "must be a JSON object", id="a-list"),
        pytest.param({"mode": "new", "reason": "r"}, "route is required", id="no-route"),
        pytest.param(flip_body(route=42), "route must be a string, got int", id="route-int"),
        pytest.param({"route": "product", "reason": "r"}, "mode is required", id="no-mode"),
        pytest.param(flip_body(mode="sideways"), "got 'sideways'", id="unknown-mode"),
        pytest.param(flip_body(mode=3), "mode must be one of", id="mode-int"),
        pytest.param(flip_body(percent="ten"), "percent must be a number, got str", id="pct-str"),
        pytest.param(flip_body(percent=True), "percent must be a number, got bool", id="pct-bool"),
        pytest.param(flip_body(precent=5), "unknown field 'precent'", id="typo-field"),
        pytest.param(flip_body(actor=7), "actor must be a string", id="actor-int"),
        pytest.param({"route": "product", "mode": "new"}, "reason is required", id="no-reason"),
        pytest.param(flip_body(reason=" "), "a reason is required", id="blank-reason"),
        pytest.param(flip_body(route="nope"), "unknown route 'nope'", id="unknown-route"),
        pytest.param(flip_body(mode="canary"), "canary needs", id="canary-no-percent"),
        pytest.param(flip_body(mode="canary", percent=150), "within [0, 100]", id="pct-range"),
        pytest.param(flip_body(percent=5), "only applies to canary", id="pct-not-canary"),
        pytest.param(flip_body("customers", "new"), "no new backend", id="legacy-only-route"),
        pytest.param(flip_body(mode=None), "has no flip to clear", id="nothing-to-clear"),
        pytest.param(flip_body(route="*", mode="legacy"), "POST /kill-switch", id="star"),
    ],
)
async def test_a_bad_flip_answers_400_naming_the_problem(
    admin: AdminUnderTest, body: Any, message: str
) -> None:
    kwargs = {"data": body} if isinstance(body, str) else {"json": body}
    status, answer = await admin.call("POST", "/flips", **kwargs)
    assert status == 400
    assert message in answer["message"]
    assert await admin.store.load() == FlagState()
    assert await admin.store.audit() == []
    assert admin.count("strangler_flips_total", route="product") == 0


async def test_the_kill_switch_sends_everything_to_legacy_and_back(admin: AdminUnderTest) -> None:
    await admin.call("POST", "/flips", json=flip_body())
    with capture_logs() as logs:
        status, record = await admin.call(
            "POST", "/kill-switch", json={"on": True, "reason": "checkout errors", "actor": "ops"}
        )
    assert status == 200 and record["route_id"] == "*"
    assert {r.mode for r in admin.runtime.effective.routes} == {Mode.LEGACY}
    _, body = await admin.call("GET", "/routes")
    assert body["kill_switch"]["actor"] == "ops"
    assert {r["source"] for r in body["routes"]} == {"kill-switch"}
    [event] = [e for e in logs if e["event"] == "kill_switch"]
    assert event["on"] is True and event["reason"] == "checkout errors"

    status, _ = await admin.call("POST", "/kill-switch", json={"on": False, "reason": "fixed"})
    assert status == 200
    route = admin.runtime.effective.route_by_id("product")
    assert route is not None and route.mode is Mode.NEW  # the flip underneath is back
    assert (await admin.store.load()).kill_switch is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"on": "yes", "reason": "r"}, "on must be true or false, got str", id="str"),
        pytest.param({"reason": "r"}, "on must be true or false, got null", id="missing"),
        pytest.param({"on": False, "reason": "r"}, "kill switch is not on", id="already-off"),
        pytest.param({"on": True}, "reason is required", id="no-reason"),
    ],
)
async def test_a_bad_kill_switch_request_answers_400(
    admin: AdminUnderTest, body: dict[str, Any], message: str
) -> None:
    status, answer = await admin.call("POST", "/kill-switch", json=body)
    assert status == 400 and message in answer["message"]


async def test_audit_is_newest_first_with_a_limit(admin: AdminUnderTest) -> None:
    for mode in ("new", "legacy", None):
        await admin.call("POST", "/flips", json=flip_body(mode=mode))
    status, body = await admin.call("GET", "/audit?limit=2")
    assert status == 200
    assert [r["to_mode"] for r in body["audit"]] == ["file (shadow)", "legacy"]
    _, everything = await admin.call("GET", "/audit")
    assert len(everything["audit"]) == 3


@pytest.mark.parametrize("limit", ["0", "abc", "-1", "10001"])
async def test_a_bad_audit_limit_answers_400(admin: AdminUnderTest, limit: str) -> None:
    status, answer = await admin.call("GET", f"/audit?limit={limit}")
    assert status == 400 and "limit must be an integer" in answer["message"]


async def test_reload_swaps_in_a_good_file_and_keeps_flips(admin: AdminUnderTest) -> None:
    await admin.call("POST", "/flips", json=flip_body())
    admin.routes_path.write_text(ROUTES.replace("mode: shadow", "mode: legacy"))
    with capture_logs() as logs:
        status, body = await admin.call(
            "POST", "/reload", json={"reason": "new file", "actor": "dev"}
        )
    assert status == 200
    assert body == {
        "digest": admin.runtime.file_table.digest,
        "changed": True,
        "flipped_routes": ["product"],
    }
    file_route = admin.runtime.file_table.route_by_id("product")
    effective_route = admin.runtime.effective.route_by_id("product")
    assert file_route is not None and file_route.mode is Mode.LEGACY
    assert effective_route is not None and effective_route.mode is Mode.NEW  # the flip stays
    assert admin.count("strangler_reloads_total", trigger="api", result="ok") == 1
    [event] = [e for e in logs if e["event"] == "routes_reloaded"]
    assert (event["actor"], event["reason"]) == ("dev", "new file")


async def test_reload_without_a_body_is_fine(admin: AdminUnderTest) -> None:
    status, body = await admin.call("POST", "/reload")
    assert status == 200 and body["changed"] is False


async def test_a_broken_file_keeps_the_running_table(admin: AdminUnderTest) -> None:
    running = admin.runtime.file_table
    admin.routes_path.write_text(BROKEN)
    with capture_logs() as logs:
        status, body = await admin.call("POST", "/reload", json={})
    assert status == 400
    where = str(admin.routes_path)
    assert body["problems"] == [
        f"{where}:7: routes[0].new: unknown backend 'catalog' (defined: legacy)",
        f"{where}:9: routes[0].shadow.sample: must be within [0, 1], got 1.5",
    ]
    assert "running routes are unchanged" in body["message"]
    assert admin.runtime.file_table is running
    assert admin.count("strangler_reloads_total", trigger="api", result="failed") == 1
    assert [e["event"] for e in logs if e["event"].startswith("reload")] == ["reload_failed"]


async def test_readyz_answers_503_when_the_store_does_not(
    aiohttp_client: Callable[..., Any], tmp_path: Path
) -> None:
    unusable = SqliteFlagStore(str(tmp_path / "missing-dir" / "flags.db"))
    admin = await start_admin(aiohttp_client, tmp_path, store=unusable)
    async with admin.client.get("/readyz") as response:
        assert response.status == 503
        assert (await response.json())["reasons"] == ["flag store does not answer"]


async def test_a_failing_store_answers_503_for_a_flip(
    aiohttp_client: Callable[..., Any], tmp_path: Path
) -> None:
    unusable = SqliteFlagStore(str(tmp_path / "missing-dir" / "flags.db"))
    admin = await start_admin(aiohttp_client, tmp_path, store=unusable)
    status, answer = await admin.call("POST", "/flips", json=flip_body())
    assert status == 503 and "flag store failed" in answer["message"]
    assert admin.runtime.flags == FlagState()


async def test_readyz_answers_200_with_a_table_and_a_store(admin: AdminUnderTest) -> None:
    async with admin.client.get("/readyz") as response:
        assert response.status == 200
        assert (await response.json())["digest"] == admin.runtime.file_table.digest


async def test_metrics_text_has_flips_and_reloads(admin: AdminUnderTest) -> None:
    await admin.call("POST", "/flips", json=flip_body())
    await admin.call("POST", "/reload", json={})
    async with admin.client.get("/metrics") as response:
        text = await response.text()
        assert response.headers["Content-Type"].startswith("text/plain")
    assert 'strangler_flips_total{route="product"} 1.0' in text
    assert 'strangler_reloads_total{result="ok",trigger="api"} 1.0' in text


async def test_a_flip_made_elsewhere_is_applied(admin: AdminUnderTest, tmp_path: Path) -> None:
    elsewhere = SqliteFlagStore(str(tmp_path / "flags.db"))  # another proxy, or the CLI's
    with capture_logs() as logs:
        await elsewhere.load()
        state, record = plan_flip(
            admin.runtime.file_table,
            FlagState(),
            "product",
            Mode.LEGACY,
            None,
            actor="bob",
            reason="remote",
            at=NOW,
        )
        await elsewhere.commit(state, record)
        await eventually(lambda: admin.runtime.flags == state, "the remote flip being applied")
    [event] = [e for e in logs if e["event"] == "flags_changed_remotely"]
    assert event["routes"] == ["product"]


async def test_unknown_paths_answer_json(admin: AdminUnderTest) -> None:
    status, body = await admin.call("GET", "/nope")
    assert status == 404 and body == {"message": "Not Found"}
    async with admin.client.get("/flips", headers=AUTH) as response:
        assert response.status == 405 and response.headers["Allow"] == "POST"
        assert (await response.json())["message"] == "Method Not Allowed"


@pytest.mark.parametrize("token", ["", "short"])
def test_the_admin_api_refuses_to_exist_without_a_real_token(tmp_path: Path, token: str) -> None:
    runtime = Runtime(config.parse(ROUTES, source="routes.yaml", env={}))
    with pytest.raises(SettingsError, match="STRANGLER_ADMIN_TOKEN"):
        make_admin_app(
            runtime,
            SqliteFlagStore(str(tmp_path / "flags.db")),
            Metrics(),
            Settings(admin_token=token),
            reload=lambda: reload_file(runtime, "routes.yaml", {}, "api"),
        )
