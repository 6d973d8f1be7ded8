"""Panda, random search and successive halving, each given the same number of epochs.

    outcome = compare_methods(seed, budget=54, full_epochs=9)   # one repetition
    table = compare_over_seeds(range(16), executor=pool)        # many, on a process pool
    summary = summarize(table)      # per method: how often it found the best, mean score

For one seed, every method spends `budget` epochs on the 8x8 digits, drawing configs
from the same space:

- panda: one config, trained for all `budget` epochs while the automatic babysitter
  (see babysitter) adjusts its learning rate;
- random search: budget // full_epochs configs, each trained for `full_epochs`;
- successive halving: as many configs as fit in the budget, starting at 1 epoch,
  keeping the best 1/eta at each rung, up to `full_epochs`.

Each method reports the dev accuracy of the model it would pick. A method "finds the
best" on a seed when no other method scored higher (ties count for all tied).
`compare_methods` is a module-level function, so it pickles for a process pool.
"""

from __future__ import annotations

import numpy as np

from course.lessons.pandas_and_caviar.babysitter import babysit_digits
from course.rng import as_rng
from course.search import Choice, LogUniform, random_configs
from course.search.digits_objectives import train_digits, train_digits_for
from course.search.halving import successive_halving
from course.search.runner import run_trials
from course.threads import blas_limit

__all__ = ["SPACE", "METHODS", "halving_size", "compare_methods", "compare_over_seeds",
           "summarize"]

# Momentum SGD on the digits; the learning rate spans four decades and matters most.
SPACE = {
    "learning_rate": LogUniform(1e-3, 10.0),
    "hidden_dims": Choice([(32,), (64,), (64, 64)]),
    "optimizer": "momentum",
    "momentum": 0.9,
    "batch_size": 64,
}
METHODS = ("panda", "random search", "successive halving")


def halving_size(budget, full_epochs, eta=3):
    """The most configs successive halving (from 1 epoch up to full_epochs) can start with
    inside `budget` epochs, and the epochs it then spends."""
    best = (0, 0)
    for n in range(1, budget + 1):
        total, alive, epochs = 0, n, 1
        while True:
            total += alive * epochs
            if alive == 1 or epochs >= full_epochs:
                break
            alive, epochs = max(1, alive // eta), min(epochs * eta, full_epochs)
        if total <= budget:
            best = (n, total)
    return best


def compare_methods(seed, *, budget=54, full_epochs=9, eta=3, space=None):
    """Run the three methods once with seed `seed`; returns {method: (dev accuracy, config)}."""
    space = SPACE if space is None else space
    seeds = np.random.SeedSequence(seed).spawn(3)
    outcome = {}
    with blas_limit():  # small matrices: more BLAS threads only wait
        (config,) = random_configs(space, 1, rng=as_rng(seeds[0]))
        panda = run_trials(babysit_digits, [{**config, "num_epochs": budget}],
                           seed=seed, progress=False)
        outcome["panda"] = (panda[0].score, panda[0].config)

        n_random = max(1, budget // full_epochs)
        configs = random_configs(space, n_random, rng=as_rng(seeds[1]))
        table = run_trials(train_digits, [{**c, "num_epochs": full_epochs} for c in configs],
                           seed=seed, progress=False)
        best = table.best()
        outcome["random search"] = (best.score, best.config)

        n_halving, _ = halving_size(budget, full_epochs, eta)
        configs = random_configs(space, n_halving, rng=as_rng(seeds[2]))
        result = successive_halving(train_digits_for, configs, min_budget=1,
                                    max_budget=full_epochs, eta=eta, seed=seed, progress=False)
        outcome["successive halving"] = (result.best_score, result.best_config)
    return outcome


def compare_over_seeds(seeds, *, executor=None, **options):
    """compare_methods for every seed (on `executor` when given); a list of outcomes."""
    seeds = list(seeds)
    if executor is None:
        return [compare_methods(s, **options) for s in seeds]
    futures = [executor.submit(compare_methods, s, **options) for s in seeds]
    return [f.result() for f in futures]


def summarize(outcomes):
    """Per method: found_best (fraction of seeds where none scored higher), mean and
    worst dev accuracy. NaN scores (a diverged pick) count as 0."""
    scores = np.array([[np.nan_to_num(o[m][0], nan=0.0) for m in METHODS] for o in outcomes])
    top = scores.max(axis=1, keepdims=True)
    found = scores >= top - 1e-12
    return {m: {"found_best": float(found[:, j].mean()), "mean": float(scores[:, j].mean()),
                "worst": float(scores[:, j].min())}
            for j, m in enumerate(METHODS)}
