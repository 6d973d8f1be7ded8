"""Reference answers for parameters_vs_hyperparameters (never released, never in the child)."""

import math

import numpy as np


def count_parameters(layer_dims):
    dims = [int(n) for n in layer_dims]
    return sum(dims[i] * dims[i + 1] + dims[i + 1] for i in range(len(dims) - 1))


def split_sizes(m, dev_fraction, test_fraction):
    """(train, dev, test) row counts of a split of m rows."""
    n_dev, n_test = round(dev_fraction * m), round(test_fraction * m)
    return m - n_dev - n_test, n_dev, n_test


def best_learning_rate(learning_rates, dev_costs):
    finite = [(cost, i) for i, cost in enumerate(dev_costs) if math.isfinite(cost)]
    if not finite:
        raise ValueError("every run diverged")
    return learning_rates[min(finite)[1]]


def selection_optimism(correct, dev, test):
    """For k = 1..K: best test accuracy among the first k models minus the test accuracy of
    the one among them with the best dev accuracy (the first row wins a tie)."""
    correct = np.asarray(correct, dtype=np.int64)
    dev_hits = correct[:, np.asarray(dev, dtype=np.int64)].sum(axis=1)
    test_hits = correct[:, np.asarray(test, dtype=np.int64)].sum(axis=1)
    gaps = []
    for k in range(1, len(correct) + 1):
        chosen = int(np.argmax(dev_hits[:k]))  # argmax returns the first of tied maxima
        gaps.append(int(test_hits[:k].max() - test_hits[chosen]))
    # Integer hit counts until here, so the only rounding is this one division.
    return np.asarray(gaps, dtype=float) / len(test)
