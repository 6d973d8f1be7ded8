"""Does every assignment's source notebook run as shipped, in time, and follow the rules?

Each assignments/source/<name>/<name>.ipynb is executed top to bottom with nbclient (its
visible tests and closing parts included). The issue's limit is 60 s on a 2-core machine.
The committed notebooks carry no outputs, open by linking their lesson, and give each
answer cell the name of the function it defines, with a visible test cell beside it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from notebook_run import dirty_cells, execute_timed

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "assignments" / "source").glob("*/*.ipynb"))
LIMIT_SECONDS = 60


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.mark.slow
@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_source_executes_without_error_in_time(path):
    _, seconds = execute_timed(path)  # raises CellExecutionError, naming the cell, on any error
    assert seconds < LIMIT_SECONDS, f"{path.name} took {seconds:.1f} s"


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_source_is_committed_clean_and_links_its_lesson(path):
    notebook = nbformat.read(path, as_version=4)
    dirty = dirty_cells(notebook)
    assert dirty == [], f"cells {dirty} have outputs; clear them before committing"
    links = re.findall(r"\]\(([^)]*lessons/[^)]+\.ipynb)\)", notebook.cells[0].source)
    assert links, "the first cell must link the lesson"
    assert all((path.parent / link).resolve().is_file() for link in links), links


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_each_answer_cell_defines_its_function_and_has_a_test_cell(path):
    cells = nbformat.read(path, as_version=4).cells
    ids = {_nbgrader(cell).get("grade_id") for cell in cells}
    answers = [cell for cell in cells if _nbgrader(cell).get("solution")]
    assert answers
    for cell in answers:
        name = _nbgrader(cell)["grade_id"]
        defined = [node.name for node in ast.parse(cell.source).body
                   if isinstance(node, ast.FunctionDef)]
        assert defined == [name], (name, defined)
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        assert f"test_{name}" in ids, name
