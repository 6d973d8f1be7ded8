"""Lesson 03: how much a small change of momentum's beta changes real training.

Momentum keeps v = beta * v + (1 - beta) * dw, an average over about 1 / (1 - beta)
steps. Moving beta by 0.0005 barely changes that window at 0.9 and doubles it at 0.999.
Here the digits network is trained with each beta and the same seeds (so the same
initial weights and batches), and the runs are compared.

    MOMENTUM_RUN                          the training config (momentum, lr 0.3, 10 epochs)
    momentum_runs(betas, seeds) -> {"dev_accuracy", "train_cost"}, each (betas, seeds)
    steps_per_epoch(batch_size) -> optimizer steps in one epoch on the digits

No screen code.
"""

from __future__ import annotations

import math

import numpy as np

from course.data import cached_digits_split
from course.nn import train_from_config

__all__ = ["MOMENTUM_RUN", "momentum_runs", "steps_per_epoch"]

# Plain momentum at a learning rate where beta = 0.9 trains well in 10 epochs.
MOMENTUM_RUN = {"optimizer": "momentum", "learning_rate": 0.3, "num_epochs": 10,
                "batch_size": 64, "hidden_dims": (64,)}


def steps_per_epoch(batch_size=MOMENTUM_RUN["batch_size"]):
    """How many mini-batches (optimizer steps) one epoch of the digits' train split has."""
    return math.ceil(len(cached_digits_split(seed=0).y_train) / batch_size)


def momentum_runs(betas, seeds, config=None):
    """Train the digits network once per beta and seed.

    config: the training config without momentum and seed (default MOMENTUM_RUN).
    Returns {"dev_accuracy": (betas, seeds) final dev accuracy (NaN if the run
    diverged), "train_cost": (betas, seeds) mean mini-batch cost of the last epoch}.
    """
    config = MOMENTUM_RUN if config is None else config
    data = cached_digits_split(seed=0)
    shape = (len(betas), len(seeds))
    accuracy, cost = np.full(shape, np.nan), np.full(shape, np.nan)
    last_epoch = steps_per_epoch(config.get("batch_size", MOMENTUM_RUN["batch_size"]))
    for i, beta in enumerate(betas):
        for j, seed in enumerate(seeds):
            _, history = train_from_config({**config, "momentum": float(beta),
                                            "seed": int(seed)}, data, on_divergence="stop")
            if not history.diverged and history.dev_accuracy:
                accuracy[i, j] = history.dev_accuracy[-1]
                cost[i, j] = np.mean(history.costs[-last_epoch:])
    return {"dev_accuracy": accuracy, "train_cost": cost}
