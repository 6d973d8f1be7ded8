"""Hidden checks for ``parameters_vs_hyperparameters`` (lesson 01). Four tasks, 13 points:

=======================  ===========================  ======
answer cell              visible test cell            points
=======================  ===========================  ======
count_parameters         test_count_parameters        3
split_train_dev_test     test_split_train_dev_test    4
best_learning_rate       test_best_learning_rate      3
selection_optimism       test_selection_optimism      3
=======================  ===========================  ======

Every check here compares exact values (integer counts, row numbers, the chosen rate, gaps
between accuracies), or tests events whose chance under a correct answer is stated beside
it; none can fail a correct answer with probability above 1e-12.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.assignments._shared import close, distinct_seeds, number_judge, reference_judge
from autograder.assignments.parameters_vs_hyperparameters import reference
from autograder.spec import PASS, Assignment, Check, Probe, Task, Verdict

# --- count_parameters -----------------------------------------------------------------


def _dims_probes(stream):
    rng = np.random.default_rng(stream)

    def dims(n_layers):
        return [int(rng.integers(1, 400))] + [int(rng.integers(1, 120)) for _ in range(n_layers)]

    shapes = {"none_a": 1, "none_b": 1, "one_a": 2, "one_b": 2,
              "deep_a": 3, "deep_b": 4, "deep_c": 6}
    return [Probe(label, "count_parameters", (dims(n),)) for label, n in shapes.items()]


def _count_wrong_answers(dims):
    pairs = list(zip(dims[:-1], dims[1:], strict=True))
    weights = sum(a * b for a, b in pairs)
    right = reference.count_parameters(dims)
    return (
        (weights, "you counted only the weights: every layer also has a bias vector b "
                  "with one entry per unit of that layer"),
        (weights + sum(a for a, _ in pairs), "each b[l] has one entry per unit of layer l "
                                             "(n_l), not one per input (n_{l-1})"),
        (weights + len(pairs), "each layer's bias is a vector with one entry per unit, not a "
                               "single number"),
        (right + dims[0], "the input layer has no bias: only layers 1 to L have W and b"),
        (right - dims[-2] * dims[-1] - dims[-1], "you left out the last layer (the output "
                                                 "layer has W and b too)"),
        (right - dims[0] * dims[1] - dims[1], "you left out the first layer's W and b"),
        (sum(dims), "you added up the layer sizes; count the entries of every W and b"),
    )


def _count_judge(labels, what):
    # Exact integers: a correct answer never fails (false-failure rate 0).
    return number_judge(labels, reference.count_parameters, _count_wrong_answers,
                        lambda dims: f"for layer sizes {dims} ({what}) your count is not the "
                                     f"number of entries of all W and b",
                        "return one number, not an array of shape {shape}")


# --- split_train_dev_test --------------------------------------------------------------


def _fractions(rng, m):
    """Fractions whose round() and int() sizes differ, away from .5 ties."""
    while True:
        dev, test = (round(float(rng.uniform(0.08, 0.3)), 3) for _ in range(2))
        exact = (dev * m, test * m)
        if all(abs(x - math.floor(x) - 0.5) > 0.05 for x in exact) and any(
            round(x) != int(x) for x in exact
        ):
            return dev, test


def _split_probes(stream):
    rng = np.random.default_rng(stream)
    first, second, third = distinct_seeds(rng, 3)
    probes = []
    for label, m, seed in (("main", int(rng.integers(80, 140)), first),
                           ("small", int(rng.integers(30, 60)), third)):
        labels = [int(v) for v in rng.integers(0, 10, size=m)]
        dev, test = _fractions(rng, m)
        args = (m, 3, labels, dev, test, seed)
        probes.append(Probe(label, "split_train_dev_test", args, driver="split"))
        if label == "main":
            probes.append(Probe("same", "split_train_dev_test", args, driver="split"))
            probes.append(Probe("other", "split_train_dev_test", args[:-1] + (second,),
                                driver="split"))
    return probes


_PARTS = ("train", "dev", "test")


def _rows(out):
    return [out[f"{name}_rows"] for name in _PARTS]


def _split_sizes(out, probes):
    # Exact counts: false-failure rate 0.
    for label in ("main", "small"):
        m, _, _, dev, test, _ = probes[label].args
        want = reference.split_sizes(m, dev, test)
        got = tuple(len(rows) for rows in _rows(out[label]))
        if got == want:
            continue
        n_dev, n_test = int(dev * m), int(test * m)
        if got == (m - n_dev - n_test, n_dev, n_test):
            return Verdict(False, f"with m={m} and dev_fraction={dev} your dev set has "
                                  f"{got[1]} rows: int() cuts {dev * m:.2f} down; round() "
                                  f"gives {want[1]}")
        if got == (want[0], want[2], want[1]):
            return Verdict(False, "your dev and test sets have each other's sizes")
        return Verdict(False, f"with m={m}, dev_fraction={dev}, test_fraction={test} expected "
                              f"(train, dev, test) sizes {want}, got {got}")
    return PASS


def _split_cover(out, probes):
    # Exact: a permutation puts each row in one part (false-failure rate 0).
    for label in ("main", "small"):
        m = probes[label].arg(0)
        parts = _rows(out[label])
        rows = np.concatenate(parts)
        if np.array_equal(np.sort(rows), np.arange(m)):
            continue
        unique = np.unique(rows)
        shared = [(a, b) for i, a in enumerate(_PARTS) for b in _PARTS[i + 1:]
                  if np.intersect1d(parts[_PARTS.index(a)], parts[_PARTS.index(b)]).size]
        if any(np.unique(part).size < part.size for part in parts):
            return Verdict(False, "some rows appear twice in the same part and others never: "
                                  "draw the rows without replacement (a permutation)")
        if shared:
            a, b = shared[0]
            return Verdict(False, f"the {a} and {b} sets share rows: the parts must be "
                                  f"disjoint")
        if unique.size < m:
            return Verdict(False, f"{m - unique.size} of the {m} rows are in no part: every "
                                  f"row must land in train, dev or test")
        return Verdict(False, "the parts do not hold every row exactly once")
    return PASS


def _split_labels(out, probes):
    # Exact: a correct split moves each label with its row (false-failure rate 0).
    for label in ("main", "small"):
        labels = np.asarray(probes[label].arg(2), dtype=float)
        got = out[label]
        if got["rows_intact"][()] != 1.0:
            return Verdict(False, "the rows of X came back changed: move whole rows, keep "
                                  "their features together and in order")
        for name in _PARTS:
            rows, y_part = got[f"{name}_rows"], got[f"{name}_labels"]
            inside = (rows >= 0) & (rows < labels.size)
            if (y_part.shape != rows.shape or not np.all(inside)
                    or not np.array_equal(y_part, labels[rows[inside].astype(int)])):
                return Verdict(False, "some rows lost their labels: shuffle X and y with the "
                                      "same permutation (index both with one array of row "
                                      "numbers)")
    return PASS


def _contiguous(rows):
    return rows.size > 1 and np.ptp(rows) == rows.size - 1 and np.unique(rows).size == rows.size


def _split_shuffle(out, probes):
    main, same, other = out["main"], out["same"], out["other"]
    if not main["inputs_unchanged"][()]:
        return Verdict(False, "your function changed the caller's X or y (an in-place shuffle): "
                              "shuffle an array of row numbers instead")
    # Under a uniformly random split, dev and test are both contiguous runs of row numbers
    # with probability <= (m - n_dev + 1) / C(m, n_dev) * (m - n_test + 1) / C(m - n_dev,
    # n_test), at most 1.1e-13 over the probes' sizes (m >= 80, fractions >= 0.08), so a
    # correct answer fails this with probability below 1e-12.
    if all(_contiguous(np.sort(part)) for part in _rows(main) if part.size > 1):
        return Verdict(False, "your parts are consecutive blocks of rows: shuffle the rows "
                              "before cutting them, or the dev and test sets are just the "
                              "last rows of the data")
    if any(not np.array_equal(a, b) for a, b in zip(_rows(main), _rows(same), strict=True)):
        return Verdict(False, "the same seed gave different splits: draw the permutation from "
                              "the rng argument, not from np.random's global functions")
    # Two seeds give the same split with probability 1 / (multinomial of the sizes) < 1e-15.
    pairs = zip(_rows(main), _rows(other), strict=True)
    if all(np.array_equal(np.sort(a), np.sort(b)) for a, b in pairs):
        return Verdict(False, "different seeds gave the same split: your function does not "
                              "use the rng argument")
    return PASS


# --- best_learning_rate ----------------------------------------------------------------


def _rate_probes(stream):
    rng = np.random.default_rng(stream)
    nan, inf = float("nan"), float("inf")

    def rates(n):
        return [float(r) for r in np.round(10.0 ** np.sort(rng.uniform(-5, 0, n)), 8)]

    def costs(n):
        # Distinct costs (no ties), so "the lowest" names one run whatever the tie rule.
        grid = np.round(np.linspace(0.05, 3.0, 2951), 3)
        return [float(c) for c in rng.choice(grid, size=n, replace=False)]

    first = costs(6)
    first[0] = nan
    mixed = costs(7)
    for i in rng.choice(7, 3, replace=False):
        mixed[i] = nan if i % 2 else inf
    return [
        Probe("plain_a", "best_learning_rate", (rates(5), costs(5))),
        Probe("plain_b", "best_learning_rate", (rates(8), costs(8))),
        Probe("nan_first", "best_learning_rate", (rates(6), first)),
        Probe("mixed", "best_learning_rate", (rates(7), mixed)),
        Probe("inf_first", "best_learning_rate", (rates(4), [inf] + costs(3))),
        Probe("all_nan", "best_learning_rate", (rates(3), [nan] * 3), driver="refuse"),
        Probe("nan_and_inf", "best_learning_rate", (rates(4), [inf, nan, inf, nan]),
              driver="refuse"),
    ]


def _rate_wrong_answers(rates, costs):
    array = np.asarray(costs, dtype=float)
    return (
        (lambda: rates[int(np.argmin(array))], "np.argmin (like min()) lets a nan win: keep only "
                                              "the finite costs (math.isfinite or np.isfinite)"),
        (lambda: rates[int(np.nanargmin(array))], "np.nanargmin skips nan but not inf: an "
                                                  "infinite cost is a diverged run too"),
        (lambda: rates[int(np.nanargmax(np.where(np.isfinite(array), array, np.nan)))],
         "you picked the highest dev cost; lower is better"),
        (lambda: min(c for c in costs if math.isfinite(c)), "you returned the cost; return the "
                                                           "learning rate that reached it"),
        (lambda: float(min(range(len(costs)), key=lambda i: (not math.isfinite(costs[i]),
                                                             costs[i]))),
         "you returned the index of the best run; return its learning rate"),
        (lambda: rates[-1], "you returned the last learning rate, not the best one"),
    )


def _rate_judge(labels, fallback):
    # Exact: the answer is one of the inputs (false-failure rate 0).
    return number_judge(labels, reference.best_learning_rate, _rate_wrong_answers, fallback,
                        "return one learning rate, not an array of shape {shape}")


def _rate_refuses(out, probes):
    for label in ("all_nan", "nan_and_inf"):
        got = out[label]
        if got["value_error"][()] != 1.0:
            kind = "nan" if label == "all_nan" else "nan or inf"
            return Verdict(False, f"when every dev cost is {kind} nothing can be chosen: raise "
                                  f"ValueError instead of returning a value")
        if got["has_message"][()] != 1.0:
            return Verdict(False, "your ValueError has no message: say why nothing can be "
                                  "chosen")
    return PASS


# --- selection_optimism ----------------------------------------------------------------
#
# correct[i, j] is 1 when model i got example j right; dev and test are column numbers. For
# k = 1..K, among the first k models: the best test accuracy minus the test accuracy of the
# model with the best dev accuracy (the first row wins a tie). The right answer and every
# typical slip's answer are fractions with denominators of at most len(dev) * len(test)
# (60 * 90 = 5400 in the probes), so two different answers differ by at least 1 / 5400**2
# > 3e-8: comparing with atol 1e-9, far above the float rounding of a mean (~1e-16), never
# fails a correct answer and never takes a slip for one.

_ATOL = 1e-9


def _chosen(scores, k, first=True):
    """Row of the highest score among the first k, the first (or last) of tied rows."""
    head = np.asarray(scores[:k])
    return int(np.argmax(head)) if first else k - 1 - int(np.argmax(head[::-1]))


def _gaps(choose_on, report, best_of, first=True):
    """For k = 1..K: the best of ``best_of`` among the first k minus ``report`` at the row
    that ``choose_on`` picks among them."""
    return np.array([np.max(best_of[:k]) - report[_chosen(choose_on, k, first)]
                     for k in range(1, len(choose_on) + 1)])


def _accuracies(correct, dev, test):
    correct = np.asarray(correct, dtype=float)
    dev, test = np.asarray(dev, dtype=int), np.asarray(test, dtype=int)
    return correct, correct[:, dev].mean(axis=1), correct[:, test].mean(axis=1)


def _optimism_wrong_answers(correct, dev, test):
    correct, dev_acc, test_acc = _accuracies(correct, dev, test)
    n_models, m = correct.shape
    right = reference.selection_optimism(correct, dev, test)
    everywhere = correct.mean(axis=1)
    not_dev = correct[:, np.setdiff1d(np.arange(m), np.asarray(dev, dtype=int))].mean(axis=1)
    best_test = np.maximum.accumulate(test_acc)
    dev_choice = [_chosen(dev_acc, k) for k in range(1, n_models + 1)]
    return (
        (best_test, "you returned the best test accuracy itself: subtract the test accuracy "
                    "of the model chosen on the dev examples"),
        (best_test - np.maximum.accumulate(dev_acc),
         "you subtracted the dev-chosen model's dev accuracy: what a dev choice reports is "
         "that model's accuracy on the test examples"),
        (-right, "you subtracted the other way round: choosing on the test set is the "
                 "flattering one, so no value is below 0"),
        (_gaps(test_acc, dev_acc, dev_acc), "you swapped dev and test: choose on the dev "
                                            "columns, and report accuracies on the test "
                                            "columns"),
        (_gaps(dev_acc, everywhere, everywhere),
         "you measured test accuracy on all the examples: use only the columns listed in test"),
        (_gaps(dev_acc, not_dev, not_dev),
         "you used every example that is not in dev as the test set: use only the columns "
         "listed in test (some examples are in neither)"),
        (_gaps(everywhere, test_acc, test_acc),
         "you chose on all the examples: the dev choice looks only at the columns listed "
         "in dev"),
        (np.append(right[1:], right[-1]), "your value for k uses k + 1 models: the first "
                                          "value (k = 1) looks at row 0 alone"),
        (best_test - test_acc[dev_choice[-1]],
         "your dev choice looked at all K models at every k: with k models tried, only rows "
         "0 to k-1 compete"),
        (np.max(test_acc) - test_acc[dev_choice],
         "your test choice looked at all K models at every k: with k models tried, only "
         "rows 0 to k-1 compete"),
        (np.full(n_models, right[-1]), "your values do not change with k: with k models "
                                       "tried, only rows 0 to k-1 compete"),
        (np.maximum.accumulate(right), "your values never go down: compute each k on its "
                                       "own (a new model can win on dev and lower the gap)"),
        (right * len(test), "you returned numbers of examples: divide by the number of test "
                            "examples to get accuracies"),
        (right * len(test) / m, "you divided by all the examples (m): an accuracy on the test "
                                "examples divides by len(test)"),
        (right * len(test) / len(dev), "you divided test counts by len(dev): an accuracy on "
                                       "the test examples divides by len(test)"),
        (dev_acc[dev_choice] - test_acc[dev_choice],
         "you measured how far the dev-chosen model's dev accuracy is above its test "
         "accuracy: compare it with the model chosen on the test examples instead"),
    )


def _last_of_ties(correct, dev, test):
    _, dev_acc, test_acc = _accuracies(correct, dev, test)
    return _gaps(dev_acc, test_acc, test_acc, first=False)


def _best_test_of_ties(correct, dev, test):
    """The gaps when a tie on dev goes to the tied model with the best test accuracy."""
    _, dev_acc, test_acc = _accuracies(correct, dev, test)

    def chosen(k):
        tied = [i for i in range(k) if dev_acc[i] == dev_acc[:k].max()]
        return max(tied, key=lambda i: test_acc[i])

    return np.array([test_acc[:k].max() - test_acc[chosen(k)]
                     for k in range(1, len(dev_acc) + 1)])


_TIE_MESSAGE = ("when models tie on dev accuracy, the one tried first (the lowest row "
                "number) is chosen; yours chose a later one")
_TIE_BY_TEST_MESSAGE = ("you broke a tie on dev accuracy with the test accuracy: the choice "
                        "may look at the dev examples only, so of the tied models the one "
                        "tried first (the lowest row number) is chosen")


def _differs(got, want) -> bool:
    return not close(got, want, rtol=0, atol=_ATOL)


def _optimism_slips(correct, dev, test, ties):
    """The typical slips for a probe: with ``ties``, "the last of tied rows" and "the tied
    row with the best test accuracy" too."""
    slips = _optimism_wrong_answers(correct, dev, test)
    if ties:
        slips = ((_last_of_ties(correct, dev, test), _TIE_MESSAGE),
                 (_best_test_of_ties(correct, dev, test), _TIE_BY_TEST_MESSAGE)) + slips
    return slips


def _optimism_matrix(rng, shape, ties):
    """Draw (correct, dev, test) until every typical slip gives an answer of its own.

    shape = (models, examples, dev size, test size, lowest accuracy, spread). Models' true
    accuracies lie within ``spread`` of each other, and each example is right or wrong at
    random. Some examples are in neither dev nor test, and dev and test differ in size, so
    every slip can differ from the right answer and from every other slip; one draw in 2
    to 20 is kept (measured on the probes' shapes). With ``ties`` a tie on dev accuracy
    decides some k, once for a later tied row and once for the tied row best on test (so
    "the last of tied rows" and "the best test accuracy of tied rows" are slips that must
    differ too); without, no tie ever decides (so those slips give the right answer). Each
    slip therefore fails or passes a check, with its own message, whatever the seed.
    """
    n_models, m, n_dev, n_test, low, spread = shape
    for _ in range(100_000):
        accuracy = rng.uniform(low, low + spread, n_models)
        correct = (rng.random((n_models, m)) < accuracy[:, None]).astype(int)
        columns = rng.permutation(m)
        dev, test = columns[:n_dev], columns[n_dev:n_dev + n_test]
        right = reference.selection_optimism(correct, dev, test)
        if not ties and any(_differs(tie_rule(correct, dev, test), right)
                            for tie_rule in (_last_of_ties, _best_test_of_ties)):
            continue
        answers = [right] + [wrong for wrong, _ in _optimism_slips(correct, dev, test, ties)]
        if all(_differs(a, b) for i, a in enumerate(answers) for b in answers[i + 1:]):
            return correct.tolist(), [int(j) for j in dev], [int(j) for j in test]
    raise RuntimeError(f"no matrix of shape {shape} separates every slip")


def _optimism_probes(stream):
    rng = np.random.default_rng(stream)

    def size(low, high):
        return int(rng.integers(low, high + 1))

    shapes = {  # label: (models, examples, dev, test, lowest accuracy, spread), ties?
        "plain_a": ((size(6, 9), size(60, 80), size(20, 28), size(12, 18), 0.6, 0.2), False),
        "plain_b": ((size(8, 12), size(80, 100), size(12, 18), size(25, 35), 0.7, 0.2), False),
        "tie_a": ((size(5, 7), size(30, 40), size(6, 8), size(12, 16), 0.6, 0.2), True),
        "tie_b": ((size(6, 9), size(35, 45), size(7, 9), size(14, 20), 0.7, 0.2), True),
        "many": ((40, size(160, 200), size(50, 60), size(70, 90), 0.75, 0.05), True),
    }
    return [Probe(label, "selection_optimism", _optimism_matrix(rng, shape, ties),
                  driver="optimism")
            for label, (shape, ties) in shapes.items()]


def _optimism_malformed(got, correct, dev, test):
    n_models = len(correct)
    if got.shape == (n_models,):
        return None
    if got.size == n_models - 1:
        return (f"you returned {got.size} values for {n_models} models: give one for every k "
                f"from 1 (one model tried) to {n_models} (all tried)")
    if got.size == n_models + 1:
        return (f"you returned {got.size} values for {n_models} models: k starts at 1, since "
                f"with no model tried there is nothing to choose")
    return (f"return one value for every k = 1..{n_models}, an array of shape "
            f"({n_models},); got shape {got.shape}")


def _optimism_fallback(correct, dev, test):
    return ("with k models tried, subtract the test accuracy of the model with the best dev "
            "accuracy from the best test accuracy, both among rows 0 to k-1 (with one model "
            "tried, both choose it and the value is 0)")


def _optimism_judge(labels, ties):
    # Exact up to 1e-9 (see above): a correct answer never fails (false-failure rate 0).
    return reference_judge(labels, reference.selection_optimism,
                           lambda *args: _optimism_slips(*args, ties), _optimism_fallback,
                           malformed=_optimism_malformed,
                           matches=lambda got, want: close(got, want, rtol=0, atol=_ATOL),
                           rtol=0, atol=_ATOL)


ASSIGNMENT = Assignment(
    name="parameters_vs_hyperparameters",
    setup_cells=("setup",),
    tasks=(
        Task(
            function="count_parameters",
            test_cell="test_count_parameters",
            probes=_dims_probes,
            checks=(
                Check("a network without hidden layers", 1, ("none_a", "none_b"),
                      _count_judge(("none_a", "none_b"), "no hidden layer")),
                Check("a network with one hidden layer", 1, ("one_a", "one_b"),
                      _count_judge(("one_a", "one_b"), "one hidden layer")),
                Check("deep networks (2 to 5 hidden layers)", 1, ("deep_a", "deep_b", "deep_c"),
                      _count_judge(("deep_a", "deep_b", "deep_c"), "a deep network")),
            ),
            tripwires=("course.nn.FullyConnectedNet.__init__",
                       "course.nn.FullyConnectedNet.num_parameters",
                       "course.nn.FullyConnectedNet.parameter_table"),
        ),
        Task(
            function="split_train_dev_test",
            test_cell="test_split_train_dev_test",
            probes=_split_probes,
            checks=(
                Check("dev and test sizes are round(fraction * m)", 1, ("main", "small"),
                      _split_sizes),
                Check("every row lands in exactly one part", 1, ("main", "small"), _split_cover),
                Check("every row keeps its label and features", 1, ("main", "small"),
                      _split_labels),
                Check("rows shuffled with rng: same seed same split, inputs unchanged", 1,
                      ("main", "same", "other"), _split_shuffle),
            ),
            tripwires=("course.data.train_dev_test_split",),
        ),
        Task(
            function="best_learning_rate",
            test_cell="test_best_learning_rate",
            probes=_rate_probes,
            checks=(
                Check("picks the rate with the lowest dev cost", 1, ("plain_a", "plain_b"),
                      _rate_judge(("plain_a", "plain_b"), "the rate you returned does not have "
                                                          "the lowest dev cost")),
                Check("never picks a diverged run (nan or inf)", 1,
                      ("nan_first", "mixed", "inf_first"),
                      _rate_judge(("nan_first", "mixed", "inf_first"),
                                  "with some runs diverged, the rate you returned is not the "
                                  "one with the lowest finite dev cost")),
                Check("raises ValueError when every run diverged", 1,
                      ("all_nan", "nan_and_inf"), _rate_refuses),
            ),
        ),
        Task(
            function="selection_optimism",
            test_cell="test_selection_optimism",
            probes=_optimism_probes,
            checks=(
                Check("the gap for every k, on models of random accuracy", 1,
                      ("plain_a", "plain_b"), _optimism_judge(("plain_a", "plain_b"), False)),
                Check("a tie on dev accuracy goes to the model tried first", 1,
                      ("tie_a", "tie_b"), _optimism_judge(("tie_a", "tie_b"), True)),
                Check("forty models of nearly equal accuracy, as in the lesson", 1, ("many",),
                      _optimism_judge(("many",), True)),
            ),
        ),
    ),
)
