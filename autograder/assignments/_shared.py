"""Helpers shared by the hidden checks of the assignments written after sampling_scales.

Nothing here reaches the child process: it runs in the trusted parent only.
"""

from __future__ import annotations

import numpy as np

from autograder.spec import PASS, Verdict

# Float rounding of the arithmetic the tasks ask for is ~1e-15 relative; 1e-9 separates it
# from every wrong answer the checks look for, so value checks never fail a correct answer.
RTOL = 1e-9


def distinct_seeds(rng: np.random.Generator, count: int) -> list[int]:
    """``count`` different seeds in [0, 2**31), from the submission's probe stream."""
    seeds: list[int] = []
    while len(seeds) < count:
        seed = int(rng.integers(0, 2**31))
        if seed not in seeds:
            seeds.append(seed)
    return seeds


def close(got, want, rtol: float = RTOL, atol: float = 0.0) -> bool:
    """Same shape and equal up to float rounding (NaN never equals anything)."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol))


def diagnose(got, wrong_answers, fallback: str, rtol: float = 1e-6, atol: float = 0.0):
    """A failing verdict naming the first wrong answer that ``got`` matches, else ``fallback``.

    ``wrong_answers`` is a sequence of (value a misconception produces, message); a value
    may be a callable that computes it lazily (and may raise when it does not apply).
    """
    for wrong, message in wrong_answers:
        try:
            with np.errstate(all="ignore"):
                value = wrong() if callable(wrong) else wrong
                if close(got, value, rtol=rtol, atol=atol):
                    return Verdict(False, message)
        except (ValueError, TypeError, ZeroDivisionError, IndexError, KeyError):
            continue
    return Verdict(False, fallback)


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||): 0 for equal arrays, 1 for opposite ones."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def reference_judge(labels, reference, wrong_answers, fallback, *, matches=close,
                    malformed=None, output=None, rtol: float = 1e-6, atol: float = 0.0):
    """A judge: on every probe in ``labels`` the output must match ``reference(*args)``.

    ``args`` are the probe's arguments as the parent sees them (``Probe.arg``). ``output``
    picks what is compared from the raw output (default: all of it) and ``matches(got,
    want)`` says whether it is right. At the first probe where it is not, the check fails
    with ``malformed(got, *args)``'s message when it gives one (a wrong shape, nan, ...),
    else with the misconception :func:`diagnose` finds at ``rtol``/``atol`` among
    ``wrong_answers(*args)``, else with ``fallback`` (a message, or a function of the args
    that makes one).
    """

    def judge(out, probes):
        for label in labels:
            probe = probes[label]
            args = [probe.arg(i) for i in range(len(probe.args))]
            got = out[label] if output is None else output(out[label])
            if matches(got, reference(*args)):
                continue
            message = malformed(got, *args) if malformed else None
            if message:
                return Verdict(False, message)
            return diagnose(got, wrong_answers(*args),
                            fallback(*args) if callable(fallback) else fallback,
                            rtol=rtol, atol=atol)
        return PASS

    return judge


def is_number(got, want) -> bool:
    """Whether the output is one number, exactly ``want`` (a count, or one of the inputs)."""
    return got.size == 1 and float(got.ravel()[0]) == want


def number_judge(labels, reference, wrong_answers, fallback, not_one: str):
    """:func:`reference_judge` for an answer that is one exact number.

    ``not_one`` is the message for an output of another size; it may name the output's
    ``{shape}``. Misconceptions are matched exactly too (rtol 0).
    """
    return reference_judge(
        labels, reference, wrong_answers, fallback, matches=is_number, rtol=0,
        output=lambda got: got.reshape(()) if got.size == 1 else got,
        malformed=lambda got, *args: None if got.size == 1 else not_one.format(shape=got.shape))
