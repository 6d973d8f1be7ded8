"""Layers as forward/backward pairs.

Interface, for every layer here:

    out, cache = <layer>_forward(inputs...)     # cache keeps what backward needs
    grads      = <layer>_backward(dout, cache)  # dout = d(cost)/d(out), same shape as out

Arrays hold one example per row: x has shape (batch, features). Backward passes
return new arrays and never change their inputs. `ACTIVATIONS` maps an
activation's name to its (forward, backward) pair.
"""

import numpy as np


def sum_rows(x):
    """Sum of the rows of x (shape (m, n)) -> shape (n,).

    Written as a matrix product with a vector of ones: for the tall, thin arrays
    of a mini-batch NumPy computes this several times faster than x.sum(axis=0).
    """
    return np.ones(x.shape[0], dtype=x.dtype) @ x


def dense_forward(x, W, b=None):
    """Affine layer: out = x @ W + b.

    Inputs: x (m, d); W (d, h); b (h,) or None for a layer without bias
    (the layer before batch norm, whose beta takes the bias's place).
    Returns: out (m, h), cache.
    """
    out = x @ W
    if b is not None:
        out += b
    return out, (x, W, b is not None)


def dense_backward(dout, cache, need_dx=True):
    """Backward pass of dense_forward.

    Inputs: dout (m, h); cache from dense_forward; need_dx=False skips dx (returned
    as None), for a first layer whose input is the data.
    Returns: dx (m, d), dW (d, h), db (h,) or None when the layer has no bias.
    """
    x, W, has_bias = cache
    dx = dout @ W.T if need_dx else None
    dW = x.T @ dout
    db = sum_rows(dout) if has_bias else None
    return dx, dW, db


def relu_forward(z):
    """ReLU: out = max(z, 0), elementwise. Returns out (same shape as z), cache.

    Computed as (z + |z|) / 2, exactly the same numbers: NumPy's float32 maximum
    runs about half as fast as these two simple passes.
    """
    out = np.abs(z)
    out += z
    out *= 0.5
    return out, out


def relu_backward(dout, cache):
    """Backward pass of relu_forward: dz = dout where z > 0, else 0."""
    return dout * (cache > 0)


def tanh_forward(z):
    """Hyperbolic tangent, elementwise. Returns out (same shape as z), cache."""
    out = np.tanh(z)
    return out, out


def tanh_backward(dout, cache):
    """Backward pass of tanh_forward: dz = dout * (1 - tanh(z)**2)."""
    out = cache
    return dout * (1 - out * out)


def sigmoid_forward(z):
    """Logistic sigmoid 1 / (1 + exp(-z)), elementwise. Returns out, cache.

    Computed as (1 + tanh(z / 2)) / 2, the same function, which never overflows.
    """
    out = np.tanh(0.5 * z)
    out += 1
    out *= 0.5
    return out, out


def sigmoid_backward(dout, cache):
    """Backward pass of sigmoid_forward: dz = dout * s * (1 - s)."""
    out = cache
    return dout * (out * (1 - out))


ACTIVATIONS = {
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
}
