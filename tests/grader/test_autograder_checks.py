"""Do sampling_scales' hidden checks pass correct answers and catch wrong ones, over many seeds?

The judges are called in-process here (no sandbox), on outputs computed by independent
implementations, for 150 submission seeds. A correct answer fails any check with
probability <= 1e-6 by design, so a failure in 150 x 12 checks would be a real defect.
choose_scales' checks are exact; its typical wrong answers run as code (wrong_answers.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from assignment_corpus import judge_in_process, namespace
from autograder_corpus import GOOD
from wrong_answers import SAMPLING

from autograder.spec import load

ASSIGNMENT = load("sampling_scales")
SEEDS = range(150)


def _run(function, implementation, seed):
    """{check name: Verdict} for ``implementation`` judged on the probes of ``seed``."""
    task = ASSIGNMENT.task(function)
    probes = {p.label: p for p in task.probes(np.random.SeedSequence(seed))}
    outputs = {}
    for label, probe in probes.items():
        args = [np.random.default_rng(a["__rng__"]) if isinstance(a, dict) and "__rng__" in a
                else probe.arg(i) for i, a in enumerate(probe.args)]
        outputs[label] = np.asarray(implementation(*args), dtype=float)
    return {c.name: c.judge({k: outputs[k] for k in c.probes}, probes) for c in task.checks}


def log_uniform(low, high, size, rng):
    return np.exp(rng.uniform(np.log(low), np.log(high), size))


def momentum(low, high, size, rng):
    return 1.0 - np.exp(rng.uniform(np.log1p(-high), np.log1p(-low), size))


CORRECT = {
    "sample_log_uniform": log_uniform,
    "sample_momentum_beta": momentum,
    "effective_window": lambda beta: 1.0 / (1.0 - np.asarray(beta)),
    "log_spaced_grid": lambda low, high, num: np.geomspace(low, high, num),
}


@pytest.mark.parametrize("function", sorted(CORRECT))
def test_correct_answers_pass_every_check_for_every_seed(function):
    for seed in SEEDS:
        verdicts = _run(function, CORRECT[function], seed)
        failed = {name: v.message for name, v in verdicts.items() if not v.passed}
        assert not failed, (seed, failed)


def _linear(low, high, size, rng):
    return rng.uniform(low, high, size)


def _short(low, high, size, rng):
    a, b = np.log10(low), np.log10(high)
    return 10.0 ** rng.uniform(a, a + 0.95 * (b - a), size)


def _high_short(low, high, size, rng):
    return log_uniform(low, 0.95 * high, size, rng)


def _uniform_beta(low, high, size, rng):
    return rng.uniform(low, high, size)


def _log_beta(low, high, size, rng):
    return log_uniform(low, high, size, rng)


WRONG = [
    ("sample_log_uniform", _linear, "log10 of the samples is uniform (Kolmogorov-Smirnov)",
     "uniform in the value itself"),
    ("sample_log_uniform", _short, "samples reach both ends of the learning-rate range",
     "cut short"),
    ("sample_log_uniform", _high_short, "samples reach both ends of the learning-rate range",
     "cut short"),
    ("sample_momentum_beta", _uniform_beta,
     "log10(1 - beta) of the samples is uniform (Kolmogorov-Smirnov)",
     "far too rare"),
    ("sample_momentum_beta", _log_beta,
     "log10(1 - beta) of the samples is uniform (Kolmogorov-Smirnov)", "far too rare"),
    ("effective_window", lambda beta: 1.0 / np.asarray(beta),
     "values on random betas, element-wise", "1 / beta"),
    ("effective_window", lambda beta: float(np.mean(1.0 / (1.0 - np.asarray(beta)))),
     "values on random betas, element-wise", "element-wise"),
    ("log_spaced_grid", lambda low, high, num: np.linspace(low, high, num),
     "values on random ranges", "evenly spaced in value"),
    ("log_spaced_grid",
     lambda low, high, num: np.logspace(np.log10(low), np.log10(high), num, endpoint=False),
     "values on random ranges", "stops before high"),
]


@pytest.mark.parametrize("function, implementation, check, fragment", WRONG)
def test_wrong_answers_fail_with_their_message_for_every_seed(function, implementation, check,
                                                             fragment):
    for seed in range(40):
        verdict = _run(function, implementation, seed)[check]
        assert not verdict.passed, seed
        assert fragment in verdict.message, (seed, verdict.message)


def test_points_add_up_to_the_visible_test_cells():
    """Are the hidden checks worth 4 + 4 + 2 + 2 + 3 = 15, matching the notebook's test cells?"""
    assert {t.function: t.points for t in ASSIGNMENT.tasks} == {
        "sample_log_uniform": 4, "sample_momentum_beta": 4, "effective_window": 2,
        "log_spaced_grid": 2, "choose_scales": 3}


def _few(draws):
    def sampler(low, high, size, rng):
        return (log_uniform if low < 0.5 else momentum)(low, high, draws, rng)
    return sampler


@pytest.mark.parametrize("function", ["sample_log_uniform", "sample_momentum_beta"])
@pytest.mark.parametrize("draws", [1, 2, 50])
def test_a_sampler_that_returns_too_few_draws_earns_no_check(function, draws):
    """A handful of correct draws passes a distribution test by chance (it has no power on
    them), so every check of a sampler first asks for the size it was given."""
    for seed in range(20):
        verdicts = _run(function, _few(draws), seed)
        passed = [name for name, v in verdicts.items() if v.passed]
        assert not passed, (seed, passed)
        assert all("expected an array of shape" in v.message for v in verdicts.values())


def test_an_independent_choose_scales_passes_every_check_for_every_seed():
    """choose_scales written another way (decades as log10 differences) earns every point."""
    scope = namespace("sampling_scales", {"choose_scales": GOOD["choose_scales"]})
    for seed in SEEDS:
        verdicts = judge_in_process("sampling_scales", "choose_scales", scope, seed)
        failed = {name: v.message for name, v in verdicts.items() if not v.passed}
        assert not failed, (seed, failed)


@pytest.mark.parametrize("case", sorted(SAMPLING))
def test_typical_wrong_answer_fails_its_check_with_its_misconception(case):
    """The typical wrong answers of wrong_answers.py, run as code: each fails its named check
    with its message (test_score_consistency.py grades them under 50 students' seeds)."""
    function, code, check_fragment, message_fragment = SAMPLING[case]
    scope = namespace("sampling_scales", {function: code})
    for seed in range(4):
        verdicts = judge_in_process("sampling_scales", function, scope, seed)
        named = [(check, v) for check, v in verdicts.items() if check_fragment in check]
        assert len(named) == 1, (check_fragment, list(verdicts))
        check, verdict = named[0]
        assert not verdict.passed, (seed, check)
        assert message_fragment in verdict.message, (seed, verdict.message)
