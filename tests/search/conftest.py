"""Fixtures of the course.search tests.

Shared helpers that are not fixtures live in two plain modules next to this file, so
that Hypothesis decorators and pickling can reach them by name:

    search_spaces.py      Hypothesis strategies for dimensions and spaces, and membership
                          and own-scale checks written from the definitions
    search_objectives.py  module-level objectives, so a process pool can run them
"""

import pytest

from course.search import process_pool


@pytest.fixture(scope="session")
def pool():
    """One two-worker process pool (course.search.process_pool) for every test that needs
    one: starting workers costs more than most of those tests."""
    with process_pool(2) as executor:
        yield executor
