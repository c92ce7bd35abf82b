"""REST URL forms: `/rest/V1/...`, `/rest/<store code>/V1/...`, split into scope and route path.

How this works: Magento's `Webapi\\Controller\\PathProcessor` strips `/rest`, then looks at the
next segment: a known store code selects that store, `all` selects admin scope (store 0), and
anything else leaves the default store selected and stays part of the path (which then matches
no route). The proxy normalises with the same function before route matching, so both sides agree
on what `/rest/default/V1/products` means. Segments stay percent-encoded here; the router decodes
each one after matching (a SKU may contain an encoded `/`).
"""

from __future__ import annotations

from dataclasses import dataclass

REST_PREFIX = "/rest"
ADMIN_SCOPE = "all"
DEFAULT_STORE = "default"


@dataclass(frozen=True, slots=True)
class RestPath:
    """A REST request path split into its store scope and its service path (`/V1/...`)."""

    store_code: str | None  # None: no store segment was given (default store view)
    service_path: str  # still percent-encoded, e.g. "/V1/products/24-MB01"

    @property
    def normalized(self) -> str:
        """The path with the store segment removed: `/rest/V1/...`."""
        return REST_PREFIX + self.service_path


def split(path: str, store_codes: frozenset[str] = frozenset({DEFAULT_STORE})) -> RestPath | None:
    """Split a raw request path; None when it is not under `/rest/`.

    >>> split("/rest/default/V1/products/24-MB01")
    RestPath(store_code='default', service_path='/V1/products/24-MB01')
    """
    if path != REST_PREFIX and not path.startswith(REST_PREFIX + "/"):
        return None
    rest = path[len(REST_PREFIX) :]
    segments = rest.lstrip("/").split("/", 1)
    first = segments[0]
    if first and first != "V1" and (first in store_codes or first == ADMIN_SCOPE):
        remainder = "/" + segments[1] if len(segments) > 1 else "/"
        return RestPath(first, remainder)
    return RestPath(None, rest or "/")


def route_segments(service_path: str) -> list[str]:
    """`/V1/products/24-MB01/` -> ["V1", "products", "24-MB01"]; trailing slashes are served."""
    return [s for s in service_path.strip("/").split("/")] if service_path.strip("/") else []


def normalize(path: str) -> str:
    """`/rest/<store code>/V1/...` -> `/rest/V1/...` for route matching; other paths unchanged.

    Any code is stripped here: which codes exist is the backend's business (each answers an
    unknown one with "Request does not match any route.").
    """
    if not path.startswith(REST_PREFIX + "/"):
        return path
    parts = path.split("/", 4)  # "", "rest", code, "V1", rest
    if len(parts) >= 4 and parts[2] != "V1" and parts[2] and parts[3] == "V1":
        return "/".join(["", "rest", *parts[3:]])
    return path
