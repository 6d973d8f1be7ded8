"""Does every fast kernel (course.nn.fast) give the numbers of its readable twin
(course.nn.layers, losses, batchnorm), values and gradients, in float32 and float64,
on odd shapes and on edge cases: zeros, negative zeros, values near the smallest
normal number, and large values?

"The same numbers" means: equal where both sides do the same arithmetic (products,
maxima), and otherwise within a bound on rounding: a sum of m terms may differ by
about m * eps times the sum of the terms' sizes, eps being the dtype's machine epsilon.
A wrong formula misses such a bound by orders of magnitude.
"""

import numpy as np
import pytest

from course.nn import batchnorm, fast, layers, losses

DTYPES = [np.float32, np.float64]
SHAPES = [(1, 1), (1, 7), (13, 1), (7, 13), (64, 10), (100, 3), (1000, 2)]
FILLS = ["normal", "zeros", "negative_zeros", "tiny", "large"]


def make(fill, shape, dtype, rng):
    """An array of `shape` and `dtype` filled as named (large values still square finely)."""
    info = np.finfo(dtype)
    signs = rng.choice([-1.0, 1.0], shape)
    values = {
        "normal": lambda: rng.normal(0.5, 2.0, shape),
        "zeros": lambda: np.zeros(shape),
        "negative_zeros": lambda: np.full(shape, -0.0),
        "tiny": lambda: signs * rng.uniform(0.01, 4, shape) * info.tiny,  # denormals too
        "large": lambda: signs * rng.uniform(0.5, 1, shape) * np.sqrt(info.max) / 1e4,
    }[fill]()
    return values.astype(dtype)


def assert_within(fast_value, twin, bound):
    """|fast - twin| <= bound, elementwise, with the arrays' dtypes equal."""
    fast_value, twin = np.asarray(fast_value), np.asarray(twin)
    assert fast_value.dtype == twin.dtype, (fast_value.dtype, twin.dtype)
    assert fast_value.shape == twin.shape
    gap = np.abs(fast_value.astype(np.float64) - twin.astype(np.float64))
    assert (gap <= bound).all(), f"largest gap {gap.max():.3g}, bound there {bound}"


def sum_bound(terms, axis, dtype):
    """How far two summation orders of `terms` along `axis` may drift apart."""
    n = terms.shape[axis]
    return 2 * (n + 1) * np.finfo(dtype).eps * np.abs(terms.astype(np.float64)).sum(axis=axis) \
        + 2 * np.finfo(dtype).smallest_subnormal


# ---------------------------------------------------------------------- reductions
@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_sum_rows_is_the_column_sum(rng, shape, dtype, fill):
    x = make(fill, shape, dtype, rng)
    assert_within(fast.sum_rows(x), x.sum(axis=0), sum_bound(x, 0, dtype))


@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)  # (100, 3) and (1000, 2) take the column loop
def test_row_max_is_the_row_maximum(rng, shape, dtype, fill):
    x = make(fill, shape, dtype, rng)
    assert np.array_equal(fast.row_max(x), x.max(axis=1))
    assert fast.row_max(x).dtype == dtype


# ---------------------------------------------------------------------- dense layer
@pytest.mark.parametrize("with_bias", [True, False])
@pytest.mark.parametrize("fill", ["normal", "negative_zeros", "large"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_dense_forward_and_backward_match(rng, shape, dtype, fill, with_bias):
    m, d = shape
    x, W = make(fill, shape, dtype, rng), make("normal", (d, 5), dtype, rng)
    b = make("normal", (5,), dtype, rng) if with_bias else None
    dout = make("normal", (m, 5), dtype, rng)
    out_fast, cache_fast = fast.dense_forward(x, W, b)
    out_twin, cache_twin = layers.dense_forward(x, W, b)
    assert np.array_equal(out_fast, out_twin) and out_fast.dtype == dtype  # the same arithmetic
    dx, dW, db = fast.dense_backward(dout, cache_fast)
    dx_twin, dW_twin, db_twin = layers.dense_backward(dout, cache_twin)
    assert np.array_equal(dx, dx_twin) and np.array_equal(dW, dW_twin)
    if with_bias:
        assert_within(db, db_twin, sum_bound(dout, 0, dtype))
    else:
        assert db is None and db_twin is None
    no_dx = fast.dense_backward(dout, cache_fast, need_dx=False)
    assert no_dx[0] is None and np.array_equal(no_dx[1], dW)


# ---------------------------------------------------------------------- activations
def activation_inputs(fill, shape, dtype, rng):
    if fill != "normal":
        return make(fill, shape, dtype, rng)
    # Across sigmoid's whole range, both saturated ends included.
    return (rng.uniform(-60, 60, shape)).astype(dtype)


@pytest.mark.parametrize("name", sorted(fast.ACTIVATIONS))
@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_every_activation_matches_its_readable_twin(rng, name, shape, dtype, fill):
    z = activation_inputs(fill, shape, dtype, rng)
    dout = make("normal", shape, dtype, rng)
    z_before, dout_before = z.copy(), dout.copy()
    (forward, backward), (twin_forward, twin_backward) = fast.ACTIVATIONS[name], \
        layers.ACTIVATIONS[name]
    out, cache = forward(z)
    twin_out, twin_cache = twin_forward(z)
    dz, twin_dz = backward(dout, cache), twin_backward(dout, twin_cache)
    eps = np.finfo(dtype).eps
    # sigmoid's two forms round differently; both lie within an eps or so of the truth.
    assert_within(out, twin_out, 2 * eps)
    assert_within(dz, twin_dz, 2 * eps * np.abs(dout))
    assert np.array_equal(z, z_before) and np.array_equal(dout, dout_before)


def test_sigmoid_is_one_half_at_zero_and_negative_zero_in_both_forms():
    # 0 and -0 give exactly 1/2; small z gives 1/2 + z/4 to first order on both sides.
    z = np.array([0.0, -0.0, 1e-8, -1e-8, 1e-300, 40.0, -40.0])
    out, _ = fast.sigmoid_forward(z)
    twin, _ = layers.sigmoid_forward(z)
    assert out[:2].tolist() == [0.5, 0.5] and twin[:2].tolist() == [0.5, 0.5]
    assert np.allclose(out, twin, rtol=0, atol=1e-16)


# ---------------------------------------------------------------------- softmax loss
@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_softmax_cross_entropy_matches(rng, shape, dtype, fill):
    m, num_classes = shape
    scores = make(fill, shape, dtype, rng)
    y = rng.integers(0, num_classes, m)
    loss, dscores = fast.softmax_cross_entropy(scores, y)
    twin_loss, twin_dscores = losses.softmax_cross_entropy(scores, y)
    eps = np.finfo(dtype).eps
    # The loss adds m log-probabilities, each as large as the spread of its row's scores.
    spread = np.ptp(scores.astype(np.float64), axis=1)
    loss_bound = 4 * (m + num_classes + 1) * eps * (1 + spread.mean() + twin_loss)
    assert abs(loss - twin_loss) <= loss_bound
    # Each dscores entry is a probability (or one minus it) over m: within a few eps / m.
    # The fast form raises probabilities below exp(-40) to it, far below eps.
    assert_within(dscores, twin_dscores, 4 * num_classes * eps / m)


def test_softmax_cross_entropy_matches_with_ties_and_a_dominant_class(rng):
    scores = np.array([[3.0, 3.0, 3.0], [0.0, 50.0, -50.0], [-0.0, 0.0, 0.0], [1e4, 0, 0]])
    y = np.array([0, 2, 1, 1])
    loss, dscores = fast.softmax_cross_entropy(scores, y)
    twin_loss, twin_dscores = losses.softmax_cross_entropy(scores, y)
    assert loss == pytest.approx(twin_loss, rel=1e-14)
    assert np.allclose(dscores, twin_dscores, rtol=0, atol=1e-16)


@pytest.mark.parametrize("layout", ["F", "strided"])
def test_softmax_cross_entropy_matches_on_scores_not_in_row_order(rng, layout):
    """Scores a caller sliced or transposed: the gradient must still sum to 0 per row."""
    base = rng.standard_normal((40, 7))
    scores = np.asfortranarray(base) if layout == "F" else np.repeat(base, 2, axis=1)[:, ::2]
    y = rng.integers(0, 7, 40)
    loss, dscores = fast.softmax_cross_entropy(scores, y)
    twin_loss, twin_dscores = losses.softmax_cross_entropy(base, y)
    assert loss == pytest.approx(twin_loss, rel=1e-13)
    assert np.allclose(dscores, twin_dscores, rtol=0, atol=1e-15)
    assert np.allclose(dscores.sum(axis=1), 0, atol=1e-15)


# ---------------------------------------------------------------------- batch norm
def batchnorm_parameters(h, dtype, rng):
    gamma = (rng.uniform(0.2, 3, h) * rng.choice([-1, 1], h)).astype(dtype)
    return gamma, rng.uniform(-2, 2, h).astype(dtype)


@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_batchnorm_forward_and_backward_match(rng, shape, dtype, fill):
    m, h = shape
    z = make(fill, shape, dtype, rng)
    gamma, beta = batchnorm_parameters(h, dtype, rng)
    dout = make("normal", shape, dtype, rng)
    out, cache = fast.batchnorm_forward(z, gamma, beta)
    twin_out, twin_cache = batchnorm.batchnorm_forward(z, gamma, beta)
    eps = np.finfo(dtype).eps
    slack = 4 * (m + 2) * eps  # the mean and variance are sums of m terms
    z_hat = twin_cache.z_hat.astype(np.float64)
    assert_within(cache.mean, twin_cache.mean, sum_bound(z, 0, dtype) / m)
    assert_within(cache.var, twin_cache.var, slack * twin_cache.var + sum_bound(z, 0, dtype)
                  / m * 2 * np.abs(z - twin_cache.mean).max(axis=0))
    assert_within(out, twin_out, slack * (np.abs(gamma) * (np.abs(z_hat) + 1) + np.abs(beta)))

    dz, dgamma, dbeta = fast.batchnorm_backward(dout, cache)
    twin_dz, twin_dgamma, twin_dbeta = batchnorm.batchnorm_backward(dout, twin_cache)
    assert_within(dbeta, twin_dbeta, sum_bound(dout, 0, dtype))
    dgamma_size = np.abs(dout * z_hat).sum(axis=0) + np.abs(dout).sum(axis=0)
    assert_within(dgamma, twin_dgamma, slack * dgamma_size)
    # dz = gamma / std * (dout - mean(dout) - z_hat * mean(dout * z_hat)): bound each term.
    inner = np.abs(dout) + np.abs(dout).mean(axis=0) + (np.abs(z_hat) + 1) * dgamma_size / m
    assert_within(dz, twin_dz, slack * np.abs(gamma) / twin_cache.std * inner)


@pytest.mark.parametrize("fill", FILLS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_batchnorm_inference_matches(rng, shape, dtype, fill):
    m, h = shape
    z = make(fill, shape, dtype, rng)
    gamma, beta = batchnorm_parameters(h, dtype, rng)
    mean = make(fill, (h,), dtype, rng)
    var = (np.abs(make(fill, (h,), dtype, rng)) ** 2 + rng.uniform(0, 2, h)).astype(dtype)
    out = fast.batchnorm_inference(z, gamma, beta, mean, var)
    twin = batchnorm.batchnorm_inference(z, gamma, beta, mean, var)
    z_hat = (z.astype(np.float64) - mean) / np.sqrt(var.astype(np.float64) + 1e-5)
    size = np.abs(gamma) * (np.abs(z_hat) + np.abs(mean) / np.sqrt(var + 1e-5)) + np.abs(beta)
    assert_within(out, twin, 8 * np.finfo(dtype).eps * size)

