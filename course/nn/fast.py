"""Fast kernels: what the network trains with, each the twin of a readable form.

`layers.py`, `losses.py` and `batchnorm.py` hold the forms a student checks
against the lecture. A training step spends its time in a few of them, on the
small, tall arrays of a mini-batch, where NumPy's general-purpose reductions are
slow. This module computes the same numbers in fewer or cheaper passes. Each
kernel keeps its twin's name and signature (the layout of its cache may differ),
and tests/library/test_fast_kernels.py checks every pair on random and edge-case
inputs, values and gradients.

    readable twin                       fast kernel here, and its trick
    x.sum(axis=0)                       sum_rows(x) = ones @ x: one BLAS call, not a reduction
    x.max(axis=1)                       row_max(x): a loop over the few columns
    layers.dense_forward / _backward    b added in place; db by sum_rows; need_dx=False
                                        skips dx for the first layer, whose input is data
    layers.sigmoid_forward              (1 + tanh(z / 2)) / 2: the same function in one
                                        transcendental call, with no overflow to avoid
    losses.softmax_cross_entropy        row_max and a product for the row sums; one array
                                        turned into dscores in place; no input checks
                                        (the network checks X and y once, before training)
    batchnorm.batchnorm_forward         mean and variance as products with a vector of 1/m;
    batchnorm.batchnorm_backward        the cache keeps z - mean instead of z_hat
    batchnorm.batchnorm_inference       one scale and one shift per feature

`ACTIVATIONS` is layers.ACTIVATIONS with sigmoid's forward pass swapped for the
one here. The pairs agree to within floating-point rounding: the dense layer's
products exactly, sums to the rounding of their order, and sigmoid to about the
dtype's machine epsilon in absolute terms (1 + tanh(z / 2) loses the relative
precision of values near 0, which are below epsilon anyway).
"""

from typing import NamedTuple

import numpy as np

from course.nn import layers


def sum_rows(x):
    """Sum of the rows of x (m, n) -> (n,): x.sum(axis=0), as ones @ x."""
    return np.ones(x.shape[0], dtype=x.dtype) @ x


# ---------------------------------------------------------------------- dense layer
def dense_forward(x, W, b=None):
    """layers.dense_forward: out = x @ W + b, with b added in place.

    Returns: out (m, h), cache = (x, W, has_bias).
    """
    out = x @ W
    if b is not None:
        out += b
    return out, (x, W, b is not None)


def dense_backward(dout, cache, need_dx=True):
    """layers.dense_backward; need_dx=False skips dx (returned as None).

    Returns: dx (m, d) or None, dW (d, h), db (h,) or None when the layer has no bias.
    """
    x, W, has_bias = cache
    dx = dout @ W.T if need_dx else None
    dW = x.T @ dout
    db = sum_rows(dout) if has_bias else None
    return dx, dW, db


# ---------------------------------------------------------------------- activations
def sigmoid_forward(z):
    """layers.sigmoid_forward, as (1 + tanh(z / 2)) / 2, which never overflows and
    takes one transcendental function instead of exp, a division and a choice.
    Returns out, cache = out."""
    out = np.tanh(0.5 * z)
    out += 1
    out *= 0.5
    return out, out


# ReLU and tanh have no faster form: np.maximum and np.tanh are single vectorized passes
# (on NumPy 2.4, np.maximum(z, 0) measured 30-40% faster than the (|z| + z) / 2 this
# library once used). Every backward pass is already one or two passes.
ACTIVATIONS = {
    "relu": (layers.relu_forward, layers.relu_backward),
    "tanh": (layers.tanh_forward, layers.tanh_backward),
    "sigmoid": (sigmoid_forward, layers.sigmoid_backward),
}


# ---------------------------------------------------------------------- softmax loss
# Probabilities below exp(-40), about 4e-18, are raised to it. Next to the largest
# class's 1 that is below rounding in float32 and float64 alike, and it keeps the
# gradients sent back through the layers far above float32's denormal range
# (below 1e-38), where arithmetic gets many times slower on some CPUs. The loss
# takes the true class's score unclipped; only the clipped terms of the row sums
# differ, by less than rounding.
_LOWEST_SHIFTED_SCORE = -40.0


def softmax_cross_entropy(scores, y):
    """losses.softmax_cross_entropy for scores (m, C) and labels y (m,) already checked.

    Returns: loss (float), dscores (m, C).
    """
    scores = np.ascontiguousarray(scores)  # the flat indexing below assumes row order
    m, num_classes = scores.shape
    shifted = scores - row_max(scores)[:, None]  # the largest score of each row becomes 0
    probs = np.maximum(shifted, _LOWEST_SHIFTED_SCORE)
    np.exp(probs, out=probs)
    totals = probs @ np.ones(num_classes, dtype=probs.dtype)  # row sums, as a product
    true_class = np.arange(0, m * num_classes, num_classes) + y  # flat index of (i, y[i])
    loss = (np.log(totals).sum() - shifted.take(true_class).sum()) / m
    probs /= totals[:, None] * m
    probs.ravel()[true_class] -= 1 / m
    return float(loss), probs


def row_max(x):
    """x.max(axis=1) for x (m, C). With many more rows than classes a loop over the
    columns is several times faster than NumPy's reduction along a short row."""
    m, num_classes = x.shape
    if m < 16 * num_classes:
        return x.max(axis=1)
    out = x[:, 0].copy()
    for j in range(1, num_classes):
        np.maximum(out, x[:, j], out=out)
    return out


# ---------------------------------------------------------------------- batch norm
class BatchNormCache(NamedTuple):
    """What fast.batchnorm_backward needs; mean and var are the batch statistics.

    z_hat = centred * inv_std; keeping `centred` instead saves the forward pass a sweep.
    """

    centred: np.ndarray  # (m, h) z - mean
    gamma: np.ndarray  # (h,)
    inv_std: np.ndarray  # (h,) 1 / sqrt(var + eps)
    mean: np.ndarray  # (h,)
    var: np.ndarray  # (h,)


def batchnorm_forward(z, gamma, beta, eps=1e-5):
    """batchnorm.batchnorm_forward. Returns out (m, h), cache (a fast.BatchNormCache)."""
    average = np.full(z.shape[0], 1 / z.shape[0], dtype=z.dtype)
    mean = average @ z
    centred = z - mean
    var = average @ (centred * centred)
    inv_std = (var + eps) ** -0.5
    out = centred * (gamma * inv_std)  # gamma * z_hat
    out += beta
    return out, BatchNormCache(centred, gamma, inv_std, mean, var)


def batchnorm_backward(dout, cache):
    """batchnorm.batchnorm_backward, from the cache of fast.batchnorm_forward.

    Returns: dz (m, h), dgamma (h,), dbeta (h,). The same formula as the twin's,
    dz = gamma * inv_std * (dout - sum(dout) / m - z_hat * sum(dout * z_hat) / m),
    with z_hat = centred * inv_std folded into per-feature factors.
    """
    centred, gamma, inv_std = cache.centred, cache.gamma, cache.inv_std
    m = dout.shape[0]
    dbeta = sum_rows(dout)
    dgamma = sum_rows(dout * centred) * inv_std  # sum of dout * z_hat
    dz = centred * (dgamma * (inv_std / -m))
    dz += dout
    dz -= dbeta / m
    dz *= gamma * inv_std
    return dz, dgamma, dbeta


def batchnorm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5):
    """batchnorm.batchnorm_inference, as one scale and one shift per feature."""
    scale = gamma / np.sqrt(running_var + eps)
    return z * scale + (beta - running_mean * scale)
