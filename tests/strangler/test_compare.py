"""compare.diff: outcomes and difference kinds at flattened paths."""

from __future__ import annotations

import pytest

from strangler.compare import Kind, Outcome, diff, walk
from strangler.model import CompareRules, Observed


def obs(body: bytes, status: int = 200, error: str | None = None, **headers: str) -> Observed:
    return Observed(status, {k.replace("_", "-"): v for k, v in headers.items()}, body, error)


def test_identical_bytes_match_without_parsing() -> None:
    assert diff(obs(b"not json {"), obs(b"not json {")).outcome is Outcome.MATCH


@pytest.mark.parametrize(
    ("legacy", "new", "expected"),
    [
        pytest.param(b'{"a":1}', b'{"a":2}', {(Kind.VALUE, "$.a")}, id="value"),
        pytest.param(b'{"a":"34"}', b'{"a":34}', {(Kind.TYPE, "$.a")}, id="type"),
        pytest.param(b'{"a":1,"b":2}', b'{"a":1}', {(Kind.MISSING, "$.b")}, id="missing"),
        pytest.param(b'{"a":1}', b'{"a":1,"c":3}', {(Kind.EXTRA, "$.c")}, id="extra"),
        pytest.param(b'{"a":1,"b":2}', b'{"b":2,"a":1}', {(Kind.ORDER, "$")}, id="key-order"),
        pytest.param(b'{"i":[1,2,3]}', b'{"i":[1,2]}', {(Kind.LENGTH, "$.i")}, id="length"),
        pytest.param(
            b'{"i":[{"p":1},{"p":2}]}',
            b'{"i":[{"p":1},{"p":3}]}',
            {(Kind.VALUE, "$.i[1].p")},
            id="nested-path",
        ),
        pytest.param(b"abc", b"abd", {(Kind.BODY, "body")}, id="non-json"),
        pytest.param(b'{"p":34}', b'{"p":34.0}', set(), id="php-float-same-value"),
        pytest.param(b"[]", b"{}", {(Kind.TYPE, "$")}, id="php-empty-array"),
    ],
)
def test_difference_kinds(legacy: bytes, new: bytes, expected: set[tuple[Kind, str]]) -> None:
    result = diff(obs(legacy), obs(new))
    assert {(d.kind, d.path) for d in result.differences} == expected
    assert result.outcome is (Outcome.MISMATCH if expected else Outcome.MATCH)


def test_status_and_compared_headers() -> None:
    rules = CompareRules(headers=("content-type", "x-a"), ignore_headers=("x-a",))
    result = diff(
        obs(b"{}", 200, content_type="application/json", x_a="1"),
        obs(b"{}", 404, content_type="text/html", x_a="2"),
        rules,
    )
    assert {(d.kind, d.path) for d in result.differences} == {
        (Kind.STATUS, "status"),
        (Kind.HEADER, "header:content-type"),
    }


def test_upstream_failures_are_error_outcomes() -> None:
    assert diff(obs(b"{}"), obs(b"", 0, "timeout")).error == "new timeout"
    both = diff(obs(b"", 0, "connect"), obs(b"", 0, "timeout"))
    assert both.outcome is Outcome.ERROR and both.error == "legacy connect, new timeout"


def test_walk_reports_bool_vs_number_as_type() -> None:
    assert [d.kind for d in walk({"a": True}, {"a": 1})] == [Kind.TYPE]
