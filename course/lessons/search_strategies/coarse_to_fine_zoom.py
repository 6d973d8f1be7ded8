"""Coarse-to-fine search on a square with a tall, narrow peak and a lower, wider hill.

Round 1 samples the whole square at random; each later round samples again inside a
box drawn around the best trials of the round before (course.search.coarse_to_fine).
With a good seed the boxes close in on the peak; with an unlucky seed or too few
trials per round they settle on the hill.

    zoom_objective(config) -> score       config {"x", "y"} in [0, 1]^2
    zoom_surface(x, y) -> scores          the same, on arrays (for pictures)
    run_zoom(n_per_round, keep, seed) -> one dict per round (cached)
    zoom_vs_random(seeds) -> (coarse-to-fine best scores, random best scores), per seed

No screen code here; the demo is coarse_to_fine_zoom_demo.
"""

from __future__ import annotations

import functools

import numpy as np

from course.search import Uniform, coarse_to_fine, random_configs

__all__ = ["HILL", "ROUNDS", "ZOOM_MARGIN", "ZOOM_SPACE", "run_zoom", "zoom_objective",
           "zoom_surface", "zoom_vs_random"]

ROUNDS = 4
ZOOM_SPACE = {"x": Uniform(0.0, 1.0), "y": Uniform(0.0, 1.0)}
ZOOM_MARGIN = 0.1  # how far each new box reaches beyond the best trials, as a share of the old
HILL = 0.6  # the hill's height; the peak's is 1


def zoom_surface(x, y):
    """Scores on arrays x, y in [0, 1]: a peak of 1 at (0.72, 0.31), a hill of HILL."""
    peak = np.exp(-((x - 0.72) ** 2 + (y - 0.31) ** 2) / (2 * 0.1**2))
    hill = HILL * np.exp(-((x - 0.25) ** 2 + (y - 0.7) ** 2) / (2 * 0.12**2))
    return np.maximum(peak, hill)


def zoom_objective(config):
    """Score of a config {"x", "y"} in [0, 1]^2 (see zoom_surface)."""
    return float(zoom_surface(config["x"], config["y"]))


@functools.lru_cache(maxsize=64)
def run_zoom(n_per_round, keep, seed):
    """All ROUNDS rounds of coarse_to_fine on zoom_objective, as plain data (cached).

    Returns a tuple with one dict per round: region (x0, x1, y0, y1), points (n, 2),
    scores (n,), best_so_far (float). The arrays are shared by every caller of the
    cache: read them, do not change them.
    """
    result = coarse_to_fine(zoom_objective, ZOOM_SPACE, n_per_round=n_per_round,
                            rounds=ROUNDS, keep=keep, seed=seed, margin=ZOOM_MARGIN,
                            progress=False)
    rounds, best = [], -np.inf
    for r in result.rounds:
        points = np.array([[t.config["x"], t.config["y"]] for t in r.trials])
        scores = np.array([t.score for t in r.trials])
        points.flags.writeable = scores.flags.writeable = False
        best = max(best, float(scores.max()))
        region = (r.region["x"].low, r.region["x"].high, r.region["y"].low, r.region["y"].high)
        rounds.append({"region": region, "points": points, "scores": scores,
                       "best_so_far": best})
    return tuple(rounds)


def zoom_vs_random(seeds, *, n_per_round=12, rounds=ROUNDS, keep=3):
    """Coarse-to-fine against plain random search with the same number of trials.

    For every seed: the best score of coarse_to_fine (`rounds` rounds of `n_per_round`,
    boxes around the `keep` best) and of `rounds * n_per_round` random trials drawn with
    numpy's default_rng(seed). Returns two arrays over the seeds: (zoomed, plain).
    """
    zoomed, plain = [], []
    for seed in seeds:
        result = coarse_to_fine(zoom_objective, ZOOM_SPACE, n_per_round=n_per_round,
                                rounds=rounds, keep=keep, seed=int(seed), margin=ZOOM_MARGIN,
                                progress=False)
        zoomed.append(result.best_score)
        configs = random_configs(ZOOM_SPACE, rounds * n_per_round,
                                 np.random.default_rng(int(seed)))
        plain.append(max(zoom_objective(c) for c in configs))
    return np.array(zoomed), np.array(plain)
