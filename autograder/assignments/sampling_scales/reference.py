"""Reference answers for sampling_scales (never released, never reachable by the child)."""

import numpy as np


def sample_log_uniform(low, high, size, rng):
    exponents = rng.uniform(np.log10(low), np.log10(high), size=size)
    return 10.0**exponents


def sample_momentum_beta(low, high, size, rng):
    exponents = rng.uniform(np.log10(1.0 - high), np.log10(1.0 - low), size=size)
    return 1.0 - 10.0**exponents


def effective_window(beta):
    return 1.0 / (1.0 - np.asarray(beta, dtype=float))


def log_spaced_grid(low, high, num):
    return np.logspace(np.log10(low), np.log10(high), num)


def choose_scales(ranges):
    chosen = {}
    for name, (low, high) in ranges.items():
        if low >= 0.5 and high < 1.0 and (1.0 - low) / (1.0 - high) >= 10.0:
            chosen[name] = "one_minus_log"
        elif high / low >= 10.0:
            chosen[name] = "log"
        else:
            chosen[name] = "linear"
    return chosen
