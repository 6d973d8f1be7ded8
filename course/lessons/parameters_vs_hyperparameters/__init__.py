"""Lesson 01, parameters vs hyperparameters (lessons/01_parameters_vs_hyperparameters.ipynb).

What the lesson computes (no screen code) and the demo that shows each:

    shape_training            a network of hidden_layers x hidden_units trained on the
                              spirals, with its decision boundary and parameter table
                              (the network's own) at checkpoint epochs: shape_snapshots,
                              train_shape, spiral_data
    shape_training_demo       network_shape_demo(): sliders for the shape, the boundary
                              forming as it trains, the parameters it learns
    learning_rate_runs        batch gradient descent on the two moons at one learning
                              rate, a sweep of rates, and each run's regime measured
                              against the sweep: train_with_learning_rate,
                              learning_rate_sweep, regime, sweep_summary, moons_data
    learning_rate_runs_demo   learning_rate_demo(): a log slider, the cost curve, the sweep
    choosing_on_test          how much choosing on the test set overstates the result:
                              candidate_correctness, recut_protocols, optimism_over_seeds,
                              saved_optimism (the lesson's 12 seeds, saved by the script
                              save_choosing_on_test_seeds)

Each demo returns a `course.demos.view.DemoView` (compute -> Plot -> view). The notebook
and the playground import from here:

    from course.lessons.parameters_vs_hyperparameters import learning_rate_demo
"""

from course.lessons.parameters_vs_hyperparameters.choosing_on_test import (
    DEV_SIZE,
    TEST_SIZE,
    candidate_correctness,
    optimism_over_seeds,
    recut_protocols,
    saved_optimism,
)
from course.lessons.parameters_vs_hyperparameters.learning_rate_runs import (
    GOOD_FACTOR,
    ZIGZAG_SHARE,
    learning_rate_sweep,
    moons_data,
    regime,
    still_falling,
    sweep_summary,
    train_with_learning_rate,
)
from course.lessons.parameters_vs_hyperparameters.learning_rate_runs_demo import (
    learning_rate_demo,
)
from course.lessons.parameters_vs_hyperparameters.shape_training import (
    shape_snapshots,
    spiral_data,
    train_shape,
)
from course.lessons.parameters_vs_hyperparameters.shape_training_demo import (
    network_shape_demo,
)

__all__ = [
    "DEV_SIZE",
    "GOOD_FACTOR",
    "TEST_SIZE",
    "ZIGZAG_SHARE",
    "candidate_correctness",
    "learning_rate_demo",
    "learning_rate_sweep",
    "moons_data",
    "network_shape_demo",
    "optimism_over_seeds",
    "recut_protocols",
    "saved_optimism",
    "regime",
    "shape_snapshots",
    "spiral_data",
    "still_falling",
    "sweep_summary",
    "train_shape",
    "train_with_learning_rate",
]
