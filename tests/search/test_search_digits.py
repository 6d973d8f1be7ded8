"""course.search driving the shared network on the digits (the integration path the
benchmark and lessons 02-04 use): real training, still a few tenths of a second."""

import math

import pytest

pytest.importorskip("course.nn")

from course.search import LogUniform, process_pool, random_configs, run_trials  # noqa: E402
from course.search.digits_objectives import train_digits  # noqa: E402

SPACE = {"learning_rate": LogUniform(3e-3, 3e-2), "hidden_dims": (32,), "num_epochs": 3}


def test_digits_trials_learn_and_agree_between_serial_and_a_process_pool():
    configs = random_configs(SPACE, 4, rng=0)
    serial = run_trials(train_digits, configs, seed=1, progress=False)
    # 3 epochs of Adam at these rates reach well above chance (0.1) on the dev set
    assert all(t.ok and 0.5 < t.score <= 1.0 and len(t.curve) == 3 for t in serial)
    with process_pool(2) as pool:
        parallel = run_trials(train_digits, configs, seed=1, executor=pool, progress=False)
    assert [(t.score, t.curve.tolist()) for t in parallel] == \
        [(t.score, t.curve.tolist()) for t in serial]


def test_a_diverging_run_scores_nan_and_ranks_last():
    table = run_trials(train_digits, [{"learning_rate": 1e3, "num_epochs": 2},
                                      {"learning_rate": 1e-2, "num_epochs": 2}], progress=False)
    assert math.isnan(table[0].score) and table[0].error is None and not table[0].ok
    assert table.best().index == 1


def test_an_unknown_config_key_fails_that_trial_with_its_name():
    table = run_trials(train_digits, [{"learning_rate": 1e-2, "lr": 0.1}], progress=False)
    assert "lr" in table[0].error
