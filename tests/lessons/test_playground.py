"""Is the playground complete, and are its lesson 04 and 05 "things to try" true?

Every demo a lesson shows (found by the `*_demo(` calls in the notebooks' code) must be
built by the playground's catalog (course/app/catalog.py), and every demo of the catalog
must have its card in lessons/playground.ipynb. Lessons 01 and 03's texts are checked in
their claims tests; here the outcomes that lessons 04 and 05's texts promise are
recomputed with the catalog's own functions and constants, so the pictures the app
shows are the ones measured.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND = ROOT / "lessons" / "playground.ipynb"
CATALOG = ROOT / "course" / "app" / "catalog.py"
DEMO_CALL = re.compile(r"\b([a-z_]+_demo)\(")
CARD_CALL = re.compile(r"playground\.card\(\"([a-z0-9-]+)\"\)")


def demo_calls(path):
    cells = json.loads(path.read_text())["cells"]
    return {name for cell in cells if cell["cell_type"] == "code"
            for name in DEMO_CALL.findall("".join(cell["source"]))}


def markdown(path):
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_every_demo_of_every_lesson_is_in_the_playground():
    from course.app.catalog import DEMOS

    lessons = sorted(p for p in (ROOT / "lessons").glob("[0-9]*.ipynb"))
    in_lessons = set().union(*(demo_calls(p) for p in lessons))
    assert len(in_lessons) >= 14
    assert sorted(in_lessons - set(DEMO_CALL.findall(CATALOG.read_text()))) == []
    cells = json.loads(PLAYGROUND.read_text())["cells"]
    cards = [card for cell in cells if cell["cell_type"] == "code"
             for card in CARD_CALL.findall("".join(cell["source"]))]
    assert cards == list(DEMOS), "the page's cards are not the catalog's demos in order"


def test_the_playground_follows_the_lessons_order():
    numbers = [int(n) for n in re.findall(r"^## .*\(lesson (\d\d)\)", markdown(PLAYGROUND),
                                          re.MULTILINE)]
    assert numbers == sorted(numbers) and set(numbers) == {1, 2, 3, 4, 5}


@pytest.mark.slow
def test_lesson_04_things_to_try():
    """Caviar: one random model's expected best is far below the pandas' line, and a few
    models reach it. Halving: the leader of rung 0 is not the final winner."""
    from course.app.catalog import caviar_tables, halving_run
    from course.lessons.pandas_and_caviar import expected_best

    caviar, pandas = caviar_tables()
    panda = np.nanmean(pandas.scores)
    expected = [expected_best(caviar.scores, k) for k in range(1, 25)]
    assert expected[0] < panda - 0.05
    assert any(e >= panda for e in expected[:5])
    halving = halving_run()
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
    from course.app.catalog import (
        HISTOGRAM_STEPS,
        RUNNING_MOMENTA,
        noise_table,
        relu_sweep,
    )
    from course.lessons.batch_norm import histogram_snapshots, histograms_demo, momentum_replay

    view = histograms_demo(histogram_snapshots(snapshot_steps=HISTOGRAM_STEPS,
                                               learning_rate=1.0), step=20)
    plain, normed = view.data["plain"], view.data["batch norm"]
    assert abs(plain["means"][-1]) > 1 and plain["spreads"][-1] < 0.5
    assert np.all(np.abs(normed["means"]) < 0.2)
    assert np.all((normed["spreads"] > 0.9) & (normed["spreads"] < 1.3))

    runs = relu_sweep()
    assert all(runs[(False, r)].diverged for r in (3.0, 10.0, 30.0))
    assert runs[(False, 1.0)].dev_accuracy[-1] < 0.4
    assert all(not runs[(True, r)].diverged and runs[(True, r)].dev_accuracy[-1] > 0.9
               for r in (0.1, 0.3, 1.0, 3.0))
    assert all(runs[(True, r)].diverged or runs[(True, r)].dev_accuracy[-1] < 0.2
               for r in (10.0, 30.0))

    noise = noise_table()
    sizes, jiggle = list(noise["batch_sizes"]), np.asarray(noise["noise"])
    for m in (2, 8, 32):
        ratio = jiggle[sizes.index(4 * m)] / jiggle[sizes.index(m)]
        assert 0.35 < ratio < 0.65, (m, ratio)

    replay = momentum_replay(momenta=RUNNING_MOMENTA, steps=200)
    momenta, target = list(replay["momenta"]), replay["population_mean"]
    fast, slow = momenta.index(0.9), momenta.index(0.999)
    assert abs(replay["running_means"][fast][-1] - target) < 0.25 * abs(target) + 0.02
    assert abs(replay["running_means"][slow][-1] - target) > 0.5 * abs(target)
    assert replay["test_accuracy"][slow] < replay["test_accuracy"][fast] - 0.05
