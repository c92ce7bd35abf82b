"""Smoke run of the README's first command: the demo stack comes up, answers, and goes down.

`make demo` is `python -m scripts.demo` behind the bootstrap; this runs exactly that module as a
subprocess with its own run folder, talks to the stack it describes in stack.json, then sends
Ctrl-C (SIGINT) and checks that everything it started is gone.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from scripts.stack import paths
from scripts.stack.servers import wait_until

DEADLINE_S = 180.0


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def _call(url: str, method: str = "GET", body: Any = None, token: str | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.read())


def test_demo_comes_up_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scripts.demo", "--run-dir", str(run_dir)],
        cwd=paths.REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    stack_file = run_dir / "stack.json"
    try:
        wait_until(
            stack_file.is_file,
            what="demo stack.json",
            deadline_s=DEADLINE_S,
            alive=lambda: proc.poll() is None,
            interval_s=0.2,
        )
        info = json.loads(stack_file.read_text())
        rest = info["proxy"]["rest"]  # everything goes through the proxy's public port
        creds = info["credentials"]
        assert info["catalog"]["products"] > 0
        admin = _call(f"{rest}/integration/admin/token", "POST", creds["admin"])
        product = _call(f"{rest}/products?searchCriteria[pageSize]=1", token=admin)
        assert product["total_count"] == info["catalog"]["products"]
        sku = product["items"][0]["sku"]
        direct = _call(f"{info['services']['legacy']['rest']}/products/{sku}", token=admin)
        assert _call(f"{rest}/products/{sku}", token=admin) == direct
        mask = _call(f"{rest}/guest-carts", "POST", {})
        customer = _call(f"{rest}/integration/customer/token", "POST", creds["customer"])
        me = _call(f"{rest}/customers/me", token=customer)
        assert me["email"] == creds["customer"]["username"]
        assert len(mask) == 32 and sku
        admin_token = Path(info["proxy"]["admin_token_file"]).read_text().strip()
        routes = _call(f"{info['proxy']['admin']}/routes", token=admin_token)
        modes = {r["id"]: (r["effective_mode"], r["source"]) for r in routes["routes"]}
        assert modes["catalog-product"] == ("shadow", "file")  # the cutover is routes.yaml's
        assert modes["guest-cart"] == ("shadow", "flip")  # the demo's sample flip

        # the main job: traffic shadowed, and the merchant's edit found (and only it)
        def product_divergences() -> list[Any]:
            url = f"{info['proxy']['admin']}/divergences?route=catalog-product"
            return list(_call(url, token=admin_token)["divergences"])

        wait_until(
            lambda: product_divergences() != [], what="the planted divergence", deadline_s=60
        )
        # every divergence is the edited product, read before the incremental ETL caught up
        # (this test's own product read may be one too): its new price and save time
        planted = {(d["path"], tuple(sorted(x["path"] for x in d["differences"])))
                   for d in product_divergences()}  # fmt: skip
        assert len(planted) == 1, planted
        assert next(iter(planted))[1] == ("$.price", "$.updated_at"), planted
        metrics = urllib.request.urlopen(info["proxy"]["metrics"], timeout=10).read().decode()
        assert 'strangler_requests_total{backend="legacy"' in metrics
        for secret_file in (Path(info["token_key_file"]), Path(info["proxy"]["admin_token_file"])):
            assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
            assert secret_file.read_text().strip() not in stack_file.read_text()
        pids = [
            info["mariadb"]["pid"],
            info["proxy"]["pid"],
            *(s["pid"] for s in info["services"].values()),
        ]
        assert all(_alive(pid) for pid in pids)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    text = output.decode(errors="replace")
    assert proc.returncode == 0, text
    assert "strangler demo is up" in text and rest in text
    summary = re.search(r"catalog-product +shadowed +(\d+) +match +(\d+) +mismatch +(\d+)", text)
    assert summary is not None, text
    shadowed, matched, mismatched = map(int, summary.groups())
    assert shadowed >= 40 and mismatched in (1, 2), summary.group(0)  # 2: this test's read
    assert matched == shadowed - mismatched, summary.group(0)
    assert re.search(r"the incremental ETL moved [1-9]\d* product", text), text
    categories = re.search(r"catalog-categories +shadowed +(\d+) +match +(\d+) +mismatch +0", text)
    assert categories is not None and categories.group(1) == categories.group(2), text
    assert "Traceback" not in text
    wait_until(
        lambda: not any(_alive(pid) for pid in pids), what="stack processes exit", deadline_s=60
    )
    assert not stack_file.exists()


def test_demo_reuses_its_data_on_the_second_start(tmp_path: Path) -> None:
    """A second `make demo` on the same .run/ loads nothing twice and starts faster."""
    run_dir = tmp_path / "run"
    outputs = []
    for _ in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-m", "scripts.demo", "--run-dir", str(run_dir)],
            cwd=paths.REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(
                (run_dir / "stack.json").is_file,
                what="demo",
                deadline_s=DEADLINE_S,
                alive=lambda p=proc: p.poll() is None,  # type: ignore[misc]
                interval_s=0.2,
            )
        finally:
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=60)
        outputs.append(out.decode(errors="replace"))
        assert proc.returncode == 0, outputs[-1]
    assert " 0 already there" in outputs[0]
    assert "(0 new," in outputs[1]
