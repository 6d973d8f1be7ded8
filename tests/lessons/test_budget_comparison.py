"""Do the three methods really get the same budget, and is the summary counted right?"""

from __future__ import annotations

import pytest

from course.lessons.pandas_and_caviar import (
    METHODS,
    SPACE,
    compare_methods,
    halving_size,
    summarize,
)
from course.search.halving import successive_halving
from course.search.toy_objectives import simulated_training


@pytest.mark.parametrize("budget, full_epochs", [(54, 9), (108, 27), (30, 9), (10, 9)])
def test_halving_size_is_the_most_configs_that_fit(budget, full_epochs):
    n, spent = halving_size(budget, full_epochs)
    configs = [{"learning_rate": 10.0 ** -(1 + 3 * i / (n + 1))} for i in range(n + 1)]

    def total(k):
        return successive_halving(simulated_training, configs[:k], min_budget=1,
                                  max_budget=full_epochs, progress=False).total_budget

    assert total(n) == spent <= budget
    assert total(n + 1) > budget


def test_equal_budget_example_from_the_lesson():
    # 54 epochs: 18 configs at 1 epoch, 6 at 3, 2 at 9 (18 + 18 + 18).
    assert halving_size(54, 9) == (18, 54)


def test_summary_counts_ties_for_every_tied_method():
    outcomes = [
        {"panda": (0.9, {}), "random search": (0.95, {}), "successive halving": (0.95, {})},
        {"panda": (0.97, {}), "random search": (0.90, {}),
         "successive halving": (float("nan"), {})},
    ]
    summary = summarize(outcomes)
    assert summary["panda"]["found_best"] == 0.5
    assert summary["random search"]["found_best"] == 0.5
    assert summary["successive halving"]["found_best"] == 0.5
    assert summary["successive halving"]["worst"] == 0.0  # NaN counts as 0
    assert summary["panda"]["mean"] == pytest.approx(0.935)


@pytest.mark.slow
def test_compare_methods_is_repeatable_and_samples_the_space():
    first = compare_methods(3, budget=18, full_epochs=3)
    again = compare_methods(3, budget=18, full_epochs=3)
    assert set(first) == set(METHODS)
    for method in METHODS:
        assert first[method][0] == again[method][0]
        config = first[method][1]
        low, high = SPACE["learning_rate"].low, SPACE["learning_rate"].high
        assert low <= config["learning_rate"] <= high
        assert 0.5 < first[method][0] <= 1.0
