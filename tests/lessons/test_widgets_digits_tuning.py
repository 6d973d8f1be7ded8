"""Does the digits search demo run real trials in the background and stream them?"""

import numpy as np
import pytest

from course.lessons.search_strategies.digits_tuning import (
    digits_tuning_demo,
    run_trial,
    stream_trials,
    tuning_configs,
)
from course.search import trial_seeds


def test_grid_tries_few_learning_rates_random_tries_many():
    grid = tuning_configs("grid", 9)
    assert len({c["learning_rate"] for c in grid}) == 3
    rnd = tuning_configs("random", 9, seed=0)
    assert len({c["learning_rate"] for c in rnd}) == 9
    assert all(1e-4 <= c["learning_rate"] <= 1 and 8 <= c["hidden_units"] <= 128 for c in rnd)


def test_streamed_scores_equal_separate_runs_with_the_same_seeds():
    streamed = list(stream_trials("random", 4, seed=2))
    seeds = trial_seeds(2, 4)
    for (config, score), s in zip(streamed, seeds, strict=True):
        assert score == pytest.approx(run_trial(config, s))


def test_a_good_learning_rate_beats_a_tiny_one():
    good = run_trial({"learning_rate": 1e-2, "hidden_units": 64}, 0)
    tiny = run_trial({"learning_rate": 1e-4, "hidden_units": 64}, 0)
    assert good > 0.9 and good > tiny + 0.3


def test_changing_a_control_restarts_the_search_and_redraws():
    demo = digits_tuning_demo(strategy="random", n_trials=4)
    assert demo.wait()
    png = demo.image.value
    assert len(demo.data["scores"]) == 4
    demo.controls["strategy"].value = "grid"
    demo.controls["n_trials"].value = 9  # supersedes the 4-trial grid run
    assert demo.wait()
    data = demo.data
    assert data["strategy"] == "grid" and len(data["scores"]) == 9
    assert len({c["learning_rate"] for c in data["configs"]}) == 3
    assert data["best"] == pytest.approx(np.nanmax(data["scores"]))
    assert demo.image.value != png
    assert "3</b> different learning rates" in demo.status.value
