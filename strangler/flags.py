"""Flips: operators override a route's mode (and canary percent) without editing routes.yaml.

How this works: the flag store keeps the current `Override` per route id plus an optional
global kill switch, and an append-only audit log of `Flip`s (who, when, from, to, why).
`apply_flags(table, state)` derives the effective table: the kill switch sends every route to
legacy; otherwise an override replaces the file's mode for that route until it is cleared. A
reload keeps overrides (they are keyed by route id), and `views()` says for every route whether
its mode comes from the file, a flip or the kill switch, and which overrides no longer match a
route in the file. `plan_flip()` validates a requested flip against the table and returns the
audit record to store. Pure: the clock is an input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from strangler.errors import FlagError
from strangler.model import CanaryOptions, Mode, Route, RouteTable

KILL_SWITCH = "*"


@dataclass(frozen=True, slots=True)
class Override:
    mode: Mode
    percent: float | None  # canary percent; None keeps the file's
    actor: str
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class FlagState:
    overrides: Mapping[str, Override] = field(default_factory=dict)
    kill_switch: Override | None = None


@dataclass(frozen=True, slots=True)
class Flip:
    """One audit record: a route (or `*` for the kill switch) moved from one state to another."""

    route_id: str
    from_mode: str  # "shadow", "canary 10%", "file", ...
    to_mode: str
    actor: str
    reason: str
    at: float


def _label(mode: Mode, percent: float | None) -> str:
    if mode is Mode.CANARY and percent is not None:
        return f"canary {percent:g}%"
    return mode.value


def effective_route(route: Route, state: FlagState) -> Route:
    if state.kill_switch is not None:
        return replace(route, mode=Mode.LEGACY)
    override = state.overrides.get(route.id)
    if override is None:
        return route
    canary = route.canary
    if override.percent is not None:
        canary = CanaryOptions(override.percent, route.canary.sticky)
    return replace(route, mode=override.mode, canary=canary)


def apply_flags(table: RouteTable, state: FlagState) -> RouteTable:
    """The table the proxy routes with: the file's, with flips and the kill switch applied."""
    return replace(table, routes=tuple(effective_route(r, state) for r in table.routes))


@dataclass(frozen=True, slots=True)
class RouteView:
    route_id: str
    file_mode: str
    effective_mode: str
    source: str  # file | flip | kill-switch
    override: Override | None
    new: str | None


def views(table: RouteTable, state: FlagState) -> tuple[list[RouteView], list[str]]:
    """Every route's effective mode and where it comes from; and orphaned override ids."""
    out = []
    for route in table.routes:
        eff = effective_route(route, state)
        if state.kill_switch is not None:
            source, override = "kill-switch", state.kill_switch
        elif route.id in state.overrides:
            source, override = "flip", state.overrides[route.id]
        else:
            source, override = "file", None
        out.append(
            RouteView(
                route.id,
                _label(route.mode, route.canary.percent),
                _label(eff.mode, eff.canary.percent),
                source,
                override,
                route.new,
            )
        )
    known = {r.id for r in table.routes}
    return out, sorted(rid for rid in state.overrides if rid not in known)


def _current_label(table: RouteTable, state: FlagState, route: Route) -> str:
    eff = effective_route(route, replace(state, kill_switch=None))
    return _label(eff.mode, eff.canary.percent)


def plan_flip(
    table: RouteTable,
    state: FlagState,
    route_id: str,
    mode: Mode | None,
    percent: float | None,
    *,
    actor: str,
    reason: str,
    at: float,
) -> tuple[FlagState, Flip]:
    """Validate a flip (mode None = clear the override) -> (new state, audit record)."""
    if not reason.strip():
        raise FlagError("a reason is required for the audit trail")
    if route_id == KILL_SWITCH:
        return _kill(state, mode, actor=actor, reason=reason, at=at)
    route = table.route_by_id(route_id)
    if route is None:
        if mode is None and route_id in state.overrides:  # clearing an orphaned flip is fine
            overrides = {k: v for k, v in state.overrides.items() if k != route_id}
            return replace(state, overrides=overrides), Flip(
                route_id, _label(state.overrides[route_id].mode, None), "file", actor, reason, at
            )
        known = ", ".join(r.id for r in table.routes) or "none"
        raise FlagError(f"unknown route {route_id!r} (routes: {known})")
    before = _current_label(table, state, route)
    if mode is None:
        if route_id not in state.overrides:
            raise FlagError(f"route {route_id!r} has no flip to clear")
        overrides = {k: v for k, v in state.overrides.items() if k != route_id}
        return replace(state, overrides=overrides), Flip(
            route_id,
            before,
            f"file ({_label(route.mode, route.canary.percent)})",
            actor,
            reason,
            at,
        )
    if mode is not Mode.LEGACY and route.new is None:
        raise FlagError(f"route {route_id!r} has no new backend: it can only be legacy")
    if mode is Mode.CANARY:
        if percent is None:
            raise FlagError("canary needs --percent")
        if not 0 <= percent <= 100:
            raise FlagError(f"percent must be within [0, 100], got {percent:g}")
    elif percent is not None:
        raise FlagError("--percent only applies to canary")
    override = Override(mode, percent, actor, reason, at)
    overrides = {**state.overrides, route_id: override}
    return replace(state, overrides=overrides), Flip(
        route_id, before, _label(mode, percent), actor, reason, at
    )


def _kill(
    state: FlagState, mode: Mode | None, *, actor: str, reason: str, at: float
) -> tuple[FlagState, Flip]:
    if mode is None:
        if state.kill_switch is None:
            raise FlagError("the kill switch is not on")
        return replace(state, kill_switch=None), Flip(
            KILL_SWITCH, "kill switch on", "kill switch off", actor, reason, at
        )
    if mode is not Mode.LEGACY:
        raise FlagError("the kill switch can only send every route to legacy")
    override = Override(Mode.LEGACY, None, actor, reason, at)
    return replace(state, kill_switch=override), Flip(
        KILL_SWITCH, "kill switch off", "kill switch on: every route to legacy", actor, reason, at
    )
