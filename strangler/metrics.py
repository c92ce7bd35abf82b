"""Prometheus metrics of one proxy, on an app-owned registry (two proxies can share a process).

Labels stay low-cardinality: route id, mode, backend name, status class, outcome, reason —
never paths, SKUs, cart ids or customers (those go to logs and the divergence store).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from strangler import __version__
from strangler.model import Mode
from strangler.runtime import Runtime

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "strangler_requests",
            "Requests answered, by route and side",
            ["route", "mode", "backend", "status_class"],
            registry=r,
        )
        self.latency = Histogram(
            "strangler_request_duration_seconds",
            "Time to answer the client",
            ["route", "backend"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.upstream_errors = Counter(
            "strangler_upstream_errors",
            "Backend calls that failed (connect, timeout, protocol)",
            ["backend", "kind"],
            registry=r,
        )
        self.fallbacks = Counter(
            "strangler_fallbacks",
            "Idempotent requests retried on legacy after the new side failed",
            ["route", "reason"],
            registry=r,
        )
        self.shadow = Counter(
            "strangler_shadow",
            "Shadow copies by outcome (match, mismatch, error, dropped)",
            ["route", "outcome"],
            registry=r,
        )
        self.shadow_in_flight = Gauge(
            "strangler_shadow_in_flight", "Shadow copies being sent or compared", registry=r
        )
        self.rejected = Counter(
            "strangler_rejected",
            "Requests refused by the proxy before any backend saw them",
            ["reason"],
            registry=r,
        )
        self.reloads = Counter(
            "strangler_reloads",
            "Config reloads by trigger and result",
            ["trigger", "result"],
            registry=r,
        )
        self.flips = Counter("strangler_flips", "Flag flips applied", ["route"], registry=r)
        self.route_mode = Gauge(
            "strangler_route_mode",
            "1 for each route's effective mode, 0 for the others",
            ["route", "mode"],
            registry=r,
        )
        self.canary_percent = Gauge(
            "strangler_route_canary_percent",
            "Canary percent of routes in canary mode",
            ["route"],
            registry=r,
        )
        self.kill_switch = Gauge(
            "strangler_kill_switch", "1 while every route is forced to legacy", registry=r
        )
        self.circuit_open = Gauge(
            "strangler_circuit_open",
            "1 while a backend's circuit breaker is open",
            ["backend"],
            registry=r,
        )
        self.config_info = Gauge(
            "strangler_config_info",
            "The running build and config (value is always 1)",
            ["version", "config_digest", "source"],
            registry=r,
        )
        self.config_loaded = Gauge(
            "strangler_config_loaded_timestamp_seconds",
            "When the running config was loaded",
            registry=r,
        )

    def observe_runtime(self, runtime: Runtime) -> None:
        """Refresh the mode gauges and config info after a reload or a flip."""
        self.route_mode.clear()
        self.canary_percent.clear()
        for route in runtime.effective.routes:
            for mode in Mode:
                self.route_mode.labels(route.id, mode.value).set(int(route.mode is mode))
            if route.mode is Mode.CANARY:
                self.canary_percent.labels(route.id).set(route.canary.percent)
        self.kill_switch.set(int(runtime.flags.kill_switch is not None))
        self.config_info.clear()
        table = runtime.file_table
        self.config_info.labels(__version__, table.digest[:12], table.source).set(1)
        self.config_loaded.set(runtime.loaded_at)
