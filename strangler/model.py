"""The proxy's value types: what a route says, what a request is, what the router decides.

How this works: `config.py` parses routes.yaml into a `RouteTable` of these frozen values once;
`flags.py` derives the effective table from it and the operators' flips; `routing.route()` maps
a `RequestMeta` onto a `Decision` (who answers, who gets a copy). Nothing here does I/O, reads
the clock or draws random numbers: the handler measures the request (`bucket`, `sample`) and
passes the numbers in, so every decision is a pure function a test can enumerate.

    RouteTable ─ routes ─► Route(id, match, mode, new, shadow, canary, fallback, compare)
    RequestMeta(method, path, headers, query, sample, customer_id) ─ route() ─► Decision
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Mode(enum.StrEnum):
    LEGACY = "legacy"
    SHADOW = "shadow"
    CANARY = "canary"
    NEW = "new"


class Fallback(enum.StrEnum):
    NONE = "none"
    LEGACY = "legacy"


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Backend:
    name: str
    url: str  # scheme://host:port, no path
    connect_timeout_ms: int = 300
    timeout_ms: int = 5000
    pool: int = 100

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[1].split(":", 1)[0].split("/", 1)[0]

    @property
    def port(self) -> int:
        hostport = self.url.split("://", 1)[1].split("/", 1)[0]
        if ":" in hostport:
            return int(hostport.rsplit(":", 1)[1])
        return 443 if self.url.startswith("https://") else 80


@dataclass(frozen=True, slots=True)
class PathTemplate:
    """`/rest/V1/products/{sku}` or `/rest/V1/guest-carts/**` (a trailing `**` = any rest)."""

    text: str
    segments: tuple[str, ...]  # literal, "{name}", or a final "**"

    @property
    def wildcard(self) -> bool:
        return bool(self.segments) and self.segments[-1] == "**"

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(s[1:-1] for s in self.segments if s.startswith("{"))

    def match(self, segments: tuple[str, ...]) -> dict[str, str] | None:
        """Bind the request's path segments, or None if this template does not match."""
        fixed = self.segments[:-1] if self.wildcard else self.segments
        if len(segments) < len(fixed) or (not self.wildcard and len(segments) != len(fixed)):
            return None
        params: dict[str, str] = {}
        for want, got in zip(fixed, segments, strict=False):
            if want.startswith("{"):
                if not got:
                    return None
                params[want[1:-1]] = got
            elif want != got:
                return None
        return params

    def covers(self, other: PathTemplate) -> bool:
        """True if every path `other` matches is also matched by this template."""
        mine = self.segments[:-1] if self.wildcard else self.segments
        theirs = other.segments[:-1] if other.wildcard else other.segments
        if other.wildcard and not self.wildcard:
            return False
        if self.wildcard:
            if len(theirs) < len(mine):
                return False
        elif len(theirs) != len(mine):
            return False
        for want, got in zip(mine, theirs, strict=False):
            if not want.startswith("{") and (want != got or got.startswith("{")):
                return False
        return True


@dataclass(frozen=True, slots=True)
class Match:
    methods: frozenset[str] | None  # None: any method
    path: PathTemplate
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case name -> exact value
    query: Mapping[str, str] = field(default_factory=dict)  # name -> exact value

    def accepts(self, meta: RequestMeta) -> dict[str, str] | None:
        """Path parameters when the request matches, else None."""
        if self.methods is not None and meta.method not in self.methods:
            return None
        for name, value in self.headers.items():
            if meta.headers.get(name) != value:
                return None
        for name, value in self.query.items():
            if meta.query.get(name) != value:
                return None
        return self.path.match(meta.segments)

    def covers(self, other: Match) -> bool:
        if self.headers or self.query:
            return False
        if self.methods is not None and (
            other.methods is None or not other.methods <= self.methods
        ):
            return False
        return self.path.covers(other.path)


STICKY_KEY = re.compile(
    r"^(customer|none|path\.[A-Za-z_][A-Za-z0-9_]*|header:[A-Za-z0-9-]+|"
    r"cookie:[A-Za-z0-9_.-]+)$"
)


@dataclass(frozen=True, slots=True)
class ShadowOptions:
    sample: float = 1.0  # fraction of matching requests copied to the new backend
    writes: bool = False  # POST/PUT/DELETE may be shadowed (only while nobody reads the new side)
    timeout_ms: int = 2000


@dataclass(frozen=True, slots=True)
class CanaryOptions:
    percent: float = 0.0
    sticky: str = "none"  # customer | path.<param> | header:<name> | cookie:<name> | none


@dataclass(frozen=True, slots=True)
class CompareRules:
    """Per-route comparison rules; this issue compares status and JSON structurally.

    The divergence issue fills in `ignore`, `keyed`, `unordered`, `tolerance`; they are
    parsed and kept here so routes.yaml never needs a breaking change.
    """

    headers: tuple[str, ...] = ("content-type",)
    ignore_headers: tuple[str, ...] = ("date", "x-request-id", "set-cookie")
    ignore: tuple[str, ...] = ()
    keyed: Mapping[str, str] = field(default_factory=dict)
    unordered: tuple[str, ...] = ()
    tolerance: Mapping[str, float] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)  # reserved keys, kept verbatim


@dataclass(frozen=True, slots=True)
class Correlation:
    """An id that legacy and the new backend mint differently (a cart's masked id, item ids).

    `source` says where a creating response carries it: () for the whole body (a JSON scalar,
    e.g. the masked id POST guest-carts answers), else the JSON keys down to it
    (("item_id",)). `on_method`/`on_path` restrict which requests create it. `param` is the
    path parameter that carries it in later requests; `fields` are the JSON keys that carry it
    in request and response bodies (the proxy rewrites requests and compares responses modulo
    the legacy -> new mapping there).
    """

    id: str
    source: tuple[str, ...]
    on_method: str | None = None
    on_path: PathTemplate | None = None
    param: str | None = None
    fields: tuple[str, ...] = ()
    ttl_s: float = 3600.0


@dataclass(frozen=True, slots=True)
class NoiseOptions:
    """Diffy-style noise learning: a second legacy call on a sample of shadowed reads."""

    sample: float = 0.0  # fraction of shadowed idempotent requests also sent to legacy again
    per_minute: int = 60  # at most this many extra legacy calls per minute for the route


@dataclass(frozen=True, slots=True)
class Route:
    id: str
    match: Match
    mode: Mode = Mode.LEGACY
    new: str | None = None  # backend name of the new service
    shadow: ShadowOptions = ShadowOptions()
    canary: CanaryOptions = CanaryOptions()
    fallback: Fallback = Fallback.NONE
    compare: CompareRules = CompareRules()
    line: int = 0  # where the route is defined in routes.yaml
    correlate: tuple[Correlation, ...] = ()
    noise: NoiseOptions = NoiseOptions()


@dataclass(frozen=True, slots=True)
class RouteTable:
    backends: Mapping[str, Backend]
    routes: tuple[Route, ...]
    default_backend: str = "legacy"
    shadow_defaults: ShadowOptions = ShadowOptions()
    max_in_flight: int = 512
    max_body_bytes: int = 1024 * 1024
    source: str = "routes.yaml"
    digest: str = ""  # sha256 of the file's text: which config is running

    def backend(self, name: str) -> Backend:
        return self.backends[name]

    def route_by_id(self, route_id: str) -> Route | None:
        return next((r for r in self.routes if r.id == route_id), None)


@dataclass(frozen=True, slots=True)
class RequestMeta:
    method: str
    path: str  # normalised: store segment removed, e.g. /rest/V1/products/24-MB01
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str] = field(default_factory=dict)
    sample: float = 0.0  # fresh per request in [0, 1): drawn once by the handler
    customer_id: int | None = None  # from a verified bearer token

    @property
    def segments(self) -> tuple[str, ...]:
        stripped = self.path.strip("/")
        return tuple(stripped.split("/")) if stripped else ()


@dataclass(frozen=True, slots=True)
class Decision:
    route_id: str
    mode: Mode
    primary: Backend  # answers the client
    shadow: Backend | None = None  # gets a copy; its answer is only compared
    fallback: Backend | None = None  # retried once for idempotent requests when primary fails
    rules: CompareRules | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    bucket: float | None = None  # the canary bucket of this request (None: not a canary route)
    shadow_timeout_ms: int = 2000
    route: Route | None = None  # the matched route (None: the default)


@dataclass(frozen=True, slots=True)
class Observed:
    """One backend's answer as the comparator sees it; upstream trouble is a value here."""

    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    error: str | None = None  # "timeout" | "connect" | "protocol" ... when there is no answer
    elapsed_ms: float = 0.0
