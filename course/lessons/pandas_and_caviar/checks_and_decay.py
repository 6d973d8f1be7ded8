"""Before tuning, and over a run: two sanity checks and learning-rate decay, measured.

    starting_costs(config, data, seeds) -> cost of each fresh network, to compare with ln C
    overfit_tiny_batch(config, data, seeds, n_examples=20) -> epochs until each tiny batch is
        classified right, and its cost after 200 epochs
    decay_study(config, data, decay_rates, seeds, num_epochs=27) -> final dev accuracy and
        how much it still wobbles over the last epochs, per decay rate and seed

A fresh network that guesses knows nothing, so its mean cross-entropy is close to ln C for
C classes; a starting cost far from it points to a bug in the loss or the initial weights.
A network that cannot drive the cost of 20 examples to near zero cannot learn at all, and
no tuning will fix that. Learning-rate decay, lr = lr0 / (1 + decay_rate * epoch), takes
big steps early and small ones late, so a rate that makes the run bounce at the end of
training settles instead. No screen code here.
"""

from __future__ import annotations

import math

import numpy as np

from course.data import Split
from course.nn import Trainer, build_from_config, train_from_config
from course.search.runner import starmap

__all__ = ["decay_study", "overfit_tiny_batch", "starting_costs"]


def starting_costs(config, data, seeds):
    """The mean cross-entropy on the training set of `config`'s network before any step,
    for every seed (the starting weights). Compare with ln C."""
    costs = []
    for seed in seeds:
        model = build_from_config({**config, "seed": int(seed)}, data)[0]
        probabilities = model.probabilities(data.X_train)
        picked = probabilities[np.arange(len(data.y_train)), data.y_train]
        costs.append(float(-np.mean(np.log(picked))))
    return np.array(costs)


def overfit_tiny_batch(config, data, seeds, *, n_examples=20, num_epochs=200):
    """Train `config`'s network on the first `n_examples` training examples only, as one
    batch, for `num_epochs` steps. For every seed: the first epoch after which it
    classified all of them right (num_epochs + 1 if it never did) and the cost after the
    last epoch (NaN if the run diverged)."""
    if not 1 <= n_examples <= len(data.y_train):
        raise ValueError(f"n_examples must be between 1 and the {len(data.y_train)} training "
                         f"examples, got {n_examples}.")
    X, y = data.X_train[:n_examples], data.y_train[:n_examples]
    tiny = Split(X, y, data.X_dev, data.y_dev, data.X_test, data.y_test)
    fitted, costs = [], []
    for seed in seeds:
        model, optimizer, schedule, c, rng = build_from_config({**config, "seed": int(seed)},
                                                               tiny)
        trainer = Trainer(model, optimizer, X, y, batch_size=n_examples, schedule=schedule,
                          rng=rng, on_divergence="stop")
        first = num_epochs + 1
        for epoch in range(1, num_epochs + 1):
            trainer.run(1)
            if trainer.history.diverged:
                break
            if first > num_epochs and model.accuracy(X, y) == 1.0:
                first = epoch
        fitted.append(first)
        costs.append(math.nan if trainer.history.diverged else model.loss(X, y)[0])
    return np.array(fitted), np.array(costs)


def decay_study(config, data, decay_rates, seeds, *, num_epochs=27, last=9, executor=None):
    """Train `config` for `num_epochs` with each decay rate (0: no decay) and seed.

    Returns {decay_rate: {"final": dev accuracy after the last epoch, "wobble": standard
    deviation of the dev accuracy over the `last` epochs}}, arrays over the seeds. A run
    that diverges scores NaN in both. With `executor` the runs go there.
    """
    seeds = [int(seed) for seed in seeds]
    jobs = [({**config, "decay_rate": float(rate), "seed": seed, "num_epochs": num_epochs},
             data, last) for rate in decay_rates for seed in seeds]
    runs = starmap(_final_and_wobble, jobs, executor)
    n, table = len(seeds), {}
    for k, rate in enumerate(decay_rates):
        chunk = runs[k * n:(k + 1) * n]
        table[rate] = {"final": np.array([f for f, _ in chunk]),
                       "wobble": np.array([w for _, w in chunk])}
    return table


def _final_and_wobble(config, data, last):
    """(final dev accuracy, its standard deviation over the last epochs) of one run."""
    _, history = train_from_config(config, data)
    curve = np.array(history.dev_accuracy)
    if len(curve) != config["num_epochs"] or history.diverged:
        return math.nan, math.nan
    return curve[-1], np.std(curve[-last:])
