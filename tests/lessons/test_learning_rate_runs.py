"""Does the learning-rate explorer train what it says and show each regime?"""

import numpy as np
import pytest

from course.data import make_moons
from course.lessons.parameters_vs_hyperparameters import (
    classify_run,
    learning_rate_demo,
    train_with_learning_rate,
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


@pytest.mark.parametrize(
    "learning_rate, regime",
    [(0.01, "converging slowly"), (1.0, "converging fast"), (5.0, "oscillating"),
     (50.0, "diverged")],
)
def test_each_regime_appears_where_the_lesson_says(learning_rate, regime):
    run = train_with_learning_rate(learning_rate)
    assert run["regime"] == regime


def test_a_diverged_run_is_stopped_with_the_trainers_message():
    run = train_with_learning_rate(100.0)
    assert run["diverged"]
    assert len(run["costs"]) < 10  # stopped early, not run to the end
    assert not run["costs"][-1] < 1000 * run["costs"][0]  # NaN, inf or a 1000-fold rise
    assert "learning rate is probably too high" in run["stop_reason"]


def test_classify_run_reads_the_curve():
    assert classify_run([1.0, 0.9, 0.8], False) == "converging slowly"
    assert classify_run([1.0, 0.5, 0.1], False) == "converging fast"
    assert classify_run([1.0, 0.5, 0.7, 0.2, 0.4, 0.1], False) == "oscillating"
    assert classify_run([1.0, 3.0, 9.0], False) == "blowing up"
    assert classify_run([1.0, np.inf], True) == "diverged"


def test_moving_the_slider_retrains_and_redraws():
    demo = learning_rate_demo(learning_rate=0.01)
    png, slow = demo.image.value, demo.data
    demo.controls["learning_rate"].value = 1.0
    fast = demo.data
    assert fast["learning_rate"] == pytest.approx(1.0)
    assert fast["costs"][-1] < 0.5 * slow["costs"][-1]
    assert demo.image.value != png
    demo.controls["learning_rate"].value = 60.0
    assert demo.data["diverged"]
    assert "Diverged" in demo.status.value
    # the sweep is the same computation as single runs
    rates, finals = demo.data["sweep"]["learning_rates"], demo.data["sweep"]["final_costs"]
    k = 8
    assert finals[k] == pytest.approx(train_with_learning_rate(rates[k])["costs"][-1])
    assert np.isnan(finals[-1])
