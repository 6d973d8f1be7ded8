"""Batch normalization, as forward/backward pairs and a plug point.

Interface (the same signatures as the learner's assignment, so that a learner's
functions can be dropped into the shared network):

    out, cache = batchnorm_forward(z, gamma, beta, eps=1e-5)       # train mode
    dz, dgamma, dbeta = batchnorm_backward(dout, cache)
    new_mean, new_var = update_running_stats(running_mean, running_var,
                                             batch_mean, batch_var, momentum)
    out = batchnorm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5)

Train mode normalizes each feature (column) of z with the batch mean and the
batch variance (divided by m, the batch size), then scales by gamma and shifts
by beta. The running averages follow new = momentum * old + (1 - momentum) * batch,
and eval mode normalizes with them instead of the batch's statistics.

`BatchNormOps` bundles the four callables; the network takes one (default
`DEFAULT_BATCHNORM`). The network computes the batch mean and variance it feeds
to update_running_stats itself, so a learner's cache layout does not matter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class BatchNormCache(NamedTuple):
    """What batchnorm_backward needs; mean and var are the batch statistics.

    The normalized input is xhat = centred * inv_std; keeping `centred` instead
    saves the forward pass one sweep over the batch.
    """

    centred: np.ndarray
    gamma: np.ndarray
    inv_std: np.ndarray
    mean: np.ndarray
    var: np.ndarray


def batchnorm_forward(z, gamma, beta, eps=1e-5):
    """Batch norm in train mode.

    Inputs: z (m, h); gamma (h,); beta (h,); eps added to the variance.
    Returns: out (m, h) = gamma * (z - mean) / sqrt(var + eps) + beta, where mean
    and var (divided by m) are taken over the batch; cache (a BatchNormCache).
    """
    # Column means as one product with a vector of 1/m: for a batch NumPy does that
    # several times faster than z.mean(axis=0).
    average = np.full(z.shape[0], 1 / z.shape[0], dtype=z.dtype)
    mean = average @ z
    centred = z - mean
    var = average @ (centred * centred)
    inv_std = (var + eps) ** -0.5
    out = centred * (gamma * inv_std)  # gamma * xhat
    out += beta
    return out, BatchNormCache(centred, gamma, inv_std, mean, var)


def batchnorm_backward(dout, cache):
    """Backward pass of batchnorm_forward.

    Inputs: dout (m, h); cache from batchnorm_forward.
    Returns: dz (m, h), dgamma (h,), dbeta (h,).
    """
    centred, gamma, inv_std = cache.centred, cache.gamma, cache.inv_std
    m = dout.shape[0]
    ones = np.ones(m, dtype=dout.dtype)
    dbeta = ones @ dout
    dgamma = (ones @ (dout * centred)) * inv_std  # sum of dout * xhat
    # d(out)/dz through xhat, the mean and the variance, collected into one line:
    # dz = gamma / std * (dout - sum(dout) / m - xhat * sum(dout * xhat) / m).
    dz = centred * (dgamma * (inv_std / -m))
    dz += dout
    dz -= dbeta / m
    dz *= gamma * inv_std
    return dz, dgamma, dbeta


def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
    """Exponential running averages of the batch statistics.

    Returns: (new_mean, new_var), each new = momentum * old + (1 - momentum) * batch.
    """
    new_mean = momentum * running_mean + (1 - momentum) * batch_mean
    new_var = momentum * running_var + (1 - momentum) * batch_var
    return new_mean, new_var


def batchnorm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5):
    """Batch norm in eval mode: normalize z (m, h) with the running averages.

    Returns: out (m, h) = gamma * (z - running_mean) / sqrt(running_var + eps) + beta.
    """
    scale = gamma / np.sqrt(running_var + eps)
    return z * scale + (beta - running_mean * scale)


@dataclass(frozen=True)
class BatchNormOps:
    """The batch-norm step the network uses: four callables with the signatures above."""

    forward: Callable
    backward: Callable
    update_running_stats: Callable
    inference: Callable


DEFAULT_BATCHNORM = BatchNormOps(
    batchnorm_forward, batchnorm_backward, update_running_stats, batchnorm_inference
)
