"""Hidden checks for ``parameters_vs_hyperparameters`` (lesson 01). Three tasks, 10 points:

=======================  ===========================  ======
answer cell              visible test cell            points
=======================  ===========================  ======
count_parameters         test_count_parameters        3
split_train_dev_test     test_split_train_dev_test    4
best_learning_rate       test_best_learning_rate      3
=======================  ===========================  ======

Every check here compares exact values (integer counts, row numbers, the chosen rate), or
tests events whose chance under a correct answer is stated beside it; none can fail a
correct answer with probability above 1e-12.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.assignments._shared import distinct_seeds, number_judge
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
    ),
)
