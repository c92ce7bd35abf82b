"""bench.etl end to end on a small generated catalog: it loads, migrates, measures, reports.

No timing asserts (speed is the bench's business): this checks that the bench migrates every
product, measures the ETL child's own peak RSS, runs its reference scan and writes the report.
Slow (its own MariaDB, 2,000 products loaded): `make bench-smoke` / `pytest -m slow`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import etl as bench
from scripts.catalog import progress


@pytest.mark.slow
def test_the_bench_migrates_a_generated_catalog_and_reports(tmp_path: Path) -> None:
    status = bench.main(["--products", "2000", "--scratch", str(tmp_path)])
    result = json.loads((tmp_path / "etl-bench.json").read_text())
    assert result["etl"]["products_written"] == 2000
    assert result["again"]["products_written"] == 0
    assert result["etl"]["peak_rss_mb"] > 10
    assert result["scan"]["rows"] > 2000 and result["etl_vs_scan"] > 0
    goals = result["goals"]
    assert status == (0 if goals["rate_passed"] and goals["rss_passed"] else 1)


def test_the_progress_bar_line() -> None:
    assert progress.bar("products", 5, 10, 812.4) == (
        f"\r products [{'#' * 15}{' ' * 15}] 5/10 812/s"
    )
    assert progress.bar("categories", 0, 0, 0.0).count("#") == progress.WIDTH
