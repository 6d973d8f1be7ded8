"""Is the whole network's gradient right (float64, with and without batch norm),
is it built as its hyperparameters say, and does it refuse bad input clearly?"""

import pickle

import numpy as np
import pytest

from course.nn import FullyConnectedNet, PackedArrays, numeric_gradient, relative_error


def _data(n=8, d=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, classes, n)


@pytest.mark.parametrize("use_batchnorm", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_whole_network_gradient_matches_numeric(use_batchnorm, activation):
    net = FullyConnectedNet(5, 3, hidden_dims=(6, 4), activation=activation,
                            use_batchnorm=use_batchnorm, reg=0.05, dtype=np.float64, rng=11)
    # Biases start at 0, so an example that no first-layer ReLU lets through would sit
    # exactly on the second layer's kink, where centred differences are wrong: shift them.
    net.params.flat[:] += 0.1 * np.random.default_rng(12).standard_normal(net.num_parameters())
    X, y = _data()
    _, grads = net.loss(X, y)
    for name, value in net.params.items():
        numeric = numeric_gradient(lambda _: net.loss(X, y)[0], value)
        assert relative_error(grads[name], numeric) < 1e-7, name


def test_parameter_names_and_count_by_hand():
    plain = FullyConnectedNet(64, 10, hidden_dims=(64, 64))
    assert list(plain.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert plain.num_parameters() == (64 * 64 + 64) + (64 * 64 + 64) + (64 * 10 + 10)  # 8906
    bn = FullyConnectedNet(64, 10, hidden_dims=(64, 64), use_batchnorm=True)
    assert list(bn.params) == ["W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"]
    assert bn.num_parameters() == (64 * 64 + 2 * 64) * 2 + (64 * 10 + 10)  # 9098
    assert sorted(bn.bn_running) == ["mean1", "mean2", "var1", "var2"]


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


def test_float32_by_default_and_float64_on_request():
    X, y = _data()
    net32 = FullyConnectedNet(5, 3, rng=4)
    net64 = FullyConnectedNet(5, 3, dtype=np.float64, rng=4)
    assert net32.params.flat.dtype == np.float32 and net64.params.flat.dtype == np.float64
    cost32, grads32 = net32.loss(X, y)  # float64 input is converted
    cost64, _ = net64.loss(X, y)
    assert grads32["W1"].dtype == np.float32
    assert cost32 == pytest.approx(cost64, rel=1e-5)  # same seed, same starting weights


def test_cost_includes_half_reg_times_the_squared_weights_only():
    X, y = _data()
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


def test_predict_and_accuracy_follow_the_scores():
    X, _ = _data(n=30)
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
