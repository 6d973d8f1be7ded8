"""Lessons 02-05: every number typed in a lesson's prose is printed by its executed code.

Lesson 01 has the same test in test_lesson01_claims.py. A number that is not a measurement
(a setting the reader chooses, a year, a section number, the arithmetic of a self-check
question) is listed below with the reason; everything else must agree with the output
(equal, or a printed number with at least as many decimals that rounds to it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook_run import agrees_with_output, execute_timed, output_text, prose_numbers

ROOT = Path(__file__).resolve().parents[2]

# lesson -> {number as typed: why it is not a measurement the notebook prints}
NOT_MEASURED = {
    "02_grid_vs_random_search": {
        "2012": "year of Bergstra & Bengio", "32": "batch size example",
        "256": "batch size example", "0.999": "Adam's beta2 default",
        "10": "Adam's epsilon exponent / decades", "26": "a budget to try in the demo",
        "36": "a budget to try / self-check arithmetic", "1,000": "objectives per row (setting)",
        "6": "axes in a grid example / self-check", "15,625": "arithmetic: 5 ** 6",
        "12": "trials per round (setting)", "0.6": "the hill's height (setting)",
        "48": "trials (setting)", "400": "seeds (setting)", "30": "seeds (setting)",
        "128": "hidden units range (setting)", "64": "batch size (setting)",
    },
    "03_appropriate_scale": {
        "0.9999": "a beta to try", "64": "batch size (setting)",
        "0.0005": "a step of beta (setting)", "0.009": "inline arithmetic",
        "0.099": "inline arithmetic", "9.1": "inline arithmetic (exact share)",
        "0.00001": "range end (setting)",
    },
    "04_pandas_vs_caviar": {
        "15": "the demo's frame-rate target", "10%": "the rule's setting",
        "1%": "the rule's setting", "216": "self-check arithmetic: 8 x 27",
        "0.4": "a bound the claims test checks on other seeds",
    },
    "05_batch_normalization": {
        "70%": "the band drawn (setting)", "2018": "year of a paper", "2016": "year",
        "107": "seeds 100 to 107 (the tests' seeds)", "4.1": "a section of the paper",
        "1,079": "the digits' training set size", "400": "training steps (setting)",
        "512": "a batch size in a self-check",
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("lesson", sorted(NOT_MEASURED))
def test_every_number_in_the_prose_is_printed_by_the_notebook(lesson):
    notebook, _ = execute_timed(ROOT / "lessons" / f"{lesson}.ipynb")
    text, allowed = output_text(notebook), NOT_MEASURED[lesson]
    typed = prose_numbers(notebook)
    missing = [(cell, number) for cell, number in typed
               if number not in allowed and not agrees_with_output(number, text)]
    assert missing == [], f"{lesson}: prose numbers the notebook does not print: {missing}"
    assert len(typed) > 80  # the prose really was read
