"""Is the expected best of k models right, and does the caviar demo show the best of the first k?"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from course.lessons.pandas_and_caviar import caviar_demo, expected_best, run_caviar
from course.search.results import Trial, TrialTable


def fake_table(scores):
    """A TrialTable with made-up curves that end at `scores`."""
    trials = [Trial(i, {"learning_rate": 10.0 ** (-3 + i), "hidden_dims": (32,)}, s,
                    np.linspace(0.1, s, 5)) for i, s in enumerate(scores)]
    return TrialTable(trials)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_expected_best_equals_the_average_over_every_subset(k):
    scores = [0.3, 0.9, 0.5, 0.7, 0.95]
    subsets = list(itertools.combinations(scores, k))
    assert expected_best(scores, k) == pytest.approx(np.mean([max(s) for s in subsets]))


def test_expected_best_refuses_impossible_counts():
    with pytest.raises(ValueError, match="between 1 and 3"):
        expected_best([0.1, 0.2, 0.3], 4)


def test_models_slider_picks_the_best_of_the_first_k_and_redraws():
    table = fake_table([0.5, 0.8, 0.6, 0.95, 0.7])
    demo = caviar_demo(table, panda_scores=[0.75, 0.85], models=2)
    assert demo.data["best_index"] == 1 and demo.data["best_score"] == 0.8
    before = demo.image.value
    demo.controls["models"].value = 4
    assert demo.data["best_index"] == 3 and demo.data["best_score"] == 0.95
    assert demo.image.value != before
    assert demo.data["panda_mean"] == pytest.approx(0.8)
    assert "0.950" in demo.status.value


def test_failed_trials_count_as_zero_and_are_never_best():
    table = fake_table([math.nan, 0.2, 0.1])
    demo = caviar_demo(table, models=3)
    assert demo.data["best_index"] == 1
    assert demo.data["expected_best"][0] == pytest.approx(0.1)


@pytest.mark.slow
def test_run_caviar_trains_the_sampled_configs_and_records_curves():
    table = run_caviar(3, num_epochs=2, seed=5)
    assert len(table) == 3
    for trial in table:
        assert len(trial.curve) == 2
        assert 1e-3 <= trial.config["learning_rate"] <= 10
    again = run_caviar(3, num_epochs=2, seed=5)
    np.testing.assert_array_equal(table.scores, again.scores)
