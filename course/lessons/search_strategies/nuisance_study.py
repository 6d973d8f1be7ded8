"""Scientific vs nuisance hyperparameters: does depth help on the digits?

The scientific hyperparameter is the number of hidden layers; the learning rate is a
nuisance. Compared at one fixed rate, depth seems to help; compared with the rate tuned
for each depth (the best of a sweep), most of that gain goes away.

    depth_study(depths, learning_rates, seeds, fixed_rate=...) -> {"fixed": ..., "tuned": ...}

Every score is train_digits' final dev accuracy after `num_epochs` epochs (relu, Adam,
batch size 64: course.nn's defaults, the study's fixed hyperparameters). No screen code.
"""

from __future__ import annotations

import numpy as np

from course.search.digits_objectives import train_digits

__all__ = ["depth_study"]


def depth_study(depths, learning_rates, seeds, *, fixed_rate, num_epochs=5):
    """Dev accuracy of each depth at `fixed_rate`, and at its own best rate of the sweep.

    depths: hidden_dims tuples, e.g. ((64,), (64, 64)); learning_rates: the sweep, which
    must contain fixed_rate; seeds: one full sweep per seed (the seed sets the weights and
    the batch order). Returns {"fixed": (depths, seeds) array, "tuned": (depths, seeds)
    array, "best_rate": (depths, seeds) array}. A diverged run scores NaN and is never the
    best of the sweep (unless all diverged).
    """
    learning_rates = [float(rate) for rate in learning_rates]
    matches = [k for k, rate in enumerate(learning_rates) if np.isclose(rate, fixed_rate)]
    if not matches:
        raise ValueError(f"fixed_rate {fixed_rate!r} is not one of the learning rates swept "
                         f"({learning_rates}); add it to the sweep.")
    seeds = [int(seed) for seed in seeds]
    shape = (len(depths), len(seeds))
    fixed, tuned, best_rate = np.empty(shape), np.empty(shape), np.empty(shape)
    for d, hidden_dims in enumerate(depths):
        for s, seed in enumerate(seeds):
            scores = np.array([train_digits({"learning_rate": rate,
                                             "hidden_dims": tuple(hidden_dims),
                                             "num_epochs": num_epochs, "seed": seed}).score
                               for rate in learning_rates])
            fixed[d, s] = scores[matches[0]]
            k = np.nanargmax(scores) if np.any(np.isfinite(scores)) else matches[0]
            tuned[d, s], best_rate[d, s] = scores[k], learning_rates[k]
    return {"fixed": fixed, "tuned": tuned, "best_rate": best_rate}
