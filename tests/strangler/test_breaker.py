"""The circuit breaker's states, stepped with an injected clock."""

from __future__ import annotations

from strangler.breaker import Breaker, Breakers, State


def test_opens_after_consecutive_failures_only() -> None:
    b = Breaker(failures_to_open=3, cooldown_s=10)
    for ok in (False, False, True, False, False):
        assert b.allow(0)
        b.record(ok, 0)
    assert b.state is State.CLOSED  # the success reset the count
    b.record(False, 1)
    assert b.state is State.OPEN and not b.allow(5)


def test_half_open_lets_one_probe_through() -> None:
    b = Breaker(failures_to_open=1, cooldown_s=10)
    b.record(False, 100)
    assert not b.allow(109.9)
    assert b.allow(110) and b.state is State.HALF_OPEN
    assert not b.allow(110.1)  # only one probe at a time
    b.record(False, 111)
    assert b.state is State.OPEN and not b.allow(115)
    assert b.allow(121)
    b.record(True, 121)
    assert b.state is State.CLOSED and b.allow(121) and not b.is_open


def test_breakers_are_per_backend() -> None:
    breakers = Breakers(failures_to_open=1)
    breakers["a"].record(False, 0)
    assert breakers["a"].is_open and not breakers["b"].is_open
    assert breakers["a"] is breakers["a"]
