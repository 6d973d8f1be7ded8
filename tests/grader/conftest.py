"""The grader's tests: hidden checks, commands and hostile submissions.

The corpora these tests share, one module per purpose:

    autograder_corpus.py   sampling_scales: correct, typical wrong and hostile submissions,
                           with the points each must earn, and `hostile_cases`, the one
                           generator of tampering cases any assignment's tests can reuse
    wrong_answers.py       typical wrong answers to the other four assignments, each with
                           the check it must fail and the misconception it must name
    assignment_corpus.py   the machinery: a temporary nbgrader course, a student version
                           with some answers replaced, judging in-process for many seeds

`guarded` (assignment_corpus) caps the time and memory of code that runs a student's
answer in this process, so a wrong answer that hangs fails its test instead of the run.
"""
