"""The fleet flag store: one Redis shared by every proxy (and the CLI through any of them).

How this works: the current flags live in a hash `<prefix>:state` (route id -> JSON override;
the reserved field `*` holds the kill switch), the audit log in a stream `<prefix>:audit`
capped at about `AUDIT_MAXLEN` entries (`XADD MAXLEN ~`). `commit()` is ONE Lua script, run by
EVALSHA: it writes the entry the `Flip` names (HSET or HDEL), appends the audit entry and
PUBLISHes the entry's id on `<prefix>:changed`. Redis runs a script without interleaving other
clients, but it does not undo the writes a script made before an error, so the script checks
both keys' types first and writes nothing unless both writes can succeed. Writing only the
flipped entry (not the whole hash) means two proxies flipping different routes at once both
land, where replacing the hash would let the later one erase the earlier flip.

`watch()` subscribes to the channel and reloads the hash after every notice, and also every
`resync_s` seconds when none came: a notice lost while the subscription was down must not leave
a proxy stale forever. When Redis goes away it logs `flag_store_unreachable` and reconnects
with exponential backoff (capped); after reconnecting it delivers the current state again.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

from strangler.flags import KILL_SWITCH, FlagState, Flip, Override
from strangler.flagstore import OnChange
from strangler.model import Mode

AUDIT_MAXLEN = 10_000
COMMIT = """
local function usable(key, kind)
  local found = redis.call('TYPE', key)['ok']
  return found == kind or found == 'none'
end
if not usable(KEYS[1], 'hash') then
  return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' is not a hash; nothing was written')
end
if not usable(KEYS[2], 'stream') then
  return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' is not a stream; nothing was written')
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[2])
else
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*',
  'route_id', ARGV[5], 'from_mode', ARGV[6], 'to_mode', ARGV[7],
  'actor', ARGV[8], 'reason', ARGV[9], 'at', ARGV[10])
redis.call('PUBLISH', ARGV[1], id)
return id
"""

log = structlog.get_logger("strangler.flagstore")


class RedisFlagStore:
    """Flips in Redis; `RedisFlagStore("redis://10.0.0.5:6379/0")`."""

    def __init__(
        self,
        url: str,
        prefix: str = "strangler:flags",
        *,
        resync_s: float = 5.0,
        backoff_s: tuple[float, float] = (0.1, 5.0),
    ) -> None:
        self.state_key = f"{prefix}:state"
        self.audit_key = f"{prefix}:audit"
        self.channel = f"{prefix}:changed"
        self.resync_s = resync_s
        self.backoff_s = backoff_s
        self._client = aioredis.Redis.from_url(url, decode_responses=True)
        self._commit = self._client.register_script(COMMIT)

    async def load(self) -> FlagState:
        """The current overrides and kill switch."""
        fields = await self._client.hgetall(self.state_key)
        return _decode_state({str(k): str(v) for k, v in fields.items()})

    async def commit(self, state: FlagState, flip: Flip) -> None:
        """Write the entry `flip` changes (taken from `state`), append the audit entry and
        announce it — one script, so all of it happens or none of it."""
        await self._commit(
            keys=[self.state_key, self.audit_key],
            args=[
                self.channel,
                flip.route_id,
                _encode_entry(state, flip.route_id),
                AUDIT_MAXLEN,
                flip.route_id,
                flip.from_mode,
                flip.to_mode,
                flip.actor,
                flip.reason,
                repr(flip.at),
            ],
        )

    async def audit(self, limit: int = 100) -> list[Flip]:
        """The most recent audit records, newest first."""
        entries = await self._client.xrevrange(self.audit_key, "+", "-", count=limit)
        return [
            _decode_flip({str(k): str(v) for k, v in (f or {}).items()}) for _, f in entries or []
        ]

    async def ping(self) -> bool:
        try:
            return bool(await self._client.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._client.aclose()

    async def watch(self, on_change: OnChange) -> None:
        """Call `on_change` with the current state, then after every change; reconnect forever."""
        failures = 0
        while True:
            try:
                async with self._client.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    if failures:
                        log.info("flag_store_reconnected", store="redis", after_failures=failures)
                    failures = 0
                    await self._follow(pubsub, on_change)
            except (RedisError, OSError) as exc:
                delay = _backoff(self.backoff_s, failures)
                failures += 1
                log.warning(
                    "flag_store_unreachable", store="redis", error=str(exc), retry_in_s=delay
                )
                await asyncio.sleep(delay)

    async def _follow(self, pubsub: Any, on_change: OnChange) -> None:
        last: FlagState | None = None
        while True:
            notice = await pubsub.get_message(ignore_subscribe_messages=True, timeout=self.resync_s)
            state = await self.load()
            if notice is not None or state != last:
                last = state
                await _deliver(on_change, state)


def _backoff(bounds: tuple[float, float], failures: int) -> float:
    first, limit = bounds
    return float(min(limit, first * 2 ** min(failures, 32)))


def _encode_entry(state: FlagState, route_id: str) -> str:
    """The hash value for `route_id` in `state`; '' when the entry is to be removed."""
    entry = state.kill_switch if route_id == KILL_SWITCH else state.overrides.get(route_id)
    if entry is None:
        return ""
    return json.dumps(
        {
            "mode": entry.mode.value,
            "percent": entry.percent,
            "actor": entry.actor,
            "reason": entry.reason,
            "at": entry.at,
        }
    )


def _decode_override(text: str) -> Override:
    data = json.loads(text)
    percent = data.get("percent")
    return Override(
        Mode(data["mode"]),
        None if percent is None else float(percent),
        str(data["actor"]),
        str(data["reason"]),
        float(data["at"]),
    )


def _decode_state(fields: dict[str, str]) -> FlagState:
    overrides: dict[str, Override] = {}
    kill_switch = None
    for field, text in fields.items():
        try:
            override = _decode_override(text)
        except (ValueError, KeyError, TypeError) as exc:
            # Someone wrote this field by hand; routing on the rest beats refusing all flags.
            log.error("flag_entry_unreadable", store="redis", route=field, error=str(exc))
            continue
        if field == KILL_SWITCH:
            kill_switch = override
        else:
            overrides[field] = override
    return FlagState(overrides, kill_switch)


def _decode_flip(fields: dict[str, str]) -> Flip:
    return Flip(
        fields["route_id"],
        fields["from_mode"],
        fields["to_mode"],
        fields["actor"],
        fields["reason"],
        float(fields["at"]),
    )


async def _deliver(on_change: OnChange, state: FlagState) -> None:
    """Hand a state to the watcher's callback; its failure is logged, the watch goes on."""
    try:
        result = on_change(state)
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("flag_change_failed", store="redis")
