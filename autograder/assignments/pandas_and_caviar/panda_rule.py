"""Hidden checks for ``adjust_learning_rate``: lesson 04's babysitting rule.

The student returns the next epoch's learning rate from a run's record:
``adjust_learning_rate(costs, rates, start_cost, patience, factor)``, where ``costs[i]`` is
epoch i's mean cost, ``rates[i]`` the rate it trained with and ``start_cost`` = ln C. The
first rule that applies decides: blow-up (divide), creeping (multiply), plateau (divide),
else keep. ``reference.adjust_learning_rate`` is that rule, and
``tests/grader/test_panda_rule_alignment.py`` holds it equal to ``PandaRule.verdict``.

Each probe is one short history built around one piece of the rule (``_CASES``), with its
numbers far from every threshold. A blow-up ends 0.28 of the start or more above the lowest
cost, any other last cost at most 0.2 above it (the line is 0.25; two blow-ups stay below a
third of the start). A last cost that is no blow-up rises more than 0.25 above the lowest
in two cases (where C is at least 30), less than 0.2 elsewhere. A creeping epoch lowers the
cost by 1.2% to 2%, or, where the plateau's test must hold beside creeping, keeps every
cost within 0.8% of the start (the lines are 10%, and 1% for a plateau). A cost that must
count as near the start is within 8% of it, one that must not is below 0.85 of it (the line
is 0.9). A plateau's window stays 2% or more above the old best, equals it, or dips 0.2% to
0.5% below it, by less than 0.01; a new low that keeps the rate is 1.2% or more below it
(the line is 1%), and more than 0.01 below it except in one case, where the old best is
under 0.37 and the new low 1.5% to 2% below it. Rates that differ, differ by the factor (2
or more). So every case has one verdict on every seed, and each usual slip (``_SLIPS``),
among them the lines in cost units (0.25, 0.01) that the rule measures in ln C or in
percent, is caught on every seed or on none. The seed draws ln C (C from 3 to 100), the
rate, the factor, patience and the costs.

Every check sees every case: it passes when the cases of its own rule get the reference's
rate, and a failure is named by the slip that explains all the answers, else by the first
wrong case of the check. Exact arithmetic, compared with rtol 1e-9: false-failure rate 0
(the one exact tie, a window whose best equals the old best, is 1% inside the rule's margin).
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np

from autograder.assignments._shared import RTOL
from autograder.assignments.pandas_and_caviar import reference
from autograder.spec import PASS, Check, Probe, Verdict

# case -> (the check it belongs to, what the rule does there, for a failure no slip explains)
_CASES = {
    "nan_first": ("blowup", "a NaN cost is a blow-up, even on the first epoch: divide the rate "
                            "by factor"),
    "first_epoch": ("blowup", "a first epoch whose cost ends far above the starting cost has "
                              "already blown up: before any epoch, the starting cost is the "
                              "lowest cost"),
    "inf_last": ("blowup", "an infinite cost is a blow-up too: divide the rate by factor"),
    "climb": ("blowup", "a cost that climbs a little every epoch blows up once it is more than "
                        "a quarter of the starting cost above the lowest cost so far"),
    "nan_then_rise": ("blowup", "a NaN earlier in the run must not hide a later blow-up: the "
                                "lowest cost so far is the lowest finite one"),
    "small_rise": ("blowup", "a rise of less than a quarter of the starting cost above the "
                             "lowest is no blow-up (and these last epochs hold a clear new low, "
                             "so no plateau either): keep the rate"),
    "wobble": ("blowup", "a rise of less than a quarter of the starting cost above the lowest "
                         "is no blow-up, even where it is more than 0.25 (and these last "
                         "epochs hold a clear new low, so no plateau either): keep the rate"),
    "creeping": ("creeping", "the cost falls by less than 10% an epoch near the starting cost "
                             "and the rate was only ever raised: it is too timid, multiply it "
                             "by factor"),
    "barely": ("creeping", "the cost barely moves near the start and the rate was never cut: "
                           "that is creeping, and creeping is judged before a plateau"),
    "after_cut": ("creeping", "once the rate has been cut there is no more creeping: keep it "
                              "while the cost falls"),
    "far": ("creeping", "the cost has left the start far behind: slow progress there is "
                        "normal, keep the rate"),
    "rose": ("creeping", "the cost has risen once already, so the run is no longer creeping: "
                         "keep the rate"),
    "one_epoch": ("creeping", "one epoch is not enough to say the cost creeps: keep the rate"),
    "plateau": ("plateau", "patience epochs at the current rate without a new low: divide the "
                           "rate by factor"),
    "tie": ("plateau", "a new low by less than 1% is no clear improvement: after patience such "
                       "epochs, divide the rate"),
    "exact_best": ("plateau", "matching the old best is no improvement: after patience such "
                              "epochs, divide the rate"),
    "falling_end": ("plateau", "the last epoch fell, but none of the last patience epochs came "
                               "near the old best: that is a plateau"),
    "nan_plateau": ("plateau", "a NaN earlier in the run must not hide a plateau: compare with "
                               "the lowest finite cost before the window"),
    "after_change": ("waits", "the rate changed within the last patience epochs: wait until "
                              "patience epochs have trained at the current rate"),
    "new_low": ("waits", "the last patience epochs hold a clear new low: keep the rate"),
    "too_few": ("waits", "a plateau needs more epochs than patience: keep the rate until then"),
    "improving": ("waits", "the cost still falls fast: keep the rate"),
}


def _descent(rng, k, low, start):
    """k costs falling from 0.6 to 0.85 of the start (geometrically) to ``low``."""
    if k == 1:
        return [low]
    top = start * rng.uniform(0.6, 0.85)
    return [float(top * (low / top) ** (i / (k - 1))) for i in range(k - 1)] + [low]


def _above(rng, low, n, spread=(1.02, 1.1)):
    """n costs above ``low`` (by the fractions ``spread``), rising."""
    return [float(v) for v in np.sort(low * rng.uniform(*spread, n))]


def _gentle(rng, n, start):
    """n costs from 0.98 to 1 of the start, each 1.2% to 2% below the last."""
    costs = [start * rng.uniform(0.98, 1.0)]
    for _ in range(n - 1):
        costs.append(costs[-1] * (1 - rng.uniform(0.012, 0.02)))
    return [float(c) for c in costs]


def _history(rng, case, s, rate, factor):
    """(costs, rates, patience) of one case; s is the starting cost ln C."""
    p = int(rng.integers(2, 5)) if case in ("climb", "nan_then_rise", "tie", "exact_best",
                                            "after_change", "new_low") else int(rng.integers(1, 5))
    low = s * rng.uniform(0.2, 0.4)
    other = rate * factor if rng.random() < 0.5 else rate / factor  # an earlier rate
    if case == "nan_first":
        costs = [math.nan]
    elif case == "first_epoch":
        costs = [s * rng.uniform(1.4, 3.0)]
    elif case == "inf_last":
        costs = _descent(rng, int(rng.integers(1, 5)), low, s) + [math.inf]
    elif case == "climb":  # each step 0.08 to 0.2 of s, the whole rise 0.28 to 0.32 of s
        costs = _descent(rng, int(rng.integers(1, 4)), low, s)
        costs += [low + s * rng.uniform(0.17, 0.2), low + s * rng.uniform(0.28, 0.32)]
        return costs, [rate / factor] * (len(costs) - 1) + [rate], p  # raised at the end
    elif case == "small_rise":  # new low, a higher epoch, then the last 0.08-0.12 s above it
        p = int(rng.integers(3, 5))
        new_low = s * rng.uniform(0.1, 0.2)
        last = new_low + s * rng.uniform(0.08, 0.12)
        costs = _descent(rng, int(rng.integers(1, 4)), s * rng.uniform(0.3, 0.5), s)
        costs += [new_low, last * rng.uniform(1.05, 1.1), last]
    elif case == "wobble":  # as small_rise, higher: the last 0.1-0.12 s, < 0.22 of the low
        p = int(rng.integers(3, 5))
        new_low = s * rng.uniform(0.55, 0.6)
        last = new_low + s * rng.uniform(0.1, 0.12)
        costs = [s * rng.uniform(0.8, 0.9), s * rng.uniform(0.7, 0.75), new_low,
                 last * rng.uniform(1.05, 1.1), last]
    elif case == "nan_then_rise":
        costs = [math.nan] + _descent(rng, int(rng.integers(1, 4)), low, s)
        costs.append(low + s * rng.uniform(0.28, 0.31))  # raised at the end: no plateau
        return costs, [rate / factor] * (len(costs) - 1) + [rate], p
    elif case == "creeping":  # raised after every epoch, as creeping does
        n = int(rng.integers(2, 5))
        return _gentle(rng, n, s), [rate / factor ** (n - 1 - i) for i in range(n)], p
    elif case == "barely":  # within 0.8% of the start: the plateau's test holds too
        costs = [float(c) for c in np.sort(s * rng.uniform(0.992, 1.0, p + int(rng.integers(
            1, 4))))[::-1]]
    elif case == "after_cut":
        n = int(rng.integers(2, 5))
        cut = int(rng.integers(1, n))
        return _gentle(rng, n, s), [rate * factor] * cut + [rate] * (n - cut), p
    elif case == "far":  # the last epoch 4% to 8% below the one before (0.0135 or more)
        costs = [s * rng.uniform(0.6, 0.8)]
        for _ in range(int(rng.integers(1, 4))):
            costs.append(costs[-1] * rng.uniform(0.8, 0.9))
        costs.append(costs[-1] * rng.uniform(0.92, 0.96))
    elif case == "rose":  # a rise of 0.2% to 0.5%, then two drops of 1.5% to 2%
        costs = [s * rng.uniform(0.96, 0.98)]
        costs.append(costs[-1] + s * rng.uniform(0.002, 0.005))
        for _ in range(2):
            costs.append(costs[-1] * (1 - rng.uniform(0.015, 0.02)))
    elif case == "one_epoch":
        costs = [s * rng.uniform(0.93, 0.98)]
    elif case in ("plateau", "tie", "exact_best", "nan_plateau", "after_change"):
        first = {"tie": [low * (1 - rng.uniform(0.002, 0.005))], "exact_best": [low]}
        window = first.get(case, [])
        window += _above(rng, low, p - len(window))
        costs = _descent(rng, int(rng.integers(1, 4)), low, s) + window
        if case == "nan_plateau":
            return [math.nan] + costs, [rate * factor] + [rate] * len(costs), p
        if case == "after_change":
            now = int(rng.integers(1, p))
            return costs, [other] * (len(costs) - now) + [rate] * now, p
        now = int(rng.integers(p, len(costs) + 1))  # epochs at the current rate
        return costs, [other] * (len(costs) - now) + [rate] * now, p
    elif case == "falling_end":  # up to 1.1-1.12 of the low, then falling 1.2% to 2% an epoch
        costs = _descent(rng, int(rng.integers(1, 4)), low, s) + [low * rng.uniform(1.1, 1.12)]
        for _ in range(p):
            costs.append(costs[-1] * rng.uniform(0.98, 0.988))
    elif case == "new_low":  # a new low 1.5% to 2% below a small old one (by under 0.0074)
        old = s * rng.uniform(0.04, 0.08)
        new = old * (1 - rng.uniform(0.015, 0.02))
        costs = _descent(rng, int(rng.integers(1, 4)), old, s)
        costs += [new] + _above(rng, new, p - 1, (1.005, 1.04))
    elif case == "too_few":
        p = 1
        costs = [s * rng.uniform(1.0, 1.04)]
    elif case == "improving":
        costs = [s * rng.uniform(0.7, 0.85)]
        for _ in range(p + int(rng.integers(0, 3))):
            costs.append(costs[-1] * rng.uniform(0.6, 0.85))
    else:
        raise KeyError(case)
    return [float(c) for c in costs], [rate] * len(costs), p


# The number of classes C (start_cost = ln C) is 3 to 100, but at least 40 where a rise of
# 0.08 s must exceed 0.25 and 30 where 0.1 s must.
_FEWEST_CLASSES = {"small_rise": 40, "wobble": 30}


def adjust_probes(stream):
    rng = np.random.default_rng(stream)
    probes = []
    for case in _CASES:
        start = math.log(int(rng.integers(_FEWEST_CLASSES.get(case, 3), 101)))
        rate = float(10.0 ** rng.uniform(-4, 0))
        factor = float(rng.choice([2.0, 2.5, 3.0, 4.0, 10.0]))
        costs, rates, patience = _history(rng, case, start, rate, factor)
        probes.append(Probe(case, "adjust_learning_rate",
                            ([float(c) for c in costs], [float(r) for r in rates], start,
                             patience, factor)))
    return probes


# slip -> what it is, in the student's terms. The first slip that explains every answer
# names a failure; each differs from the rule, and from every other slip, on some case on
# every seed (tests/grader/test_adjust_learning_rate_checks.py).
_SLIPS = {
    "multiplies": "after a blow-up or a plateau you multiplied the rate by factor: factor is "
                  "above 1 (3 in the lesson), so lowering the rate means dividing by it",
    "creep_divides": "while the cost creeps you lowered the rate: creeping means the rate is "
                     "too timid, so it is multiplied by factor",
    "ignores_nan": "a NaN cost is a blow-up: NaN compares False with every number, so test "
                   "whether the cost is finite before comparing it",
    "nan_min": "a NaN cost early in the run made your lowest cost NaN (Python's min keeps a "
               "NaN that comes first, numpy's min returns NaN whenever there is one), and "
               "every comparison with NaN is False: take the lowest of the finite costs only",
    "earlier_only": "a first epoch far above the starting cost is already a blow-up: the "
                    "starting cost counts as the lowest cost before any epoch, and you "
                    "compared with earlier epochs only",
    "ratio": "you called a rise a blow-up once it passed a quarter of the lowest cost: the "
             "rise is measured in quarters of the starting cost, so small late costs may "
             "wobble without a cut",
    "absolute_rise": "you called a rise a blow-up once it passed 0.25: the line is a quarter "
                     "of the starting cost ln C, so with many classes a larger rise is still "
                     "no blow-up",
    "third": "you waited for a rise of a third of the starting cost: a rise of more than a "
             "quarter of the starting cost above the lowest cost so far is already a blow-up",
    "vs_previous": "you measured the rise from the epoch before: a blow-up is a rise above "
                   "the lowest cost so far, so a cost that climbs a little every epoch blows "
                   "up too",
    "creep_after_cut": "you raised the rate after it had been cut: creeping only applies "
                       "while the rate has never been lowered (after a cut, the run is past "
                       "exploring)",
    "creep_unchanged": "you stopped creeping once the rate had been raised: only a cut (a rate "
                       "lower than the one before it) ends creeping",
    "creep_after_rise": "you raised the rate after the cost had risen once: creeping only "
                        "applies while the cost has never risen",
    "creep_far": "you raised the rate long after the cost left the start: creeping only "
                 "applies while the cost is within 10% of the starting cost; later, slow "
                 "progress is normal",
    "creep_first": "you called a single epoch creeping: creeping compares the last epoch "
                   "with the one before it, so it needs two",
    "plateau_first": "you judged a plateau before creeping: when the cost barely moves near "
                     "the start and the rate was never cut, the first rule that applies is "
                     "creeping, so the rate goes up",
    "after_change": "you judged a plateau on epochs trained at an older rate: after a change, "
                    "wait until the last patience epochs all trained at the current rate",
    "no_margin": "you kept the rate after a new low by less than 1%: only a new low at least "
                 "1% below the old best counts as an improvement",
    "strict": "matching the old best, or beating it by less than 1%, is no improvement, but "
              "your rule kept the rate",
    "absolute_margin": "you asked a new low to be 0.01 below the old best: the margin is 1% "
                       "of the old best, so where costs are small a new low 1% below it "
                       "is a clear improvement even when it is less than 0.01 below",
    "last_two": "you compared only the last two costs: a plateau compares the best of the "
                "last patience epochs with the best before them",
    "off_by_one": "your rule found a plateau after exactly patience epochs: it needs more "
                  "epochs than patience",
}


def variant(slip=""):
    """Lesson 04's rule with one usual slip ("": none), for naming what an answer does."""

    def lowest(earlier, start_cost):
        if slip == "nan_min":
            return min(list(earlier) + [start_cost])
        return min([start_cost] + [c for c in earlier if math.isfinite(c)])

    def blows_up(costs, start_cost):
        if not math.isfinite(costs[-1]) and slip != "ignores_nan":
            return True
        if slip == "earlier_only":
            floor = min((c for c in costs[:-1] if math.isfinite(c)), default=math.inf)
        elif slip == "vs_previous":
            floor = costs[-2] if len(costs) > 1 else start_cost
        else:
            floor = lowest(costs[:-1], start_cost)
        if slip == "ratio":
            return costs[-1] > 1.25 * floor
        jump = {"absolute_rise": 0.25, "third": start_cost / 3}.get(slip, 0.25 * start_cost)
        return costs[-1] > floor + jump

    def creeps(costs, rates, start_cost, patience):
        pairs = list(pairwise(rates))
        never_cut = {"creep_after_cut": True,
                     "creep_unchanged": all(b == a for a, b in pairs)}.get(
            slip, all(b >= a for a, b in pairs))
        never_rose = slip == "creep_after_rise" or all(b <= a for a, b in pairwise(costs))
        if len(costs) < 2 and slip != "creep_first":
            return False
        previous = costs[-2] if len(costs) > 1 else start_cost
        near = slip == "creep_far" or costs[-1] > 0.9 * start_cost
        return never_cut and never_rose and near and costs[-1] > 0.9 * previous

    def stalls(costs, rates, start_cost, patience):
        if len(costs) < patience + (slip != "off_by_one"):
            return False
        if slip != "after_change" and any(r != rates[-1] for r in rates[-patience:]):
            return False
        best, before = min(costs[-patience:]), lowest(costs[:-patience], start_cost)
        if slip == "last_two":
            return costs[-1] >= 0.99 * costs[-2]
        if slip == "no_margin":
            return best >= before
        if slip == "strict":
            return best > before
        if slip == "absolute_margin":
            return best >= before - 0.01
        return best >= 0.99 * before

    def rule(costs, rates, start_cost, patience, factor):
        rate = rates[-1]
        down = rate * factor if slip == "multiplies" else rate / factor
        if blows_up(costs, start_cost):
            return down
        tests = [(creeps, rate / factor if slip == "creep_divides" else rate * factor),
                 (stalls, down)]
        for test, new_rate in tests[::-1] if slip == "plateau_first" else tests:
            if test(costs, rates, start_cost, patience):
                return new_rate
        return rate

    return rule


def _judge(group):
    labels = tuple(case for case, (check, _) in _CASES.items() if check == group)

    def judge(out, probes):
        got = {}
        for label, value in out.items():
            if value.size != 1:
                return Verdict(False, "return one learning rate (a number)")
            got[label] = float(value.ravel()[0])
        wrong = [label for label in labels if not math.isclose(
            got[label], reference.adjust_learning_rate(*probes[label].args), rel_tol=RTOL)]
        if not wrong:
            return PASS
        for slip, message in _SLIPS.items():
            rule = variant(slip)
            if all(math.isclose(got[label], rule(*probes[label].args), rel_tol=RTOL)
                   for label in got):
                return Verdict(False, message)
        rate, factor = probes[wrong[0]].args[1][-1], probes[wrong[0]].args[4]
        if not any(math.isclose(got[wrong[0]], v, rel_tol=RTOL)
                   for v in (rate, rate * factor, rate / factor)):
            return Verdict(False, "return the next epoch's learning rate: the last rate "
                                  "unchanged, multiplied by factor or divided by it")
        return Verdict(False, _CASES[wrong[0]][1])

    return judge


def adjust_checks():
    """The four checks, a point each; every one sees every case (to name the slip)."""
    return tuple(Check(name, 1, tuple(_CASES), _judge(group)) for name, group in (
        ("blow-up: divides the rate when the cost is not finite or a quarter of ln C above "
         "the lowest", "blowup"),
        ("creeping: multiplies the rate before any cut while the cost barely falls near ln C",
         "creeping"),
        ("plateau: divides the rate after patience epochs without a new low 1% below the "
         "old", "plateau"),
        ("plateau: keeps the rate until patience epochs at the current rate bring no new "
         "low", "waits"),
    ))
