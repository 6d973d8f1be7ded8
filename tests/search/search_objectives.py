"""Module-level objectives for the course.search tests (module level so they pickle
for a process pool and a Dask cluster)."""

import numpy as np

from course.search import TrialResult


def seeded_score(config):
    """A score that depends on the config's values and on its seed, with a curve:
    equal results in two runs prove the same seed reached the same config."""
    rng = np.random.default_rng(config["seed"])
    curve = rng.random(4) + config["x"]
    return TrialResult(float(curve[-1]), curve)


def fails_above_half(config):
    """Raises for x > 0.5, like a run that blows up at a high learning rate."""
    if config["x"] > 0.5:
        raise FloatingPointError(f"diverged at x={config['x']}")
    return config["x"]


def returns_text(config):
    return "not a score"


def quality_times_budget(config, budget):
    """Noise-free: the ranking of configs by `quality` is the same at every budget."""
    return config["quality"] * (1.0 - 1.0 / (1.0 + budget))


def record_budget(config, budget):
    """The score is the budget itself, so a test can see what each rung was given."""
    return float(budget) + 0.001 * config["quality"]


LOG_BOWL_OPTIMUM = {"learning_rate": 1e-3, "momentum": 0.99}


def log_bowl(config):
    """Best at learning_rate = 1e-3 and momentum = 0.99, a bowl on their own scales
    (log10 learning_rate and log10(1 - momentum))."""
    a = np.log10(config["learning_rate"]) + 3
    b = np.log10(1 - config["momentum"]) + 2
    return float(-(a**2) - 2 * b**2)
