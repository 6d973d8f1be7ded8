"""Hidden checks for ``batch_norm`` (lesson 05). Five tasks, 18 points:

=======================  ============================  ======
answer cell              visible test cell             points
=======================  ============================  ======
batchnorm_forward        test_batchnorm_forward        4
batchnorm_backward       test_batchnorm_backward       6
update_running_stats     test_update_running_stats     2
batchnorm_inference      test_batchnorm_inference      3
choose_running_momentum  test_choose_running_momentum  3
=======================  ============================  ======

All checks are deterministic. Values are compared with a relative tolerance of 1e-7
(float64 rounding is ~1e-15); gradients against centred-difference numeric gradients of the
reference forward pass with a relative error below 1e-6 (the numeric error is ~1e-9 for
these well-scaled inputs); a chosen momentum by its gap 1 - momentum, within 1e-6 relative
(rounding is below 1e-12 there). A correct answer fails none of them (false-failure rate 0).
"""

from __future__ import annotations

import numpy as np

from autograder.assignments._shared import close, diagnose, reference_judge, relative_error
from autograder.assignments.batch_norm import reference
from autograder.spec import PASS, Assignment, Check, Probe, Task, Verdict, array_arg

VALUE_RTOL, VALUE_ATOL = 1e-7, 1e-9
GRAD_TOL = 1e-6
# Probes that judge everything but eps use an eps whose effect (< 1e-9 relative, variances
# being >= 0.25) is far below VALUE_RTOL, so a slip with eps costs only the eps checks.
TINY_EPS = 1e-10


def _batch(rng, m, h):
    """z with a different mean and spread per feature, a gamma with both signs, a beta."""
    z = rng.normal(rng.uniform(-5, 5, h), rng.uniform(0.5, 4.0, h), size=(m, h))
    gamma = rng.uniform(0.5, 2.0, h) * rng.choice([-1.0, 1.0], h)
    return z, gamma, rng.normal(size=h)


def _spread_batch(rng, m, h):
    """A batch from :func:`_batch` whose every feature varies (variance at least 0.01).

    With eps = 1e-10 an answer that puts eps in the wrong place then differs from the
    reference by less than 1e-8 of its value, on every seed: where eps sits is judged only
    by the probes made for it. (Two draws of a pair can be nearly equal, and then such an
    answer failed the main check for some students only.)
    """
    while True:
        z, gamma, beta = _batch(rng, m, h)
        if z.var(axis=0).min() >= 0.01:
            return z, gamma, beta


def _args(*arrays):
    return tuple(array_arg(a) for a in arrays)


def _close(got, want):
    return close(got, want, rtol=VALUE_RTOL, atol=VALUE_ATOL)


# --- batchnorm_forward ------------------------------------------------------------------


def _forward_probes(stream):
    rng = np.random.default_rng(stream)
    probes = []
    for label, m, h in (("random", 16, 5), ("pair", 2, 3), ("tall", 64, 2)):
        z, gamma, beta = _spread_batch(rng, m, h)
        probes.append(Probe(label, "batchnorm_forward", _args(z, gamma, beta) + (TINY_EPS,),
                            driver="forward"))
    z, gamma, beta = _batch(rng, 12, 3)
    z[:, 0] = z[0, 0] + 1e-3 * rng.normal(size=12)  # a feature that barely varies
    probes.append(Probe("flat", "batchnorm_forward", _args(z, gamma, beta) + (1e-2,),
                        driver="forward"))
    z[:, 1] = z[0, 1]  # and one that never varies
    probes.append(Probe("constant", "batchnorm_forward", _args(z, gamma, beta) + (1e-5,),
                        driver="forward"))
    return probes


def _forward_wrong_answers(z, gamma, beta, eps):
    mu, var = z.mean(axis=0), z.var(axis=0)
    centred = z - mu
    row_mu, row_var = z.mean(axis=1, keepdims=True), z.var(axis=1, keepdims=True)
    return (
        (lambda: gamma * centred / np.sqrt(z.var(axis=0, ddof=1) + eps) + beta,
         "you divided the variance by m - 1: batch norm uses the batch's own variance, "
         "divided by m (np.var's default)"),
        (lambda: gamma * (z - row_mu) / np.sqrt(row_var + eps) + beta,
         "you normalised each example across its features: normalise each feature over the "
         "batch (the mean and variance of every column, axis=0)"),
        (lambda: gamma * centred / (np.sqrt(var) + eps) + beta,
         "eps belongs inside the square root: sqrt(var + eps)"),
        (lambda: gamma * centred / np.sqrt(var) + beta,
         "you left out eps: without it a feature that barely varies blows up"),
        (lambda: gamma * centred / (var + eps) + beta,
         "you divided by the variance; divide by the standard deviation sqrt(var + eps)"),
        (lambda: gamma * centred / np.sqrt(np.sqrt(var) + eps) + beta,
         "you took the square root of the standard deviation: use sqrt(var + eps)"),
        (lambda: gamma * centred / np.sqrt((z**2).mean(axis=0) + eps) + beta,
         "the variance is the mean of (z - mu)**2, not of z**2"),
        (lambda: centred / np.sqrt(var + eps),
         "you returned the normalised z without scaling by gamma and shifting by beta"),
        (lambda: beta * centred / np.sqrt(var + eps) + gamma,
         "gamma and beta are swapped: out = gamma * z_hat + beta"),
    )


def _forward_flat(out, probes):
    # Column 0 barely varies (variance ~1e-6) and eps is 1e-2, so eps sets the scale; an
    # unbiased variance moves it by ~5e-6 relative, which the 1e-4 tolerance lets through
    # (check 1 judges that). Deterministic: false-failure rate 0.
    z, gamma, beta = (probes["flat"].arg(i) for i in range(3))
    eps = probes["flat"].arg(3)
    got = out["flat"]["out"]
    if got.shape != z.shape:
        return Verdict(False, f"out must have the shape of z, {z.shape}; got {got.shape}")
    want = reference.batchnorm_forward(z, gamma, beta, eps)
    if close(got[:, 0], want[:, 0], rtol=1e-4, atol=1e-9):
        return PASS
    if not np.all(np.isfinite(got[:, 0])):
        return Verdict(False, "a feature that barely varies gives nan or inf: divide by "
                              "sqrt(var + eps)")
    wrong = {i: (value, message) for i, (value, message)
             in enumerate(_forward_wrong_answers(z, gamma, beta, eps))}
    return diagnose(got[:, 0], [(lambda v=v: v()[:, 0], message) for v, message
                                in wrong.values()],
                    "a feature with a tiny variance comes out wrong: divide by "
                    "sqrt(var + eps)", rtol=1e-4, atol=1e-9)


def _forward_constant(out, probes):
    # A constant feature is all mean, so out = beta exactly up to rounding (rate 0).
    z, _, beta = (probes["constant"].arg(i) for i in range(3))
    got = out["constant"]["out"]
    if got.shape != z.shape:
        return Verdict(False, f"out must have the shape of z, {z.shape}; got {got.shape}")
    column = got[:, 1]
    if not np.all(np.isfinite(column)):
        return Verdict(False, "a feature that never varies gives nan or inf: add eps to the "
                              "variance inside the square root")
    if close(column, np.full_like(column, beta[1]), rtol=1e-7, atol=1e-9):
        return PASS
    return Verdict(False, "a feature that never varies must come out as beta: its z - mu is 0 "
                          "or rounding noise, and only eps inside sqrt(var + eps) keeps the "
                          "division from blowing that noise up")


def _not_shaped_like_z(got, z, *args):
    if got.shape != z.shape:
        return f"out must have the shape of z, {z.shape}; got {got.shape}"
    return None


def _forward_malformed(got, z, *args):
    return _not_shaped_like_z(got, z) or (
        None if np.all(np.isfinite(got)) else "your output holds nan or inf for a feature that "
        "never varies: add eps to the variance inside the square root")


def _forward_judge(labels, fallback):
    return reference_judge(labels, reference.batchnorm_forward, _forward_wrong_answers,
                           fallback, matches=_close, malformed=_forward_malformed,
                           output=lambda got: got["out"], rtol=1e-5, atol=1e-8)


# --- batchnorm_backward -----------------------------------------------------------------


def _backward_probes(stream):
    rng = np.random.default_rng(stream)
    probes = []
    for label, m, h in (("random", 8, 4), ("small", 3, 2), ("wide", 20, 6)):
        z, gamma, beta = _spread_batch(rng, m, h)
        dout = rng.normal(size=(m, h))
        probes.append(Probe(label, "batchnorm_backward",
                            _args(z, gamma, beta) + (TINY_EPS,) + _args(dout),
                            driver="backward"))
    return probes


def _probe_inputs(probe):
    z, gamma, beta = (probe.arg(i) for i in range(3))
    return z, gamma, beta, probe.arg(3), probe.arg(4)


def _wrong_gradients(z, gamma, beta, eps, dout):
    """name -> ((value, message), ...) for the usual slips in each gradient."""
    m = z.shape[0]
    mu, var = z.mean(axis=0), z.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    z_hat = (z - mu) * inv_std
    g = dout * gamma
    var_u = z.var(axis=0, ddof=1)
    inv_std_u = 1.0 / np.sqrt(var_u + eps)
    z_hat_u = (z - mu) * inv_std_u
    return {
        "dbeta": (
            (dout.mean(axis=0), "dbeta is the sum of dout over the batch, not its mean"),
            (dout.sum(axis=1), "you summed dout over the features; sum over the batch (axis=0)"),
        ),
        "dgamma": (
            (dout.sum(axis=0), "dgamma is the sum of dout * z_hat over the batch: you left out "
                               "z_hat"),
            ((dout * z).sum(axis=0), "dgamma uses the normalised z_hat, not the raw z"),
            ((dout * z_hat).mean(axis=0), "dgamma is a sum over the batch, not a mean"),
            ((dout * z_hat).sum(axis=1), "you summed over the features; sum over the batch"),
        ),
        "dz": (
            (g * inv_std, "your dz treats the batch mean and variance as constants: each z_i "
                          "also moves mu and sigma^2, which adds two more terms"),
            (inv_std * (g - g.mean(axis=0)), "your dz follows the path through the mean but "
                                             "not the one through the variance"),
            (inv_std * (g - z_hat * (g * z_hat).mean(axis=0)), "your dz follows the path "
                                                               "through the variance but not "
                                                               "the one through the mean"),
            (inv_std * (dout - dout.mean(axis=0) - z_hat * (dout * z_hat).mean(axis=0)),
             "dz is missing the factor gamma: out = gamma * z_hat + beta"),
            (inv_std_u * (g - g.mean(axis=0) - z_hat_u * (g * z_hat_u).sum(axis=0) / (m - 1)),
             "your dz is the gradient of batch norm with the variance divided by m - 1; "
             "divide by m"),
        ),
    }


def _backward_judge(name):
    def judge(out, probes):
        for label, probe in probes.items():
            z, gamma, beta, eps, dout = _probe_inputs(probe)
            numeric = dict(zip(("dz", "dgamma", "dbeta"),
                               reference.batchnorm_gradients(z, gamma, beta, eps, dout),
                               strict=True))
            got = out[label]
            if relative_error(got[name], numeric[name]) < GRAD_TOL:
                continue
            want_shape = numeric[name].shape
            if got[name].shape != want_shape:
                return Verdict(False, f"{name} must have shape {want_shape}, got "
                                      f"{got[name].shape}")
            for value, message in _wrong_gradients(z, gamma, beta, eps, dout)[name]:
                if relative_error(got[name], value) < 1e-5:
                    return Verdict(False, message)
            own = got.get(f"own_{name}")
            forward_ok = _close(got["out"], reference.batchnorm_forward(z, gamma, beta, eps))
            if own is not None and relative_error(got[name], own) < 1e-5 and not forward_ok:
                return Verdict(False, f"your {name} matches the numeric gradient of your own "
                                      f"batchnorm_forward, which is itself wrong: fix the "
                                      f"forward pass first")
            error = relative_error(got[name], numeric[name])
            return Verdict(False, f"{name} disagrees with the numeric gradient (relative error "
                                  f"{error:.1e}, needs < {GRAD_TOL:g})")
        return PASS

    return judge


# --- update_running_stats ---------------------------------------------------------------


def _running_probes(stream):
    rng = np.random.default_rng(stream)
    probes = []
    for label, momentum in (("usual", 0.9), ("odd", float(np.round(rng.uniform(0.2, 0.4), 3))),
                            ("slow", 0.99)):
        h = int(rng.integers(2, 7))
        arrays = (rng.normal(size=h), rng.uniform(0.5, 2, h), rng.normal(size=h) * 3,
                  rng.uniform(0.1, 5, h))
        probes.append(Probe(label, "update_running_stats", _args(*arrays) + (momentum,)))
    return probes


def _running_judge(row, what):
    def judge(out, probes):
        for label, probe in probes.items():
            old_mean, old_var, batch_mean, batch_var = (probe.arg(i) for i in range(4))
            momentum = probe.arg(4)
            want = np.stack(reference.update_running_stats(old_mean, old_var, batch_mean,
                                                           batch_var, momentum))
            got = out[label]
            if got.shape != want.shape:
                return Verdict(False, f"return (new_mean, new_var), two arrays of shape "
                                      f"{old_mean.shape}")
            if _close(got[row], want[row]):
                continue
            old, batch = (old_mean, batch_mean) if row == 0 else (old_var, batch_var)
            other_old, other_batch = (old_var, batch_var) if row == 0 else (old_mean, batch_mean)
            return diagnose(got[row], (
                ((1 - momentum) * old + momentum * batch,
                 "momentum weighs the old running average and (1 - momentum) the new batch; "
                 "you have them the other way round"),
                (momentum * other_old + (1 - momentum) * other_batch,
                 "your new_mean and new_var are swapped: return (new_mean, new_var)"),
                (batch, f"you returned the batch's {what}; blend it into the running average"),
                (old, f"you returned the old running {what} unchanged"),
                (momentum * old + batch, "the batch term is weighted by (1 - momentum)"),
            ), f"the running {what} is not momentum * old + (1 - momentum) * batch "
               f"(momentum={momentum})", rtol=1e-6)
        return PASS

    return judge


# --- batchnorm_inference ----------------------------------------------------------------


def _inference_probes(stream):
    rng = np.random.default_rng(stream)
    probes = []
    for label, m in (("batch", 20), ("single", 1)):
        h = 4
        z, gamma, beta = _batch(rng, m, h)
        running_mean = rng.normal(size=h) * 2
        running_var = rng.uniform(0.3, 6.0, h)
        probes.append(Probe(label, "batchnorm_inference",
                            _args(z, gamma, beta, running_mean, running_var) + (TINY_EPS,)))
    z, gamma, beta = _batch(rng, 10, 3)
    running_var = np.array([1e-6, 1.5, 2.5])
    probes.append(Probe("flat", "batchnorm_inference",
                        _args(z, gamma, beta, rng.normal(size=3), running_var) + (1e-2,)))
    return probes


def _inference_wrong_answers(z, gamma, beta, mean, var, eps):
    return (
        (lambda: reference.batchnorm_forward(z, gamma, beta, eps),
         "you normalised with the batch's own mean and variance: at test time use the running "
         "averages (one example has no batch statistics)"),
        (lambda: gamma * (z - mean) / (var + eps) + beta,
         "running_var is a variance: divide by sqrt(running_var + eps)"),
        (lambda: gamma * (z - mean) / np.sqrt(var) + beta,
         "you left out eps: divide by sqrt(running_var + eps)"),
        (lambda: gamma * (z - mean) / (np.sqrt(var) + eps) + beta,
         "eps belongs inside the square root: sqrt(running_var + eps)"),
        (lambda: (z - mean) / np.sqrt(var + eps),
         "you forgot to scale by gamma and shift by beta"),
    )


def _inference_judge(labels):
    return reference_judge(labels, reference.batchnorm_inference, _inference_wrong_answers,
                           "your output is not gamma * (z - running_mean) / sqrt(running_var "
                           "+ eps) + beta", matches=_close, malformed=_not_shaped_like_z,
                           rtol=1e-5, atol=1e-8)


# --- choose_running_momentum ------------------------------------------------------------
# The judgement task: the largest running-average momentum whose start (mean 0, variance 1)
# keeps at most max_start_weight of the average after num_steps updates, i.e.
# momentum ** num_steps = max_start_weight. Compared through the gap 1 - momentum.

# On the gap. A correct answer is within ~1e-12 (rate 0); the nearest slip named below is
# 2e-4 away on every probe (an off-by-one on the longest run).
MOMENTUM_RTOL = 1e-6
# The looser check, on the long runs only. There the window rule of thumb (the start fades
# like exp(-steps * gap)) is off by about gap / 2, at most 1.8%, and an off-by-one by
# 1 / steps, at most 0.5%: both pass it. Every other slip below is off by 56% or more (a
# window as long as the run by ln(1 / max_start_weight) >= 2.3 times), so it fails on every
# seed. A correct answer passes (rate 0).
WINDOW_RTOL = 0.05


def _momentum_probes(stream):
    """Runs of 2 to 5,000 steps and limits from 0.1% to 20%, all drawn per student.

    The long runs keep gap = ln(1 / weight) / steps below 0.035, so the rule of thumb stays
    within WINDOW_RTOL of the exact gap on every seed. A window as long as the run leaves the
    start at least a quarter of the average (about 1/e on long runs), above every limit drawn.
    """
    rng = np.random.default_rng(stream)
    runs = (("short", 2, 12, -2, np.log10(0.2)), ("medium", 200, 1000, -3, -1),
            ("long", 1000, 5000, -3, -1), ("strict", 200, 5000, -3, -2))
    return [Probe(label, "choose_running_momentum",
                  (int(rng.integers(low, high + 1)), float(10 ** rng.uniform(lo_exp, hi_exp))))
            for label, low, high, lo_exp, hi_exp in runs]


def _momentum_slips(steps, weight):
    """(momentum a misconception returns, message), for the usual slips."""
    log_weight = np.log(weight)
    one_over_window = "the averaging window is 1 / (1 - momentum) steps, not 1 / momentum"
    off_by_one = ("off by one update: there are exactly num_steps updates, and each one "
                  "shrinks the start's weight by the same factor")
    return (
        (1 - 1 / steps, "you made the window 1 / (1 - momentum) as long as the whole run: "
                        "after that many steps the start still holds about a third of the "
                        "average (1/e on a long run), so the window must be shorter than the "
                        "run"),
        (1 / steps, one_over_window),
        (-log_weight / steps, one_over_window),
        (1 - weight ** (1 / steps), "momentum is the weight update_running_stats keeps on the "
                                    "old average, so each update keeps a factor momentum of "
                                    "the start, not 1 - momentum"),
        (1 + log_weight / steps, "you used the window rule of thumb (the start fades like "
                                 "exp(-steps * (1 - momentum))): it is an approximation, and "
                                 "the exact weight the start keeps allows a larger momentum"),
        (weight ** (1 / (steps + 1)), off_by_one),
        (weight ** (1 / max(steps - 1, 0.5)), off_by_one),
        (10 ** (log_weight / steps), "you mixed the natural log and log10: undo a logarithm "
                                     "with the power of its own base"),
        (np.exp(np.log10(weight) / steps), "you mixed the natural log and log10: undo a "
                                           "logarithm with the power of its own base"),
        (1 - 1 / (weight * steps), "the limit is on the weight the start keeps, not on the "
                                   "window's share of the run"),
    )


def _momentum_verdict(momentum, steps, weight):
    """Why ``momentum`` is not the answer for a run of ``steps`` and a limit ``weight``."""
    for slip, message in _momentum_slips(steps, weight):
        if abs((1 - momentum) - (1 - slip)) <= MOMENTUM_RTOL * abs(1 - slip):
            return Verdict(False, message)
    if not 0 <= momentum < 1:
        return Verdict(False, f"a momentum is a number in [0, 1); you returned {momentum:.6g} "
                              f"for a run of {steps} steps")
    kept = momentum ** steps
    if kept > weight:
        return Verdict(False, f"after {steps} updates your momentum {momentum:.6g} leaves the "
                              f"start {kept:.3g} of the running average, more than the "
                              f"{weight:.3g} allowed: choose a shorter memory")
    return Verdict(False, f"after {steps} updates your momentum {momentum:.6g} leaves the "
                          f"start only {kept:.3g} of the running average, below the "
                          f"{weight:.3g} allowed: a larger momentum keeps a longer memory and "
                          f"still forgets the start in time")


def _momentum_judge(labels, rtol):
    def judge(out, probes):
        for label in labels:
            steps, weight = probes[label].arg(0), probes[label].arg(1)
            got = out[label]
            if got.size != 1:
                return Verdict(False, f"return one number, the momentum; got an array of shape "
                                      f"{got.shape}")
            momentum = float(got.ravel()[0])
            gap = reference.momentum_gap(steps, weight)
            if not abs((1 - momentum) - gap) <= rtol * gap:  # nan fails too
                return _momentum_verdict(momentum, steps, weight)
        return PASS

    return judge


ASSIGNMENT = Assignment(
    name="batch_norm",
    setup_cells=("setup",),
    version="2",
    tasks=(
        Task(
            function="batchnorm_forward",
            test_cell="test_batchnorm_forward",
            probes=_forward_probes,
            checks=(
                Check("normalises each feature over the batch", 2, ("random", "pair", "tall"),
                      _forward_judge(("random", "pair", "tall"),
                                     "your output is not gamma * (z - mu) / sqrt(var + eps) + "
                                     "beta with the batch mean and variance of each feature")),
                Check("a feature that barely varies: eps inside the square root", 1, ("flat",),
                      _forward_flat),
                Check("a feature that never varies stays finite", 1, ("constant",),
                      _forward_constant),
            ),
            tripwires=("course.nn.batchnorm.batchnorm_forward",
                       "course.nn.fast.batchnorm_forward"),
        ),
        Task(
            function="batchnorm_backward",
            test_cell="test_batchnorm_backward",
            probes=_backward_probes,
            checks=(
                Check("dbeta matches the numeric gradient", 1, ("random", "small", "wide"),
                      _backward_judge("dbeta")),
                Check("dgamma matches the numeric gradient", 2, ("random", "small", "wide"),
                      _backward_judge("dgamma")),
                Check("dz matches the numeric gradient", 3, ("random", "small", "wide"),
                      _backward_judge("dz")),
            ),
            tripwires=("course.nn.batchnorm.batchnorm_backward",
                       "course.nn.fast.batchnorm_backward"),
        ),
        Task(
            function="update_running_stats",
            test_cell="test_update_running_stats",
            probes=_running_probes,
            checks=(
                Check("running mean: momentum * old + (1 - momentum) * batch", 1,
                      ("usual", "odd", "slow"), _running_judge(0, "mean")),
                Check("running variance: momentum * old + (1 - momentum) * batch", 1,
                      ("usual", "odd", "slow"), _running_judge(1, "variance")),
            ),
            tripwires=("course.nn.batchnorm.update_running_stats",),
        ),
        Task(
            function="batchnorm_inference",
            test_cell="test_batchnorm_inference",
            probes=_inference_probes,
            checks=(
                Check("normalises with the running averages", 1, ("batch",),
                      _inference_judge(("batch",))),
                Check("a tiny running variance: eps inside the square root", 1, ("flat",),
                      _inference_judge(("flat",))),
                Check("works on a single example", 1, ("single",), _inference_judge(("single",))),
            ),
            tripwires=("course.nn.batchnorm.batchnorm_inference",
                       "course.nn.fast.batchnorm_inference"),
        ),
        Task(
            function="choose_running_momentum",
            test_cell="test_choose_running_momentum",
            probes=_momentum_probes,
            checks=(
                Check("a memory that fits the length of training (within 5%)", 1,
                      ("medium", "long", "strict"), _momentum_judge(("medium", "long", "strict"),
                                                                    WINDOW_RTOL)),
                Check("the largest momentum that forgets the start in time", 2,
                      ("short", "medium", "long", "strict"),
                      _momentum_judge(("short", "medium", "long", "strict"), MOMENTUM_RTOL)),
            ),
        ),
    ),
)
