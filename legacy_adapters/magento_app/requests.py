"""What Magento's REST front controller checks before a handler runs (pure).

`accept()` refuses responses we cannot render (406), `body()` decodes a JSON body the way
`Webapi\\Rest\\Request::getBodyParams` does (Content-Type present and JSON, UTF-8 only,
"Decoding error." on bad JSON) and snake_cases its keys, since Magento accepts `cartItem` and
`cart_item` alike.
"""

from __future__ import annotations

from typing import Any

from legacy_adapters.magento_wire import errors, phpjson
from legacy_adapters.magento_wire.search_criteria import snake

JSON_TYPES = ("application/json", "application/*", "*/*")


def accept(header: str | None) -> None:
    """Raise 406 unless the Accept header admits JSON (absent or empty admits everything)."""
    if not header or not header.strip():
        return
    types = [part.split(";")[0].strip().lower() for part in header.split(",")]
    if not any(t in JSON_TYPES for t in types):
        raise errors.not_acceptable(header)


def snake_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake(str(k)): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def body(content_type: str | None, raw: bytes) -> dict[str, Any]:
    """Body parameters of a POST/PUT; an empty body has none."""
    if not raw.strip():
        return {}
    if not content_type or not content_type.strip():
        raise errors.content_type_empty()
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    if media != "application/json":
        raise errors.content_type_unsupported(media)
    charset = params.partition("charset=")[2].strip().strip('"').lower()
    if charset and charset not in ("utf-8", "utf8"):
        raise errors.unsupported_charset()
    try:
        decoded = phpjson.decode(raw)
    except phpjson.DecodeError:
        raise errors.decoding_error() from None
    # PHP's (array) cast: a scalar or list body carries no named parameters.
    return snake_keys(decoded) if isinstance(decoded, dict) else {}
