"""The divergence dashboard and its JSON twins on the admin listener, and the sign-in for it.

The pages (`strangler.dashboard`, pure HTML) and the JSON endpoints read the divergence store
and the StoreSink's counts not flushed yet:

    GET  /dashboard?window=5m|1h|24h          every route: traffic, match rate, top fields
    GET  /dashboard/routes/{id}?window=&before=   one route's counts and newest examples
    GET  /dashboard/divergences/{id}           one example, legacy and new side by side
    GET  /divergences?route=&limit=&before=&since=    GET /divergences/{id}    GET /stats?window=

A browser cannot send the bearer header when following a link, so GET requests also accept
the cookie `strangler_admin` (HttpOnly, SameSite=Strict; its value is an HMAC of the token,
never the token). It is set by opening any /dashboard URL once with `?token=<token>` — the
answer is a redirect to the same URL without the token — or by the sign-in form that
/dashboard answers without it (POST /dashboard/login). The cookie never authorises a POST.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from aiohttp import web

from strangler import dashboard
from strangler.admin_base import ADMIN, error, stored
from strangler.flags import views
from strangler.runtime import Runtime
from strangler.store import DivergenceRecord, DivergenceStore, MinuteStats

COOKIE = "strangler_admin"
LOGIN_PATH = "/dashboard/login"
PAGE = 50  # examples per page on a route's dashboard
MAX_DIVERGENCE_LIMIT = 1000

log = structlog.get_logger("strangler.admin")


class LiveStats(Protocol):
    """Counts not in the store yet (the StoreSink between two flushes)."""

    def live_stats(self) -> list[MinuteStats]: ...


@dataclass(frozen=True)
class Divergences:
    """What the dashboard reads, held by the app under `DIVERGENCES`."""

    store: DivergenceStore | None
    live: LiveStats | None
    cookie: str  # the dashboard cookie's value: HMAC-SHA256(token, COOKIE)


DIVERGENCES = web.AppKey("divergences", Divergences)


def add_routes(
    app: web.Application, token: str, store: DivergenceStore | None, live: LiveStats | None
) -> None:
    cookie = hmac.new(token.encode(), COOKIE.encode(), hashlib.sha256).hexdigest()
    app[DIVERGENCES] = Divergences(store, live, cookie)
    app.router.add_get("/dashboard", get_dashboard)
    app.router.add_post(LOGIN_PATH, post_login)
    app.router.add_get("/dashboard/routes/{route_id}", get_dashboard_route)
    app.router.add_get("/dashboard/divergences/{record_id}", get_dashboard_divergence)
    app.router.add_get("/divergences", get_divergences)
    app.router.add_get("/divergences/{record_id}", get_divergence)
    app.router.add_get("/stats", get_stats)


def login_page(request: web.Request) -> web.Response:
    """What a browser without the cookie gets: the sign-in form (401)."""
    return html(dashboard.login_html(request.path_qs), status=401)


# -- dashboard sign-in -------------------------------------------------------------------------


def has_cookie(request: web.Request) -> bool:
    """The dashboard cookie, for reading only: a cross-site form can never flip a route."""
    given = request.cookies.get(COOKIE, "").encode("utf-8", "surrogateescape")
    expected = request.app[DIVERGENCES].cookie.encode()
    return request.method in ("GET", "HEAD") and hmac.compare_digest(given, expected)


def _token_is_right(request: web.Request, token: str) -> bool:
    given = f"Bearer {token}".encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given, request.app[ADMIN].bearer)


def _signed_in(request: web.Request, location: str) -> web.Response:
    response = web.Response(status=303, headers={"Location": location, **dashboard.HEADERS})
    response.set_cookie(
        COOKIE, request.app[DIVERGENCES].cookie, httponly=True, samesite="Strict", path="/"
    )
    log.info("dashboard_signed_in", path=request.path)
    return response


def token_login(request: web.Request) -> web.Response:
    """`?token=` sets the cookie and redirects to the same URL without the token."""
    rest = [(k, v) for k, v in request.query.items() if k != "token"]
    location = str(request.rel_url.with_query(rest))
    if not _token_is_right(request, request.query["token"]):
        log.warning("admin_unauthorized", method=request.method, path=request.path)
        return html(dashboard.login_html(location, failed=True), status=401)
    return _signed_in(request, location)


def _safe_next(text: str) -> str:
    """Where to go after signing in: a dashboard path on this host, never elsewhere."""
    if text.startswith("/dashboard") and "//" not in text and "\\" not in text:
        return text
    return "/dashboard"


async def post_login(request: web.Request) -> web.Response:
    form = await request.post()
    token, target = str(form.get("token", "")), _safe_next(str(form.get("next", "")))
    if not _token_is_right(request, token):
        log.warning("admin_unauthorized", method=request.method, path=request.path)
        return html(dashboard.login_html(target, failed=True), status=401)
    return _signed_in(request, target)


# -- divergences: dashboard and JSON -----------------------------------------------------------


def html(text: str, status: int = 200) -> web.Response:
    return web.Response(
        text=text, status=status, content_type="text/html", headers=dashboard.HEADERS
    )


def _window(request: web.Request) -> tuple[str, int]:
    name = request.query.get("window", dashboard.DEFAULT_WINDOW)
    minutes = dashboard.window_minutes(name)
    if minutes is None:
        choices = ", ".join(dashboard.WINDOWS)
        raise error(web.HTTPBadRequest, f"window must be one of {choices}, got {name!r}")
    return name, minutes


async def _totals(
    request: web.Request, since_minute: int, route_id: str | None = None
) -> dict[str, MinuteStats]:
    """Per-route counts since `since_minute`: the store's plus those not flushed yet."""
    source = request.app[DIVERGENCES]
    rows: list[MinuteStats] = []
    if source.store is not None:
        rows += await stored(source.store.totals(since_minute, route_id), "divergence store")
    if source.live is not None:
        rows += [
            s
            for s in source.live.live_stats()
            if s.minute >= since_minute and route_id in (None, s.route_id)
        ]
    return dashboard.merge_stats(rows)


def _since_minute(request: web.Request, minutes: int) -> int:
    return int(request.app[ADMIN].clock() // 60) - minutes + 1


def _modes(runtime: Runtime) -> dict[str, str]:
    route_views, _ = views(runtime.file_table, runtime.flags)
    return {v.route_id: v.effective_mode for v in route_views}


async def get_dashboard(request: web.Request) -> web.Response:
    window, minutes = _window(request)
    since = _since_minute(request, minutes)
    totals = await _totals(request, since)
    modes = _modes(request.app[ADMIN].runtime)
    ids = [*modes, *sorted(set(totals) - set(modes))]  # file order, then default, rejected ...
    rows = [
        dashboard.RouteRow(i, modes.get(i, "—"), totals.get(i) or MinuteStats(i, since))
        for i in ids
    ]
    return html(dashboard.overview_html(rows, window, request.app[ADMIN].clock()))


async def _recent(
    request: web.Request, route_id: str | None, since: float, limit: int
) -> list[DivergenceRecord]:
    store = request.app[DIVERGENCES].store
    if store is None:
        return []
    before = request.query.get("before") or None
    found = store.recent(route_id, since=since, limit=limit, before_id=before)
    return await stored(found, "divergence store")


async def get_dashboard_route(request: web.Request) -> web.Response:
    route_id = request.match_info["route_id"]
    window, minutes = _window(request)
    since = _since_minute(request, minutes)
    stats = (await _totals(request, since, route_id)).get(route_id) or MinuteStats(route_id, since)
    records = await _recent(request, route_id, since * 60.0, PAGE)
    older = records[-1].id if len(records) == PAGE else None
    mode = _modes(request.app[ADMIN].runtime).get(route_id, "")
    page = dashboard.route_html(route_id, stats, records, window, mode=mode, older=older)
    return html(page)


async def _record(request: web.Request) -> DivergenceRecord:
    store, record_id = request.app[DIVERGENCES].store, request.match_info["record_id"]
    record = None if store is None else await stored(store.get(record_id), "divergence store")
    if record is None:
        raise error(web.HTTPNotFound, f"no divergence {record_id!r} (pruned, or never kept)")
    return record


async def get_dashboard_divergence(request: web.Request) -> web.Response:
    return html(dashboard.divergence_html(await _record(request)))


def _record_json(record: DivergenceRecord) -> dict[str, Any]:
    return {"id": record.id, **record.document()}


async def get_divergences(request: web.Request) -> web.Response:
    text = request.query.get("limit", str(PAGE))
    if not text.isdigit() or not 1 <= int(text) <= MAX_DIVERGENCE_LIMIT:
        raise error(
            web.HTTPBadRequest,
            f"limit must be an integer in [1, {MAX_DIVERGENCE_LIMIT}], got {text!r}",
        )
    try:
        since = float(request.query.get("since", "0"))
    except ValueError:
        raise error(web.HTTPBadRequest, "since must be a unix time in seconds") from None
    records = await _recent(request, request.query.get("route") or None, since, int(text))
    return web.json_response({"divergences": [_record_json(r) for r in records]})


async def get_divergence(request: web.Request) -> web.Response:
    return web.json_response(_record_json(await _record(request)))


async def get_stats(request: web.Request) -> web.Response:
    window, minutes = _window(request)
    since = _since_minute(request, minutes)
    totals = await _totals(request, since)
    routes = [
        {"route_id": route_id, **row.counts(), "fields": dict(row.fields)}
        for route_id, row in sorted(totals.items())
    ]
    return web.json_response({"window": window, "since_minute": since, "routes": routes})
