"""Lesson 01's claims: each comparative one re-checked on seeds the notebook does not use, and
each number typed in its prose found in what the executed notebook prints.

The lesson measures its claims on seeds 0-11 and prints them; these tests run the same
library calls on other seeds and assert the direction the prose states, with thresholds
that leave room for the spread the lesson prints. A claim that only held on the lesson's
seeds fails here.
"""

from __future__ import annotations

import collections
import inspect
from pathlib import Path

import nbformat
import numpy as np
import pytest
from notebook_run import agrees_with_output, execute_timed, output_text, prose_numbers

from course.lessons.parameters_vs_hyperparameters import (
    ZIGZAG_SHARE,
    learning_rate_sweep,
    optimism_over_seeds,
    saved_optimism,
    sweep_summary,
    train_shape,
    train_with_learning_rate,
)
from course.nn import Trainer

pytestmark = pytest.mark.slow

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "01_parameters_vs_hyperparameters.ipynb"
OTHER_SEEDS = range(100, 124)  # the lesson uses 0-11


@pytest.fixture(scope="module")
def other_sweeps():
    return [sweep_summary(learning_rate_sweep(seed=seed)) for seed in OTHER_SEEDS]


def _share(flags):
    return float(np.mean(list(flags)))


def test_the_best_rate_is_most_often_3_16_and_near_it_otherwise(other_sweeps):
    """'The lowest final cost came at 3.16 on 8 of the 12 seeds and at 1.78 or 5.62 on the
    others'; 'the good rates lay between 1 and 5.62'."""
    best = np.array([s["best_rate"] for s in other_sweeps]).round(2)
    assert collections.Counter(best).most_common(1)[0][0] == 3.16, best
    assert _share((best >= 1.78) & (best <= 5.62)) >= 0.9, best
    assert _share(s["good_low"] >= 1 - 1e-9 and s["good_high"] <= 5.63
                  for s in other_sweeps) >= 0.9


def test_the_best_run_zigzags_on_most_seeds(other_sweeps):
    """'The best run zigzagged on 8 of 12 seeds' (a zigzag is not a verdict)."""
    assert _share(s["best_zigzag"] > ZIGZAG_SHARE for s in other_sweeps) > 0.5


def test_a_zigzag_says_near_or_above_the_best_and_a_smooth_curve_says_not_too_large(
        other_sweeps):
    """Of the runs that finished with a zigzag, a good share were good and few too small;
    of those that finished smoothly, none (here: at most 1%) was too large; every too-small
    run (here: 99%) was still falling at the end."""
    zig, smooth, counts = (collections.Counter(), collections.Counter(),
                           collections.Counter())
    for s in other_sweeps:
        zig.update(s["zigzagging"])
        smooth.update(s["smooth"])
        counts.update(s["counts"])
    zigzagged = sum(zig.values())
    assert zig["good, zigzagging"] >= 0.15 * zigzagged, zig
    assert zig["too small"] <= 0.1 * zigzagged, zig
    assert zig["too large"] > zig["good, zigzagging"], zig
    assert smooth["too large"] <= 0.01 * sum(smooth.values()), smooth
    not_falling = sum(s["small_not_falling"] for s in other_sweeps)
    assert not_falling <= 0.01 * counts["too small"], (not_falling, counts)


def test_the_cliff_is_a_few_times_above_the_best_rate(other_sweeps):
    """'The first rate the Trainer stopped lay ... 3.2 to 18 times the best rate.'"""
    ratio = np.array([s["first_diverged"] / s["best_rate"] for s in other_sweeps])
    assert _share((ratio > 3.1) & (ratio < 18)) >= 0.75, ratio.round(1)
    assert 3.1 < np.nanmedian(ratio) < 18


def test_0_05_ends_below_0_01_on_every_seed():
    """'alpha = 0.05 ends lower after the same 100 steps, here and on all 12 seeds.'"""
    for seed in OTHER_SEEDS:
        assert (train_with_learning_rate(0.05, seed=seed)["final_cost"]
                < train_with_learning_rate(0.01, seed=seed)["final_cost"]), seed


def test_relu_fits_the_spiral_far_better_than_sigmoid_and_one_unit_barely_fits():
    """'Thirty-two relu units fit the training points almost perfectly, while the same 32
    units with sigmoid reach only ... worse on every one of the 12 seeds'; one unit is close
    to a coin."""
    for seed in OTHER_SEEDS[:12]:
        one, relu, sigmoid = (train_shape(1, units, activation, seed=seed)["accuracy"]
                              for units, activation in ((1, "relu"), (32, "relu"),
                                                        (32, "sigmoid")))
        assert relu >= 0.9 and relu > sigmoid + 0.2, (seed, relu, sigmoid)
        assert one < 0.75, (seed, one)


def test_choosing_on_test_overstates_on_every_seed_and_on_dev_does_not():
    """'On every one of the 12 seeds, choosing on the test set overstated the result, by
    1.2 to 2.2 points, while choosing on the dev set stayed within 0.2 points.'"""
    table = optimism_over_seeds(range(100, 106), n_cuts=300)
    on_test, on_dev = table["chosen on test"]["points"], table["chosen on dev"]["points"]
    assert np.all(on_test > 0.5) and np.all(on_test > on_dev + 0.5), (on_test, on_dev)
    assert 1 < on_test.mean() < 3, on_test
    assert np.all(np.abs(on_dev) < 0.3), on_dev
    assert np.all(table["chosen on test"]["share"] > 0.65)


def test_the_saved_seed_table_is_what_the_code_computes():
    """The lesson prints its 12-seed table from a saved file; two of its seeds, re-run."""
    seeds, table, settings = saved_optimism()
    assert list(seeds) == list(range(12))
    rows = [0, 7]
    rerun = optimism_over_seeds(seeds[rows], **settings)
    for protocol, row in table.items():
        for key in ("points", "share"):
            np.testing.assert_allclose(rerun[protocol][key], row[key][rows], atol=1e-9)


def test_the_playgrounds_things_to_try_come_out_as_it_says():
    """Playground, lesson 01: the first rate whose curve zigzags is already good, the
    lowest J comes from a zigzagging run, and the first rate the Trainer stops is 10 times
    the best (on the demo's sweep, the one the playground shows)."""
    sweep = learning_rate_sweep()
    runs, labels = sweep["runs"], sweep["regimes"]
    first_zigzag = next(k for k, run in enumerate(runs) if run["zigzag"] > ZIGZAG_SHARE)
    assert labels[first_zigzag].startswith("good"), labels[first_zigzag]
    assert labels[int(np.nanargmin(sweep["final_costs"]))] == "good, zigzagging"
    assert sweep_summary(sweep)["first_diverged"] / sweep["best_rate"] == pytest.approx(10)


# numbers in the prose that are the course's settings, not measurements: each is checked
# against the code that sets it instead of the notebook's output
SETTINGS = {
    "1,000": lambda: inspect.signature(Trainer).parameters["diverge_above"].default == 1000,
}


def test_every_number_in_the_prose_is_printed_by_the_notebook():
    """Each number typed in a markdown cell is in the executed notebook's output (or rounds
    from a number there), or is a setting listed in SETTINGS and checked against the code."""
    notebook, _ = execute_timed(LESSON)
    text = output_text(notebook)
    missing = [(cell, typed) for cell, typed in prose_numbers(notebook)
               if typed not in SETTINGS and not agrees_with_output(typed, text)]
    assert missing == [], f"prose numbers the notebook does not print: {missing}"
    assert all(check() for check in SETTINGS.values())
    assert len(prose_numbers(notebook)) > 100  # the prose really was read


def test_the_prose_reader_skips_maths_code_and_list_numbers():
    """The reader behind the test above: what counts as a typed number, what agrees."""
    cell = nbformat.v4.new_markdown_cell(
        "## 3. Heading\n\n1. Item with 95.4% and $W^{[2]}$ and $\\alpha = 0.05$, `x = 7`\n"
        "$$J = 12$$ [link](../a/b2.ipynb) <b>1,000 times</b> ran 2000 cuts, +1.9 points")
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert [typed for _, typed in prose_numbers(notebook)] == ["95.4%", "0.05", "1,000",
                                                               "2000", "+1.9"]
    text = "test says 97.3%, overstated by +1.87 points, J(50) = 0.479, 2000 cuts"
    assert agrees_with_output("97%", text) and agrees_with_output("97.3%", text)
    assert agrees_with_output("1.9", text) and agrees_with_output("2000", text)
    assert not agrees_with_output("95.4%", text)  # not printed
    assert not agrees_with_output("0.48%", text)  # a percentage only matches a percentage
    assert not agrees_with_output("0.4792", text)  # more decimals than printed
    assert not agrees_with_output("97.4%", text)  # rounds to something else
