"""One sub-package per assignment, named like its folder in ``assignments/source/``.

Each exposes ``ASSIGNMENT`` (an :class:`autograder.spec.Assignment`); see AUTHORING.md.
"""
