"""bench.dashboard end to end on a small store: it fills, serves, times and reports every page.

No timing asserts (speed is the bench's business): this checks it measures what it says — the
real admin app over a real SQLite store holding the examples it wrote — and writes the whole
report, reference included.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench import dashboard as bench


def test_the_bench_reports_every_page_against_its_reference(tmp_path: Path) -> None:
    status = bench.main(
        ["--records", "300", "--routes", "3", "--requests", "2", "--scratch", str(tmp_path)]
    )
    document = json.loads((tmp_path / "dashboard-bench.json").read_text())
    assert document["reference"]["path"] == "/routes"
    assert set(document["pages"]) == {
        "overview 24h", "overview 1h", "route 24h", "route 5m", "divergence",
    }  # fmt: skip
    for page in document["pages"].values():
        assert page["median"] > 0 and page["vs_reference"] > 0
    assert status == (0 if all(p["passed"] for p in document["pages"].values()) else 1)
    assert not (tmp_path / "divergences.db").exists()  # deleted unless --keep
