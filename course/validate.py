"""Input checks shared by the network, the optimizers and the training loop.

Each check either returns the (possibly converted) value or raises a ValueError
that names the bad value and says what to do, in one sentence.
"""

import math

import numpy as np


def check_positive(name, value):
    """Return `value` as a float if it is a finite number > 0, else raise ValueError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number > 0, got {value!r}.") from None
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}.")
    return number


def check_fraction(name, value):
    """Return `value` as a float if 0 <= value < 1 (a decay rate such as beta1), else raise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}.") from None
    if not 0.0 <= number < 1.0:
        raise ValueError(
            f"{name} must lie in [0, 1), got {value!r}; values such as 0.9 or 0.999 are typical."
        )
    return number


def check_positive_int(name, value):
    """Return `value` as an int if it is a whole number >= 1, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")
    return int(value)


def check_features(X, input_dim, name="X"):
    """Return X as an array of shape (n, input_dim) with finite values, else raise ValueError."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != input_dim:
        raise ValueError(
            f"{name} must have shape (n, {input_dim}) with one example per row, got shape "
            f"{X.shape}; reshape it to (n, {input_dim})."
        )
    if X.dtype.kind not in "fiub":
        raise ValueError(f"{name} must hold numbers, got dtype {X.dtype}.")
    # One sum is much cheaper than a full isfinite mask; look closer only when it is not finite.
    if not np.isfinite(X.sum()) and not np.isfinite(X).all():
        row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"{name} contains NaN or inf (first in row {row}); clean the data first.")
    return X


def check_labels(y, n, num_classes, name="y"):
    """Return y as an int array of shape (n,) with values in [0, num_classes), else raise."""
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per example, got {y.shape}.")
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and n and np.array_equal(y, np.round(y)):
            y = y.astype(np.int64)
        else:
            raise ValueError(f"{name} must hold integer class labels, got dtype {y.dtype}.")
    if n and (y.min() < 0 or y.max() >= num_classes):
        bad = y[(y < 0) | (y >= num_classes)][0]
        raise ValueError(
            f"{name} has label {bad}, outside [0, {num_classes}); labels must be 0 .. "
            f"{num_classes - 1} (set num_classes to the number of classes)."
        )
    return y


def check_choice(name, value, choices):
    """Return `value` if it is one of `choices`, else raise ValueError listing them."""
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {sorted(choices)}.")
    return value
