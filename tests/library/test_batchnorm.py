"""Does batch norm normalize each feature in train mode, use the running averages
in eval mode, follow the stated running-average convention, and backpropagate
correctly, both as functions and inside the network (where it is a plug point)?"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.nn import (
    DEFAULT_BATCHNORM,
    BatchNormOps,
    FullyConnectedNet,
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference,
    numeric_gradient_array,
    relative_error,
    update_running_stats,
)

EPS = 1e-5


@settings(max_examples=40, deadline=None)
@given(m=st.integers(2, 50), h=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_train_mode_output_has_mean_beta_and_std_abs_gamma(m, h, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(rng.uniform(-5, 5, h), rng.uniform(0.5, 3, h), (m, h))
    gamma = rng.uniform(0.2, 3, h) * rng.choice([-1, 1], h)
    beta = rng.uniform(-2, 2, h)
    out, _ = batchnorm_forward(z, gamma, beta, EPS)
    var = z.var(axis=0)
    assert np.allclose(out.mean(axis=0), beta, atol=1e-9)
    # eps shrinks the std a little: exactly |gamma| * sqrt(var / (var + eps)).
    assert np.allclose(out.std(axis=0), np.abs(gamma) * np.sqrt(var / (var + EPS)), rtol=1e-9)


def test_train_mode_uses_the_variance_divided_by_m():
    z = np.array([[0.0], [2.0]])  # mean 1, variance 1 (divided by m = 2), not 2
    out, cache = batchnorm_forward(z, np.ones(1), np.zeros(1), eps=0.0)
    assert out.ravel().tolist() == [-1.0, 1.0]
    assert cache.mean.tolist() == [1.0] and cache.var.tolist() == [1.0]


def test_backward_matches_numeric_gradients():
    rng = np.random.default_rng(7)
    z, gamma, beta = rng.normal(2, 3, (8, 5)), rng.normal(1, 0.5, 5), rng.standard_normal(5)
    dout = rng.standard_normal((8, 5))
    dz, dgamma, dbeta = batchnorm_backward(dout, batchnorm_forward(z, gamma, beta)[1])

    def out_of(z=z, gamma=gamma, beta=beta):
        return batchnorm_forward(z, gamma, beta)[0]

    numeric = {
        "z": numeric_gradient_array(lambda v: out_of(z=v), z, dout),
        "gamma": numeric_gradient_array(lambda v: out_of(gamma=v), gamma, dout),
        "beta": numeric_gradient_array(lambda v: out_of(beta=v), beta, dout),
    }
    assert relative_error(dz, numeric["z"]) < 1e-7
    assert relative_error(dgamma, numeric["gamma"]) < 1e-7
    assert relative_error(dbeta, numeric["beta"]) < 1e-7


def test_running_average_update_follows_the_momentum_convention():
    # new = momentum * old + (1 - momentum) * batch, worked out by hand for momentum 0.9:
    new_mean, new_var = update_running_stats(
        np.array([1.0, 0.0]), np.array([1.0, 4.0]), np.array([3.0, 10.0]), np.array([2.0, 0.0]), 0.9
    )
    assert np.allclose(new_mean, [0.9 * 1 + 0.1 * 3, 0.9 * 0 + 0.1 * 10])  # [1.2, 1.0]
    assert np.allclose(new_var, [0.9 * 1 + 0.1 * 2, 0.9 * 4 + 0.1 * 0])  # [1.1, 3.6]


def test_inference_normalizes_with_the_given_statistics():
    z = np.array([[3.0, -1.0], [5.0, 1.0]])
    out = batchnorm_inference(z, np.array([2.0, 1.0]), np.array([0.5, 0.0]),
                              np.array([1.0, 0.0]), np.array([4.0, 1.0]), eps=0.0)
    # (z - mean) / sqrt(var) * gamma + beta, column by column:
    assert np.allclose(out, [[(3 - 1) / 2 * 2 + 0.5, -1.0], [(5 - 1) / 2 * 2 + 0.5, 1.0]])


def _bn_net(**options):
    return FullyConnectedNet(4, 3, hidden_dims=(5, 6), use_batchnorm=True, dtype=np.float64,
                             rng=3, **options)


def test_network_updates_running_averages_from_the_first_layers_batch_statistics():
    net = _bn_net(bn_momentum=0.8)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((10, 4)), rng.integers(0, 3, 10)
    z1 = X @ net.params["W1"]  # no bias before batch norm
    net.loss(X, y)
    assert np.allclose(net.bn_running["mean1"], 0.8 * 0 + 0.2 * z1.mean(axis=0))
    assert np.allclose(net.bn_running["var1"], 0.8 * 1 + 0.2 * z1.var(axis=0))


def test_eval_mode_uses_running_averages_not_the_batch():
    net = _bn_net()
    rng = np.random.default_rng(1)
    X = rng.standard_normal((6, 4))
    for l in (1, 2):
        net.bn_running[f"mean{l}"] = rng.standard_normal(net.params[f"W{l}"].shape[1])
        net.bn_running[f"var{l}"] = rng.uniform(0.5, 2, net.params[f"W{l}"].shape[1])
    h = X
    for l in (1, 2):  # eval mode, computed here from the formula
        z = h @ net.params[f"W{l}"]
        z = (z - net.bn_running[f"mean{l}"]) / np.sqrt(net.bn_running[f"var{l}"] + EPS)
        h = np.maximum(z * net.params[f"gamma{l}"] + net.params[f"beta{l}"], 0)
    expected = h @ net.params["W3"] + net.params["b3"]
    assert np.allclose(net.scores(X), expected, rtol=1e-12)
    # One example alone gets the same scores as inside a batch: no batch statistics.
    assert np.allclose(net.scores(X[:1]), expected[:1], rtol=1e-12)


def test_a_learners_batchnorm_with_its_own_cache_plugs_in():
    calls = []

    def forward(z, gamma, beta, eps=1e-5):
        calls.append("forward")
        mu = z.mean(axis=0)
        var = z.var(axis=0)
        xhat = (z - mu) / np.sqrt(var + eps)
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "std": np.sqrt(var + eps)}

    def backward(dout, cache):
        calls.append("backward")
        xhat, gamma, std = cache["xhat"], cache["gamma"], cache["std"]
        m = dout.shape[0]
        dxhat = dout * gamma
        dz = (m * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0)) / (m * std)
        return dz, (dout * xhat).sum(0), dout.sum(0)

    ops = BatchNormOps(forward, backward, update_running_stats, batchnorm_inference)
    theirs, ours = _bn_net(batchnorm=ops), _bn_net()
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((9, 4)), rng.integers(0, 3, 9)
    cost_theirs, grads_theirs = theirs.loss(X, y)
    cost_ours, grads_ours = ours.loss(X, y)
    assert calls == ["forward", "forward", "backward", "backward"]
    assert cost_theirs == pytest.approx(cost_ours, rel=1e-12)
    for name in ours.params:
        assert relative_error(grads_theirs[name], grads_ours[name]) < 1e-10
    for name in ours.bn_running:
        assert np.allclose(theirs.bn_running[name], ours.bn_running[name])


def test_batchnorm_argument_must_be_batchnormops():
    with pytest.raises(ValueError, match="BatchNormOps"):
        FullyConnectedNet(4, 3, use_batchnorm=True, batchnorm=batchnorm_forward)
    assert _bn_net().batchnorm is DEFAULT_BATCHNORM
