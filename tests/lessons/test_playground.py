"""Is the playground complete, and are its lesson 04 and 05 "things to try" true?

Every demo a lesson shows must be in the playground (found by the `*_demo(` calls in the
notebooks' code). Lessons 01 and 03's texts are checked in their claims tests; here the
outcomes that lessons 04 and 05's texts promise are recomputed with the same calls and
seeds as the playground's cells.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND = ROOT / "lessons" / "playground.ipynb"
DEMO_CALL = re.compile(r"\b([a-z_]+_demo)\(")


def demo_calls(path):
    cells = json.loads(path.read_text())["cells"]
    return {name for cell in cells if cell["cell_type"] == "code"
            for name in DEMO_CALL.findall("".join(cell["source"]))}


def markdown(path):
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_every_demo_of_every_lesson_is_in_the_playground():
    lessons = sorted(p for p in (ROOT / "lessons").glob("[0-9]*.ipynb"))
    in_lessons = set().union(*(demo_calls(p) for p in lessons))
    assert len(in_lessons) >= 14
    assert sorted(in_lessons - demo_calls(PLAYGROUND)) == []


def test_the_playground_follows_the_lessons_order():
    numbers = [int(n) for n in re.findall(r"^## .*\(lesson (\d\d)\)", markdown(PLAYGROUND),
                                          re.MULTILINE)]
    assert numbers == sorted(numbers) and set(numbers) == {1, 2, 3, 4, 5}


@pytest.mark.slow
def test_lesson_04_things_to_try():
    """Caviar: one random model's expected best is far below the pandas' line, and a few
    models reach it. Halving: the leader of rung 0 is not the final winner."""
    from course.lessons.pandas_and_caviar import SPACE, expected_best, run_caviar, run_pandas
    from course.search import random_configs
    from course.search.digits_objectives import train_digits_for
    from course.search.halving import successive_halving

    caviar = run_caviar(24, num_epochs=27, seed=0)
    panda = np.nanmean(run_pandas(6, num_epochs=27, seed=1).scores)
    expected = [expected_best(caviar.scores, k) for k in range(1, 25)]
    assert expected[0] < panda - 0.05
    assert any(e >= panda for e in expected[:5])
    configs = random_configs(SPACE, 27, rng=np.random.default_rng(0))
    halving = successive_halving(train_digits_for, configs, min_budget=1, max_budget=27,
                                 eta=3, seed=0, progress=False)
    first, last = halving.rungs[0], halving.rungs[-1]
    leader = first.indices[int(np.argmax(first.scores))]
    assert leader != last.indices[int(np.argmax(last.scores))]


@pytest.mark.slow
def test_lesson_05_things_to_try():
    """Layers: without batch norm the last layer's z drifts off 0 and narrows by step 20;
    with it every layer stays centred with a spread near 1. Sweep: plain diverges from 3
    and barely learns at 1; batch norm trains up to 3 and fails from 10. Noise: a batch
    4 times larger roughly halves the jiggle. Running averages: 0.9 reaches the data's
    mean within 200 steps, 0.999 does not, and costs test accuracy."""
    from course.data import cached_digits_split
    from course.lessons.batch_norm import (
        batch_noise,
        histogram_snapshots,
        histograms_demo,
        learning_rate_sweep,
        momentum_replay,
        trained_network,
    )

    view = histograms_demo(histogram_snapshots(snapshot_steps=(0, 20, 100, 500),
                                               learning_rate=1.0), step=20)
    plain, normed = view.data["plain"], view.data["batch norm"]
    assert abs(plain["means"][-1]) > 1 and plain["spreads"][-1] < 0.5
    assert np.all(np.abs(normed["means"]) < 0.2)
    assert np.all((normed["spreads"] > 0.9) & (normed["spreads"] < 1.3))

    runs = learning_rate_sweep("relu", (0.1, 0.3, 1.0, 3.0, 10.0, 30.0), max_steps=300,
                               stop_at_target=False)
    assert all(runs[(False, r)].diverged for r in (3.0, 10.0, 30.0))
    assert runs[(False, 1.0)].dev_accuracy[-1] < 0.4
    assert all(not runs[(True, r)].diverged and runs[(True, r)].dev_accuracy[-1] > 0.9
               for r in (0.1, 0.3, 1.0, 3.0))
    assert all(runs[(True, r)].diverged or runs[(True, r)].dev_accuracy[-1] < 0.2
               for r in (10.0, 30.0))

    model, _ = trained_network({"activation": "relu", "use_batchnorm": True,
                                "learning_rate": 0.3, "max_steps": 400,
                                "stop_at_target": False})
    noise = batch_noise(model, cached_digits_split().X_train, rng=0)
    sizes, jiggle = list(noise["batch_sizes"]), np.asarray(noise["noise"])
    for m in (2, 8, 32):
        ratio = jiggle[sizes.index(4 * m)] / jiggle[sizes.index(m)]
        assert 0.35 < ratio < 0.65, (m, ratio)

    replay = momentum_replay(momenta=(0.0, 0.5, 0.9, 0.99, 0.995, 0.999), steps=200)
    momenta, target = list(replay["momenta"]), replay["population_mean"]
    fast, slow = momenta.index(0.9), momenta.index(0.999)
    assert abs(replay["running_means"][fast][-1] - target) < 0.25 * abs(target) + 0.02
    assert abs(replay["running_means"][slow][-1] - target) > 0.5 * abs(target)
    assert replay["test_accuracy"][slow] < replay["test_accuracy"][fast] - 0.05
