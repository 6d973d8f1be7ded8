"""Lesson 03: how sensitive an exponentially weighted average is to beta.

v_t = beta * v_{t-1} + (1 - beta) * x_t averages roughly the last 1 / (1 - beta) values
(`course.smoothing`), so beta = 0.9 -> 0.9005 barely changes the window (10 -> 10.05
values) while beta = 0.999 -> 0.9995 doubles it (1000 -> 2000). That is why 1 - beta
is sampled on a log scale.

    series = noisy_series()                     # a made-up daily temperature, 2 years
    beta_window_data(0.99, series=series)       # the series, its average, the window
"""

from __future__ import annotations

import numpy as np

from course.rng import as_rng
from course.smoothing import effective_window, exponentially_weighted_average

__all__ = ["COMPARED_BETAS", "beta_window_data", "noisy_series"]

# The pairs lesson 03 compares: the same step in beta, very different windows.
COMPARED_BETAS = ((0.9, 0.9005), (0.999, 0.9995))


def noisy_series(n_days=730, noise=4.0, rng=0):
    """A made-up daily temperature: a yearly wave plus Gaussian noise, shape (n_days,)."""
    t = np.arange(n_days)
    return 12.0 - 9.0 * np.cos(2 * np.pi * t / 365.0) + as_rng(rng).normal(0.0, noise, n_days)


def beta_window_data(beta, bias_correction=False, series=None):
    """A series and its exponentially weighted average for one beta, as a dict.

    Keys: beta, window (1 / (1 - beta), in values), series, average (same shape).
    """
    series = noisy_series() if series is None else series
    return {
        "beta": beta,
        "window": float(effective_window(beta)),
        "series": series,
        "average": exponentially_weighted_average(series, beta, bias_correction),
    }
