"""Lesson 01: the shape you choose (hyperparameters) vs the numbers it learns (parameters).

Three hyperparameters, `hidden_layers`, `hidden_units` and `activation`, build a
network with hidden_dims = (hidden_units,) * hidden_layers. It trains on a 2-D spiral
(Adam, learning rate 0.03, 150 full-batch steps); at a few checkpoint epochs a
snapshot records what it has learned so far: its decision boundary (P(class 1) on a
grid), its accuracy, and its parameter table (`FullyConnectedNet.parameter_table`).

    for snapshot in shape_snapshots(2, 16, "tanh"): ...   # one per checkpoint epoch
    train_shape(2, 16, "tanh")                             # the last one
"""

from __future__ import annotations

import functools

import numpy as np

from course.data import make_spirals
from course.nn import Adam, FullyConnectedNet, Trainer

__all__ = ["CHECKPOINTS", "EPOCHS", "EXTENT", "GRID", "LEARNING_RATE", "shape_snapshots",
           "spiral_data", "train_shape"]

EPOCHS = 150
CHECKPOINTS = (10, 40, 80, EPOCHS)  # epochs at which a snapshot is taken
LEARNING_RATE = 0.03
GRID = 70  # decision-boundary resolution, GRID x GRID points
EXTENT = (-1.2, 1.2, -1.2, 1.2)  # (x min, x max, y min, y max) of that grid


@functools.lru_cache(maxsize=16)
def spiral_data(seed=0):
    """The lesson's dataset: two interleaved spirals, (X (300, 2) float32, y (300,) int64).

    Shared, read-only arrays (cached per seed); the demo shows seed 0."""
    X, y = make_spirals(300, noise=0.2, rng=seed)
    X.flags.writeable = y.flags.writeable = False
    return X, y


@functools.lru_cache(maxsize=1)
def _grid_points():
    xs = np.linspace(EXTENT[0], EXTENT[1], GRID, dtype=np.float32)
    ys = np.linspace(EXTENT[2], EXTENT[3], GRID, dtype=np.float32)
    return np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)


def shape_snapshots(hidden_layers, hidden_units, activation, seed=0, checkpoints=CHECKPOINTS):
    """Train one shape on the spirals, yielding a snapshot dict at each checkpoint epoch.

    `seed` draws the spirals (spiral_data(seed)) and the network's start.

    Keys: epoch, hidden_dims, activation, num_parameters, table ([(name, shape, count)]
    from the network), accuracy (training set), probability (GRID x GRID array of
    P(class 1) over EXTENT). The last snapshot is the trained network.
    """
    hidden_dims = (int(hidden_units),) * int(hidden_layers)
    X, y = spiral_data(seed)
    net = FullyConnectedNet(2, 2, hidden_dims=hidden_dims, activation=activation, rng=seed)
    trainer = Trainer(net, Adam(LEARNING_RATE), X, y, batch_size=len(y), rng=seed,
                      on_divergence="stop", eval_every=0)
    table = net.parameter_table()
    for epoch in checkpoints:
        trainer.run(epoch - trainer.epoch)
        yield {
            "epoch": epoch,
            "hidden_dims": hidden_dims,
            "activation": activation,
            "num_parameters": net.num_parameters(),
            "table": table,
            "accuracy": float(net.accuracy(X, y)),
            "probability": net.probabilities(_grid_points())[:, 1].reshape(GRID, GRID),
        }


def train_shape(hidden_layers, hidden_units, activation, seed=0):
    """The trained snapshot (last checkpoint) of one shape."""
    *_, last = shape_snapshots(hidden_layers, hidden_units, activation, seed)
    return last
