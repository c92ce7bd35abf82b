"""The `strangler` command: check and explain offline; the admin subcommands against a real
admin API on a real socket (urllib in a worker thread, the app on the test's event loop)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from scripts.stack.servers import free_port
from strangler import cli, routing
from tests.strangler.test_admin import BROKEN, TOKEN, AdminUnderTest, start_admin

ROUTES = """\
version: 1
backends:
  legacy:  {url: "${LEGACY_URL}"}
  catalog: {url: "http://127.0.0.1:8082"}
  cart:    {url: "http://127.0.0.1:8083"}
routes:
  - id: product
    match: {methods: [GET, POST], path: "/rest/V1/products/{sku}"}
    new: catalog
    mode: shadow
    shadow: {sample: 0.25}
  - id: beta-categories
    match: {path: "/rest/V1/categories", headers: {X-Beta: "on"}}
    new: catalog
    mode: new
    fallback: legacy
  - id: my-cart
    match: {path: "/rest/V1/carts/mine/**"}
    new: cart
    mode: canary
    canary: {percent: 10, sticky: customer}
    fallback: legacy
  - id: customers
    match: {path: "/rest/V1/customers/**"}
    mode: legacy
"""
BAD = """\
version: 1
backends:
  legacy: {url: "http://127.0.0.1:8081"}
routes:
  - id: product
    match: {path: "/rest/V1/products/{sku}"}
    new: catalog
    mode: shadow
  - id: product
    match: {path: "rest/V1/carts"}
    mode: sideways
"""
LEGACY = "http://127.0.0.1:8081"


@pytest.fixture
def routes_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEGACY_URL", LEGACY)
    path = tmp_path / "routes.yaml"
    path.write_text(ROUTES)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# -- check -------------------------------------------------------------------------------------


def test_check_a_good_file(routes_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", str(routes_file))
    assert status == 0
    assert out.startswith(f"{routes_file}: ok, 4 routes, 3 backends, digest ")
    assert len(out.splitlines()) == 1


def test_check_lists_every_located_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "routes.yaml"
    path.write_text(BAD)
    status, out, err = run(capsys, "check", str(path))
    assert status == 1
    assert out.splitlines() == [
        f"{path}:7: routes[0].new: unknown backend 'catalog' (defined: legacy)",
        f"{path}:9: routes[1].id: duplicate route id 'product' (first at line 5)",
        f"{path}:10: routes[1].match.path: bad template 'rest/V1/carts': must start with '/'",
        f"{path}:11: routes[1].mode: must be one of legacy, shadow, canary, new, got 'sideways'",
    ]
    assert "4 problem(s)" in err


def test_check_fills_variables_from_the_environment(
    routes_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEGACY_URL")
    status, out, _ = run(capsys, "check", str(routes_file))
    assert status == 1
    assert (
        out == f"{routes_file}:3: backends.legacy.url: environment variable LEGACY_URL is not set\n"
    )


def test_check_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", str(tmp_path / "nope.yaml"))
    assert status == 1 and "cannot read" in out


# -- explain -----------------------------------------------------------------------------------


def explain(capsys: pytest.CaptureFixture[str], routes: Path, *argv: str) -> dict[str, str]:
    status, out, err = run(capsys, "explain", *argv, "--routes", str(routes))
    assert status == 0, err
    return dict(line.split(":", 1) for line in out.splitlines() if ":  " in line)


def field(lines: dict[str, str], name: str) -> str:
    return lines[name].strip()


def test_explain_a_legacy_route_with_the_store_code_normalised(
    routes_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = explain(capsys, routes_file, "get", "/rest/default/V1/customers/7")
    assert field(lines, "request") == (
        "GET /rest/V1/customers/7  (normalised from /rest/default/V1/customers/7)"
    )
    assert field(lines, "route") == f"customers  ({routes_file}:23)"
    assert field(lines, "mode") == "legacy"
    assert field(lines, "answers") == f"legacy ({LEGACY})"
    assert field(lines, "shadowed") == "nobody"
    assert field(lines, "fallback") == "none"
    assert "canary" not in lines


@pytest.mark.parametrize(
    ("argv", "shadowed"),
    [
        pytest.param([], "catalog (http://127.0.0.1:8082)", id="sampled"),
        pytest.param(
            ["--sample", "0.5"],
            "nobody (sample 0.5 is not below shadow.sample 0.25)",
            id="not-sampled",
        ),
    ],
)
def test_explain_a_shadow_route(
    routes_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str], shadowed: str
) -> None:
    lines = explain(capsys, routes_file, "GET", "/rest/default/V1/products/24-MB01", *argv)
    assert field(lines, "route").startswith("product ")
    assert field(lines, "mode") == "shadow"
    assert field(lines, "answers") == f"legacy ({LEGACY})"
    assert field(lines, "shadowed") == shadowed


def test_explain_says_writes_are_not_shadowed(
    routes_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = explain(capsys, routes_file, "POST", "/rest/V1/products/24-MB01")
    assert field(lines, "shadowed") == "nobody (writes are not shadowed on this route)"
    assert "normalised" not in field(lines, "request")


def customer_on(side: str) -> int:
    """A customer id whose sticky bucket lands on `side` of my-cart's 10% cut."""
    return next(
        n for n in range(1, 1000) if (routing.bucket_of(f"customer:{n}") < 0.1) == (side == "new")
    )


@pytest.mark.parametrize(("side", "answers"), [("new", "cart"), ("legacy", "legacy")])
def test_explain_a_canary_route_shows_the_sticky_bucket(
    routes_file: Path, capsys: pytest.CaptureFixture[str], side: str, answers: str
) -> None:
    customer = customer_on(side)
    lines = explain(
        capsys,
        routes_file,
        "GET",
        "/rest/default/V1/carts/mine/items",
        "--customer-id",
        str(customer),
    )
    bucket = routing.bucket_of(f"customer:{customer}")
    relation = "<" if side == "new" else ">="
    assert field(lines, "mode") == "canary"
    assert field(lines, "answers").startswith(f"{answers} (")
    assert field(lines, "canary") == (
        f"bucket {bucket:.4f} (sticky customer) {relation} 0.1000 (10%): {side}"
    )
    assert field(lines, "fallback") == (f"legacy ({LEGACY})" if side == "new" else "none")


def test_explain_a_canary_without_a_sticky_key_uses_the_sample(
    routes_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = explain(capsys, routes_file, "GET", "/rest/V1/carts/mine", "--sample", "0.05")
    assert field(lines, "canary") == (
        "bucket 0.0500 (no sticky key: the --sample draw) < 0.1000 (10%): new"
    )


def test_explain_matches_headers(routes_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    matched = explain(capsys, routes_file, "GET", "/rest/V1/categories", "-H", "X-Beta: on")
    assert field(matched, "route").startswith("beta-categories ")
    assert field(matched, "answers") == "catalog (http://127.0.0.1:8082)"
    unmatched = explain(capsys, routes_file, "GET", "/rest/V1/categories?x=1")
    assert field(unmatched, "route").startswith("none matched")
    assert field(unmatched, "answers") == f"legacy ({LEGACY})"


def test_explain_refuses_a_malformed_header(
    routes_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        capsys, "explain", "GET", "/", "-H", "nocolon", "--routes", str(routes_file)
    )
    assert status == 2 and "Name: value" in err


# -- the admin API -----------------------------------------------------------------------------


@pytest.fixture
async def admin(
    aiohttp_client: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AdminUnderTest:
    monkeypatch.setenv("STRANGLER_ADMIN_TOKEN", TOKEN)
    served = await start_admin(aiohttp_client, tmp_path)
    monkeypatch.setenv("STRANGLER_ADMIN_URL", str(served.client.make_url("/")))
    return served


async def cli_run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`strangler ...` in a worker thread, so this loop keeps serving the admin API (whose
    log lines are captured, not printed among the command's output)."""
    with capture_logs():
        status = await asyncio.to_thread(cli.main, list(argv))
    out, err = capsys.readouterr()
    return status, out, err


async def test_flip_routes_and_clear(
    admin: AdminUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = await cli_run(
        capsys,
        "flip",
        "search",
        "--mode",
        "canary",
        "--percent",
        "25",
        "--reason",
        "ok",
        "--actor",
        "alice",
    )
    assert status == 0
    assert out.strip().endswith("search: canary 10% -> canary 25%  by alice: ok")

    status, out, _ = await cli_run(capsys, "routes")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("config: ") and lines[1] == "kill switch: off"
    header, *rows = lines[3:]
    assert header.split() == ["ROUTE", "FILE", "EFFECTIVE", "SOURCE", "NEW", "FLIPPED", "BY"]
    search = next(r for r in rows if r.startswith("search "))
    assert search.split()[:7] == ["search", "canary", "10%", "canary", "25%", "flip", "catalog"]
    assert search.endswith("alice at 2023-11-14 22:13:20Z: ok")

    status, out, _ = await cli_run(capsys, "flip", "search", "--clear", "--reason", "done")
    assert status == 0 and "canary 25% -> file (canary 10%)" in out
    assert admin.runtime.flags.overrides == {}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["nope", "--mode", "new"], "unknown route 'nope'", id="unknown-route"),
        pytest.param(["product", "--mode", "canary"], "canary needs", id="no-percent"),
        pytest.param(["customers", "--mode", "new"], "no new backend", id="legacy-only"),
    ],
)
async def test_flip_prints_the_servers_message(
    admin: AdminUnderTest, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = await cli_run(capsys, "flip", *argv, "--reason", "try")
    assert status == 1 and out == ""
    assert message in err and "(HTTP 400)" in err


async def test_a_wrong_token_is_refused(
    admin: AdminUnderTest, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRANGLER_ADMIN_TOKEN", "not-the-token-not-the-token")
    status, _, err = await cli_run(capsys, "routes")
    assert status == 1 and "wrong admin token" in err and "(HTTP 401)" in err
    assert "not-the-token" not in err


async def test_no_token_at_all_is_an_invocation_error(
    admin: AdminUnderTest, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRANGLER_ADMIN_TOKEN")
    status, _, err = await cli_run(capsys, "audit")
    assert status == 2 and "STRANGLER_ADMIN_TOKEN" in err


async def test_kill_switch_on_and_off(
    admin: AdminUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = await cli_run(capsys, "kill-switch", "on", "--reason", "incident 42")
    assert status == 0 and "*: kill switch off -> kill switch on" in out
    _, out, _ = await cli_run(capsys, "routes")
    assert "kill switch: ON, every route to legacy" in out and "incident 42" in out
    status, _, _ = await cli_run(capsys, "kill-switch", "off", "--reason", "resolved")
    assert status == 0 and admin.runtime.flags.kill_switch is None
    status, _, err = await cli_run(capsys, "kill-switch", "off", "--reason", "again")
    assert status == 1 and "the kill switch is not on" in err


async def test_audit_lists_newest_first(
    admin: AdminUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = await cli_run(capsys, "audit")
    assert status == 0 and out == "no flips recorded\n"
    for mode in ("new", "legacy"):
        await cli_run(capsys, "flip", "product", "--mode", mode, "--reason", f"to {mode}")
    status, out, _ = await cli_run(capsys, "audit", "--limit", "1")
    header, *rows = out.splitlines()
    assert header.split() == ["WHEN", "ROUTE", "FROM", "TO", "ACTOR", "REASON"]
    assert len(rows) == 1 and rows[0].endswith("to legacy")
    _, out, _ = await cli_run(capsys, "audit")
    assert [line.split()[-1] for line in out.splitlines()[1:]] == ["legacy", "new"]


async def test_reload_reports_success_and_problems(
    admin: AdminUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = await cli_run(capsys, "reload", "--reason", "nothing changed")
    assert status == 0 and out.startswith("reloaded: digest ") and "(unchanged)" in out
    admin.routes_path.write_text(BROKEN)
    status, out, err = await cli_run(capsys, "reload")
    assert status == 1 and out == ""
    assert "the running routes are unchanged" in err
    assert (
        f"  {admin.routes_path}:9: routes[0].shadow.sample: must be within [0, 1], got 1.5" in err
    )


async def test_an_unreachable_admin_api(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRANGLER_ADMIN_TOKEN", TOKEN)
    url = f"http://127.0.0.1:{free_port()}"
    status, _, err = await cli_run(capsys, "routes", "--admin", url)
    assert status == 1 and f"cannot reach the admin API at {url}" in err


async def test_the_admin_address_defaults_to_the_proxys_admin_port(
    admin: AdminUnderTest, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRANGLER_ADMIN_URL")
    monkeypatch.setenv("STRANGLER_ADMIN_PORT", str(admin.client.port))
    status, out, err = await cli_run(capsys, "audit")
    assert status == 0, err
    assert out == "no flips recorded\n"


def test_flip_needs_a_mode_or_clear(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["flip", "product", "--reason", "x"])
    assert exited.value.code == 2
    assert "one of the arguments --mode --clear is required" in capsys.readouterr().err


def test_a_bad_setting_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRANGLER_ADMIN_PORT", "eighty")
    status, _, err = run(capsys, "audit")
    assert status == 2 and "STRANGLER_" in err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys)
    assert status == 2 and "explain" in out
