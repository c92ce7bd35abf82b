"""The `strangler` command: argv -> subcommand, each a thin function over library code.

How this works: `check` and `explain` need no server — they parse routes.yaml with
`config.load` (filling `${VAR}` from the environment) and, for `explain`, normalise the path
the way the proxy does and call `routing.route`. `routes`, `flip`, `kill-switch`, `audit` and
`reload` talk to a running proxy's admin API (`--admin`; default $STRANGLER_ADMIN_URL, else
http://127.0.0.1 on $STRANGLER_ADMIN_PORT, 8079) with the token from $STRANGLER_ADMIN_TOKEN —
never a flag, so it stays out of shell history and `ps` — print a readable record, and exit 1
with the server's message when it refuses. `serve` starts the proxy (strangler.server).
`main(argv)` returns the exit status: 0 fine, 1 a problem with what was asked, 2 a problem
with the invocation or the settings.

    strangler check routes.yaml
    strangler explain GET /rest/default/V1/products/24-MB01 --customer-id 7
    strangler flip catalog-product --mode canary --percent 10 --reason "parity clean for 24h"
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from legacy_adapters.magento_wire import urls
from strangler import __version__, config, routing
from strangler.errors import ConfigError, SettingsError
from strangler.model import WRITE_METHODS, Decision, Mode, RequestMeta, Route, RouteTable
from strangler.settings import Settings

WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
ADMIN_TIMEOUT_S = 10.0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env(os.environ)
        status: int = args.run(args, settings)
    except SettingsError as exc:
        print(f"strangler: {exc}", file=sys.stderr)
        return 2
    return status


# -- serve, check, explain ---------------------------------------------------------------------


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the proxy and its admin API until SIGTERM."""
    server = importlib.import_module("strangler.server")  # aiohttp and friends only when serving
    status = server.main(settings)
    return status if isinstance(status, int) else 0


class _PlaceholderEnv(dict[str, str]):
    """For `explain`: an unset `${VAR}` becomes a visible placeholder URL, since nothing is
    contacted (a `check` still reports unset variables as problems)."""

    def __missing__(self, name: str) -> str:
        return f"http://{name.lower().replace('_', '-')}.unset"

    def __contains__(self, name: object) -> bool:
        return True

    def get(self, name: str, default: str | None = None) -> str:  # type: ignore[override]
        return self[name]


def _load(path: str, env: Mapping[str, str] | None = None) -> RouteTable | None:
    """The parsed table, or None after printing every located problem."""
    try:
        return config.load(path, os.environ if env is None else env)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{path}: {len(exc.problems)} problem(s)", file=sys.stderr)
        return None


def check(args: argparse.Namespace, settings: Settings) -> int:
    """Print every problem in a routes file (exit 1), or a one-line summary (exit 0)."""
    table = _load(args.routes_file)
    if table is None:
        return 1
    print(
        f"{args.routes_file}: ok, {len(table.routes)} routes, {len(table.backends)} backends, "
        f"digest {table.digest[:12]}"
    )
    return 0


def _headers(lines: list[str]) -> dict[str, str] | None:
    pairs = [line.partition(":") for line in lines]
    if any(not sep or not name.strip() for name, sep, _ in pairs):
        return None
    return {name.strip().lower(): value.strip() for name, _, value in pairs}


def explain(args: argparse.Namespace, settings: Settings) -> int:
    """Show how a request would be routed by the file (no server, no flips)."""
    headers = _headers(args.header)
    if headers is None:
        print("strangler: -H takes 'Name: value'", file=sys.stderr)
        return 2
    table = _load(args.routes or settings.routes_path, _PlaceholderEnv(os.environ))
    if table is None:
        return 1
    raw, _, query = args.path.partition("?")
    meta = RequestMeta(
        args.method.upper(),
        urls.normalize(raw),
        headers,
        dict(parse_qsl(query)),
        sample=args.sample,
        customer_id=args.customer_id,
    )
    decision = routing.route(meta, table)
    print("\n".join(explanation(meta, raw, decision, table)))
    return 0


def explanation(meta: RequestMeta, raw: str, decision: Decision, table: RouteTable) -> list[str]:
    """The lines `strangler explain` prints for one decision."""
    route = table.route_by_id(decision.route_id)
    where = "" if raw == meta.path else f"  (normalised from {raw})"
    lines = [f"request:   {meta.method} {meta.path}{where}"]
    if route is None:
        lines.append("route:     none matched: anything unmatched goes to the default backend")
    else:
        lines.append(f"route:     {route.id}  ({table.source}:{route.line})")
    lines += [
        f"mode:      {decision.mode.value}",
        f"answers:   {_backend(decision.primary.name, table)}",
        f"shadowed:  {_shadowed(meta, decision, route, table)}",
        "fallback:  " + (_backend(decision.fallback.name, table) if decision.fallback else "none"),
    ]
    if route is not None and decision.bucket is not None:
        lines.append(f"canary:    {_canary(meta, decision, route)}")
    lines.append("(modes as in the file; `strangler routes` shows a running proxy's flips)")
    return lines


def _backend(name: str, table: RouteTable) -> str:
    return f"{name} ({table.backend(name).url})"


def _shadowed(meta: RequestMeta, decision: Decision, route: Route | None, table: RouteTable) -> str:
    if decision.shadow is not None:
        return _backend(decision.shadow.name, table)
    if route is None or decision.mode is not Mode.SHADOW:
        return "nobody"
    if meta.method in WRITE_METHODS and not route.shadow.writes:
        return "nobody (writes are not shadowed on this route)"
    return f"nobody (sample {meta.sample:g} is not below shadow.sample {route.shadow.sample:g})"


def _canary(meta: RequestMeta, decision: Decision, route: Route) -> str:
    bucket = decision.bucket or 0.0
    cut = route.canary.percent / 100
    side = "new" if bucket < cut else "legacy"
    key = routing.sticky_key(route.canary.sticky, meta, dict(decision.params))
    source = f"sticky {route.canary.sticky}" if key else "no sticky key: the --sample draw"
    relation = "<" if bucket < cut else ">="
    return (
        f"bucket {bucket:.4f} ({source}) {relation} {cut:.4f} ({route.canary.percent:g}%): {side}"
    )


# -- the admin API -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int  # 0: the admin API could not be reached
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def admin_url(args: argparse.Namespace, settings: Settings) -> str:
    """--admin, else $STRANGLER_ADMIN_URL, else the address the proxy's own settings give."""
    if args.admin or os.environ.get("STRANGLER_ADMIN_URL"):
        return str(args.admin or os.environ["STRANGLER_ADMIN_URL"]).rstrip("/")
    host = "127.0.0.1" if settings.admin_host in WILDCARD_HOSTS else settings.admin_host
    return f"http://{host}:{settings.admin_port}"


def call(args: argparse.Namespace, settings: Settings, method: str, path: str, body: Any) -> Answer:
    """One admin API request with the bearer token; failures are answers too."""
    base = admin_url(args, settings)
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Authorization": f"Bearer {settings.admin_token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            return Answer(response.status, json.loads(response.read() or b"null"))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, _error_body(exc.read()))
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(0, {"message": f"cannot reach the admin API at {base}: {reason}"})


def _error_body(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return {"message": raw.decode(errors="replace")[:500]}


def _refused(answer: Answer) -> int:
    body = answer.body if isinstance(answer.body, dict) else {}
    where = f" (HTTP {answer.status})" if answer.status else ""
    print(f"strangler: {body.get('message', 'no message')}{where}", file=sys.stderr)
    for problem in body.get("problems", []):
        print(f"  {problem}", file=sys.stderr)
    return 1


def _no_body(args: argparse.Namespace) -> Any:
    return None


@dataclass(frozen=True)
class AdminCall:
    """A subcommand that makes one admin API call and prints the answer with `show`."""

    method: str
    path: str  # formatted with the parsed arguments: "/audit?limit={limit}"
    show: Callable[[Any], str]
    body: Callable[[argparse.Namespace], Any] = _no_body

    def __call__(self, args: argparse.Namespace, settings: Settings) -> int:
        if not settings.admin_token:
            print("strangler: set STRANGLER_ADMIN_TOKEN to the admin token", file=sys.stderr)
            return 2
        path = self.path.format(**vars(args))
        answer = call(args, settings, self.method, path, self.body(args))
        if not answer.ok:
            return _refused(answer)
        print(self.show(answer.body))
        return 0


def _when(at: float | None) -> str:
    return "-" if at is None else datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _by(entry: Mapping[str, Any] | None) -> str:
    if not entry:
        return ""
    return f"{entry['actor']} at {_when(entry['at'])}: {entry['reason']}"


def show_routes(body: Mapping[str, Any]) -> str:
    """`strangler routes`: every route's effective mode and where it comes from."""
    cfg, kill = body["config"], body["kill_switch"]
    rows = [["ROUTE", "FILE", "EFFECTIVE", "SOURCE", "NEW", "FLIPPED BY"]]
    for r in body["routes"]:
        rows.append([r["id"], r["file_mode"], r["effective_mode"], r["source"], r["new"] or "-"])
        rows[-1].append(_by(r["override"]))
    lines = [
        f"config: {cfg['source']}  digest {cfg['digest'][:12]}  loaded {_when(cfg['loaded_at'])}",
        f"kill switch: ON, every route to legacy ({_by(kill)})" if kill else "kill switch: off",
        "",
        _table(rows),
    ]
    if body["orphaned_flips"]:
        lines += [
            "",
            "flips for routes no longer in the file (clear with `strangler flip --clear`):",
        ]
        lines += [f"  {o['id']}: {o['mode']} ({_by(o)})" for o in body["orphaned_flips"]]
    return "\n".join(lines)


def show_flip(record: Mapping[str, Any]) -> str:
    """One audit record on one line."""
    return (
        f"{_when(record['at'])}  {record['route_id']}: {record['from_mode']} -> "
        f"{record['to_mode']}  by {record['actor']}: {record['reason']}"
    )


def show_audit(body: Mapping[str, Any]) -> str:
    records = body["audit"]
    if not records:
        return "no flips recorded"
    rows = [["WHEN", "ROUTE", "FROM", "TO", "ACTOR", "REASON"]]
    rows += [
        [_when(r["at"]), r["route_id"], r["from_mode"], r["to_mode"], r["actor"], r["reason"]]
        for r in records
    ]
    return _table(rows)


def show_reload(body: Mapping[str, Any]) -> str:
    change = "changed" if body["changed"] else "unchanged"
    kept = ", ".join(body["flipped_routes"])
    flips = f"; flips still override: {kept}" if kept else ""
    return f"reloaded: digest {body['digest'][:12]} ({change}){flips}"


def _flip_body(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "route": args.route,
        "mode": None if args.clear else args.mode,
        "percent": args.percent,
        "reason": args.reason,
        "actor": args.actor,
    }


def _switch_body(args: argparse.Namespace) -> dict[str, Any]:
    return {"on": args.state == "on", "reason": args.reason, "actor": args.actor}


def _reload_body(args: argparse.Namespace) -> dict[str, Any]:
    return {"reason": args.reason, "actor": args.actor}


# -- argv --------------------------------------------------------------------------------------


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a bare container)
        return "cli"


def _admin_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--admin",
        help="admin API base URL (default: $STRANGLER_ADMIN_URL, else http://127.0.0.1 on "
        "$STRANGLER_ADMIN_PORT, 8079)",
    )
    common.add_argument("--timeout", type=float, default=ADMIN_TIMEOUT_S, help=argparse.SUPPRESS)
    return common


def _who(parser: argparse.ArgumentParser, *, reason_required: bool = True) -> None:
    parser.add_argument(
        "--reason", required=reason_required, default="", help="why (kept in the audit log)"
    )
    parser.add_argument("--actor", default=_default_actor(), help="who (default: %(default)s)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="strangler", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"strangler {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    admin = _admin_parser()

    sub.add_parser("serve", help="run the proxy and its admin API").set_defaults(run=serve)

    p = sub.add_parser("check", help="validate a routes file, listing every problem")
    p.add_argument("routes_file", metavar="ROUTES_FILE")
    p.set_defaults(run=check)

    p = sub.add_parser("explain", help="show who would answer a request (no server needed)")
    p.add_argument("method", metavar="METHOD")
    p.add_argument("path", metavar="PATH", help="e.g. /rest/default/V1/products/24-MB01")
    p.add_argument("-H", "--header", action="append", default=[], help="'Name: value'")
    p.add_argument("--routes", help="routes file (default: $STRANGLER_ROUTES or routes.yaml)")
    p.add_argument("--customer-id", type=int, help="the customer a bearer token would name")
    p.add_argument("--sample", type=float, default=0.0, help="the per-request draw in [0, 1)")
    p.set_defaults(run=explain)

    p = sub.add_parser("routes", parents=[admin], help="every route's effective mode and source")
    p.set_defaults(run=AdminCall("GET", "/routes", show_routes))

    p = sub.add_parser("flip", parents=[admin], help="override a route's mode, or --clear it")
    p.add_argument("route", metavar="ROUTE")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--mode", choices=[m.value for m in Mode])
    how.add_argument("--clear", action="store_true", help="go back to the file's mode")
    p.add_argument("--percent", type=float, help="canary percent (with --mode canary)")
    _who(p)
    p.set_defaults(run=AdminCall("POST", "/flips", show_flip, _flip_body))

    p = sub.add_parser("kill-switch", parents=[admin], help="send every route to legacy (or not)")
    p.add_argument("state", choices=["on", "off"])
    _who(p)
    p.set_defaults(run=AdminCall("POST", "/kill-switch", show_flip, _switch_body))

    p = sub.add_parser("audit", parents=[admin], help="recent flips, newest first")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(run=AdminCall("GET", "/audit?limit={limit}", show_audit))

    p = sub.add_parser("reload", parents=[admin], help="re-read routes.yaml in a running proxy")
    _who(p, reason_required=False)
    p.set_defaults(run=AdminCall("POST", "/reload", show_reload, _reload_body))
    return parser
