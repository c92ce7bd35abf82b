"""`make demo`: bring the whole system up on embedded defaults and keep it up until Ctrl-C.

Today the system is the legacy side: a private MariaDB loaded with the Luma catalog (or a
generated one when the sample data is absent) and the Magento-compatible legacy service. The
URLs and demo credentials are printed and written to `.run/stack.json`; Ctrl-C (or SIGTERM)
stops everything this command started.
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
    legacy = info["services"]["legacy"]
    creds = info["credentials"]
    return "\n".join(
        [
            "",
            "strangler demo is up "
            f"(started in {info['startup_seconds']}s; {info['catalog']['note']})",
            f"  legacy Magento REST   {legacy['rest']}",
            f"  legacy metrics        {legacy['metrics']}",
            f"  admin login           {creds['admin']['username']} / {creds['admin']['password']}",
            f"  customer login        {creds['customer']['username']} / "
            f"{creds['customer']['password']}",
            "  try:",
            f"    curl -s {legacy['rest']}/integration/admin/token"
            " -H 'Content-Type: application/json'"
            f' -d \'{{"username":"{creds["admin"]["username"]}",'
            f'"password":"{creds["admin"]["password"]}"}}\'',
            f"    curl -s {legacy['rest']}/guest-carts -X POST",
            f"  stack description     {info['scratch']}/stack.json",
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
    parser.add_argument("--legacy-port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stack = Stack(
        args.run_dir.resolve(),
        args.sample_data or paths.sample_data(),
        legacy_port=args.legacy_port,
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
