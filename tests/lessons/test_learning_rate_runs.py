"""Does the learning-rate explorer train what it says and name each regime by the sweep?"""

import numpy as np
import pytest

from course.data import make_moons
from course.lessons.parameters_vs_hyperparameters import (
    learning_rate_demo,
    learning_rate_sweep,
    regime,
    still_falling,
    sweep_summary,
    train_with_learning_rate,
)
from course.lessons.parameters_vs_hyperparameters.learning_rate_runs import (
    GOOD_FACTOR,
    ZIGZAG_SHARE,
    zigzag,
)
from course.nn import FullyConnectedNet


def test_costs_match_plain_batch_gradient_descent_written_out():
    """The demo's curve equals a hand-written loop: loss on all points, then an SGD step."""
    X, y = make_moons(200, noise=0.15, rng=0)
    run = train_with_learning_rate(0.5, data=(X, y), iterations=20)
    net = FullyConnectedNet(2, 2, hidden_dims=(16,), activation="relu", rng=0)
    costs = []
    for _ in range(20):
        cost, grads = net.loss(X, y)  # batch order does not matter on the full batch
        costs.append(cost)
        for name in net.params:
            net.params[name] = net.params[name] - 0.5 * grads[name]
    assert np.allclose(run["costs"], costs, rtol=1e-4)
    assert run["final_cost"] == run["costs"][-1]
    assert run["zigzag"] == np.mean(np.diff(costs) > 0)


def test_zigzag_and_still_falling_read_the_curve():
    assert zigzag([1.0, 0.5, 0.7, 0.2, 0.4, 0.1]) == pytest.approx(2 / 5)
    assert zigzag([1.0, 0.9, 0.8]) == 0.0 and zigzag([1.0]) == 0.0
    assert still_falling(np.linspace(1, 0.5, 12))
    assert not still_falling(np.r_[np.linspace(1, 0.5, 6), np.linspace(0.5, 0.9, 12)])
    assert not still_falling([1.0, 0.5])  # too short to say


def _sweep(rates, finals, zigzags, diverged=()):
    """A hand-made sweep: the dict learning_rate_sweep would return, without training."""
    runs = [{"learning_rate": r, "final_cost": np.nan if r in diverged else f, "zigzag": z,
             "diverged": r in diverged, "costs": np.array([1.0, f])}
            for r, f, z in zip(rates, finals, zigzags, strict=True)]
    finals = np.array([run["final_cost"] for run in runs])
    best = int(np.nanargmin(finals))
    return runs, {"best_cost": finals[best], "best_rate": rates[best]}


def test_regimes_are_measured_against_the_sweeps_lowest_final_cost():
    """Good within GOOD_FACTOR of the lowest; beyond it, the side of the best rate decides,
    not the zigzag: a zigzagging best run is good, a smooth run above the best is too large."""
    rates = [0.01, 0.1, 1.0, 3.0, 10.0, 30.0]
    finals = [0.50, 0.25, 0.09, 0.05, 0.30, 1.0]
    zigzags = [0.0, 0.3, 0.0, 0.4, 0.0, 0.5]
    runs, sweep = _sweep(rates, finals, zigzags, diverged=(30.0,))
    assert GOOD_FACTOR == 2.0 and ZIGZAG_SHARE == 0.1  # the lesson states both numbers
    assert [regime(run, sweep) for run in runs] == [
        "too small", "too small", "good", "good, zigzagging", "too large", "diverged"]
    # a slider rate off the sweep that ends lower than all of it is the new best
    better = {"learning_rate": 2.0, "final_cost": 0.01, "zigzag": 0.5, "diverged": False}
    assert regime(better, sweep) == "good, zigzagging"


def test_the_demo_sweep_labels_the_issue_12_rates_good():
    """The review's case: at 1.78 and 3.16 the cost zigzags, and 3.16 ends lowest of all 21
    rates; both are good, zigzagging. The labels agree with a computation written out."""
    sweep = learning_rate_sweep()
    rates, finals = sweep["learning_rates"], sweep["final_costs"]
    best = np.nanmin(finals)
    assert sweep["best_rate"] == pytest.approx(3.1623, abs=1e-4)
    assert best == pytest.approx(0.0506, abs=5e-5)
    for rate, final, run, label in zip(rates, finals, sweep["runs"], sweep["regimes"],
                                       strict=True):
        if np.isnan(final):
            expected = "diverged"
        elif final <= 2 * best:
            expected = "good, zigzagging" if run["zigzag"] > 0.1 else "good"
        else:
            expected = "too small" if rate < sweep["best_rate"] else "too large"
        assert label == expected, rate
    labels = dict(zip(np.round(rates, 2), sweep["regimes"], strict=True))
    assert labels[1.78] == labels[3.16] == "good, zigzagging"
    summary = sweep_summary(sweep)
    assert (summary["good_low"], summary["good_high"]) == pytest.approx((1.778, 3.162),
                                                                        abs=1e-3)


def test_a_diverged_run_is_stopped_with_the_trainers_message():
    run = train_with_learning_rate(100.0)
    assert run["diverged"] and np.isnan(run["final_cost"])
    assert len(run["costs"]) < 10  # stopped early, not run to the end
    assert not run["costs"][-1] < 1000 * run["costs"][0]  # NaN, inf or a 1000-fold rise
    assert "learning rate is probably too high" in run["stop_reason"]


def test_moving_the_slider_retrains_and_redraws():
    demo = learning_rate_demo(learning_rate=0.01)
    png, slow = demo.image.value, demo.data
    assert slow["regime"] == "too small"
    demo.controls["learning_rate"].value = 10 ** 0.5
    best = demo.data
    assert best["learning_rate"] == pytest.approx(3.1623, abs=1e-4)
    assert best["final_cost"] < 0.2 * slow["final_cost"]
    assert best["regime"] == "good, zigzagging"
    assert "good, zigzagging" in demo.status.value
    assert demo.image.value != png
    demo.controls["learning_rate"].value = 60.0
    assert demo.data["diverged"] and demo.data["regime"] == "diverged"
    assert "Diverged" in demo.status.value
    # the sweep is the same computation as single runs
    rates, finals = demo.data["sweep"]["learning_rates"], demo.data["sweep"]["final_costs"]
    k = 8
    assert finals[k] == pytest.approx(train_with_learning_rate(rates[k])["costs"][-1])
    assert np.isnan(finals[-1])


def test_every_slider_position_is_a_sweep_rate_with_the_sweeps_label():
    """The slider steps a quarter decade, like the sweep, so the label a student reads at a
    position is the label that rate has in the sweep drawn beside it."""
    demo = learning_rate_demo()
    slider, sweep = demo.controls["learning_rate"], demo.data["sweep"]
    positions = 10.0 ** np.arange(slider.min, slider.max + slider.step / 2, slider.step)
    np.testing.assert_allclose(positions, sweep["learning_rates"])
    for rate, label in zip(positions[::2], sweep["regimes"][::2], strict=True):
        slider.value = rate
        assert demo.data["regime"] == label, rate
