"""The exponentially weighted (moving) average, with optional bias correction.

    v_0 = 0,   v_t = beta * v_{t-1} + (1 - beta) * x_t          for t = 1, 2, ...
    bias-corrected:  v_t / (1 - beta**t)

It averages roughly the last 1 / (1 - beta) values (`effective_window`). Early on,
v_t is pulled towards its start 0; dividing by 1 - beta**t undoes that. Lesson 03
teaches it, lesson 04 smooths noisy cost curves with it, and momentum, RMSProp and
Adam keep one of these per parameter (`course.nn.optim`).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from course.validate import check_array, check_fraction

__all__ = ["effective_window", "exponentially_weighted_average"]


def exponentially_weighted_average(x, beta, bias_correction=False):
    """v_1..v_n of the recursion above for the values x (shape (n,)); returns float64 (n,)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D series of values, got shape {x.shape}; pass one value "
                         "per step, e.g. np.ravel(x).")
    beta = check_fraction("beta", beta)
    # v_t = beta * v_{t-1} + (1 - beta) * x_t is a first-order linear filter.
    average = lfilter([1.0 - beta], [1.0, -beta], x)
    if bias_correction:
        average = average / (1.0 - beta ** np.arange(1, len(x) + 1))
    return average


def effective_window(beta):
    """How many recent values the average mostly covers: 1 / (1 - beta) (array or float).

    It is also the mean age of the values the average weights (the newest has age 1).

    >>> float(effective_window(0.75))
    4.0
    """
    beta = check_array("beta", beta, at_least=0, below=1, hint="pass e.g. beta=0.9")
    return 1.0 / (1.0 - beta)
