"""Does the successive-halving demo show who runs, who is kept and who is dropped at a rung?"""

from __future__ import annotations

import numpy as np

from course.lessons.pandas_and_caviar import halving_demo
from course.search.halving import successive_halving
from course.search.toy_objectives import simulated_training


def test_rung_slider_shows_who_runs_and_who_is_dropped():
    configs = [{"learning_rate": 10.0 ** -k} for k in np.linspace(0.5, 5, 9)]
    result = successive_halving(simulated_training, configs, min_budget=1, max_budget=9,
                                progress=False)
    demo = halving_demo(result)
    first = demo.image.value
    assert len(demo.data["running"]) == 9 and len(demo.data["survivors"]) == 3
    # The survivors are the three best scores of the rung, computed here on their own.
    scores = result.rungs[0].scores
    assert sorted(demo.data["survivors"]) == sorted(np.argsort(-scores)[:3].tolist())
    demo.controls["rung"].value = 2
    assert demo.data["running"] == result.rungs[2].indices
    assert demo.data["epochs_spent"] == 9 + 3 * 3 + 1 * 9
    assert demo.image.value != first
