"""Probe drivers for parameters_vs_hyperparameters: they run in the child, next to student code.

A driver calls the student's function with inputs it builds from plain probe arguments and
returns plain numbers (a dict of arrays) for the parent to judge. Drivers hold no answers.
"""

import numpy as np


def split(function, student, m, width, labels, dev_fraction, test_fraction, seed):
    """Split rows that carry their own row number, and report where every row went."""
    ids = np.arange(m, dtype=float)
    X = ids[:, None] * 1000.0 + np.arange(width, dtype=float)  # row i: i*1000 + column
    y = np.asarray(labels, dtype=np.int64)
    X_before, y_before = X.copy(), y.copy()
    parts = function(X, y, dev_fraction, test_fraction, np.random.default_rng(seed))
    parts = tuple(parts)
    if len(parts) != 6:
        raise ValueError(f"expected 6 arrays (X_train, y_train, X_dev, y_dev, X_test, y_test), "
                         f"got {len(parts)}")
    out = {"inputs_unchanged": float(np.array_equal(X, X_before) and np.array_equal(y, y_before))}
    intact = True
    named = zip(("train", "dev", "test"), parts[0::2], parts[1::2], strict=True)
    for name, X_part, y_part in named:
        X_part = np.asarray(X_part, dtype=float).reshape(-1, width)
        y_part = np.asarray(y_part, dtype=float).ravel()
        row = np.round(X_part[:, 0] / 1000.0)
        intact = intact and np.array_equal(X_part, row[:, None] * 1000.0 + np.arange(width))
        out[f"{name}_rows"] = row
        out[f"{name}_labels"] = y_part
    out["rows_intact"] = float(intact)
    return out


def refuse(function, student, learning_rates, dev_costs):
    """Whether the function raises ValueError (with a message) when nothing can be chosen."""
    try:
        value = function(list(learning_rates), list(dev_costs))
    except ValueError as exc:
        return {"value_error": 1.0, "has_message": float(bool(str(exc).strip()))}
    try:
        returned = float(value)
    except (TypeError, ValueError):
        returned = float("nan")
    return {"value_error": 0.0, "has_message": 0.0, "returned": returned}


def optimism(function, student, correct, dev, test):
    """Call with the task's types: a 0/1 integer matrix and integer column numbers."""
    return function(np.asarray(correct, dtype=np.int64), np.asarray(dev, dtype=np.int64),
                    np.asarray(test, dtype=np.int64))
