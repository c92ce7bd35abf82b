"""Shadow divergences and errors as structlog events (matches are only counted, not logged)."""

from __future__ import annotations

import structlog

from strangler.sinks import ShadowResult

log = structlog.get_logger("strangler.shadow")
MAX_LOGGED_DIFFERENCES = 5


class LogSink:
    def record(self, result: ShadowResult) -> None:
        if result.outcome == "match":
            return
        fields: dict[str, object] = {
            "request_id": result.request_id,
            "route": result.route_id,
            "method": result.method,
            "outcome": result.outcome,
            "legacy_ms": round(result.legacy_ms, 3),
            "new_ms": round(result.new_ms, 3),
        }
        if result.reason:
            fields["reason"] = result.reason
        if result.divergence is not None and result.divergence.differences:
            fields["differences"] = [
                {"kind": d.kind.value, "path": d.path}
                for d in result.divergence.differences[:MAX_LOGGED_DIFFERENCES]
            ]
        log.info(
            "shadow_" + ("dropped" if result.outcome == "dropped" else "divergence")
            if result.outcome != "error"
            else "shadow_error",
            **fields,
        )
