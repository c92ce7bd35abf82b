"""bench.compare's pure parts: the pairs it times, the rows and verdicts it prints and writes.

Tiny iteration counts only and no timing asserts: speed is the bench's business, these tests
make sure it measures what it says (sizes, equal vs different pairs) and reports it whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import compare as bench
from strangler.compare import Outcome, diff
from strangler.model import Observed


def observed(body: bytes) -> Observed:
    return Observed(200, bench.HEADERS, body)


def test_documents_have_the_sizes_the_bench_names() -> None:
    pairs = bench.pairs()
    assert len(pairs) == 8
    small, large = pairs[0], pairs[4]
    assert 1200 <= len(small.legacy) <= 2600
    assert 16_000 <= len(large.legacy) <= 28_000
    assert all(p.name.endswith(("equal", "equivalent", "volatile", "different")) for p in pairs)


@pytest.mark.parametrize("pair", bench.pairs(), ids=lambda p: p.name)
def test_each_pair_is_what_it_claims(pair: bench.Pair) -> None:
    result = diff(observed(pair.legacy), observed(pair.new), pair.rules)
    if pair.name.endswith("equal"):
        assert pair.legacy == pair.new and pair.legacy is not pair.new
    else:
        assert pair.legacy != pair.new
    if pair.equal:
        assert result.outcome is Outcome.MATCH
    else:
        assert result.outcome is Outcome.MISMATCH
        assert len(result.differences) == 1 and result.differences[0].path.endswith(".price")
        assert [d.kind.value for d in result.ignored] == ["order"]  # the moved attribute


def test_run_returns_a_row_per_pair() -> None:
    def differ(a: Any, b: Any) -> object:
        return a == b

    rows = bench.run(runs=1, deepdiff=differ, batch_ns=1)
    assert [r.pair for r in rows] == [p.name for p in bench.pairs()]
    for row in rows:
        assert row.ours_ns > 0 and row.parse_ns > 0
        assert row.deepdiff_ns is not None and row.deepdiff_vs_ours is not None
        assert row.ours_vs_parse == pytest.approx(row.ours_ns / row.parse_ns)
        assert row.outcome in ("match", "mismatch")


def test_goals_judge_every_pair_and_the_equal_ones_twice() -> None:
    rows = bench.run(runs=1, deepdiff=None, batch_ns=1)
    verdicts = bench.goals(rows, bench.pairs())
    equal = sum(p.equal for p in bench.pairs())
    assert len(verdicts) == len(rows) + equal
    assert {v["verdict"] for v in verdicts if "DeepDiff" in v["goal"]} == {"n/a"}
    assert {v["verdict"] for v in verdicts if "parsing them" in v["goal"]} <= {"PASS", "MISS"}


def test_goal_verdicts_follow_the_figures() -> None:
    pair = bench.pairs()[1]
    row = bench.Row(pair.name, 1, 1, "match", 0, 0, 10.0, 4.0, 600.0, 60.0, 2.5, 0.1)
    verdicts = {v["goal"].split()[0]: v["verdict"] for v in bench.goals([row], [pair])}
    assert verdicts == {"ours": "PASS", "equal": "MISS"}


def test_main_prints_the_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--runs", "1", "--no-deepdiff", "--scratch", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "ours us" in out and "of CPU per request" in out
    document = json.loads((tmp_path / "compare-bench.json").read_text())
    assert len(document["rows"]) == 8
    assert {"ours_ns", "parse_ns", "deepdiff_ns", "ours_vs_parse"} <= set(document["rows"][0])
    assert str(tmp_path / "compare-bench.json") in out
