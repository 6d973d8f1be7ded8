"""The caviar: many models trained at once, and how many it takes to beat one babysat model.

    table = run_caviar(24, num_epochs=27, seed=0, executor=pool)   # course.search TrialTable
    pandas = run_pandas(6, num_epochs=27, seed=1, executor=pool)   # six babysat models
    expected_best(table.scores, k)       # the best of k models picked at random, on average
    caviar_data(table, k, pandas.scores) # what the caviar demo shows for k models at once

`run_caviar` samples configs at random from `SPACE` (see budget_comparison) and trains
them all through `course.search.run_trials` with the module-level objective
`course.search.digits_objectives.train_digits`, so a process pool or a Dask cluster can
run them side by side. `run_pandas` babysits configs from the same space (see
babysitter), one model each, for as many epochs. No screen code here: the demo is
`caviar_runs_demo` (caviar_demo).
"""

from __future__ import annotations

import math

import numpy as np

from course.lessons.pandas_and_caviar.babysitter import babysit_digits
from course.lessons.pandas_and_caviar.budget_comparison import SPACE
from course.rng import as_rng
from course.search import random_configs
from course.search.digits_objectives import train_digits
from course.search.runner import run_trials

__all__ = ["run_caviar", "run_pandas", "expected_best", "caviar_data"]


def run_caviar(n, *, num_epochs=27, seed=0, space=None, executor=None):
    """Train n random configs from `space` for num_epochs each; returns a TrialTable
    whose curves are the dev accuracy after every epoch (in sampling order)."""
    return _run(train_digits, n, num_epochs, seed, space, executor)


def run_pandas(n, *, num_epochs=27, seed=1, space=None, executor=None):
    """Babysit n random configs from `space`, one model each, for num_epochs; returns
    their TrialTable (n separate pandas, to average over starting points)."""
    return _run(babysit_digits, n, num_epochs, seed, space, executor)


def _run(objective, n, num_epochs, seed, space, executor):
    space = SPACE if space is None else space
    configs = random_configs(space, n, rng=as_rng(seed))
    configs = [{**c, "num_epochs": num_epochs} for c in configs]
    return run_trials(objective, configs, seed=seed, executor=executor, progress=False)


def expected_best(scores, k):
    """Expected maximum of k scores drawn without replacement from `scores`.

    With the n scores sorted, s_(1) <= ... <= s_(n), the maximum of a random k-subset is
    s_(i) with probability C(i-1, k-1) / C(n, k). NaN scores (failed runs) count as 0,
    the worst possible accuracy.
    """
    s = np.sort(np.nan_to_num(np.asarray(scores, dtype=float), nan=0.0))
    n = len(s)
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and {n} (the number of scores), got {k}.")
    weights = np.array([math.comb(i - 1, k - 1) for i in range(1, n + 1)], dtype=float)
    return float(weights @ s / math.comb(n, k))


def caviar_data(table, k, panda_scores=None):
    """What the demo shows when k models train at once: the first k trials of `table`,
    the best among them, and the expected best for every number of models."""
    scores = np.nan_to_num(table.scores, nan=0.0)
    best = int(np.argmax(scores[:k]))
    return {
        "k": k,
        "curves": [np.asarray(t.curve, dtype=float) for t in table],
        "learning_rates": np.array([t.config["learning_rate"] for t in table]),
        "best_index": best,
        "best_score": float(scores[best]),
        "best_config": table[best].config,
        "expected_best": np.array([expected_best(scores, j) for j in range(1, len(scores) + 1)]),
        "panda_mean": None if panda_scores is None else float(np.mean(panda_scores)),
    }
