"""Does the network-shape explorer count parameters right and redraw the boundary?"""

import numpy as np

from course.lessons.parameters_vs_hyperparameters import (
    network_shape_demo,
    shape_snapshots,
    train_shape,
)


def test_snapshots_arrive_in_epoch_order_and_the_last_is_the_trained_net():
    snaps = list(shape_snapshots(1, 16, "tanh"))
    assert [s["epoch"] for s in snaps] == [10, 40, 80, 150]
    assert snaps[-1]["accuracy"] >= snaps[0]["accuracy"]
    p = snaps[-1]["probability"]
    assert p.min() >= 0 and p.max() <= 1
    assert np.array_equal(p, train_shape(1, 16, "tanh")["probability"])  # deterministic


def test_a_wider_network_fits_the_spirals_better():
    assert train_shape(1, 32, "relu")["accuracy"] > train_shape(1, 2, "relu")["accuracy"] + 0.2


def test_moving_a_slider_trains_in_the_background_and_redraws():
    demo = network_shape_demo(hidden_layers=1, hidden_units=4)
    assert demo.wait()
    png, before = demo.image.value, demo.data
    assert before["num_parameters"] == 4 * 2 + 4 + 4 * 2 + 2
    demo.controls["hidden_layers"].value = 2
    demo.controls["hidden_units"].value = 16  # supersedes the 2 x 4 run
    assert demo.wait()
    after = demo.data
    assert after["hidden_dims"] == (16, 16)
    # the table the demo lists, counted by hand: W is fan_in x fan_out, b has fan_out
    assert after["table"] == [("W1", (2, 16), 32), ("b1", (16,), 16),
                              ("W2", (16, 16), 256), ("b2", (16,), 16),
                              ("W3", (16, 2), 32), ("b3", (2,), 2)]
    assert after["num_parameters"] == (2 * 16 + 16) + (16 * 16 + 16) + (16 * 2 + 2)
    assert demo.image.value != png
    assert "354" in demo.side.value and "354" in demo.status.value
    # going back to a shape seen before shows the snapshot kept in memory, not a new run
    demo.controls["hidden_layers"].value = 1
    demo.controls["hidden_units"].value = 4
    assert demo.wait()
    assert demo.data is before
