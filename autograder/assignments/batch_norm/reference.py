"""Reference answers for batch_norm (never released, never in the child).

Written independently of course.nn.batchnorm, so a slip in either shows up in the tests.
"""

import numpy as np

# The same centred differences the child uses on the student's own forward pass.
from autograder.assignments.batch_norm.drivers import numeric_gradient


def batchnorm_forward(z, gamma, beta, eps):
    mu = np.mean(z, axis=0)
    var = np.mean((z - mu) ** 2, axis=0)
    return gamma * (z - mu) / np.sqrt(var + eps) + beta


def batchnorm_gradients(z, gamma, beta, eps, dout):
    """(dz, dgamma, dbeta) of batchnorm_forward, by centred differences."""
    return (
        numeric_gradient(lambda v: batchnorm_forward(v, gamma, beta, eps), z, dout),
        numeric_gradient(lambda v: batchnorm_forward(z, v, beta, eps), gamma, dout),
        numeric_gradient(lambda v: batchnorm_forward(z, gamma, v, eps), beta, dout),
    )


def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
    keep = momentum
    return (keep * running_mean + (1 - keep) * batch_mean,
            keep * running_var + (1 - keep) * batch_var)


def batchnorm_inference(z, gamma, beta, running_mean, running_var, eps):
    return gamma * (z - running_mean) / np.sqrt(running_var + eps) + beta


def momentum_gap(num_steps, max_start_weight):
    """1 - momentum for choose_running_momentum, exactly.

    Each update keeps a fraction momentum of the start's weight, so after num_steps updates
    the start keeps momentum ** num_steps; the largest momentum makes that max_start_weight.

    The checks compare this gap (computed without cancellation), not the momentum itself:
    a momentum near 1 is only as precise as its distance from 1.
    """
    return -np.expm1(np.log(max_start_weight) / num_steps)
