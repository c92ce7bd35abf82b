"""`make demo`: bring the whole system up on embedded defaults and keep it up until Ctrl-C.

The system: a private MariaDB loaded with the Luma catalog (or a generated one when the sample
data is absent), the Magento-compatible legacy service, the new catalog (its database filled
from legacy by the catalog ETL, the catalog service on it with a private Redis as its cache), a
candidate standing in for the cart service, and the strangler proxy in front on one public port
with its admin API, routed by the repository's routes.yaml (which shadows the catalog routes to
the catalog service; the guest-cart routes are flipped to shadow once, as sample flips).

Then the main job runs once: a storefront's traffic (product reads, searches, category reads,
whole guest-cart flows) goes through the proxy, every answer comes from legacy, every copy is
compared with the new side's, and the divergence summary per route is printed. A merchant's
edit in legacy (one price raised after the ETL ran) makes a real divergence for the dashboard
until the incremental ETL catches up. The URLs and demo credentials are printed and written to
`.run/stack.json`; Ctrl-C (or SIGTERM) stops everything this command started.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from legacy_adapters.magento_app import logs
from scripts.stack import new_catalog, paths, traffic
from scripts.stack.servers import wait_until
from scripts.stack.services import http_json
from scripts.stack.stack import DATABASE, Stack


def _banner(info: dict[str, Any]) -> str:
    proxy, legacy = info["proxy"], info["services"]["legacy"]
    creds = info["credentials"]
    admin = creds["admin"]
    routes = "\n".join(
        f"    {r['id']:<20} {r['effective_mode']:<12} ({r['source']})" for r in info["routes"]
    )
    return "\n".join(
        [
            "",
            f"strangler demo is up (started in {info['startup_seconds']}s; "
            f"{info['catalog']['note']})",
            f"  shop (through the proxy)  {proxy['rest']}",
            f"  proxy admin API           {proxy['admin']}  "
            f"(token: {proxy['admin_token_file']}; metrics: {proxy['metrics']})",
            f"  divergence dashboard      {proxy['dashboard']}?token=<the admin token>",
            f"  legacy Magento (direct)   {legacy['rest']}",
            f"  new catalog (direct)      {info['services']['catalog']['rest']}",
            f"  admin login               {admin['username']} / {admin['password']}",
            f"  customer login            {creds['customer']['username']} / "
            f"{creds['customer']['password']}",
            "  routes (effective mode, where it comes from):",
            routes,
            "  try:",
            f"    curl -s {proxy['rest']}/guest-carts -X POST",
            f"    export STRANGLER_ADMIN_URL={proxy['admin']} "
            f"STRANGLER_ADMIN_TOKEN=$(cat {proxy['admin_token_file']})",
            "    .venv/bin/strangler routes",
            "    .venv/bin/strangler flip catalog-product --mode canary --percent 10 "
            "--reason 'try the catalog canary'",
            "    .venv/bin/strangler kill-switch on --reason 'everything back to legacy'",
            f"  stack description         {info['scratch']}/stack.json",
            "Press Ctrl-C to stop.",
            "",
        ]
    )


def _main_job(stack: Stack) -> str:
    """Plant the price bug, play the traffic, wait for its comparisons: the summary."""
    info = stack.info
    assert stack.mariadb is not None
    token = Path(info["proxy"]["admin_token_file"]).read_text().strip()

    def stats() -> dict[str, Any]:
        body = http_json(f"{info['proxy']['admin']}/stats?window=1h", token=token)
        return {r["route_id"]: r for r in body["routes"]}

    def compared() -> int:
        return sum(r["shadowed"] for r in stats().values())

    before = compared()  # an earlier run's counts are still in the store's last hour
    sku, price = new_catalog.merchant_edit(stack.mariadb.address, DATABASE)
    rest, admin = info["proxy"]["rest"], info["credentials"]["admin"]
    sent = traffic.play(rest, admin, first_sku=sku, progress=stack.say)
    etl = stack.migrate_catalog()  # the new catalog catches up; its cache is invalidated
    traffic.read_product(rest, sku, traffic.admin_token(rest, admin))
    shadowed = sum(sent.values()) + 1
    wait_until(
        lambda: compared() >= before + shadowed, what="the demo's comparisons", deadline_s=30
    )
    lines = [
        f"demo traffic through the proxy: {sent['product read']} product reads, "
        f"{sent['catalog search']} searches, {sent['category read']} category reads, "
        f"{sent['cart request']} guest-cart requests.",
        f"A merchant raised the price of {sku} to {price:.2f} in legacy after the catalog ETL ran:"
        " the catalog routes diverged on it until the incremental ETL moved "
        f"{etl.products_written} product(s); the read of {sku} after it matched.",
        "Shadow outcomes over the last hour:",
    ]
    for route_id, row in sorted(stats().items()):
        if not row["shadowed"]:
            continue
        fields = sorted(row["fields"].items(), key=lambda kv: -kv[1])[:2]
        top = ", ".join(f"{name} ({n})" for name, n in fields)
        lines.append(
            f"    {route_id:<20} shadowed {row['shadowed']:>4}  match {row['match']:>4}  "
            f"mismatch {row['mismatch']:>3}  skipped {row['skipped']:>2}"
            + (f"  top: {top}" if top else "")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--run-dir",
        type=Path,
        default=paths.RUN_DIR,
        help="scratch folder for servers and stack.json (default: .run/)",
    )
    parser.add_argument(
        "--sample-data",
        type=Path,
        default=None,
        help=f"Magento sample data (default: ${paths.SAMPLE_DATA_ENV} or "
        f"{paths.DEFAULT_SAMPLE_DATA})",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="the proxy's public port (default: a free one)"
    )
    parser.add_argument(
        "--no-traffic",
        action="store_true",
        help="only bring the system up: no demo traffic, no merchant edit",
    )
    args = parser.parse_args(argv)
    logs.configure("warning")  # in-process parts (the ETL) log problems only; services log all
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stack = Stack(
        args.run_dir.resolve(),
        args.sample_data or paths.sample_data(),
        proxy_port=args.port,
    )
    try:
        stack.start()
        if not args.no_traffic:
            print(_main_job(stack), file=sys.stderr, flush=True)
        print(_banner(stack.info), flush=True)
        print(json.dumps({"event": "stack_ready", "stack_file": str(stack.stack_file)}), flush=True)
        stop.wait()
    finally:
        print("stopping ...", file=sys.stderr, flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
