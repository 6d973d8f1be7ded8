"""The trial runner and its results table: order, seeds, failures, executors."""

import math
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from search_objectives import fails_above_half, returns_text, seeded_score

from course.search import (
    Trial,
    TrialTable,
    process_pool,
    run_trials,
    trial_seeds,
)

CONFIGS = [{"x": x} for x in np.linspace(0.0, 1.0, 7).tolist()]


def as_rows(table):
    """Everything a run should reproduce (not the wall time)."""
    return [(t.index, t.config, t.score, None if t.curve is None else t.curve.tolist(), t.error)
            for t in table]


@pytest.fixture(scope="module")
def serial():
    return run_trials(seeded_score, CONFIGS, seed=42, progress=False)


# ---- seeds and order ------------------------------------------------------------------

def test_each_trial_gets_its_spawned_seed_in_config_order(serial):
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(42).spawn(7)]
    assert [t.config["seed"] for t in serial] == seeds == trial_seeds(42, 7)
    assert [t.index for t in serial] == list(range(7))
    assert [t.config["x"] for t in serial] == [c["x"] for c in CONFIGS]
    # the score is recomputed independently from the seed each trial was given
    for t in serial:
        curve = np.random.default_rng(t.config["seed"]).random(4) + t.config["x"]
        assert t.score == curve[-1] and np.array_equal(t.curve, curve)


def test_the_given_configs_are_not_changed(serial):
    assert all("seed" not in c for c in CONFIGS)


def test_same_seed_same_table_and_another_seed_another(serial):
    assert as_rows(run_trials(seeded_score, CONFIGS, seed=42, progress=False)) == as_rows(serial)
    other = run_trials(seeded_score, CONFIGS, seed=43, progress=False)
    assert [t.config["seed"] for t in other] != [t.config["seed"] for t in serial]


def test_a_config_with_its_own_seed_keeps_it():
    table = run_trials(seeded_score, [{"x": 0.0, "seed": 5}, {"x": 0.0}], progress=False)
    assert table[0].config["seed"] == 5 and table[1].config["seed"] == trial_seeds(0, 2)[1]


# ---- parallel equals serial -----------------------------------------------------------

def test_a_process_pool_gives_the_serial_results(serial, pool):
    parallel = run_trials(seeded_score, CONFIGS, seed=42, executor=pool, progress=False)
    assert as_rows(parallel) == as_rows(serial)


def test_threads_give_the_serial_results(serial):
    with ThreadPoolExecutor(3) as pool:
        assert as_rows(run_trials(seeded_score, CONFIGS, seed=42, executor=pool,
                                  progress=False)) == as_rows(serial)


def test_a_dask_cluster_gives_the_serial_results(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        parallel = run_trials(seeded_score, CONFIGS, seed=42, executor=client.get_executor(),
                              progress=False)
        failing = run_trials(fails_above_half, CONFIGS, executor=client.get_executor(),
                             progress=False)
    assert as_rows(parallel) == as_rows(serial)
    assert [t.error is None for t in failing] == [c["x"] <= 0.5 for c in CONFIGS]


# ---- failures -------------------------------------------------------------------------

@pytest.mark.parametrize("executor", ["serial", "process pool"])
def test_a_trial_that_raises_is_reported_and_the_rest_complete(executor, pool):
    table = run_trials(fails_above_half, CONFIGS, executor=pool if executor != "serial" else None,
                       progress=False)
    for trial, config in zip(table, CONFIGS, strict=True):
        if config["x"] > 0.5:
            assert trial.error == f"FloatingPointError: diverged at x={config['x']}"
            assert "fails_above_half" in trial.traceback
            assert math.isnan(trial.score) and not trial.ok
        else:
            assert trial.error is None and trial.score == config["x"]
    assert len(table.failed) == 3 and len(table.succeeded) == 4
    assert table.best().config["x"] == 0.5


def test_an_objective_that_returns_no_number_fails_with_a_clear_message():
    table = run_trials(returns_text, [{"x": 1}], progress=False)
    assert "expected a number or TrialResult" in table[0].error
    with pytest.raises(ValueError, match="all 1 trials failed; the first said: TypeError"):
        table.best()


def test_a_lambda_on_a_process_pool_is_refused_before_anything_runs(pool):
    with pytest.raises(TypeError, match="module level"):
        run_trials(lambda c: 0.0, CONFIGS, executor=pool, progress=False)


@pytest.mark.parametrize("configs, error, message", [
    ([], ValueError, "run_trials needs at least one config, got none"),
    ((), ValueError, "run_trials needs at least one config, got none"),
    ([{"x": 1}, ("x", 2)], TypeError, "config 1 is a tuple, not a dict"),
])
def test_bad_configs_are_refused(configs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        run_trials(seeded_score, configs, progress=False)


def test_progress_bar_shows_and_hides(capsys):
    run_trials(fails_above_half, CONFIGS[:2], progress=True, description="search")
    assert "search" in capsys.readouterr().err
    run_trials(fails_above_half, CONFIGS[:2], progress=False)
    assert capsys.readouterr().err == ""


# ---- the results table ----------------------------------------------------------------

def make_table(scores, maximize=True):
    trials = [Trial(i, {"learning_rate": 10.0 ** -(i + 1)}, s) if s is not None
              else Trial(i, {"learning_rate": 10.0 ** -(i + 1)}, error="ValueError: x")
              for i, s in enumerate(scores)]
    return TrialTable(trials, maximize=maximize)


@pytest.mark.parametrize("maximize", [True, False])
def test_sorted_puts_the_best_first_and_failures_last(maximize):
    scores = [0.3, None, 0.9, 0.1, float("nan"), 0.9]
    table = make_table(scores, maximize)
    order = [t.index for t in table.sorted()]
    finite = [i for i, s in enumerate(scores) if s is not None and not math.isnan(s)]
    key = np.array([scores[i] for i in finite]) * (-1 if maximize else 1)
    expected = [finite[j] for j in np.argsort(key, kind="stable")] + [1, 4]
    assert order == expected
    assert table.best().index == expected[0]


@pytest.mark.parametrize("maximize", [True, False])
def test_best_so_far_is_the_running_best(maximize):
    scores = [0.5, None, 0.2, 0.8, 0.1]
    table = make_table(scores, maximize)
    finite = np.array([np.nan if s is None else s for s in scores])
    running = np.fmax.accumulate(finite) if maximize else np.fmin.accumulate(finite)
    np.testing.assert_array_equal(table.best_so_far(), running)


def test_text_shows_the_best_first_and_counts_the_failures():
    text = repr(make_table([0.3, None, 0.9]))
    lines = text.splitlines()
    assert lines[0] == "TrialTable(3 trials, 1 failed, maximize)"
    assert [line.split()[0] for line in lines[2:]] == ["2", "0", "1"]  # best, next, failed
    assert lines[-1].split()[1] == "failed"


def test_concatenation_renumbers_in_order():
    both = TrialTable.concatenate([make_table([0.3, None]), make_table([0.7])])
    assert [t.index for t in both] == [0, 1, 2] and both.best().score == 0.7
    assert [t.config["learning_rate"] for t in both] == [0.1, 0.01, 0.1]


@pytest.mark.parametrize("make, message", [
    (lambda: process_pool(0), "max_workers must be a whole number >= 1, got 0"),
    (lambda: process_pool(2, threads_per_worker=-1),
     "threads_per_worker must be a whole number >= 0, got -1"),
    (lambda: process_pool(2, threads_per_worker=1.5),
     "threads_per_worker must be a whole number >= 0, got 1.5"),
    (lambda: trial_seeds(-1, 3), "seed must be a whole number >= 0, got -1"),
    (lambda: trial_seeds(0.5, 3), "seed must be a whole number >= 0, got 0.5"),
    (lambda: run_trials(seeded_score, CONFIGS, seed=True), "seed must be a whole number >= 0"),
])
def test_bad_pool_sizes_and_seeds_are_refused_with_their_value(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_starmap_through_a_process_pool_equals_the_serial_run_in_order():
    """The lessons' multi-seed studies hand their runs to a pool: same values, same order
    as running them one by one, whichever worker finishes first."""
    from course.data import digits_split
    from course.lessons.pandas_and_caviar import babysat_vs_left_alone
    from course.search import process_pool
    from course.search.runner import starmap

    jobs = [(3, k) for k in range(7)]
    with process_pool(max_workers=2) as pool:
        assert starmap(pow, jobs, pool) == starmap(pow, jobs) == [3**k for k in range(7)]
        assert starmap(pow, [], pool) == []
        data = digits_split(seed=0)
        config = {"optimizer": "momentum", "momentum": 0.9, "hidden_dims": (16,)}
        pooled = babysat_vs_left_alone(config, data, (1e-3, 3.0), range(3), num_epochs=3,
                                       executor=pool)
    serial = babysat_vs_left_alone(config, data, (1e-3, 3.0), range(3), num_epochs=3)
    for rate in (1e-3, 3.0):
        for kind in ("babysat", "alone"):
            np.testing.assert_array_equal(pooled[rate][kind], serial[rate][kind])
