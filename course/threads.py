"""How many threads the BLAS library behind NumPy may use: one setting for the course.

Every matrix in this course is small (at most a few hundred by a few hundred). There a
second BLAS thread brings no speed, and on a busy two-core laptop it made training
steps 5 to 10 times slower (measured while the lessons were written). So the course
uses `blas_threads()` threads, 1 unless the environment variable
``COURSE_BLAS_THREADS`` says otherwise (0 leaves BLAS's own setting alone):

    limit_blas_threads()          # the whole process; `import course` does this once
    with blas_limit():            # a block of code, e.g. in a worker thread
        ...
    use_blas_threads(2)           # set the variable in this process and apply it

Worker processes inherit the variable and `import course` applies it there;
`course.search.process_pool` workers call use_blas_threads(threads_per_worker) first.
"""

from __future__ import annotations

import contextlib
import os

import numpy as np  # noqa: F401  (loads the BLAS library that the limits below apply to)
from threadpoolctl import threadpool_limits

from course.validate import check_int

__all__ = ["ENVIRONMENT_VARIABLE", "blas_limit", "blas_threads", "limit_blas_threads",
           "use_blas_threads"]

ENVIRONMENT_VARIABLE = "COURSE_BLAS_THREADS"


def blas_threads() -> int:
    """The number of BLAS threads the course uses: ``COURSE_BLAS_THREADS``, default 1."""
    text = os.environ.get(ENVIRONMENT_VARIABLE, "1").strip()
    try:
        threads = int(text)
    except ValueError:
        threads = -1
    if threads < 0:
        raise ValueError(
            f"{ENVIRONMENT_VARIABLE}={text!r} is not a whole number >= 0; set it to the number "
            "of BLAS threads you want (1 is best for this course's small networks, 0 leaves "
            "BLAS's own setting)."
        )
    return threads


def limit_blas_threads() -> None:
    """Limit BLAS to `blas_threads()` threads for the rest of the process."""
    threads = blas_threads()
    if threads > 0:
        # A BLAS library loaded later (SciPy ships its own OpenBLAS) misses the limit below,
        # but reads this variable when it loads; so do the processes this one starts.
        os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
        threadpool_limits(threads, user_api="blas")


def blas_limit():
    """A context manager that holds BLAS to `blas_threads()` threads inside its block."""
    threads = blas_threads()
    if threads == 0:
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def use_blas_threads(threads) -> None:
    """Set ``COURSE_BLAS_THREADS`` to `threads` in this process (and the processes it
    starts), then limit BLAS to it: a process pool's initializer, so each worker keeps
    to its share of the cores."""
    threads = check_int("threads", threads, at_least=0, example=1)
    os.environ[ENVIRONMENT_VARIABLE] = str(threads)
    limit_blas_threads()
