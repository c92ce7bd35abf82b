"""The divergence dashboard as server-rendered HTML (pure: values in, text out).

How this works: three pages and a login form, each a whole document with a small inline
stylesheet and one tiny inline script (auto-refresh every 10 s, toggled by a checkbox and
remembered in localStorage). Both inline blocks are constants, so the Content-Security-Policy
allows exactly them by hash (`CSP`): no other script runs, whatever a stored body contains.
Every value that comes from a request, an answer, a path, a header or a route id goes through
`e()` (html.escape, quote=True) or, inside a link, `_href()`; no event handler attribute is
ever built from data.

    overview_html   one row per route: mode, traffic, shadowed, match rate, mismatches,
                    errors, drops, ignored (noise), examples kept, top diverging fields
    route_html      one route's counts and fields, and its newest examples (paged by id)
    divergence_html one example: the differences, then request, legacy and new side by side
                    with bodies pretty-printed and the differing paths in <mark>
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from strangler.store import DivergenceRecord, MinuteStats, Side

WINDOWS = {"5m": 5, "1h": 60, "24h": 24 * 60}  # window name -> minutes
DEFAULT_WINDOW = "1h"
TOP_FIELDS = 3
MAX_DEPTH = 64  # deeper JSON is shown as one line of text
SUBTREE_KINDS = frozenset({"value", "type", "missing", "extra", "body"})

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1em;background:#1d232a;color:#fff}
header a{color:#9fd3ff}main{padding:1em}h1{font-size:1.1em;margin:0}h2{font-size:1em}
table{border-collapse:collapse;background:#fff;margin-bottom:1em}
th,td{border:1px solid #dde1e6;padding:.3em .6em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00020;font-weight:600}
.muted{color:#6b7480}.win a.on{font-weight:700;color:#fff;text-decoration:none}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}.sides>section{min-width:0}
pre{background:#fff;border:1px solid #dde1e6;padding:.5em;overflow:auto;margin:0}
mark{background:#ffe08a}code{word-break:break-all}
"""
SCRIPT = """
(function () {
  var box = document.getElementById("auto-refresh");
  if (!box) { return; }
  var key = "strangler.dashboard.refresh", timer = null;
  try { box.checked = window.localStorage.getItem(key) !== "off"; } catch (err) {}
  function arm() {
    if (timer !== null) { clearTimeout(timer); timer = null; }
    if (box.checked) { timer = setTimeout(function () { location.reload(); }, 10000); }
  }
  box.addEventListener("change", function () {
    try { window.localStorage.setItem(key, box.checked ? "on" : "off"); } catch (err) {}
    arm();
  });
  arm();
})();
"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


CSP = (
    f"default-src 'none'; script-src '{_sha256(SCRIPT)}'; style-src '{_sha256(STYLE)}'; "
    "img-src 'none'; connect-src 'none'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = {  # for every dashboard answer
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True, slots=True)
class RouteRow:
    """One overview line: a route, its effective mode and its counts over the window."""

    route_id: str
    mode: str
    stats: MinuteStats


# -- pure helpers ------------------------------------------------------------------------------


def e(value: object) -> str:
    """Escaped for HTML text and attribute values alike."""
    return html.escape(str(value), quote=True)


def _href(*parts: str, query: str = "") -> str:
    path = "/".join(quote(p, safe="") for p in parts)
    return e(f"/{path}{'?' + query if query else ''}")


def window_minutes(window: str) -> int | None:
    """Minutes in a window name (`5m`, `1h`, `24h`), None for any other name."""
    return WINDOWS.get(window)


def merge_stats(rows: Iterable[MinuteStats]) -> dict[str, MinuteStats]:
    """Rows summed per route (store totals plus counts not flushed yet)."""
    out: dict[str, MinuteStats] = {}
    for row in rows:
        seen = out.get(row.route_id)
        out[row.route_id] = row if seen is None else seen.plus(row)
    return out


def top_fields(stats: MinuteStats, n: int) -> list[tuple[str, int]]:
    return sorted(stats.fields.items(), key=lambda item: (-item[1], item[0]))[:n]


def match_rate(stats: MinuteStats) -> str:
    return f"{100 * stats.match / stats.shadowed:.1f}%" if stats.shadowed else "—"


def when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _n(value: int) -> str:
    return f"{value:,}"


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError, TypeError):
        return '"… (nested too deep to show)"'


# -- the page ----------------------------------------------------------------------------------


def _page(title: str, body: str, *, refresh: bool, windows: tuple[str, str] | None) -> str:
    """A whole document; `windows` = (path, current window) adds the window links."""
    nav = ""
    if windows is not None:
        path, current = windows
        links = " ".join(
            f'<a href="{e(path)}?window={w}"{" class=on" if w == current else ""}>{w}</a>'
            for w in WINDOWS
        )
        nav = f'<span class="win">window: {links}</span>'
    toggle = (
        '<label><input type="checkbox" id="auto-refresh" checked> auto-refresh 10 s</label>'
        if refresh
        else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(title)} · strangler</title><style>{STYLE}</style></head><body>"
        f'<header><h1><a href="/dashboard">strangler</a> · {e(title)}</h1>{nav}{toggle}</header>'
        f"<main>{body}</main><script>{SCRIPT}</script></body></html>"
    )


def login_html(next_path: str, failed: bool = False) -> str:
    """The form a browser without the admin cookie gets (POST keeps the token out of URLs)."""
    problem = '<p class="bad">That token is not right.</p>' if failed else ""
    body = (
        f"{problem}<form method=post action=/dashboard/login>"
        f'<input type=hidden name=next value="{e(next_path)}">'
        "<label>Admin token <input type=password name=token autocomplete=off autofocus></label> "
        "<button>Sign in</button></form>"
        '<p class="muted">Or open a dashboard link once with <code>?token=…</code>: it sets an '
        "HttpOnly cookie and drops the token from the address.</p>"
    )
    return _page("sign in", body, refresh=False, windows=None)


# -- overview ----------------------------------------------------------------------------------

OVERVIEW_HEAD = (
    "<tr><th>route</th><th>mode</th><th>requests</th><th>shadowed</th><th>match rate</th>"
    "<th>mismatch</th><th>error</th><th>dropped</th><th>ignored (noise)</th>"
    "<th>kept / not kept</th><th>top diverging fields</th></tr>"
)


def _fields_cell(stats: MinuteStats, n: int) -> str:
    return "<br>".join(
        f"<code>{e(name)}</code> <span class=muted>×{_n(count)}</span>"
        for name, count in top_fields(stats, n)
    )


def _overview_row(row: RouteRow, window: str) -> str:
    s = row.stats
    rate_class = " bad" if s.shadowed and s.match < s.shadowed else ""
    link = _href("dashboard", "routes", row.route_id, query=f"window={window}")
    cells = [
        f'<td><a href="{link}">{e(row.route_id)}</a></td>',
        f"<td>{e(row.mode)}</td>",
        f'<td class="n">{_n(s.requests)}</td>',
        f'<td class="n">{_n(s.shadowed)}</td>',
        f'<td class="n{rate_class}">{match_rate(s)}</td>',
        f'<td class="n{" bad" if s.mismatch else ""}">{_n(s.mismatch)}</td>',
        f'<td class="n{" bad" if s.error else ""}">{_n(s.error)}</td>',
        f'<td class="n">{_n(s.dropped)}</td>',
        f'<td class="n">{_n(s.ignored)} ({_n(s.noise)})</td>',
        f'<td class="n">{_n(s.kept)} / {_n(s.not_kept)}</td>',
        f"<td>{_fields_cell(s, TOP_FIELDS)}</td>",
    ]
    return f'<tr data-route="{e(row.route_id)}">{"".join(cells)}</tr>'


def overview_html(rows: Sequence[RouteRow], window: str, now: float) -> str:
    """Every route's traffic and divergence over `window`, as of `now`."""
    body = (
        f"<p class=muted>last {e(window)} as of {when(now)} UTC</p>"
        f"<table id=routes>{OVERVIEW_HEAD}{''.join(_overview_row(r, window) for r in rows)}"
        "</table>"
    )
    return _page("divergences", body, refresh=True, windows=("/dashboard", window))


# -- one route ---------------------------------------------------------------------------------


def _summary(record: DivergenceRecord, n: int = 3) -> str:
    parts = [f"{d.get('kind', '')} {d.get('path', '')}" for d in record.differences[:n]]
    more = len(record.differences) - n
    if more > 0:
        parts.append(f"(+{more})")
    if not parts and record.outcome == "error":
        parts = [record.legacy.error or record.new.error or "error"]
    return e(", ".join(str(p) for p in parts))


def _record_row(record: DivergenceRecord) -> str:
    link = _href("dashboard", "divergences", record.id)
    return (
        f'<tr><td><a href="{link}">{when(record.at)}</a></td><td><code>{e(record.request_id)}'
        f"</code></td><td>{e(record.method)}</td><td><code>{e(record.path)}</code></td>"
        f"<td>{e(record.outcome)}</td><td>{_summary(record)}</td></tr>"
    )


def _counts_table(stats: MinuteStats) -> str:
    names = MinuteStats.COUNTERS
    head = "".join(f"<th>{name.replace('_', ' ')}</th>" for name in names)
    cells = "".join(f'<td class="n">{_n(getattr(stats, name))}</td>' for name in names)
    return f"<table id=counts><tr>{head}<th>match rate</th></tr><tr>{cells}<td class=n>" + (
        f"{match_rate(stats)}</td></tr></table>"
    )


def route_html(
    route_id: str,
    stats: MinuteStats,
    records: Sequence[DivergenceRecord],
    window: str,
    *,
    mode: str = "",
    older: str | None = None,
) -> str:
    """One route over `window`: counts, every diverging field, newest examples first."""
    fields = "".join(
        f'<tr><td><code>{e(name)}</code></td><td class="n">{_n(count)}</td></tr>'
        for name, count in top_fields(stats, len(stats.fields))
    )
    rows = "".join(_record_row(r) for r in records) or (
        '<tr><td colspan=6 class="muted">no examples kept in this window</td></tr>'
    )
    more = ""
    if older is not None:
        query = f"window={window}&before={quote(older, safe='')}"
        more = f'<p><a id=older href="{_href("dashboard", "routes", route_id, query=query)}">'
        more += "older examples →</a></p>"
    body = (
        f"<p>mode <b>{e(mode or '—')}</b> · last {e(window)}</p>{_counts_table(stats)}"
        f"<h2>diverging fields</h2><table id=fields><tr><th>kind path</th><th>count</th></tr>"
        f"{fields}</table><h2>examples</h2><table id=examples><tr><th>time (UTC)</th>"
        f"<th>request id</th><th>method</th><th>path</th><th>outcome</th><th>differences</th>"
        f"</tr>{rows}</table>{more}"
    )
    path = f"/dashboard/routes/{quote(route_id, safe='')}"
    return _page(f"route {route_id}", body, refresh=True, windows=(path, window))


# -- one example -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Marks:
    """Paths to highlight: a whole subtree, or just the line that opens it."""

    subtree: frozenset[str]
    line: frozenset[str]

    @classmethod
    def of(cls, differences: Iterable[Mapping[str, Any]]) -> Marks:
        subtree: set[str] = set()
        line: set[str] = set()
        for d in differences:
            path = str(d.get("path", ""))
            (subtree if d.get("kind") in SUBTREE_KINDS else line).add(path)
        return cls(frozenset(subtree), frozenset(line))

    def covers(self, path: str) -> bool:
        return any(path == p or path.startswith((p + ".", p + "[")) for p in self.subtree)

    def marks(self, path: str, opening: bool) -> bool:
        return self.covers(path) or (opening and path in self.line)


def json_lines(value: Any, marks: Marks) -> Iterator[str]:
    """Pretty-printed JSON, one escaped line at a time, the marked paths in <mark>."""
    for path, opening, text in _lines(value, "$", None, False, 0):
        yield f"<mark>{text}</mark>" if marks.marks(path, opening) else text


def _lines(
    value: Any, path: str, key: str | None, comma: bool, depth: int
) -> Iterator[tuple[str, bool, str]]:
    pad = "  " * depth
    lead = pad + (f"{e(_json_text(key))}: " if key is not None else "")
    tail = "," if comma else ""
    container = isinstance(value, dict | list) and value and depth < MAX_DEPTH
    if not container:
        yield path, True, lead + e(_json_text(value)) + tail
        return
    items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    opener, closer = ("{", "}") if isinstance(value, dict) else ("[", "]")
    yield path, True, lead + opener
    for i, (k, v) in enumerate(items):
        child = f"{path}.{k}" if isinstance(value, dict) else f"{path}[{k}]"
        name = str(k) if isinstance(value, dict) else None
        yield from _lines(v, child, name, i < len(items) - 1, depth + 1)
    yield path, False, pad + closer + tail


def body_html(text: str, truncated: bool, marks: Marks) -> str:
    """A stored body: pretty JSON with marks when it parses, else the text as it is."""
    note = '<p class="muted">truncated: only the first part was kept</p>' if truncated else ""
    if not text:
        return '<pre class="body muted">(empty)</pre>'
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        whole = marks.covers("body") or marks.covers("$")
        shown = f"<mark>{e(text)}</mark>" if whole else e(text)
        return f'{note}<pre class="body">{shown}</pre>'
    return f'{note}<pre class="body">' + "\n".join(json_lines(value, marks)) + "</pre>"


def _headers_table(headers: Mapping[str, str], marked: frozenset[str]) -> str:
    rows = []
    for name, value in sorted(headers.items()):
        cells = f"<td>{e(name)}</td><td><code>{e(value)}</code></td>"
        if name.lower() in marked:
            cells = f"<td><mark>{e(name)}</mark></td><td><mark><code>{e(value)}</code></mark></td>"
        rows.append(f"<tr>{cells}</tr>")
    return f"<table class=headers>{''.join(rows)}</table>"


def _side_html(title: str, side: Side, marks: Marks, headers: frozenset[str]) -> str:
    status = f"<mark>{side.status}</mark>" if marks.marks("status", True) else str(side.status)
    error = f' <span class="bad">{e(side.error)}</span>' if side.error else ""
    elapsed = f"{side.elapsed_ms:.1f}"
    return (
        f'<section class="side" id="{title}"><h2>{title}: status {status}{error} '
        f'<span class="muted">{elapsed} ms</span></h2>{_headers_table(side.headers, headers)}'
        f"{body_html(side.body, side.truncated, marks)}</section>"
    )


def _difference_rows(differences: Sequence[Mapping[str, Any]]) -> str:
    return "".join(
        f"<tr><td>{e(d.get('kind', ''))}</td><td><code>{e(d.get('path', ''))}</code></td>"
        f"<td><code>{e(_json_text(d.get('legacy')))}</code></td>"
        f"<td><code>{e(_json_text(d.get('new')))}</code></td></tr>"
        for d in differences
    )


def divergence_html(record: DivergenceRecord) -> str:
    """One example: what differed, then the request and both answers side by side."""
    marks = Marks.of(record.differences)
    headers = frozenset(
        str(d.get("path", ""))[len("header:") :].lower()
        for d in record.differences
        if str(d.get("path", "")).startswith("header:")
    )
    head = "<tr><th>kind</th><th>path</th><th>legacy</th><th>new</th></tr>"
    ignored = ""
    if record.ignored:
        ignored = "<h2>ignored (excused by the route's rules or as noise)</h2><table "
        ignored += f'id=ignored class="muted">{head}{_difference_rows(record.ignored)}</table>'
    route_link = _href("dashboard", "routes", record.route_id)
    body = (
        f'<p><a href="{route_link}">route {e(record.route_id)}</a> · {when(record.at)} UTC · '
        f"request <code>{e(record.request_id)}</code> · {e(record.outcome)}</p>"
        f"<h2>differences</h2><table id=differences>{head}"
        f"{_difference_rows(record.differences)}</table>{ignored}"
        f"<h2>request</h2><p><code>{e(record.method)} {e(record.path)}</code></p>"
        f"{_headers_table(record.request_headers, frozenset())}"
        f"{body_html(record.request_body, False, Marks(frozenset(), frozenset()))}"
        f'<div class="sides">{_side_html("legacy", record.legacy, marks, headers)}'
        f"{_side_html('new', record.new, marks, headers)}</div>"
    )
    return _page(f"divergence {record.id}", body, refresh=False, windows=None)
