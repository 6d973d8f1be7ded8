"""Lesson 03: random searches of the learning rate on a uniform and on a log scale.

The same search, twice: draw n_trials learning rates between 1e-4 and 1 on one scale
(`SEARCH_SCALES`), train or score each, keep the best. Run it for many seeds and count
how often each scale finds a good rate.

    random_searches(objective, seeds, n_trials, fixed={}) -> {scale: {"rates", "scores", "best"}}
    learning_rate_sweep(rates, seeds, fixed={}) -> (rates, seeds) dev accuracy on the digits
    toy_success_band(threshold) -> (low, high): the rates where the toy scores above it
    exact_success_share(dimension, n_trials, band) -> chance that a search lands in the band
    zoom_from_each_scale(seeds, rounds, n_per_round) -> coarse-to-fine's best after each round

The objective is `course.search.toy_objectives.learning_rate_matters` (cheap, exact) or
`course.search.digits_objectives.train_digits` (the course's network, a few epochs).
Within one seed both scales draw the same numbers in [0, 1] (each maps them through its
own scale) and give their trials the same seeds, so the two searches of a seed differ
only by the scale. No screen code.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from course.search import LogUniform, Uniform, coarse_to_fine, random_configs, run_trials
from course.search.digits_objectives import train_digits
from course.search.toy_objectives import BEST_LEARNING_RATE, learning_rate_matters

__all__ = ["SEARCH_SCALES", "exact_success_share", "learning_rate_sweep", "random_searches",
           "toy_success_band", "zoom_from_each_scale"]

SEARCH_SCALES = {"uniform": Uniform(1e-4, 1.0), "log scale": LogUniform(1e-4, 1.0)}


def random_searches(objective, seeds, n_trials, fixed=None, scales=None):
    """One random search of `n_trials` learning rates per seed and per scale.

    objective(config) -> score or TrialResult (config: learning_rate, the `fixed` keys
    and a trial seed). Returns {scale name: {"rates": (n_seeds, n_trials),
    "scores": (n_seeds, n_trials), "best": (n_seeds,)}}; a diverged trial scores NaN and
    is never the best (a search whose trials all diverged has best NaN).
    """
    scales = SEARCH_SCALES if scales is None else scales
    fixed = {} if fixed is None else dict(fixed)
    seeds = [int(seed) for seed in seeds]
    out = {}
    for name, dimension in scales.items():
        rates = np.empty((len(seeds), n_trials))
        scores = np.empty((len(seeds), n_trials))
        for row, seed in enumerate(seeds):
            configs = random_configs({"learning_rate": dimension, **fixed}, n_trials, rng=seed)
            table = run_trials(objective, configs, seed=seed, progress=False)
            rates[row] = [trial.config["learning_rate"] for trial in table]
            scores[row] = table.scores
        best = np.array([max(row[np.isfinite(row)], default=math.nan) for row in scores])
        out[name] = {"rates": rates, "scores": scores, "best": best}
    return out


def learning_rate_sweep(rates, seeds, fixed=None):
    """Dev accuracy of the digits network for every rate and seed, shape (rates, seeds).

    `fixed` holds the other config keys (num_epochs, optimizer, ...); NaN = diverged.
    """
    fixed = {} if fixed is None else dict(fixed)
    return np.array([[train_digits({**fixed, "learning_rate": float(rate),
                                    "seed": int(seed)}).score
                      for seed in seeds] for rate in rates])


def toy_success_band(threshold=0.9):
    """The learning rates (low, high) at which the toy objective scores above `threshold`.

    Found by root finding on log10(rate) either side of BEST_LEARNING_RATE.
    """
    def gap(r):
        return learning_rate_matters({"learning_rate": 10.0**r}) - threshold

    top = math.log10(BEST_LEARNING_RATE)
    if gap(top) <= 0:
        raise ValueError(f"the toy never scores above {threshold}; pick a threshold below "
                         f"{learning_rate_matters({'learning_rate': BEST_LEARNING_RATE}):.3f}.")
    return 10.0 ** brentq(gap, top - 6, top), 10.0 ** brentq(gap, top, top + 6)


def exact_success_share(dimension, n_trials, band):
    """Chance that at least one of n_trials draws from `dimension` falls inside `band`.

    dimension is a Uniform or a LogUniform; band is (low, high), e.g. toy_success_band().
    """
    a, b = band
    if isinstance(dimension, LogUniform):
        low, high = math.log10(dimension.low), math.log10(dimension.high)
        a, b = math.log10(a), math.log10(b)
    elif isinstance(dimension, Uniform):
        low, high = dimension.low, dimension.high
    else:
        raise TypeError(f"dimension must be a Uniform or a LogUniform, got {dimension!r}.")
    one_trial = max(0.0, min(b, high) - max(a, low)) / (high - low)
    return 1.0 - (1.0 - one_trial) ** n_trials


def zoom_from_each_scale(seeds, rounds, n_per_round, keep=3, scales=None):
    """Coarse-to-fine on the toy, started on each scale: the best score after each round.

    Returns {scale name: (n_seeds, rounds) array}; each zoom stays on its own scale.
    """
    scales = SEARCH_SCALES if scales is None else scales
    out = {}
    for name, dimension in scales.items():
        rows = []
        for seed in seeds:
            result = coarse_to_fine(learning_rate_matters, {"learning_rate": dimension},
                                    n_per_round=n_per_round, rounds=rounds, keep=keep,
                                    seed=int(seed), progress=False)
            per_round = [r.trials.best().score for r in result.rounds]
            rows.append(np.maximum.accumulate(per_round))
        out[name] = np.array(rows)
    return out
