"""Hidden checks of ``choose_scales``: which scale suits each hyperparameter's range.

The rule the notebook states, for a range from low to high (0 < low < high):

- ``"one_minus_log"`` if the values live just below 1 (0.5 <= low, high < 1) and 1 - x
  spans a factor of 10 or more: (1 - low) / (1 - high) >= 10;
- otherwise ``"log"`` if the range spans a factor of 10 or more: high / low >= 10;
- otherwise ``"linear"``.

One probe hands the student nine ranges under names drawn from pools, in a shuffled order.
Every range keeps well away from the rule's boundaries (linear ranges span a factor of 2.5
at most, on x and on 1 - x; log ranges a factor of 20 at least; ranges just below 1 start at
0.8 or above, every other one ends below 0.6 or above 1), so the verdict on any answer is
decided by the answer's logic, never by the seed. Each check is exact (false-failure rate 0)
and always meets the ranges that catch the usual mistakes:

========================  =====================================================
range (role)              catches
========================  =====================================================
tiny, 1.3-1.9 decades     deciding by high - low; a threshold of 100 instead of 10
a count over 2-3 decades  deciding by the name (hidden units, batch size...)
wide, up to 1e5           -
a wide count, ratio <2.5  deciding by high - low
a learning rate, narrow   deciding by the name; log for everything
a beta, 1 - x narrow      deciding by the name; 1 - x for anything near 1
a dropout rate, narrow    log for everything below 1
a beta, 1.3-1.9 decades   log for beta itself; linear for everything; a 100 threshold
a decay, 1.9-3 decades    deciding by the name (a discount, rho, an EMA decay...)
========================  =====================================================
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from autograder.assignments.sampling_scales import reference
from autograder.spec import PASS, Check, Probe, Verdict

SCALES = ("linear", "log", "one_minus_log")
LINEAR, LOG, ONE_MINUS_LOG = range(3)
NOT_A_SCALE, MISSING = -1, -2  # the driver's codes (drivers.py)

# Name pools, disjoint. A decoy's name suggests another scale than its range calls for.
TINY = ("epsilon", "init_std", "l1_penalty", "adam_epsilon", "noise_scale", "entropy_bonus",
        "kl_weight", "grad_clip_floor")
WIDE = ("temperature", "svm_c", "kernel_width", "loss_scale", "init_gain", "reward_scale",
        "prior_scale", "huber_delta")
COUNT_DECOYS = ("hidden_units", "num_filters", "batch_size", "embedding_dim", "num_trees",
                "num_neighbours")
WIDE_COUNTS = ("layer_width", "sequence_length", "image_size", "steps_per_epoch",
               "buffer_size", "eval_interval")
RATE_DECOYS = ("learning_rate", "lr", "weight_decay", "l2_lambda", "base_lr", "reg_strength")
BETA_DECOYS = ("momentum", "beta1", "adam_beta1", "heavy_ball_beta")
FRACTIONS = ("dropout", "mixup_alpha", "label_smoothing", "drop_path", "mask_ratio",
             "cutout_fraction")
BETAS = ("beta2", "adam_beta2", "momentum_coef", "nesterov_beta", "ema_beta")
AVERAGING_DECOYS = ("discount_gamma", "rmsprop_rho", "ema_decay", "swa_decay", "gae_lambda",
                    "bn_running_decay")
DECOYS = frozenset(COUNT_DECOYS + RATE_DECOYS + BETA_DECOYS + AVERAGING_DECOYS)


def _round(x):
    """x to three significant digits, so that every number a message prints is exact."""
    return float(f"{x:.3g}")


def _log_range(rng, low_exponents, decades):
    low = _round(10.0 ** rng.uniform(*low_exponents))
    return low, _round(low * 10.0 ** rng.uniform(*decades))


def _count_range(rng, lows, factor):
    low = int(rng.integers(*lows))
    return low, round(low * factor)


def _below_one(rng, one_minus_low_exponents, factor):
    """A range just below 1 whose distance to 1 shrinks by ``factor``."""
    one_minus_low = _round(10.0 ** rng.uniform(*one_minus_low_exponents))
    return 1.0 - one_minus_low, 1.0 - _round(one_minus_low / factor)


def _narrow(rng):
    return rng.uniform(1.5, 2.5)


def _fraction_range(rng):
    low = _round(rng.uniform(0.05, 0.24))
    return low, _round(low * _narrow(rng))


def _roles(rng):
    """(pool, (low, high)) for the nine roles of the table in the module's docstring."""
    return [
        (TINY, _log_range(rng, (-6.0, -3.5), (1.3, 1.9))),
        (COUNT_DECOYS, _count_range(rng, (2, 21), 10.0 ** rng.uniform(2.0, 3.0))),
        (WIDE, _log_range(rng, (-3.0, 0.0), (2.5, 5.0))),
        (WIDE_COUNTS, _count_range(rng, (200, 2001), _narrow(rng))),
        (RATE_DECOYS, _log_range(rng, (-4.0, -1.0), (np.log10(1.5), np.log10(2.5)))),
        (BETA_DECOYS, _below_one(rng, (-2.5, -1.0), _narrow(rng))),
        (FRACTIONS, _fraction_range(rng)),
        (BETAS, _below_one(rng, (-1.3, -0.7), 10.0 ** rng.uniform(1.3, 1.9))),
        (AVERAGING_DECOYS, _below_one(rng, (-1.3, -0.7), 10.0 ** rng.uniform(1.9, 3.0))),
    ]


def probes(stream):
    rng = np.random.default_rng(stream)
    items = [[str(rng.choice(pool)), low, high] for pool, (low, high) in _roles(rng)]
    items = [items[i] for i in rng.permutation(len(items))]
    return [Probe("ranges", "choose_scales", (items,), driver="scales")]


def _show(x):
    return f"{x:.6g}"


def _factor(ratio):
    return f"{ratio:.3g}" if ratio < 1000 else f"{ratio:,.0f}"


def _span(name, low, high):
    return f"'{name}' spans {_show(low)} to {_show(high)}"


def _wrong_log(name, low, high, got):
    ratio = high / low
    if got == ONE_MINUS_LOG:
        return (f"{_span(name, low, high)}, a factor of {_factor(ratio)}: sample the value "
                f"itself on a log scale (1 - x on a log scale is for values just below 1)")
    return (f"{_span(name, low, high)}, a factor of {_factor(ratio)} ({np.log10(ratio):.1f} "
            f"decades), 10 or more: sample it on a log scale")


def _wrong_linear(name, low, high, got):
    if got == ONE_MINUS_LOG:
        ratio = (1.0 - low) / (1.0 - high)
        return (f"{_span(name, low, high)}: 1 - x only runs from {_show(1.0 - high)} to "
                f"{_show(1.0 - low)}, a factor of {_factor(ratio)}, below 10, so sample it "
                f"linearly")
    return (f"{_span(name, low, high)}, only a factor of {_factor(high / low)}: below a factor "
            f"of 10 the scale hardly matters, so sample it linearly")


def _wrong_one_minus(name, low, high, got):
    ratio = (1.0 - low) / (1.0 - high)
    where = (f"{_span(name, low, high)}, just below 1: 1 - x runs from {_show(1.0 - high)} to "
             f"{_show(1.0 - low)}, a factor of {_factor(ratio)}")
    if got == LOG:
        return (f"{where}, while x itself changes by a factor of only {_factor(high / low)}: "
                f"put 1 - x on a log scale, not x itself")
    return f"{where}: put 1 - x on a log scale"


_WRONG = {LOG: _wrong_log, LINEAR: _wrong_linear, ONE_MINUS_LOG: _wrong_one_minus}


def _codes(out, items):
    """The student's scale codes, one per name, or None if the array is not of that shape."""
    got = out["ranges"]
    codes = got.get("codes") if isinstance(got, Mapping) else None
    if codes is None or codes.shape != (len(items),):
        return None
    return [int(c) if c in (MISSING, NOT_A_SCALE, *range(3)) else NOT_A_SCALE for c in codes]


def _monotone(pairs):
    """Whether the log/linear choices, sorted by a key, switch from linear to log once."""
    chosen = [g for _, g in sorted(pairs)]
    return chosen == sorted(chosen) and len(set(chosen)) == 2


def _pattern(items, want, got):
    """A sentence for a whole-answer mistake visible across all nine ranges, else ""."""
    if len(set(got)) == 1 and got[0] in range(3):
        return f'you chose "{SCALES[got[0]]}" for every hyperparameter, but each range decides. '
    kept = [(low, high, g) for (_, low, high), w, g in zip(items, want, got, strict=True)
            if w in (LINEAR, LOG) and g in (LINEAR, LOG)]
    by_difference = _monotone([(high - low, g) for low, high, g in kept])
    if by_difference and not _monotone([(high / low, g) for low, high, g in kept]):
        return ("your choices follow the difference high - low (small ranges linear, big ones "
                "log), but a scale is about the ratio high / low. ")
    return ""


def _order(scale):
    """Which mistake of a check to name first: the smallest log range (it shows a ratio
    against a difference best), the widest linear one, the fewest decades of 1 - x."""
    return {LOG: lambda low, high: high - low,
            LINEAR: lambda low, high: low - high,
            ONE_MINUS_LOG: lambda low, high: (1.0 - low) / (1.0 - high)}[scale]


def _judge(scale):
    def judge(out, probes_by_label):
        items = probes_by_label["ranges"].arg(0)
        got = _codes(out, items)
        if got is None:
            return Verdict(False, f"expected one scale for each of the {len(items)} names")
        # Exact: the rule is applied to the very numbers the student got (false-failure rate 0).
        chosen = reference.choose_scales({name: (low, high) for name, low, high in items})
        want = [SCALES.index(chosen[name]) for name, _, _ in items]
        wrong = sorted((_order(scale)(low, high), name, low, high, g)
                       for (name, low, high), w, g in zip(items, want, got, strict=True)
                       if w == scale and g != scale)
        if not wrong:
            return PASS
        _, name, low, high, g = wrong[0]
        if g == MISSING:
            return Verdict(False, f"your dict has no entry for '{name}': return a scale for "
                                  f"every name in ranges")
        if g == NOT_A_SCALE:
            return Verdict(False, f"for '{name}' you returned something other than "
                                  f'"linear", "log" or "one_minus_log"')
        message = _pattern(items, want, got) + _WRONG[scale](name, low, high, g)
        if name in DECOYS:
            message += ", whatever its name suggests"
        return Verdict(False, message)

    return judge


CHECKS = (
    Check("log scale for ranges spanning a factor of 10 or more", 1, ("ranges",), _judge(LOG)),
    Check("linear scale for narrow ranges (below a factor of 10)", 1, ("ranges",),
          _judge(LINEAR)),
    Check("log scale on 1 - x for values just below 1", 1, ("ranges",), _judge(ONE_MINUS_LOG)),
)
