"""Do the readable layers (course.nn.layers, course.nn.losses) compute the right values,
and do their backward passes agree with centred-difference gradients (float64,
relative error < 1e-7)? Their fast twins are checked against them in
test_fast_kernels.py."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.nn import (
    ACTIVATIONS,
    dense_backward,
    dense_forward,
    numeric_gradient,
    numeric_gradient_array,
    relative_error,
    sigmoid_forward,
    softmax,
    softmax_cross_entropy,
)

TOL = 1e-7


def test_dense_forward_matches_a_loop(rng):
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)
    out, _ = dense_forward(x, W, b)
    for i in range(4):
        for j in range(5):
            expected = sum(x[i, k] * W[k, j] for k in range(3)) + b[j]
            assert out[i, j] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("with_bias", [True, False])
def test_dense_backward_matches_numeric_gradients(rng, with_bias):
    x, W = rng.standard_normal((6, 4)), rng.standard_normal((4, 3))
    b = rng.standard_normal(3) if with_bias else None
    dout = rng.standard_normal((6, 3))
    dx, dW, db = dense_backward(dout, dense_forward(x, W, b)[1])
    num_dx = numeric_gradient_array(lambda v: dense_forward(v, W, b)[0], x, dout)
    num_dW = numeric_gradient_array(lambda v: dense_forward(x, v, b)[0], W, dout)
    assert relative_error(dx, num_dx) < TOL
    assert relative_error(dW, num_dW) < TOL
    if with_bias:
        num_db = numeric_gradient_array(lambda v: dense_forward(x, W, v)[0], b, dout)
        assert relative_error(db, num_db) < TOL
    else:
        assert db is None


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_backward_matches_numeric_gradient(rng, name):
    forward, backward = ACTIVATIONS[name]
    # Keep relu's inputs away from its kink at 0, where the centred difference is wrong.
    z = rng.uniform(0.1, 2, (5, 4)) * rng.choice([-1, 1], (5, 4))
    dout = rng.standard_normal((5, 4))
    dz = backward(dout, forward(z)[1])
    assert relative_error(dz, numeric_gradient_array(lambda v: forward(v)[0], z, dout)) < TOL


@pytest.mark.parametrize(
    "name, closed_form",
    [
        ("relu", lambda v: max(v, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda v: 1 / (1 + math.exp(-v))),
    ],
)
def test_activation_values_match_closed_forms(rng, name, closed_form):
    z = rng.uniform(-6, 6, 50)
    out, _ = ACTIVATIONS[name][0](z)
    assert out == pytest.approx([closed_form(v) for v in z], rel=1e-12, abs=1e-15)


def test_sigmoid_saturates_without_overflow_warnings():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, _ = sigmoid_forward(np.array([-1000.0, 0.0, 1000.0]))
    assert out.tolist() == [0.0, 0.5, 1.0]


def test_backward_passes_leave_their_inputs_alone(rng):
    z, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    for forward, backward in ACTIVATIONS.values():
        z_before, dout_before = z.copy(), dout.copy()
        backward(dout, forward(z)[1])
        assert np.array_equal(z, z_before) and np.array_equal(dout, dout_before)


def test_softmax_rows_are_the_normalized_exponentials():
    scores = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1000.0, 0.0, -1000.0]])
    e = math.exp
    total = e(1) + e(2) + e(3)
    expected = [[e(1) / total, e(2) / total, e(3) / total], [1 / 3] * 3, [1, e(-1000), 0]]
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # row max: no exp(1000)
        probs = softmax(scores)
    assert probs == pytest.approx(np.array(expected), rel=1e-12, abs=1e-300)


def test_softmax_cross_entropy_value_by_hand():
    scores = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = np.array([2, 0])
    row0 = -3 + math.log(math.exp(1) + math.exp(2) + math.exp(3))
    row1 = math.log(3)
    loss, _ = softmax_cross_entropy(scores, y)
    assert loss == pytest.approx((row0 + row1) / 2, rel=1e-12)


def test_softmax_cross_entropy_gradient_matches_numeric(rng):
    scores, y = rng.standard_normal((7, 4)), rng.integers(0, 4, 7)
    _, dscores = softmax_cross_entropy(scores, y)
    numeric = numeric_gradient(lambda s: softmax_cross_entropy(s, y)[0], scores)
    assert relative_error(dscores, numeric) < TOL


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 400), classes=st.integers(2, 12), seed=st.integers(0, 2**32 - 1))
def test_softmax_cross_entropy_matches_a_direct_computation(m, classes, seed):
    rng = np.random.default_rng(seed)
    scores = rng.normal(0, 3, (m, classes)).astype(np.float32)
    y = rng.integers(0, classes, m)
    s = scores.astype(np.float64)
    probs = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    onehot = np.eye(classes)[y]
    loss, dscores = softmax_cross_entropy(scores, y)
    # float32 keeps log(1 + tiny) to about 1e-7 absolute, not relative.
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(m), y])), rel=1e-5, abs=1e-6)
    # float32 rounding of p - 1 near p = 1 is about 1e-7 of 1 / m.
    assert np.allclose(dscores, (probs - onehot) / m, rtol=1e-4, atol=1e-6 / m)


@settings(max_examples=30, deadline=None)
@given(shift=st.floats(-1e3, 1e3), seed=st.integers(0, 2**32 - 1))
def test_softmax_cross_entropy_ignores_a_constant_added_to_a_row(shift, seed):
    rng = np.random.default_rng(seed)
    scores, y = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    loss, grad = softmax_cross_entropy(scores, y)
    loss_shifted, grad_shifted = softmax_cross_entropy(scores + shift, y)
    assert loss_shifted == pytest.approx(loss, rel=1e-9, abs=1e-9)
    assert np.allclose(grad_shifted, grad, atol=1e-9)


def test_softmax_cross_entropy_is_finite_for_huge_scores():
    loss, grad = softmax_cross_entropy(np.array([[1e30, -1e30]], dtype=np.float32), np.array([1]))
    assert math.isfinite(loss) and loss > 1e29
    assert np.isfinite(grad).all()


@pytest.mark.parametrize("bad", [[0, 3], [-1, 0], [0.5, 1.0]])
def test_softmax_cross_entropy_rejects_bad_labels(bad):
    # -1 would silently pick the last class through NumPy's negative indexing.
    with pytest.raises(ValueError, match="label|integer"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array(bad))


def test_softmax_cross_entropy_rejects_a_label_count_mismatch():
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))


def test_numeric_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert np.allclose(numeric_gradient(lambda v: np.sum(v**3), x), 3 * x**2, rtol=1e-8)
    assert np.array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored after nudging


def test_relative_error_values():
    a = np.array([3.0, 4.0])
    assert relative_error(a, a) == 0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(a, 1.1 * a) == pytest.approx(0.1 / 2.1)
    assert relative_error(np.zeros(2), np.zeros(2)) == 0
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.zeros(2), np.zeros(3))
