"""Batch normalization, as forward/backward pairs and a plug point.

Interface (the same signatures as the learner's assignment, so that a learner's
functions can be dropped into the shared network):

    out, cache = batchnorm_forward(z, gamma, beta, eps=1e-5)       # train mode
    dz, dgamma, dbeta = batchnorm_backward(dout, cache)
    new_mean, new_var = update_running_stats(running_mean, running_var,
                                             batch_mean, batch_var, momentum)
    out = batchnorm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5)

Train mode normalizes each feature (column) of z with the batch mean mu and the
batch variance var (divided by m, the batch size), then scales by gamma and shifts
by beta:

    z_hat = (z - mu) / sqrt(var + eps),     out = gamma * z_hat + beta.

The running averages follow new = momentum * old + (1 - momentum) * batch, and
eval mode normalizes with them instead of the batch's statistics.

`BatchNormOps` bundles the four callables; the network takes one. Its default,
`DEFAULT_BATCHNORM`, uses the twins of these functions in `course.nn.fast` (the
same numbers, faster). The network computes the batch mean and variance it feeds
to update_running_stats itself when a learner's cache does not carry them, so a
learner's cache layout does not matter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from course.nn import fast


class BatchNormCache(NamedTuple):
    """What batchnorm_backward needs; mean and var are the batch statistics."""

    z_hat: np.ndarray  # (m, h) the normalized z
    gamma: np.ndarray  # (h,)
    std: np.ndarray  # (h,) sqrt(var + eps)
    mean: np.ndarray  # (h,)
    var: np.ndarray  # (h,)


def batchnorm_forward(z, gamma, beta, eps=1e-5):
    """Batch norm in train mode.

    Inputs: z (m, h); gamma (h,); beta (h,); eps added to the variance.
    Returns: out (m, h) = gamma * z_hat + beta; cache (a BatchNormCache).
    """
    mu = z.mean(axis=0)
    var = ((z - mu) ** 2).mean(axis=0)
    std = np.sqrt(var + eps)
    z_hat = (z - mu) / std
    out = gamma * z_hat + beta
    return out, BatchNormCache(z_hat, gamma, std, mu, var)


def batchnorm_backward(dout, cache):
    """Backward pass of batchnorm_forward.

    Inputs: dout (m, h); cache from batchnorm_forward.
    Returns: dz (m, h), dgamma (h,), dbeta (h,).

    z reaches out through z_hat directly and through mu and var. Summing the three
    paths gives the compact form
        dz = (m * dz_hat - sum(dz_hat) - z_hat * sum(dz_hat * z_hat)) / (m * std),
    with dz_hat = dout * gamma and the sums taken over the batch (axis 0).
    """
    z_hat, gamma, std = cache.z_hat, cache.gamma, cache.std
    m = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * z_hat).sum(axis=0)
    dz_hat = dout * gamma
    dz = (m * dz_hat - dz_hat.sum(axis=0) - z_hat * (dz_hat * z_hat).sum(axis=0)) / (m * std)
    return dz, dgamma, dbeta


def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
    """Exponential running averages of the batch statistics.

    Inputs: the running and the batch mean and variance, each (h,); momentum in [0, 1).
    Returns: (new_mean, new_var), each new = momentum * old + (1 - momentum) * batch.
    """
    new_mean = momentum * running_mean + (1 - momentum) * batch_mean
    new_var = momentum * running_var + (1 - momentum) * batch_var
    return new_mean, new_var


def batchnorm_inference(z, gamma, beta, running_mean, running_var, eps=1e-5):
    """Batch norm in eval mode: normalize z (m, h) with the running averages.

    Returns: out (m, h) = gamma * (z - running_mean) / sqrt(running_var + eps) + beta.
    """
    z_hat = (z - running_mean) / np.sqrt(running_var + eps)
    return gamma * z_hat + beta


@dataclass(frozen=True)
class BatchNormOps:
    """The batch-norm step the network uses: four callables with the signatures above."""

    forward: Callable
    backward: Callable
    update_running_stats: Callable
    inference: Callable


DEFAULT_BATCHNORM = BatchNormOps(
    fast.batchnorm_forward, fast.batchnorm_backward, update_running_stats,
    fast.batchnorm_inference,
)
