"""A hands-on course on choosing deep-learning hyperparameters.

The library, from the ground up:

    course.validate, course.rng, course.threads, course.smoothing   shared helpers
    course.nn        the NumPy network every lesson and assignment trains
    course.data      2-D toy sets, the 8x8 digits, train/dev/test splits
    course.search    search spaces, grid / random / coarse-to-fine, halving, the runner
    course.demos     demo machinery: the canvas, the one view builder, background work
    course.lessons   one package per lesson: what that lesson computes and shows

The ground floor (validate, rng, threads, smoothing, nn, data, search) knows no
screen and no lesson; `course.demos` knows screens but no lesson; each package in
`course.lessons` uses both. Importing `course` limits NumPy's BLAS library to one
thread (see `course.threads`; ``COURSE_BLAS_THREADS`` changes it).
"""

from course.threads import limit_blas_threads as _limit_blas_threads

_limit_blas_threads()
