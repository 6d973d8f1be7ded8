"""Reference answers for parameters_vs_hyperparameters (never released, never in the child)."""

import math


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
