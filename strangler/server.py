"""`strangler serve`: the proxy listener, the admin listener, reloads, signals and draining.

How this works: `Server.start()` loads routes.yaml (refusing to start on any problem), reads
the flags from the flag store, and opens two listeners: the proxy (a low-level aiohttp server
whose only handler is `Proxy.handle` — no router or middleware on the hot path) and the admin
API on its own address. SIGHUP and changes to the file reload the table (`reload.reload_file`:
the running table stays on any problem); the flag store's watch applies flips made elsewhere.
SIGTERM/SIGINT drain: stop accepting, let in-flight requests finish, flush shadow copies up to
`drain_timeout_s` and count the rest as dropped, then exit 0.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Mapping

import structlog
from aiohttp import web

from strangler import config, logs
from strangler.accesslog import AccessLog
from strangler.admin import make_admin_app
from strangler.breaker import Breakers
from strangler.errors import ConfigError
from strangler.flagstore import FlagStore
from strangler.flagstore.open import open_store
from strangler.httpserver import HttpServer
from strangler.metrics import Metrics
from strangler.noise import Budgets
from strangler.proxy import Proxy
from strangler.reload import ReloadOutcome, reload_file, watch_file
from strangler.runtime import Runtime
from strangler.settings import Settings
from strangler.shadow import ShadowRunner
from strangler.sinks import Fanout
from strangler.sinks.log import LogSink
from strangler.sinks.metrics import MetricsSink
from strangler.sinks.store import StoreSink
from strangler.store import DivergenceStore
from strangler.store.open import open_divergence_store
from strangler.upstream import Upstream

log = structlog.get_logger("strangler.server")


class Server:
    def __init__(self, settings: Settings, env: Mapping[str, str]) -> None:
        self.settings = settings
        self.env = env
        self.metrics = Metrics()
        self.upstream = Upstream()
        self.breakers = Breakers(settings.breaker_failures, settings.breaker_cooldown_s)
        self.tasks: list[asyncio.Task[None]] = []
        self.runners: list[web.BaseRunner] = []
        self.stopping = asyncio.Event()

    async def start(self) -> None:
        s = self.settings
        s.require_admin_token()
        table = config.load(s.routes_path, self.env)
        self.store: FlagStore = open_store(s.flags_url)
        self.runtime = Runtime(table, await self.store.load())
        self.runtime.listeners.append(self.metrics.observe_runtime)
        self.metrics.observe_runtime(self.runtime)
        self.divergences: DivergenceStore = open_divergence_store(
            s.divergences_url,
            max_records=s.divergence_max_records,
            max_age_s=s.divergence_max_age_s,
        )
        self.store_sink = StoreSink(
            self.divergences,
            sample=s.divergence_sample,
            per_route_per_minute=s.divergence_per_route_per_minute,
            registry=self.metrics.registry,
        )
        sink = Fanout([MetricsSink(self.metrics), LogSink(), self.store_sink])
        self.shadow = ShadowRunner(
            self.upstream,
            sink,
            max_in_flight=table.max_in_flight,
            breakers=self.breakers,
            budgets=Budgets(s.noise_budget_per_minute),
        )
        self.runtime.listeners.append(self._resize_shadow_pool)
        self.proxy = Proxy(
            self.runtime,
            self.upstream,
            self.shadow,
            self.metrics,
            self.breakers,
            token_key=s.token_key,
            access_log=AccessLog() if s.access_log else None,
            on_request=self.store_sink.count_request,
        )
        self.listener = HttpServer(
            self.proxy.handle,
            error_response=self.proxy.error_response,
            max_body=lambda: self.runtime.effective.max_body_bytes,
        )
        await self.listener.start(s.host, s.port)
        admin = make_admin_app(  # the admin API logs and counts its own reloads
            self.runtime,
            self.store,
            self.metrics,
            s,
            reload=lambda: reload_file(self.runtime, s.routes_path, self.env, "api"),
            divergences=self.divergences,
            stats_source=self.store_sink,
        )
        admin_runner = web.AppRunner(admin, handle_signals=False, access_log=None)
        await admin_runner.setup()
        await web.TCPSite(admin_runner, s.admin_host, s.admin_port).start()
        self.runners.append(admin_runner)
        self.tasks.append(
            asyncio.create_task(
                watch_file(s.routes_path, s.watch_interval_s, lambda: self.reload("file"))
            )
        )
        self.tasks.append(asyncio.create_task(self.store_sink.run(), name="strangler-divergences"))
        log.info(
            "proxy_started",
            port=s.port,
            admin_port=s.admin_port,
            routes=len(table.routes),
            config_digest=table.digest[:12],
            pid=os.getpid(),
        )

    def _resize_shadow_pool(self, runtime: Runtime) -> None:
        self.shadow.max_in_flight = runtime.file_table.max_in_flight

    def reload(self, trigger: str) -> ReloadOutcome:
        outcome = reload_file(self.runtime, self.settings.routes_path, self.env, trigger)
        self.metrics.reloads.labels(trigger, "ok" if outcome.ok else "failed").inc()
        if outcome.ok:
            log.info(
                "routes_reloaded",
                trigger=trigger,
                config_digest=outcome.digest[:12],
                changed=outcome.changed,
                flips_kept=list(outcome.flipped_routes),
            )
        else:
            log.error(
                "reload_failed",
                trigger=trigger,
                problems=list(outcome.problems),
                running_digest=outcome.digest[:12],
            )
        return outcome

    async def stop(self) -> None:
        started = time.monotonic()
        # stop accepting; in-flight requests finish; then the shadow copies they started
        await self.listener.shutdown(self.settings.drain_timeout_s)
        dropped = await self.shadow.drain(self.settings.drain_timeout_s)
        await self.store_sink.close()  # the last examples and counts reach the store
        for runner in self.runners:
            await runner.cleanup()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.upstream.close()
        await self.store.close()
        await self.divergences.close()
        log.info(
            "proxy_stopped",
            shadow_dropped_on_drain=dropped,
            drain_seconds=round(time.monotonic() - started, 3),
        )


async def serve(settings: Settings, env: Mapping[str, str]) -> int:
    server = Server(settings, env)
    try:
        await server.start()
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        _flush_logs()
        return 1
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGHUP, lambda: server.reload("sighup"))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("proxy_draining")
    await server.stop()
    _flush_logs()
    return 0


def _flush_logs() -> None:
    factory = structlog.get_config().get("logger_factory")
    writer = getattr(factory, "writer", None)
    if writer is not None:
        writer.flush()


def main(settings: Settings, env: Mapping[str, str] | None = None) -> int:
    """Run the proxy until SIGTERM/SIGINT (uvloop when available)."""
    logs.configure(settings.log_level)
    coroutine = serve(settings, os.environ if env is None else env)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a declared dependency on Linux
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)
