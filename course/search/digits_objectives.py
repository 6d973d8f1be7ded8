"""Objectives that train the shared network (course.nn) on the 8x8 digits.

Interface:

    train_digits(config) -> TrialResult(dev accuracy after the last epoch,
                                        dev accuracy per epoch)
    train_digits_for(config, budget) -> the same with num_epochs = budget
                                        (for successive_halving)

config uses the course vocabulary (learning_rate, hidden_dims, batch_size,
num_epochs, ..., seed); missing keys take course.nn's defaults. The data are
course.data.cached_digits_split(seed=0) for every trial (one read-only copy per
process), so trials differ only by their config and their seed. A run that
diverges scores NaN (it ranks last; its curve is kept).
course.nn is imported when a trial runs, not when this module is imported.
They are module-level functions, so a process pool or Dask can run them.
"""

from __future__ import annotations

import math

from course.search.results import TrialResult

__all__ = ["train_digits", "train_digits_for"]


def train_digits(config) -> TrialResult:
    """Train on the digits with `config`; score = final dev accuracy.

    >>> result = train_digits({"learning_rate": 1e-2, "hidden_dims": (32,), "num_epochs": 2})
    >>> bool(result.score > 0.5), len(result.curve)
    (True, 2)
    """
    from course.data import cached_digits_split
    from course.nn import train_from_config

    _, history = train_from_config(config, cached_digits_split(seed=0), on_divergence="stop")
    curve = list(history.dev_accuracy)
    if history.diverged or not curve:
        return TrialResult(math.nan, curve)
    return TrialResult(float(curve[-1]), curve)


def train_digits_for(config, budget) -> TrialResult:
    """train_digits with num_epochs = budget (an int number of epochs)."""
    return train_digits({**config, "num_epochs": int(budget)})
