"""Noise learning (pure): fields that disagree with themselves are excused; budgets bound it."""

from __future__ import annotations

from strangler.compare import Difference, Divergence, Kind, Outcome
from strangler.noise import Budget, Budgets, NoiseTracker, fold


def div(*paths: str) -> Divergence:
    diffs = tuple(Difference(Kind.VALUE, p, 1, 2) for p in paths)
    return Divergence(Outcome.MISMATCH if diffs else Outcome.MATCH, diffs)


def test_fold_makes_one_field_of_every_element() -> None:
    assert fold("$.items[12].updated_at") == "$.items[*].updated_at"
    assert fold("$.a[0].b[3]") == "$.a[*].b[*]"
    assert fold("$.price") == "$.price"


def trained(self_paths: list[set[str]], new_paths: list[set[str]]) -> NoiseTracker:
    tracker = NoiseTracker(min_samples=5)
    for paths in self_paths:
        tracker.observe_self("r", div(*paths))
    for paths in new_paths:
        tracker.observe("r", div(*paths))
    return tracker


def test_a_field_that_differs_between_two_legacy_answers_is_noise() -> None:
    tracker = trained([{"$.updated_at"}] * 10, [{"$.updated_at", "$.price"}] * 10)
    assert tracker.is_noise("r", "$.updated_at")
    assert not tracker.is_noise("r", "$.price")  # legacy agrees with itself on the price
    excused, paths = tracker.excuse("r", div("$.updated_at", "$.price"))
    assert paths == ("$.updated_at",)
    assert excused.outcome is Outcome.MISMATCH
    assert [d.path for d in excused.differences] == ["$.price"]
    assert [d.path for d in excused.ignored] == ["$.updated_at"]


def test_a_divergence_made_only_of_noise_becomes_a_match() -> None:
    tracker = trained([{"$.items[0].updated_at"}] * 6, [{"$.items[*].updated_at"}] * 6)
    excused, paths = tracker.excuse("r", div("$.items[3].updated_at"))
    assert excused.outcome is Outcome.MATCH
    assert paths == ("$.items[3].updated_at",)


def test_nothing_is_noise_before_enough_samples() -> None:
    tracker = trained([{"$.updated_at"}] * 4, [{"$.updated_at"}] * 4)
    assert not tracker.is_noise("r", "$.updated_at")
    assert tracker.noisy_fields("r") == {}


def test_a_field_that_disagrees_with_new_far_more_than_with_itself_is_not_noise() -> None:
    # legacy disagrees with itself 1 in 10; with new every time: a real divergence
    tracker = trained([{"$.qty"}] + [set()] * 9, [{"$.qty"}] * 10)
    assert not tracker.is_noise("r", "$.qty")
    tracker2 = trained([{"$.qty"}] + [set()] * 9, [{"$.qty"}] + [set()] * 9)
    assert tracker2.is_noise("r", "$.qty")
    assert tracker2.noisy_fields("r") == {"$.qty": 0.1}


def test_routes_learn_separately() -> None:
    tracker = trained([{"$.updated_at"}] * 10, [])
    assert not tracker.is_noise("other", "$.updated_at")


def test_budget_refills_at_its_rate_and_bursts_one_minute() -> None:
    budget = Budget(60)
    assert sum(budget.take(0.0) for _ in range(100)) == 60
    assert not budget.take(0.5)
    assert budget.take(1.0)  # one token a second
    assert not budget.take(1.0)
    assert not Budget(0).take(0.0)


def test_budgets_need_both_the_route_and_the_global_bucket() -> None:
    budgets = Budgets(global_per_minute=5)
    assert sum(budgets.take("a", 3, 0.0) for _ in range(10)) == 3
    assert sum(budgets.take("b", 10, 0.0) for _ in range(10)) == 2  # global had 2 left
