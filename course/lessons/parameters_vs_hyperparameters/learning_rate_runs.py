"""Lesson 01: one learning rate, one cost curve J, and a name for what the curve did.

A small network (2 -> 16 relu -> 2) learns the two moons with plain batch gradient
descent: every step sees all 200 points, so the curve shows the learning rate and not
mini-batch noise. Too small: J creeps down. About right: J drops fast. Too big: J
zigzags. Far too big: J explodes; once it is NaN, inf or 1000 times its start the
Trainer stops the run (on_divergence="stop").

    run = train_with_learning_rate(0.5)      # dict: costs, diverged, regime, ...
    learning_rate_sweep(np.logspace(-3, 2, 21))  # final J per rate (NaN = diverged)
"""

from __future__ import annotations

import numpy as np

from course.data import make_moons
from course.nn import SGD, FullyConnectedNet, Trainer

__all__ = ["ITERATIONS", "classify_run", "learning_rate_sweep", "moons_data",
           "train_with_learning_rate"]

ITERATIONS = 100


def moons_data(n_samples=200, seed=0):
    """The lesson's dataset: (X (n, 2) float32, y (n,) int64)."""
    return make_moons(n_samples, noise=0.15, rng=seed)


def train_with_learning_rate(learning_rate, data=None, iterations=ITERATIONS, seed=0):
    """Batch gradient descent for `iterations` steps; returns a dict.

    Keys: learning_rate, costs (float array, one per step that ran), diverged (bool),
    stop_reason (str or None), regime (see classify_run).
    """
    X, y = moons_data() if data is None else data
    net = FullyConnectedNet(2, 2, hidden_dims=(16,), activation="relu", rng=seed)
    trainer = Trainer(net, SGD(learning_rate), X, y, batch_size=len(y), rng=seed,
                      on_divergence="stop", eval_every=0)
    with np.errstate(all="ignore"):  # overflow on the way to inf is the point here
        # one epoch = one step, since every batch holds all the data
        history = trainer.run(iterations)
    costs = np.asarray(history.costs, dtype=float)
    return {
        "learning_rate": float(learning_rate),
        "costs": costs,
        "diverged": history.diverged,
        "stop_reason": history.stop_reason,
        "regime": classify_run(costs, history.diverged),
    }


def classify_run(costs, diverged):
    """Name what a cost curve did.

    "diverged": the Trainer stopped the run; "blowing up": it ended above where it began;
    "oscillating": it went up on more than 10% of the steps; "converging fast": it
    ended below 30% of its start; otherwise "converging slowly".
    """
    costs = np.asarray(costs, dtype=float)
    if diverged:
        return "diverged"
    if costs[-1] > costs[0]:
        return "blowing up"
    if np.mean(np.diff(costs) > 0) > 0.1:
        return "oscillating"
    if costs[-1] < 0.3 * costs[0]:
        return "converging fast"
    return "converging slowly"


def learning_rate_sweep(learning_rates, data=None, iterations=ITERATIONS, seed=0):
    """The final cost (NaN if the run diverged) for each learning rate, as an array."""
    finals = []
    for lr in learning_rates:
        run = train_with_learning_rate(lr, data, iterations, seed)
        finals.append(np.nan if run["diverged"] else run["costs"][-1])
    return np.array(finals)
