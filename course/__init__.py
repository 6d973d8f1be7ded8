"""A hands-on course on choosing deep-learning hyperparameters.

Importing `course` limits the BLAS library behind NumPy to one thread. Every matrix in
this course is small (at most a few hundred by a few hundred), where a second BLAS thread
brings no speed and, on a busy two-core laptop, made training steps 5 to 10 times slower
(measured while the lessons were written). Set the environment variable
``COURSE_BLAS_THREADS`` to another number before importing `course` to change this.
"""

import os as _os

import numpy as _numpy  # noqa: F401  (loads the BLAS library that the limit below applies to)
from threadpoolctl import threadpool_limits as _threadpool_limits


def _limit_blas_threads() -> None:
    text = _os.environ.get("COURSE_BLAS_THREADS", "1")
    try:
        threads = int(text)
    except ValueError:
        raise ValueError(
            f"COURSE_BLAS_THREADS={text!r} is not a whole number; set it to the number of "
            "BLAS threads you want (1 is best for this course's small networks)"
        ) from None
    if threads > 0:
        _threadpool_limits(threads, user_api="blas")


_limit_blas_threads()
