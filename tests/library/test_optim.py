"""Do the optimizers take the first two steps that hand computation gives, with
their state per parameter, whether the parameters are packed or not?"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.nn import (
    SGD,
    Adam,
    Momentum,
    PackedArrays,
    RMSProp,
    make_optimizer,
)
from course.nn.optim import FLUSH_EVERY

W0 = [1.0, -2.0]
G1 = [0.5, -1.0]
G2 = [0.2, 0.4]


def _two_steps(optimizer, packed):
    """Take two steps from W0 with gradients G1 then G2; return (w after 1, w after 2)."""
    layout = [("w", (2,))]
    if packed:
        params = PackedArrays(layout, np.array(W0))
        grads = [PackedArrays(layout, np.array(g)) for g in (G1, G2)]
    else:
        params = {"w": np.array(W0)}
        grads = [{"w": np.array(g)} for g in (G1, G2)]
    optimizer.step(params, grads[0])
    after_one = params["w"].copy()
    optimizer.step(params, grads[1])
    return after_one, params["w"].copy()


def _by_hand(rule):
    """Apply a scalar update rule element by element: rule(w, g1, g2) -> (w1, w2)."""
    pairs = [rule(w, g1, g2) for w, g1, g2 in zip(W0, G1, G2, strict=True)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def sgd_by_hand(w, g1, g2, lr=0.1):
    w1 = w - lr * g1
    return w1, w1 - lr * g2  # [0.95, -1.9] then [0.93, -1.94]


def momentum_by_hand(w, g1, g2, lr=0.1, mu=0.9):
    v1 = (1 - mu) * g1  # velocity starts at 0
    w1 = w - lr * v1
    v2 = mu * v1 + (1 - mu) * g2
    return w1, w1 - lr * v2  # [0.995, -1.99] then [0.9885, -1.985]


def rmsprop_by_hand(w, g1, g2, lr=0.01, beta2=0.9, eps=1e-8):
    s1 = (1 - beta2) * g1 * g1
    w1 = w - lr * g1 / (math.sqrt(s1) + eps)
    s2 = beta2 * s1 + (1 - beta2) * g2 * g2
    return w1, w1 - lr * g2 / (math.sqrt(s2) + eps)


def adam_by_hand(w, g1, g2, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    m1, v1 = (1 - b1) * g1, (1 - b2) * g1 * g1
    m_hat, v_hat = m1 / (1 - b1), v1 / (1 - b2)  # = g1 and g1**2: the first step is lr * sign(g1)
    w1 = w - lr * m_hat / (math.sqrt(v_hat) + eps)  # [0.9, -1.9]
    m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2 * g2
    m_hat, v_hat = m2 / (1 - b1**2), v2 / (1 - b2**2)
    return w1, w1 - lr * m_hat / (math.sqrt(v_hat) + eps)  # about [0.81014, -1.86544]


CASES = {
    "sgd": (lambda: SGD(0.1), sgd_by_hand),
    "momentum": (lambda: Momentum(0.1, momentum=0.9), momentum_by_hand),
    "rmsprop": (lambda: RMSProp(0.01, beta2=0.9), rmsprop_by_hand),
    "adam": (lambda: Adam(0.1), adam_by_hand),
}


@pytest.mark.parametrize("packed", [False, True], ids=["dict", "packed"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_first_two_steps_match_hand_computation(name, packed):
    make, by_hand = CASES[name]
    after_one, after_two = _two_steps(make(), packed)
    expected_one, expected_two = _by_hand(by_hand)
    assert after_one == pytest.approx(expected_one, rel=1e-12)
    assert after_two == pytest.approx(expected_two, rel=1e-12)


def test_adam_second_step_in_plain_numbers():
    _, after_two = _two_steps(Adam(0.1), packed=True)
    assert after_two == pytest.approx([0.810142, -1.865439], abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(CASES)), seed=st.integers(0, 2**32 - 1))
def test_packed_and_per_parameter_updates_agree(name, seed):
    rng = np.random.default_rng(seed)
    layout = [("W1", (3, 4)), ("b1", (4,)), ("W2", (4, 2))]
    start = rng.standard_normal(24)
    packed, plain = PackedArrays(layout, start.copy()), {}
    for key, view in PackedArrays(layout, start.copy()).items():
        plain[key] = view.copy()
    opt_packed, opt_plain = CASES[name][0](), CASES[name][0]()
    for _ in range(3):
        grads = PackedArrays(layout, rng.standard_normal(24))
        opt_packed.step(packed, grads)
        opt_plain.step(plain, {key: value.copy() for key, value in grads.items()})
    for key in plain:
        assert np.allclose(packed[key], plain[key], rtol=1e-12, atol=1e-15)
        for slot, value in opt_plain.state[key].items():
            assert np.allclose(opt_packed.state[key][slot], value, rtol=1e-12, atol=1e-15)


def test_adam_keeps_its_moments_per_parameter_name():
    layout = [("W", (2,)), ("b", (1,))]
    params = PackedArrays(layout, np.zeros(3))
    opt = Adam(0.1)
    opt.step(params, PackedArrays(layout, np.array([1.0, -2.0, 4.0])))
    assert opt.state["W"]["m"].tolist() == pytest.approx([0.1, -0.2])
    assert opt.state["b"]["v"].tolist() == pytest.approx([0.001 * 16])


def test_a_new_learning_rate_is_used_from_the_next_step():
    params, opt = {"w": np.array([1.0])}, SGD(0.1)
    opt.step(params, {"w": np.array([1.0])})
    opt.learning_rate = 0.5
    opt.step(params, {"w": np.array([1.0])})
    assert params["w"][0] == pytest.approx(1 - 0.1 - 0.5)


@pytest.mark.parametrize("make, message", [
    (lambda: SGD(-0.1), "learning_rate must be a finite number > 0, got -0.1"),
    (lambda: SGD(0), "learning_rate"),
    (lambda: SGD(float("nan")), "learning_rate"),
    (lambda: Momentum(0.1, momentum=1.0), r"momentum must lie in \[0, 1\)"),
    (lambda: Adam(0.1, beta2=-0.5), "beta2"),
    (lambda: Adam(0.1, epsilon=0), "epsilon"),
    (lambda: make_optimizer("adagrad", learning_rate=0.1), "unknown optimizer 'adagrad'"),
    (lambda: make_optimizer("sgd", learning_rate=0.1, momentum=0.9), "momentum"),
    (lambda: make_optimizer("adam"), "needs a learning_rate"),
])
def test_bad_hyperparameters_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_hyperparameters_are_checked_when_set_by_attribute():
    opt = make_optimizer("adam", learning_rate=0.01, beta1=0.8)
    assert opt.hyperparameters() == {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.999,
                                     "epsilon": 1e-8}
    with pytest.raises(ValueError, match="beta1"):
        opt.beta1 = 1.2
    assert opt.beta1 == 0.8


def test_mismatched_gradients_are_refused():
    with pytest.raises(ValueError, match="no entry for parameter 'b'"):
        SGD(0.1).step({"w": np.zeros(2), "b": np.zeros(1)}, {"w": np.zeros(2)})
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        SGD(0.1).step({"w": np.zeros(2)}, {"w": np.zeros(3)})


@pytest.mark.parametrize("packed", [False, True], ids=["dict", "packed"])
@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_state_that_decays_to_denormal_numbers_is_flushed_to_zero(name, packed):
    # One gradient of 1, then zeros: the state decays by 0.9 a step, so 0.1 * 0.9**t is
    # below float32's smallest normal number (1.2e-38) from about step 810 on.
    layout = [("w", (2,))]
    params = PackedArrays(layout, np.zeros(2, dtype=np.float32))
    grads = PackedArrays(layout, np.array([1.0, 0.0], dtype=np.float32))
    zero = PackedArrays(layout, np.zeros(2, dtype=np.float32))
    if not packed:
        params, grads, zero = dict(params), dict(grads), dict(zero)
    opt = CASES[name][0]()
    opt.step(params, grads)
    tiny = np.finfo(np.float32).tiny

    def denormal():
        return any(((np.abs(v) < tiny) & (v != 0)).any() for v in opt.state["w"].values())

    while opt.t < 9 * FLUSH_EVERY - 1:
        opt.step(params, zero)
    assert denormal()  # the situation arises ...
    opt.step(params, zero)
    assert opt.t % FLUSH_EVERY == 0 and not denormal()  # ... and the flush clears it
