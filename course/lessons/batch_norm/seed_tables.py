"""Lesson 05's comparisons over seeds: a grid of training runs, a few numbers per run.

    grid = run_grid({"activation": "relu", "max_steps": 300},
                    {"use_batchnorm": (False, True), "learning_rate": (0.1, 1.0)},
                    seeds=range(8), executor=pool)
    grid.measures["dev_accuracy"]          # array shaped (2, 2, 8): the axes, then the seed
    grid.where(use_batchnorm=True)         # the same numbers for one value of an axis
    spread(values)                         # (median, lowest, highest)
    format_spread(values, ".3f")           # "0.978 (0.958 to 0.983)", as the lesson prints
    speedup(grid)                          # steps to the target, with and without batch norm
    save_tables(path, {"name": grid}), load_tables(path) -> {"name": grid}

A run is `training_runs.trained_network` on a config of PROBE_DEFAULTS keys, plus one
key of its own: "epochs" sets max_steps (and eval_every) to that many passes over the
training set at the run's batch size. Each run gives the measures of `run_measures`:
steps_to_target (inf when the target was never reached), diverged, and the final
dev/train accuracy and cost in eval mode (NaN after a divergence). With and without batch
norm, one seed gives the same first weights W and the same order of batches, so the two
arms of a seed are a pair.

The lesson's saved tables (`seed_tables.npz`, made by `make_seed_tables.py` next to
this file) use seeds 0-7; tests/lessons/test_lesson05_claims.py re-runs other seeds.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course.data import cached_digits_split
from course.lessons.batch_norm.training_runs import probe_config, trained_network

__all__ = ["MEASURES", "PAPER_STEPS", "SeedGrid", "TABLES_PATH", "run_config", "run_measures",
           "run_grid", "spread", "format_spread", "speedup", "save_tables", "load_tables"]

MEASURES = ("steps_to_target", "diverged", "dev_accuracy", "train_accuracy", "dev_cost",
            "train_cost")
TABLES_PATH = Path(__file__).with_name("seed_tables.npz")

# Ioffe & Szegedy (2015), "Batch Normalization: Accelerating Deep Network Training by
# Reducing Internal Covariate Shift", Table 2: training steps for Inception on ImageNet
# to reach the 72.2% validation accuracy of the network without batch norm.
PAPER_STEPS = {
    "Inception (no batch norm)": 31.0e6,
    "BN-Baseline (batch norm only)": 13.3e6,
    "BN-x5 (batch norm, 5x learning rate and other changes)": 2.1e6,
}


@dataclass
class SeedGrid:
    """Every combination of the axes' values (the last axis is "seed"), one run each."""

    base: dict  # config keys every run shares
    axes: dict  # name -> tuple of values, in the order of the arrays' dimensions
    measures: dict  # measure name -> ndarray shaped by the axes

    def where(self, **fixed):
        """The measures with some axes fixed to one of their values (those axes dropped)."""
        index = tuple(list(values).index(fixed[name]) if name in fixed else slice(None)
                      for name, values in self.axes.items())
        return {name: values[index] for name, values in self.measures.items()}


def run_config(config):
    """The full probe config of one grid point; "epochs" becomes max_steps and eval_every."""
    config = dict(config)
    epochs = config.pop("epochs", None)
    config = probe_config(config)
    if epochs is not None:
        steps_per_epoch = math.ceil(len(cached_digits_split().y_train) / config["batch_size"])
        config["max_steps"] = config["eval_every"] = epochs * steps_per_epoch
    return config


def _cost(model, X, y):
    """Mean cross-entropy of the eval-mode probabilities."""
    p = model.probabilities(X)[np.arange(len(y)), y]
    return float(-np.mean(np.log(np.maximum(p, 1e-300))))


def run_measures(config):
    """Train one run (module level, for process pools); its measures as a dict of floats."""
    model, run = trained_network(run_config(config))
    out = {"steps_to_target": math.inf if run.steps_to_target is None
           else float(run.steps_to_target), "diverged": bool(run.diverged)}
    if run.diverged:
        return {**out, **dict.fromkeys(MEASURES[2:], math.nan)}
    data = cached_digits_split()
    return {**out, "dev_accuracy": float(run.dev_accuracy[-1]),
            "train_accuracy": model.accuracy(data.X_train, data.y_train),
            "dev_cost": _cost(model, data.X_dev, data.y_dev),
            "train_cost": _cost(model, data.X_train, data.y_train)}


def run_grid(base, axes, seeds, *, executor=None):
    """run_measures for `base` updated with every combination of `axes` and every seed.

    base: config keys shared by every run; axes: name -> values (config keys, or
    "epochs"); executor: any concurrent.futures executor (None: one after the other).
    """
    axes = {**{name: tuple(values) for name, values in axes.items()}, "seed": tuple(seeds)}
    points = list(itertools.product(*axes.values()))
    configs = [{**base, **dict(zip(axes, point, strict=True))} for point in points]
    results = list(map(run_measures, configs) if executor is None
                   else executor.map(run_measures, configs))
    shape = tuple(len(values) for values in axes.values())
    measures = {name: np.array([r[name] for r in results]).reshape(shape)
                for name in MEASURES}
    return SeedGrid(dict(base), axes, measures)


def spread(values):
    """(median, lowest, highest) of an array of numbers (inf counts as the largest)."""
    values = np.asarray(values, dtype=float).ravel()
    return float(np.median(values)), float(values.min()), float(values.max())


def format_spread(values, fmt=".3f"):
    """"median (lowest to highest)" of some numbers; inf reads "never"."""

    def text(value):
        return "never" if value == math.inf else format(value, fmt)

    median, low, high = spread(values)
    return f"{text(median)} ({text(low)} to {text(high)})"


def _fastest_rate(steps, rates):
    """The rate whose median steps over seeds are fewest (ties: the smaller mean, then rate)."""
    keys = [(np.median(s), np.mean(s), rate) for s, rate in zip(steps, rates, strict=True)]
    return min(keys)[2]


def speedup(grid, same_rate=None):
    """Steps to the target without and with batch norm, from a grid whose axes are
    use_batchnorm (False, True), learning_rate and seed, measured with steps_to_target.

    Returns {"rates", "median_steps" (2, rates), "reached" (2, rates): seeds that reached
    the target, "seeds", per arm (False, True): "best_rate" (fewest median steps),
    "steps_at_best" (seeds,), "highest_rate" (the highest rate every seed reached the
    target at, None if none), and the paired ratios plain / batch norm per seed:
    "same_rate" (default: the plain network's best rate), "ratio_same" (both at
    same_rate), "ratio_best" (each at its own best rate)}.
    """
    if list(grid.axes) != ["use_batchnorm", "learning_rate", "seed"]:
        raise ValueError(f"speedup needs a grid over use_batchnorm, learning_rate and seed, "
                         f"in that order; this one is over {list(grid.axes)}.")
    rates = list(grid.axes["learning_rate"])
    steps = grid.measures["steps_to_target"]  # (2, rates, seeds)
    out = {"rates": rates, "seeds": list(grid.axes["seed"]),
           "median_steps": np.median(steps, axis=2),
           "reached": np.isfinite(steps).sum(axis=2)}
    for k, bn in enumerate(grid.axes["use_batchnorm"]):
        best = _fastest_rate(steps[k], rates)
        every = [rate for j, rate in enumerate(rates) if np.all(np.isfinite(steps[k, j]))]
        out[bn] = {"best_rate": best, "steps_at_best": steps[k, rates.index(best)],
                   "highest_rate": max(every) if every else None}
    plain, bn = grid.axes["use_batchnorm"].index(False), grid.axes["use_batchnorm"].index(True)
    same = out[False]["best_rate"] if same_rate is None else same_rate
    out["same_rate"] = same
    out["ratio_same"] = steps[plain, rates.index(same)] / steps[bn, rates.index(same)]
    out["ratio_best"] = out[False]["steps_at_best"] / out[True]["steps_at_best"]
    return out


def save_tables(path, grids):
    """Write {name: SeedGrid} to one .npz (the configs and axes as JSON)."""
    arrays = {}
    for name, grid in grids.items():
        arrays[f"{name}/meta"] = np.array(json.dumps({"base": grid.base, "axes": grid.axes}))
        for measure, values in grid.measures.items():
            arrays[f"{name}/{measure}"] = values
    np.savez_compressed(path, **arrays)


def load_tables(path=TABLES_PATH):
    """{name: SeedGrid} from save_tables' file (default: the lesson's saved tables)."""
    grids = {}
    with np.load(path) as saved:
        names = sorted({key.split("/")[0] for key in saved.files})
        for name in names:
            meta = json.loads(str(saved[f"{name}/meta"]))
            base = {k: tuple(v) if isinstance(v, list) else v for k, v in meta["base"].items()}
            axes = {k: tuple(v) for k, v in meta["axes"].items()}
            grids[name] = SeedGrid(base, axes, {m: saved[f"{name}/{m}"] for m in MEASURES})
    return grids
