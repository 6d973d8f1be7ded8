"""Numeric gradients by centred differences, and the relative error used to compare.

    numeric_gradient(f, x, h=1e-5)                 # f(x) -> scalar; returns df/dx
    numeric_gradient_array(f, x, dout, h=1e-5)     # f(x) -> array; returns d(sum(f(x) * dout))/dx
    relative_error(a, b)                           # |a - b| / (|a| + |b|), in the 2-norm

Both gradients nudge x in place, one entry at a time, and restore it, so f may
read x through a reference (e.g. a network's params). Use float64: in float32 the
rounding error of f swamps a step of h = 1e-5.
"""

import numpy as np


def numeric_gradient(f, x, h=1e-5):
    """Centred-difference gradient (f(x + h) - f(x - h)) / 2h of a scalar function f.

    Inputs: f(x) -> number; x, the float64 array f reads.
    Returns: an array shaped like x.
    """
    return numeric_gradient_array(lambda x: np.asarray(f(x), dtype=np.float64), x, 1.0, h)


def numeric_gradient_array(f, x, dout, h=1e-5):
    """Centred-difference gradient of sum(f(x) * dout) with respect to x.

    Inputs: f(x) -> array; x, the array f reads; dout, shaped like f(x) (the upstream gradient).
    Returns: an array shaped like x.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be a contiguous array so that it can be nudged in place.")
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        plus = np.array(f(x), dtype=np.float64, copy=True)
        flat_x[i] = old - h
        minus = np.array(f(x), dtype=np.float64, copy=True)
        flat_x[i] = old
        flat_grad[i] = np.sum((plus - minus) * dout) / (2 * h)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) over all entries; 0 when both are zero.

    Below 1e-7 in float64 means the analytic gradient agrees with the numeric one.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare shapes {a.shape} and {b.shape}.")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)
