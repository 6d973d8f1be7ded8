"""Probe drivers for batch_norm: they run in the child, next to student code.

They unpack the (out, cache) and (dz, dgamma, dbeta) tuples into named arrays, and hand
the student's backward pass a cache made by the student's own forward pass. They also
measure numeric gradients of the student's own forward pass, so that the feedback can tell
a wrong backward pass from a wrong forward pass. Drivers hold no answers.
"""

import numpy as np


def forward(function, student, z, gamma, beta, eps):
    out, _ = function(z.copy(), gamma.copy(), beta.copy(), eps)
    return {"out": np.asarray(out, dtype=float)}


def numeric_gradient(f, x, dout, h=1e-5):
    """Centred differences of sum(f(x) * dout) with respect to every entry of x."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = np.sum(np.asarray(f(x), dtype=float) * dout)
        x[index] = old - h
        minus = np.sum(np.asarray(f(x), dtype=float) * dout)
        x[index] = old
        grad[index] = (plus - minus) / (2 * h)
    return grad


def backward(function, student, z, gamma, beta, eps, dout):
    own_forward = student("batchnorm_forward")
    out, cache = own_forward(z.copy(), gamma.copy(), beta.copy(), eps)
    dz, dgamma, dbeta = function(dout.copy(), cache)
    result = {"dz": dz, "dgamma": dgamma, "dbeta": dbeta, "out": out}
    try:
        def out(z_=z, gamma_=gamma, beta_=beta):
            return own_forward(z_.copy(), gamma_.copy(), beta_.copy(), eps)[0]

        result["own_dz"] = numeric_gradient(lambda v: out(z_=v), z, dout)
        result["own_dgamma"] = numeric_gradient(lambda v: out(gamma_=v), gamma, dout)
        result["own_dbeta"] = numeric_gradient(lambda v: out(beta_=v), beta, dout)
    except Exception:  # the forward pass is judged on its own; this is only a hint
        pass
    return {name: np.asarray(value, dtype=float) for name, value in result.items()}
