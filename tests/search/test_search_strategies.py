"""Coarse-to-fine and successive halving, checked against independent computations."""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from search_objectives import (
    LOG_BOWL_OPTIMUM,
    fails_above_half,
    log_bowl,
    quality_times_budget,
    record_budget,
)
from search_spaces import contains, own_scale

from course.search import (
    Choice,
    LogUniform,
    OneMinusLogUniform,
    Uniform,
    coarse_to_fine,
    successive_halving,
    trial_seeds,
)
from course.search.toy_objectives import BOWL_OPTIMUM, bowl

SPACE = {"learning_rate": LogUniform(1e-6, 1.0), "momentum": OneMinusLogUniform(0.5, 0.9999),
         "activation": Choice(["relu", "tanh"]), "batch_size": 64}


def width(dim):
    """Width of a region on the dimension's own scale."""
    return abs(float(own_scale(dim, dim.high) - own_scale(dim, dim.low)))


# ---- coarse-to-fine -------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_coarse_to_fine_zooms_onto_a_known_optimum(seed):
    result = coarse_to_fine(log_bowl, SPACE, n_per_round=30, rounds=4, keep=4, seed=seed,
                            progress=False)
    first, last = result.regions[0], result.regions[-1]
    assert first == {**SPACE, "batch_size": first["batch_size"]}  # round 0 is the whole space
    for name, best in LOG_BOWL_OPTIMUM.items():
        assert last[name].low <= best <= last[name].high
        assert width(last[name]) < 0.5 * width(first[name])
    # each round's trials lie inside its region; every region inside the original
    for rnd in result.rounds:
        assert len(rnd.trials) == 30
        for name, dim in rnd.region.items():
            assert all(contains(dim, t.config[name]) for t in rnd.trials)
            if name in ("learning_rate", "momentum"):
                assert SPACE[name].low <= dim.low < dim.high <= SPACE[name].high
    assert result.regions[-1]["activation"] == SPACE["activation"]  # choices do not narrow
    everything = [t for rnd in result.rounds for t in rnd.trials]
    assert result.best_score == max(t.score for t in everything)
    assert log_bowl(result.best_config) == result.best_score


def test_coarse_to_fine_minimizes_too():
    def distance(config):  # serial run: a local function is fine
        return (config["x"] - BOWL_OPTIMUM["x"]) ** 2 + (config["y"] - BOWL_OPTIMUM["y"]) ** 2

    space = {"x": Uniform(-1, 1), "y": Uniform(-1, 1)}
    result = coarse_to_fine(distance, space, n_per_round=25, rounds=3, keep=4, seed=1,
                            maximize=False, method="sobol", progress=False)
    last = result.regions[-1]
    assert all(last[k].low <= v <= last[k].high for k, v in BOWL_OPTIMUM.items())
    assert result.best_score == min(t.score for t in result.all_trials())
    assert result.best_score == pytest.approx(-bowl(result.best_config))


def test_coarse_to_fine_is_reproducible_from_its_seed():
    def rows(result):
        return [(t.config, t.score) for t in result.all_trials()]

    kwargs = {"n_per_round": 8, "rounds": 2, "keep": 2, "progress": False}
    a = coarse_to_fine(log_bowl, SPACE, seed=3, **kwargs)
    assert rows(a) == rows(coarse_to_fine(log_bowl, SPACE, seed=3, **kwargs))
    assert rows(a) != rows(coarse_to_fine(log_bowl, SPACE, seed=4, **kwargs))


@pytest.mark.parametrize("kwargs, message", [
    ({"keep": 9}, "keep=9 must be <= n_per_round=8; keep the best few of each round"),
    ({"rounds": 0}, "rounds must be a whole number >= 1, got 0; pass e.g. rounds=3."),
    ({"rounds": 2.0}, "rounds must be a whole number >= 1, got 2.0"),
    ({"n_per_round": -1}, "n_per_round must be a whole number >= 1, got -1"),
    ({"margin": 0.0}, "margin must be a finite number > 0, got 0.0; pass e.g. margin=0.15."),
    ({"method": "grid"}, "unknown method 'grid'; choose one of ['random', 'sobol', 'halton']"),
    ({"seed": -1}, "seed must be a whole number >= 0, got -1; pass e.g. seed=0."),
])
def test_coarse_to_fine_refuses_bad_settings(kwargs, message):
    settings_ = {"n_per_round": 8, "rounds": 2, "keep": 2, "seed": 0, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        coarse_to_fine(log_bowl, SPACE, **settings_)


# ---- successive halving: counts and budgets -------------------------------------------

def expected_rungs(n, eta, min_budget, max_budget):
    """Closed form: rung i runs max(1, n // eta**i) configs on min(min * eta**i, max),
    and rung i is the last when it has one config or reaches max_budget."""
    rungs = []
    for i in range(64):
        count, budget = max(1, n // eta**i), min(min_budget * eta**i, max_budget)
        rungs.append((budget, count))
        if count == 1 or budget >= max_budget:
            return rungs
    raise AssertionError("unreachable")


@pytest.mark.parametrize("n, eta, min_budget, max_budget, rungs, total", [
    (27, 3, 1, 27, [(1, 27), (3, 9), (9, 3), (27, 1)], 108),
    (9, 3, 1, 27, [(1, 9), (3, 3), (9, 1)], 27),
    (10, 3, 1, 100, [(1, 10), (3, 3), (9, 1)], 28),
    (81, 3, 1, 9, [(1, 81), (3, 27), (9, 9)], 243),
    (8, 2, 2, 10, [(2, 8), (4, 4), (8, 2), (10, 1)], 58),
    (4, 3, 1, 27, [(1, 4), (3, 1)], 7),
    (1, 3, 1, 27, [(1, 1)], 1),
    (5, 3, 5, 5, [(5, 5)], 25),
])
def test_rung_counts_budgets_and_total_worked_by_hand(n, eta, min_budget, max_budget, rungs,
                                                      total):
    configs = [{"quality": q} for q in range(n)]
    result = successive_halving(record_budget, configs, min_budget=min_budget,
                                max_budget=max_budget, eta=eta, progress=False)
    assert [(r.budget, len(r.indices)) for r in result.rungs] == rungs
    assert result.total_budget == total
    assert [(row["budget"], row["configs"]) for row in result.table()] == rungs


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 60), eta=st.integers(2, 5), min_budget=st.integers(1, 5),
       factor=st.integers(1, 200), seed=st.integers(0, 1000))
def test_rungs_match_the_closed_form_and_the_objective_gets_each_budget(n, eta, min_budget,
                                                                        factor, seed):
    max_budget = min_budget * factor
    quality = np.random.default_rng(seed).permutation(n)
    configs = [{"quality": int(q)} for q in quality]
    result = successive_halving(record_budget, configs, min_budget=min_budget,
                                max_budget=max_budget, eta=eta, progress=False)
    expected = expected_rungs(n, eta, min_budget, max_budget)
    assert [(r.budget, len(r.indices)) for r in result.rungs] == expected
    assert result.total_budget == sum(b * c for b, c in expected)
    for rung in result.rungs:  # the score is the budget the objective was given
        assert np.all(np.floor(rung.scores) == rung.budget)
    for rung, following in zip(result.rungs, result.rungs[1:], strict=False):
        assert rung.survivors == following.indices


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 60), eta=st.integers(2, 4), seed=st.integers(0, 1000),
       maximize=st.booleans())
def test_with_noise_free_scores_the_best_config_wins(n, eta, seed, maximize):
    quality = np.random.default_rng(seed).permutation(n) + 1.0
    if not maximize:
        quality = -quality  # quality_times_budget keeps the order at every budget
    configs = [{"quality": float(q)} for q in quality]
    result = successive_halving(quality_times_budget, configs, min_budget=1, max_budget=81,
                                eta=eta, maximize=maximize, progress=False)
    best = int(np.argmax(quality) if maximize else np.argmin(quality))
    assert result.best_index == best and result.best_config["quality"] == quality[best]
    # survivors of each rung are exactly its top max(1, k // eta), recomputed from quality
    for rung in result.rungs[:-1]:
        sign = -1 if maximize else 1
        order = sorted(rung.indices, key=lambda i: sign * quality[i])
        assert rung.survivors == order[:max(1, len(rung.indices) // eta)]


def test_each_config_keeps_one_seed_in_every_rung():
    configs = [{"quality": q} for q in range(9)]
    result = successive_halving(quality_times_budget, configs, min_budget=1, max_budget=9,
                                seed=7, progress=False)
    seeds = trial_seeds(7, 9)
    for rung in result.rungs:
        assert [t.config["seed"] for t in rung.trials] == [seeds[i] for i in rung.indices]


def test_failed_configs_never_survive():
    configs = [{"x": x, "quality": 0} for x in [0.9, 0.2, 0.8, 0.7, 0.1, 0.95, 0.6, 0.3, 0.99]]

    def objective(config, budget):
        return fails_above_half(config) * budget

    result = successive_halving(objective, configs, min_budget=1, max_budget=9, progress=False)
    first = result.rungs[0]
    assert len(first.trials.failed) == 6
    assert first.survivors == [7, 1, 4]  # x = 0.3, 0.2, 0.1: the three that ran, best first
    assert result.best_config["x"] == 0.3


def test_when_every_config_fails_there_is_no_best():
    result = successive_halving(lambda c, b: 1 / 0, [{"x": 1}, {"x": 2}], min_budget=1,
                                max_budget=3, progress=False)
    assert len(result.rungs) == 1 and result.rungs[0].survivors == []
    with pytest.raises(ValueError, match="ZeroDivisionError"):
        _ = result.best_config


def test_halving_on_a_process_pool_equals_serial(pool):
    configs = [{"quality": q} for q in [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5]]
    kwargs = {"min_budget": 1, "max_budget": 9, "progress": False}
    serial = successive_halving(quality_times_budget, configs, **kwargs)
    parallel = successive_halving(quality_times_budget, configs, executor=pool, **kwargs)
    assert [(r.budget, r.indices, r.survivors, r.scores.tolist()) for r in serial.rungs] == \
        [(r.budget, r.indices, r.survivors, r.scores.tolist()) for r in parallel.rungs]


@pytest.mark.parametrize("kwargs, message", [
    ({"min_budget": 0}, "min_budget must be a finite number > 0, got 0; pass e.g. min_budget=1."),
    ({"max_budget": -1}, "max_budget must be a finite number > 0, got -1"),
    ({"min_budget": 10, "max_budget": 5}, "min_budget=10 must be <= max_budget=5"),
    ({"eta": 1}, "eta must be a finite number > 1, got 1; pass e.g. eta=3."),
    ({"eta": float("nan")}, "eta must be a finite number > 1, got nan"),
    ({"eta": True}, "eta must be a finite number > 1, got True"),
    ({"min_budget": math.nan}, "min_budget must be a finite number > 0, got nan"),
    ({"max_budget": math.inf}, "max_budget must be a finite number > 0, got inf"),
])
def test_halving_refuses_bad_settings(kwargs, message):
    settings_ = {"min_budget": 1, "max_budget": 9, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        successive_halving(record_budget, [{"quality": 1}], **settings_)


def test_halving_refuses_no_configs():
    with pytest.raises(ValueError, match="at least one config"):
        successive_halving(record_budget, [], min_budget=1, max_budget=3)
