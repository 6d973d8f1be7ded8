"""Hidden checks for ``sampling_scales`` (lesson 03, "Using an appropriate scale").

The worked example of AUTHORING.md. Five tasks, 15 points:

=====================  =================================  ======
answer cell            visible test cell (gets the points)  points
=====================  =================================  ======
sample_log_uniform     test_sample_log_uniform              4
sample_momentum_beta   test_sample_momentum_beta            4
effective_window       test_effective_window                2
log_spaced_grid        test_log_spaced_grid                 2
choose_scales          test_choose_scales                   3
=====================  =================================  ======

Samplers are judged on 20,000 draws: range (1 point), a Kolmogorov-Smirnov test on the
log-scale values (1), the extremes near both ends of a narrow range (1) and seed behaviour
(1). ``choose_scales``, the judgement task, applies the lesson's rule to nine ranges under
names the student has not seen (``scales.py``: log, linear and 1 - x on a log scale, 1 point
each). Every check's false-failure rate for a correct answer is stated beside its threshold.
"""

from __future__ import annotations

import numpy as np

from autograder import stats
from autograder.assignments.sampling_scales import reference, scales
from autograder.spec import PASS, Assignment, Check, Probe, Task, Verdict, array_arg, rng_arg

N = 20_000  # draws per sampler probe
RTOL = 1e-9  # float rounding of 10**r, 1 - 10**r and logspace; far below any wrong answer


def _seeds(rng, count):
    seeds = set()
    while len(seeds) < count:
        seeds.add(int(rng.integers(0, 2**31)))
    return sorted(seeds)


def _sampler_probes(function, draw_bounds, draw_narrow):
    def probes(stream):
        rng = np.random.default_rng(stream)
        low, high = draw_bounds(rng)
        first, second, third = _seeds(rng, 3)
        return [
            Probe("main", function, (low, high, N, rng_arg(first))),
            Probe("same", function, (low, high, N, rng_arg(first))),
            Probe("other", function, (low, high, N, rng_arg(second))),
            Probe("few", function, (low, high, 3, rng_arg(second))),
            Probe("narrow", function, (*draw_narrow(rng), N, rng_arg(third))),
        ]

    return probes


def _learning_rate_bounds(rng):
    low = 10.0 ** rng.uniform(-6.0, -2.0)
    return low, low * 10.0 ** rng.uniform(2.0, 4.0)


def _momentum_bounds(rng):
    return 1.0 - 10.0 ** rng.uniform(-1.0, -0.7), 1.0 - 10.0 ** rng.uniform(-4.0, -3.0)


# The ends are judged on a narrow range (0.1 to 0.15 of a decade on the sampler's axis),
# where the scale hardly matters: a sampler spread evenly in the wrong scale (which the
# Kolmogorov-Smirnov check catches on the wide range) reaches both ends there as surely as
# a correct one, while a range cut short misses one end whatever the seed. On a wide range
# whether such a sampler came near the lower end was luck, so the same wrong code earned
# different scores for different students.
def _narrow_learning_rate_bounds(rng):
    low = 10.0 ** rng.uniform(-6.0, -2.0)
    return low, low * 10.0 ** rng.uniform(0.1, 0.15)


def _narrow_momentum_bounds(rng):
    one_minus_low = 10.0 ** rng.uniform(-3.0, -1.5)
    return 1.0 - one_minus_low, 1.0 - one_minus_low / 10.0 ** rng.uniform(0.1, 0.15)


class _Sampler:
    """Checks shared by both samplers; ``scale`` maps a sample to the axis where it is uniform."""

    def __init__(self, scale, scale_name, wrong_range_hint, misfits):
        self.scale = scale
        self.scale_name = scale_name
        self.wrong_range_hint = wrong_range_hint
        # (transform, message): a usual mistake makes transform(samples) uniform instead.
        self.misfits = misfits

    def axis(self, probe):
        low, high = probe.arg(0), probe.arg(1)
        ends = sorted([float(self.scale(low)), float(self.scale(high))])
        return ends[0], ends[1]

    def scaled(self, values):
        with np.errstate(all="ignore"):
            t = self.scale(values)
        return t if np.all(np.isfinite(t)) else None

    @staticmethod
    def wrong_size(out, labels=("main",)):
        """A verdict if a probe's array is not of the size asked for, else None. Every check
        needs it: the distribution checks have no power on a handful of values, so an
        answer that returns too few would otherwise pass them by chance."""
        shapes = {label: out[label].shape for label in labels}
        want = {label: (3,) if label == "few" else (N,) for label in labels}
        if shapes == want:
            return None
        label = next(label for label in labels if shapes[label] != want[label])
        size = want[label][0]
        return Verdict(False, f"for size={size} expected an array of shape ({size},), got "
                              f"shape {shapes[label]}")

    def in_range(self, out, probes):
        x, probe = out["main"], probes["main"]
        low, high = probe.arg(0), probe.arg(1)
        if wrong := self.wrong_size(out, ("main", "few")):
            return wrong
        if not np.all(np.isfinite(x)):
            return Verdict(False, "some returned values are NaN or infinite")
        span = high - low
        # Exact bounds up to rounding: a correct answer never fails (false-failure rate 0).
        if x.min() >= low - RTOL * span and x.max() <= high + RTOL * span:
            return PASS
        hint = self.wrong_range_hint(x, low, high)
        return Verdict(False, hint or f"some values fall outside [low, high] = [{low:.4g}, "
                                      f"{high:.4g}] (yours span {x.min():.4g} to {x.max():.4g})")

    def uniform_on_scale(self, out, probes):
        if wrong := self.wrong_size(out):
            return wrong
        a, b = self.axis(probes["main"])
        x = out["main"]
        t = self.scaled(x)
        if t is None:
            return Verdict(False, f"{self.scale_name} of some of your samples is undefined "
                                  f"(they are outside the allowed range)")
        distance = stats.ks_distance(t, stats.uniform_cdf(a, b))
        # DKW bound: a correct sampler exceeds this distance with probability <= 1e-6.
        if distance <= stats.ks_threshold(t.size, 1e-6):
            return PASS
        low, high = probes["main"].arg(0), probes["main"].arg(1)
        for transform, message in self.misfits:
            with np.errstate(all="ignore"):
                if stats.fits_uniform(transform(x), transform(low), transform(high)):
                    return Verdict(False, message)
        lo, hi = float(t.min()), float(t.max())
        if stats.fits_uniform(t, lo, hi):
            ratio = (hi - lo) / (b - a)
            if abs(ratio - np.log(10)) < 0.05 or abs(ratio - 1 / np.log(10)) < 0.01:
                return Verdict(False, f"{self.scale_name} of your samples is uniform but on "
                                      f"[{lo:.3g}, {hi:.3g}], not [{a:.3g}, {b:.3g}]: you mixed "
                                      f"the natural log (np.log, e**r) with log10 (10**r)")
            return Verdict(False, f"{self.scale_name} of your samples is uniform but on "
                                  f"[{lo:.3g}, {hi:.3g}], not [{a:.3g}, {b:.3g}]: the range is off")
        return Verdict(False, f"{self.scale_name} of your samples is not uniform on [{a:.3g}, "
                              f"{b:.3g}] (Kolmogorov-Smirnov distance {distance:.3f})")

    def ends(self, out, probes):
        if wrong := self.wrong_size(out, ("narrow",)):
            return wrong
        a, b = self.axis(probes["narrow"])
        t = self.scaled(out["narrow"])
        if t is None:
            return Verdict(False, f"{self.scale_name} of some of your samples is undefined")
        # Each end is missed by a correct sampler with probability <= 5e-7 (1e-6 in all).
        bottom, top = stats.reaches_both_ends(t, a, b, 1e-6)
        if bottom and top:
            return PASS
        side = "lower" if not bottom else "upper"
        edge = t.min() if not bottom else t.max()
        if a <= edge <= b:
            return Verdict(False, f"on the {self.scale_name} axis your samples never come near "
                                  f"the {side} end of [{a:.3g}, {b:.3g}] (closest: {edge:.3g}): "
                                  f"is the range cut short?")
        return Verdict(False, f"on the {self.scale_name} axis your samples go past the {side} "
                              f"end of [{a:.3g}, {b:.3g}] (to {edge:.3g})")

    def seeds(self, out, probes):
        if wrong := self.wrong_size(out, ("main", "same", "other")):
            return wrong
        # Deterministic: a correct answer gives identical arrays for identical seeds, and two
        # seeds give 20,000 equal continuous draws with probability ~0.
        if out["main"].shape != out["same"].shape or not np.array_equal(out["main"], out["same"]):
            return Verdict(False, "two generators made from the same seed gave different "
                                  "samples: draw from the rng argument, not from np.random's "
                                  "global functions")
        if np.array_equal(out["main"], out["other"]):
            return Verdict(False, "different seeds gave identical samples: your function does "
                                  "not draw from the rng argument")
        return PASS

    def checks(self, what):
        return (
            Check("returns size values inside [low, high]", 1, ("main", "few"), self.in_range),
            Check(f"{self.scale_name} of the samples is uniform (Kolmogorov-Smirnov)", 1,
                  ("main",), self.uniform_on_scale),
            Check(f"samples reach both ends of the {what} range", 1, ("narrow",), self.ends),
            Check("same seed gives the same samples, another seed others", 1,
                  ("main", "same", "other"), self.seeds),
        )


def _exponent_hint(x, low, high):
    a, b = np.log10(low), np.log10(high)
    if x.min() >= a - 1e-9 and x.max() <= b + 1e-9:
        return "your values lie between log10(low) and log10(high): return 10**r, not r"
    return ""


def _one_minus_hint(x, low, high):
    if x.min() >= (1 - high) * (1 - 1e-9) and x.max() <= (1 - low) * (1 + 1e-9):
        return ("your values lie between 1 - high and 1 - low: return beta = 1 - 10**r, "
                "not 10**r (or check that the range is not flipped)")
    return ""


def _same(x):
    return x


_LOG = _Sampler(np.log10, "log10", _exponent_hint, [
    (_same, "your samples are uniform in the value itself, not in log10: almost all of them "
            "land in the top decade"),
])
_TOO_RARE = ("your betas are spread evenly in beta (or in log10(beta)), not in "
             "log10(1 - beta): values close to 1, where beta matters most, are far too rare")
_BETA = _Sampler(lambda x: np.log10(1.0 - x), "log10(1 - beta)", _one_minus_hint,
                 [(_same, _TOO_RARE), (np.log10, _TOO_RARE)])


def _close(got, want):
    return got.shape == np.shape(want) and np.allclose(got, want, rtol=RTOL, atol=0)


def _window_probes(stream):
    rng = np.random.default_rng(stream)
    return [
        Probe("array", "effective_window", (array_arg(rng.uniform(0.0, 0.999, 7)),)),
        Probe("matrix", "effective_window", (array_arg(rng.uniform(0.0, 0.999, (3, 4))),)),
        Probe("scalar", "effective_window", (float(rng.uniform(0.5, 0.9999)),)),
    ]


def _window_values(out, probes):
    # Deterministic arithmetic: rounding error ~1e-16 vs RTOL 1e-9, false-failure rate 0.
    for label in ("array", "matrix"):
        beta = probes[label].arg(0)
        got = out[label]
        if got.shape != beta.shape:
            return Verdict(False, f"effective_window must work element-wise: for an input of "
                                  f"shape {beta.shape} it returned shape {got.shape}")
        if _close(got, reference.effective_window(beta)):
            continue
        for wrong, message in (
            (1.0 / beta, "you computed 1 / beta; the window is 1 / (1 - beta)"),
            (beta / (1.0 - beta), "you computed beta / (1 - beta), one less than the window"),
            (1.0 - beta, "you returned 1 - beta; the window is its reciprocal"),
        ):
            if np.allclose(got, wrong, rtol=1e-6):
                return Verdict(False, message)
        return Verdict(False, f"for beta = {beta.flat[0]:.4f} your function returned "
                              f"{got.flat[0]:.6g}, which is not 1 / (1 - beta)")
    return PASS


def _window_scalar(out, probes):
    beta = probes["scalar"].arg(0)
    got = out["scalar"]
    if got.size != 1:
        return Verdict(False, f"for a single float it returned {got.size} values, not one")
    if not _close(got.reshape(()), reference.effective_window(beta)):
        return Verdict(False, f"for beta = {beta:.4f} it returned {float(got.ravel()[0]):.6g}, "
                              f"which is not 1 / (1 - beta)")
    return PASS


def _grid_probes(stream):
    rng = np.random.default_rng(stream)
    probes = []
    for label in ("a", "b"):
        low = 10.0 ** rng.uniform(-6.0, -1.0)
        high = low * 10.0 ** rng.uniform(1.0, 5.0)
        probes.append(Probe(label, "log_spaced_grid", (low, high, int(rng.integers(3, 12)))))
    low = 10.0 ** rng.uniform(-5.0, -2.0)
    probes.append(Probe("two", "log_spaced_grid", (low, low * 1000.0, 2)))
    return probes


def _grid_values(out, probes):
    # Deterministic: rounding error ~1e-15 vs RTOL 1e-9, false-failure rate 0.
    for label in ("a", "b"):
        low, high, num = (probes[label].arg(i) for i in range(3))
        got = out[label]
        if got.shape != (num,):
            return Verdict(False, f"asked for num={num} values, got an array of shape {got.shape}")
        if _close(got, reference.log_spaced_grid(low, high, num)):
            continue
        a, b = np.log10(low), np.log10(high)
        with np.errstate(all="ignore"):
            wrongs = (
                (np.linspace(low, high, num), "your grid is evenly spaced in value, not in log10"),
                (np.logspace(low, high, num), "np.logspace takes exponents: pass log10(low) and "
                                              "log10(high), not low and high"),
                (np.logspace(a, b, num, endpoint=False), "your grid stops before high: it must "
                                                         "include both ends"),
                (np.logspace(np.log(low), np.log(high), num), "you mixed the natural log "
                                                              "(np.log) with log10"),
            )
        for wrong, message in wrongs:
            if np.allclose(got, wrong, rtol=1e-6):
                return Verdict(False, message)
        return Verdict(False, "your grid is not num values evenly spaced in log10 from low "
                              "to high")
    return PASS


def _grid_ends(out, probes):
    low, high, _ = (probes["two"].arg(i) for i in range(3))
    if not _close(out["two"], np.array([low, high])):
        return Verdict(False, "with num=2 the grid must be exactly [low, high]")
    for label in ("a", "b"):
        got = out[label]
        low, high, num = (probes[label].arg(i) for i in range(3))
        if got.size != num or not (np.isclose(got[0], low, rtol=RTOL, atol=0)
                                   and np.isclose(got[-1], high, rtol=RTOL, atol=0)):
            return Verdict(False, "the grid must start at low and end at high (both included)")
    return PASS


def _switched_off(dimension):
    """course.search's own route to these samples: every public path goes through them."""
    return tuple(f"course.search.{dimension}.{method}"
                 for method in ("sample", "from_unit", "grid", "_inverse"))


ASSIGNMENT = Assignment(
    name="sampling_scales",
    setup_cells=("setup",),
    version="2",  # 2: choose_scales added
    tasks=(
        Task(
            function="sample_log_uniform",
            test_cell="test_sample_log_uniform",
            probes=_sampler_probes("sample_log_uniform", _learning_rate_bounds,
                                   _narrow_learning_rate_bounds),
            checks=_LOG.checks("learning-rate"),
            tripwires=_switched_off("LogUniform"),
        ),
        Task(
            function="sample_momentum_beta",
            test_cell="test_sample_momentum_beta",
            probes=_sampler_probes("sample_momentum_beta", _momentum_bounds,
                                   _narrow_momentum_bounds),
            checks=_BETA.checks("beta"),
            tripwires=_switched_off("OneMinusLogUniform"),
        ),
        Task(
            function="effective_window",
            test_cell="test_effective_window",
            probes=_window_probes,
            checks=(
                Check("values on random betas, element-wise", 1, ("array", "matrix"),
                      _window_values),
                Check("a single float gives one number", 1, ("scalar",), _window_scalar),
            ),
            tripwires=("course.smoothing.effective_window",),
        ),
        Task(
            function="log_spaced_grid",
            test_cell="test_log_spaced_grid",
            probes=_grid_probes,
            checks=(
                Check("values on random ranges", 1, ("a", "b"), _grid_values),
                Check("includes both ends", 1, ("a", "b", "two"), _grid_ends),
            ),
            tripwires=("course.search.grid_configs",),
        ),
        # No tripwire: nothing in course decides a scale from a range (route search).
        Task(
            function="choose_scales",
            test_cell="test_choose_scales",
            probes=scales.probes,
            checks=scales.CHECKS,
        ),
    ),
)
