"""Hidden checks for ``next_range``: the next round's range of a coarse-to-fine search.

Each probe is one hyperparameter's round: values, their dev accuracies (higher is better),
the range, its scale, keep and margin. The answer follows from the rule the notebook states
by exact arithmetic, compared up to float rounding (false-failure rate 0). The probes keep
far from the rule's one threshold (is the best value within margin x width of a border?),
so a slip is caught on every seed or on none. No probe's margin is 0.1, the lesson's, so an
answer that pads with 0.1 whatever margin it is passed fails every check on every seed.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.assignments._shared import RTOL, close
from autograder.assignments.search_strategies import reference
from autograder.spec import PASS, Probe, Verdict

MARGINS = (0.05, 0.15, 0.2, 0.25)  # never the lesson's 0.1 (see above)
WHERE = ("inside", "low", "high")


def _unit_positions(rng, where, keep, n, margin):
    """Positions in [0, 1] on the own scale: the best value, the other kept ones, the rest.

    Every probe sits far from the rule's one threshold: inside, the best value is at least
    0.15 of the width from either border (the margin is at most 0.25 of it) and the padded
    span stays inside the range; on a border it lies within 0.3 margin of it, with the other
    kept values 0.03 to 0.3 of the width further in and the rest further still. The other kept
    values are 0.03 of the width or more from the best one, so every slip moves an end by at
    least 0.03 margin of the width. Inside, the rest hold the two extremes of the sample (the
    first two, given middling scores), so the worst values never span the whole sample.
    """
    others = rng.uniform(0.03, 0.3, keep - 1)
    if where == "inside":
        best = rng.uniform(0.4, 0.6)
        kept = best + rng.choice([-1.0, 1.0], keep - 1) * others / 2
        rest = rng.uniform(0.03, 0.57, n - keep - 2)
        rest = np.concatenate([[rng.uniform(0.0, 0.02), rng.uniform(0.98, 1.0)],
                               np.where(rest < best - 0.2, rest, rest + 0.4)])
        return best, kept, rest
    best = rng.uniform(0.05, 0.3) * margin
    kept = best + others
    rest = rng.uniform(0.4, 1.0, n - keep)
    if where == "high":
        return 1.0 - best, 1.0 - kept, 1.0 - rest
    return best, kept, rest


def _range_probe(rng, label, where, scale):
    if scale == "log":  # 2 to 4 decades
        low = 10.0 ** int(rng.integers(-7, -1))
        high = low * 10.0 ** int(rng.integers(2, 5))
    else:
        low = float(np.round(rng.uniform(0.0, 0.5), 3))
        high = float(np.round(low + rng.uniform(0.3, 0.49), 3))
    margin = float(rng.choice(MARGINS))
    keep, n = int(rng.integers(3, 6)), int(rng.integers(12, 21))
    best, kept, rest = _unit_positions(rng, where, keep, n, margin)
    units = np.concatenate([[best], kept, rest])
    # Dev accuracies, all different: the best, the other kept ones a little lower, the rest
    # at most 0.8, below every kept one (the first two of the rest between 0.7 and 0.8, the
    # others at most 0.65: n >= 12 leaves at least keep of those).
    top = rng.uniform(0.9, 0.97)
    scores = np.concatenate([[top], top - rng.uniform(0.005, 0.08, keep - 1),
                             rng.uniform(0.7, 0.8, 2), rng.uniform(0.3, 0.65, n - keep - 2)])
    if scale == "log":
        values = 10.0 ** (math.log10(low) + units * math.log10(high / low))
    else:
        values = low + units * (high - low)
    order = rng.permutation(n)
    return Probe(label, "next_range", ([float(v) for v in values[order]],
                                       [float(s) for s in scores[order]],
                                       low, high, scale, keep, margin))


def range_probes(stream):
    rng = np.random.default_rng(stream)
    return [_range_probe(rng, f"{where}_{scale}", where, scale)
            for where in WHERE for scale in ("linear", "log")]


_AXES = {"log": (np.log10, lambda t: 10.0**t), "linear": (np.asarray, np.asarray),
         "ln": (np.log, lambda t: 10.0**t)}


def _rule(values, scores, low, high, scale, keep, margin, *, axis=None, best=True, count=None,
          pad="range", widen="width"):
    """The rule with slips: the scale it works on ("ln": natural log, then 10**t), which
    values it keeps, how it pads, and what it does at a border the best value sits on (move
    that end out by the width, the margin or 0; "none": keep the padded span; "both": move
    both ends out; "other": move the opposite end out)."""
    own, back = _AXES[axis or scale]
    t = own(np.asarray(values, dtype=float))
    order = np.argsort(np.asarray(scores, dtype=float), kind="stable")
    order = order[::-1] if best else order
    kept = t[order[:count or keep]]
    bottom, top = float(own(low)), float(own(high))
    width = top - bottom
    step = {"range": margin * width, "none": 0.0, "absolute": margin,
            "kept": margin * (kept.max() - kept.min())}[pad]
    new = [kept.min() - step, kept.max() + step]
    near = (t[order[0]] - bottom < margin * width, top - t[order[0]] < margin * width)
    if widen == "both":
        near = (any(near),) * 2
    elif widen == "other":
        near = near[::-1]
    beyond = {"margin": margin * width, "border": 0.0, "none": None}.get(widen, width)
    for side, (on, border, sign) in enumerate(zip(near, (bottom, top), (-1, 1), strict=True)):
        if on and beyond is not None:
            new[side] = border + sign * beyond
    return back(np.asarray(new, dtype=float))


def _range_close(got, want, probe, rtol):
    low, high, scale = probe.args[2:5]
    return close(got, want, rtol=rtol, atol=0.0 if scale == "log" else rtol * (high - low))


def range_judge(labels):
    # Exact arithmetic up to rounding (RTOL): false-failure rate 0.
    def judge(out, probes):
        for label in labels:
            probe = probes[label]
            args = probe.args
            got = out[label]
            if _range_close(got, reference.next_range(*args), probe, RTOL):
                continue
            if got.shape != (2,):
                return Verdict(False, "return two numbers: (new_low, new_high)")
            return _range_wrong(got, args, probe, label.split("_")[0])
        return PASS

    return judge


def _range_wrong(got, args, probe, where):
    """Name the slip: which values were kept and how the span was padded, then the borders."""
    low, high, scale = args[2:5]
    slips = [
        (dict(margin=0.1), "you used a margin of 0.1, the lesson's, whatever margin was "
         "passed: pad, and test for a border, with the margin you are given"),
        (dict(pad="none", widen="none"), "your range is just the span of the kept values: pad "
         "it by margin times the current range's width on each side, or the search can never "
         "move past the values it kept"),
        (dict(pad="none"), "your range is just the span of the kept values: pad it by margin "
         "times the current range's width on each side"),
        (dict(pad="kept"), "you padded by margin times the width of the kept values; the margin "
         "is a share of the current range's width (from low to high on the axis's scale)"),
        (dict(pad="absolute"), "you padded by margin itself; the margin is a share of the "
         "current range's width: pad by margin times the width from low to high on the axis's "
         "scale"),
        (dict(count=1), "you kept only the single best value: span the keep best values"),
        (dict(count=len(args[0])), "your range spans every sampled value, not just the keep "
         "best"),
        (dict(best=False), "you kept the values with the lowest scores; a higher score is "
         "better"),
    ]
    if scale == "log":
        slips[:0] = [
            (dict(axis="linear", widen=widen), "on a log axis pad (and widen) in decades: work "
             "with log10 of the values and of the range, and convert back with 10**t, not in "
             "the values themselves") for widen in ("width", "none")] + [
            (dict(axis="ln"), "you mixed the natural log with log10: take log10 of the values "
             "and of the range, and convert back with 10**t")]
    side, other = ("low", "high") if where == "low" else ("high", "low")
    if where != "inside":
        slips += [
            (dict(widen="none"), f"the best value sits within the margin of {side}, yet your "
             f"range only pads the kept values: when the best value is on the edge of the "
             f"range, move that end past the border by the current range's width"),
            (dict(widen="border"), f"your range stops at {side}: when the best value is on "
             f"that edge, the optimum may lie beyond it, so the next range must reach past it"),
            (dict(widen="margin"), f"you moved past {side} by the margin only; the rule moves "
             f"that end past the border by the current range's whole width"),
            (dict(widen="other"), f"the best value sits at the {side} end, but you widened past "
             f"{other}: widen on the side of the best value"),
            (dict(widen="both"), f"you moved both ends out; only the end on the best value's "
             f"border ({side}) moves past it, the other is the padded span of the kept values"),
        ]
    for knobs, message in slips:
        with np.errstate(all="ignore"):
            fixed = dict(knobs)
            given = (*args[:6], fixed.pop("margin", args[6]))
            if _range_close(got, _rule(*given, **fixed), probe, 1e-6):
                return Verdict(False, message)
    if where == "inside":
        return Verdict(False, f"with the best value well inside [{low:g}, {high:g}] the next "
                              f"range is the span of the {args[5]} best values padded by "
                              f"margin times the range's width on each side ({scale} axis); "
                              f"yours is not")
    if not (got[0] < low if where == "low" else got[1] > high):
        return Verdict(False, f"the best value sits within the margin of {side}, but your next "
                              f"range does not reach past {side}: widen past that border")
    return Verdict(False, f"with the best value on the {side} border, the {side} end moves past "
                          f"it by the current range's width and the {other} end is the padded "
                          f"span of the {args[5]} best values ({scale} axis); yours is not")
