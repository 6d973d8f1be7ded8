"""Statistical tests for judging samplers, each with a stated false-failure rate.

A correct sampler must fail a hidden check with probability at most ``alpha`` (1e-6 by
default). The thresholds below are exact or conservative bounds, not asymptotic
approximations, so the stated rate holds for every sample size.
"""

from __future__ import annotations

import math

import numpy as np

ALPHA = 1e-6


def ks_distance(samples: np.ndarray, cdf) -> float:
    """Kolmogorov-Smirnov distance sup |F_n(x) - F(x)| between ``samples`` and ``cdf``."""
    x = np.sort(np.asarray(samples, dtype=float).ravel())
    n = x.size
    f = np.clip(cdf(x), 0.0, 1.0)
    above = np.arange(1, n + 1) / n - f
    below = f - np.arange(0, n) / n
    return float(max(above.max(), below.max()))


def ks_threshold(n: int, alpha: float = ALPHA) -> float:
    """Distance a correct sampler exceeds with probability at most ``alpha``.

    Dvoretzky-Kiefer-Wolfowitz with Massart's constant: P(D_n > eps) <= 2 exp(-2 n eps^2)
    for any continuous F and any n, so eps = sqrt(ln(2 / alpha) / (2 n)).
    """
    return math.sqrt(math.log(2.0 / alpha) / (2.0 * n))


def uniform_cdf(low: float, high: float):
    return lambda x: (x - low) / (high - low)


def fits_uniform(values: np.ndarray, low: float, high: float, alpha: float = ALPHA) -> bool:
    """Whether ``values`` pass a KS test against Uniform(low, high) at false-failure ``alpha``."""
    values = np.asarray(values, dtype=float)
    if values.size == 0 or not np.all(np.isfinite(values)) or not high > low:
        return False
    return ks_distance(values, uniform_cdf(low, high)) <= ks_threshold(values.size, alpha)


def edge_slack(n: int, alpha: float = ALPHA) -> float:
    """Fraction of a range within which the extreme of n uniform samples falls.

    For n independent Uniform(0, 1) samples, P(max < 1 - d) = (1 - d)^n. Each of the two
    ends gets alpha / 2, so d = 1 - (alpha / 2)^(1 / n) and a correct sampler misses
    either end with probability at most alpha.
    """
    return 1.0 - (alpha / 2.0) ** (1.0 / n)


def reaches_both_ends(values: np.ndarray, low: float, high: float,
                      alpha: float = ALPHA) -> tuple[bool, bool]:
    """(near low, near high) for samples meant to be uniform on [low, high].

    "Near" means within the slack of :func:`edge_slack` inside the range, and not beyond
    it by more than float rounding (1e-9 of the range).
    """
    values = np.asarray(values, dtype=float)
    d = edge_slack(values.size, alpha) * (high - low)
    rounding = 1e-9 * (high - low)
    lowest, highest = values.min(), values.max()
    return (bool(low - rounding <= lowest <= low + d),
            bool(high - d <= highest <= high + rounding))
