"""The catalog bench: its wrk script and verdict (pure), and one short real run (opt-in, slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import catalog, wrk


def point(rps: float, non_2xx: int = 0) -> wrk.WrkResult:
    return wrk.WrkResult(int(rps * 10), 10.0, rps, 1.0, 1.0, 1.0, 1.0, 2.0, non_2xx=non_2xx)


def test_the_script_rotates_over_every_sku_with_the_token() -> None:
    script = catalog.lua_script(["24-MB01", "MH01 XS/Black"], "tok")
    assert '"/rest/V1/products/24-MB01"' in script
    assert '"/rest/V1/products/MH01%20XS%2FBlack"' in script
    assert 'wrk.headers["Authorization"] = "Bearer tok"' in script
    assert "i = i % #paths + 1" in script


def test_the_goal_is_three_times_legacy() -> None:
    assert catalog.judge(point(1000), point(3000)).verdict == "PASS"
    miss = catalog.judge(point(1000), point(2999))
    assert (miss.verdict, round(miss.ratio or 0, 3)) == ("MISS", 2.999)


def test_error_answers_are_never_a_pass() -> None:
    found = catalog.judge(point(1000), point(9000, non_2xx=5))
    assert (found.verdict, found.ratio) == ("n/a", None)


def test_the_table_shows_both_services_and_the_verdict() -> None:
    results = {"legacy": point(300), "catalog": point(4000)}
    text = catalog.table(results, catalog.judge(results["legacy"], results["catalog"]))
    assert "legacy" in text and "4,000" in text
    assert "catalog/legacy req/s: 13.33x  goal >= 3x: PASS" in text


@pytest.mark.slow  # a load run: deselected by default
def test_a_short_real_run(tmp_path: Path) -> None:
    argv = ["--duration", "1", "--warmup", "1", "--skus", "100", "--connections", "16"]
    assert catalog.main([*argv, "--scratch", str(tmp_path)]) == 0
    document = json.loads((tmp_path / "catalog-bench.json").read_text())
    for name in ("legacy", "catalog"):
        result = document["results"][name]
        assert result["requests"] > 0 and result["non_2xx"] == 0 and result["socket_errors"] == 0
    assert document["goal"]["ratio"] > 0
