"""Flips override the file's mode until cleared; the kill switch sends everything to legacy."""

from __future__ import annotations

import pytest

from strangler import config, flags, routing
from strangler.errors import FlagError
from strangler.model import Mode, RequestMeta
from tests.strangler.test_routing import ROUTES

TABLE = config.parse(ROUTES, source="routes.yaml", env={})
EMPTY = flags.FlagState()


def flip(
    state: flags.FlagState,
    route_id: str,
    mode: Mode | None,
    percent: float | None = None,
    reason: str = "testing",
) -> tuple[flags.FlagState, flags.Flip]:
    return flags.plan_flip(
        TABLE, state, route_id, mode, percent, actor="alice", reason=reason, at=100.0
    )


def test_a_flip_overrides_the_file_until_cleared() -> None:
    state, record = flip(EMPTY, "product", Mode.NEW)
    assert (record.from_mode, record.to_mode, record.actor) == ("shadow", "new", "alice")
    effective = flags.apply_flags(TABLE, state)
    decision = routing.route(RequestMeta("GET", "/rest/V1/products/x", {}), effective)
    assert decision.primary.name == "catalog"
    cleared, record = flip(state, "product", None)
    assert record.from_mode == "new" and record.to_mode == "file (shadow)"
    assert flags.apply_flags(TABLE, cleared).route_by_id("product").mode is Mode.SHADOW


def test_canary_flip_sets_the_percent() -> None:
    state, record = flip(EMPTY, "product", Mode.CANARY, 25)
    assert record.to_mode == "canary 25%"
    route = flags.apply_flags(TABLE, state).route_by_id("product")
    assert route is not None and route.canary.percent == 25


def test_kill_switch_sends_every_route_to_legacy_and_is_reversible() -> None:
    state, _ = flip(EMPTY, "beta", Mode.NEW)
    killed, record = flip(state, flags.KILL_SWITCH, Mode.LEGACY)
    assert "every route to legacy" in record.to_mode
    effective = flags.apply_flags(TABLE, killed)
    assert {r.mode for r in effective.routes} == {Mode.LEGACY}
    for path in ("/rest/V1/guest-carts/a/items", "/rest/V1/carts/mine/items"):
        assert routing.route(RequestMeta("GET", path, {}), effective).primary.name == "legacy"
    views, _ = flags.views(TABLE, killed)
    assert {v.source for v in views} == {"kill-switch"}
    restored, _ = flip(killed, flags.KILL_SWITCH, None)
    assert flags.apply_flags(TABLE, restored).route_by_id("beta").mode is Mode.NEW


def test_views_say_where_each_mode_comes_from() -> None:
    state, _ = flip(EMPTY, "mine", Mode.CANARY, 5)
    views, orphans = flags.views(TABLE, state)
    by_id = {v.route_id: v for v in views}
    assert by_id["mine"].source == "flip" and by_id["mine"].effective_mode == "canary 5%"
    assert by_id["mine"].file_mode == "canary 30%"
    assert by_id["product"].source == "file" and orphans == []


def test_a_flip_survives_a_reload_that_changes_the_file() -> None:
    state, _ = flip(EMPTY, "product", Mode.LEGACY)
    reloaded = config.parse(
        ROUTES.replace("mode: shadow\n    shadow: {sample: 0.25}", "mode: new"),
        source="routes.yaml",
        env={},
    )
    assert reloaded.route_by_id("product").mode is Mode.NEW
    assert flags.apply_flags(reloaded, state).route_by_id("product").mode is Mode.LEGACY


def test_orphaned_flips_are_listed_and_can_be_cleared() -> None:
    state = flags.FlagState(overrides={"gone": flags.Override(Mode.NEW, None, "bob", "x", 1.0)})
    _, orphans = flags.views(TABLE, state)
    assert orphans == ["gone"]
    cleared, _ = flip(state, "gone", None)
    assert cleared.overrides == {}


@pytest.mark.parametrize(
    ("route_id", "mode", "percent", "reason", "message"),
    [
        pytest.param("nope", Mode.NEW, None, "r", "unknown route 'nope'", id="unknown-route"),
        pytest.param("off", Mode.NEW, None, "r", "no new backend", id="no-new-backend"),
        pytest.param("product", Mode.CANARY, None, "r", "canary needs --percent", id="no-pct"),
        pytest.param("product", Mode.CANARY, 120, "r", "within [0, 100]", id="pct-range"),
        pytest.param("product", Mode.NEW, 5, "r", "only applies to canary", id="pct-not-canary"),
        pytest.param("product", Mode.NEW, None, "  ", "a reason is required", id="no-reason"),
        pytest.param("product", None, None, "r", "no flip to clear", id="nothing-to-clear"),
        pytest.param(
            flags.KILL_SWITCH, Mode.NEW, None, "r", "only send every route to legacy", id="kill-new"
        ),
        pytest.param(flags.KILL_SWITCH, None, None, "r", "not on", id="kill-clear-off"),
    ],
)
def test_bad_flips_are_refused(
    route_id: str, mode: Mode | None, percent: float | None, reason: str, message: str
) -> None:
    with pytest.raises(FlagError, match=message.replace("[", r"\[").replace("]", r"\]")):
        flip(EMPTY, route_id, mode, percent, reason)
