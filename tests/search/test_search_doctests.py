"""Do the examples in course.search's docstrings run, and is the package light to import?"""

import doctest
import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import course.search

MODULES = [f"course.search.{m.name}" for m in pkgutil.iter_modules(course.search.__path__)]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0


@pytest.mark.parametrize("name", sorted(course.search.__all__))
def test_every_public_function_shows_an_example(name):
    obj = getattr(course.search, name)
    if inspect.isfunction(obj):
        assert ">>>" in (obj.__doc__ or ""), f"{name} has no example in its docstring"


def test_importing_course_search_does_not_import_the_network_or_heavy_extras():
    """Does course.search stay a library: no network, no screen code, no cluster client?"""
    code = ("import sys, course.search; "
            "print(sorted(m for m in ('course.nn', 'course.data', 'distributed', "
            "'matplotlib', 'ipywidgets', 'tqdm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
