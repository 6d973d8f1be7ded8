"""Every demo of the course, in lesson order, as the playground builds it.

    DEMOS["caviar"].build()        -> the demo's widget (a DemoView), computed from scratch
    DEMOS["caviar"].lesson         -> 4

Each entry's id is what a link names (``caviar.models=3``). A build does all of its
demo's work before it returns (the caviar table, the halving run, the batch-norm
sweeps), with fixed seeds, so the same link always draws the same picture: a demo with
a seed control has it in the link; the others have no random draw left to vary.
The playground runs builds one at a time in one thread (`course.app.playground`).
The numbers the playground's "things to try" promise are recomputed by
tests/lessons/test_playground.py from the constants here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["DEMOS", "Demo"]

# The pictures the playground's texts describe (tests/lessons/test_playground.py).
CAVIAR = {"models": 24, "pandas": 6, "num_epochs": 27, "seed": 0, "panda_seed": 1}
HALVING = {"configs": 27, "min_budget": 1, "max_budget": 27, "eta": 3, "seed": 0}
HISTOGRAM_STEPS = (0, 20, 100, 500)
SWEEP_RATES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
NOISE_NETWORK = {"activation": "relu", "use_batchnorm": True, "learning_rate": 0.3,
                 "max_steps": 400, "stop_at_target": False}
RUNNING_MOMENTA = (0.0, 0.5, 0.9, 0.99, 0.995, 0.999)


@dataclass(frozen=True)
class Demo:
    """One demo: its id in links, its lesson, a title, and how to build it."""

    id: str
    lesson: int
    title: str
    build: Callable[[], object]
    seconds: float  # about how long a build takes on a quiet 2-core machine


def _learning_rate():
    from course.lessons.parameters_vs_hyperparameters import learning_rate_demo
    return learning_rate_demo()


def _network_shape():
    from course.lessons.parameters_vs_hyperparameters import network_shape_demo
    return network_shape_demo()


def _search_strategies():
    from course.lessons.search_strategies import search_strategies_demo
    return search_strategies_demo()


def _coarse_to_fine():
    from course.lessons.search_strategies import coarse_to_fine_demo
    return coarse_to_fine_demo()


def _digits_search():
    from course.lessons.search_strategies import digits_tuning_demo
    return digits_tuning_demo()


def _sampling_scale():
    from course.lessons.sampling_scales import sampling_scale_demo
    return sampling_scale_demo()


def _beta_window():
    from course.lessons.sampling_scales import beta_window_demo
    return beta_window_demo()


def _babysitting():
    from course.lessons.pandas_and_caviar import babysitting_demo
    return babysitting_demo()


def caviar_tables(executor=None):
    """The caviar demo's data: (24 random configs' runs, 6 babysat runs)."""
    from course.lessons.pandas_and_caviar import run_caviar, run_pandas
    caviar = run_caviar(CAVIAR["models"], num_epochs=CAVIAR["num_epochs"], seed=CAVIAR["seed"],
                        executor=executor)
    pandas = run_pandas(CAVIAR["pandas"], num_epochs=CAVIAR["num_epochs"],
                        seed=CAVIAR["panda_seed"], executor=executor)
    return caviar, pandas


def _caviar():
    from course.lessons.pandas_and_caviar import caviar_demo
    caviar, pandas = caviar_tables()
    return caviar_demo(caviar, panda_scores=pandas.scores, models=1)


def halving_run():
    """The halving demo's finished run: 27 random configs, rungs of 1, 3, 9 and 27 epochs."""
    from course.lessons.pandas_and_caviar import SPACE
    from course.search import random_configs
    from course.search.digits_objectives import train_digits_for
    from course.search.halving import successive_halving
    configs = random_configs(SPACE, HALVING["configs"],
                             rng=np.random.default_rng(HALVING["seed"]))
    return successive_halving(train_digits_for, configs, min_budget=HALVING["min_budget"],
                              max_budget=HALVING["max_budget"], eta=HALVING["eta"],
                              seed=HALVING["seed"], progress=False)


def _halving():
    from course.lessons.pandas_and_caviar import halving_demo
    return halving_demo(halving_run())


def _layer_histograms():
    from course.lessons.batch_norm import histogram_snapshots, histograms_demo
    snapshots = histogram_snapshots(snapshot_steps=HISTOGRAM_STEPS, learning_rate=1.0)
    return histograms_demo(snapshots, step=0)


def relu_sweep(executor=None):
    """The learning-rate demo's twelve runs: a ReLU network with and without batch norm."""
    from course.lessons.batch_norm import learning_rate_sweep
    return learning_rate_sweep("relu", SWEEP_RATES, executor=executor, max_steps=300,
                               stop_at_target=False)


def _rate_sweep():
    from course.lessons.batch_norm import sweep_demo
    return sweep_demo(relu_sweep(), learning_rate=3.0)


def noise_table():
    """How much the batch moves one example's normalized value, per batch size."""
    from course.data import cached_digits_split
    from course.lessons.batch_norm import batch_noise, trained_network
    digits = cached_digits_split()
    model, _ = trained_network(NOISE_NETWORK)
    return batch_noise(model, digits.X_train, rng=0)


def _batch_noise():
    from course.lessons.batch_norm import noise_demo
    return noise_demo(noise_table(), batch_size=2)


def _running_averages():
    from course.lessons.batch_norm import momentum_demo, momentum_replay
    return momentum_demo(momentum_replay(momenta=RUNNING_MOMENTA, steps=200), momentum=0.9)


DEMOS = {demo.id: demo for demo in (
    Demo("learning-rate", 1, "The learning rate and the cost curve", _learning_rate, 1.3),
    Demo("network-shape", 1, "The shape of a network", _network_shape, 0.2),
    Demo("search-strategies", 2, "Grid, random and quasi-random search", _search_strategies,
         0.2),
    Demo("coarse-to-fine", 2, "Coarse to fine", _coarse_to_fine, 0.2),
    Demo("digits-search", 2, "A real search on the digits", _digits_search, 0.5),
    Demo("sampling-scale", 3, "Sampling on the right scale", _sampling_scale, 0.2),
    Demo("beta-window", 3, "Momentum's beta and its window", _beta_window, 0.2),
    Demo("babysitting", 4, "Babysitting one model", _babysitting, 0.3),
    Demo("caviar", 4, "Many models at once: caviar", _caviar, 1.5),
    Demo("halving", 4, "Giving up early: successive halving", _halving, 2.0),
    Demo("layer-histograms", 5, "Inside the layers, with and without batch norm",
         _layer_histograms, 1.0),
    Demo("rate-sweep", 5, "How large a learning rate batch norm allows", _rate_sweep, 3.0),
    Demo("batch-noise", 5, "Batch statistics are noisy", _batch_noise, 1.0),
    Demo("running-averages", 5, "Running averages for test time", _running_averages, 1.0),
)}
