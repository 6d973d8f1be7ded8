"""Toy objectives: cheap functions of a config that behave like training runs.

Interface: `objective(config) -> score` (higher is better), or
`objective(config, budget) -> TrialResult(score, curve)` for successive halving.
They are module-level functions, so they pickle for a process pool or Dask, and
they ignore config keys they do not use (such as the "seed" run_trials adds,
unless they say they use it).

    bowl(config)                   -((x - 0.3)**2 + (y + 0.2)**2); best at BOWL_OPTIMUM
    learning_rate_matters(config)  an "accuracy" that depends strongly on
                                   learning_rate and hardly at all on epsilon
    simulated_training(config, budget)  a learning curve of `budget` epochs whose
                                   speed and plateau depend on learning_rate
"""

from __future__ import annotations

import math

import numpy as np

from course.rng import as_rng
from course.search.results import TrialResult
from course.validate import check_number

__all__ = ["bowl", "BOWL_OPTIMUM", "learning_rate_matters", "BEST_LEARNING_RATE",
           "simulated_training"]

BOWL_OPTIMUM = {"x": 0.3, "y": -0.2}
BEST_LEARNING_RATE = 10**-2.5  # about 0.0032


def bowl(config) -> float:
    """A smooth bowl in x and y with its top (score 0) at BOWL_OPTIMUM.

    >>> bowl({"x": 0.3, "y": -0.2})
    -0.0
    >>> bowl({"x": 0.0, "y": 0.0}) < 0
    True
    """
    return -((config["x"] - BOWL_OPTIMUM["x"]) ** 2 + (config["y"] - BOWL_OPTIMUM["y"]) ** 2)


def _plateau(learning_rate: float) -> float:
    """Best reachable accuracy: a bump in log10(learning_rate) around 10**-2.5."""
    r = math.log10(learning_rate) - math.log10(BEST_LEARNING_RATE)
    return 0.1 + 0.87 * math.exp(-(r**2) / (2 * 0.6**2))


def learning_rate_matters(config) -> float:
    """An accuracy-like score: learning_rate moves it from 0.1 to 0.97, epsilon by
    less than 0.005. Two axes of which one matters: the case where a grid wastes
    most of its trials and random search does not.

    >>> round(learning_rate_matters({"learning_rate": BEST_LEARNING_RATE, "epsilon": 1e-8}), 3)
    0.975
    >>> round(learning_rate_matters({"learning_rate": 1e-6, "epsilon": 1e-8}), 3)
    0.105
    """
    score = _plateau(config["learning_rate"])
    if "epsilon" in config:
        score += 0.005 * math.exp(-((math.log10(config["epsilon"]) + 8) ** 2) / 8)
    return score


def simulated_training(config, budget) -> TrialResult:
    """Dev accuracy after `budget` epochs, with the curve of every epoch.

    A high learning rate learns fast but plateaus low; the best one is slower at
    first, so early rankings are informative but not perfect (what successive
    halving bets on). Noise of 0.005 per epoch comes from config["seed"]
    (0 when absent); the first epochs of a longer run equal a shorter run's.

    >>> result = simulated_training({"learning_rate": BEST_LEARNING_RATE}, 9)
    >>> len(result.curve), bool(result.curve[-1] > result.curve[0])
    (9, True)
    """
    budget = int(check_number("budget", budget, at_least=1, example=9))  # whole epochs
    lr = config["learning_rate"]
    speed = 0.25 * min(4.0, math.sqrt(lr / BEST_LEARNING_RATE))
    epochs = np.arange(1, budget + 1)
    noise = as_rng(config.get("seed", 0), name="config['seed']").normal(0.0, 0.005, budget)
    curve = _plateau(lr) * (1 - np.exp(-speed * epochs)) + noise
    return TrialResult(float(curve[-1]), curve)
