"""The instructor's autograder: isolated hidden checks on top of an nbgrader course.

Commands live in :mod:`autograder.cli`; how to add an assignment is in AUTHORING.md.
"""
