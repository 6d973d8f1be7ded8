"""Tests, grouped by the part of the project they test.

    library/     course.nn, course.data and the shared helpers (validate, rng, threads)
    search/      course.search: spaces, samplers, strategies, halving, the runner
    lessons/     course.lessons and course.demos: experiments, demos driven headless,
                 and every lesson notebook executed
    grader/      the autograder: hidden checks, commands, hostile submissions
    end_to_end/  a user's paths: packaging, Validate, the assignment sources, browsers

Helpers that two groups share live here (notebook_run.py, references.py); pytest
puts this folder on sys.path because this conftest.py sits in it. Each group's
conftest.py holds the fixtures of that group.
"""
