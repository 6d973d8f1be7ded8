"""Input checks shared by the whole library: the network, the data, the search tools.

Each check returns the value, converted to a plain Python or NumPy type, or raises a
ValueError whose one sentence names the argument and the bad value and says what to
pass instead:

    learning_rate must be a finite number > 0, got -1; pass e.g. learning_rate=0.01.

    check_number(name, value, *, above=, at_least=, below=, at_most=, example=) -> float
    check_positive(name, value)        a finite number > 0
    check_fraction(name, value)        a number in [0, 1) (beta1, momentum, a dev fraction)
    check_int(name, value, *, at_least=, at_most=, example=) -> int
    check_positive_int(name, value)    a whole number >= 1
    check_array(name, values, *, above=, at_least=, below=, at_most=) -> float array
    check_choice(name, value, choices) one of the choices
    check_features(X, input_dim), check_labels(y, n, num_classes)   a dataset's arrays

Bools are not numbers here (True for a learning rate is a slip, not a 1), nor are
strings; NumPy scalars and 0-d arrays are. NaN and inf are never accepted.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

__all__ = ["check_array", "check_choice", "check_features", "check_fraction", "check_int",
           "check_labels", "check_number", "check_positive", "check_positive_int"]

# What the "pass e.g." part of a message suggests for the course's hyperparameter names.
EXAMPLES = {
    "learning_rate": 0.01, "momentum": 0.9, "beta": 0.9, "beta1": 0.9, "beta2": 0.999,
    "epsilon": 1e-8, "decay_rate": 0.1, "batch_size": 64, "num_epochs": 10,
    "weight_scale": 0.01, "reg": 1e-4, "bn_momentum": 0.9, "bn_eps": 1e-5,
}


def _interval(above, at_least, below, at_most):
    """The bounds in words: '[0, 1)' when both sides are bounded, '> 0', '' when neither."""
    low = f"({above}" if above is not None else f"[{at_least}" if at_least is not None else None
    high = f"{below})" if below is not None else f"{at_most}]" if at_most is not None else None
    if low and high:
        return f"in {low}, {high}"
    signs = ((">", above), (">=", at_least), ("<", below), ("<=", at_most))
    return " ".join(f"{sign} {bound}" for sign, bound in signs if bound is not None)


def _example(name, above, at_least, below, at_most, whole):
    """A value that satisfies the bounds, for the message's 'pass e.g.' part."""
    if name in EXAMPLES:
        return EXAMPLES[name]
    low = above if above is not None else at_least
    high = below if below is not None else at_most
    if low is not None and high is not None:
        middle = (low + high) / 2
        return math.ceil(middle) if whole else middle
    if low is not None:
        return low + 1 if above is not None else max(low, 1)
    if high is not None:
        return high - 1
    return 1


def _fail(name, value, requirement, example, hint):
    if hint is None:  # "hidden_dims entry" is a description, not an argument to assign
        hint = f"pass e.g. {name}={example!r}" if " " not in name else f"pass e.g. {example!r}"
    raise ValueError(f"{name} {requirement}, got {value!r}; {hint}.")


def _inside(x, above, at_least, below, at_most):
    """Whether x (a number or an array, elementwise) lies within the bounds."""
    inside = True
    for bound, compare in ((above, operator.gt), (at_least, operator.ge),
                           (below, operator.lt), (at_most, operator.le)):
        if bound is not None:
            inside = inside & compare(x, bound)
    return inside


def _as_float(value):
    """value as a float, or None when it is not a real number (bools and strings are not)."""
    if isinstance(value, np.ndarray):
        if value.ndim != 0 or value.dtype.kind not in "iuf":
            return None
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def check_number(name, value, *, above=None, at_least=None, below=None, at_most=None,
                 example=None, hint=None) -> float:
    """Return `value` as a float if it is a finite real number within the bounds, else raise.

    `example` is the value the message suggests; `hint` replaces its "pass e.g." part.

    >>> check_number("eta", 3, above=1)
    3.0
    >>> check_number("eta", 1, above=1, example=3)
    Traceback (most recent call last):
    ...
    ValueError: eta must be a finite number > 1, got 1; pass e.g. eta=3.
    """
    number = _as_float(value)
    if number is None or not math.isfinite(number) or \
            not _inside(number, above, at_least, below, at_most):
        interval = _interval(above, at_least, below, at_most)
        rule = f"must lie {interval}" if interval.startswith("in ") else \
            f"must be a finite number {interval}".rstrip()
        if example is None:
            example = _example(name, above, at_least, below, at_most, whole=False)
        _fail(name, value, rule, example, hint)
    return number + 0.0  # turns -0.0 into 0.0


def check_positive(name, value, *, example=None, hint=None) -> float:
    """Return `value` as a float if it is a finite number > 0, else raise ValueError."""
    return check_number(name, value, above=0, example=example, hint=hint)


def check_fraction(name, value, *, example=None, hint=None) -> float:
    """Return `value` as a float if 0 <= value < 1 (a decay rate such as beta1), else raise."""
    if example is None and name not in EXAMPLES:
        example = 0.9
    return check_number(name, value, at_least=0, below=1, example=example, hint=hint)


def check_int(name, value, *, at_least=None, at_most=None, example=None, hint=None) -> int:
    """Return `value` as an int if it is a whole number within the bounds, else raise.

    Python and NumPy integers and 0-d integer arrays pass; bools and floats (even 2.0) do not.

    >>> check_int("n", 0, at_least=1, example=20)
    Traceback (most recent call last):
    ...
    ValueError: n must be a whole number >= 1, got 0; pass e.g. n=20.
    """
    whole = None
    if not isinstance(value, (bool, np.bool_)):
        try:
            whole = operator.index(value)
        except TypeError:
            whole = None
    if whole is None or not _inside(whole, None, at_least, None, at_most):
        rule = f"must be a whole number {_interval(None, at_least, None, at_most)}".rstrip()
        if example is None:
            example = _example(name, None, at_least, None, at_most, whole=True)
        _fail(name, value, rule, example, hint)
    return int(whole)


def check_positive_int(name, value, *, example=None, hint=None) -> int:
    """Return `value` as an int if it is a whole number >= 1, else raise ValueError."""
    return check_int(name, value, at_least=1, example=example, hint=hint)


def check_array(name, values, *, above=None, at_least=None, below=None, at_most=None,
                hint=None) -> np.ndarray:
    """Return `values` as a float array if every entry is finite and within the bounds.

    The message shows the first bad entry and where it is.

    >>> check_array("u", [0.5, 1.5], at_least=0, at_most=1)
    Traceback (most recent call last):
    ...
    ValueError: u must hold numbers in [0, 1], got 1.5 (at index 1); pass numbers in [0, 1].
    """
    interval = _interval(above, at_least, below, at_most)
    what = f"numbers {interval}" if interval.startswith("in ") else \
        f"finite numbers {interval}".rstrip()
    tail = hint if hint is not None else f"pass {what}"
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold {what}, got an array of dtype {array.dtype}; "
                         f"{tail}.")
    array = array.astype(float, copy=False)
    good = np.isfinite(array) & _inside(array, above, at_least, below, at_most)
    if not np.all(good):
        where = tuple(int(i) for i in np.argwhere(~good)[0])
        bad = array[where].item()
        place = "" if not where else f" (at index {where[0] if len(where) == 1 else where})"
        raise ValueError(f"{name} must hold {what}, got {bad!r}{place}; {tail}.")
    return array


def check_choice(name, value, choices):
    """Return `value` if it is one of `choices`, else raise ValueError listing them."""
    try:
        known = value in choices
    except (TypeError, ValueError):  # unhashable value, or an array compared elementwise
        known = False
    if not known or isinstance(value, np.ndarray):
        listed = sorted(choices) if isinstance(choices, (set, frozenset)) else list(choices)
        raise ValueError(f"unknown {name} {value!r}; choose one of {listed}.")
    return value


def check_features(X, input_dim, name="X"):
    """Return X as an array of shape (n, input_dim) with finite values, else raise ValueError."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != input_dim:
        raise ValueError(
            f"{name} must have shape (n, {input_dim}) with one example per row, got shape "
            f"{X.shape}; reshape it to (n, {input_dim})."
        )
    if X.dtype.kind not in "fiub":
        raise ValueError(f"{name} must hold numbers, got dtype {X.dtype}; convert it with "
                         f"np.asarray({name}, dtype=float).")
    # One sum is much cheaper than a full isfinite mask; look closer only when it is not finite.
    if not np.isfinite(X.sum()) and not np.isfinite(X).all():
        row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"{name} contains NaN or inf (first in row {row}); clean the data first.")
    return X


def check_labels(y, n, num_classes, name="y"):
    """Return y as an int array of shape (n,) with values in [0, num_classes), else raise."""
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per example, got shape "
                         f"{y.shape}; pass one integer label per row of X.")
    if y.dtype.kind not in "iu":
        whole = y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.array_equal(y, np.round(y))
        if not whole:
            raise ValueError(f"{name} must hold integer class labels, got dtype {y.dtype}; "
                             f"pass labels such as {name}.astype(int) of whole numbers.")
        y = y.astype(np.int64)
    if n and (y.min() < 0 or y.max() >= num_classes):
        bad = y[(y < 0) | (y >= num_classes)][0]
        raise ValueError(
            f"{name} has label {bad}, outside [0, {num_classes}); labels must be 0 .. "
            f"{num_classes - 1} (set num_classes to the number of classes)."
        )
    return y
