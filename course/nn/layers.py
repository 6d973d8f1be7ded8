"""Layers as forward/backward pairs, written as the lecture writes them.

Interface, for every layer here:

    out, cache = <layer>_forward(inputs...)     # cache keeps what backward needs
    grads      = <layer>_backward(dout, cache)  # dout = d(cost)/d(out), same shape as out

Arrays hold one example per row: x has shape (m, features) for a batch of m
examples. Backward passes return new arrays and never change their inputs.
`ACTIVATIONS` maps an activation's name to its (forward, backward) pair.

These are the reference forms. The network trains with their twins in
`course.nn.fast`, which give the same numbers with fewer passes over memory;
tests/library/test_fast_kernels.py checks each pair against each other.
"""

import numpy as np


def dense_forward(x, W, b=None):
    """Affine layer: out = x @ W + b.

    Inputs: x (m, d); W (d, h); b (h,), or None for a layer without bias
    (the layer before batch norm, whose beta takes the bias's place).
    Returns: out (m, h), cache = (x, W, b).
    """
    out = x @ W if b is None else x @ W + b
    return out, (x, W, b)


def dense_backward(dout, cache):
    """Backward pass of dense_forward.

    Inputs: dout (m, h); cache from dense_forward.
    Returns: dx (m, d) = dout @ W.T, dW (d, h) = x.T @ dout, db (h,) = the column sums
    of dout (None when the layer has no bias).
    """
    x, W, b = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = None if b is None else dout.sum(axis=0)
    return dx, dW, db


def relu_forward(z):
    """ReLU: out = max(z, 0), elementwise.

    Inputs: z, any shape. Returns: out (same shape), cache = z.
    """
    return np.maximum(z, 0), z


def relu_backward(dout, cache):
    """Backward pass of relu_forward: dz = dout where z > 0, else 0.

    Inputs: dout; cache = z (or relu(z): both are > 0 at the same places).
    Returns: dz (same shape as dout).
    """
    z = cache
    return dout * (z > 0)


def tanh_forward(z):
    """Hyperbolic tangent, elementwise. Returns out (same shape as z), cache = out."""
    out = np.tanh(z)
    return out, out


def tanh_backward(dout, cache):
    """Backward pass of tanh_forward: dz = dout * (1 - tanh(z)**2)."""
    out = cache
    return dout * (1 - out**2)


def sigmoid_forward(z):
    """Logistic sigmoid: out = 1 / (1 + exp(-z)), elementwise.

    For z < 0, exp(-z) can overflow, so there we use the same fraction multiplied
    above and below by exp(z): out = exp(z) / (1 + exp(z)). Either way the
    exponential is of -|z| and lies in (0, 1].
    Returns: out (same shape as z), cache = out.
    """
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return out, out


def sigmoid_backward(dout, cache):
    """Backward pass of sigmoid_forward: dz = dout * s * (1 - s), with s = sigmoid(z)."""
    s = cache
    return dout * s * (1 - s)


ACTIVATIONS = {
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
}
