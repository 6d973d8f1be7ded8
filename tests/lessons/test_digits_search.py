"""Does the digits search run real trials, and does its demo stream them from a thread?"""

import math

import numpy as np
import pytest

from course.lessons.search_strategies import (
    digits_tuning_demo,
    run_trial,
    search_snapshots,
    stream_trials,
    training_config,
    tuning_configs,
)
from course.search import trial_seeds
from course.search.digits_objectives import train_digits


def test_grid_tries_few_learning_rates_random_tries_many():
    grid = tuning_configs("grid", 9)
    assert len({c["learning_rate"] for c in grid}) == 3
    rnd = tuning_configs("random", 9, seed=0)
    assert len({c["learning_rate"] for c in rnd}) == 9
    assert all(1e-4 <= c["learning_rate"] <= 1 and 8 <= c["hidden_units"] <= 128 for c in rnd)


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="'sobol'"):
        tuning_configs("sobol", 9)


def test_streamed_scores_equal_separate_runs_with_the_same_seeds():
    streamed = list(stream_trials("random", 4, seed=2))
    seeds = trial_seeds(2, 4)
    for (config, score), s in zip(streamed, seeds, strict=True):
        assert score == pytest.approx(run_trial(config, s))
        expected = train_digits({"learning_rate": config["learning_rate"],
                                 "hidden_dims": (config["hidden_units"],), "num_epochs": 5,
                                 "seed": s}).score
        assert score == pytest.approx(expected)


def test_snapshots_grow_by_one_trial_and_keep_the_best_finite_score():
    snapshots = list(search_snapshots("grid", 4, seed=0))
    final = snapshots[-1]
    assert [len(s["scores"]) for s in snapshots] == [1, 2, 3, 4]
    assert all(s["planned"] == 4 and s["strategy"] == "grid" for s in snapshots)
    for k, snapshot in enumerate(snapshots):  # each is the final one cut at k + 1 trials
        assert snapshot["configs"] == final["configs"][: k + 1]
        finite = [x for x in final["scores"][: k + 1] if not math.isnan(x)]
        assert snapshot["best"] == (max(finite) if finite else pytest.approx(math.nan,
                                                                               nan_ok=True))
    assert final["configs"] == tuning_configs("grid", 4)


def test_a_good_learning_rate_beats_a_tiny_one():
    good = run_trial({"learning_rate": 1e-2, "hidden_units": 64}, 0)
    tiny = run_trial({"learning_rate": 1e-4, "hidden_units": 64}, 0)
    assert good > 0.9 and good > tiny + 0.3
    assert training_config({"learning_rate": 1e-2, "hidden_units": 64}) == {
        "learning_rate": 1e-2, "hidden_dims": (64,), "num_epochs": 5}


def test_changing_a_control_restarts_the_search_and_redraws(set_control):
    view = digits_tuning_demo(strategy="random", n_trials=4)
    assert view.wait(120)
    png = view.canvas.png
    assert len(view.data["scores"]) == 4
    view.controls["strategy"].value = "grid"
    data = set_control(view, "n_trials", 9)  # supersedes the 4-trial grid run
    assert data["strategy"] == "grid" and len(data["scores"]) == 9
    assert len({c["learning_rate"] for c in data["configs"]}) == 3
    assert data["best"] == pytest.approx(np.nanmax(data["scores"]))
    assert view.canvas.png != png
    assert "3</b> different learning rates" in view.status.value


def test_the_trials_axis_has_whole_trials_and_random_fits_its_button():
    """A newcomer saw "rand..." and ticks at 2.5 trials: the tick labels are whole numbers
    for a 4-trial search, and the toggle button is wide enough for the word (7 px a
    character at the widget's 13 px font, plus padding)."""
    view = digits_tuning_demo(strategy="random", n_trials=4)
    assert view.wait(120)
    view.figure.canvas.draw()
    ticks = [t for t in view.plot.ax_best.get_xticks()
             if view.plot.ax_best.get_xlim()[0] <= t <= view.plot.ax_best.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    width = int(view.controls["strategy"].style.button_width.removesuffix("px"))
    assert width >= 7 * len("random") + 2 * 16
