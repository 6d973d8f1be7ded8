"""Do lesson 03's search and momentum helpers measure what they say they measure?

The lesson's claims themselves are re-checked in test_lesson03_claims.py."""

import math

import numpy as np
import pytest

from course.data import cached_digits_split
from course.lessons.sampling_scales import (
    SEARCH_SCALES,
    exact_success_share,
    momentum_runs,
    random_searches,
    steps_per_epoch,
    toy_success_band,
)
from course.nn import train_from_config
from course.search import LogUniform, OneMinusLogUniform, TrialResult, Uniform
from course.search.toy_objectives import learning_rate_matters


def test_the_two_searches_of_a_seed_map_the_same_numbers_through_their_own_scale():
    """Within a seed only the scale differs: the uniform rate u and the log-scale rate
    come from the same number in [0, 1], and both trials get the same seed."""
    seen = []

    def record(config):
        seen.append(config)
        return config["learning_rate"]

    out = random_searches(record, [7], 5)
    unit_uniform = (out["uniform"]["rates"] - 1e-4) / (1.0 - 1e-4)
    unit_log = (np.log10(out["log scale"]["rates"]) + 4) / 4
    np.testing.assert_allclose(unit_uniform, unit_log, atol=1e-12)
    assert [c["seed"] for c in seen[:5]] == [c["seed"] for c in seen[5:]]
    assert out["uniform"]["best"][0] == out["uniform"]["rates"].max()


def test_a_diverged_trial_is_never_the_best_and_all_diverged_gives_nan():
    def half_diverge(config):
        lr = config["learning_rate"]
        return TrialResult(math.nan if lr > 0.5 else lr, [lr])

    out = random_searches(half_diverge, range(40), 2, scales={"u": Uniform(0.0, 1.0)})
    best, scores = out["u"]["best"], out["u"]["scores"]
    for row, value in zip(scores, best, strict=True):
        finite = row[np.isfinite(row)]
        assert (math.isnan(value) and finite.size == 0) or value == finite.max()
    assert np.isnan(best).any() and np.isfinite(best).any()  # both cases happen here


def test_the_exact_share_agrees_with_counting():
    band = toy_success_band(0.9)
    rng = np.random.default_rng(5)
    for dimension in (*SEARCH_SCALES.values(), Uniform(1e-3, 1e-2), LogUniform(1e-3, 0.5)):
        samples = dimension.sample(rng, (20_000, 3))
        inside = np.any((samples > band[0]) & (samples < band[1]), axis=1)
        exact = exact_success_share(dimension, 3, band)
        assert abs(inside.mean() - exact) < 4 * math.sqrt(exact * (1 - exact) / 20_000) + 1e-9
    assert exact_success_share(Uniform(0.5, 1.0), 10, band) == 0.0


def test_bad_inputs_are_refused_with_a_way_out():
    with pytest.raises(TypeError, match="Uniform or a LogUniform"):
        exact_success_share(OneMinusLogUniform(0.9, 0.999), 5, (0.95, 0.99))
    top = learning_rate_matters({"learning_rate": 10**-2.5})
    with pytest.raises(ValueError, match="pick a threshold below"):
        toy_success_band(top + 0.01)


def test_momentum_runs_are_repeatable_and_report_the_last_epochs_cost():
    first = momentum_runs((0.9,), [3], {"optimizer": "momentum", "learning_rate": 0.3,
                                        "num_epochs": 2})
    again = momentum_runs((0.9,), [3], {"optimizer": "momentum", "learning_rate": 0.3,
                                        "num_epochs": 2})
    np.testing.assert_array_equal(first["dev_accuracy"], again["dev_accuracy"])
    assert 0.1 < first["dev_accuracy"][0, 0] <= 1 and 0 < first["train_cost"][0, 0] < 2.31
    _, history = train_from_config({"optimizer": "momentum", "learning_rate": 0.3,
                                    "num_epochs": 1, "batch_size": 50}, cached_digits_split(0))
    assert steps_per_epoch(50) == len(history.costs)


def test_a_diverged_momentum_run_is_nan_not_a_score():
    runs = momentum_runs((0.9,), [0], {"optimizer": "momentum", "learning_rate": 1e4,
                                       "num_epochs": 2})
    assert np.isnan(runs["dev_accuracy"][0, 0]) and np.isnan(runs["train_cost"][0, 0])
