"""Read notebooks as text: the source's setup and test cells, a submission's answer cells.

Nothing here executes a notebook. The grader trusts only the source notebook: setup and
visible test cells always come from it, so a submission that deletes, duplicates or edits
them, or changes their nbgrader metadata, gains nothing. Such changes are returned as
flags for the class report.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.spec import Assignment

METADATA_KEYS = ("grade", "solution", "locked", "points")


class NotebookError(ValueError):
    """The file is not a readable Jupyter notebook."""


def read(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(str(path), as_version=4)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"{path.name} is not a readable Jupyter notebook ({exc})") from exc


def grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id") if isinstance(meta, dict) else None


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def python_source(source: str) -> str:
    """Cell text with IPython syntax (magics, ``!cmd``) turned into plain Python."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # leave it; the child reports the SyntaxError as the student's
        return source


def defines(source: str, function: str) -> bool:
    try:
        tree = ast.parse(python_source(source))
    except SyntaxError:
        return False
    return any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function
        for node in tree.body
    )


@dataclass
class SourceNotebook:
    """The instructor's notebook: the only trusted place for setup and test cells."""

    cells: dict[str, dict]  # grade_id -> cell
    order: list[str]

    @classmethod
    def load(cls, path: Path) -> SourceNotebook:
        nb = read(path)
        cells, order = {}, []
        for cell in nb.cells:
            gid = grade_id(cell)
            if gid:
                cells[gid] = cell
                order.append(gid)
        return cls(cells, order)

    def code(self, gid: str) -> str:
        return python_source(self.cells[gid].source)

    def points(self, gid: str) -> float:
        return float(_nbgrader(self.cells[gid]).get("points", 0))


@dataclass
class Extraction:
    answers: list[tuple[str, str]] = field(default_factory=list)  # (cell id, python code)
    flags: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # functions with no answer cell at all


def extract(nb, source: SourceNotebook, assignment: Assignment) -> Extraction:
    """The submission's answer cells by grade_id, and flags for any structural change."""
    out = Extraction()
    by_id: dict[str, list] = {}
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid:
            by_id.setdefault(gid, []).append(cell)

    def flag(detail):
        out.flags.append({"kind": "tampering", "detail": detail})

    answer_ids = {task.function for task in assignment.tasks}
    for gid in source.order:
        copies = by_id.get(gid, [])
        trusted = source.cells[gid]
        if gid in answer_ids:
            continue  # handled below, in notebook order
        if not copies:
            flag(f"cell {gid} was deleted")
            continue
        if len(copies) > 1:
            flag(f"cell {gid} appears {len(copies)} times")
        if any(_normal(c.source) != _normal(trusted.source) for c in copies):
            flag(f"cell {gid} was edited")
        if any(
            any(_nbgrader(c).get(k) != _nbgrader(trusted).get(k) for k in METADATA_KEYS)
            for c in copies
        ):
            flag(f"the nbgrader metadata of cell {gid} was changed")
    for gid in by_id:
        if gid not in source.cells:
            flag(f"cell {gid} is not in the assignment")

    for task in assignment.tasks:
        copies = by_id.get(task.function, [])
        if len(copies) > 1:
            flag(f"answer cell {task.function} appears {len(copies)} times (all copies run)")
        if copies and any(
            _nbgrader(c).get(k) != _nbgrader(source.cells[task.function]).get(k)
            for c in copies
            for k in METADATA_KEYS
        ):
            flag(f"the nbgrader metadata of answer cell {task.function} was changed")
        if not copies:
            copies = [
                c for c in nb.cells
                if c.cell_type == "code" and not grade_id(c) and defines(c.source, task.function)
            ]
            if copies:
                flag(f"answer cell {task.function} lost its nbgrader metadata (found by its def)")
            else:
                out.missing.append(task.function)
        for cell in copies:
            out.answers.append((task.function, cell))

    # Run answers in the order they appear in the submission, as the student ran them.
    position = {id(cell): i for i, cell in enumerate(nb.cells)}
    out.answers.sort(key=lambda pair: position[id(pair[1])])
    out.answers = [(gid, python_source(cell.source)) for gid, cell in out.answers]
    return out
