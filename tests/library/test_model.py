"""Is the whole network's gradient right (float64, with and without batch norm, on the
fast kernels and on the readable layers), is it built as its hyperparameters say, do
its queries (probabilities, layer_inputs, parameter_table) agree with computations
made here, and does it refuse bad input clearly?"""

import pickle
from types import SimpleNamespace

import numpy as np
import pytest

import course.nn.model as model_module
from course.nn import (
    BatchNormOps,
    FullyConnectedNet,
    PackedArrays,
    batchnorm,
    layers,
    losses,
    numeric_gradient,
    relative_error,
)

# The readable layers in the roles the network gives course.nn.fast's kernels.
READABLE_KERNELS = SimpleNamespace(
    ACTIVATIONS=layers.ACTIVATIONS,
    dense_forward=layers.dense_forward,
    dense_backward=lambda dout, cache, need_dx=True: layers.dense_backward(dout, cache),
    softmax_cross_entropy=losses.softmax_cross_entropy,
)
READABLE_BATCHNORM = BatchNormOps(batchnorm.batchnorm_forward, batchnorm.batchnorm_backward,
                                  batchnorm.update_running_stats, batchnorm.batchnorm_inference)


@pytest.fixture(params=["fast", "readable"])
def kernels(request, monkeypatch):
    """Options for FullyConnectedNet: none for the fast kernels; for "readable", the
    layers of course.nn.layers/losses/batchnorm swapped into the network."""
    if request.param == "fast":
        return {}
    monkeypatch.setattr(model_module, "fast", READABLE_KERNELS)
    return {"batchnorm": READABLE_BATCHNORM}


@pytest.mark.parametrize("use_batchnorm", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_whole_network_gradient_matches_numeric(use_batchnorm, activation, kernels, batch):
    net = FullyConnectedNet(5, 3, hidden_dims=(6, 4), activation=activation,
                            use_batchnorm=use_batchnorm, reg=0.05, dtype=np.float64, rng=11,
                            **kernels)
    # Biases start at 0, so an example that no first-layer ReLU lets through would sit
    # exactly on the second layer's kink, where centred differences are wrong: shift them.
    net.params.flat[:] += 0.1 * np.random.default_rng(12).standard_normal(net.num_parameters())
    X, y = batch
    _, grads = net.loss(X, y)
    for name, value in net.params.items():
        numeric = numeric_gradient(lambda _: net.loss(X, y)[0], value)
        assert relative_error(grads[name], numeric) < 1e-7, name


@pytest.mark.parametrize("use_batchnorm", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_fast_and_readable_networks_train_alike_in_float32(use_batchnorm, activation,
                                                          monkeypatch, rng):
    X, y = rng.standard_normal((50, 6)), rng.integers(0, 4, 50)

    def costs_and_grads(**options):
        net = FullyConnectedNet(6, 4, hidden_dims=(16, 8), activation=activation,
                                use_batchnorm=use_batchnorm, rng=3, **options)
        return [net.loss(X[i:i + 25], y[i:i + 25]) for i in (0, 25)], net

    fast_steps, fast_net = costs_and_grads()
    with monkeypatch.context() as patch:
        patch.setattr(model_module, "fast", READABLE_KERNELS)
        readable_steps, readable_net = costs_and_grads(batchnorm=READABLE_BATCHNORM)
    for (cost, grads), (twin_cost, twin_grads) in zip(fast_steps, readable_steps, strict=True):
        assert cost == pytest.approx(twin_cost, rel=1e-5)
        assert relative_error(grads.flat, twin_grads.flat) < 1e-5
    for name, value in readable_net.bn_running.items():
        assert np.allclose(fast_net.bn_running[name], value, rtol=1e-5, atol=1e-6)


def test_parameter_names_and_count_by_hand():
    plain = FullyConnectedNet(64, 10, hidden_dims=(64, 64))
    assert list(plain.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert plain.num_parameters() == (64 * 64 + 64) + (64 * 64 + 64) + (64 * 10 + 10)  # 8906
    bn = FullyConnectedNet(64, 10, hidden_dims=(64, 64), use_batchnorm=True)
    assert list(bn.params) == ["W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"]
    assert bn.num_parameters() == (64 * 64 + 2 * 64) * 2 + (64 * 10 + 10)  # 9098
    assert sorted(bn.bn_running) == ["mean1", "mean2", "var1", "var2"]


@pytest.mark.parametrize("use_batchnorm, expected", [
    (False, [("W1", (64, 32), 2048), ("b1", (32,), 32), ("W2", (32, 10), 320),
             ("b2", (10,), 10)]),                                     # 2410 in all
    (True, [("W1", (64, 32), 2048), ("gamma1", (32,), 32), ("beta1", (32,), 32),
            ("W2", (32, 10), 320), ("b2", (10,), 10)]),               # 2442: no b1
])
def test_parameter_table_by_hand_for_a_64_32_10_net(use_batchnorm, expected):
    net = FullyConnectedNet(64, 10, hidden_dims=(32,), use_batchnorm=use_batchnorm)
    table = net.parameter_table()
    assert table == expected
    assert sum(count for _, _, count in table) == net.num_parameters()
    assert net.num_parameters() == (2442 if use_batchnorm else 2410)


def _net_with_moved_parameters(use_batchnorm, activation="relu"):
    """A float64 5-6-4-3 net whose gamma, beta and b are away from their 1 and 0 starts,
    with running averages that differ from any batch's statistics."""
    net = FullyConnectedNet(5, 3, hidden_dims=(6, 4), activation=activation,
                            use_batchnorm=use_batchnorm, dtype=np.float64, rng=21)
    moved = np.random.default_rng(22)
    for name, value in net.params.items():
        if not name.startswith("W"):
            net.params[name] = value + moved.uniform(0.5, 2, value.shape) * moved.choice(
                [-1, 1], value.shape)
    for name, value in net.bn_running.items():
        net.bn_running[name] = value + moved.uniform(0.2, 1, value.shape)
    return net


@pytest.mark.parametrize("use_batchnorm", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_layer_inputs_last_z_through_the_output_layer_gives_the_scores(use_batchnorm,
                                                                       activation, rng):
    net = _net_with_moved_parameters(use_batchnorm, activation)
    X = rng.standard_normal((20, 5))
    scores, zs = net.layer_inputs(X)
    assert [z.shape for z in zs] == [(20, 6), (20, 4)]
    h = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}[activation](zs[-1])
    assert np.allclose(h @ net.params["W3"] + net.params["b3"], scores, rtol=1e-12)
    assert np.allclose(scores, net.scores(X), rtol=1e-12)
    if not use_batchnorm:  # the first z by hand, and no batch statistics to differ
        assert np.allclose(zs[0], X @ net.params["W1"] + net.params["b1"], rtol=1e-12)
        batch_scores, batch_zs = net.layer_inputs(X, statistics="batch")
        assert np.array_equal(batch_scores, scores)


def test_layer_inputs_with_batch_statistics_normalize_each_batch_norm_layer(rng):
    net = _net_with_moved_parameters(use_batchnorm=True)
    running_before = {name: value.copy() for name, value in net.bn_running.items()}
    params_before = net.params.flat.copy()
    X = rng.normal(3, 2, (200, 5))
    _, zs = net.layer_inputs(X, statistics="batch")
    for l, z in enumerate(zs, start=1):
        # Over the batch, z = gamma * x_hat + beta with x_hat of mean 0 and std
        # sqrt(var / (var + eps)), var being the variance of x @ W.
        h_in = X if l == 1 else np.maximum(zs[l - 2], 0)
        var = (h_in @ net.params[f"W{l}"]).var(axis=0)
        assert np.allclose(z.mean(axis=0), net.params[f"beta{l}"], atol=1e-10)
        assert np.allclose(z.std(axis=0),
                           np.abs(net.params[f"gamma{l}"]) * np.sqrt(var / (var + net.bn_eps)),
                           rtol=1e-10)
    # The call reads the network and changes nothing: not the running averages either.
    for name, value in net.bn_running.items():
        assert np.array_equal(value, running_before[name])
    assert np.array_equal(net.params.flat, params_before)
    # With the running averages instead, z does not have the batch's mean beta.
    _, running_zs = net.layer_inputs(X, statistics="running")
    assert not np.allclose(running_zs[0].mean(axis=0), net.params["beta1"], atol=1e-3)


def test_layer_inputs_refuses_an_unknown_statistics():
    with pytest.raises(ValueError, match="statistics 'train'.*'running', 'batch'"):
        FullyConnectedNet(5, 3, rng=0).layer_inputs(np.zeros((2, 5)), statistics="train")


@pytest.mark.parametrize("use_batchnorm", [False, True])
def test_probabilities_are_the_softmax_of_the_scores(use_batchnorm, rng):
    net = _net_with_moved_parameters(use_batchnorm)
    net.params["W3"] = 40 * net.params["W3"]  # confident rows, some probabilities tiny
    X = rng.standard_normal((30, 5))
    probs = net.probabilities(X)
    scores = net.scores(X)
    expected = [[np.exp(s - max(row)) / sum(np.exp(row - max(row))) for s in row]
                for row in scores]
    assert probs.dtype == np.float64
    assert np.allclose(probs, expected, rtol=1e-12, atol=1e-300)
    assert np.allclose(probs.sum(axis=1), 1, rtol=1e-14)
    assert np.array_equal(probs.argmax(axis=1), net.predict(X))


def test_hyperparameters_are_reported_separately_from_parameters():
    net = FullyConnectedNet(4, 2, hidden_dims=[8], activation="tanh", reg=0.1, weight_scale=0.01)
    assert net.hyperparameters() == {"hidden_dims": (8,), "activation": "tanh",
                                     "use_batchnorm": False, "weight_scale": 0.01, "reg": 0.1}
    assert "bn_momentum" in FullyConnectedNet(4, 2, use_batchnorm=True).hyperparameters()


@pytest.mark.parametrize("activation, weight_scale, expected_std", [
    ("relu", None, np.sqrt(2 / 400)),      # He
    ("tanh", None, np.sqrt(1 / 400)),      # Xavier
    ("sigmoid", 0.03, 0.03),               # given
])
def test_weight_init_std(activation, weight_scale, expected_std):
    net = FullyConnectedNet(400, 10, hidden_dims=(300,), activation=activation,
                            weight_scale=weight_scale, rng=0)
    W1 = net.params["W1"]
    # 120,000 draws: the sample std is within 1% of the true std with overwhelming probability.
    assert W1.std() == pytest.approx(expected_std, rel=0.01)
    assert abs(W1.mean()) < 0.01 * expected_std * 10
    assert not net.params["b1"].any()


def test_float32_by_default_and_float64_on_request(batch):
    X, y = batch
    net32 = FullyConnectedNet(5, 3, rng=4)
    net64 = FullyConnectedNet(5, 3, dtype=np.float64, rng=4)
    assert net32.params.flat.dtype == np.float32 and net64.params.flat.dtype == np.float64
    cost32, grads32 = net32.loss(X, y)  # float64 input is converted
    cost64, _ = net64.loss(X, y)
    assert grads32["W1"].dtype == np.float32
    assert cost32 == pytest.approx(cost64, rel=1e-5)  # same seed, same starting weights


def test_cost_includes_half_reg_times_the_squared_weights_only(batch):
    X, y = batch
    net = FullyConnectedNet(5, 3, hidden_dims=(4,), dtype=np.float64, rng=5)
    net.params["b1"] = np.full(4, 3.0)  # biases must not count
    plain, _ = net.loss(X, y)
    net.reg = 0.3
    with_reg, _ = net.loss(X, y)
    squares = sum(float((net.params[w] ** 2).sum()) for w in ("W1", "W2"))
    assert with_reg - plain == pytest.approx(0.5 * 0.3 * squares, rel=1e-12)


def test_same_seed_same_weights_different_seed_different_weights():
    a, b, c = (FullyConnectedNet(5, 3, rng=s) for s in (1, 1, 2))
    assert np.array_equal(a.params.flat, b.params.flat)
    assert not np.array_equal(a.params.flat, c.params.flat)


def test_predict_and_accuracy_follow_the_scores(rng):
    X = rng.standard_normal((30, 5))
    net = FullyConnectedNet(5, 3, rng=6)
    scores = net.scores(X)
    predicted = [int(np.argmax(row)) for row in scores]
    assert net.predict(X).tolist() == predicted
    y = np.array(predicted)
    y[:6] = (y[:6] + 1) % 3  # exactly 6 of 30 wrong
    assert net.accuracy(X, y) == pytest.approx(24 / 30)


def test_params_are_views_of_one_flat_vector():
    net = FullyConnectedNet(3, 2, hidden_dims=(4,), rng=0)
    net.params["W1"] = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert net.params.flat[:12].tolist() == list(range(12))
    net.params.flat[:] = 7
    assert (net.params["b2"] == 7).all()
    with pytest.raises(ValueError, match=r"W1 must have shape \(3, 4\)"):
        net.params["W1"] = np.zeros((4, 3))
    with pytest.raises(KeyError, match="W9"):
        net.params["W9"] = np.zeros(1)
    with pytest.raises(TypeError):
        del net.params["W1"]


def test_params_survive_pickling_as_views():
    packed = PackedArrays([("a", (2, 2)), ("b", (3,))], np.arange(7.0))
    copy = pickle.loads(pickle.dumps(packed))
    copy.flat[:] = -1
    assert copy["a"].tolist() == [[-1, -1], [-1, -1]] and packed["a"][0, 0] == 0


@pytest.mark.parametrize("X, y, message", [
    (np.zeros((4, 6)), np.zeros(4, int), r"shape \(n, 5\)"),
    (np.zeros(5), np.zeros(1, int), r"shape \(n, 5\)"),
    (np.zeros((4, 5)), np.zeros(3, int), r"shape \(4,\)"),
    (np.zeros((2, 5)), np.array([0, 3]), "label 3"),
    (np.zeros((2, 5)), np.array([0, -1]), "label -1"),
    (np.zeros((2, 5)), np.array([0.5, 1.0]), "integer"),
    (np.array([[0, 0, np.nan, 0, 0]] * 2), np.zeros(2, int), "NaN"),
    (np.array([[0, 0, 0, 0, 0], [np.inf, 0, 0, 0, 0]]), np.zeros(2, int), "row 1"),
])
def test_bad_input_is_refused_with_a_clear_message(X, y, message):
    net = FullyConnectedNet(5, 3, rng=0)
    with pytest.raises(ValueError, match=message):
        net.loss(X, y)


@pytest.mark.parametrize("options, message", [
    ({"activation": "softplus"}, "unknown activation 'softplus'"),
    ({"hidden_dims": (64, 0)}, "hidden_dims"),
    ({"weight_scale": -0.1}, "weight_scale"),
    ({"reg": -1}, "reg"),
    ({"dtype": np.int32}, "float32 or float64"),
    ({"bn_momentum": 1.5}, "bn_momentum"),
])
def test_bad_hyperparameters_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        FullyConnectedNet(5, 3, **options)
