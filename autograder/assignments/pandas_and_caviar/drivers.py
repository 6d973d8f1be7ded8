"""Probe drivers for pandas_and_caviar: they run in the child, next to student code.

They build the callables the tasks take (a training function that records every call, an
objective, a counting executor) and turn what the student's function returned and did into
numbers. Drivers hold no answers.
"""

import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor

import numpy as np


def halving(function, student, n_configs, min_budget, eta, offsets, slopes, catch):
    """successive_halving on configs {"id": i}; train's loss is offset + slope / budget.

    With catch, an exception from the student's function is reported as crashed = 1
    (the judge names the likely cause when the same function ran fine on other inputs).
    """
    configs = [{"id": i, "units": 8 * (i + 1)} for i in range(n_configs)]
    calls = []

    def train(config, budget):
        index = config["id"]
        calls.append((index, budget))
        return offsets[index] + slopes[index] / budget

    try:
        best, rungs = function(configs, train, min_budget, eta)
    except Exception:
        if not catch:
            raise
        return {"crashed": 1.0}
    rungs = list(rungs)
    sizes = [len(rung["evaluated"]) for rung in rungs]
    return {
        "crashed": 0.0,
        "calls": np.asarray(calls, dtype=float).reshape(-1, 2),
        "best": float(best["id"]) if isinstance(best, dict) and "id" in best else -1.0,
        "budgets": np.asarray([float(rung["budget"]) for rung in rungs]),
        "sizes": np.asarray(sizes, dtype=float),
        "evaluated": np.asarray([float(i) for rung in rungs for i in rung["evaluated"]]),
        "losses": np.asarray([float(v) for rung in rungs for v in rung["losses"]]),
        "loss_counts": np.asarray([len(rung["losses"]) for rung in rungs], dtype=float),
    }


class CountingExecutor(Executor):
    """A thread pool that counts what is submitted to it and when work waits."""

    def __init__(self, workers, expected):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="probe-pool")
        self._lock = threading.Lock()
        self.submitted = 0
        self.expected = expected
        self.all_submitted = threading.Event()

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            self.submitted += 1
            if self.submitted >= self.expected:
                self.all_submitted.set()
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait=True, *, cancel_futures=False):
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def parallel(function, student, values, delays, failing, wait_for_all):
    """run_in_parallel with an objective that sleeps, may raise, and notes where it ran.

    With wait_for_all, the first config's evaluation waits (at most 1 s) until every config
    has been handed to the executor, and records whether that happened.
    """
    n = len(values)
    executor = CountingExecutor(4, n)
    inside, outside, saw_all = [0], [0], [1.0]
    lock = threading.Lock()

    def objective(config):
        in_pool = threading.current_thread().name.startswith("probe-pool")
        with lock:
            (inside if in_pool else outside)[0] += 1
        k = config["k"]
        if wait_for_all and k == 0 and not executor.all_submitted.wait(1.0):
            saw_all[0] = 0.0
        time.sleep(delays[k])
        if failing[k]:
            raise RuntimeError(f"config {k} crashed")
        return values[k]

    configs = [{"k": k, "learning_rate": 10.0 ** -(1 + k % 4)} for k in range(n)]
    try:
        results = list(function(objective, configs, executor))
    except RuntimeError as exc:
        if "crashed" not in str(exc):
            raise
        return {"propagated": 1.0}
    finally:
        executor.shutdown(wait=True)
    kinds, numbers = [], []
    for result in results:
        kind, number = 0.0, float("nan")  # 0: a number, 1: None, 2: an exception, 3: other
        if result is None:
            kind = 1.0
        elif isinstance(result, BaseException):
            kind = 2.0
        else:
            try:
                number = float(result)
            except (TypeError, ValueError):
                kind = 3.0
        kinds.append(kind)
        numbers.append(number)
    return {
        "propagated": 0.0,
        "results": np.asarray(numbers, dtype=float),
        "kinds": np.asarray(kinds, dtype=float),
        "inside": float(inside[0]),
        "outside": float(outside[0]),
        "submitted": float(executor.submitted),
        "saw_all_submitted": saw_all[0],
    }


def choose(function, student, scores, panda_score, slots, budget, full_epochs):
    """choose_approach on one scenario: the approach as a code (0 panda, 1 caviar, 2 halving,
    -1 anything else) and the number returned beside it (nan if it is not a number)."""
    result = function(list(scores), panda_score, slots, budget, full_epochs)
    try:
        approach, number = result
    except (TypeError, ValueError):
        raise TypeError("choose_approach should return a pair: (approach, expected_best)") \
            from None
    codes = {"panda": 0.0, "caviar": 1.0, "halving": 2.0}
    code = codes.get(approach, -1.0) if isinstance(approach, str) else -1.0
    try:
        number = float(number)
    except (TypeError, ValueError):
        number = float("nan")
    return {"approach": code, "expected_best": number}
