"""Flattened JSON paths and the path patterns routes.yaml writes in `compare:` rules (pure).

How this works: the comparator carries the place it is at as a *path*, a tuple of segments
from the document's root — a key (`str`), an array index (`int`) or, inside an array compared
by a key field, an `Element` (`[attribute_code=color]`). Tuples are cheap to extend and to
match; a path becomes text (`$.custom_attributes[attribute_code=color].value`) only when a
difference is reported, in `format_path`.

A *pattern* is parsed once, when a route's rules are compiled, into a tuple of tokens:

    $.items[*].item_id          Name("items"), ANY, Name("item_id")
    $..created_at               DESCEND, Name("created_at")
    $.custom_attributes[attribute_code=color].value
                                Name("custom_attributes"), Pick("attribute_code", "color"),
                                Name("value")
    $.items[0]                  Index(0)

`ANY` (`*`, `[*]`) matches exactly one segment of any sort; `DESCEND` (`..`) matches zero or
more segments. `Pattern.matches(path)` asks "is this exactly the place?" (keyed and unordered
arrays); `Pattern.covers(path)` asks "is this the place or somewhere under it?" (ignore,
tolerance, normalize — a rule on a subtree applies to everything in it). Matching compares
tokens with segments pairwise, with a small backtracking search only for patterns with `..`:
no regular expressions per node, no strings built.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = [
    "ANY",
    "DESCEND",
    "Element",
    "Index",
    "Name",
    "Path",
    "Pattern",
    "Pick",
    "Segment",
    "format_path",
    "parse_pattern",
]


@dataclass(frozen=True, slots=True)
class Element:
    """An element of a keyed array, named by its key field: `[sku=24-MB01]`."""

    field: str
    value: Any  # a JSON scalar
    nth: int = 0  # the second element with the same key is nth=1 (shown as `#2`)

    @property
    def label(self) -> str:
        return _scalar_text(self.value)


Segment = str | int | Element
Path = tuple[Segment, ...]

_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_@$-]+$")
_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_.:/@+-]+$")


def _scalar_text(value: Any) -> str:
    if isinstance(value, str) and _PLAIN_VALUE.match(value):
        return value
    return orjson.dumps(value, default=str).decode()


def _key_text(value: Any) -> str:
    return value if isinstance(value, str) else _scalar_text(value)


@functools.lru_cache(maxsize=4096)
def _name_text(name: str) -> str:
    return f".{name}" if _PLAIN_NAME.match(name) else f"[{orjson.dumps(name).decode()}]"


def _segment_text(segment: Segment) -> str:
    if isinstance(segment, str):
        return _name_text(segment)  # Magento's field names repeat: format each once
    if isinstance(segment, int):
        return f"[{segment}]"
    nth = f"#{segment.nth + 1}" if segment.nth else ""
    return f"[{segment.field}={segment.label}{nth}]"


def format_path(path: Path, root: str = "$") -> str:
    """The text of a path: `format_path(("items", 2, "price")) == "$.items[2].price"`."""
    return root + "".join(_segment_text(s) for s in path)


# ------------------------------------------------------------------------------------ patterns


@dataclass(frozen=True, slots=True)
class Name:
    """A literal object key."""

    key: str


@dataclass(frozen=True, slots=True)
class Index:
    """A literal array index."""

    index: int


@dataclass(frozen=True, slots=True)
class Pick:
    """A keyed array's element with this key value: `[attribute_code=color]`."""

    field: str
    value: str  # compared with the element's key as text


@dataclass(frozen=True, slots=True)
class _Wild:
    name: str


ANY = _Wild("*")  # exactly one segment
DESCEND = _Wild("..")  # zero or more segments
Token = Name | Index | Pick | _Wild


def _accepts(token: Token, segment: Segment) -> bool:
    if isinstance(token, Name):
        return type(segment) is str and segment == token.key
    if isinstance(token, Index):
        return type(segment) is int and segment == token.index
    if isinstance(token, Pick):
        return (
            isinstance(segment, Element)
            and segment.field == token.field
            and _key_text(segment.value) == token.value
        )
    return token is ANY


def _search(tokens: tuple[Token, ...], t: int, path: Path, p: int, prefix: bool) -> bool:
    """Backtracking match of tokens[t:] against path[p:] (only for patterns with `..`)."""
    while t < len(tokens):
        token = tokens[t]
        if token is DESCEND:
            return any(_search(tokens, t + 1, path, q, prefix) for q in range(p, len(path) + 1))
        if p >= len(path) or not _accepts(token, path[p]):
            return False
        t, p = t + 1, p + 1
    return prefix or p == len(path)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A parsed path pattern; build with `parse_pattern`."""

    text: str
    tokens: tuple[Token, ...]
    descends: bool = False  # has a `..`: needs the backtracking search

    def matches(self, path: Path) -> bool:
        """True if the pattern names exactly this place."""
        if not self.descends:
            return len(path) == len(self.tokens) and all(map(_accepts, self.tokens, path))
        return _search(self.tokens, 0, path, 0, prefix=False)

    def covers(self, path: Path) -> bool:
        """True if the pattern names this place or one of its ancestors."""
        if not self.descends:
            return len(path) >= len(self.tokens) and all(map(_accepts, self.tokens, path))
        return _search(self.tokens, 0, path, 0, prefix=True)


_NAME_CHARS = re.compile(r"[^.\[\]]+")
_BRACKET = re.compile(
    r"""\[(?:
        (?P<star>\*)
      | (?P<index>-?\d+)
      | (?P<quoted>"(?:[^"\\]|\\.)*"|'[^']*')
      | (?P<field>[A-Za-z0-9_]+)=(?P<value>"(?:[^"\\]|\\.)*"|[^\]]*)
    )\]""",
    re.VERBOSE,
)


def parse_pattern(text: str) -> Pattern:
    """Parse `$.items[*].price`-style text; raise ValueError saying what is wrong."""
    if not text.startswith("$"):
        raise ValueError("must start with '$'")
    tokens: list[Token] = []
    i = 1
    while i < len(text):
        i = _next_token(text, i, tokens)
    return Pattern(text, tuple(tokens), any(t is DESCEND for t in tokens))


def _next_token(text: str, i: int, tokens: list[Token]) -> int:
    """Append the token starting at text[i]; return where the next one starts."""
    if text.startswith("..", i):
        tokens.append(DESCEND)
        return _selector(text, i + 2, tokens, after_dots=True)
    if text[i] == ".":
        return _selector(text, i + 1, tokens, after_dots=False)
    if text[i] == "[":
        return _bracket(text, i, tokens)
    raise ValueError(f"unexpected {text[i]!r} at offset {i} (expected '.', '..' or '[')")


def _selector(text: str, i: int, tokens: list[Token], after_dots: bool) -> int:
    if i < len(text) and text[i] == "[" and after_dots:
        return _bracket(text, i, tokens)
    if text.startswith("*", i):
        tokens.append(ANY)
        return i + 1
    found = _NAME_CHARS.match(text, i)
    if not found:
        raise ValueError(f"expected a name, '*' or '[...]' at offset {i}")
    tokens.append(Name(found.group()))
    return found.end()


def _bracket(text: str, i: int, tokens: list[Token]) -> int:
    found = _BRACKET.match(text, i)
    if not found:
        raise ValueError(f'bad bracket at offset {i}: use [*], [3], ["key"] or [field=value]')
    if found.group("star"):
        tokens.append(ANY)
    elif found.group("index") is not None:
        tokens.append(Index(int(found.group("index"))))
    elif found.group("quoted") is not None:
        tokens.append(Name(_unquote(found.group("quoted"))))
    else:
        tokens.append(Pick(found.group("field"), _unquote(found.group("value"))))
    return found.end()


def _unquote(text: str) -> str:
    if text.startswith('"'):
        value = orjson.loads(text)
        return value if isinstance(value, str) else text
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1]
    return text
