"""Does the package's layout keep the architecture it claims (README, Layout)?

- the ground floor (validate, rng, threads, smoothing, data, nn, search) imports no screen
  code (ipywidgets, matplotlib) and nothing from course.demos or course.lessons;
- course.demos imports no lesson; no lesson package imports another lesson's;
- there is no import cycle among course's modules;
- no module in course/ is much over 400 lines;
- no function body is written twice in course/ (the same statements under two names);
- each lesson notebook imports from its own lesson package and the library only.

The imports are read from the source (ast), so the checks do not depend on what happens
to be imported already.
"""

from __future__ import annotations

import ast
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
GROUND = ("course.validate", "course.rng", "course.threads", "course.smoothing", "course.data",
          "course.nn", "course.search")
SCREEN = ("ipywidgets", "matplotlib", "PIL", "IPython")
MAX_LINES = 420
LESSON_PACKAGE = {  # notebook -> its lesson package
    "01_parameters_vs_hyperparameters": "parameters_vs_hyperparameters",
    "02_grid_vs_random_search": "search_strategies",
    "03_appropriate_scale": "sampling_scales",
    "04_pandas_vs_caviar": "pandas_and_caviar",
    "05_batch_normalization": "batch_norm",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(COURSE.rglob("*.py"))}


def _imports(source: str, module: str, is_package: bool) -> set[str]:
    """Every module name `source` imports, anywhere in the file (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            found.add(name)
            # `from course.x import y` may import the submodule course.x.y
            found.update(f"{name}.{alias.name}" for alias in node.names
                         if f"{name}.{alias.name}" in MODULES)
    return found


def _course_imports(module: str) -> set[str]:
    path = MODULES[module]
    names = _imports(path.read_text(), module, path.name == "__init__.py")
    return {n for n in names if n in MODULES}


def _within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_import_graph_has_what_the_test_needs():
    """Is the graph read at all? (A parser that found nothing would pass every rule.)"""
    assert "course.nn.model" in _course_imports("course.nn.training")
    assert "course.demos.view" in set().union(
        *(_course_imports(m) for m in MODULES if m.startswith("course.lessons.")))


@pytest.mark.parametrize("module", [m for m in MODULES if _within(m, GROUND)])
def test_ground_floor_knows_no_screen_and_no_lesson(module):
    path = MODULES[module]
    names = _imports(path.read_text(), module, path.name == "__init__.py")
    bad = sorted(n for n in names
                 if _within(n, SCREEN) or _within(n, ("course.demos", "course.lessons")))
    assert bad == [], f"{module} imports {bad}: the library must not know screens or lessons"


@pytest.mark.parametrize("module", [m for m in MODULES if _within(m, ("course.demos",))])
def test_demo_machinery_knows_no_lesson(module):
    bad = sorted(n for n in _course_imports(module) if _within(n, ("course.lessons",)))
    assert bad == [], f"{module} imports lesson code {bad}"


@pytest.mark.parametrize("module", [m for m in MODULES if m.count(".") >= 3
                                    and m.startswith("course.lessons.")])
def test_a_lesson_imports_no_other_lesson(module):
    own = ".".join(module.split(".")[:3])
    bad = sorted(n for n in _course_imports(module)
                 if _within(n, ("course.lessons",)) and not _within(n, (own,)))
    assert bad == [], f"{module} imports another lesson's code {bad}"


def test_no_import_cycle():
    graph = {m: _course_imports(m) - {m} for m in MODULES}
    # A package's __init__ re-exporting its own submodules is not a cycle of the design.
    for m in graph:
        if MODULES[m].name == "__init__.py":
            graph[m] = {n for n in graph[m] if not n.startswith(m + ".")}
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == [], f"import cycles: {cycles}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_much_over_400_lines(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by concept"


def _bodies():
    """(normalized body, where) for every function of 3+ statements in course/."""
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(
                        getattr(body[0], "value", None), ast.Constant):
                    body = body[1:]  # the docstring
                if len(body) >= 3:
                    dump = ast.dump(ast.Module(body=body, type_ignores=[]),
                                    annotate_fields=False)
                    yield dump, f"{module}.{node.name}"


def test_no_function_body_is_written_twice():
    seen = defaultdict(list)
    for dump, where in _bodies():
        seen[dump].append(where)
    twice = [places for places in seen.values() if len(places) > 1]
    assert twice == [], f"the same function body appears in {twice}; keep one and import it"


def _notebook_imports(path: Path) -> set[str]:
    notebook = json.loads(path.read_text())
    names = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = "\n".join(line for line in source.splitlines()
                           if not re.match(r"\s*[%!]", line))  # magics are not Python
        names |= _imports(source, "__main__", False)
    return {n for n in names if n == "course" or n.startswith("course.")}


@pytest.mark.parametrize("stem", sorted(LESSON_PACKAGE))
def test_a_lesson_notebook_imports_its_package_and_the_library_only(stem):
    path = ROOT / "lessons" / f"{stem}.ipynb"
    own = f"course.lessons.{LESSON_PACKAGE[stem]}"
    names = _notebook_imports(path)
    assert any(_within(n, (own,)) for n in names), f"{path.name} does not use {own}"
    bad = sorted(n for n in names if not (_within(n, GROUND) or _within(n, (own,))))
    assert bad == [], f"{path.name} imports {bad}; use {own} and the library only"
