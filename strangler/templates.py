"""Path templates of routes.yaml: `/rest/V1/products/{sku}`, `/rest/V1/guest-carts/{cartId}/**`."""

from __future__ import annotations

import re

from strangler.model import PathTemplate

PARAM = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")
METHOD = re.compile(r"^[A-Z]+$")
STORE_SEGMENT = re.compile(r"^/rest/(?!V1(/|$))[^/]+/V1(/|$)")


def parse_template(text: str) -> tuple[PathTemplate | None, str | None]:
    """A path template, or the reason it is not one."""
    if not text.startswith("/"):
        return None, "must start with '/'"
    if STORE_SEGMENT.match(text):
        return None, "write templates without the store code (/rest/V1/...): it is normalised away"
    segments = tuple(text.strip("/").split("/")) if text.strip("/") else ()
    names: list[str] = []
    for i, seg in enumerate(segments):
        if seg == "":
            return None, "empty path segment ('//')"
        if seg == "**":
            if i != len(segments) - 1:
                return None, "'**' may only end a template"
            continue
        if "{" in seg or "}" in seg or "*" in seg:
            found = PARAM.match(seg)
            if not found:
                return None, f"bad segment {seg!r}: a parameter is a whole segment like {{sku}}"
            if found.group(1) in names:
                return None, f"parameter {{{found.group(1)}}} appears twice"
            names.append(found.group(1))
    return PathTemplate(text, segments), None
