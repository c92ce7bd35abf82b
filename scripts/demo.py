"""`make demo`: bring the whole system up on embedded defaults and keep it up until Ctrl-C.

The system: a private MariaDB loaded with the Luma catalog (or a generated one when the sample
data is absent), the Magento-compatible legacy service, and the strangler proxy in front of it on
one public port with its admin API, routed by the repository's routes.yaml (the product route is
flipped to shadow mode once, as a sample flip). The URLs and demo credentials are printed and
written to `.run/stack.json`; Ctrl-C (or SIGTERM) stops everything this command started.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from scripts.stack import paths
from scripts.stack.stack import Stack


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
            f"  legacy Magento (direct)   {legacy['rest']}",
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
            "    .venv/bin/strangler flip guest-cart --mode canary --percent 10 "
            "--reason 'try the cart canary'",
            "    .venv/bin/strangler kill-switch on --reason 'everything back to legacy'",
            f"  stack description         {info['scratch']}/stack.json",
            "Press Ctrl-C to stop.",
            "",
        ]
    )


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
    args = parser.parse_args(argv)
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
        print(_banner(stack.info), flush=True)
        print(json.dumps({"event": "stack_ready", "stack_file": str(stack.stack_file)}), flush=True)
        stop.wait()
    finally:
        print("stopping ...", file=sys.stderr, flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
