"""etl_state: how far the new catalog is migrated, and the unfinished run to resume.

One row per stage (`products`). `watermark` is the legacy updated_at everything is migrated
up to; it moves only when a run finishes. While a run is under way, `checkpoint` is the last
product id it committed and `summary` holds the run itself as JSON (`{"running": {"full": ...,
"target": ...}}`): `target` is legacy's greatest updated_at when the run *started*, so a run
that is interrupted and resumed later still ends with the watermark of its start, and nothing
saved while it ran is skipped by the next one. A finished run leaves checkpoint 0 and its
counts in `summary`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson
import pymysql
import pymysql.cursors

from scripts.catalog import sql

PRODUCTS = "products"
FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True, slots=True)
class Run:
    """The run to do now: from `checkpoint` on, products changed since `since`."""

    full: bool
    since: dt.datetime | None  # None: every product
    target: dt.datetime | None  # the watermark once this run finishes
    checkpoint: int = 0  # > 0: resuming an interrupted run after this product id


def _read(conn: pymysql.Connection[Any], name: str) -> dict[str, Any] | None:
    with conn.cursor(pymysql.cursors.DictCursor) as cursor:
        cursor.execute(sql.STATE_READ, (name,))
        row: dict[str, Any] | None = cursor.fetchone()
        return row


def _pending(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if not row or not row["summary"]:
        return None
    running = orjson.loads(row["summary"]).get("running")
    return running if isinstance(running, dict) else None


def _parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.strptime(text, FORMAT) if text else None


def begin(conn: pymysql.Connection[Any], *, full: bool, latest: dt.datetime | None) -> Run:
    """Decide the run (resume an unfinished one where it stopped) and record it as started.

    A pending full run is continued even when this one is incremental; a full run asked for
    while an incremental one is pending starts over (it must see every product)."""
    row = _read(conn, PRODUCTS)
    watermark = row["watermark"] if row else None
    pending = _pending(row)
    if pending is not None and not (full and not pending["full"]):
        run = Run(
            full=bool(pending["full"]),
            since=None if pending["full"] else watermark,
            target=_parse(pending["target"]),
            checkpoint=int(row["checkpoint"]) if row else 0,
        )
    else:
        full = full or watermark is None
        run = Run(full=full, since=None if full else watermark, target=latest)
    running = {"full": run.full, "target": run.target.strftime(FORMAT) if run.target else None}
    with conn.cursor() as cursor:
        cursor.execute(
            sql.STATE_START, (PRODUCTS, run.checkpoint, orjson.dumps({"running": running}))
        )
    return run


def checkpoint(conn: pymysql.Connection[Any], entity_id: int) -> None:
    """Inside the batch's transaction: the batch up to `entity_id` is done."""
    with conn.cursor() as cursor:
        cursor.execute(sql.STATE_CHECKPOINT, (entity_id, PRODUCTS))


def finish(conn: pymysql.Connection[Any], run: Run, summary: dict[str, Any]) -> None:
    with conn.cursor() as cursor:
        cursor.execute(sql.STATE_FINISH, (run.target, orjson.dumps(summary), PRODUCTS))
