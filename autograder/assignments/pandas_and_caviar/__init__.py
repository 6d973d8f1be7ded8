"""Hidden checks for ``pandas_and_caviar`` (lesson 04). Four tasks, 19 points:

=====================  ==========================  ======  ===============================
answer cell            visible test cell           points  checks
=====================  ==========================  ======  ===============================
adjust_learning_rate   test_adjust_learning_rate   4       blow-up, creeping, plateau
                                                           fires, plateau waits (1 each)
successive_halving     test_successive_halving     6       rung sizes, budgets, ranking (2),
                                                           calls, last survivor
run_in_parallel        test_run_in_parallel        4       order, executor, failures,
                                                           submitted together
choose_approach        test_choose_approach        5       expected best of k (2), one run,
                                                           versus the panda, slots
=====================  ==========================  ======  ===============================

``adjust_learning_rate`` asks for lesson 04's babysitting rule (``PandaRule.verdict``): its
probes, slips and four checks are in ``panda_rule.py``, which states how they are built.
The drivers in ``drivers.py`` give the student's functions a recording ``train``, an
objective and a counting executor, and turn choose_approach's (approach, number) into two
numbers. All checks compare exact values or counts, so a correct
answer never fails them, with one exception stated where it is made: the check that all
configs reach the executor before any result is awaited gives a correct answer 1 s for 6
submissions, and fails it only if the grading machine stalls a runnable thread that long.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.assignments._shared import RTOL
from autograder.assignments.pandas_and_caviar import reference
from autograder.assignments.pandas_and_caviar.panda_rule import adjust_checks, adjust_probes
from autograder.spec import PASS, Assignment, Check, Probe, Task, Verdict

# --- successive_halving -----------------------------------------------------------------


def _halving_probes(stream):
    rng = np.random.default_rng(stream)

    def losses(n, ties=False):
        offsets = rng.uniform(0.0, 1.0, n)
        slopes = rng.uniform(0.0, 3.0, n)
        if ties:  # pairs of configs that score the same at every budget
            for i in range(0, n - 1, 2):
                offsets[i + 1], slopes[i + 1] = offsets[i], slopes[i]
            order = rng.permutation(n)
            offsets, slopes = offsets[order], slopes[order]
        return [float(v) for v in np.round(offsets, 6)], [float(v) for v in np.round(slopes, 6)]

    def probe(label, n, min_budget, eta, ties=False, catch=False):
        offsets, slopes = losses(n, ties)
        return Probe(label, "successive_halving", (n, min_budget, eta, offsets, slopes, catch),
                     driver="halving")

    def crossing():
        # Four configs, eta = 2: the two that survive budget 1 swap places at budget 2
        # (x: 0.5-0.7 then 0.45-0.6; y: 0.72-0.83 then at most 0.44), and the other two
        # lose at once (0.9 or more). Ranking every rung at the first budget, or never
        # growing the budget, keeps x instead of y, on every seed.
        offsets = [rng.uniform(0.4, 0.5), rng.uniform(0.0, 0.05), *rng.uniform(0.9, 1.0, 2)]
        slopes = [rng.uniform(0.1, 0.2), rng.uniform(0.72, 0.78), *rng.uniform(0.0, 1.0, 2)]
        order = rng.permutation(4)
        return Probe("crossing", "successive_halving",
                     (4, 1, 2, [float(round(offsets[i], 6)) for i in order],
                      [float(round(slopes[i], 6)) for i in order], False), driver="halving")

    return [
        probe("nine", 9, 1, 3),
        probe("five", 5, 1, 2),
        probe("ties", 10, 1, 2, ties=True),
        probe("single", 1, 4, 3),
        probe("eight", 8, 2, 3, catch=True),
        crossing(),
    ]


def _loss_function(probe):
    _, _, _, offsets, slopes, _ = probe.args
    return lambda i, budget: offsets[i] + slopes[i] / budget


def _halving_reference(probe):
    n, min_budget, eta = probe.args[:3]
    return reference.successive_halving_rungs(_loss_function(probe), n, min_budget, eta)


def _halving_variant(probe, *, tie="low", floor=True, grow=True, order="current",
                     sign=1.0):
    """The rungs a common slip produces (for naming it), as (budget, indices) lists."""
    n, min_budget, eta = probe.args[:3]
    loss = _loss_function(probe)
    survivors, budget, rungs, first = list(range(n)), min_budget, [], {}
    for _ in range(12):
        rungs.append((budget, list(survivors)))
        if len(survivors) <= 1:
            break
        scores = {i: loss(i, budget) for i in survivors}
        if not first:
            first = dict(scores)
        rank = first if order == "first" else scores
        direction = 1 if tie == "low" else -1

        def key(i, rank=rank, direction=direction):
            return sign * rank[i], direction * i

        keep = len(survivors) // eta
        survivors = sorted(sorted(survivors, key=key)[:max(1, keep) if floor else keep])
        budget = budget * eta if grow else budget
    return rungs


def _rungs_of(got):
    sizes = [int(s) for s in got["sizes"]]
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    bounds = zip(starts, starts[1:], strict=False)
    evaluated = [sorted(int(i) for i in got["evaluated"][a:b]) for a, b in bounds]
    return list(zip([float(b) for b in got["budgets"]], evaluated, strict=False))


def _crashed(out, labels):
    for label in labels:
        if "crashed" in out[label] and out[label]["crashed"][()] == 1.0:
            return label
    return None


def _ran(out):
    """The probes whose run finished; a crash on the "eight" probe is the sizes check's."""
    return [label for label in _LABELS if _crashed(out, (label,)) is None]


_LABELS = ("nine", "five", "ties", "single", "eight", "crossing")


def _halving_sizes(out, probes):
    # Exact counts: false-failure rate 0.
    if _crashed(out, _LABELS) == "eight":
        return Verdict(False, "with 2 survivors and eta=3, 2 // 3 keeps nobody and your function "
                              "failed: keep max(1, len(survivors) // eta)")
    for label in _LABELS:
        want = [len(indices) for _, indices, _ in _halving_reference(probes[label])]
        got = [int(s) for s in out[label]["sizes"]]
        if got == want:
            continue
        if 0 in got or got == [len(ix) for _, ix in _halving_variant(probes[label], floor=False)]:
            return Verdict(False, "a rung kept nobody: len(survivors) // eta can be 0, keep "
                                  "max(1, len(survivors) // eta)")
        if len(got) == len(want) - 1 and got == want[:-1]:
            return Verdict(False, "you stopped as soon as one survivor was left, without "
                                  "evaluating it at the next budget (step 1 comes before the "
                                  "stop in step 2)")
        n, _, eta = probes[label].args[:3]
        return Verdict(False, f"with {n} configs and eta={eta} the rungs should evaluate "
                              f"{want} configs; yours evaluate {got}")
    return PASS


def _halving_budgets(out, probes):
    for label in _ran(out):
        want = [float(b) for b, _, _ in _halving_reference(probes[label])]
        got = [float(b) for b in out[label]["budgets"]]
        if len(got) == len(want) and np.allclose(got, want, rtol=RTOL, atol=0):
            continue
        min_budget, eta = probes[label].args[1], probes[label].args[2]
        if len(got) > 1 and np.allclose(got, min_budget):
            return Verdict(False, "your budget never grows: multiply it by eta after every rung")
        if len(got) > 1 and np.allclose(np.diff(got), eta):
            return Verdict(False, "you added eta to the budget; multiply it by eta")
        return Verdict(False, f"the budgets should be {want}; yours are {got}")
    return PASS


def _halving_keeps(out, probes):
    for label in _ran(out):
        want = [(float(b), sorted(ix)) for b, ix, _ in _halving_reference(probes[label])]
        got = _rungs_of(out[label])
        if [ix for _, ix in got] == [ix for _, ix in want]:
            continue
        got_ix = [ix for _, ix in got]
        for variant, message in (
            (dict(tie="high"), "on equal losses you kept the config with the higher index; ties "
                               "go to the lower index (sort by (loss, index))"),
            (dict(sign=-1.0), "you kept the configs with the highest losses; lower is better"),
            (dict(order="first"), "you ranked every rung by the first rung's losses; rank by the "
                                  "losses at the current budget"),
        ):
            if got_ix == [ix for _, ix in _halving_variant(probes[label], **variant)]:
                return Verdict(False, message)
        return Verdict(False, "the configs kept after some rung are not the best "
                              "max(1, len(survivors) // eta) of that rung")
    return PASS


def _halving_calls(out, probes):
    for label in _ran(out):
        got = out[label]
        loss = _loss_function(probes[label])
        calls = sorted((int(i), float(b)) for i, b in got["calls"])
        recorded = sorted((i, b) for b, ix in _rungs_of(got) for i in ix)
        if len(calls) > len(recorded) and set(recorded) <= set(calls):
            return Verdict(False, "you trained configs that were already dropped (or trained "
                                  "some twice): train only the survivors, once per rung")
        if calls != recorded:
            return Verdict(False, "the rungs do not record the trainings that happened: each "
                                  "rung lists the configs trained at its budget")
        if not np.array_equal(got["loss_counts"], got["sizes"]):
            return Verdict(False, "every rung needs one loss per evaluated config")
        sizes = [int(s) for s in got["sizes"]]
        budgets = np.repeat(got["budgets"], sizes)
        want = [loss(int(i), b) for i, b in zip(got["evaluated"], budgets, strict=False)]
        if not np.allclose(got["losses"], want, rtol=RTOL, atol=0):
            return Verdict(False, "a rung's losses are not in the order of its evaluated "
                                  "indices (or are not the losses train returned)")
    return PASS


def _halving_best(out, probes):
    # Judged against the student's own rungs, so a slip in which configs survive (the
    # check above) is not counted twice. Exact: false-failure rate 0.
    for label in _ran(out):
        got = out[label]
        best = got["best"][()]
        if best < 0:
            return Verdict(False, "return the winning config itself (one of the dicts you were "
                                  "given), not its index or loss")
        rungs = _rungs_of(got)
        if not rungs or len(rungs[-1][1]) != 1:
            return Verdict(False, "the last rung should evaluate the single survivor")
        if best == rungs[-1][1][0]:
            continue
        sizes = np.cumsum([0] + [int(s) for s in got["sizes"]])
        first = got["evaluated"][sizes[0]:sizes[1]]
        if best == first[int(np.argmin(got["losses"][sizes[0]:sizes[1]]))]:
            return Verdict(False, "you returned the best config of the first rung; return the "
                                  "last survivor")
        return Verdict(False, "the config you returned is not the one left in your last rung")
    return PASS


# --- run_in_parallel --------------------------------------------------------------------


def _parallel_probes(stream):
    rng = np.random.default_rng(stream)

    def values(n):
        return [float(v) for v in np.round(rng.uniform(0.0, 1.0, n), 6)]

    n = 8
    return [
        # Later configs finish first, so collecting in completion order scrambles them.
        Probe("ordered", "run_in_parallel",
              (values(n), [0.006 * (n - k) for k in range(n)], [False] * n, False),
              driver="parallel"),
        # Here too, with gaps far above a thread's scheduling jitter: an answer that collects
        # in completion order misplaces the None of a failure on every run, not on some.
        Probe("failing", "run_in_parallel",
              (values(6), [0.02 * (6 - k) for k in range(6)], [k in (1, 4) for k in range(6)],
               False),
              driver="parallel"),
        Probe("together", "run_in_parallel", (values(6), [0.0] * 6, [False] * 6, True),
              driver="parallel"),
    ]


def _parallel_order(out, probes):
    # Exact values: false-failure rate 0.
    for label in ("ordered", "together"):
        got = out[label]
        if got["propagated"][()]:
            return Verdict(False, "an objective's exception escaped from your function")
        want = np.asarray(probes[label].args[0])
        results = got["results"]
        if results.shape != want.shape:
            return Verdict(False, f"{want.size} configs should give {want.size} results; you "
                                  f"returned {results.size}")
        if np.array_equal(results, want):
            continue
        if np.array_equal(np.sort(results), np.sort(want)):
            return Verdict(False, "your results are in the order the evaluations finished, not "
                                  "in config order: keep the futures in a list and read them "
                                  "in that order")
        return Verdict(False, "your results are not the objective's values, in config order")
    return PASS


def _parallel_executor(out, probes):
    # Counts: false-failure rate 0.
    for label in ("ordered", "failing", "together"):
        got = out[label]
        if got["propagated"][()]:
            continue  # judged by the failure check
        n = len(probes[label].args[0])
        if got["outside"][()] > 0 and got["submitted"][()] == 0:
            return Verdict(False, "you called the objective yourself: hand every evaluation to "
                                  "the executor (executor.submit or executor.map)")
        if got["outside"][()] > 0:
            return Verdict(False, f"{int(got['outside'][()])} evaluations ran outside the "
                                  f"executor: hand every one of them to it")
        if got["inside"][()] != n:
            return Verdict(False, f"{n} configs should give {n} evaluations in the executor; "
                                  f"there were {int(got['inside'][()])}")
    return PASS


def _parallel_failures(out, probes):
    # Exact values: false-failure rate 0.
    got = out["failing"]
    if got["propagated"][()]:
        return Verdict(False, "one failing config stopped the whole run: catch the exception "
                              "of each evaluation (future.result() re-raises it) and put None "
                              "in its place")
    values, _, failing, _ = probes["failing"].args
    kinds = got["kinds"]
    if kinds.size != len(values):
        if kinds.size == len(values) - sum(failing):
            return Verdict(False, "you dropped the failed configs; keep their places with None "
                                  "so results line up with configs")
        return Verdict(False, f"{len(values)} configs should give {len(values)} results")
    for k, (value, fails) in enumerate(zip(values, failing, strict=True)):
        if fails and kinds[k] == 2.0:
            return Verdict(False, "you returned the exception object; put None in its place")
        if fails and kinds[k] != 1.0:
            return Verdict(False, "a config whose objective raised must give None")
        if not fails and (kinds[k] != 0.0 or got["results"][k] != value):
            return Verdict(False, "after a failure the other configs must still give their "
                                  "values, in config order")
    return PASS


def _parallel_together(out, probes):
    got = out["together"]
    if got["propagated"][()]:
        return Verdict(False, "an objective's exception escaped from your function")
    # The first evaluation waits up to 1 s for all 6 submissions; a correct answer submits
    # them within microseconds, so it fails only if the machine stalls a runnable thread
    # for 1 s.
    if got["submitted"][()] == 0:
        return Verdict(False, "nothing was handed to the executor, so nothing could run at the "
                              "same time")
    if got["saw_all_submitted"][()] != 1.0:
        return Verdict(False, "you waited for each result before handing over the next config, "
                              "so nothing ran at the same time: submit every config first, then "
                              "collect the results")
    return PASS


# --- choose_approach --------------------------------------------------------------------

_APPROACHES = ("panda", "caviar", "halving")  # the driver's codes 0, 1, 2 (-1: anything else)
_FULL_EPOCHS = (9, 10, 20, 27, 30)


def _choose_probes(stream):
    """Seven scenarios, each far from every boundary of the rule for every usual slip.

    Wherever a search must win, the panda's score is below every past score (or, for "wide",
    halfway between the mean and the expected best of k drawn with replacement, which is
    below the lesson's expected best), so the mean, either expected best and the expected
    worst of any k all lie on the same side of it on every seed. Where the panda must win
    ("narrow"), its score is halfway between the expected best of k and the best past score,
    and slots < k, so taking k = slots only lowers the slip's number further. Budgets are
    k full runs plus full_epochs - 1 epochs (but "two_runs": exactly 2), so rounding
    budget / full_epochs up or to the nearest integer changes k on every seed.
    """
    rng = np.random.default_rng(stream)

    def sample(narrow=False):
        n = int(rng.integers(16, 25))
        if narrow:  # good configs only, close together: more of them add little
            values = rng.uniform(0.8, 0.9) + rng.uniform(-0.02, 0.02, n)
        else:
            values = rng.uniform(0.1, 0.97, n)
        return [float(v) for v in np.round(values, 4)]

    def below(scores):
        return min(scores) - float(rng.uniform(0.02, 0.08))

    def probe(label, scores, panda, slots, runs, spare=True):
        full = int(rng.choice(_FULL_EPOCHS))
        budget = runs * full + (full - 1 if spare else 0)
        return Probe(label, "choose_approach",
                     (scores, float(round(panda, 6)), int(slots), int(budget), full),
                     driver="choose")

    def runs():
        return int(rng.integers(3, 7))

    probes = []
    scores = sample()
    probes.append(probe("one_run", scores, below(scores), rng.integers(4, 13), 1))
    scores = sample()
    probes.append(probe("two_runs", scores, below(scores), rng.integers(2, 13), 2, spare=False))
    scores, k = sample(), runs()
    panda = (np.mean(scores) + _with_replacement(scores, k)) / 2
    probes.append(probe("wide", scores, panda, k + rng.integers(0, 7), k))
    scores, k = sample(narrow=True), runs()
    panda = (reference.expected_best(scores, k) + max(scores)) / 2
    probes.append(probe("narrow", scores, panda, rng.integers(2, k), k))
    for label in ("many_slots", "exact_slots", "few_slots"):
        scores, k = sample(), runs()
        slots = {"many_slots": k + rng.integers(1, 9), "exact_slots": k,
                 "few_slots": rng.integers(2, k)}[label]
        probes.append(probe(label, scores, below(scores), slots, k))
    return probes


def _with_replacement(scores, k):
    """The expected best of k draws with replacement (the same config may come twice)."""
    s, n = sorted(scores), len(scores)
    return sum(v * ((i / n) ** k - ((i - 1) / n) ** k) for i, v in enumerate(s, 1))


def _k(probe):
    _, _, _, budget, full_epochs = probe.args
    return budget // full_epochs


def _choose_slips(probe):
    """(number a usual slip returns on this probe, what that slip is), most telling first."""
    scores, _, slots, _, _ = probe.args
    k = _k(probe)
    return (
        (float(np.mean(scores)), "you returned the average past score: a search keeps the "
                                 "best of its k models, so the number is the expected best "
                                 "of k"),
        (reference.expected_best(scores, slots), "k is the number of full runs the budget "
                                                 "pays for, budget // full_epochs; slots only "
                                                 "says how many of them train at once"),
        (_with_replacement(scores, k), "you drew the k models with replacement (the same "
                                       "config twice): the lesson's expected best picks k "
                                       "different models from the n past ones"),
        (-reference.expected_best([-v for v in scores], k),
         "your number is the expected worst of k: higher scores are better, so the best of "
         "k is the highest of them (sort the scores from low to high)"),
        (max(scores), "you returned the best past score: k models picked at random reach it "
                      "only sometimes, so on average their best is lower"),
    )


_CHOOSE_LABELS = ("one_run", "two_runs", "wide", "narrow", "many_slots", "exact_slots",
                  "few_slots")


def _choose_value(out, probes):
    # Exact arithmetic on the inputs (rtol 1e-9): false-failure rate 0.
    for label in _CHOOSE_LABELS:
        got = float(np.ravel(out[label]["expected_best"])[0])
        want = reference.expected_best(probes[label].args[0], _k(probes[label]))
        if math.isclose(got, want, rel_tol=RTOL):
            continue
        # (With k = 1 several slips give the mean, which is right there: they cannot match.)
        for number, message in _choose_slips(probes[label]):
            if math.isclose(got, number, rel_tol=RTOL):
                return Verdict(False, message)
        return Verdict(False, "your number is not the expected best of k models picked at "
                              "random from the past scores, k being the full runs the budget "
                              "pays for (lesson 04, section 4)")
    return PASS


def _approach(out, label):
    code = float(np.ravel(out[label]["approach"])[0])
    return _APPROACHES[int(code)] if code in (0.0, 1.0, 2.0) else None


def _choose_judge(want, messages):
    """A judge: probe label -> the approach it needs ("search": caviar or halving)."""

    def judge(out, probes):
        # Exact comparisons, each probe far from its boundaries: false-failure rate 0.
        for label, needed in want.items():
            got = _approach(out, label)
            if got is None:
                return Verdict(False, "return the approach as one of the strings 'panda', "
                                      "'caviar' or 'halving'")
            if got == needed or (needed == "search" and got != "panda"):
                continue
            return Verdict(False, messages(label, got, out[label], probes[label]))
        return PASS

    return judge


def _one_run_message(label, got, out, probe):
    if label == "one_run":
        return ("only one full run fits in the budget (budget // full_epochs is 1): a search "
                "would train a single random config, so babysit it (panda), whatever the "
                "scores")
    return ("two full runs fit in this budget (budget // full_epochs is 2) and their best "
            "is expected above the panda's score: the search is possible from 2 runs on")


def _versus_message(label, got, out, probe):
    if label == "wide":
        scores, panda_score = probe.args[:2]
        number = float(np.ravel(out["expected_best"])[0])
        if math.isclose(number, float(np.mean(scores)), rel_tol=RTOL):
            return ("the average past config is below the panda's score here, but the best of "
                    "k is expected above it: compare the expected best of k, not the mean, "
                    "with the panda's score")
        if number >= panda_score:
            return ("your expected best is above the panda's score, yet you chose panda: "
                    "compare the expected best of k, not the mean or a single config, with "
                    "the panda's score")
        return ("the best of k is expected above the panda's score here, and your number is "
                "below it: see the check on the expected best of k")
    return ("the expected best of k is below the panda's score here (the past scores are "
            "close together, so more models add little): babysit (panda)")


def _slots_message(label, got, out, probe):
    if got == "panda":
        return ("the panda's score is below every past score here, so the best of k is "
                "expected above it: choose a search")
    if label == "exact_slots":
        return ("slots == k here: all k full runs train at the same time, so choose caviar "
                "(slots >= k)")
    if label == "many_slots":
        return ("with slots >= k all k full runs train at the same time: choose caviar")
    return ("fewer slots than k full runs: they cannot all train at once, so the rule picks "
            "successive halving (halving), not caviar; k is budget // full_epochs, not slots")



ASSIGNMENT = Assignment(
    name="pandas_and_caviar",
    setup_cells=("setup",),
    version="3",
    tasks=(
        Task(
            function="adjust_learning_rate",
            test_cell="test_adjust_learning_rate",
            probes=adjust_probes,
            checks=adjust_checks(),
            tripwires=("course.lessons.pandas_and_caviar.babysitter.PandaRule.verdict",),
        ),
        Task(
            function="successive_halving",
            test_cell="test_successive_halving",
            probes=_halving_probes,
            checks=(
                Check("rungs keep max(1, n // eta) survivors", 1, _LABELS, _halving_sizes),
                Check("the budget is multiplied by eta every rung", 1, _LABELS, _halving_budgets),
                Check("keeps the lowest losses; ties go to the lower index", 2, _LABELS,
                      _halving_keeps),
                Check("trains each survivor once per rung and records it", 1, _LABELS,
                      _halving_calls),
                Check("returns the last survivor", 1, _LABELS, _halving_best),
            ),
            tripwires=("course.search.successive_halving",),
        ),
        Task(
            function="run_in_parallel",
            test_cell="test_run_in_parallel",
            probes=_parallel_probes,
            checks=(
                Check("results come back in config order", 1, ("ordered", "together"),
                      _parallel_order),
                Check("every evaluation goes through the executor", 1,
                      ("ordered", "failing", "together"), _parallel_executor),
                Check("a failing config gives None and the rest still run", 1, ("failing",),
                      _parallel_failures),
                Check("all configs reach the executor before any result is awaited", 1,
                      ("together",), _parallel_together),
            ),
            tripwires=("course.search.run_trials",),
        ),
        Task(
            function="choose_approach",
            test_cell="test_choose_approach",
            probes=_choose_probes,
            checks=(
                Check("the number is the expected best of k runs (the runs the budget buys)", 2,
                      _CHOOSE_LABELS, _choose_value),
                Check("panda when only one full run fits", 1, ("one_run", "two_runs"),
                      _choose_judge({"one_run": "panda", "two_runs": "search"},
                                    _one_run_message)),
                Check("panda when the best of k is expected below the panda's score", 1,
                      ("wide", "narrow"),
                      _choose_judge({"wide": "search", "narrow": "panda"}, _versus_message)),
                Check("caviar when all k runs fit in the slots, halving otherwise", 1,
                      ("many_slots", "exact_slots", "few_slots"),
                      _choose_judge({"many_slots": "caviar", "exact_slots": "caviar",
                                     "few_slots": "halving"}, _slots_message)),
            ),
            tripwires=("course.lessons.pandas_and_caviar.caviar_runs.expected_best",),
        ),
    ),
)
