"""Lesson 03: sample a range uniformly and on a log scale, and count the trials per decade.

Uniform sampling gives every equal *width* the same share, so on [1e-4, 1] about 90%
of the trials land in the top decade [0.1, 1]. Log-scale sampling (r uniform in
[log10 low, log10 high], value = 10**r; `course.search.LogUniform`) gives every
decade the same share.

    decade_edges(1e-4, 1.0)           # [1e-4, 1e-3, 1e-2, 1e-1, 1]
    expected_shares(edges)            # (uniform shares, log-scale shares) per bin
    sampling_histograms(1e-4, 1.0, 200, rng=0)   # both samples and their counts
"""

from __future__ import annotations

import math

import numpy as np

from course.rng import as_rng
from course.search import LogUniform, Uniform

__all__ = ["bin_label", "decade_edges", "decade_shares", "expected_shares",
           "sampling_histograms"]


def _check_range(low, high):
    if not (0 < low < high and math.isfinite(high)):
        raise ValueError(f"need 0 < low < high, got low={low!r}, high={high!r}; pick a low "
                         "above 0 and a high above low.")


def decade_edges(low, high):
    """[low, the powers of ten strictly inside (low, high), high], as a float array."""
    _check_range(low, high)
    inside = [10.0**k for k in range(math.floor(math.log10(low)) + 1, math.ceil(math.log10(high)))]
    inside = [e for e in inside if low < e < high]
    return np.array([low, *inside, high], dtype=float)


def expected_shares(edges):
    """Share of each bin between `edges` under uniform and under log-uniform sampling."""
    edges = np.asarray(edges, dtype=float)
    uniform = np.diff(edges) / (edges[-1] - edges[0])
    logs = np.log10(edges)
    log_uniform = np.diff(logs) / (logs[-1] - logs[0])
    return uniform, log_uniform


def sampling_histograms(low, high, n_trials, rng=0):
    """Draw n_trials both ways and count them per decade of [low, high].

    Returns a dict: low, high, edges (decade_edges), uniform, log_uniform (the samples),
    uniform_counts, log_counts (ints per bin), uniform_expected, log_expected (shares
    per bin).
    """
    edges = decade_edges(low, high)
    rng = as_rng(rng)
    uniform = Uniform(low, high).sample(rng, n_trials)
    log_uniform = LogUniform(low, high).sample(rng, n_trials)
    uniform_expected, log_expected = expected_shares(edges)
    return {
        "low": low,
        "high": high,
        "edges": edges,
        "uniform": uniform,
        "log_uniform": log_uniform,
        "uniform_counts": np.histogram(uniform, edges)[0],
        "log_counts": np.histogram(log_uniform, edges)[0],
        "uniform_expected": uniform_expected,
        "log_expected": log_expected,
    }


def decade_shares(samples, first_decade, last_decade):
    """Share of `samples` in each whole decade [10**k, 10**(k+1)), k = first..last - 1."""
    edges = 10.0 ** np.arange(first_decade, last_decade + 1)
    return np.histogram(samples, edges)[0] / len(samples)


def bin_label(a, b):
    """A short label for the bin [a, b), such as "[1e-4, 1e-3)"."""
    return f"[{a:.0e}, {b:.0e})".replace("e-0", "e-").replace("e+0", "e")
