"""Redaction before anything leaves the proxy's memory: headers, paths, JSON and text (pure).

How this works: one policy, applied by four entry points that never raise (on any internal
error they fail closed and return `[redacted]` for the whole piece) and are idempotent
(redacting redacted output changes nothing):

- `redact_headers`: secret headers (Authorization, Cookie, Set-Cookie, X-Api-Key, and any
  name containing token, secret, password, auth, session or api-key) lose their value; every
  other value goes through `redact_text`.
- `redact_json`: an object member whose key names personal or secret data (password, token,
  email, telephone, street, city, postcode, firstname, cc_*, ... see `secret_key`) becomes
  `[redacted]` whatever its value, as does the `value` of a Magento custom attribute whose
  `attribute_code` names such data; every other string goes through `redact_text` (a string
  that holds JSON, like totals' `options`, is redacted as JSON).
- `redact_text`: free text and string values. Header lines, `"password":"..."` pairs in JSON
  that could not be parsed (a truncated body), URL user-info, bearer/basic credentials, JWTs,
  e-mail addresses (also `%40`-encoded), phone numbers (international `+1 555 229 3326`, US
  `(555) 229-3326`) and the values of secret-looking parameters (`token=`, `password=`,
  `key=`, `form_key=`, `PHPSESSID=`, `email=`, ...) are replaced.
- `redact_path`: the request target; the path through `redact_text`, every query value whose
  name looks secret or whose decoded value holds something `redact_text` would replace.

Kept on purpose: Magento's 32-character masked cart ids (in paths and bodies) are identifiers,
not credentials, and the divergence store needs them to follow a cart; SKUs, prices, dates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

import orjson

__all__ = [
    "REDACTED",
    "redact_body",
    "redact_headers",
    "redact_json",
    "redact_path",
    "redact_text",
    "secret_key",
]

REDACTED = "[redacted]"
MAX_DEPTH = 64  # deeper JSON is redacted whole rather than walked

_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
_SECRET_HEADER_WORDS = ("token", "secret", "password", "auth", "session", "api-key", "apikey")

# Key names: substrings that always mean secret or personal data ...
_KEY_WORDS = (
    "password", "passwd", "token", "secret", "authorization", "cookie", "email", "telephone",
    "phone", "street", "postcode", "firstname", "lastname", "middlename", "taxvat", "card",
    "apikey", "api_key", "session", "signature",
)  # fmt: skip
# ... and short words that only count as a whole word of the key (`region_id`, not `capacity`).
_KEY_PARTS = frozenset(
    {"fax", "city", "region", "dob", "cvv", "cvc", "pin", "zip", "auth", "pwd", "otp", "ssn", "vat"}
)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def secret_key(name: str) -> bool:
    """True if a JSON key or parameter name names personal or secret data."""
    lowered = _CAMEL.sub(r"\1_\2", name).lower()
    if lowered.startswith("cc_") or "[cc_" in lowered:
        return True
    if any(word in lowered for word in _KEY_WORDS):
        return True
    return any(part in _KEY_PARTS for part in _NOT_ALNUM.split(lowered))


@functools.lru_cache(maxsize=4096)
def _secret_param(name: str) -> bool:
    lowered = name.lower()
    if lowered in ("key", "sig", "code", "sid", "pass") or lowered.endswith(("sessid", "_key")):
        return lowered != "url_key"
    return secret_key(name)


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(w in lowered for w in _SECRET_HEADER_WORDS)


# ---------------------------------------------------------------------------------- free text

_HEADER_LINE = re.compile(
    r"(?im)^([ \t]*(?:proxy-)?(?:authorization|cookie|set-cookie|x-api-key)[ \t]*:).*$"
)
_JSON_KEY = re.compile(r'"([^"\\]{1,80})"\s*:\s*')
_BARE_END = re.compile(r"[\s,}\]]|$")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?$)', re.DOTALL)
_ESCAPED_PAIR = re.compile(  # the same inside a JSON string: {\"password\":\"x\"}
    r"""\\"([^"\\]{1,80})\\"(\s*:\s*)(\\".*?(?:\\"(?=\s*[,}\]])|$)|[^\s,}\]\\]+)""",
    re.DOTALL,
)
# The look-behinds let a pattern start only where a run of its characters starts, so text
# without a match costs one pass, not one pass per character (a 60 KB value stays linear).
_USERINFO = re.compile(r"(?<=://)[^/\s@:?#]+:[^/\s@?#]+@")
_CREDENTIALS = re.compile(r"(?i)\b(bearer|basic|oauth|digest)(\s+)[A-Za-z0-9._~+/=-]{6,}")
_JWT = re.compile(
    r"(?<![A-Za-z0-9_-])(?:eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"
    r"|[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})"
)
_PARAM = re.compile(r"([A-Za-z0-9_.\-\[\]]{1,120})=([^&\s#\"';,<>]*)")
_LABELLED = re.compile(
    r"(?i)\b(password|passwd|secret|token|api[_-]?key|access[_-]?key)(\s*:\s*)"
    r"(?!\[redacted\])([^\s,;\"']+)"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+(?:@|%40)"
    r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+\d[\d ().-]{6,22}\d(?![\w])")
_US_PHONE = re.compile(r"(?<![\w(+])(?:1[ .-])?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\w)")


def _json_pairs(text: str) -> str:
    """Redact secret members in JSON that did not parse (a truncated body), left to right."""
    out: list[str] = []
    done = 0  # text[:done] is settled
    personal = False  # the last attribute_code named personal data: redact its "value"
    for found in _JSON_KEY.finditer(text):
        if found.start() < done:
            continue
        key, start = found.group(1), found.end()
        if secret_key(key) or (personal and key == "value"):
            out.append(text[done:start] + f'"{REDACTED}"')
            done = _json_value_end(text, start)
        code = text[start : _json_value_end(text, start)] if key == "attribute_code" else ""
        personal = secret_key(code.strip('"')) if code else False
    out.append(text[done:])
    return "".join(out)


def _json_value_end(text: str, start: int) -> int:
    """Where the JSON value starting at text[start] ends (the end of text if it is cut off)."""
    opening = text[start : start + 1]
    if opening == '"':
        return _string_end(text, start)
    if opening not in ("[", "{"):
        bare = _BARE_END.search(text, start)
        return bare.start() if bare else len(text)
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _string_end(text, i)
            continue
        depth += char in "[{"
        depth -= char in "]}"
        i += 1
        if depth == 0:
            return i
    return len(text)


def _string_end(text: str, start: int) -> int:
    string = _STRING.match(text, start)
    return string.end() if string else len(text)


def _escaped_pair(found: re.Match[str]) -> str:
    if not secret_key(found.group(1)):
        return found.group(0)
    return f'\\"{found.group(1)}\\"{found.group(2)}\\"{REDACTED}\\"'


def _param(found: re.Match[str]) -> str:
    name = found.group(1)
    bare = name.rsplit("[", 1)[-1].rstrip("]") if name.endswith("]") else name
    if found.group(2) and (_secret_param(name) or _secret_param(bare)):
        return f"{name}={REDACTED}"
    return found.group(0)


def _phone(found: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in found.group(0))
    return REDACTED if 8 <= digits <= 15 else found.group(0)  # E.164 has at most 15 digits


def redact_text(text: str) -> str:
    """Replace credentials and personal data in free text (idempotent, never raises)."""
    if not isinstance(text, str):
        return REDACTED
    try:
        return _text(text)
    except Exception:  # fail closed: a redactor bug must not leak what it was given
        return REDACTED


def _text(text: str) -> str:
    if not text:
        return text
    text = _HEADER_LINE.sub(rf"\1 {REDACTED}", text)
    if '"' in text:
        text = _json_pairs(text)
        if '\\"' in text:
            text = _ESCAPED_PAIR.sub(_escaped_pair, text)
    text = _USERINFO.sub(f"{REDACTED}@", text)
    text = _CREDENTIALS.sub(rf"\1\2{REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
    if "=" in text:
        text = _PARAM.sub(_param, text)
    text = _LABELLED.sub(rf"\1\2{REDACTED}", text)
    text = _EMAIL.sub(REDACTED, text)
    if "+" in text:
        text = _INTERNATIONAL_PHONE.sub(_phone, text)
    return _US_PHONE.sub(_phone, text)


# ----------------------------------------------------------------------------------------- JSON


def redact_json(value: Any) -> Any:
    """A copy of a parsed JSON value with secret members and personal data replaced."""
    try:
        return _json(value, 0)
    except Exception:  # fail closed
        return REDACTED


def _json(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return REDACTED
    if isinstance(value, str):
        return _string(value, depth)
    if isinstance(value, Mapping):
        return _object(value, depth)
    if isinstance(value, list | tuple):
        return [_json(item, depth + 1) for item in value]
    return value


def _object(value: Mapping[Any, Any], depth: int) -> dict[Any, Any]:
    code = value.get("attribute_code")
    personal = isinstance(code, str) and secret_key(code)
    out: dict[Any, Any] = {}
    for key, item in value.items():
        name = key if isinstance(key, str) else str(key)
        if secret_key(name) or (personal and name == "value"):
            out[_text(name)] = REDACTED
        else:
            out[_text(name)] = _json(item, depth + 1)
    return out


def _string(value: str, depth: int) -> Any:
    stripped = value.lstrip()
    if stripped[:1] in ("{", "[") and len(value) > 1:
        try:
            inner = orjson.loads(value)
        except orjson.JSONDecodeError:
            return _text(value)
        return orjson.dumps(_json(inner, depth + 1)).decode()
    return _text(value)


def redact_body(body: bytes | str) -> str:
    """A body as text: JSON redacted structurally (compact), anything else as free text."""
    try:
        raw = body.encode() if isinstance(body, str) else body
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return _text(raw.decode("utf-8", "replace"))
        return orjson.dumps(_json(parsed, 0)).decode()
    except Exception:  # fail closed
        return REDACTED


# ------------------------------------------------------------------------------ headers, paths


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Secret headers lose their value; the others are redacted as text."""
    out: dict[str, str] = {}
    try:
        for name, value in headers.items():
            try:
                out[name] = REDACTED if _secret_header(name) else _text(str(value))
            except Exception:  # fail closed for this header only
                out[name] = REDACTED
    except Exception:
        out["[headers]"] = REDACTED
    return out


def redact_path(target: str) -> str:
    """The request target with personal data and secret query values replaced."""
    try:
        path, mark, query = target.partition("?")
        query, hash_mark, fragment = query.partition("#")
        pairs = "&".join(_query_pair(pair) for pair in query.split("&")) if mark else ""
        return _text(path) + mark + pairs + hash_mark + (_text(fragment) if fragment else "")
    except Exception:  # fail closed
        return REDACTED


def _query_pair(pair: str) -> str:
    name, equals, value = pair.partition("=")
    decoded_name = unquote_plus(name)
    if not equals:
        return _text(pair)
    bare = decoded_name.rsplit("[", 1)[-1].rstrip("]") if decoded_name.endswith("]") else ""
    if _secret_param(decoded_name) or (bare and _secret_param(bare)):
        return f"{_text(name)}={REDACTED}"
    decoded = unquote_plus(value)
    if value == REDACTED or _text(decoded) == decoded:
        return f"{_text(name)}={value}"
    return f"{_text(name)}={REDACTED}"
