"""One small network learning two spirals: the run the live babysitting demo trains and shows.

    data = spiral_split(seed=0)                                  # a course.data Split
    trainer = make_trainer(data, {"learning_rate": 0.03, "momentum": 0.9})
    grid = boundary_grid(data.X_train, resolution=50)
    frame = frame_data(trainer, grid)                            # what one frame shows
    nudge_study(seeds, new_rates) -> {None: left alone, rate: nudged}, dev accuracy per seed

`make_trainer` builds a fresh tanh network with momentum SGD, seeded, so two trainers
built alike step alike (the lesson replays a slider change with one). `frame_data`
copies out of the trainer everything a picture of the run needs: the cost of every
mini-batch and its bias-corrected moving average over about one epoch, the train and
dev accuracy after every epoch, the hyperparameter changes, and the probability of
class 1 over a grid of points (the decision boundary). No screen code here: the demo
that draws it is `spiral_training_demo` (babysitting_demo).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from course.data import make_spirals, train_dev_test_split
from course.nn import FullyConnectedNet, Momentum, Trainer
from course.rng import as_rng
from course.search.runner import starmap
from course.smoothing import exponentially_weighted_average

__all__ = ["spiral_split", "make_trainer", "nudge_study", "Grid", "boundary_grid",
           "frame_data", "merge_nearby_events"]


def spiral_split(n_samples=400, noise=0.25, seed=0):
    """Two interleaved spirals, split into train (60%), dev (20%) and test (20%)."""
    X, y = make_spirals(n_samples=n_samples, noise=noise, rng=seed)
    return train_dev_test_split(X, y, rng=seed)


def make_trainer(data, hyperparameters, *, hidden_dims=(24, 24), batch_size=32, seed=0):
    """A fresh tanh network with momentum SGD on `data` (a course.data Split).

    hyperparameters: {"learning_rate": ..., "momentum": ...}. A cost that turns NaN or
    infinite stops the run (history.diverged) instead of raising.
    """
    rng = as_rng(seed)
    model = FullyConnectedNet(data.X_train.shape[1], int(data.y_train.max()) + 1,
                              hidden_dims=hidden_dims, activation="tanh", rng=rng)
    optimizer = Momentum(hyperparameters["learning_rate"],
                         momentum=hyperparameters.get("momentum", 0.9))
    return Trainer(model, optimizer, data.X_train, data.y_train, batch_size=batch_size,
                   X_dev=data.X_dev, y_dev=data.y_dev, rng=rng, on_divergence="stop")


def nudge_study(seeds, new_rates, *, start_rate=0.03, change_at=30, num_epochs=150,
                executor=None):
    """What one nudge of the learning rate is worth, replayed without the widget.

    For every seed (the spirals, the weights and the batch order), the dev accuracy after
    `num_epochs` epochs left at `start_rate`, and after the rate was changed once, to each
    of `new_rates`, after `change_at` epochs (as the demo's slider does). Returns
    {None: array over seeds, rate: array over seeds for each new rate}. With `executor`
    the runs go there.
    """
    seeds = [int(seed) for seed in seeds]
    rates = [None, *(float(rate) for rate in new_rates)]
    jobs = [(seed, rate, start_rate, change_at, num_epochs) for rate in rates for seed in seeds]
    scores = starmap(_nudged_run, jobs, executor)
    n = len(seeds)
    return {rate: np.array(scores[k * n:(k + 1) * n]) for k, rate in enumerate(rates)}


def _nudged_run(seed, new_rate, start_rate, change_at, num_epochs):
    """Final dev accuracy of one replay (new_rate None: left alone)."""
    trainer = make_trainer(spiral_split(seed=seed), {"learning_rate": start_rate,
                                                     "momentum": 0.9}, seed=seed)
    while trainer.epoch < num_epochs:
        if new_rate is not None and trainer.epoch == change_at and not trainer.history.events:
            trainer.set_hyperparameter("learning_rate", new_rate)
        trainer.step()
    return trainer.history.dev_accuracy[-1]


class Grid(NamedTuple):
    """A square grid of points: points (resolution**2, 2) float32, row by row from the
    bottom; extent (x0, x1, y0, y1); resolution points a side."""

    points: np.ndarray
    extent: tuple
    resolution: int


def boundary_grid(X, resolution=50, margin=0.4):
    """The Grid covering the 2-D points X with `margin` to spare on every side."""
    low = X.min(axis=0) - margin
    high = X.max(axis=0) + margin
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    return Grid(points, (low[0], high[0], low[1], high[1]), resolution)


def merge_nearby_events(events, window):
    """Changes of one hyperparameter less than `window` iterations apart, as one change.

    A slider moved with the keyboard sends one change per key press, a few steps apart;
    on the curves that is one decision (the first value -> the last), drawn as one marker.
    A change of another hyperparameter in between, or a pause of `window` iterations or
    more, keeps them apart. Returns a new list; `events` is not changed.
    """
    merged = []
    for event in events:
        last = merged[-1] if merged else None
        if last is not None and last.name == event.name \
                and event.iteration - last.iteration < window:
            merged[-1] = last._replace(new=event.new)
        else:
            merged.append(event)
    return merged


def frame_data(trainer, grid):
    """Everything one frame shows, copied out of the trainer (call it in the training thread).

    The smoothed cost averages about one epoch of mini-batches (beta = 1 - 1/steps a
    epoch), over the finite costs only; `probability` is P(class 1) on the grid, an
    image (resolution, resolution). X_train, y_train and extent do not change from
    frame to frame; the plot draws them once.
    """
    history = trainer.history
    costs = np.asarray(history.costs, dtype=float)
    steps_per_epoch = math.ceil(len(trainer.y) / trainer.batch_size)
    finite = costs[np.isfinite(costs)]
    smoothed = (exponentially_weighted_average(finite, 1.0 - 1.0 / steps_per_epoch,
                                               bias_correction=True)
                if len(finite) else finite)
    probability = trainer.model.probabilities(grid.points)[:, 1]
    return {
        "iteration": trainer.iteration,
        "epoch": trainer.epoch,
        "costs": costs,
        "smoothed_costs": smoothed,
        "learning_rates": np.asarray(history.learning_rates, dtype=float),
        "epoch_iterations": np.asarray(history.epochs, dtype=float) * steps_per_epoch,
        "train_accuracy": np.asarray(history.train_accuracy, dtype=float),
        "dev_accuracy": np.asarray(history.dev_accuracy, dtype=float),
        "events": merge_nearby_events(history.events, steps_per_epoch),
        "hyperparameters": trainer.hyperparameters(),
        "probability": probability.reshape(grid.resolution, grid.resolution),
        "diverged": history.diverged,
        "X_train": trainer.X,
        "y_train": trainer.y,
        "extent": grid.extent,
    }
