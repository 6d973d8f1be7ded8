"""Run an objective over many configs, serially or on any concurrent.futures.Executor.

Interface:

    run_trials(objective, configs, *, seed=0, executor=None, progress=True,
               maximize=True) -> TrialTable
    objective(config) -> float | TrialResult(score, curve)
    trial_seeds(seed, n) -> list of n ints
    seed_configs(configs, seed) -> copies of the configs, each with its "seed"
    process_pool(max_workers=2, threads_per_worker=None) -> ProcessPoolExecutor

"Pandas or caviar": with executor=None the trials run one after another in this
process; with a `ProcessPoolExecutor` they run side by side on this machine's
cores; with a Dask `Client(...).get_executor()` they run on a cluster. The
results are the same in every case, because each trial's seed comes from
`numpy.random.SeedSequence(seed).spawn`, not from the order trials finish in.

For a process pool or Dask, the objective must be picklable: define it at
module level in an importable file (not a lambda, not a closure).
"""

from __future__ import annotations

import math
import numbers
import pickle
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np

from course.search.results import Trial, TrialResult, TrialTable
from course.threads import blas_threads, use_blas_threads
from course.validate import check_int, check_positive_int

__all__ = ["run_trials", "trial_seeds", "seed_configs", "process_pool", "starmap"]


def trial_seeds(seed, n: int) -> list[int]:
    """n independent seeds (ints < 2**32) derived from one, as run_trials gives them.

    >>> trial_seeds(0, 3) == trial_seeds(0, 3) != trial_seeds(1, 3)
    True
    """
    seed = check_int("seed", seed, at_least=0, example=0)
    children = np.random.SeedSequence(seed).spawn(check_int("n", n, at_least=0, example=10))
    return [int(child.generate_state(1)[0]) for child in children]


def process_pool(max_workers=2, threads_per_worker=None) -> ProcessPoolExecutor:
    """A process pool whose workers each use `threads_per_worker` BLAS threads.

    The default is the course's setting, `course.threads.blas_threads()` (1 unless
    COURSE_BLAS_THREADS says otherwise), so two workers on two cores do not fight.

    >>> with process_pool(2) as pool:
    ...     list(pool.map(abs, [-1, -2]))
    [1, 2]
    """
    max_workers = check_positive_int("max_workers", max_workers, example=2)
    if threads_per_worker is None:
        threads_per_worker = blas_threads()
    threads_per_worker = check_int("threads_per_worker", threads_per_worker, at_least=0,
                                   example=1)
    return ProcessPoolExecutor(max_workers=max_workers, initializer=use_blas_threads,
                               initargs=(threads_per_worker,))


def starmap(function, jobs, executor=None) -> list:
    """[function(*job) for job in jobs], in order, through `executor` when one is given
    (a concurrent.futures executor: a process pool, a Dask client's executor, ...).

    >>> starmap(pow, [(2, 3), (3, 2)])
    [8, 9]
    """
    jobs = [tuple(job) for job in jobs]
    if executor is None:
        return [function(*job) for job in jobs]
    return list(executor.map(function, *zip(*jobs, strict=True))) if jobs else []


def _unpack(out):
    """An objective's return value -> (score, curve)."""
    if isinstance(out, TrialResult):
        score, curve = out.score, out.curve
    else:
        score, curve = out, None
    if isinstance(score, bool) or not isinstance(score, numbers.Real):
        raise TypeError(f"the objective returned {out!r}; expected a number or "
                        "TrialResult(score, curve)")
    curve = None if curve is None else np.asarray(curve, dtype=float)
    return float(score), curve


def _evaluate(objective, config):
    """Run one trial; never raises, so one failure cannot lose the others."""
    start = time.perf_counter()
    try:
        score, curve = _unpack(objective(config))
        error = trace = None
    except Exception as exc:  # reported in the table, not raised
        score, curve = math.nan, None
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        trace = traceback.format_exc()
    return score, curve, time.perf_counter() - start, error, trace


def seed_configs(configs, seed, caller="run_trials") -> list[dict]:
    """Copies of the configs, each with a "seed" from trial_seeds(seed, n) unless it has one.

    >>> seed_configs([{"x": 1}, {"x": 2, "seed": 5}], 0)[1]
    {'x': 2, 'seed': 5}
    """
    configs = list(configs)
    if not configs:
        raise ValueError(f"{caller} needs at least one config, got none; pass a list of dicts, "
                         "e.g. random_configs(space, 20).")
    for i, config in enumerate(configs):
        if not isinstance(config, dict):
            raise TypeError(f"config {i} is a {type(config).__name__}, not a dict: {config!r}; "
                            "pass one dict per config.")
    seeds = trial_seeds(seed, len(configs))
    # A config that already has a seed keeps it (successive halving pins them).
    return [{**config, "seed": config.get("seed", s)}
            for config, s in zip(configs, seeds, strict=True)]


def _check_picklable(objective, executor) -> None:
    if not isinstance(executor, ProcessPoolExecutor):
        return  # threads need no pickling; Dask uses cloudpickle, which takes lambdas
    try:
        pickle.dumps(objective)
    except Exception as exc:
        raise TypeError(
            f"the objective {objective!r} cannot be sent to a process pool ({exc}); "
            "define it with def at module level in an importable file"
        ) from None


def run_trials(objective, configs, *, seed=0, executor=None, progress=True,
               maximize=True, description="trials") -> TrialTable:
    """Evaluate objective on every config; results come back in config order.

    Each config is copied and given a "seed" (unless it has one) from
    SeedSequence(seed).spawn, so serial and parallel runs agree. A trial that
    raises is recorded with its exception text in `error`; the others go on.

    >>> def score(config):
    ...     return -(config["x"] - 0.3) ** 2
    >>> table = run_trials(score, [{"x": 0.0}, {"x": 0.5}], progress=False)
    >>> table.best().config["x"], table[0].config["seed"] == trial_seeds(0, 2)[0]
    (0.5, True)
    """
    configs = seed_configs(configs, seed)
    _check_picklable(objective, executor)
    from tqdm.auto import tqdm  # imported late: tqdm.auto probes for ipywidgets

    results = [None] * len(configs)
    with tqdm(total=len(configs), desc=description, disable=not progress) as bar:
        if executor is None:
            for i, config in enumerate(configs):
                results[i] = _evaluate(objective, config)
                bar.update()
        else:
            futures = {executor.submit(_evaluate, objective, config): i
                       for i, config in enumerate(configs)}
            try:
                for future in as_completed(futures):
                    i = futures[future]
                    try:
                        results[i] = future.result()
                    except Exception as exc:  # the pool itself failed (pickling, a dead worker)
                        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                        results[i] = (math.nan, None, 0.0, text, None)
                    bar.update()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    trials = [Trial(i, config, score, curve, seconds, error, trace)
              for i, (config, (score, curve, seconds, error, trace))
              in enumerate(zip(configs, results, strict=True))]
    return TrialTable(trials, maximize=maximize)
