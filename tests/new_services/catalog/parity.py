"""Ask the legacy service and the catalog service the same thing; compare status and bytes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CHUNK = 64  # requests in flight per service


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str


async def answer(client: Any, path: str, headers: dict[str, str]) -> Answer:
    response = await client.get(path, headers=headers)
    return Answer(response.status, await response.read(), response.headers["Content-Type"])


async def both(
    legacy: Any, catalog: Any, path: str, headers: dict[str, str]
) -> tuple[Answer, Answer]:
    a, b = await asyncio.gather(answer(legacy, path, headers), answer(catalog, path, headers))
    return a, b


async def differences(
    legacy: Any, catalog: Any, paths: Sequence[str], headers: dict[str, str]
) -> list[tuple[str, Answer, Answer]]:
    """Every path whose answers differ (status, content type or a single byte)."""
    out: list[tuple[str, Answer, Answer]] = []
    for start in range(0, len(paths), CHUNK):
        chunk = paths[start : start + CHUNK]
        pairs = await asyncio.gather(*(both(legacy, catalog, p, headers) for p in chunk))
        out += [(p, a, b) for p, (a, b) in zip(chunk, pairs, strict=True) if a != b]
    return out


def report(found: list[tuple[str, Answer, Answer]]) -> str:
    lines = [f"{len(found)} paths differ"]
    for path, a, b in found[:5]:
        lines += [
            path,
            f"  legacy  {a.status} {a.body[:300]!r}",
            f"  catalog {b.status} {b.body[:300]!r}",
        ]
    return "\n".join(lines)
