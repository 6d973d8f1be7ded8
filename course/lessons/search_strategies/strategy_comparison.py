"""Grid vs random vs quasi-random trials when one hyperparameter matters much more.

Two hyperparameters live on the unit square. Along hyperparameter 1 (x) the score has
a narrow peak that sits between the lines of a 5 x 5 grid; along hyperparameter 2 (y)
a broad bump whose weight says how much y matters (0: not at all). Every strategy gets
the same budget of trials, made by course.search:

    objective(x, y, weight) -> score in [0, 1]
    strategy_points(strategy, budget, seed) -> (n, 2) trial points
    compare_strategies(budget, weight, seed) -> per strategy: points, scores, best,
                                                distinct values per axis
    best_on_random_objectives(grid_points, n_objectives, weight, rng) -> (n, 2) best
        scores of the grid and of 25 random trials on objectives with random peaks

No screen code here; the demo is strategy_comparison_demo.
"""

from __future__ import annotations

import math

import numpy as np

from course.rng import as_rng
from course.search import Uniform, grid_configs, quasi_random_configs, random_configs

__all__ = ["PEAK_X", "PEAK_Y", "STRATEGIES", "best_on_random_objectives", "bump",
           "compare_strategies", "objective", "strategy_points"]

STRATEGIES = ("grid", "random", "quasi-random")
PEAK_X, WIDTH_X = 0.62, 0.06  # the important axis: a narrow peak between grid lines
PEAK_Y, WIDTH_Y = 0.35, 0.25  # the other axis: a broad bump
UNIT_SQUARE = {"x": Uniform(0.0, 1.0), "y": Uniform(0.0, 1.0)}


def bump(values, centre, width):
    """A Gaussian bump of height 1 at `centre` with standard deviation `width`."""
    return np.exp(-0.5 * ((values - centre) / width) ** 2)


def objective(x, y, weight):
    """Score in [0, 1] (higher is better): a narrow peak in x plus `weight` times a bump in y.

    x, y: arrays of the same shape in [0, 1]; weight >= 0: how much y matters.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return (bump(x, PEAK_X, WIDTH_X) + weight * bump(y, PEAK_Y, WIDTH_Y)) / (1.0 + weight)


def strategy_points(strategy, budget, seed=0):
    """(n, 2) array of trial points: a k x k grid with k = floor(sqrt(budget)), or `budget`
    random / scrambled-Sobol points, all made by course.search."""
    if strategy == "grid":
        configs = grid_configs(UNIT_SQUARE, math.isqrt(budget))
    elif strategy == "random":
        configs = random_configs(UNIT_SQUARE, budget, as_rng(seed))
    elif strategy == "quasi-random":
        configs = quasi_random_configs(UNIT_SQUARE, budget, seed)
    else:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}; "
                         "pick one of those.")
    return np.array([[c["x"], c["y"]] for c in configs])


def compare_strategies(budget, weight, seed=0):
    """For each strategy: its points, their scores, the best score, distinct values per axis.

    Returns {"budget", "weight", and one dict per name in STRATEGIES with "points" (n, 2),
    "scores" (n,), "best", "distinct_x", "distinct_y"}.
    """
    result = {"budget": budget, "weight": weight}
    for strategy in STRATEGIES:
        points = strategy_points(strategy, budget, seed)
        scores = objective(points[:, 0], points[:, 1], weight)
        result[strategy] = {
            "points": points,
            "scores": scores,
            "best": float(scores.max()),
            "distinct_x": len(np.unique(np.round(points[:, 0], 9))),
            "distinct_y": len(np.unique(np.round(points[:, 1], 9))),
        }
    return result


def best_on_random_objectives(grid_points, n_objectives, weight, rng, both_narrow=False):
    """Best score of the grid and of 25 random trials on `n_objectives` random objectives.

    Each objective puts a narrow peak (width 0.03-0.1) at a random x and, with `weight`,
    a broad bump (width 0.3) at a random y; with both_narrow=True it is instead a product
    of two narrow peaks, so both hyperparameters matter equally (the control case). The
    random trials are drawn afresh for every objective from `rng` (a Generator or a seed).

    Returns an (n_objectives, 2) array: column 0 the grid's best, column 1 random's.
    """
    rng = as_rng(rng)
    scores = np.empty((n_objectives, 2))
    for i in range(n_objectives):
        cx, cy = rng.uniform(0, 1, size=2)
        wx, wy = rng.uniform(0.03, 0.1, size=2)
        random_points = np.array([[c["x"], c["y"]] for c in random_configs(UNIT_SQUARE, 25, rng)])
        for j, pts in enumerate((grid_points, random_points)):
            if both_narrow:
                f = bump(pts[:, 0], cx, wx) * bump(pts[:, 1], cy, wy)
            else:
                f = bump(pts[:, 0], cx, wx) + weight * bump(pts[:, 1], cy, 0.3)
            scores[i, j] = f.max()
    return scores
